/* rahil tests: the predictions (host/predict/predict.h): determinism for a seed, the exhaustive
 * mode of RA_True, RA_True-nc and RA_SW against enumeration written out here, on a tiny network on
 * the 1x2 array; for every sampler the coverage of the drop's interval and the bias of the
 * estimate over 200 seeds against that truth; and the command line. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "effect.h"
#include "harness.h"
#include "model.h"
#include "predict.h"
#include "refmodel.h"
#include "rng.h"

/* A conv, conv, fc network on 5x5x2 inputs with small random weights and biases. */
static int small_net(struct rh_model *m, uint64_t seed, struct rh_err *e)
{
	const struct rh_layer_spec spec[3] = {
	    {.op = RH_OP_CONV, .flags = RH_F_RELU | RH_F_REQUANT, .k = 3, .stride = 1, .pad = 1, .out_c = 2},
	    {.op = RH_OP_CONV, .flags = RH_F_RELU | RH_F_REQUANT, .k = 2, .stride = 2, .pad = 0, .out_c = 3},
	    {.op = RH_OP_FC, .flags = 0, .k = 1, .stride = 1, .pad = 0, .out_c = 4},
	};
	int rc = rh_model_build(m, "small", 5, 5, 2, spec, 3, e);
	if (rc)
		return rc;
	struct rh_rng g;
	rh_rng_seed(&g, seed);
	for (int l = 0; l < m->n_layers; l++) {
		struct rh_layer *ly = &m->layers[l];
		for (size_t i = 0; i < rh_layer_weights(ly); i++)
			ly->w[i] = (int8_t)((int)rh_rng_below(&g, 41) - 20);
		for (int i = 0; i < ly->out_c; i++)
			ly->bias[i] = (int32_t)rh_rng_below(&g, 40) - 20;
	}
	return 0;
}

/* The tiny configuration: the network, one input, its label (the golden class) on the 1x2 map. */
struct tiny {
	struct rh_model m;
	int8_t x[50];
	int label;
};

static int tiny_setup(struct tiny *k, struct rh_err *e)
{
	int rc = small_net(&k->m, 11, e);
	if (rc)
		return rc;
	struct rh_rng g;
	rh_rng_seed(&g, 5);
	for (int i = 0; i < 50; i++)
		k->x[i] = (int8_t)((int)rh_rng_below(&g, 61) - 30);
	struct rh_ref r;
	int32_t logits[RH_MAX_LOGITS];
	if ((rc = rh_ref_init(&r, &k->m, e)) != 0)
		return rc;
	k->label = rh_ref_infer(&r, k->x, logits);
	rh_ref_free(&r);
	return 0;
}

static struct rh_pred_opts opts(int form, long n, uint64_t seed)
{
	return (struct rh_pred_opts){.form = form, .n = n, .seed = seed};
}

static int same(const struct rh_pred_result *a, const struct rh_pred_result *b)
{
	int ok = a->n == b->n && a->n10 == b->n10 && a->n01 == b->n01 && a->unmodelled == b->unmodelled;
	ok &= memcmp(a->layer_drop, b->layer_drop, sizeof(a->layer_drop)) == 0;
	ok &= memcmp(a->bit_n, b->bit_n, sizeof(a->bit_n)) == 0;
	return ok && a->ra == b->ra && a->ci95[0] == b->ci95[0] && a->ci95_drop[1] == b->ci95_drop[1];
}

/* Layers, classes and bit positions each partition the samples (but for analytic draws of no
 * cell): their drops add up to the drop. */
static int buckets_add_up(const struct rh_pred_result *r)
{
	double l = 0, c = 0, b = 0;
	long nl = 0;
	for (int i = 0; i < r->n_layers; i++) {
		l += r->layer_drop[i];
		nl += r->layer_n[i];
	}
	for (int i = 0; i <= RH_FF_CONTROL; i++)
		c += r->class_drop[i];
	for (int i = 0; i < RH_PRED_BITPOS; i++)
		b += r->bit_drop[i];
	return nl + r->unused + r->no_live == r->n && fabs(l - r->drop) < 1e-9 && fabs(c - r->drop) < 1e-9 &&
	       fabs(b - r->drop) < 1e-9;
}

