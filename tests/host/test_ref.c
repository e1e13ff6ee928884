/* rahil tests: the integer reference model against an independent implementation, the
 * trainer, and the committed reference models' accuracy. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "dataset.h"
#include "model.h"
#include "quant.h"
#include "refmodel.h"
#include "rng.h"
#include "train.h"

int t_small_model(struct rh_model *m, uint64_t seed);

/* docs/quantisation.md read literally: one output value at a time. */
static int32_t naive_acc(const struct rh_layer *l, const int8_t *x, int oy, int ox, int o)
{
	int64_t s = l->bias[o];
	for (int ky = 0; ky < l->k; ky++)
		for (int kx = 0; kx < l->k; kx++)
			for (int c = 0; c < l->in_c; c++) {
				int iy = oy * l->stride + ky - l->pad, ix = ox * l->stride + kx - l->pad;
				int v = (iy < 0 || ix < 0 || iy >= l->in_h || ix >= l->in_w)
				            ? 0
				            : x[(iy * l->in_w + ix) * l->in_c + c];
				s += (int64_t)l->w[((o * l->k + ky) * l->k + kx) * l->in_c + c] * v;
			}
	return (int32_t)s;
}

static int naive_out(const struct rh_layer *l, int32_t acc, int o)
{
	long double y = floorl(((long double)acc * l->mult[o] + ldexpl(1, l->shift[o] - 1)) / ldexpl(1, l->shift[o]));
	long double lo = (l->flags & RH_F_RELU) ? 0 : -128;
	return (int)(y < lo ? lo : y > 127 ? 127 : y);
}

static int naive_infer(const struct rh_model *m, const int8_t *input, int32_t *logits)
{
	static int8_t a[2][16384];
	const int8_t *x = input;
	for (int i = 0; i < m->n_layers; i++) {
		const struct rh_layer *l = &m->layers[i];
		int8_t *y = a[i & 1];
		for (int oy = 0; oy < l->out_h; oy++)
			for (int ox = 0; ox < l->out_w; ox++)
				for (int o = 0; o < l->out_c; o++) {
					if (i == m->n_layers - 1) {
						logits[o] = naive_acc(l, x, oy, ox, o);
						continue;
					}
					int best = -1000;
					int p = (l->flags & RH_F_POOL) ? 2 : 1;
					for (int dy = 0; dy < p; dy++)
						for (int dx = 0; dx < p; dx++) {
							int v = naive_out(
							    l, naive_acc(l, x, oy * p + dy, ox * p + dx, o), o);
							best = v > best ? v : best;
						}
					y[(oy * l->out_w + ox) * l->out_c + o] = (int8_t)best;
				}
		x = y;
	}
	int best = 0;
	for (int c = 1; c < m->n_classes; c++)
		if (logits[c] > logits[best])
			best = c;
	return best;
}

static int ref_vs_naive(struct test_ctx *t)
{
	struct rh_rng r;
	rh_rng_seed(&r, 11);
	int8_t x[11 * 10 * 2];
	int32_t la[16], lb[16];
	for (int model = 0; model < 20; model++) {
		struct rh_model m;
		struct rh_ref ref;
		struct rh_err e;
		CHECK(t_small_model(&m, (uint64_t)model + 100) == 0);
		CHECK(rh_ref_init(&ref, &m, &e) == 0);
		for (int img = 0; img < 50; img++) {
			for (size_t j = 0; j < sizeof(x); j++)
				x[j] = (int8_t)(img & 1 ? rh_rng_below(&r, 128) : (rh_rng_next(&r) & 0xff));
			int ca = rh_ref_infer(&ref, x, la), cb = naive_infer(&m, x, lb);
			CHECK(ca == cb);
			CHECKF(memcmp(la, lb, sizeof(int32_t) * (size_t)m.n_classes) == 0,
			       "model %d image %d: logits differ (%d vs %d)", model, img, (int)la[0], (int)lb[0]);
		}
		rh_ref_free(&ref);
		rh_model_free(&m);
	}
	/* Ties go to the lowest index. */
	int32_t tie[4] = {3, 9, 9, 1};
	CHECK(rh_argmax(tie, 4) == 1);
	return T_PASS;
}

static int load_data(struct test_ctx *t, struct rh_dataset *tr, struct rh_dataset *te)
{
	struct rh_err e = {0, ""};
	if (rh_dataset_load(tr, NULL, RH_TRAIN, &e))
		return t_fail(t, __FILE__, __LINE__, "%s: %s", NEED_DATA, e.msg);
	if (rh_dataset_load(te, NULL, RH_TEST, &e)) {
		rh_dataset_free(tr);
		return t_fail(t, __FILE__, __LINE__, "%s: %s", NEED_DATA, e.msg);
	}
	return T_PASS;
}

/* A brief training run: the trainer learns, int8 follows float, and the result depends on
 * the seed only (not on the thread count). */
