/* rahil: RA_True, RA_True-nc and RA_SW by uniform sampling (docs/fault-model.md, section 8). */
#include "predict.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "effect.h"
#include "refmodel.h"
#include "rng.h"
#include "stats.h"

/* Samples drawn and evaluated together: evaluated image by image (the golden run of an image is
 * computed once per block), counted in the order drawn. */
#define BLOCK 20000L
/* Analytic occupancy: draws of a cell of the chosen (layer, class) before giving up on a live one. */
#define MAX_TRIES 100000

/* One drawn sample. Hardware: a = chain bit, b = cycle; or (analytic) layer and cls chosen and
 * the cell drawn at evaluation from sub. Software: a = variable, b = bit. */
struct sample {
	int image, layer, cls;
	uint32_t a, b;
	uint64_t sub;
	long index;
};

/* What one sample gave. */
struct outcome {
	int layer, cls, bitpos; /* bucket; layer -1: none (an unused register) */
	int ok;                 /* faulty run correct */
	int image;
};

struct pred {
	const struct rh_model *m;
	const struct rh_ffmap *map;
	const struct rh_pred_opts *o;
	const int8_t *images;
	const int *labels;
	int n_images;
	long in_len;
	int *gold_ok; /* per image: the golden class is the label */
	struct rh_effect e;
	int have_e;
	uint32_t *bits;                      /* chain bits sorted by class */
	uint32_t cls_ofs[RH_FF_CONTROL + 2]; /* class c holds bits[cls_ofs[c] .. cls_ofs[c + 1]) */
	uint32_t space;                      /* bits in the fault space: all, or the datapath's */
	int n_cum;                           /* analytic: cumulative probability of (layer, class) */
	double cum[RH_MAX_LAYERS * (RH_FF_CONTROL + 1)];
	int cum_l[RH_MAX_LAYERS * (RH_FF_CONTROL + 1)], cum_c[RH_MAX_LAYERS * (RH_FF_CONTROL + 1)];
	/* RA_SW */
	struct rh_ref ref;
	int have_ref;
	long var_ofs[2 * RH_MAX_LAYERS + 1]; /* segment 2L: layer L's weights, 2L + 1: its input */
	long w_ofs[RH_MAX_LAYERS], a_ofs[RH_MAX_LAYERS + 1];
	int8_t *w;    /* a copy of every weight (one flipped at a time) */
	int8_t *acts; /* the golden inputs of every layer for image cur */
	int8_t *abuf; /* one layer input with a flip */
	int cur;
	struct rh_rng rng;
	struct rh_pred_result *r;
	struct rh_wmean drop;
	long bucket_l[RH_MAX_LAYERS], bucket_c[RH_FF_CONTROL + 1], bucket_b[RH_PRED_BITPOS];
};

const char *rh_pred_form_name(int form)
{
	return form == RH_PF_TRUE ? "true" : form == RH_PF_TRUE_NC ? "true-nc" : "sw";
}

const char *rh_pred_occ_name(int occ)
{
	return occ == RH_PO_ANALYTIC ? "analytic" : "exact";
}

const char *rh_pred_ctl_name(int ctl)
{
	return ctl == RH_PC_STUDY ? "study" : "model";
}

void rh_pred_result_free(struct rh_pred_result *r)
{
	free(r->trace);
	r->trace = NULL;
	r->n_trace = 0;
}

static const int8_t *image_of(const struct pred *p, int i)
{
	return p->images + (long)i * p->in_len;
}

