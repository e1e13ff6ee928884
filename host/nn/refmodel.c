/* rahil: integer-only reference inference (docs/quantisation.md), the golden model. */
#include "refmodel.h"

#include <stdlib.h>
#include <string.h>

#include "quant.h"

int rh_argmax(const int32_t *v, int n)
{
	int best = 0;
	for (int i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

int rh_ref_init(struct rh_ref *r, const struct rh_model *m, struct rh_err *err)
{
	memset(r, 0, sizeof(*r));
	r->m = m;
	r->buf_len = rh_model_max_act_bytes(m);
	for (int i = 0; i < m->n_layers; i++) {
		const struct rh_layer *l = &m->layers[i];
		size_t a = (size_t)l->conv_h * l->conv_w * l->out_c;
		if (a > r->acc_len)
			r->acc_len = a;
	}
	r->buf[0] = malloc(r->buf_len);
	r->buf[1] = malloc(r->buf_len);
	r->acc = malloc(r->acc_len * sizeof(int32_t));
	if (!r->buf[0] || !r->buf[1] || !r->acc) {
		rh_ref_free(r);
		return rh_err_set(err, RH_E_NOMEM, "cannot allocate inference buffers");
	}
	return 0;
}

void rh_ref_free(struct rh_ref *r)
{
	free(r->buf[0]);
	free(r->buf[1]);
	free(r->acc);
	memset(r, 0, sizeof(*r));
}

/* Receptive fields up to this many bytes are gathered into a contiguous patch on the stack;
 * larger ones take the direct path. */
#define PATCH_MAX 8192

static int32_t dot8(const int8_t *a, const int8_t *b, size_t n)
{
	int32_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += (int32_t)a[i] * b[i];
	return s;
}

/* acc[oy][ox][o] for the whole convolution output, straight from the definition. */
static void conv_acc_direct(const struct rh_layer *l, const int8_t *in, int32_t *acc)
{
	const int kk = l->k, ic = l->in_c;
	for (int oy = 0; oy < l->conv_h; oy++) {
		for (int ox = 0; ox < l->conv_w; ox++) {
			int32_t *a = acc + ((size_t)oy * l->conv_w + ox) * l->out_c;
			for (int o = 0; o < l->out_c; o++)
				a[o] = l->bias[o];
			for (int ky = 0; ky < kk; ky++) {
				int iy = oy * l->stride + ky - l->pad;
				if (iy < 0 || iy >= l->in_h)
					continue;
				for (int kx = 0; kx < kk; kx++) {
					int ix = ox * l->stride + kx - l->pad;
					if (ix < 0 || ix >= l->in_w)
						continue;
					const int8_t *x = in + ((size_t)iy * l->in_w + ix) * ic;
					for (int o = 0; o < l->out_c; o++) {
						const int8_t *w = l->w + (((size_t)o * kk + ky) * kk + kx) * ic;
						a[o] += dot8(w, x, (size_t)ic);
					}
				}
			}
		}
	}
}

/* The same sums, gathering each receptive field (zero-padded) into one contiguous patch so
 * that every output is a single dot product with a weight row. A fully connected layer's
 * patch is the input itself. */
static void conv_acc(const struct rh_layer *l, const int8_t *in, int32_t *acc)
{
	const int kk = l->k, ic = l->in_c;
	const size_t K = (size_t)kk * kk * ic, row = (size_t)kk * ic;
	int8_t patch[PATCH_MAX];
	if (l->pad == 0 && kk == l->in_h && kk == l->in_w) {
		for (int o = 0; o < l->out_c; o++)
			acc[o] = l->bias[o] + dot8(l->w + (size_t)o * K, in, K);
		return;
	}
	if (K > PATCH_MAX) {
		conv_acc_direct(l, in, acc);
		return;
	}
	for (int oy = 0; oy < l->conv_h; oy++) {
		for (int ox = 0; ox < l->conv_w; ox++) {
			int x0 = ox * l->stride - l->pad, y0 = oy * l->stride - l->pad;
			int inside = x0 >= 0 && y0 >= 0 && x0 + kk <= l->in_w && y0 + kk <= l->in_h;
			for (int ky = 0; ky < kk; ky++) {
				int8_t *dst = patch + (size_t)ky * row;
				int iy = y0 + ky;
				if (inside) {
					memcpy(dst, in + ((size_t)iy * l->in_w + x0) * ic, row);
					continue;
				}
				for (int kx = 0; kx < kk; kx++) {
					int ix = x0 + kx;
					if (iy < 0 || iy >= l->in_h || ix < 0 || ix >= l->in_w)
						memset(dst + (size_t)kx * ic, 0, (size_t)ic);
					else
						memcpy(dst + (size_t)kx * ic, in + ((size_t)iy * l->in_w + ix) * ic,
						       (size_t)ic);
				}
			}
			int32_t *a = acc + ((size_t)oy * l->conv_w + ox) * l->out_c;
			for (int o = 0; o < l->out_c; o++)
				a[o] = l->bias[o] + dot8(l->w + (size_t)o * K, patch, K);
		}
	}
}

void rh_ref_layer(const struct rh_layer *l, const int8_t *in, int32_t *acc, void *out)
{
	conv_acc(l, in, acc);
	size_t n = (size_t)l->conv_h * l->conv_w * l->out_c;
	if (!(l->flags & RH_F_REQUANT)) {
		memcpy(out, acc, n * sizeof(int32_t));
		return;
	}
	int relu = !!(l->flags & RH_F_RELU);
	int8_t *y = out;
	if (!(l->flags & RH_F_POOL)) {
		for (size_t i = 0; i < n; i++) {
			int o = (int)(i % (size_t)l->out_c);
			y[i] = rh_requant(acc[i], l->mult[o], l->shift[o], relu);
		}
		return;
	}
	for (int py = 0; py < l->out_h; py++)
		for (int px = 0; px < l->out_w; px++)
			for (int o = 0; o < l->out_c; o++) {
				int8_t best = -128;
				for (int dy = 0; dy < 2; dy++)
					for (int dx = 0; dx < 2; dx++) {
						size_t i =
						    ((size_t)(2 * py + dy) * l->conv_w + (2 * px + dx)) * l->out_c + o;
						int8_t v = rh_requant(acc[i], l->mult[o], l->shift[o], relu);
						if (v > best)
							best = v;
					}
				y[((size_t)py * l->out_w + px) * l->out_c + o] = best;
			}
}

int rh_ref_infer(struct rh_ref *r, const int8_t *input, int32_t *logits)
{
	return rh_ref_infer_from(r, 0, NULL, input, logits);
}

int rh_ref_infer_from(struct rh_ref *r, int first, const struct rh_layer *l0, const int8_t *input, int32_t *logits)
{
	const struct rh_model *m = r->m;
	const int8_t *in = input;
	for (int i = first; i < m->n_layers; i++) {
		const struct rh_layer *l = i == first && l0 ? l0 : &m->layers[i];
		if (i == m->n_layers - 1) {
			rh_ref_layer(l, in, r->acc, logits);
			break;
		}
		int8_t *out = r->buf[i & 1];
		rh_ref_layer(l, in, r->acc, out);
		in = out;
	}
	return rh_argmax(logits, m->n_classes);
}
