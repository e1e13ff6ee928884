/* rahil: RA_True, RA_True-nc and RA_SW by uniform or importance sampling, or exhaustively
 * (docs/fault-model.md, sections 8 and 9). */
#include "predict.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "effect.h"
#include "proposal.h"
#include "refmodel.h"
#include "rng.h"
#include "stats.h"

/* Samples drawn and evaluated together: evaluated image by image (the golden run of an image is
 * computed once per block), counted in the order drawn. */
#define BLOCK 20000L
/* Analytic occupancy: draws of a cell of the chosen (layer, class) before giving up on a live one. */
#define MAX_TRIES 100000
/* Strata of the hardware fault space: (layer, register group, bit position); of RA_SW's:
 * (variable segment, bit). A pilot's profile is kept per key (register group, bit position),
 * RA_SW's weights counted as group RH_SG_PE_WGT and its activations as RH_SG_PE_ACT. */
#define NKEY      (RH_SG_COUNT * RH_PRED_BITPOS)
#define HW_STRATA (RH_MAX_LAYERS * NKEY)
/* isb's automatic pilot: steps of at most PILOT_STEP samples until PILOT_EVENTS live samples
 * changed the outcome or a quarter of n is spent; the profile is shrunk towards the pilot's mean
 * rate with PILOT_PRIOR pseudo-samples. */
#define PILOT_STEP   1000L
#define PILOT_EVENTS 100
#define PILOT_PRIOR  10.0
/* A weighted interval's stopping check waits for this many changed outcomes (section 9). */
#define MIN_EVENTS 10
/* Images whose census gives is its live shares. */
#define LIVE_IMAGES 20
/* Exhaustive enumeration's limit. */
#define MAX_CELLS 200000000.0

/* One drawn sample. Hardware: a = chain bit, b = cycle; or (analytic) layer and cls chosen and
 * the cell drawn at evaluation from sub. Software: a = variable, b = bit. */
struct sample {
	int image, layer, cls;
	uint32_t a, b;
	uint64_t sub;
	long index;
	double w; /* P / q */
};

