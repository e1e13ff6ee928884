/* rahil: bit-exact software fault effects for datapath cells (effect.h); derived in
 * docs/fault-model.md, section 7. */
#include "effect.h"

#include <stdlib.h>
#include <string.h>

#include "quant.h"
#include "refmodel.h"

/* Accumulators one flip can change: one row or one column of the array. */
#define MAX_HITS 64

/* One output the flip changes: core pixel p, output channel oc; its sum by delta (mod 2^32), or,
 * with force set, its requantised value to y. */
struct hit {
	long p, oc;
	uint32_t delta;
	int force;
	int8_t y;
};

/* Drain registers modelled one by one (the census groups them with unmodelled ones), by leaf. */
enum drain_reg {
	DR_NONE = 0,
	DR_S2_SUM,  /* stage 2: sum = acc + bias of item tau - 2 */
	DR_S3_PROD, /* stage 3: the requantiser's product of item tau - 3, 47 bits */
	DR_A_VAL,   /* the best logit so far */
	DR_A_IDX,   /* its index: the class */
};

#define PROD_W 47 /* rtl/rh_ctl.v */

static int drain_reg_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	const char *leaf = dot ? dot + 1 : name;
	if (!strcmp(leaf, "u_s2_sum"))
		return DR_S2_SUM;
	if (!strcmp(leaf, "u_s3_prod"))
		return DR_S3_PROD;
	if (!strcmp(leaf, "u_a_val"))
		return DR_A_VAL;
	if (!strcmp(leaf, "u_a_idx"))
		return DR_A_IDX;
	return DR_NONE;
}

void rh_effect_free(struct rh_effect *e)
{
	rh_census_free(&e->c);
	free(e->acc);
	free(e->acc_ofs);
	free(e->input);
	free(e->w_acc);
	free(e->w_act);
	free(e->m_acc);
	free(e->m_act);
	free(e->t_acc);
	free(e->t_act);
	free(e->wt);
	free(e->cmp_cycle);
	free(e->cmp_logit);
	memset(e, 0, sizeof(*e));
}

static long conv_len(const struct rh_layer *l)
{
	return (long)l->conv_h * l->conv_w * l->out_c;
}

/* The conv output position of core pixel p (raster order; with pooling, window order). */
static void pixel_pos(const struct rh_layer *l, long p, long *oy, long *ox)
{
	if (l->flags & RH_F_POOL) {
		long cell = p / 4, sub = p % 4;
		*oy = 2 * (cell / l->out_w) + sub / 2;
		*ox = 2 * (cell % l->out_w) + sub % 2;
	} else {
		*oy = p / l->conv_w;
		*ox = p % l->conv_w;
	}
}

/* Every layer's weights with the output channel innermost, wt[(ky, kx, ch)][oc], so that the
 * sums one input enters are updated from one contiguous row. */
static int transpose_weights(struct rh_effect *e)
{
	const struct rh_model *m = e->m;
	size_t n = 0;
	for (int ly = 0; ly < m->n_layers; ly++) {
		e->wt_ofs[ly] = (long)n;
		n += rh_layer_weights(&m->layers[ly]);
	}
	e->wt = malloc(n + 1);
	if (!e->wt)
		return -1;
	for (int ly = 0; ly < m->n_layers; ly++) {
		const struct rh_layer *l = &m->layers[ly];
		long kk = (long)l->k * l->k * l->in_c;
		for (long oc = 0; oc < l->out_c; oc++)
			for (long j = 0; j < kk; j++)
				e->wt[e->wt_ofs[ly] + j * l->out_c + oc] = l->w[oc * kk + j];
	}
	return 0;
}