/* The chain bits by class, and for analytic occupancy the (layer, class) table. */
static int setup_hw(struct pred *p, const struct rh_accel_geom *g, struct rh_err *err)
{
	int rc = rh_effect_init(&p->e, p->m, p->map, g, err);
	if (rc)
		return rc;
	p->have_e = 1;
	uint32_t B = p->map->chain_len, k = 0;
	if (!(p->bits = malloc(sizeof(uint32_t) * B)))
		return rh_err_set(err, RH_E_NOMEM, "out of memory for the chain bits");
	for (int c = 0; c <= RH_FF_CONTROL; c++) {
		p->cls_ofs[c] = k;
		for (uint32_t b = 0; b < B; b++)
			if (rh_ffmap_class_of(p->map, b) == c)
				p->bits[k++] = b;
	}
	p->cls_ofs[RH_FF_CONTROL + 1] = k;
	int nc = p->o->form == RH_PF_TRUE_NC;
	p->space = nc ? p->cls_ofs[RH_FF_CONTROL] : B;
	if (p->space == 0)
		return rh_err_set(err, RH_E_INVAL, "the map has no flip-flops of the datapath classes");
	double s = 0;
	for (int l = 0; l < p->e.c.n_layers; l++)
		for (int c = 0; c <= (nc ? RH_FF_OUTPUT_ACT : RH_FF_CONTROL); c++) {
			/* the study's TP is the class's share of the fault space: B / space rescales it */
			s += rh_census_analytic(&p->e.c, l, c) * (double)B / p->space;
			p->cum[p->n_cum] = s;
			p->cum_l[p->n_cum] = l;
			p->cum_c[p->n_cum++] = c;
		}
	return 0;
}

/* Variables of RA_SW: per layer its weights, then its input (the image, or the layer before's
 * output), as the reference model holds them. */
static int setup_sw(struct pred *p, struct rh_err *err)
{
	const struct rh_model *m = p->m;
	int rc = rh_ref_init(&p->ref, m, err);
	if (rc)
		return rc;
	p->have_ref = 1;
	long nv = 0, nw = 0, na = 0;
	for (int l = 0; l < m->n_layers; l++) {
		const struct rh_layer *ly = &m->layers[l];
		long wn = (long)rh_layer_weights(ly), an = (long)ly->in_h * ly->in_w * ly->in_c;
		p->var_ofs[2 * l] = nv;
		p->var_ofs[2 * l + 1] = nv + wn;
		nv += wn + an;
		p->w_ofs[l] = nw;
		p->a_ofs[l] = na;
		nw += wn;
		na += an;
	}
	p->var_ofs[2 * m->n_layers] = nv;
	p->a_ofs[m->n_layers] = na;
	p->w = malloc((size_t)nw);
	p->acts = malloc((size_t)na);
	p->abuf = malloc(p->ref.buf_len > (size_t)p->in_len ? p->ref.buf_len : (size_t)p->in_len);
	if (!p->w || !p->acts || !p->abuf)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for the reference model's variables");
	for (int l = 0; l < m->n_layers; l++)
		memcpy(p->w + p->w_ofs[l], m->layers[l].w, rh_layer_weights(&m->layers[l]));
	p->cur = -1;
	return 0;
}

/* Draw the samples of a block from the run's generator. */
static void draw(struct pred *p, struct sample *s, long n, long first)
{
	const struct rh_pred_opts *o = p->o;
	for (long i = 0; i < n; i++) {
		struct sample *x = &s[i];
		*x = (struct sample){.index = first + i, .layer = -1};
		x->image = (int)rh_rng_below(&p->rng, (uint64_t)p->n_images);
		if (o->form == RH_PF_SW) {
			x->a = (uint32_t)rh_rng_below(&p->rng, (uint64_t)p->var_ofs[2 * p->m->n_layers]);
			x->b = (uint32_t)rh_rng_below(&p->rng, 8);
		} else if (o->occupancy == RH_PO_EXACT) {
			x->a = p->bits[rh_rng_below(&p->rng, p->space)];
			x->b = (uint32_t)rh_rng_below(&p->rng, (uint64_t)p->e.c.cycles);
		} else {
			double u = rh_rng_unif(&p->rng);
			x->sub = rh_rng_next(&p->rng);
			for (int j = 0; j < p->n_cum; j++)
				if (u < p->cum[j]) {
					x->layer = p->cum_l[j];
					x->cls = p->cum_c[j];
					break;
				}
		}
	}
}

/* Analytic occupancy: a live cell of (layer, class) of the current image, uniformly (rejection
 * from the uniform cells of the pair); 0 when none was found. */