/* What one sample gave. */
struct outcome {
	int layer, cls, bitpos; /* bucket; layer -1: none (an unused register) */
	int group;              /* register group (enum rh_site_group) */
	int ok;                 /* faulty run correct */
	int image;
	int live; /* the struck cell held a live value (a pilot counts only those) */
	double w;
	int cal;    /* calibrated: the register group whose rates give okp; -1 none */
	double okp; /* calibrated: the probability that the faulty run is correct */
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
	/* --fit: each class's rate over the fault space's mean rate (1 each with equal rates), and
	 * for the uniform draw the cumulative share of P by class; fit_on 0: equal rates */
	double fit_f[RH_FF_CONTROL + 1], fit_cum[RH_FF_CONTROL + 1];
	int fit_on, fit_first, fit_last; /* the first and last classes of positive share */
	int n_cum;                       /* analytic: cumulative probability of (layer, class) */
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
	double bucket_l[RH_MAX_LAYERS], bucket_c[RH_FF_CONTROL + 1], bucket_b[RH_PRED_BITPOS];
	/* importance sampling (section 9) */
	struct rh_proposal prop;
	int have_prop, use_prop;
	uint32_t *sbits;         /* the fault space's chain bits by (group, bit position) */
	uint32_t sofs[NKEY + 1]; /* key k holds sbits[sofs[k] .. sofs[k + 1]) */
	/* key k's bits by class (a key is sorted by class: bits[] is), and each counted at its
	 * class's --fit factor */
	uint32_t key_cls[NKEY][RH_FF_CONTROL + 1];
	double key_fit[NKEY];
	double live_share[RH_MAX_LAYERS][RH_SG_COUNT];
	/* per key: live pilot samples, and the sum of their probabilities of a changed outcome (0
	 * or 1, or a calibrated cell's measured rate) */
	long pilot_n[NKEY];
	double pilot_k[NKEY];
	long exh_n;     /* exhaustive: cells (or sites) per image */
	int sqrt_score; /* isb's score: the square root of the change probability */
	/* calibration (section 10): each group's share of live cells, and per group the sums of
	 * w / live of the calibrated samples on golden-correct (cal_c1) and golden-wrong (cal_c0)
	 * images, the sensitivities of the drop to the group's rates */
	double group_live[RH_SG_COUNT], cal_c1[RH_SG_COUNT], cal_c0[RH_SG_COUNT];
	double *score; /* per stratum: its share, then its score */
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

const char *rh_pred_sampler_name(int sampler)
{
	return sampler == RH_PS_IS ? "is" : sampler == RH_PS_ISB ? "isb" : "uniform";
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

/* --fit over the fault space (docs/fault-model.md, section 2): class c's factor rate_c x space /
 * sum of the space's rates, so that a cell's share of P is its factor over the cells. */
static int setup_fit(struct pred *p, struct rh_err *err)
{
	int last = p->o->form == RH_PF_TRUE_NC ? RH_FF_OUTPUT_ACT : RH_FF_CONTROL;
	double sum = 0;
	p->fit_on = p->o->fit && !rh_fit_uniform(p->o->fit);
	for (int c = 0; c <= RH_FF_CONTROL; c++) {
		p->fit_f[c] = 1;
		p->fit_cum[c] = 1;
	}
	if (!p->fit_on)
		return 0;
	for (int c = 0; c <= last; c++)
		sum += p->o->fit->rate[c] * (double)(p->cls_ofs[c + 1] - p->cls_ofs[c]);
	if (!(sum > 0))
		return rh_err_set(err, RH_E_INVAL, "--fit: every flip-flop of the fault space has rate 0");
	double acc = 0;
	p->fit_first = -1;
	for (int c = 0; c <= last; c++) {
		double share = p->o->fit->rate[c] * (double)(p->cls_ofs[c + 1] - p->cls_ofs[c]) / sum;
		p->fit_f[c] = p->o->fit->rate[c] * (double)p->space / sum;
		p->fit_cum[c] = acc += share;
		if (share > 0) {
			p->fit_first = p->fit_first < 0 ? c : p->fit_first;
			p->fit_last = c;
		}
	}
	return 0;
}

/* A chain bit of the fault space drawn from P: uniformly, or with --fit a class by its share of
 * P, then a bit of it uniformly. */
static uint32_t draw_bit(struct pred *p)
{
	if (!p->fit_on)
		return p->bits[rh_rng_below(&p->rng, p->space)];
	double u = rh_rng_unif(&p->rng);
	int c = p->fit_first;
	while (c < p->fit_last && u >= p->fit_cum[c]) /* a class of share 0 is passed over */
		c++;
	return p->bits[p->cls_ofs[c] + rh_rng_below(&p->rng, p->cls_ofs[c + 1] - p->cls_ofs[c])];
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
	if ((rc = setup_fit(p, err)) != 0)
		return rc;
	double s = 0;
	for (int l = 0; l < p->e.c.n_layers; l++)
		for (int c = 0; c <= (nc ? RH_FF_OUTPUT_ACT : RH_FF_CONTROL); c++) {
			/* the study's TP is the class's share of the fault space: B / space rescales it */
			s += rh_census_analytic(&p->e.c, l, c) * (double)B / p->space * p->fit_f[c];
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

/* A sample from the proposal: a stratum from q, then a cell (or site) of it as the target draws
 * one, weighing P / q. */
static void draw_stratum(struct pred *p, struct sample *x)
{
	int s = rh_proposal_draw(&p->prop, &p->rng);
	x->w = rh_proposal_weight(&p->prop, s);
	if (p->o->form == RH_PF_SW) {
		int seg = s / 8;
		x->a = (uint32_t)(p->var_ofs[seg] +
		                  (long)rh_rng_below(&p->rng, (uint64_t)(p->var_ofs[seg + 1] - p->var_ofs[seg])));
		x->b = (uint32_t)(s % 8);
		return;
	}
	int l = s / NKEY, k = s % NKEY;
	if (!p->fit_on)
		x->a = p->sbits[p->sofs[k] + rh_rng_below(&p->rng, p->sofs[k + 1] - p->sofs[k])];
	else { /* a register group may hold two classes: one by its share of the key's P, then a bit */
		double u = rh_rng_unif(&p->rng) * p->key_fit[k];
		uint32_t at = p->sofs[k], pick_at = at;
		int pick = 0;
		for (int c = 0; c <= RH_FF_CONTROL; c++) {
			double mass = p->key_cls[k][c] * p->fit_f[c];
			if (mass > 0) { /* the last class of positive share takes what rounding leaves */
				pick = c;
				pick_at = at;
				if (u < mass)
					break;
				u -= mass;
			}
			at += p->key_cls[k][c];
		}
		x->a = p->sbits[pick_at + rh_rng_below(&p->rng, p->key_cls[k][pick])];
	}
	x->b = (uint32_t)(p->e.c.layer_start[l] +
	                  (long)rh_rng_below(&p->rng, (uint64_t)rh_census_layer_cycles(&p->e.c, l)));
}

/* Exhaustive: the cell (or site) of index i, image by image. */
static void draw_every(const struct pred *p, struct sample *x, long i)
{
	x->image = (int)(i / p->exh_n);
	long r = i % p->exh_n;
	if (p->o->form == RH_PF_SW) {
		x->a = (uint32_t)(r / 8);
		x->b = (uint32_t)(r % 8);
	} else {
		x->a = p->bits[r / p->e.c.cycles];
		x->b = (uint32_t)(r % p->e.c.cycles);
		x->w = p->fit_f[rh_ffmap_class_of(p->map, x->a)]; /* --fit: the cell's share of P x cells */
	}
}

/* Draw the samples of a block from the run's generator. */
static void draw(struct pred *p, struct sample *s, long n, long first)
{
	const struct rh_pred_opts *o = p->o;
	for (long i = 0; i < n; i++) {
		struct sample *x = &s[i];
		*x = (struct sample){.index = first + i, .layer = -1, .w = 1};
		if (o->exhaustive) {
			draw_every(p, x, first + i);
			continue;
		}
		x->image = (int)rh_rng_below(&p->rng, (uint64_t)p->n_images);
		if (p->use_prop)
			draw_stratum(p, x);
		else if (o->form == RH_PF_SW) {
			x->a = (uint32_t)rh_rng_below(&p->rng, (uint64_t)p->var_ofs[2 * p->m->n_layers]);
			x->b = (uint32_t)rh_rng_below(&p->rng, 8);
		} else if (o->occupancy == RH_PO_EXACT) {
			x->a = draw_bit(p);
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

/* A live cell the effect model does not model, in a group the calibration measured: correct
 * with the group's rates, rescaled from all of its cells to its live ones (dead cells never fail;
 * section 10). */
static void calibrate(struct pred *p, struct outcome *y)
{
	const struct rh_calib *c = p->o->calib;
	if (!c || !c->g[y->group].have || !(p->group_live[y->group] > 0))
		return;
	const struct rh_calib_group *g = &c->g[y->group];
	double live = p->group_live[y->group];
	y->cal = y->group;
	y->okp = p->gold_ok[y->image] ? 1 - fmin(1, g->fail / live) : fmin(1, g->fix / live);
	p->r->calibrated++;
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
	const struct rh_ffmap_reg *reg = rh_ffmap_find(p->map, bit, &index);
	y->cls = rh_ffmap_class_of(p->map, bit);
	y->group = p->e.c.regs[reg - p->map->regs].group;
	y->layer = rh_census_layer_of(&p->e.c, cycle);
	y->bitpos = index < RH_PRED_BITPOS ? (int)index : RH_PRED_BITPOS - 1;
	if (p->o->control == RH_PC_STUDY && y->cls == RH_FF_CONTROL) {
		y->ok = 0;
		return 0;
	}
	if ((rc = rh_effect_run(&p->e, x, bit, cycle, &res, &md, err)) != 0)
		return rc;
	if (p->o->occupancy == RH_PO_EXACT)
		y->live = rh_census_cell_live(&p->e.c, bit, cycle);
	if (!md) {
		p->r->unmodelled++;
		y->ok = 0;
		calibrate(p, y);
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
		y->group = RH_SG_PE_WGT;
	} else {
		long an = p->a_ofs[l + 1] - p->a_ofs[l];
		memcpy(p->abuf, p->acts + p->a_ofs[l], (size_t)an);
		p->abuf[k] ^= mask;
		cls = rh_ref_infer_from(&p->ref, l, NULL, p->abuf, logits);
		y->cls = RH_FF_INPUT_ACT;
		y->group = RH_SG_PE_ACT;
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
		*y = (struct outcome){.layer = -1, .image = s[i].image, .live = 1, .w = s[i].w, .cal = -1};
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
	int g = p->gold_ok[y->image];
	double d = y->cal >= 0 ? g - y->okp : g - y->ok;
	if (y->cal >= 0)
		*(g ? &p->cal_c1[y->cal] : &p->cal_c0[y->cal]) += y->w / p->group_live[y->cal];
	else {
		r->n10 += g && !y->ok;
		r->n01 += !g && y->ok;
	}
	rh_wmean_add(&p->drop, y->w, d);
	r->max_weight = y->w > r->max_weight ? y->w : r->max_weight;
	r->n++;
	if (y->layer < 0)
		return;
	if (!p->use_prop && y->live) { /* the pilot's profile (section 9) */
		p->pilot_n[y->group * RH_PRED_BITPOS + y->bitpos]++;
		p->pilot_k[y->group * RH_PRED_BITPOS + y->bitpos] += fabs(d);
	}
	p->bucket_l[y->layer] += y->w * d;
	p->bucket_c[y->cls] += y->w * d;
	p->bucket_b[y->bitpos] += y->w * d;
	r->layer_n[y->layer]++;
	r->class_n[y->cls]++;
	r->bit_n[y->bitpos]++;
}

/* The variance the calibration's rates add to the drop (the delta method: each rate's standard
 * error from its 95% interval, times the drop's sensitivity to it). */
static double calib_var(const struct pred *p)
{
	double v = 0, n = p->r->n > 0 ? (double)p->r->n : 1;
	for (int i = 0; i < RH_SG_COUNT; i++) {
		const struct rh_calib_group *g = &p->o->calib->g[i];
		if (!g->have)
			continue;
		double sf = (g->ci_fail[1] - g->ci_fail[0]) / (2 * RH_Z95),
		       sx = (g->ci_fix[1] - g->ci_fix[0]) / (2 * RH_Z95);
		v += (p->cal_c1[i] / n) * (p->cal_c1[i] / n) * sf * sf +
		     (p->cal_c0[i] / n) * (p->cal_c0[i] / n) * sx * sx;
	}
	return v;
}

/* RA, the drop and their intervals from what is counted (as the campaign, section 3). */
static void estimate(struct pred *p)
{
	struct rh_pred_result *r = p->r;
	double lo, hi;
	r->drop = rh_wmean_mean(&p->drop);
	if (p->o->exhaustive)
		lo = hi = r->drop;
	else if (p->o->sampler == RH_PS_UNIFORM && !p->o->calib)
		rh_paired_diff_ci(r->n, r->n10, r->n01, RH_Z95, &lo, &hi);
	else { /* the weighted-variance normal interval, with the calibration's own uncertainty */
		double h = rh_wmean_halfwidth(&p->drop, RH_Z95);
		if (p->o->calib)
			h = sqrt(h * h + RH_Z95 * RH_Z95 * calib_var(p));
		lo = r->drop - h < -1 ? -1 : r->drop - h;
		hi = r->drop + h > 1 ? 1 : r->drop + h;
	}
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
	if (p->o->exhaustive ||
	    ((p->o->sampler != RH_PS_UNIFORM || p->o->calib) && r->n10 + r->n01 + r->calibrated < MIN_EVENTS))
		return 0;
	if (p->o->ci > 0 && (r->ci95[1] - r->ci95[0]) / 2 <= p->o->ci)
		return 1;
	return p->o->rel_ci > 0 && r->drop > 0 && (r->ci95_drop[1] - r->ci95_drop[0]) / 2 <= p->o->rel_ci * r->drop;
}

/* Each (layer, register group)'s share of live cells over the first LIVE_IMAGES images, the is
 * score; under the study's rule every cell of a control group counts (each is a failure). */
static int live_shares(struct pred *p, const struct rh_accel_geom *g, struct rh_err *err)
{
	struct rh_census c;
	int rc = rh_census_init(&c, p->m, p->map, g, err);
	if (rc)
		return rc;
	int k = p->n_images < LIVE_IMAGES ? p->n_images : LIVE_IMAGES;
	for (int i = 0; !rc && i < k; i++)
		rc = rh_census_add_image(&c, image_of(p, i), err);
	for (int l = 0; !rc && l < c.n_layers; l++)
		for (int gr = 0; gr < RH_SG_COUNT; gr++) {
			double cells = (double)c.group_bits[gr] * (double)rh_census_layer_cycles(&c, l) * k;
			p->live_share[l][gr] = cells > 0 ? c.group_live[l][gr] / cells : 0;
			if (c.group_class_bits[gr][RH_FF_CONTROL] > 0 && p->o->control == RH_PC_STUDY)
				p->live_share[l][gr] = 1;
		}
	for (int gr = 0; !rc && gr < RH_SG_COUNT; gr++) {
		double cells = (double)c.group_bits[gr] * (double)c.cycles * k, live = 0;
		for (int l = 0; l < c.n_layers; l++)
			live += c.group_live[l][gr];
		p->group_live[gr] = cells > 0 ? live / cells : 0;
	}
	rh_census_free(&c);
	return rc;
}

/* isb's profile of key k: the pilot's rate of changed outcomes among its live samples, shrunk
 * towards their mean rate (rate, -1 when the pilot saw no change: 1 everywhere, isb as is). */
static double profile(const struct pred *p, int k, double rate)
{
	if (rate < 0)
		return 1;
	return (p->pilot_k[k] + PILOT_PRIOR * rate) / (p->pilot_n[k] + PILOT_PRIOR);
}

/* From now on draw from the defensive mixture of the target and the target times the score
 * (into g, one per stratum): is, the stratum's live share; isb, the stratum's probability of a
 * changed outcome (live share x profile), or for a hardware campaign its square root (section
 * 9: the allocation of least variance when an outcome changes or not). */
static void propose(struct pred *p, double *g)
{
	int isb = p->o->sampler == RH_PS_ISB;
	long n = 0;
	double e = 0;
	for (int i = 0; i < NKEY; i++) {
		n += p->pilot_n[i];
		e += p->pilot_k[i];
	}
	double rate = e > 0 ? e / (double)n : -1;
	for (int s = 0; s < p->prop.n; s++) {
		if (p->o->form == RH_PF_SW) {
			int gr = (s / 8) % 2 == 0 ? RH_SG_PE_WGT : RH_SG_PE_ACT;
			g[s] = isb ? profile(p, gr * RH_PRED_BITPOS + s % 8, rate) : 1;
			continue;
		}
		int l = s / NKEY, k = s % NKEY;
		double live = p->live_share[l][k / RH_PRED_BITPOS], change = live * (isb ? profile(p, k, rate) : 1);
		g[s] = isb && p->sqrt_score ? sqrt(change) : change;
	}
	rh_proposal_mix(&p->prop, g, p->o->defensive > 0 ? p->o->defensive : 0.1);
	p->use_prop = 1;
	p->r->pilot = p->r->n;
}

/* isb's first pilot step (0: no pilot), and after each step the next end, or the proposal. */
static long pilot_step(const struct pred *p, long total)
{
	long quarter = total / 4 > 1 ? total / 4 : 1;
	return p->o->pilot > 0 ? (p->o->pilot < total ? p->o->pilot : total)
	                       : (quarter < PILOT_STEP ? quarter : PILOT_STEP);
}

static long pilot_next(struct pred *p, long end, long total)
{
	long step = pilot_step(p, total), cap = total / 4 > step ? total / 4 : step;
	double e = 0;
	for (int i = 0; i < NKEY; i++)
		e += p->pilot_k[i];
	if (p->o->pilot > 0 || e >= PILOT_EVENTS || end >= cap) {
		propose(p, p->score);
		return end;
	}
	return end + step < cap ? end + step : cap;
}

/* The fault space's chain bits sorted by (group, bit position), for drawing from a stratum. */
static int sort_bits(struct pred *p, struct rh_err *err)
{
	uint16_t *key = malloc(sizeof(uint16_t) * p->space);
	uint32_t at[NKEY + 1] = {0};
	p->sbits = malloc(sizeof(uint32_t) * p->space);
	if (!key || !p->sbits) {
		free(key);
		return rh_err_set(err, RH_E_NOMEM, "out of memory for the chain bits");
	}
	for (uint32_t i = 0; i < p->space; i++) { /* a counting sort by key */
		uint32_t idx = 0;
		const struct rh_ffmap_reg *reg = rh_ffmap_find(p->map, p->bits[i], &idx);
		key[i] = (uint16_t)(p->e.c.regs[reg - p->map->regs].group * RH_PRED_BITPOS +
		                    (int)(idx < RH_PRED_BITPOS ? idx : RH_PRED_BITPOS - 1));
		at[key[i] + 1]++;
		int cls = rh_ffmap_class_of(p->map, p->bits[i]);
		p->key_fit[key[i]] += p->fit_f[cls];
		p->key_cls[key[i]][cls]++;
	}
	for (int k = 0; k < NKEY; k++)
		at[k + 1] += at[k];
	memcpy(p->sofs, at, sizeof(at));
	for (uint32_t i = 0; i < p->space; i++)
		p->sbits[at[key[i]]++] = p->bits[i];
	free(key);
	return 0;
}

/* The strata's target shares, the bits by (class, bit position) and, for RA_True(-nc), each
 * (layer, class)'s live share over the first images (section 9). */
static int setup_strata(struct pred *p, const struct rh_accel_geom *g, struct rh_err *err)
{
	double *share = p->score = malloc(sizeof(double) * HW_STRATA);
	int rc;
	if (!share)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for the strata");
	if (p->o->form == RH_PF_SW) {
		for (int seg = 0; seg < 2 * p->m->n_layers; seg++)
			for (int b = 0; b < 8; b++)
				share[seg * 8 + b] = (double)(p->var_ofs[seg + 1] - p->var_ofs[seg]);
		rc = rh_proposal_init(&p->prop, 2 * p->m->n_layers * 8, share, err);
		p->have_prop = !rc;
		return rc;
	}
	if ((rc = sort_bits(p, err)) != 0)
		return rc;
	const struct rh_census *c = &p->e.c;
	for (int l = 0; l < c->n_layers; l++)
		for (int k = 0; k < NKEY; k++)
			share[l * NKEY + k] = p->key_fit[k] * (double)rh_census_layer_cycles(c, l);
	rc = rh_proposal_init(&p->prop, c->n_layers * NKEY, share, err);
	p->have_prop = !rc;
	return rc ? rc : live_shares(p, g, err);
}

/* Draw, evaluate and count blocks until n samples or a target is met: isb first draws its
 * pilot from the target, is and isb the rest from the proposal (section 9). */
static int run(struct pred *p, struct rh_err *err)
{
	const struct rh_pred_opts *o = p->o;
	long total = o->exhaustive ? p->exh_n * p->n_images : o->n;
	long k = o->check_every > 0 ? o->check_every : 1000, bs = BLOCK < total ? BLOCK : total;
	struct sample *s = malloc(sizeof(*s) * (size_t)bs);
	struct outcome *ys = malloc(sizeof(*ys) * (size_t)bs);
	p->r->trace = malloc(sizeof(*p->r->trace) * (size_t)(total / k + 2));
	int rc = 0, stop = 0;
	if (!s || !ys || !p->r->trace) {
		rc = rh_err_set(err, RH_E_NOMEM, "out of memory for %ld samples", bs);
		goto out;
	}
	long pilot_end = o->sampler == RH_PS_ISB && !o->exhaustive ? pilot_step(p, total) : 0;
	if (o->sampler == RH_PS_IS && !o->exhaustive)
		propose(p, p->score);
	for (long first = 0, n = 0; first < total && !stop; first += n) {
		long lim = !p->use_prop && pilot_end > 0 ? pilot_end : total;
		n = lim - first < bs ? lim - first : bs;
		draw(p, s, n, first);
		if ((rc = eval_block(p, s, n, first, ys, err)) != 0)
			goto out;
		for (long i = 0; i < n && !stop; i++) {
			tally(p, &ys[i]);
			if (p->r->n % k == 0 || p->r->n == total)
				stop = check(p);
		}
		if (!p->use_prop && pilot_end > 0 && first + n == pilot_end)
			pilot_end = pilot_next(p, pilot_end, total);
	}
	if (pilot_end > 0 && !p->use_prop)
		p->r->pilot = p->r->n;
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

static int check_sampler(const struct rh_pred_opts *o, struct rh_err *err)
{
	if (o->sampler < RH_PS_UNIFORM || o->sampler > RH_PS_ISB || o->pilot < 0 || !(o->defensive >= 0) ||
	    o->defensive > 1)
		return rh_err_set(err, RH_E_INVAL,
		                  "unknown sampler, or a pilot below 0 or a defensive weight outside (0, 1]");
	if (o->exhaustive && o->sampler != RH_PS_UNIFORM)
		return rh_err_set(err, RH_E_INVAL, "exhaustive enumeration draws no sample: no sampler with it");
	if (o->occupancy == RH_PO_ANALYTIC && (o->sampler != RH_PS_UNIFORM || o->exhaustive))
		return rh_err_set(err, RH_E_INVAL,
		                  "the analytic occupancy samples uniformly only: its draw is already the "
		                  "study's faulty probability");
	if (o->form == RH_PF_SW && o->sampler == RH_PS_IS)
		return rh_err_set(err, RH_E_INVAL,
		                  "RA_SW's sites are equally likely: is would be uniform; use uniform or isb");
	return 0;
}

/* Exhaustive: the cells (or sites) of one image, within the limit. */
static int setup_every(struct pred *p, struct rh_err *err)
{
	p->exh_n = p->o->form == RH_PF_SW ? p->var_ofs[2 * p->m->n_layers] * 8 : (long)p->space * p->e.c.cycles;
	double all = (double)p->exh_n * p->n_images;
	if (all > MAX_CELLS)
		return rh_err_set(err, RH_E_INVAL,
		                  "exhaustive: %.3g cells over %d images, more than %.0g: sample instead", all,
		                  p->n_images, MAX_CELLS);
	return 0;
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
	if (o->form == RH_PF_SW && o->fit && !rh_fit_uniform(o->fit))
		return rh_err_set(err, RH_E_INVAL,
		                  "--fit weighs flip-flops: RA_SW's sites are the network's variables, "
		                  "equally likely");
	return check_sampler(o, err);
}

static void pred_free(struct pred *p)
{
	if (p->have_e)
		rh_effect_free(&p->e);
	if (p->have_ref)
		rh_ref_free(&p->ref);
	if (p->have_prop)
		rh_proposal_free(&p->prop);
	free(p->gold_ok);
	free(p->bits);
	free(p->w);
	free(p->acts);
	free(p->abuf);
	free(p->sbits);
	free(p->score);
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
	if (!rc && o->calib && o->form != RH_PF_SW && o->control == RH_PC_MODEL)
		rc = live_shares(&p, g, err);
	if (!rc && o->exhaustive)
		rc = setup_every(&p, err);
	else if (!rc && o->sampler != RH_PS_UNIFORM)
		rc = setup_strata(&p, g, err);
	if (!rc)
		rc = run(&p, err);
	if (!rc)
		finish(&p);
	else
		rh_pred_result_free(r);
	pred_free(&p);
	return rc;
}

/* The proposal of a hardware campaign: isb's pilot run in software, then the draws. */
static int propose_cells(struct pred *p, long n, struct rh_pred_cell *out, struct rh_err *err)
{
	int rc = 0;
	if (p->o->sampler == RH_PS_ISB)
		rc = run(p, err); /* o->n = o->pilot: the pilot alone, which ends in propose() */
	else
		propose(p, p->score);
	rh_pred_result_free(p->r);
	for (long i = 0; !rc && i < n; i++) {
		struct sample x = {.w = 1};
		x.image = (int)rh_rng_below(&p->rng, (uint64_t)p->n_images);
		draw_stratum(p, &x);
		out[i] = (struct rh_pred_cell){.image = x.image, .bit = x.a, .cycle = x.b, .w = x.w};
	}
	return rc;
}

int rh_pred_propose_cells(const struct rh_model *m, const struct rh_ffmap *map, const struct rh_accel_geom *g,
                          const int8_t *images, const int *labels, int n_images, const struct rh_pred_opts *o, long n,
                          struct rh_pred_cell *out, struct rh_err *err)
{
	struct rh_pred_opts po = *o;
	po.pilot = po.n = o->pilot > 0 ? o->pilot : 20000;
	po.ci = po.rel_ci = 0;
	po.exhaustive = 0;
	po.occupancy = RH_PO_EXACT;
	struct rh_pred_result r = {.n = 0};
	struct pred p = {.m = m,
	                 .map = map,
	                 .o = &po,
	                 .images = images,
	                 .labels = labels,
	                 .n_images = n_images,
	                 .in_len = (long)m->in_h * m->in_w * m->in_c,
	                 .r = &r,
	                 .sqrt_score = 1};
	rh_rng_seed(&p.rng, o->seed);
	int rc = po.form == RH_PF_SW || po.sampler == RH_PS_UNIFORM
	             ? rh_err_set(err, RH_E_INVAL, "a campaign's proposal is is or isb over the accelerator's cells")
	             : check_opts(&p, &po, err);
	if (!rc)
		rc = golden(&p, err);
	if (!rc)
		rc = setup_hw(&p, g, err);
	if (!rc)
		rc = setup_strata(&p, g, err);
	if (!rc)
		rc = propose_cells(&p, n, out, err);
	pred_free(&p);
	return rc;
}