/* The same seed gives the same result, field for field; another seed another sample; the
 * buckets add up. */
static int t_determinism(struct test_ctx *t)
{
	struct tiny k;
	struct rh_err e = {0, ""};
	CHECKF(tiny_setup(&k, &e) == 0, "%s", e.msg);
	const struct rh_accel_geom *g = rh_accel_geom_find(rh_ffmap_ice40.rows, rh_ffmap_ice40.cols);
	int ok = 1;
	/* true, true-nc and sw; then true with the analytic occupancy and with the study's control rule */
	for (int i = 0; i < 5 && ok; i++) {
		int f = i < 3 ? i : RH_PF_TRUE;
		struct rh_pred_opts o = opts(f, 3000, 42);
		o.occupancy = i == 3 ? RH_PO_ANALYTIC : RH_PO_EXACT;
		o.control = i == 4 ? RH_PC_STUDY : RH_PC_MODEL;
		struct rh_pred_result a, b, c;
		ok &= rh_predict(&k.m, &rh_ffmap_ice40, g, k.x, &k.label, 1, &o, &a, &e) == 0;
		ok &= rh_predict(&k.m, &rh_ffmap_ice40, g, k.x, &k.label, 1, &o, &b, &e) == 0;
		o.seed = 43;
		ok &= rh_predict(&k.m, &rh_ffmap_ice40, g, k.x, &k.label, 1, &o, &c, &e) == 0;
		ok = ok && same(&a, &b) && !same(&a, &c) && a.n == 3000 && a.ess == 3000 && a.n_trace == 3;
		ok = ok && buckets_add_up(&a);
		if (!ok)
			printf("  formulation %s (%s, %s): n10 %ld/%ld/%ld, %s\n", rh_pred_form_name(f),
			       rh_pred_occ_name(o.occupancy), rh_pred_ctl_name(o.control), a.n10, b.n10, c.n10, e.msg);
		rh_pred_result_free(&a);
		rh_pred_result_free(&b);
		rh_pred_result_free(&c);
	}
	rh_model_free(&k.m);
	CHECKF(ok, "not deterministic for a seed, or blind to it");
	return T_PASS;
}

/* Exhaustive RA_True-nc (ctl 0) or RA_True (ctl 1) of the tiny configuration: every (bit, cycle)
 * cell of the datapath or of the whole chain; a live cell the effect model does not model (the
 * drain's pooling forward register, most control registers) is never correct, as in the
 * prediction. */
static int exhaustive_hw(const struct tiny *k, int ctl, double *ra, long *cells, long *unmodelled, struct rh_err *e)
{
	struct rh_effect ef;
	const struct rh_ffmap *map = &rh_ffmap_ice40;
	int rc = rh_effect_init(&ef, &k->m, map, rh_accel_geom_find(map->rows, map->cols), e);
	long ok = 0, n = 0;
	*unmodelled = 0;
	for (uint32_t b = 0; !rc && b < map->chain_len; b++) {
		if (rh_ffmap_class_of(map, b) == RH_FF_CONTROL && !ctl)
			continue;
		for (long c = 0; !rc && c < ef.c.cycles; c++) {
			struct rh_result r;
			int md = 0;
			rc = rh_effect_run(&ef, k->x, b, (uint32_t)c, &r, &md, e);
			*unmodelled += !md;
			ok += md && r.end == RH_RUN_DONE && r.cls == k->label;
			n++;
		}
	}
	rh_effect_free(&ef);
	*ra = n ? (double)ok / n : 0;
	*cells = n;
	return rc;
}