static int live_cell(struct pred *p, const struct sample *s, uint32_t *bit, uint32_t *cycle)
{
	const struct rh_census *c = &p->e.c;
	struct rh_rng g;
	rh_rng_seed(&g, s->sub);
	uint32_t lo = p->cls_ofs[s->cls], nb = p->cls_ofs[s->cls + 1] - lo;
	long t0 = c->layer_start[s->layer], nt = rh_census_layer_cycles(c, s->layer);
	if (nb == 0 || nt <= 0)
		return 0;
	for (int i = 0; i < MAX_TRIES; i++) {
		*bit = p->bits[lo + rh_rng_below(&g, nb)];
		*cycle = (uint32_t)(t0 + (long)rh_rng_below(&g, (uint64_t)nt));
		if (rh_census_cell_live(c, *bit, *cycle))
			return 1;
	}
	return 0;
}

/* A hardware cell's outcome. */
static int eval_hw(struct pred *p, const struct sample *s, struct outcome *y, struct rh_err *err)
{
	const int8_t *x = image_of(p, s->image);
	int label = p->labels[s->image], md = 0, rc;
	uint32_t bit = s->a, cycle = s->b, index = 0;
	struct rh_result res;
	y->ok = p->gold_ok[s->image];
	if (p->o->occupancy == RH_PO_ANALYTIC) {
		if (s->layer < 0) {
			p->r->unused++;
			return 0;
		}
		if ((rc = rh_effect_run(&p->e, x, 0, 0, &res, &md, err)) != 0) /* the image's census */
			return rc;
		if (!live_cell(p, s, &bit, &cycle)) {
			p->r->no_live++; /* counted at the golden outcome, in no bucket */
			return 0;
		}
	}
	rh_ffmap_find(p->map, bit, &index);
	y->cls = rh_ffmap_class_of(p->map, bit);
	y->layer = rh_census_layer_of(&p->e.c, cycle);
	y->bitpos = index < RH_PRED_BITPOS ? (int)index : RH_PRED_BITPOS - 1;
	if (p->o->control == RH_PC_STUDY && y->cls == RH_FF_CONTROL) {
		y->ok = 0;
		return 0;
	}
	if ((rc = rh_effect_run(&p->e, x, bit, cycle, &res, &md, err)) != 0)
		return rc;
	if (!md) {
		p->r->unmodelled++;
		y->ok = 0;
		return 0;
	}
	y->ok = res.end == RH_RUN_DONE && res.cls == label;
	return 0;
}

/* RA_SW: the golden layer inputs of image i. */
static void sw_image(struct pred *p, int i)
{
	const struct rh_model *m = p->m;
	if (p->cur == i)
		return;
	memcpy(p->acts, image_of(p, i), (size_t)p->in_len);
	for (int l = 0; l + 1 < m->n_layers; l++)
		rh_ref_layer(&m->layers[l], p->acts + p->a_ofs[l], p->ref.acc, p->acts + p->a_ofs[l + 1]);
	p->cur = i;
}

/* A software site's outcome: variable a with bit b inverted wherever it is read. */
static void eval_sw(struct pred *p, const struct sample *s, struct outcome *y)
{
	const struct rh_model *m = p->m;
	int32_t logits[RH_MAX_LOGITS];
	int seg = 0;
	sw_image(p, s->image);
	while (seg + 1 < 2 * m->n_layers && (long)s->a >= p->var_ofs[seg + 1])
		seg++;
	int l = seg / 2, cls;
	long k = (long)s->a - p->var_ofs[seg];
	int8_t mask = (int8_t)(1u << s->b);
	if (seg % 2 == 0) {
		struct rh_layer ly = m->layers[l];
		ly.w = p->w + p->w_ofs[l];
		ly.w[k] ^= mask;
		cls = rh_ref_infer_from(&p->ref, l, &ly, p->acts + p->a_ofs[l], logits);
		ly.w[k] ^= mask;
		y->cls = RH_FF_WEIGHT;
	} else {
		long an = p->a_ofs[l + 1] - p->a_ofs[l];
		memcpy(p->abuf, p->acts + p->a_ofs[l], (size_t)an);
		p->abuf[k] ^= mask;
		cls = rh_ref_infer_from(&p->ref, l, NULL, p->abuf, logits);
		y->cls = RH_FF_INPUT_ACT;
	}
	y->layer = l;
	y->bitpos = (int)s->b;
	y->ok = cls == p->labels[s->image];
}