int rh_effect_init(struct rh_effect *e, const struct rh_model *m, const struct rh_ffmap *map,
                   const struct rh_accel_geom *g, struct rh_err *err)
{
	memset(e, 0, sizeof(*e));
	e->m = m;
	if (g->rows > MAX_HITS || g->cols > MAX_HITS)
		return rh_err_set(err, RH_E_INVAL, "a %dx%d array: the effect model takes at most %d rows and columns",
		                  g->rows, g->cols, MAX_HITS);
	const struct rh_layer *last = &m->layers[m->n_layers - 1];
	if (conv_len(last) > RH_MAX_LOGITS || m->n_classes > RH_MAX_LOGITS)
		return rh_err_set(err, RH_E_INVAL, "%s: %ld logits, a result holds at most %d", m->name, conv_len(last),
		                  RH_MAX_LOGITS);
	int rc = rh_census_init(&e->c, m, map, g, err);
	if (rc)
		return rc;
	long total = 0;
	e->acc_ofs = calloc((size_t)m->n_layers + 1, sizeof(*e->acc_ofs));
	if (!e->acc_ofs)
		goto nomem;
	for (int l = 0; l < m->n_layers; l++) {
		e->acc_ofs[l] = total;
		total += conv_len(&m->layers[l]);
	}
	e->acc_ofs[m->n_layers] = total;
	/* the last layer's logits in drain order, each compared with the best at the edge out of its
	 * stage-2 cycle */
	e->cmp_cycle = calloc((size_t)conv_len(last) + 1, sizeof(long));
	e->cmp_logit = calloc((size_t)conv_len(last) + 1, sizeof(int));
	if (!e->cmp_cycle || !e->cmp_logit)
		goto nomem;
	for (long i = 0; i < e->c.n_segs; i++) {
		const struct rh_accel_seg *sg = &e->c.segs[i].s;
		if (sg->phase != RH_PH_DRAIN || sg->layer != m->n_layers - 1)
			continue;
		for (long j = 0; j < (long)sg->nrows * sg->ncols && e->n_cmp < conv_len(last); j++) {
			long oy, ox, p = (long)sg->pixel_tile * g->rows + j / sg->ncols;
			pixel_pos(last, p, &oy, &ox);
			e->cmp_logit[e->n_cmp] =
			    (int)((oy * last->conv_w + ox) * last->out_c + (long)sg->oc_tile * g->cols + j % sg->ncols);
			e->cmp_cycle[e->n_cmp++] = sg->start + j + 2;
		}
	}
	e->n_input = (long)m->in_h * m->in_w * m->in_c;
	size_t acts = (size_t)e->c.act_ofs[m->n_layers] + 1;
	e->acc = malloc((size_t)total * sizeof(int32_t));
	e->input = malloc((size_t)e->n_input);
	e->w_acc = malloc((size_t)total * sizeof(int32_t));
	e->w_act = malloc(acts);
	e->m_acc = calloc((size_t)total, 1);
	e->m_act = calloc(acts, 1);
	e->t_acc = malloc((size_t)total * sizeof(long));
	e->t_act = malloc(acts * sizeof(long));
	if (!e->acc || !e->input || !e->w_acc || !e->w_act || !e->m_acc || !e->m_act || !e->t_acc || !e->t_act)
		goto nomem;
	if (transpose_weights(e))
		goto nomem;
	return 0;
nomem:
	rh_effect_free(e);
	return rh_err_set(err, RH_E_NOMEM, "out of memory for the effect model");
}

/* The golden run of input: the census's live cells and layer inputs, every layer's sums. */
static int set_input(struct rh_effect *e, const int8_t *input, struct rh_err *err)
{
	if (e->have_input && memcmp(e->input, input, (size_t)e->n_input) == 0)
		return 0;
	e->have_input = 0;
	int rc = rh_census_add_image(&e->c, input, err);
	if (rc)
		return rc;
	const struct rh_model *m = e->m;
	for (int l = 0; l < m->n_layers; l++) {
		void *out = l + 1 < m->n_layers ? (void *)e->w_act : (void *)e->logits;
		rh_ref_layer(&m->layers[l], e->c.acts + e->c.act_ofs[l], e->acc + e->acc_ofs[l], out);
	}
	e->cls = rh_argmax(e->logits, m->n_classes);
	memcpy(e->w_acc, e->acc, (size_t)e->acc_ofs[m->n_layers] * sizeof(int32_t));
	memcpy(e->w_act, e->c.acts, (size_t)e->c.act_ofs[m->n_layers]);
	memcpy(e->input, input, (size_t)e->n_input);
	e->have_input = 1;
	return 0;
}

/* The segment of the schedule holding cycle t. */
static const struct rh_census_seg *seg_of(const struct rh_census *c, long t)
{
	long lo = 0, hi = c->n_segs;
	while (hi - lo > 1) {
		long mid = (lo + hi) / 2;
		if (c->segs[mid].s.start <= t)
			lo = mid;
		else
			hi = mid;
	}
	return &c->segs[lo];
}

