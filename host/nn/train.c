/* rahil: float training (SGD with Adam, softmax cross-entropy) and int8 quantisation. */
#include "train.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "quant.h"
#include "refmodel.h"
#include "rng.h"

/* A minibatch is always cut into this many shards whose gradients are summed in order, so
 * the result is the same whatever the number of threads. */
#define SHARDS 2

struct fnet {
	struct rh_model g; /* geometry only */
	int n;
	float *w[RH_MAX_LAYERS], *b[RH_MAX_LAYERS];
	size_t nw[RH_MAX_LAYERS];
};

/* Per-shard scratch: activations, gradients, and accumulated parameter gradients. */
struct work {
	const struct fnet *net;
	float *act[RH_MAX_LAYERS + 1], *dact[RH_MAX_LAYERS + 1];
	float *z[RH_MAX_LAYERS], *dz[RH_MAX_LAYERS];
	int *pidx[RH_MAX_LAYERS];
	float *gw[RH_MAX_LAYERS], *gb[RH_MAX_LAYERS];
	/* job */
	const struct rh_dataset *data;
	const int *idx;
	int count;
	double loss;
	int correct;
};

int rh_arch_spec(const char *arch, struct rh_layer_spec *s)
{
	const unsigned hid = RH_F_RELU | RH_F_REQUANT;
	if (strcmp(arch, "mlp") == 0) {
		s[0] = (struct rh_layer_spec){RH_OP_FC, hid, 0, 1, 0, 128};
		s[1] = (struct rh_layer_spec){RH_OP_FC, 0, 0, 1, 0, 10};
		return 2;
	}
	if (strcmp(arch, "cnn") == 0) {
		s[0] = (struct rh_layer_spec){RH_OP_CONV, hid | RH_F_POOL, 3, 1, 1, 8};
		s[1] = (struct rh_layer_spec){RH_OP_CONV, hid | RH_F_POOL, 3, 1, 1, 16};
		s[2] = (struct rh_layer_spec){RH_OP_FC, hid, 0, 1, 0, 64};
		s[3] = (struct rh_layer_spec){RH_OP_FC, 0, 0, 1, 0, 10};
		return 4;
	}
	return -1;
}

void rh_train_defaults(struct rh_train_opts *o, const char *arch)
{
	memset(o, 0, sizeof(*o));
	o->arch = arch;
	o->epochs = strcmp(arch, "cnn") == 0 ? 12 : 20;
	o->seed = 1;
	o->batch = 64;
	o->lr = 2e-3f;
	o->calib = 2000;
	o->threads = 2;
	o->progress = NULL;
}

static size_t conv_len(const struct rh_layer *l)
{
	return (size_t)l->conv_h * l->conv_w * l->out_c;
}

static size_t in_len(const struct rh_layer *l)
{
	return (size_t)l->in_h * l->in_w * l->in_c;
}

static size_t out_len(const struct rh_layer *l)
{
	return (size_t)l->out_h * l->out_w * l->out_c;
}

static void input_image(const struct rh_dataset *d, int i, float *x)
{
	const uint8_t *p = d->pixels + (size_t)i * d->h * d->w;
	for (int j = 0; j < d->h * d->w; j++)
		x[j] = (float)rh_quant_pixel(p[j]) / 127.0f;
}