/* Exhaustive RA_SW of the tiny configuration: every weight and layer input, every bit. */
static double exhaustive_sw(const struct tiny *k, long *sites)
{
	struct rh_model m = k->m; /* the same blob: its weights are flipped and put back */
	struct rh_ref r;
	struct rh_err e = {0, ""};
	int32_t logits[RH_MAX_LOGITS];
	int8_t acts[RH_MAX_LAYERS][64];
	long ok = 0, n = 0;
	if (rh_ref_init(&r, &m, &e))
		return -1;
	memcpy(acts[0], k->x, 50);
	for (int l = 0; l + 1 < m.n_layers; l++)
		rh_ref_layer(&m.layers[l], acts[l], r.acc, acts[l + 1]);
	for (int l = 0; l < m.n_layers; l++) {
		struct rh_layer *ly = &m.layers[l];
		long na = (long)ly->in_h * ly->in_w * ly->in_c;
		for (int b = 0; b < 8; b++) {
			for (size_t i = 0; i < rh_layer_weights(ly); i++, n++) {
				ly->w[i] ^= (int8_t)(1u << b);
				ok += rh_ref_infer_from(&r, l, NULL, acts[l], logits) == k->label;
				ly->w[i] ^= (int8_t)(1u << b);
			}
			for (long i = 0; i < na; i++, n++) {
				int8_t in[64];
				memcpy(in, acts[l], (size_t)na);
				in[i] ^= (int8_t)(1u << b);
				ok += rh_ref_infer_from(&r, l, NULL, in, logits) == k->label;
			}
		}
	}
	rh_ref_free(&r);
	*sites = n;
	return (double)ok / n;
}

/* The prediction on one image against the exhaustive value: inside its interval. */
static int t_exhaustive(struct test_ctx *t)
{
	struct tiny k;
	struct rh_err e = {0, ""};
	CHECKF(tiny_setup(&k, &e) == 0, "%s", e.msg);
	double ra_nc = 0, ra_sw;
	long cells = 0, sites = 0, unm = 0;
	int rc = exhaustive_hw(&k, 0, &ra_nc, &cells, &unm, &e);
	ra_sw = exhaustive_sw(&k, &sites);
	const struct rh_accel_geom *g = rh_accel_geom_find(rh_ffmap_ice40.rows, rh_ffmap_ice40.cols);
	struct rh_pred_opts o1 = opts(RH_PF_TRUE_NC, 20000, 7), o2 = opts(RH_PF_SW, 20000, 7);
	struct rh_pred_result a = {.n = 0}, b = {.n = 0};
	if (!rc)
		rc = rh_predict(&k.m, &rh_ffmap_ice40, g, k.x, &k.label, 1, &o1, &a, &e);
	if (!rc)
		rc = rh_predict(&k.m, &rh_ffmap_ice40, g, k.x, &k.label, 1, &o2, &b, &e);
	rh_pred_result_free(&a);
	rh_pred_result_free(&b);
	rh_model_free(&k.m);
	CHECKF(rc == 0, "%s", e.msg);
	printf("  true-nc: exhaustive %.5f over %ld cells (%ld not modelled), predicted %.5f [%.5f, %.5f]\n", ra_nc,
	       cells, unm, a.ra, a.ci95[0], a.ci95[1]);
	printf("  sw: exhaustive %.5f over %ld sites, predicted %.5f [%.5f, %.5f]\n", ra_sw, sites, b.ra, b.ci95[0],
	       b.ci95[1]);
	CHECKF(ra_nc < 1 && ra_sw < 1, "no fault changes the class: the comparison tests nothing");
	CHECK(a.ci95[0] <= ra_nc && ra_nc <= a.ci95[1]);
	CHECK(b.ci95[0] <= ra_sw && ra_sw <= b.ci95[1]);
	return T_PASS;
}

/* The library's exhaustive mode equals the enumeration above, cell for cell counted: RA_True,
 * RA_True-nc and RA_SW. */