static int8_t flip8(int v, uint32_t b)
{
	return (int8_t)(uint8_t)((uint8_t)v ^ (uint8_t)(1u << b));
}

/* The partial sum of PE row p, column oc after the first n operand pairs of layer l (as
 * rh_accel_pe_feed: operand j is input (oy + ky - pad, ox + kx - pad, ch) with j = (ky * k + kx)
 * * in_c + ch, 0 in the padding): per window row, one dot product over the part inside the
 * input, which is contiguous in both operands. */
static uint32_t feed_sum(const struct rh_layer *l, const int8_t *in, long p, long oc, long n)
{
	long k = l->k, ic = l->in_c, oy, ox;
	const int8_t *w = l->w + oc * k * k * ic;
	uint32_t sum = 0;
	pixel_pos(l, p, &oy, &ox);
	long x0 = ox * l->stride - l->pad; /* the input column of kx = 0 */
	long kx0 = x0 < 0 ? -x0 : 0, kx1 = k < l->in_w - x0 ? k : l->in_w - x0;
	for (long ky = 0; ky < k && ky * k * ic < n; ky++) {
		long iy = oy * l->stride - l->pad + ky;
		if (iy < 0 || iy >= l->in_h || kx1 <= kx0)
			continue; /* padding */
		long j = (ky * k + kx0) * ic, len = (kx1 - kx0) * ic;
		len = j + len > n ? n - j : len;
		const int8_t *x = in + (iy * l->in_w + x0 + kx0) * ic;
		for (long i = 0; i < len; i++)
			sum += (uint32_t)(x[i] * w[j + i]);
	}
	return sum;
}

/* The accumulators a live flip of register r (bit b) at cycle tau of segment s changes. Returns
 * the number of hits, or -1 when the register is not modelled. */
static int hits_of(const struct rh_effect *e, const struct rh_census_reg *r, uint32_t b,
                   const struct rh_census_seg *seg, long tau, struct hit *h)
{
	const struct rh_accel_seg *s = &seg->s;
	const struct rh_layer *l = &e->m->layers[s->layer];
	const int8_t *in = e->c.acts + e->c.act_ofs[s->layer];
	int rows = e->c.geom.rows, cols = e->c.geom.cols;
	long p0 = (long)s->pixel_tile * rows, oc0 = (long)s->oc_tile * cols;
	int n = 0;
	switch (r->group) {
	case RH_SG_PE_ACT:
	case RH_SG_SKEW_ACT: {
		/* operand k of row a travels east: every column from b (PE) or 0 (skew) multiplies it */
		int pe = r->group == RH_SG_PE_ACT;
		long k = tau - 2 - r->b - (pe ? r->a : 0);
		int x = rh_accel_operand_x(l, in, p0 + r->a, k);
		int dx = flip8(x, b) - x;
		for (int col = pe ? r->b : 0; col < s->ncols; col++) {
			int w = rh_accel_operand_w(l, oc0 + col, k);
			if (w)
				h[n++] = (struct hit){.p = p0 + r->a, .oc = oc0 + col, .delta = (uint32_t)(dx * w)};
		}
		return n;
	}
	case RH_SG_PE_WGT:
	case RH_SG_SKEW_WGT: {
		/* weight k of column a (skew) or b (PE) travels south: every row from a (PE) or 0 (skew) */
		int pe = r->group == RH_SG_PE_WGT;
		int col = pe ? r->b : r->a;
		long k = tau - 2 - r->b - (pe ? r->a : 0);
		int w = rh_accel_operand_w(l, oc0 + col, k);
		int dw = flip8(w, b) - w;
		for (int row = pe ? r->a : 0; row < s->nrows; row++) {
			int x = rh_accel_operand_x(l, in, p0 + row, k);
			if (x)
				h[n++] = (struct hit){.p = p0 + row, .oc = oc0 + col, .delta = (uint32_t)(x * dw)};
		}
		return n;
	}
	case RH_SG_PE_ACC: {
		/* the accumulator's value at the strike: the partial sum in the feed, the sum in the drain */
		uint32_t v;
		if (s->phase == RH_PH_FEED) {
			v = feed_sum(l, in, p0 + r->a, oc0 + r->b, tau - 2 - r->a - r->b);
		} else {
			long oy, ox;
			pixel_pos(l, p0 + r->a, &oy, &ox);
			long i = (oy * l->conv_w + ox) * l->out_c + oc0 + r->b;
			v = (uint32_t)e->acc[e->acc_ofs[s->layer] + i] - (uint32_t)l->bias[oc0 + r->b];
		}
		h[0] = (struct hit){.p = p0 + r->a, .oc = oc0 + r->b, .delta = (v ^ (1u << b)) - v};
		return 1;
	}
	default: return -1;
	}
}