/* z = conv(x) + b for one layer. */
static void layer_fwd(const struct rh_layer *l, const float *w, const float *b, const float *x, float *z)
{
	if (l->op == RH_OP_FC) {
		size_t n = in_len(l);
		for (int o = 0; o < l->out_c; o++) {
			const float *wr = w + (size_t)o * n;
			float s = 0;
			for (size_t j = 0; j < n; j++)
				s += wr[j] * x[j];
			z[o] = s + b[o];
		}
		return;
	}
	const int k = l->k, ic = l->in_c;
	for (int oy = 0; oy < l->conv_h; oy++)
		for (int ox = 0; ox < l->conv_w; ox++) {
			float *zz = z + ((size_t)oy * l->conv_w + ox) * l->out_c;
			for (int o = 0; o < l->out_c; o++)
				zz[o] = b[o];
			for (int ky = 0; ky < k; ky++) {
				int iy = oy * l->stride + ky - l->pad;
				if (iy < 0 || iy >= l->in_h)
					continue;
				for (int kx = 0; kx < k; kx++) {
					int ix = ox * l->stride + kx - l->pad;
					if (ix < 0 || ix >= l->in_w)
						continue;
					const float *xx = x + ((size_t)iy * l->in_w + ix) * ic;
					for (int o = 0; o < l->out_c; o++) {
						const float *wr = w + (((size_t)o * k + ky) * k + kx) * ic;
						float s = 0;
						for (int c = 0; c < ic; c++)
							s += wr[c] * xx[c];
						zz[o] += s;
					}
				}
			}
		}
}

/* Accumulate parameter gradients from dz, and write dx (if not NULL). */
static void layer_bwd(const struct rh_layer *l, const float *w, const float *x, const float *dz, float *gw, float *gb,
                      float *dx)
{
	if (dx)
		memset(dx, 0, in_len(l) * sizeof(float));
	if (l->op == RH_OP_FC) {
		size_t n = in_len(l);
		for (int o = 0; o < l->out_c; o++) {
			float g = dz[o];
			if (g == 0.0f)
				continue;
			gb[o] += g;
			float *gr = gw + (size_t)o * n;
			const float *wr = w + (size_t)o * n;
			for (size_t j = 0; j < n; j++)
				gr[j] += g * x[j];
			if (dx)
				for (size_t j = 0; j < n; j++)
					dx[j] += g * wr[j];
		}
		return;
	}
	const int k = l->k, ic = l->in_c;
	for (int oy = 0; oy < l->conv_h; oy++)
		for (int ox = 0; ox < l->conv_w; ox++) {
			const float *gz = dz + ((size_t)oy * l->conv_w + ox) * l->out_c;
			for (int o = 0; o < l->out_c; o++)
				gb[o] += gz[o];
			for (int ky = 0; ky < k; ky++) {
				int iy = oy * l->stride + ky - l->pad;
				if (iy < 0 || iy >= l->in_h)
					continue;
				for (int kx = 0; kx < k; kx++) {
					int ix = ox * l->stride + kx - l->pad;
					if (ix < 0 || ix >= l->in_w)
						continue;
					size_t xo = ((size_t)iy * l->in_w + ix) * ic;
					for (int o = 0; o < l->out_c; o++) {
						float g = gz[o];
						if (g == 0.0f)
							continue;
						size_t wo = (((size_t)o * k + ky) * k + kx) * ic;
						for (int c = 0; c < ic; c++)
							gw[wo + c] += g * x[xo + c];
						if (dx)
							for (int c = 0; c < ic; c++)
								dx[xo + c] += g * w[wo + c];
					}
				}
			}
		}
}

/* Forward through the network; act[0] holds the input. Returns the logits (in z[last]). */
static const float *net_fwd(struct work *wk)
{
	const struct fnet *net = wk->net;
	for (int i = 0; i < net->n; i++) {
		const struct rh_layer *l = &net->g.layers[i];
		float *z = wk->z[i];
		layer_fwd(l, net->w[i], net->b[i], wk->act[i], z);
		if (i == net->n - 1)
			return z;
		float *y = wk->act[i + 1];
		if (!(l->flags & RH_F_POOL)) {
			for (size_t j = 0; j < conv_len(l); j++)
				y[j] = z[j] > 0 ? z[j] : 0;
			continue;
		}
		for (int py = 0; py < l->out_h; py++)
			for (int px = 0; px < l->out_w; px++)
				for (int o = 0; o < l->out_c; o++) {
					int best = -1;
					float bv = 0;
					for (int dy = 0; dy < 2; dy++)
						for (int dx = 0; dx < 2; dx++) {
							int j =
							    ((2 * py + dy) * l->conv_w + 2 * px + dx) * l->out_c + o;
							if (best < 0 || z[j] > bv) {
								best = j;
								bv = z[j];
							}
						}
					size_t p = ((size_t)py * l->out_w + px) * l->out_c + o;
					y[p] = bv > 0 ? bv : 0;
					wk->pidx[i][p] = best;
				}
	}
	return NULL;
}