static int t_every(struct test_ctx *t)
{
	struct tiny k;
	struct rh_err e = {0, ""};
	CHECKF(tiny_setup(&k, &e) == 0, "%s", e.msg);
	const struct rh_accel_geom *g = rh_accel_geom_find(rh_ffmap_ice40.rows, rh_ffmap_ice40.cols);
	double want[3] = {0, 0, 0};
	long cells[3] = {0, 0, 0}, unm = 0;
	int rc = exhaustive_hw(&k, 1, &want[RH_PF_TRUE], &cells[RH_PF_TRUE], &unm, &e);
	if (!rc)
		rc = exhaustive_hw(&k, 0, &want[RH_PF_TRUE_NC], &cells[RH_PF_TRUE_NC], &unm, &e);
	want[RH_PF_SW] = exhaustive_sw(&k, &cells[RH_PF_SW]);
	int ok = 1;
	for (int f = 0; f < 3 && !rc; f++) {
		struct rh_pred_opts o = opts(f, 1, 1);
		o.exhaustive = 1;
		struct rh_pred_result r;
		if ((rc = rh_predict(&k.m, &rh_ffmap_ice40, g, k.x, &k.label, 1, &o, &r, &e)) != 0)
			break;
		printf("  %s: enumerated %.6f over %ld, exhaustive mode %.6f over %ld [%.6f, %.6f]\n",
		       rh_pred_form_name(f), want[f], cells[f], r.ra, r.n, r.ci95[0], r.ci95[1]);
		ok &= r.n == cells[f] && fabs(r.ra - want[f]) < 1e-12 && r.ci95[0] == r.ra && r.ci95[1] == r.ra;
		rh_pred_result_free(&r);
	}
	rh_model_free(&k.m);
	CHECKF(rc == 0, "%s", e.msg);
	CHECK(ok);
	return T_PASS;
}

/* One sampler on one formulation over `runs` seeds against the exact drop: intervals covering
 * it, and the mean estimate and its standard error. */
struct cover {
	long covered, runs;
	double mean, se;
};

static int cover_run(const struct tiny *k, int form, int sampler, double drop, struct cover *c, struct rh_err *e)
{
	const struct rh_accel_geom *g = rh_accel_geom_find(rh_ffmap_ice40.rows, rh_ffmap_ice40.cols);
	double s1 = 0, s2 = 0;
	*c = (struct cover){.runs = 200};
	for (long s = 0; s < c->runs; s++) {
		struct rh_pred_opts o = opts(form, 1000, 1000 + (uint64_t)s);
		o.sampler = sampler;
		struct rh_pred_result r;
		int rc = rh_predict(&k->m, &rh_ffmap_ice40, g, k->x, &k->label, 1, &o, &r, e);
		if (rc)
			return rc;
		c->covered += r.ci95_drop[0] <= drop && drop <= r.ci95_drop[1];
		s1 += r.drop;
		s2 += r.drop * r.drop;
		rh_pred_result_free(&r);
	}
	c->mean = s1 / c->runs;
	c->se = sqrt((s2 / c->runs - c->mean * c->mean) / (c->runs - 1));
	return 0;
}

/* Every sampler on every formulation, 200 seeds of 1,000 samples: the drop's 95% interval
 * covers the exhaustive drop for 92% to 98% of them, and the mean estimate is within three
 * standard errors of it (docs/fault-model.md, section 9.5). */
static int t_coverage(struct test_ctx *t)
{
	struct tiny k;
	struct rh_err e = {0, ""};
	CHECKF(tiny_setup(&k, &e) == 0, "%s", e.msg);
	static const int runs[][2] = {{RH_PF_TRUE, RH_PS_UNIFORM}, {RH_PF_TRUE, RH_PS_IS},
	                              {RH_PF_TRUE, RH_PS_ISB},     {RH_PF_TRUE_NC, RH_PS_UNIFORM},
	                              {RH_PF_TRUE_NC, RH_PS_IS},   {RH_PF_TRUE_NC, RH_PS_ISB},
	                              {RH_PF_SW, RH_PS_UNIFORM},   {RH_PF_SW, RH_PS_ISB}};
	int rc = 0, ok = 1;
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]) && !rc; i++) {
		int f = runs[i][0], smp = runs[i][1];
		struct rh_pred_opts o = opts(f, 1, 1);
		o.exhaustive = 1;
		struct rh_pred_result x;
		struct cover c;
		if ((rc = rh_predict(&k.m, &rh_ffmap_ice40, rh_accel_geom_find(1, 2), k.x, &k.label, 1, &o, &x, &e)) !=
		    0)
			break;
		rh_pred_result_free(&x);
		if ((rc = cover_run(&k, f, smp, x.drop, &c, &e)) != 0)
			break;
		int good = c.covered >= 184 && c.covered <= 196 && fabs(c.mean - x.drop) <= 3 * c.se;
		printf("  %-7s %-7s drop %.5f: covered by %ld of %ld; mean %.5f, %.1f standard errors off%s\n",
		       rh_pred_form_name(f), rh_pred_sampler_name(smp), x.drop, c.covered, c.runs, c.mean,
		       fabs(c.mean - x.drop) / c.se, good ? "" : "  <- outside");
		ok &= good;
	}
	rh_model_free(&k.m);
	CHECKF(rc == 0, "%s", e.msg);
	CHECKF(ok, "coverage outside 184 to 196 of 200, or a mean more than 3 standard errors off");
	return T_PASS;
}