/* The hits of a live flip of drain register dr (bit b) at cycle tau of drain segment seg: the
 * stage-2 sum is the accumulator's plus the bias (one hit, as an accumulator flip), the stage-3
 * product is requantised as the drain does (one forced value; nothing in the last layer, whose
 * stage 3 writes nothing). */
static int drain_hits(const struct rh_effect *e, int dr, uint32_t b, const struct rh_census_seg *seg, long tau,
                      struct hit *h)
{
	const struct rh_accel_seg *s = &seg->s;
	const struct rh_layer *l = &e->m->layers[s->layer];
	long j = tau - (dr == DR_S2_SUM ? 2 : 3);
	long p = (long)s->pixel_tile * e->c.geom.rows + j / s->ncols,
	     oc = (long)s->oc_tile * e->c.geom.cols + j % s->ncols;
	long oy, ox;
	pixel_pos(l, p, &oy, &ox);
	uint32_t sum = (uint32_t)e->acc[e->acc_ofs[s->layer] + (oy * l->conv_w + ox) * l->out_c + oc];
	if (dr == DR_S2_SUM) {
		h[0] = (struct hit){.p = p, .oc = oc, .delta = (sum ^ (1u << b)) - sum, .force = 0, .y = 0};
		return 1;
	}
	if (!(l->flags & RH_F_REQUANT))
		return 0;
	/* P = sum * mult in PROD_W bits, two's complement; the flipped P sign-extended */
	const uint64_t mask = ((uint64_t)1 << PROD_W) - 1;
	uint64_t u = ((uint64_t)((int64_t)(int32_t)sum * l->mult[oc]) & mask) ^ ((uint64_t)1 << b);
	int64_t pv = (u >> (PROD_W - 1)) ? (int64_t)(u | ~mask) : (int64_t)u;
	int64_t y = rh_asr64(pv + ((int64_t)1 << (l->shift[oc] - 1)), l->shift[oc]);
	int64_t lo = (l->flags & RH_F_RELU) ? 0 : -128;
	y = y < lo ? lo : y > 127 ? 127 : y;
	h[0] = (struct hit){.p = p, .oc = oc, .delta = 0, .force = 1, .y = (int8_t)y};
	return 1;
}

/* The class after a flip of the argmax's best value (dr DR_A_VAL) or index (DR_A_IDX), bit b,
 * at cycle t: the comparisons before t as in the golden run, the flipped register, then the
 * comparisons from t on (larger value, or equal value at a lower index, wins). */
static int argmax_after(const struct rh_effect *e, int dr, uint32_t b, long t)
{
	int32_t val = 0;
	uint32_t idx = 0;
	long i = 0;
	for (; i < e->n_cmp && e->cmp_cycle[i] < t; i++) {
		int32_t v = e->logits[e->cmp_logit[i]];
		if (i == 0 || v > val || (v == val && (uint32_t)e->cmp_logit[i] < idx)) {
			val = v;
			idx = (uint32_t)e->cmp_logit[i];
		}
	}
	if (dr == DR_A_VAL)
		val = (int32_t)((uint32_t)val ^ (1u << b));
	else
		idx ^= 1u << b;
	for (; i < e->n_cmp; i++) {
		int32_t v = e->logits[e->cmp_logit[i]];
		if (v > val || (v == val && (uint32_t)e->cmp_logit[i] < idx)) {
			val = v;
			idx = (uint32_t)e->cmp_logit[i];
		}
	}
	return (int)idx;
}

/* Add delta (mod 2^32) to the faulty run's sum i (of every layer's, as e->acc) and list it. */
static void touch_sum(struct rh_effect *e, long i, uint32_t delta)
{
	e->w_acc[i] = (int32_t)((uint32_t)e->w_acc[i] + delta);
	if (!e->m_acc[i]) {
		e->m_acc[i] = 1;
		e->t_acc[e->n_t_acc++] = i;
	}
}

