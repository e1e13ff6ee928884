/* rahil tests: the predictions (host/predict/predict.h): determinism for a seed, RA_True-nc and
 * RA_SW against exhaustive enumeration on a tiny network on the 1x2 array, the coverage of the
 * drop's interval over many seeds, and the command line. */
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

/* Exhaustive RA_True-nc of the tiny configuration: every (datapath bit, cycle) cell; a live cell
 * the effect model does not model (the drain's pooling forward register) is never correct, as in
 * the prediction. */
static int exhaustive_nc(const struct tiny *k, double *ra, long *cells, long *unmodelled, struct rh_err *e)
{
	struct rh_effect ef;
	const struct rh_ffmap *map = &rh_ffmap_ice40;
	int rc = rh_effect_init(&ef, &k->m, map, rh_accel_geom_find(map->rows, map->cols), e);
	long ok = 0, n = 0;
	*unmodelled = 0;
	for (uint32_t b = 0; !rc && b < map->chain_len; b++) {
		if (rh_ffmap_class_of(map, b) == RH_FF_CONTROL)
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
	int rc = exhaustive_nc(&k, &ra_nc, &cells, &unm, &e);
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

/* The drop's 95% interval covers the exhaustive drop for 92% to 98% of 200 seeds. */
static int t_coverage(struct test_ctx *t)
{
	struct tiny k;
	struct rh_err e = {0, ""};
	CHECKF(tiny_setup(&k, &e) == 0, "%s", e.msg);
	double ra = 0;
	long cells = 0, cover = 0, runs = 200, unm = 0;
	int rc = exhaustive_nc(&k, &ra, &cells, &unm, &e);
	const struct rh_accel_geom *g = rh_accel_geom_find(rh_ffmap_ice40.rows, rh_ffmap_ice40.cols);
	for (long s = 0; !rc && s < runs; s++) {
		struct rh_pred_opts o = opts(RH_PF_TRUE_NC, 400, 1000 + (uint64_t)s);
		struct rh_pred_result r;
		if ((rc = rh_predict(&k.m, &rh_ffmap_ice40, g, k.x, &k.label, 1, &o, &r, &e)) != 0)
			break;
		cover += r.ci95_drop[0] <= 1 - ra && 1 - ra <= r.ci95_drop[1];
		rh_pred_result_free(&r);
	}
	rh_model_free(&k.m);
	CHECKF(rc == 0, "%s", e.msg);
	printf("  drop %.4f: covered by %ld of %ld intervals\n", 1 - ra, cover, runs);
	CHECKF(cover >= 184 && cover <= 196, "coverage %ld of %ld, expected 184 to 196", cover, runs);
	return T_PASS;
}

static char out[262144], errbuf[8192];

#define RUN(...) t_run(t, out, sizeof(out), errbuf, sizeof(errbuf), (const char *const[]){__VA_ARGS__, NULL})

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
	CHECKF((rc = RUN("predict", "-m", "models/mlp.rmod", "--formulation", "true", "--sampler", "is")) == 1 &&
	           strstr(errbuf, "uniform"),
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
	return T_PASS;
}

const struct test_case predict_tests[] = {
    {"predict/determinism", t_determinism},
    {"predict/exhaustive", t_exhaustive},
    {"predict/coverage", t_coverage},
    {"predict/cli", t_cli},
    {NULL, NULL},
};