/* z of a weighted mean of y against want: |mean - want| / its standard error. */
struct zacc {
	double s, s2;
};

static double zscore(const struct zacc *a, long n, double want)
{
	double m = a->s / n, v = (a->s2 / n - m * m) / (n - 1);
	return v > 0 ? fabs(m - want) / sqrt(v) : (fabs(m - want) < 1e-12 ? 0 : INFINITY);
}

static void zadd(struct zacc *a, double v)
{
	a->s += v;
	a->s2 += v * v;
}

static int propose_check(const struct tiny *k, struct rh_effect *ef, const struct rh_pred_opts *o,
                         struct rh_pred_cell *cells, long n, double ra, int *ok, struct rh_err *e)
{
	const struct rh_ffmap *map = &rh_ffmap_ice40;
	int rc = rh_pred_propose_cells(&k->m, map, rh_accel_geom_find(1, 2), k->x, &k->label, 1, o, n, cells, e);
	if (rc)
		return rc;
	struct zacc w = {0, 0}, cls[4] = {{0, 0}}, lay[RH_MAX_LAYERS] = {{0, 0}}, acc = {0, 0};
	for (long i = 0; i < n; i++) {
		struct rh_result r;
		int md = 0, c = rh_ffmap_class_of(map, cells[i].bit), l = rh_census_layer_of(&ef->c, cells[i].cycle);
		if (cells[i].bit >= map->chain_len || cells[i].cycle >= ef->c.cycles || cells[i].image != 0)
			return rh_err_set(e, RH_E_INVAL, "cell %ld outside the fault space", i);
		if ((rc = rh_effect_run(ef, k->x, cells[i].bit, cells[i].cycle, &r, &md, e)) != 0)
			return rc;
		zadd(&w, cells[i].w);
		for (int q = 0; q < 4; q++)
			zadd(&cls[q], q == c ? cells[i].w : 0);
		for (int q = 0; q < ef->c.n_layers; q++)
			zadd(&lay[q], q == l ? cells[i].w : 0);
		zadd(&acc, md && r.cls == k->label ? cells[i].w : 0);
	}
	double worst = zscore(&w, n, 1);
	for (int q = 0; q < 4; q++) {
		double zc = zscore(&cls[q], n, (double)ef->c.class_bits[q] / map->chain_len);
		worst = zc > worst ? zc : worst;
	}
	for (int q = 0; q < ef->c.n_layers; q++) {
		double zl = zscore(&lay[q], n, (double)rh_census_layer_cycles(&ef->c, q) / ef->c.cycles);
		worst = zl > worst ? zl : worst;
	}
	double zr = zscore(&acc, n, ra);
	printf("  %s: mean weight %.4f, class and layer shares at most %.1f standard errors off; RA %.4f against "
	       "%.4f exhaustive (%.1f standard errors)\n",
	       rh_pred_sampler_name(o->sampler), w.s / n, worst, acc.s / n, ra, zr);
	*ok &= worst <= 3.5 && zr <= 3.5;
	return 0;
}

/* A campaign's proposal (rh_pred_propose_cells) on the tiny configuration: 40,000 cells of is
 * and of isb. Against what P is known to be: the mean weight is 1 and each class's and each
 * layer's weighted share is its share of bits and of cycles, within 3.5 standard errors; and the
 * weighted RA of the cells, evaluated one by one with the effect model, is the exhaustive RA
 * within 3.5 standard errors. */
