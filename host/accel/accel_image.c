/* rahil: the accelerator's memory image (layer program, parameters, weights) and its schedule. */
#include "accel_image.h"

#include <stdlib.h>
#include <string.h>

const struct rh_accel_geom rh_accel_geom_sim = {8, 8, 12, 16, 9, 8, 10};
const struct rh_accel_geom rh_accel_geom_board = {2, 4, 12, 16, 9, 8, 10};
/* The iCEBreaker bitstream's set (bitstreams/icebreaker.mk defaults); keep them in step. */
const struct rh_accel_geom rh_accel_geom_icebreaker = {1, 2, 11, 16, 8, 8, 10};

const struct rh_accel_geom *rh_accel_geom_find(int rows, int cols)
{
	static const struct rh_accel_geom *const known[] = {&rh_accel_geom_sim, &rh_accel_geom_board,
	                                                    &rh_accel_geom_icebreaker};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i]->rows == rows && known[i]->cols == cols)
			return known[i];
	return NULL;
}

struct wbuf {
	struct rh_accel_write *w;
	size_t n, cap;
};

static int put(struct wbuf *b, uint32_t addr, uint32_t data)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4096;
		struct rh_accel_write *w = realloc(b->w, cap * sizeof(*w));
		if (!w)
			return RH_E_NOMEM;
		b->w = w;
		b->cap = cap;
	}
	b->w[b->n].addr = addr;
	b->w[b->n].data = data;
	b->n++;
	return 0;
}

long rh_accel_layer_pixels(const struct rh_layer *l)
{
	if (l->flags & RH_F_POOL)
		return 4L * l->out_h * l->out_w;
	return (long)l->conv_h * l->conv_w;
}

static long ceil_div(long a, long b)
{
	return (a + b - 1) / b;
}

/* Check one layer against the geometry; 0 or an error. */
static int check_layer(const struct rh_model *m, int i, const struct rh_accel_geom *g, struct rh_err *err)
{
	const struct rh_layer *l = &m->layers[i];
	long dmax = (1L << g->dim_w) - 1, amax = 1L << g->act_aw;
	int last = i == m->n_layers - 1;
	long kk = (long)l->k * l->k * l->in_c;
	int cs = (l->flags & RH_F_POOL) ? 2 * l->stride : l->stride;

	if (l->in_h > dmax || l->in_w > dmax || l->in_c > dmax || l->out_c > dmax || l->conv_h > dmax ||
	    l->conv_w > dmax)
		return rh_err_set(err, RH_E_UNSUPPORTED, "layer %d: a dimension exceeds %ld", i, dmax);
	if (l->k < 1 || l->k > 31 || l->stride < 1 || l->stride > 15 || cs > 31 || l->pad < 0 || l->pad > 15)
		return rh_err_set(err, RH_E_UNSUPPORTED,
		                  "layer %d: k %d stride %d pad %d, expected k 1..31, stride 1..15, pad 0..15", i, l->k,
		                  l->stride, l->pad);
	if (kk + g->rows + g->cols >= (1L << 16))
		return rh_err_set(err, RH_E_UNSUPPORTED, "layer %d: %ld weights per output, expected < %ld", i, kk,
		                  (1L << 16) - g->rows - g->cols);
	if ((long)l->in_h * l->in_w * l->in_c > amax || (long)l->out_h * l->out_w * l->out_c > amax)
		return rh_err_set(err, RH_E_UNSUPPORTED, "layer %d: activations exceed %ld bytes", i, amax);
	if ((long)l->stride * l->in_w * l->in_c * 2 >= amax || (long)l->pad * (l->in_w + 1) * l->in_c >= amax)
		return rh_err_set(err, RH_E_UNSUPPORTED, "layer %d: address steps exceed %ld", i, amax);
	if (last) {
		if ((l->flags & (RH_F_REQUANT | RH_F_POOL | RH_F_RELU)) != 0)
			return rh_err_set(err, RH_E_UNSUPPORTED,
			                  "layer %d: the last layer must output int32 logits (no requant, relu, pool)",
			                  i);
		if ((long)l->out_h * l->out_w * l->out_c > (1L << g->log_aw))
			return rh_err_set(err, RH_E_UNSUPPORTED, "layer %d: more than %d logits", i, 1 << g->log_aw);
	} else if (!(l->flags & RH_F_REQUANT)) {
		return rh_err_set(err, RH_E_UNSUPPORTED, "layer %d: an inner layer must requantise", i);
	}
	if ((l->flags & RH_F_POOL) && (l->out_h != l->conv_h / 2 || l->out_w != l->conv_w / 2))
		return rh_err_set(err, RH_E_FORMAT, "layer %d: pooled size %dx%d, expected %dx%d", i, l->out_h,
		                  l->out_w, l->conv_h / 2, l->conv_w / 2);
	return 0;
}