static void net_bwd(struct work *wk, const float *dlogits)
{
	const struct fnet *net = wk->net;
	for (int i = net->n - 1; i >= 0; i--) {
		const struct rh_layer *l = &net->g.layers[i];
		float *dz = wk->dz[i];
		if (i == net->n - 1) {
			memcpy(dz, dlogits, conv_len(l) * sizeof(float));
		} else {
			const float *z = wk->z[i], *dy = wk->dact[i + 1];
			if (l->flags & RH_F_POOL) {
				memset(dz, 0, conv_len(l) * sizeof(float));
				for (size_t p = 0; p < out_len(l); p++)
					dz[wk->pidx[i][p]] += dy[p];
			} else {
				memcpy(dz, dy, conv_len(l) * sizeof(float));
			}
			for (size_t j = 0; j < conv_len(l); j++)
				if (z[j] <= 0)
					dz[j] = 0;
		}
		layer_bwd(l, net->w[i], wk->act[i], dz, wk->gw[i], wk->gb[i], i ? wk->dact[i] : NULL);
	}
}

static void *shard_run(void *arg)
{
	struct work *wk = arg;
	const struct fnet *net = wk->net;
	int nc = net->g.n_classes;
	float dl[64];
	wk->loss = 0;
	wk->correct = 0;
	for (int s = 0; s < wk->count; s++) {
		int i = wk->idx[s];
		input_image(wk->data, i, wk->act[0]);
		const float *z = net_fwd(wk);
		int lab = wk->data->labels[i];
		float mx = z[0];
		int am = 0;
		for (int c = 1; c < nc; c++)
			if (z[c] > mx) {
				mx = z[c];
				am = c;
			}
		double sum = exp((double)(z[0] - mx)); /* >= exp(-huge) > 0; the argmax term is 1 */
		for (int c = 1; c < nc; c++)
			sum += exp((double)(z[c] - mx));
		wk->loss += log(sum) - (double)(z[lab] - mx);
		wk->correct += am == lab;
		if (wk->gw[0]) {
			for (int c = 0; c < nc; c++)
				dl[c] = (float)(exp((double)(z[c] - mx)) / sum) - (c == lab);
			net_bwd(wk, dl);
		}
	}
	return NULL;
}

static int work_init(struct work *wk, const struct fnet *net, int grads)
{
	memset(wk, 0, sizeof(*wk));
	wk->net = net;
	int ok = 1;
	for (int i = 0; i < net->n; i++) {
		const struct rh_layer *l = &net->g.layers[i];
		wk->act[i] = calloc(in_len(l), sizeof(float));
		wk->dact[i] = calloc(in_len(l), sizeof(float));
		wk->z[i] = calloc(conv_len(l), sizeof(float));
		wk->dz[i] = calloc(conv_len(l), sizeof(float));
		wk->pidx[i] = calloc(out_len(l), sizeof(int));
		ok &= wk->act[i] && wk->dact[i] && wk->z[i] && wk->dz[i] && wk->pidx[i];
		if (grads) {
			wk->gw[i] = calloc(net->nw[i], sizeof(float));
			wk->gb[i] = calloc((size_t)l->out_c, sizeof(float));
			ok &= wk->gw[i] && wk->gb[i];
		}
	}
	return ok ? 0 : -1;
}