static int by_image(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;
	if (x->image != y->image)
		return x->image < y->image ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Evaluate a block image by image; ys[i] for the sample drawn i-th in the block. */
static int eval_block(struct pred *p, struct sample *s, long n, long first, struct outcome *ys, struct rh_err *err)
{
	qsort(s, (size_t)n, sizeof(*s), by_image);
	for (long i = 0; i < n; i++) {
		struct outcome *y = &ys[s[i].index - first];
		*y = (struct outcome){.layer = -1, .image = s[i].image};
		if (p->o->form == RH_PF_SW) {
			eval_sw(p, &s[i], y);
			continue;
		}
		int rc = eval_hw(p, &s[i], y, err);
		if (rc)
			return rc;
	}
	return 0;
}

static double clip01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Count one sample (the control variate: the golden outcome of its image). */
static void tally(struct pred *p, const struct outcome *y)
{
	struct rh_pred_result *r = p->r;
	int g = p->gold_ok[y->image], d = g - y->ok;
	r->n10 += g && !y->ok;
	r->n01 += !g && y->ok;
	rh_wmean_add(&p->drop, 1.0, (double)d);
	r->n++;
	if (y->layer < 0)
		return;
	p->bucket_l[y->layer] += d;
	p->bucket_c[y->cls] += d;
	p->bucket_b[y->bitpos] += d;
	r->layer_n[y->layer]++;
	r->class_n[y->cls]++;
	r->bit_n[y->bitpos]++;
}

/* RA, the drop and their intervals from what is counted (as the campaign, section 3). */
static void estimate(struct pred *p)
{
	struct rh_pred_result *r = p->r;
	double lo, hi;
	rh_paired_diff_ci(r->n, r->n10, r->n01, RH_Z95, &lo, &hi);
	r->drop = rh_wmean_mean(&p->drop);
	r->ci95_drop[0] = lo;
	r->ci95_drop[1] = hi;
	r->ra = clip01(r->sa - r->drop);
	r->ci95[0] = clip01(r->sa - hi);
	r->ci95[1] = clip01(r->sa - lo);
	r->ess = rh_wmean_ess(&p->drop);
}

/* After a check: record the trace point; 1 when a target half-width is met. */
static int check(struct pred *p)
{
	struct rh_pred_result *r = p->r;
	estimate(p);
	r->trace[r->n_trace++] = (struct rh_pred_point){.n = r->n,
	                                                .ra = r->ra,
	                                                .ci95 = {r->ci95[0], r->ci95[1]},
	                                                .drop = r->drop,
	                                                .ci95_drop = {r->ci95_drop[0], r->ci95_drop[1]}};
	if (p->o->ci > 0 && (r->ci95[1] - r->ci95[0]) / 2 <= p->o->ci)
		return 1;
	return p->o->rel_ci > 0 && r->drop > 0 && (r->ci95_drop[1] - r->ci95_drop[0]) / 2 <= p->o->rel_ci * r->drop;
}

/* Draw, evaluate and count blocks until n samples or a target is met. */
static int run(struct pred *p, struct rh_err *err)
{
	const struct rh_pred_opts *o = p->o;
	long k = o->check_every > 0 ? o->check_every : 1000, bs = BLOCK < o->n ? BLOCK : o->n;
	struct sample *s = malloc(sizeof(*s) * (size_t)bs);
	struct outcome *ys = malloc(sizeof(*ys) * (size_t)bs);
	p->r->trace = malloc(sizeof(*p->r->trace) * (size_t)(o->n / k + 2));
	int rc = 0, stop = 0;
	if (!s || !ys || !p->r->trace) {
		rc = rh_err_set(err, RH_E_NOMEM, "out of memory for %ld samples", bs);
		goto out;
	}
	for (long first = 0; first < o->n && !stop; first += bs) {
		long n = o->n - first < bs ? o->n - first : bs;
		draw(p, s, n, first);
		if ((rc = eval_block(p, s, n, first, ys, err)) != 0)
			goto out;
		for (long i = 0; i < n && !stop; i++) {
			tally(p, &ys[i]);
			if (p->r->n % k == 0 || p->r->n == o->n)
				stop = check(p);
		}
	}
out:
	free(s);
	free(ys);
	return rc;
}

/* SA over the evaluation images, from the reference model (bit-exact with the accelerator). */
static int golden(struct pred *p, struct rh_err *err)
{
	struct rh_ref ref;
	int32_t logits[RH_MAX_LOGITS];
	int rc = rh_ref_init(&ref, p->m, err), ok = 0;
	if (rc)
		return rc;
	if (!(p->gold_ok = malloc(sizeof(int) * (size_t)p->n_images))) {
		rh_ref_free(&ref);
		return rh_err_set(err, RH_E_NOMEM, "out of memory for %d images", p->n_images);
	}
	for (int i = 0; i < p->n_images; i++) {
		p->gold_ok[i] = rh_ref_infer(&ref, image_of(p, i), logits) == p->labels[i];
		ok += p->gold_ok[i];
	}
	p->r->sa = (double)ok / p->n_images;
	rh_ref_free(&ref);
	return 0;
}

/* The buckets' drops, over every sample counted. */
static void finish(struct pred *p)
{
	struct rh_pred_result *r = p->r;
	double n = r->n > 0 ? (double)r->n : 1;
	r->n_layers = p->m->n_layers;
	r->n_bitpos = p->o->form == RH_PF_SW ? 8 : 0;
	for (int b = 0; b < RH_PRED_BITPOS; b++) {
		r->bit_drop[b] = p->bucket_b[b] / n;
		if (p->o->form != RH_PF_SW && r->bit_n[b] > 0)
			r->n_bitpos = b + 1;
	}
	for (int l = 0; l < RH_MAX_LAYERS; l++)
		r->layer_drop[l] = p->bucket_l[l] / n;
	for (int c = 0; c <= RH_FF_CONTROL; c++)
		r->class_drop[c] = p->bucket_c[c] / n;
}

static int check_opts(const struct pred *p, const struct rh_pred_opts *o, struct rh_err *err)
{
	if (o->form < RH_PF_TRUE || o->form > RH_PF_SW || o->occupancy < RH_PO_EXACT || o->occupancy > RH_PO_ANALYTIC ||
	    o->control < RH_PC_MODEL || o->control > RH_PC_STUDY)
		return rh_err_set(err, RH_E_INVAL, "unknown formulation, occupancy or control rule");
	if (o->n < 1 || p->n_images < 1)
		return rh_err_set(err, RH_E_INVAL, "%ld samples over %d images: both must be at least 1", o->n,
		                  p->n_images);
	if (o->form == RH_PF_SW && (o->occupancy != RH_PO_EXACT || o->control != RH_PC_MODEL))
		return rh_err_set(err, RH_E_INVAL,
		                  "RA_SW has no occupancy or control rule: its sites are the "
		                  "network's variables");
	return 0;
}

int rh_predict(const struct rh_model *m, const struct rh_ffmap *map, const struct rh_accel_geom *g,
               const int8_t *images, const int *labels, int n_images, const struct rh_pred_opts *o,
               struct rh_pred_result *r, struct rh_err *err)
{
	struct pred p = {.m = m,
	                 .map = map,
	                 .o = o,
	                 .images = images,
	                 .labels = labels,
	                 .n_images = n_images,
	                 .in_len = (long)m->in_h * m->in_w * m->in_c,
	                 .r = r};
	*r = (struct rh_pred_result){.n = 0};
	rh_rng_seed(&p.rng, o->seed);
	int rc = check_opts(&p, o, err);
	if (!rc)
		rc = golden(&p, err);
	if (!rc)
		rc = o->form == RH_PF_SW ? setup_sw(&p, err) : setup_hw(&p, g, err);
	if (!rc)
		rc = run(&p, err);
	if (!rc)
		finish(&p);
	else
		rh_pred_result_free(r);
	if (p.have_e)
		rh_effect_free(&p.e);
	if (p.have_ref)
		rh_ref_free(&p.ref);
	free(p.gold_ok);
	free(p.bits);
	free(p.w);
	free(p.acts);
	free(p.abuf);
	return rc;
}