/* The requantised value of conv position (oy, ox), channel oc of layer l from the faulty run's
 * sums acc (layer l's): forced by a hit of h (the faulted layer's), or from its sum. */
static int8_t item_y(const struct rh_layer *l, const int32_t *acc, long oy, long ox, long oc, const struct hit *h,
                     int n)
{
	for (int i = 0; i < n; i++)
		if (h[i].force && h[i].oc == oc) {
			long hy, hx;
			pixel_pos(l, h[i].p, &hy, &hx);
			if (hy == oy && hx == ox)
				return h[i].y;
		}
	return rh_requant(acc[(oy * l->conv_w + ox) * l->out_c + oc], l->mult[oc], l->shift[oc],
	                  !!(l->flags & RH_F_RELU));
}

/* Requantise (and pool) layer ly's outputs that read the sums listed from t_acc[from] on, as the
 * drain does, into the faulty run's input of layer ly + 1, and list them. Returns the number
 * that differ from the golden run's. */
static long requant_listed(struct rh_effect *e, int ly, long from, const struct hit *h, int n)
{
	const struct rh_layer *l = &e->m->layers[ly];
	const int32_t *acc = e->w_acc + e->acc_ofs[ly];
	long ofs = e->c.act_ofs[ly + 1], changed = 0;
	for (long t = from; t < e->n_t_acc; t++) {
		long i = e->t_acc[t] - e->acc_ofs[ly], oc = i % l->out_c, oy = i / l->out_c / l->conv_w,
		     ox = i / l->out_c % l->conv_w, j;
		int8_t v;
		if (l->flags & RH_F_POOL) {
			oy &= ~1L;
			ox &= ~1L;
			if (oy / 2 >= l->out_h || ox / 2 >= l->out_w)
				continue; /* the row or column no pooling window reads */
			j = ofs + ((oy / 2) * l->out_w + ox / 2) * l->out_c + oc;
			if (e->m_act[j])
				continue;
			v = -128;
			for (int dy = 0; dy < 2; dy++)
				for (int dx = 0; dx < 2; dx++) {
					int8_t q = item_y(l, acc, oy + dy, ox + dx, oc, h, n);
					v = q > v ? q : v;
				}
		} else {
			j = ofs + i;
			if (e->m_act[j])
				continue;
			v = item_y(l, acc, oy, ox, oc, h, n);
		}
		e->m_act[j] = 1;
		e->t_act[e->n_t_act++] = j;
		e->w_act[j] = v;
		changed += v != e->c.acts[j];
	}
	return changed;
}

/* Add to layer ly's sums what the changed inputs listed from t_act[from] on change: input x at
 * (iy, ix, ch) enters every conv output whose window covers it, with the weight at its place in
 * the window, so the sum changes by (x' - x) * w, exactly as the reference model's sum of
 * products over the changed input. */
static void propagate(struct rh_effect *e, int ly, long from, long to)
{
	const struct rh_layer *l = &e->m->layers[ly];
	long ofs = e->c.act_ofs[ly], k = l->k;
	for (long t = from; t < to; t++) {
		int d = e->w_act[e->t_act[t]] - e->c.acts[e->t_act[t]];
		if (!d)
			continue;
		long i = e->t_act[t] - ofs, ch = i % l->in_c, iy = i / l->in_c / l->in_w, ix = i / l->in_c % l->in_w;
		long ylo = iy + l->pad - (long)(l->conv_h - 1) * l->stride,
		     xlo = ix + l->pad - (long)(l->conv_w - 1) * l->stride;
		for (long ky = ylo > 0 ? ylo : 0; ky < k && ky <= iy + l->pad; ky++) {
			if ((iy + l->pad - ky) % l->stride)
				continue;
			long oy = (iy + l->pad - ky) / l->stride;
			for (long kx = xlo > 0 ? xlo : 0; kx < k && kx <= ix + l->pad; kx++) {
				if ((ix + l->pad - kx) % l->stride)
					continue;
				long ox = (ix + l->pad - kx) / l->stride;
				const int8_t *w = e->wt + e->wt_ofs[ly] + ((ky * k + kx) * l->in_c + ch) * l->out_c;
				long o = e->acc_ofs[ly] + (oy * l->conv_w + ox) * l->out_c;
				for (long oc = 0; oc < l->out_c; oc++)
					if (w[oc])
						touch_sum(e, o + oc, (uint32_t)(d * w[oc]));
			}
		}
	}
}