static int t_propose(struct test_ctx *t)
{
	struct tiny k;
	struct rh_err e = {0, ""};
	CHECKF(tiny_setup(&k, &e) == 0, "%s", e.msg);
	const struct rh_ffmap *map = &rh_ffmap_ice40;
	const struct rh_accel_geom *g = rh_accel_geom_find(map->rows, map->cols);
	enum { N = 40000 };
	static struct rh_pred_cell cells[N];
	struct rh_pred_opts x = opts(RH_PF_TRUE, 1, 1);
	x.exhaustive = 1;
	struct rh_pred_result truth;
	struct rh_effect ef;
	int rc = rh_predict(&k.m, map, g, k.x, &k.label, 1, &x, &truth, &e), ok = 1;
	rh_pred_result_free(&truth);
	int have_ef = !rc && (rc = rh_effect_init(&ef, &k.m, map, g, &e)) == 0;
	for (int smp = RH_PS_IS; !rc && smp <= RH_PS_ISB; smp++) {
		struct rh_pred_opts o = opts(RH_PF_TRUE, 1, 77);
		o.sampler = smp;
		if ((rc = propose_check(&k, &ef, &o, cells, N, truth.ra, &ok, &e)) != 0)
			break;
	}
	if (have_ef)
		rh_effect_free(&ef);
	rh_model_free(&k.m);
	CHECKF(rc == 0, "%s", e.msg);
	CHECK(ok);
	return T_PASS;
}

/* Calibration files: what is written reads back; a truncated file and a rate outside [0, 1] are
 * format errors naming the file and the field. */
static int t_calib_file(struct test_ctx *t)
{
	char path[4200], bad[4200];
	snprintf(path, sizeof(path), "%s/cal.json", t->tmpdir);
	snprintf(bad, sizeof(bad), "%s/bad.json", t->tmpdir);
	struct rh_calib c = {.model = "m",
	                     .model_hash = 0x1234abcd,
	                     .ffmap_hash = 0x008dd5ab,
	                     .sampler = "is",
	                     .backend = "sim",
	                     .seed = 5,
	                     .n = 100,
	                     .images = 7},
	                back;
	c.g[RH_SG_DESC] = (struct rh_calib_group){1, 40, 6, 0.125, 0.5, {0.05, 0.25}, {0.2, 0.8}};
	c.g[RH_SG_FSM] = (struct rh_calib_group){1, 3, 0, 1, 0, {0.4, 1}, {0, 1}};
	struct rh_err e = {0, ""};
	CHECKF(rh_calib_write(path, &c, &e) == 0, "%s", e.msg);
	CHECKF(rh_calib_read(path, &back, &e) == 0, "%s", e.msg);
	CHECK(back.model_hash == c.model_hash && back.ffmap_hash == c.ffmap_hash && back.seed == 5 && back.n == 100 &&
	      back.images == 7 && !strcmp(back.sampler, "is") && !strcmp(back.backend, "sim"));
	CHECK(memcmp(&back.g[RH_SG_DESC], &c.g[RH_SG_DESC], sizeof(c.g[0])) == 0 && back.g[RH_SG_FSM].fail == 1 &&
	      !back.g[RH_SG_TILE].have);
	FILE *in = fopen(path, "r"), *out = fopen(bad, "w");
	CHECK(in && out);
	char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf), in);
	fwrite(buf, 1, n / 2, out);
	fclose(in);
	fclose(out);
	CHECKF(rh_calib_read(bad, &back, &e) == RH_E_FORMAT && strstr(e.msg, "bad.json"), "%s", e.msg);
	c.g[RH_SG_DESC].fail = 1.5;
	CHECK(rh_calib_write(bad, &c, &e) == 0);
	CHECKF(rh_calib_read(bad, &back, &e) == RH_E_FORMAT && strstr(e.msg, "'fail'"), "%s", e.msg);
	return T_PASS;
}

/* A calibration that fails every group's cells always gives exactly the uncalibrated prediction
 * (never correct); one that fails none lowers the drop, and its rates' uncertainty widens the
 * interval beyond the sampling's. */
