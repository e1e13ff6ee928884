/* rahil: bit-exact software fault effects for datapath cells (effect.h); derived in
 * docs/fault-model.md, section 7. */
#include "effect.h"

#include <stdlib.h>
#include <string.h>

#include "quant.h"
#include "refmodel.h"

/* Accumulators one flip can change: one row or one column of the array. */
#define MAX_HITS 64

/* One accumulator the flip changes: core pixel p, output channel oc, by delta (mod 2^32). */
struct hit {
	long p, oc;
	uint32_t delta;
};

void rh_effect_free(struct rh_effect *e)
{
	rh_census_free(&e->c);
	free(e->acc);
	free(e->acc_ofs);
	free(e->input);
	free(e->s_acc);
	free(e->s_buf[0]);
	free(e->s_buf[1]);
	free(e->s_tmp);
	memset(e, 0, sizeof(*e));
}

static long conv_len(const struct rh_layer *l)
{
	return (long)l->conv_h * l->conv_w * l->out_c;
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
	long total = 0, max_acc = 1;
	e->acc_ofs = calloc((size_t)m->n_layers + 1, sizeof(*e->acc_ofs));
	if (!e->acc_ofs)
		goto nomem;
	for (int l = 0; l < m->n_layers; l++) {
		e->acc_ofs[l] = total;
		total += conv_len(&m->layers[l]);
		max_acc = conv_len(&m->layers[l]) > max_acc ? conv_len(&m->layers[l]) : max_acc;
	}
	e->acc_ofs[m->n_layers] = total;
	e->n_input = (long)m->in_h * m->in_w * m->in_c;
	size_t act = rh_model_max_act_bytes(m);
	e->acc = malloc((size_t)total * sizeof(int32_t));
	e->input = malloc((size_t)e->n_input);
	e->s_acc = malloc((size_t)max_acc * sizeof(int32_t));
	e->s_tmp = malloc((size_t)max_acc * sizeof(int32_t));
	e->s_buf[0] = malloc(act);
	e->s_buf[1] = malloc(act);
	if (!e->acc || !e->input || !e->s_acc || !e->s_tmp || !e->s_buf[0] || !e->s_buf[1])
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
		void *out = l + 1 < m->n_layers ? (void *)e->s_buf[0] : (void *)e->logits;
		rh_ref_layer(&m->layers[l], e->c.acts + e->c.act_ofs[l], e->acc + e->acc_ofs[l], out);
	}
	e->cls = rh_argmax(e->logits, m->n_classes);
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

static int8_t flip8(int v, uint32_t b)
{
	return (int8_t)(uint8_t)((uint8_t)v ^ (uint8_t)(1u << b));
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
			int64_t st[3];
			rh_accel_pe_feed(l, in, s, tau, rows, cols, r->a, r->b, st);
			v = (uint32_t)st[2];
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

/* Layers from..n_layers-1 on activations x (layer from's input) into out. */
static void run_from(struct rh_effect *e, int from, const int8_t *x, struct rh_result *out)
{
	const struct rh_model *m = e->m;
	const int8_t *in = x;
	for (int l = from; l < m->n_layers; l++) {
		if (l == m->n_layers - 1) {
			rh_ref_layer(&m->layers[l], in, e->s_tmp, out->logits);
			break;
		}
		int8_t *o = e->s_buf[(l - from + 1) & 1];
		rh_ref_layer(&m->layers[l], in, e->s_tmp, o);
		in = o;
	}
}

/* Apply the hits to layer ly's sums and finish the inference in out. */
static void apply(struct rh_effect *e, int ly, const struct hit *h, int n, struct rh_result *out)
{
	const struct rh_model *m = e->m;
	const struct rh_layer *l = &m->layers[ly];
	int32_t *acc = e->s_acc;
	memcpy(acc, e->acc + e->acc_ofs[ly], (size_t)conv_len(l) * sizeof(int32_t));
	long idx[MAX_HITS];
	for (int i = 0; i < n; i++) {
		long oy, ox;
		pixel_pos(l, h[i].p, &oy, &ox);
		idx[i] = (oy * l->conv_w + ox) * l->out_c + h[i].oc;
		acc[idx[i]] = (int32_t)((uint32_t)acc[idx[i]] + h[i].delta);
	}
	if (!(l->flags & RH_F_REQUANT)) { /* the last layer: the sums are the logits */
		for (int i = 0; i < n; i++)
			out->logits[idx[i]] = acc[idx[i]];
		out->cls = rh_argmax(out->logits, m->n_classes);
		return;
	}
	/* requantise (and pool) the outputs the hits reach, as the drain does */
	const int8_t *gold = e->c.acts + e->c.act_ofs[ly + 1];
	int8_t *y = e->s_buf[0];
	int relu = !!(l->flags & RH_F_RELU), changed = 0;
	size_t out_n = (size_t)(e->c.act_ofs[ly + 2] - e->c.act_ofs[ly + 1]);
	memcpy(y, gold, out_n);
	for (int i = 0; i < n; i++) {
		long oc = h[i].oc, j;
		int8_t v;
		if (l->flags & RH_F_POOL) {
			long oy, ox;
			pixel_pos(l, h[i].p, &oy, &ox);
			oy &= ~1L;
			ox &= ~1L;
			v = -128;
			for (int dy = 0; dy < 2; dy++)
				for (int dx = 0; dx < 2; dx++) {
					int32_t a = acc[((oy + dy) * l->conv_w + ox + dx) * l->out_c + oc];
					int8_t q = rh_requant(a, l->mult[oc], l->shift[oc], relu);
					v = q > v ? q : v;
				}
			j = ((oy / 2) * l->out_w + ox / 2) * l->out_c + oc;
		} else {
			v = rh_requant(acc[idx[i]], l->mult[oc], l->shift[oc], relu);
			j = idx[i];
		}
		changed |= v != gold[j];
		y[j] = v;
	}
	if (!changed)
		return; /* absorbed by the requantiser: the golden result stands */
	run_from(e, ly + 1, y, out);
	out->cls = rh_argmax(out->logits, m->n_classes);
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
	int n = hits_of(e, r, b, seg, (long)cycle - seg->s.start, h);
	if (n < 0)
		return 0;
	*modelled = 1;
	if (n)
		apply(e, seg->s.layer, h, n, out);
	return 0;
}