/* Put the faulty run's listed entries back to the golden run's. */
static void restore(struct rh_effect *e)
{
	for (long t = 0; t < e->n_t_acc; t++) {
		e->w_acc[e->t_acc[t]] = e->acc[e->t_acc[t]];
		e->m_acc[e->t_acc[t]] = 0;
	}
	for (long t = 0; t < e->n_t_act; t++) {
		e->w_act[e->t_act[t]] = e->c.acts[e->t_act[t]];
		e->m_act[e->t_act[t]] = 0;
	}
	e->n_t_acc = e->n_t_act = 0;
}

/* Apply the hits to layer ly's sums and finish the inference in out (holding the golden
 * result): layer by layer, only the outputs that read a changed value are computed again, and
 * the golden result stands as soon as a layer's outputs all equal the golden ones. */
static void apply(struct rh_effect *e, int ly, const struct hit *h, int n, struct rh_result *out)
{
	const struct rh_model *m = e->m;
	for (int i = 0; i < n; i++) {
		const struct rh_layer *l = &m->layers[ly];
		long oy, ox;
		pixel_pos(l, h[i].p, &oy, &ox);
		/* a forced value is listed with its sum unchanged */
		touch_sum(e, e->acc_ofs[ly] + (oy * l->conv_w + ox) * l->out_c + h[i].oc, h[i].force ? 0 : h[i].delta);
	}
	for (long from = 0;; ly++) {
		if (!(m->layers[ly].flags & RH_F_REQUANT)) { /* the last layer: the sums are the logits */
			for (long t = from; t < e->n_t_acc; t++)
				out->logits[e->t_acc[t] - e->acc_ofs[ly]] = e->w_acc[e->t_acc[t]];
			out->cls = rh_argmax(out->logits, m->n_classes);
			break;
		}
		long a0 = e->n_t_act;
		if (!requant_listed(e, ly, from, h, n))
			break; /* absorbed: the golden result stands */
		n = 0;         /* forced values are the faulted layer's */
		from = e->n_t_acc;
		propagate(e, ly + 1, a0, e->n_t_act);
	}
	restore(e);
}

int rh_effect_run(struct rh_effect *e, const int8_t *input, uint32_t bit, uint32_t cycle, struct rh_result *out,
                  int *modelled, struct rh_err *err)
{
	*modelled = 0;
	if (bit >= e->c.bits || (long)cycle >= e->c.cycles)
		return rh_err_set(err, RH_E_INVAL, "chain bit %u at cycle %u: the run has %u bits and %ld cycles", bit,
		                  cycle, e->c.bits, e->c.cycles);
	int rc = set_input(e, input, err);
	if (rc)
		return rc;
	*out = (struct rh_result){.end = RH_RUN_DONE,
	                          .cls = e->cls,
	                          .n_logits = e->m->n_classes,
	                          .cycles = (uint32_t)e->c.cycles,
	                          .clock_cycles = 0,
	                          .rejoined = 0};
	memcpy(out->logits, e->logits, sizeof(out->logits));
	if (!rh_census_cell_live(&e->c, bit, cycle)) {
		*modelled = 1; /* dead: the golden result by construction */
		return 0;
	}
	uint32_t b;
	const struct rh_ffmap_reg *reg = rh_ffmap_find(e->c.map, bit, &b);
	const struct rh_census_reg *r = &e->c.regs[reg - e->c.map->regs];
	const struct rh_census_seg *seg = seg_of(&e->c, cycle);
	struct hit h[MAX_HITS];
	int dr = drain_reg_of(reg->name), n;
	if (dr == DR_A_VAL || dr == DR_A_IDX) {
		*modelled = 1;
		out->cls = argmax_after(e, dr, b, (long)cycle);
		return 0;
	}
	if (dr != DR_NONE)
		n = drain_hits(e, dr, b, seg, (long)cycle - seg->s.start, h);
	else
		n = hits_of(e, r, b, seg, (long)cycle - seg->s.start, h);
	if (n < 0)
		return 0;
	*modelled = 1;
	if (n)
		apply(e, seg->s.layer, h, n, out);
	return 0;
}