static int t_calib_predict(struct test_ctx *t)
{
	struct tiny k;
	struct rh_err e = {0, ""};
	CHECKF(tiny_setup(&k, &e) == 0, "%s", e.msg);
	const struct rh_accel_geom *g = rh_accel_geom_find(1, 2);
	struct rh_calib all = {.images = 1}, none = {.images = 1}, wide = {.images = 1};
	for (int i = 0; i < RH_SG_COUNT; i++) {
		all.g[i] = (struct rh_calib_group){1, 100, 100, 1, 0, {1, 1}, {0, 0}};
		none.g[i] = (struct rh_calib_group){1, 100, 100, 0, 0, {0, 0}, {0, 0}};
		wide.g[i] = (struct rh_calib_group){1, 100, 100, 0, 0, {0, 0.2}, {0, 0}};
	}
	struct rh_pred_result r[4];
	const struct rh_calib *cs[4] = {NULL, &all, &none, &wide};
	int rc = 0;
	for (int i = 0; i < 4 && !rc; i++) {
		struct rh_pred_opts o = opts(RH_PF_TRUE, 5000, 3);
		o.calib = cs[i];
		rc = rh_predict(&k.m, &rh_ffmap_ice40, g, k.x, &k.label, 1, &o, &r[i], &e);
	}
	rh_model_free(&k.m);
	CHECKF(rc == 0, "%s", e.msg);
	printf("  drop: uncalibrated %.4f, all fail %.4f, none fail %.4f [%.4f, %.4f], none +- 0.2 [%.4f, %.4f]; %ld "
	       "calibrated\n",
	       r[0].drop, r[1].drop, r[2].drop, r[2].ci95_drop[0], r[2].ci95_drop[1], r[3].ci95_drop[0],
	       r[3].ci95_drop[1], r[1].calibrated);
	int ok = r[1].calibrated > 0 && r[1].calibrated == r[1].unmodelled && r[0].calibrated == 0;
	ok &= fabs(r[1].drop - r[0].drop) < 1e-12 && r[2].drop < r[0].drop - 0.05 && r[3].drop == r[2].drop;
	ok &= r[3].ci95_drop[1] - r[3].ci95_drop[0] > r[2].ci95_drop[1] - r[2].ci95_drop[0] + 0.01;
	for (int i = 0; i < 4; i++)
		rh_pred_result_free(&r[i]);
	CHECK(ok);
	return T_PASS;
}

static char out[262144], errbuf[8192];

#define RUN(...) t_run(t, out, sizeof(out), errbuf, sizeof(errbuf), (const char *const[]){__VA_ARGS__, NULL})

/* A campaign's --calibration-out feeds predict --calibration; one of another model or another
 * flip-flop map is refused, naming both. */
static int t_cli_calib(struct test_ctx *t)
{
	char cal[4200];
	snprintf(cal, sizeof(cal), "%s/camp-cal.json", t->tmpdir);
	int rc = RUN("campaign", "-m", "models/mlp.rmod", "--backend", "sim:ice40", "--sampler", "uniform", "--n",
	             "150", "--images", "5", "--seed", "4", "-q", "--calibration-out", cal);
	CHECKF(rc == 0, "campaign rc %d: %s", rc, errbuf);
	rc = RUN("predict", "-m", "models/mlp.rmod", "--backend", "sim:ice40", "--formulation", "true", "--n", "2000",
	         "--images", "10", "--calibration", cal, "--json");
	CHECKF(rc == 0, "rc %d: %s", rc, errbuf);
	cJSON *j = cJSON_Parse(out);
	const cJSON *c = cJSON_GetObjectItem(j, "calibrated"), *u = cJSON_GetObjectItem(j, "unmodelled");
	int ok = cJSON_IsNumber(c) && cJSON_IsNumber(u) && c->valuedouble > 0 && c->valuedouble <= u->valuedouble;
	cJSON_Delete(j);
	CHECKF(ok, "no calibrated sample: %.300s", out);
	CHECKF((rc = RUN("predict", "-m", "models/cnn.rmod", "--backend", "sim:ice40", "--formulation", "true",
	                 "--calibration", cal)) == 1 &&
	           strstr(errbuf, "calibrates model mlp"),
	       "rc %d: %s", rc, errbuf);
	CHECKF((rc = RUN("predict", "-m", "models/mlp.rmod", "--formulation", "true", "--calibration", cal)) != 0 &&
	           strstr(errbuf, "flip-flop map"),
	       "rc %d: %s", rc, errbuf);
	return T_PASS;
}