long rh_accel_schedule(const struct rh_model *m, const struct rh_accel_geom *g,
                       void (*fn)(const struct rh_accel_seg *seg, void *ctx), void *ctx)
{
	long t = 0;
	struct rh_accel_seg s;
	memset(&s, 0, sizeof(s));
	if (m->n_layers < 1 || m->n_layers > RH_ACCEL_MAX_LAYERS)
		return RH_E_UNSUPPORTED;
#define SEG(ph, l)                                                                                                     \
	do {                                                                                                           \
		s.phase = (ph);                                                                                        \
		s.start = t;                                                                                           \
		s.len = (l);                                                                                           \
		if (fn)                                                                                                \
			fn(&s, ctx);                                                                                   \
		t += (l);                                                                                              \
	} while (0)
	s.layer = 0;
	SEG(RH_PH_START, 1);
	for (int i = 0; i < m->n_layers; i++) {
		const struct rh_layer *l = &m->layers[i];
		long pix = rh_accel_layer_pixels(l);
		long kk = (long)l->k * l->k * l->in_c;
		long npt = ceil_div(pix, g->rows), noct = ceil_div(l->out_c, g->cols);
		s.layer = i;
		s.pixel_tile = s.oc_tile = s.nrows = s.ncols = 0;
		SEG(RH_PH_LOAD, RH_ACCEL_DESC_WORDS + 1);
		SEG(RH_PH_LINIT, 1);
		for (long pt = 0; pt < npt; pt++) {
			s.pixel_tile = (int)pt;
			s.nrows = (int)(pix - pt * g->rows < g->rows ? pix - pt * g->rows : g->rows);
			s.oc_tile = 0;
			s.ncols = 0;
			SEG(RH_PH_SETUP, g->rows);
			for (long ot = 0; ot < noct; ot++) {
				s.oc_tile = (int)ot;
				s.ncols = (int)(l->out_c - ot * g->cols < g->cols ? l->out_c - ot * g->cols : g->cols);
				SEG(RH_PH_FEED, kk + g->rows + g->cols);
				SEG(RH_PH_DRAIN, (long)s.nrows * s.ncols + 3);
			}
		}
	}
#undef SEG
	return t;
}