static void work_free(struct work *wk)
{
	for (int i = 0; i < RH_MAX_LAYERS; i++) {
		free(wk->act[i]);
		free(wk->dact[i]);
		free(wk->z[i]);
		free(wk->dz[i]);
		free(wk->pidx[i]);
		free(wk->gw[i]);
		free(wk->gb[i]);
	}
}

/* Run jobs on SHARDS work areas, with up to `threads` threads at once. */
static void run_shards(struct work *wk, int threads)
{
	if (threads <= 1) {
		for (int s = 0; s < SHARDS; s++)
			shard_run(&wk[s]);
		return;
	}
	pthread_t t[SHARDS];
	int started[SHARDS] = {0};
	for (int s = 1; s < SHARDS; s++)
		started[s] = pthread_create(&t[s], NULL, shard_run, &wk[s]) == 0;
	shard_run(&wk[0]);
	for (int s = 1; s < SHARDS; s++) {
		if (started[s])
			pthread_join(t[s], NULL);
		else
			shard_run(&wk[s]);
	}
}

/* Accuracy of the float network on the first n images of d. */
static double float_accuracy(struct work *wk, const struct rh_dataset *d, int n, int *idx, int threads)
{
	for (int i = 0; i < n; i++)
		idx[i] = i;
	int correct = 0;
	for (int s = 0; s < SHARDS; s++) {
		wk[s].data = d;
		wk[s].idx = idx + (size_t)n * s / SHARDS;
		wk[s].count = n * (s + 1) / SHARDS - n * s / SHARDS;
	}
	run_shards(wk, threads);
	for (int s = 0; s < SHARDS; s++)
		correct += wk[s].correct;
	return n ? (double)correct / n : 0;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* Activation range of each intermediate layer: the 99.99th percentile of its ReLU outputs
 * (before pooling) over `count` training images. */
static int calibrate(struct work *wk, const struct rh_dataset *d, int count, float *range)
{
	const struct fnet *net = wk->net;
	for (int i = 0; i < net->n - 1; i++) {
		const struct rh_layer *l = &net->g.layers[i];
		size_t per = conv_len(l), total = per * (size_t)count;
		float *v = malloc(total * sizeof(float));
		if (!v)
			return -1;
		for (int s = 0; s < count; s++) {
			input_image(d, s, wk->act[0]);
			net_fwd(wk);
			for (size_t j = 0; j < per; j++)
				v[(size_t)s * per + j] = wk->z[i][j] > 0 ? wk->z[i][j] : 0;
		}
		qsort(v, total, sizeof(float), cmp_float);
		size_t at = (size_t)((double)(total - 1) * 0.9999);
		range[i] = v[at] > 1e-6f ? v[at] : (v[total - 1] > 1e-6f ? v[total - 1] : 1.0f);
		free(v);
	}
	return 0;
}

static int quantise(const struct fnet *net, const float *range, struct rh_model *m, struct rh_err *err)
{
	struct rh_layer_spec spec[RH_MAX_LAYERS];
	for (int i = 0; i < net->n; i++) {
		const struct rh_layer *l = &net->g.layers[i];
		spec[i] = (struct rh_layer_spec){l->op, l->flags, l->k, l->stride, l->pad, l->out_c};
	}
	int rc = rh_model_build(m, net->g.name, net->g.in_h, net->g.in_w, net->g.in_c, spec, net->n, err);
	if (rc)
		return rc;
	double s_in = 1.0 / 127.0;
	for (int i = 0; i < net->n; i++) {
		struct rh_layer *l = &m->layers[i];
		size_t per = net->nw[i] / (size_t)l->out_c;
		int last = i == net->n - 1;
		double s_out = last ? 0 : range[i] / 127.0;
		/* Per-channel weight scales, except in the last layer: its int32 logits are
		 * compared with each other, so they must share one scale. */
		float layer_mx = 0;
		for (size_t j = 0; j < net->nw[i]; j++)
			layer_mx = fmaxf(layer_mx, fabsf(net->w[i][j]));
		for (int o = 0; o < l->out_c; o++) {
			const float *w = net->w[i] + (size_t)o * per;
			float mx = 0;
			for (size_t j = 0; j < per; j++)
				mx = fmaxf(mx, fabsf(w[j]));
			if (last)
				mx = layer_mx;
			double s_w = mx > 0 ? mx / 127.0 : 1.0;
			for (size_t j = 0; j < per; j++)
				l->w[(size_t)o * per + j] = rh_quant_s8(w[j], (float)s_w);
			double bq = round(net->b[i][o] / (s_w * s_in));
			if (fabs(bq) > 1e9)
				return rh_err_set(err, RH_E_INVAL, "layer %d: bias %g does not fit the accumulator", i,
				                  (double)net->b[i][o]);
			l->bias[o] = (int32_t)bq;
			if (!last && rh_quant_multiplier(s_w * s_in / s_out, &l->mult[o], &l->shift[o]))
				return rh_err_set(err, RH_E_INVAL,
				                  "layer %d channel %d: scale %g cannot be requantised", i, o,
				                  s_w * s_in / s_out);
		}
		s_in = s_out;
	}
	return rh_model_validate(m, err);
}

static double int8_accuracy(const struct rh_model *m, const struct rh_dataset *d, int n, struct rh_err *err)
{
	struct rh_ref r;
	int32_t logits[64];
	int8_t *x = malloc((size_t)d->h * d->w);
	if (!x || rh_ref_init(&r, m, err)) {
		free(x);
		return -1;
	}
	int correct = 0;
	for (int i = 0; i < n; i++) {
		rh_dataset_input(d, i, x);
		correct += rh_ref_infer(&r, x, logits) == d->labels[i];
	}
	rh_ref_free(&r);
	free(x);
	return (double)correct / n;
}

/* One training run: the float network with its Adam moments, the shards' work areas, the
 * shuffle order and the step count of the cosine schedule. */
struct trainer {
	const struct rh_train_opts *o;
	struct fnet net;
	struct work wk[SHARDS];
	float *adam_m[RH_MAX_LAYERS], *adam_v[RH_MAX_LAYERS];
	struct rh_rng rng; /* the initial weights, then every epoch's shuffle */
	int *order;
	int ntrain, ntest;
	long steps_per_epoch, total_steps, step;
	double t0;
};

/* He-uniform initialisation, biases zero. Parameters are [w_i | b_i] per layer, each with two
 * Adam moment arrays. */
static int net_init(struct trainer *t, struct rh_err *err)
{
	struct fnet *net = &t->net;
	for (int i = 0; i < net->n; i++) {
		const struct rh_layer *l = &net->g.layers[i];
		net->nw[i] = rh_layer_weights(l);
		size_t np = net->nw[i] + (size_t)l->out_c;
		net->w[i] = calloc(np, sizeof(float));
		t->adam_m[i] = calloc(np, sizeof(float));
		t->adam_v[i] = calloc(np, sizeof(float));
		if (!net->w[i] || !t->adam_m[i] || !t->adam_v[i])
			return rh_err_set(err, RH_E_NOMEM, "cannot allocate layer %d parameters", i);
		net->b[i] = net->w[i] + net->nw[i];
		double fan_in = (double)l->k * l->k * l->in_c, a = sqrt(6.0 / fan_in);
		for (size_t j = 0; j < net->nw[i]; j++)
			net->w[i][j] = (float)((2 * rh_rng_unif(&t->rng) - 1) * a);
	}
	return 0;
}

/* Check the options and set up the run; trainer_free cleans up whatever it returns. */
static int trainer_init(struct trainer *t, const struct rh_train_opts *o, const struct rh_dataset *train,
                        const struct rh_dataset *test, struct rh_err *err)
{
	struct rh_layer_spec spec[RH_MAX_LAYERS];
	memset(t, 0, sizeof(*t));
	t->o = o;
	t->t0 = rh_now_s();
	int n = rh_arch_spec(o->arch, spec);
	if (n < 0)
		return rh_err_set(err, RH_E_INVAL, "unknown architecture '%s' (expected mlp or cnn)", o->arch);
	if (o->epochs < 1 || o->batch < SHARDS || o->lr <= 0)
		return rh_err_set(err, RH_E_INVAL, "bad training options (epochs %d, batch %d, lr %g)", o->epochs,
		                  o->batch, (double)o->lr);
	int rc = rh_model_build(&t->net.g, o->arch, train->h, train->w, 1, spec, n, err);
	if (rc)
		return rc;
	t->net.n = n;
	rh_rng_seed(&t->rng, o->seed);
	if ((rc = net_init(t, err)))
		return rc;
	for (int s = 0; s < SHARDS; s++)
		if (work_init(&t->wk[s], &t->net, 1))
			return rh_err_set(err, RH_E_NOMEM, "cannot allocate training buffers");
	t->ntrain = o->max_train > 0 && o->max_train < train->n ? o->max_train : train->n;
	t->ntest = o->max_test > 0 && o->max_test < test->n ? o->max_test : test->n;
	t->order = malloc(sizeof(int) * (size_t)(t->ntrain > t->ntest ? t->ntrain : t->ntest));
	if (!t->order)
		return rh_err_set(err, RH_E_NOMEM, "cannot allocate the shuffle order");
	t->steps_per_epoch = (t->ntrain + o->batch - 1) / o->batch;
	t->total_steps = t->steps_per_epoch * o->epochs;
	return 0;
}

static void trainer_free(struct trainer *t)
{
	for (int s = 0; s < SHARDS; s++)
		work_free(&t->wk[s]);
	for (int i = 0; i < RH_MAX_LAYERS; i++) {
		free(t->net.w[i]);
		free(t->adam_m[i]);
		free(t->adam_v[i]);
	}
	rh_model_free(&t->net.g);
	free(t->order);
}

/* Fisher-Yates over the first ntrain images. */
static void shuffle(struct trainer *t)
{
	int *order = t->order;
	for (int i = 0; i < t->ntrain; i++)
		order[i] = i;
	for (int i = t->ntrain - 1; i > 0; i--) {
		int j = (int)rh_rng_below(&t->rng, (uint64_t)i + 1), k = order[i];
		order[i] = order[j];
		order[j] = k;
	}
}

/* Loss, hits and gradients of the bs images at order[start ..], summed per shard. */
static void batch_grads(struct trainer *t, const struct rh_dataset *train, int start, int bs)
{
	for (int s = 0; s < SHARDS; s++) {
		struct work *wk = &t->wk[s];
		wk->data = train;
		wk->idx = t->order + start + bs * s / SHARDS;
		wk->count = bs * (s + 1) / SHARDS - bs * s / SHARDS;
		for (int i = 0; i < t->net.n; i++) {
			memset(wk->gw[i], 0, t->net.nw[i] * sizeof(float));
			memset(wk->gb[i], 0, (size_t)t->net.g.layers[i].out_c * sizeof(float));
		}
	}
	run_shards(t->wk, t->o->threads);
}

/* One Adam step with the shards' gradients averaged over the bs images, at the cosine-decayed
 * learning rate of the next step. */
static void adam_step(struct trainer *t, int bs)
{
	const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
	struct fnet *net = &t->net;
	t->step++;
	double lr = t->o->lr * 0.5 * (1 + cos(3.14159265358979323846 * (double)(t->step - 1) / (double)t->total_steps));
	double c1 = 1 - pow(b1, (double)t->step), c2 = 1 - pow(b2, (double)t->step);
	for (int i = 0; i < net->n; i++) {
		float *am = t->adam_m[i], *av = t->adam_v[i];
		size_t nwi = net->nw[i], np = nwi + (size_t)net->g.layers[i].out_c;
		for (size_t j = 0; j < np; j++) {
			float g = 0;
			for (int s = 0; s < SHARDS; s++)
				g += j < nwi ? t->wk[s].gw[i][j] : t->wk[s].gb[i][j - nwi];
			g /= (float)bs;
			am[j] = (float)(b1 * am[j] + (1 - b1) * g);
			av[j] = (float)(b2 * av[j] + (1 - b2) * g * g);
			double mh = am[j] / c1, vh = av[j] / c2;
			net->w[i][j] -= (float)(lr * mh / (sqrt(vh) + eps));
		}
	}
}

/* One pass over the shuffled training images, with a progress report after every minibatch. */
static void train_epoch(struct trainer *t, const struct rh_dataset *train, int ep)
{
	const struct rh_train_opts *o = t->o;
	double loss = 0;
	int correct = 0;
	shuffle(t);
	for (int start = 0; start < t->ntrain; start += o->batch) {
		int bs = t->ntrain - start < o->batch ? t->ntrain - start : o->batch;
		batch_grads(t, train, start, bs);
		adam_step(t, bs);
		for (int s = 0; s < SHARDS; s++) {
			loss += t->wk[s].loss;
			correct += t->wk[s].correct;
		}
		if (!o->progress)
			continue;
		struct rh_train_progress p = {
		    .arch = o->arch,
		    .epoch = ep + 1,
		    .epochs = o->epochs,
		    .batch = t->step - (long)ep * t->steps_per_epoch,
		    .batches = t->steps_per_epoch,
		    .step = t->step,
		    .steps = t->total_steps,
		    .loss = loss / (start + bs),
		    .correct = correct,
		    .seen = start + bs,
		    .seconds = rh_now_s() - t->t0,
		    .epoch_done = start + bs >= t->ntrain,
		};
		o->progress(&p, o->ctx);
	}
}

/* After the training: the float accuracy, the activation ranges, the int8 model in out and its
 * accuracy. */
static int quantise_and_test(struct trainer *t, const struct rh_dataset *train, const struct rh_dataset *test,
                             struct rh_model *out, struct rh_train_report *rep, struct rh_err *err)
{
	const struct rh_train_opts *o = t->o;
	rep->test_images = t->ntest;
	rep->float_acc = float_accuracy(t->wk, test, t->ntest, t->order, o->threads);
	float range[RH_MAX_LAYERS];
	int ncal = o->calib < t->ntrain ? o->calib : t->ntrain;
	if (calibrate(&t->wk[0], train, ncal, range))
		return rh_err_set(err, RH_E_NOMEM, "cannot allocate calibration buffers");
	int rc = quantise(&t->net, range, out, err);
	if (rc)
		return rc;
	out->train_seed = (uint32_t)o->seed;
	out->train_epochs = (uint32_t)o->epochs;
	out->float_acc_ppm = (uint32_t)lround(rep->float_acc * 1e6);
	rep->int8_acc = int8_accuracy(out, test, t->ntest, err);
	if (rep->int8_acc < 0) {
		rh_model_free(out);
		return RH_E_NOMEM;
	}
	rep->seconds = rh_now_s() - t->t0;
	return 0;
}

int rh_train(const struct rh_train_opts *o, const struct rh_dataset *train, const struct rh_dataset *test,
             struct rh_model *out, struct rh_train_report *rep, struct rh_err *err)
{
	struct trainer t;
	memset(out, 0, sizeof(*out));
	int rc = trainer_init(&t, o, train, test, err);
	if (!rc) {
		for (int ep = 0; ep < o->epochs; ep++)
			train_epoch(&t, train, ep);
		rc = quantise_and_test(&t, train, test, out, rep, err);
	}
	trainer_free(&t);
	return rc;
}