/* --json has the contract's keys; bad options are usage errors that say what is available. */
static int t_cli(struct test_ctx *t)
{
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	int rc = RUN("predict", "-m", "models/mlp.rmod", "--formulation", "true", "--backend", "sw:ice40", "--n",
	             "2000", "--images", "10", "--seed", "3", "--json");
	CHECKF(rc == 0, "rc %d: %s", rc, errbuf);
	cJSON *j = cJSON_Parse(out);
	CHECKF(j, "not JSON: %.200s", out);
	static const char *const keys[] = {"sa",         "ra",          "drop",      "ci95",    "ci95_drop",
	                                   "n",          "ess",         "seed",      "model",   "model_file",
	                                   "backend",    "formulation", "occupancy", "control", "layer_drop",
	                                   "class_drop", "bit_drop",    "trace"};
	const char *missing = NULL;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!cJSON_GetObjectItem(j, keys[i]) && !missing)
			missing = keys[i];
	const cJSON *n = cJSON_GetObjectItem(j, "n"), *ci = cJSON_GetObjectItem(j, "ci95");
	int ok = cJSON_IsNumber(n) && n->valuedouble == 2000 && cJSON_IsArray(ci) && cJSON_GetArraySize(ci) == 2;
	cJSON_Delete(j);
	CHECKF(!missing, "no key %s", missing);
	CHECK(ok);
	CHECKF((rc = RUN("predict", "-m", "models/mlp.rmod", "--formulation", "true", "--sampler", "best")) == 1 &&
	           strstr(errbuf, "isb"),
	       "rc %d: %s", rc, errbuf);
	CHECKF((rc = RUN("predict", "-m", "models/mlp.rmod", "--formulation", "sw", "--sampler", "is")) == 1 &&
	           strstr(errbuf, "equally likely"),
	       "rc %d: %s", rc, errbuf);
	CHECKF((rc = RUN("predict", "-m", "models/mlp.rmod", "--formulation", "true", "--exhaustive")) == 1 &&
	           strstr(errbuf, "sample instead"),
	       "rc %d: %s", rc, errbuf);
	CHECKF((rc = RUN("predict", "-m", "models/mlp.rmod", "--formulation", "maybe")) == 1 &&
	           strstr(errbuf, "true-nc"),
	       "rc %d: %s", rc, errbuf);
	CHECKF((rc = RUN("predict", "-m", "models/mlp.rmod")) == 1 && strstr(errbuf, "--formulation"), "rc %d: %s", rc,
	       errbuf);
	CHECKF((rc = RUN("predict", "-m", "models/mlp.rmod", "--formulation", "sw", "--backend", "link")) == 1 &&
	           strstr(errbuf, "sim:ice40"),
	       "rc %d: %s", rc, errbuf);
	CHECKF((rc = RUN("predict", "-m", "models/mlp.rmod", "--formulation", "sw", "--n", "0")) == 1 &&
	           strstr(errbuf, "--n"),
	       "rc %d: %s", rc, errbuf);
	CHECKF((rc = RUN("predict", "--help")) == 0 && strstr(out, "Exit codes"), "rc %d", rc);
	return t_cli_calib(t);
}

const struct test_case predict_tests[] = {
    {"predict/determinism", t_determinism},
    {"predict/exhaustive", t_exhaustive},
    {"predict/every", t_every},
    {"predict/coverage", t_coverage},
    {"predict/propose", t_propose},
    {"predict/calib-file", t_calib_file},
    {"predict/calib-predict", t_calib_predict},
    {"predict/cli", t_cli},
    {NULL, NULL},
};