/* Check the whole model against the geometry; 0 or an error. */
static int check_model(const struct rh_model *m, const struct rh_accel_geom *g, struct rh_err *err)
{
	if (m->n_layers < 1 || m->n_layers > RH_ACCEL_MAX_LAYERS)
		return rh_err_set(err, RH_E_UNSUPPORTED, "%d layers, expected 1..%d", m->n_layers, RH_ACCEL_MAX_LAYERS);
	if (g->cols > 16 || g->rows < 1 || g->cols < 1)
		return rh_err_set(err, RH_E_INVAL, "array %dx%d, expected 1..16 columns", g->rows, g->cols);
	if ((long)m->in_h * m->in_w * m->in_c > (1L << g->act_aw))
		return rh_err_set(err, RH_E_UNSUPPORTED, "input of %d bytes exceeds %ld", m->in_h * m->in_w * m->in_c,
		                  1L << g->act_aw);
	for (int i = 0; i < m->n_layers; i++) {
		int rc = check_layer(m, i, g, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* The descriptor of layer i (docs/architecture.md, "Memory image"), its weights at wbase and
 * its parameters at pbase. */
static void layer_desc(const struct rh_model *m, int i, const struct rh_accel_geom *g, long wbase, long pbase,
                       uint32_t d[RH_ACCEL_DESC_WORDS])
{
	const struct rh_layer *l = &m->layers[i];
	int pool = (l->flags & RH_F_POOL) != 0;
	long kk = (long)l->k * l->k * l->in_c;
	int cs = pool ? 2 * l->stride : l->stride, ss = l->stride;
	uint32_t flags = 0;

	if (l->flags & RH_F_RELU)
		flags |= RH_AF_RELU;
	if (pool)
		flags |= RH_AF_POOL;
	if (l->flags & RH_F_REQUANT)
		flags |= RH_AF_REQUANT;
	if (i == m->n_layers - 1)
		flags |= RH_AF_LAST;
	if (i & 1)
		flags |= RH_AF_SRC;
	else
		flags |= RH_AF_DST;
	d[0] = flags;
	d[1] = (uint32_t)l->k | (uint32_t)cs << 8 | (uint32_t)ss << 16 | (uint32_t)l->pad << 24;
	d[2] = (uint32_t)l->in_h;
	d[3] = (uint32_t)l->in_w;
	d[4] = (uint32_t)l->in_c;
	d[5] = (uint32_t)(pool ? l->out_h : l->conv_h);
	d[6] = (uint32_t)(pool ? l->out_w : l->conv_w);
	d[7] = (uint32_t)l->out_c;
	d[8] = (uint32_t)kk;
	d[9] = (uint32_t)((l->in_w - l->k) * l->in_c + 1);
	d[10] = (uint32_t)(cs * l->in_c);
	d[11] = (uint32_t)(cs * l->in_w * l->in_c);
	d[12] = (uint32_t)(ss * l->in_c);
	d[13] = (uint32_t)(ss * l->in_w * l->in_c);
	d[14] = (uint32_t)(-(l->pad * l->in_w + l->pad) * l->in_c);
	d[15] = (uint32_t)wbase | (uint32_t)pbase << 16;
	/* Fields the RTL holds in fewer bits are masked there; keep the words tidy. */
	d[9] &= (1u << g->act_aw) - 1u;
	d[14] &= (1u << (g->act_aw + 2)) - 1u;
}

/* The writes of layer i: its descriptor, then per output channel tile and column the bias, the
 * requantiser entry and the weights (zero for padding channels). 0 or RH_E_NOMEM. */
static int put_layer(struct wbuf *b, const struct rh_model *m, int i, const struct rh_accel_geom *g, long wbase,
                     long pbase)
{
	const struct rh_layer *l = &m->layers[i];
	long kk = (long)l->k * l->k * l->in_c;
	long noct = ceil_div(l->out_c, g->cols);
	uint32_t d[RH_ACCEL_DESC_WORDS];
	int rc;

	layer_desc(m, i, g, wbase, pbase, d);
	for (int j = 0; j < RH_ACCEL_DESC_WORDS; j++)
		if ((rc = put(b, rh_accel_addr(RH_AR_PROG, 0, (uint32_t)(i * RH_ACCEL_DESC_WORDS + j)), d[j])))
			return rc;
	for (long ot = 0; ot < noct; ot++) {
		for (int c = 0; c < g->cols; c++) {
			long oc = ot * g->cols + c;
			uint32_t bias = 0, mq = 0;
			if (oc < l->out_c) {
				bias = (uint32_t)l->bias[oc];
				mq = (uint32_t)l->mult[oc] | (uint32_t)l->shift[oc] << 16;
			}
			if ((rc = put(b, rh_accel_addr(RH_AR_BIAS, 0, (uint32_t)(pbase + oc)), bias)) ||
			    (rc = put(b, rh_accel_addr(RH_AR_MQ, 0, (uint32_t)(pbase + oc)), mq)))
				return rc;
			for (long k = 0; k < kk; k++) {
				uint8_t w = oc < l->out_c ? (uint8_t)l->w[oc * kk + k] : 0;
				if ((rc = put(b, rh_accel_addr(RH_AR_WGT, (unsigned)c, (uint32_t)(wbase + ot * kk + k)),
				              w)))
					return rc;
			}
		}
	}
	return 0;
}

/* Every word of the program, parameter and weight memories is the image's: the words no layer
 * uses (the program past the layers, parameters from pbase, weights from wbase) are written 0,
 * so that a run reading past the model (a corrupted address) reads the same on every back-end,
 * whatever was loaded before (docs/campaign.md). 0 or RH_E_NOMEM. */
static int put_unused(struct wbuf *b, const struct rh_model *m, const struct rh_accel_geom *g, long wbase, long pbase)
{
	int rc;
	for (uint32_t a = (uint32_t)m->n_layers * RH_ACCEL_DESC_WORDS; a < 256u; a++)
		if ((rc = put(b, rh_accel_addr(RH_AR_PROG, 0, a), 0)))
			return rc;
	for (uint32_t a = (uint32_t)pbase; a < (1u << g->prm_aw); a++)
		if ((rc = put(b, rh_accel_addr(RH_AR_BIAS, 0, a), 0)) ||
		    (rc = put(b, rh_accel_addr(RH_AR_MQ, 0, a), 0)))
			return rc;
	for (int c = 0; c < g->cols; c++)
		for (uint32_t a = (uint32_t)wbase; a < (1u << g->wgt_aw); a++)
			if ((rc = put(b, rh_accel_addr(RH_AR_WGT, (unsigned)c, a), 0)))
				return rc;
	return 0;
}

int rh_accel_image_build(struct rh_accel_image *img, const struct rh_model *m, const struct rh_accel_geom *g,
                         struct rh_err *err)
{
	struct wbuf b = {NULL, 0, 0};
	long wbase = 0, pbase = 0;
	int rc;

	memset(img, 0, sizeof(*img));
	if ((rc = check_model(m, g, err)))
		return rc;
	for (int i = 0; i < m->n_layers; i++) {
		const struct rh_layer *l = &m->layers[i];
		long kk = (long)l->k * l->k * l->in_c;
		long noct = ceil_div(l->out_c, g->cols);
		if (wbase + noct * kk > (1L << g->wgt_aw) || pbase + noct * g->cols > (1L << g->prm_aw)) {
			rc =
			    rh_err_set(err, RH_E_UNSUPPORTED, "layer %d: weights or parameters exceed the memories", i);
			goto fail;
		}
		if ((rc = put_layer(&b, m, i, g, wbase, pbase)))
			goto nomem;
		wbase += noct * kk;
		pbase += noct * g->cols;
	}
	if ((rc = put_unused(&b, m, g, wbase, pbase)))
		goto nomem;
	img->w = b.w;
	img->n = b.n;
	img->n_inputs = m->in_h * m->in_w * m->in_c;
	{
		const struct rh_layer *l = &m->layers[m->n_layers - 1];
		img->n_logits = l->out_h * l->out_w * l->out_c;
	}
	img->cycles = rh_accel_schedule(m, g, NULL, NULL);
	return 0;
nomem:
	rc = rh_err_set(err, RH_E_NOMEM, "out of memory building the accelerator image");
fail:
	free(b.w);
	return rc;
}

void rh_accel_image_free(struct rh_accel_image *img)
{
	free(img->w);
	memset(img, 0, sizeof(*img));
}

unsigned rh_accel_addr_elem_size(uint32_t addr)
{
	unsigned r = addr >> 24;
	return r == RH_AR_PROG || r == RH_AR_BIAS || r == RH_AR_MQ ? 4 : 1;
}

static int cmp_write(const void *a, const void *b)
{
	const struct rh_accel_write *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int rh_accel_image_runs(const struct rh_accel_image *img, struct rh_accel_runs *runs, struct rh_err *err)
{
	size_t n = img->n;
	struct rh_accel_write *w = malloc((n ? n : 1) * sizeof(*w));
	memset(runs, 0, sizeof(*runs));
	runs->data = malloc((n ? n : 1) * sizeof(*runs->data));
	if (!w || !runs->data) {
		free(w);
		rh_accel_runs_free(runs);
		return rh_err_set(err, RH_E_NOMEM, "out of memory for a %zu-write image", n);
	}
	memcpy(w, img->w, n * sizeof(*w));
	qsort(w, n, sizeof(*w), cmp_write);
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned es = rh_accel_addr_elem_size(w[i].addr);
		runs->data[i] = w[i].data;
		struct rh_accel_run *last = runs->n ? &runs->run[runs->n - 1] : NULL;
		if (last && w[i].addr == last->addr + last->n && es == last->elem_size) {
			last->n++;
			continue;
		}
		if (runs->n == cap) {
			cap = cap ? 2 * cap : 64;
			struct rh_accel_run *r = realloc(runs->run, cap * sizeof(*r));
			if (!r) {
				free(w);
				rh_accel_runs_free(runs);
				return rh_err_set(err, RH_E_NOMEM, "out of memory for the runs of a %zu-write image",
				                  n);
			}
			runs->run = r;
		}
		runs->run[runs->n++] =
		    (struct rh_accel_run){.addr = w[i].addr, .elem_size = es, .data = runs->data + i, .n = 1};
	}
	free(w);
	return 0;
}

void rh_accel_runs_free(struct rh_accel_runs *runs)
{
	free(runs->run);
	free(runs->data);
	memset(runs, 0, sizeof(*runs));
}