static int train_brief(struct test_ctx *t)
{
	struct rh_dataset tr, te;
	int r = load_data(t, &tr, &te);
	if (r)
		return r;
	const char *archs[2] = {"mlp", "cnn"};
	for (int a = 0; a < 2 && r == T_PASS; a++) {
		struct rh_train_opts o;
		struct rh_train_report rep[3];
		struct rh_model m[3];
		struct rh_err e = {0, ""};
		uint8_t *bytes[3];
		size_t len[3];
		rh_train_defaults(&o, archs[a]);
		o.epochs = 1;
		o.max_train = a ? 3000 : 4000;
		o.max_test = 1000;
		o.calib = 200;
		o.progress = NULL;
		for (int k = 0; k < 3; k++) {
			o.threads = k == 0 ? 2 : 1;
			o.seed = k == 2 ? 5 : 1;
			CHECKF(rh_train(&o, &tr, &te, &m[k], &rep[k], &e) == 0, "%s", e.msg);
			CHECK(rh_model_encode(&m[k], &bytes[k], &len[k], &e) == 0);
		}
		if (rep[0].float_acc < 0.70)
			r = t_fail(t, __FILE__, __LINE__, "%s: float accuracy %.3f after a brief run", archs[a],
			           rep[0].float_acc);
		else if (fabs(rep[0].int8_acc - rep[0].float_acc) > 0.02)
			r = t_fail(t, __FILE__, __LINE__, "%s: int8 %.3f vs float %.3f", archs[a], rep[0].int8_acc,
			           rep[0].float_acc);
		else if (len[0] != len[1] || memcmp(bytes[0], bytes[1], len[0]))
			r = t_fail(t, __FILE__, __LINE__, "%s: 1 and 2 threads gave different models", archs[a]);
		else if (len[0] == len[2] && !memcmp(bytes[0], bytes[2], len[0]))
			r = t_fail(t, __FILE__, __LINE__, "%s: seeds 1 and 5 gave the same model", archs[a]);
		for (int k = 0; k < 3; k++) {
			free(bytes[k]);
			rh_model_free(&m[k]);
		}
	}
	rh_dataset_free(&tr);
	rh_dataset_free(&te);
	return r;
}

/* The committed models on all 10,000 test images: the accuracy targets, and int8 within
 * half a point of the float accuracy recorded at training time. */
static int committed_accuracy(struct test_ctx *t)
{
	struct rh_dataset te;
	struct rh_err e = {0, ""};
	if (rh_dataset_load(&te, NULL, RH_TEST, &e))
		return t_fail(t, __FILE__, __LINE__, "%s: %s", NEED_DATA, e.msg);
	const char *names[2] = {"models/mlp.rmod", "models/cnn.rmod"};
	const double target[2] = {0.870, 0.895};
	int r = T_PASS;
	for (int i = 0; i < 2 && r == T_PASS; i++) {
		struct rh_model m;
		struct rh_ref ref;
		CHECKF(rh_model_load(&m, names[i], &e) == 0, "%s", e.msg);
		CHECK(rh_ref_init(&ref, &m, &e) == 0);
		int8_t x[784];
		int32_t logits[16];
		int correct = 0;
		for (int k = 0; k < te.n; k++) {
			rh_dataset_input(&te, k, x);
			correct += rh_ref_infer(&ref, x, logits) == te.labels[k];
		}
		double sa = (double)correct / te.n, fl = m.float_acc_ppm / 1e6;
		if (sa < target[i] || fl < target[i])
			r = t_fail(t, __FILE__, __LINE__, "%s: int8 %.4f, float %.4f, target %.3f", names[i], sa, fl,
			           target[i]);
		else if (fabs(sa - fl) > 0.005)
			r = t_fail(t, __FILE__, __LINE__, "%s: int8 %.4f is more than 0.5 points from float %.4f",
			           names[i], sa, fl);
		rh_ref_free(&ref);
		rh_model_free(&m);
	}
	rh_dataset_free(&te);
	return r;
}

/* Receptive fields too large for the gathered patch take the direct path: same results. */
static int ref_vs_naive_wide(struct test_ctx *t)
{
	const struct rh_layer_spec s[2] = {
	    {RH_OP_CONV, RH_F_RELU | RH_F_REQUANT, 3, 1, 1, 3},
	    {RH_OP_FC, 0, 0, 1, 0, 4},
	};
	struct rh_model m;
	struct rh_ref ref;
	struct rh_err e;
	struct rh_rng r;
	static int8_t x[3 * 3 * 1000];
	int32_t la[16], lb[16];
	CHECK(rh_model_build(&m, "wide", 3, 3, 1000, s, 2, &e) == 0);
	CHECK((size_t)m.layers[0].k * m.layers[0].k * m.layers[0].in_c > 8192);
	rh_rng_seed(&r, 5);
	for (int i = 0; i < 2; i++) {
		struct rh_layer *l = &m.layers[i];
		for (size_t j = 0; j < rh_layer_weights(l); j++)
			l->w[j] = (int8_t)(rh_rng_next(&r) & 0xff);
		for (int o = 0; o < l->out_c; o++) {
			l->bias[o] = (int32_t)rh_rng_below(&r, 2001) - 1000;
			l->mult[o] = 16384 + (int32_t)rh_rng_below(&r, 16384);
			l->shift[o] = 20 + (int32_t)rh_rng_below(&r, 6);
		}
	}
	CHECK(rh_ref_init(&ref, &m, &e) == 0);
	for (int img = 0; img < 10; img++) {
		for (size_t j = 0; j < sizeof(x); j++)
			x[j] = (int8_t)(rh_rng_next(&r) & 0xff);
		CHECK(rh_ref_infer(&ref, x, la) == naive_infer(&m, x, lb));
		CHECK(memcmp(la, lb, sizeof(int32_t) * 4) == 0);
	}
	rh_ref_free(&ref);
	rh_model_free(&m);
	return T_PASS;
}

const struct test_case ref_tests[] = {
    {"ref/vs-naive-wide", ref_vs_naive_wide},
    {"ref/vs-naive", ref_vs_naive},
    {"ref/train-brief", train_brief},
    {"ref/committed-accuracy", committed_accuracy},
    {NULL, NULL},
};
