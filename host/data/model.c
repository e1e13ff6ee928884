/* rahil: the .rmod model file: layer program, quantisation parameters, weights, CRC32. */
#include "model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "bytes.h"
#include "hash.h"
#include "quant.h"

/*
 * File layout, all integers little-endian (docs/model-format.md):
 *
 *   header   64 bytes   magic "RMOD", u16 version, u16 header size, u16 n_layers,
 *                       u16 in_h, in_w, in_c, n_classes, char name[16], u32 train_seed,
 *                       u32 train_epochs, u32 float_acc_ppm, u32 blob size, zero padding
 *   layers   32 bytes each: u8 op, u8 flags, u8 k, u8 stride, u8 pad, 3 zero bytes,
 *                       u16 in_h, in_w, in_c, out_h, out_w, out_c, u32 weight offset,
 *                       u32 parameter offset (into the blob)
 *   blob     per layer: int8 weights, then int32 bias[out_c], mult[out_c], shift[out_c]
 *   crc      u32 CRC-32 (zlib's, IEEE 802.3) of every byte before it
 */
#define HDR_SIZE   64
#define LAYER_SIZE 32

size_t rh_layer_weights(const struct rh_layer *l)
{
	return (size_t)l->out_c * (size_t)l->k * (size_t)l->k * (size_t)l->in_c;
}

long rh_layer_macs(const struct rh_layer *l)
{
	return (long)l->conv_h * l->conv_w * (long)rh_layer_weights(l);
}

long rh_model_macs(const struct rh_model *m)
{
	long n = 0;
	for (int i = 0; i < m->n_layers; i++)
		n += rh_layer_macs(&m->layers[i]);
	return n;
}

size_t rh_model_weight_bytes(const struct rh_model *m)
{
	size_t n = 0;
	for (int i = 0; i < m->n_layers; i++)
		n += rh_layer_weights(&m->layers[i]) + 12u * (size_t)m->layers[i].out_c;
	return n;
}

size_t rh_model_max_act_bytes(const struct rh_model *m)
{
	size_t n = (size_t)m->in_h * m->in_w * m->in_c;
	for (int i = 0; i < m->n_layers; i++) {
		const struct rh_layer *l = &m->layers[i];
		size_t o = (size_t)l->out_h * l->out_w * l->out_c;
		if (o > n)
			n = o;
	}
	return n;
}

static size_t align4(size_t n)
{
	return (n + 3u) & ~(size_t)3u;
}

static size_t layer_blob_size(const struct rh_layer *l)
{
	return align4(rh_layer_weights(l)) + 12u * (size_t)l->out_c;
}

/* Derive conv and output sizes; 0 when the shape is possible. */
static int layer_shape(struct rh_layer *l, struct rh_err *err, int idx)
{
	if (l->op != RH_OP_CONV && l->op != RH_OP_FC)
		return rh_err_set(err, RH_E_FORMAT, "layer %d: unknown operation %d (expected 1 conv or 2 fc)", idx,
		                  (int)l->op);
	if (l->flags & ~(unsigned)(RH_F_RELU | RH_F_POOL | RH_F_REQUANT))
		return rh_err_set(err, RH_E_FORMAT, "layer %d: unknown flags 0x%x", idx, l->flags);
	if (l->in_h < 1 || l->in_w < 1 || l->in_c < 1 || l->out_c < 1 || l->in_h > 4096 || l->in_w > 4096 ||
	    l->in_c > 4096 || l->out_c > 4096)
		return rh_err_set(err, RH_E_FORMAT, "layer %d: impossible size %dx%dx%d -> %d channels", idx, l->in_h,
		                  l->in_w, l->in_c, l->out_c);
	if (l->op == RH_OP_FC) {
		if (l->k != l->in_h || l->in_h != l->in_w || l->stride != 1 || l->pad != 0)
			return rh_err_set(err, RH_E_FORMAT,
			                  "layer %d: fully connected layer needs k == in_h == in_w, stride 1, pad 0 "
			                  "(got k %d, input %dx%d, stride %d, pad %d)",
			                  idx, l->k, l->in_h, l->in_w, l->stride, l->pad);
		if (l->flags & RH_F_POOL)
			return rh_err_set(err, RH_E_FORMAT, "layer %d: pooling after a fully connected layer", idx);
	}
	if (l->k < 1 || l->stride < 1 || l->pad < 0 || l->pad >= l->k || l->k > 255 || l->stride > 255)
		return rh_err_set(err, RH_E_FORMAT, "layer %d: impossible kernel %d, stride %d, pad %d", idx, l->k,
		                  l->stride, l->pad);
	int h = l->in_h + 2 * l->pad - l->k, w = l->in_w + 2 * l->pad - l->k;
	if (h < 0 || w < 0)
		return rh_err_set(err, RH_E_FORMAT, "layer %d: kernel %d larger than padded input %dx%d", idx, l->k,
		                  l->in_h + 2 * l->pad, l->in_w + 2 * l->pad);
	l->conv_h = h / l->stride + 1;
	l->conv_w = w / l->stride + 1;
	l->out_h = (l->flags & RH_F_POOL) ? l->conv_h / 2 : l->conv_h;
	l->out_w = (l->flags & RH_F_POOL) ? l->conv_w / 2 : l->conv_w;
	if (l->out_h < 1 || l->out_w < 1)
		return rh_err_set(err, RH_E_FORMAT, "layer %d: pooling a %dx%d map leaves nothing", idx, l->conv_h,
		                  l->conv_w);
	return 0;
}

/* Point the layer arrays into the blob; returns the bytes used. */
static size_t layer_attach(struct rh_layer *l, uint8_t *base, size_t off)
{
	size_t nw = rh_layer_weights(l);
	l->w = (int8_t *)(base + off);
	size_t p = off + align4(nw);
	l->bias = (int32_t *)(void *)(base + p);
	l->mult = l->bias + l->out_c;
	l->shift = l->mult + l->out_c;
	return layer_blob_size(l);
}

int rh_model_build(struct rh_model *m, const char *name, int in_h, int in_w, int in_c, const struct rh_layer_spec *spec,
                   int n_layers, struct rh_err *err)
{
	memset(m, 0, sizeof(*m));
	if (n_layers < 1 || n_layers > RH_MAX_LAYERS)
		return rh_err_set(err, RH_E_INVAL, "%d layers (expected 1..%d)", n_layers, RH_MAX_LAYERS);
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->in_h = in_h;
	m->in_w = in_w;
	m->in_c = in_c;
	m->n_layers = n_layers;
	int h = in_h, w = in_w, c = in_c;
	size_t total = 0;
	for (int i = 0; i < n_layers; i++) {
		struct rh_layer *l = &m->layers[i];
		l->op = spec[i].op;
		l->flags = spec[i].flags;
		l->k = spec[i].op == RH_OP_FC ? h : spec[i].k;
		l->stride = spec[i].op == RH_OP_FC ? 1 : spec[i].stride;
		l->pad = spec[i].op == RH_OP_FC ? 0 : spec[i].pad;
		l->in_h = h;
		l->in_w = w;
		l->in_c = c;
		l->out_c = spec[i].out_c;
		int rc = layer_shape(l, err, i);
		if (rc)
			return rc;
		h = l->out_h;
		w = l->out_w;
		c = l->out_c;
		total += layer_blob_size(l);
	}
	m->n_classes = c;
	m->blob = calloc(1, total ? total : 1);
	if (!m->blob)
		return rh_err_set(err, RH_E_NOMEM, "cannot allocate %zu bytes of weights", total);
	m->blob_size = total;
	size_t off = 0;
	for (int i = 0; i < n_layers; i++) {
		struct rh_layer *l = &m->layers[i];
		off += layer_attach(l, m->blob, off);
		for (int o = 0; o < l->out_c; o++) {
			l->mult[o] = 1 << 14;
			l->shift[o] = 14;
		}
	}
	return rh_model_validate(m, err);
}

void rh_model_free(struct rh_model *m)
{
	free(m->blob);
	memset(m, 0, sizeof(*m));
}

int rh_model_validate(const struct rh_model *m, struct rh_err *err)
{
	if (m->n_layers < 1 || m->n_layers > RH_MAX_LAYERS)
		return rh_err_set(err, RH_E_FORMAT, "%d layers (expected 1..%d)", m->n_layers, RH_MAX_LAYERS);
	int h = m->in_h, w = m->in_w, c = m->in_c;
	for (int i = 0; i < m->n_layers; i++) {
		const struct rh_layer *l = &m->layers[i];
		int last = i == m->n_layers - 1;
		if (l->in_h != h || l->in_w != w || l->in_c != c)
			return rh_err_set(err, RH_E_FORMAT,
			                  "layer %d: input %dx%dx%d does not match the previous output %dx%dx%d", i,
			                  l->in_h, l->in_w, l->in_c, h, w, c);
		if (last == !!(l->flags & RH_F_REQUANT))
			return rh_err_set(err, RH_E_FORMAT, "layer %d: %s", i,
			                  last ? "the last layer must output int32 logits (no requantisation)"
			                       : "an intermediate layer must requantise to int8");
		if (last && (l->flags & (RH_F_RELU | RH_F_POOL)))
			return rh_err_set(err, RH_E_FORMAT, "layer %d: the last layer cannot have ReLU or pooling", i);
		if (last && (l->out_h != 1 || l->out_w != 1))
			return rh_err_set(err, RH_E_FORMAT, "layer %d: the last layer must give 1x1 logits, not %dx%d",
			                  i, l->out_h, l->out_w);
		/* The accumulator must not overflow int32 for any input. */
		double worst = (double)l->k * l->k * l->in_c * 127.0 * 128.0;
		for (int o = 0; o < l->out_c; o++) {
			if (worst + fabs((double)l->bias[o]) >= 2147483648.0)
				return rh_err_set(err, RH_E_FORMAT,
				                  "layer %d channel %d: bias %d can overflow the int32 accumulator", i,
				                  o, (int)l->bias[o]);
			if (!last && (l->mult[o] < RH_MULT_MIN || l->mult[o] > RH_MULT_MAX ||
			              l->shift[o] < RH_SHIFT_MIN || l->shift[o] > RH_SHIFT_MAX))
				return rh_err_set(err, RH_E_FORMAT,
				                  "layer %d channel %d: requantiser M=%d S=%d out of range "
				                  "(M %d..%d, S %d..%d)",
				                  i, o, (int)l->mult[o], (int)l->shift[o], RH_MULT_MIN, RH_MULT_MAX,
				                  RH_SHIFT_MIN, RH_SHIFT_MAX);
		}
		h = l->out_h;
		w = l->out_w;
		c = l->out_c;
	}
	if (m->n_classes != c || c < 2)
		return rh_err_set(err, RH_E_FORMAT, "model has %d classes but the last layer gives %d", m->n_classes,
		                  c);
	return 0;
}

int rh_model_encode(const struct rh_model *m, uint8_t **out, size_t *out_len, struct rh_err *err)
{
	int rc = rh_model_validate(m, err);
	if (rc)
		return rc;
	size_t len = HDR_SIZE + (size_t)m->n_layers * LAYER_SIZE + m->blob_size + 4;
	uint8_t *b = calloc(1, len);
	if (!b)
		return rh_err_set(err, RH_E_NOMEM, "cannot allocate %zu bytes", len);
	memcpy(b, RH_MODEL_MAGIC, 4);
	rh_put_u16(b + 4, RH_MODEL_VERSION);
	rh_put_u16(b + 6, HDR_SIZE);
	rh_put_u16(b + 8, (uint16_t)m->n_layers);
	rh_put_u16(b + 10, (uint16_t)m->in_h);
	rh_put_u16(b + 12, (uint16_t)m->in_w);
	rh_put_u16(b + 14, (uint16_t)m->in_c);
	rh_put_u16(b + 16, (uint16_t)m->n_classes);
	memcpy(b + 18, m->name, RH_NAME_LEN - 1);
	rh_put_u32(b + 34, m->train_seed);
	rh_put_u32(b + 38, m->train_epochs);
	rh_put_u32(b + 42, m->float_acc_ppm);
	rh_put_u32(b + 46, (uint32_t)m->blob_size);
	uint8_t *blob = b + HDR_SIZE + (size_t)m->n_layers * LAYER_SIZE;
	size_t off = 0;
	for (int i = 0; i < m->n_layers; i++) {
		const struct rh_layer *l = &m->layers[i];
		uint8_t *p = b + HDR_SIZE + (size_t)i * LAYER_SIZE;
		p[0] = (uint8_t)l->op;
		p[1] = (uint8_t)l->flags;
		p[2] = (uint8_t)l->k;
		p[3] = (uint8_t)l->stride;
		p[4] = (uint8_t)l->pad;
		rh_put_u16(p + 8, (uint16_t)l->in_h);
		rh_put_u16(p + 10, (uint16_t)l->in_w);
		rh_put_u16(p + 12, (uint16_t)l->in_c);
		rh_put_u16(p + 14, (uint16_t)l->out_h);
		rh_put_u16(p + 16, (uint16_t)l->out_w);
		rh_put_u16(p + 18, (uint16_t)l->out_c);
		size_t nw = rh_layer_weights(l);
		rh_put_u32(p + 20, (uint32_t)off);
		rh_put_u32(p + 24, (uint32_t)(off + align4(nw)));
		memcpy(blob + off, l->w, nw);
		off += align4(nw);
		for (int o = 0; o < l->out_c; o++) {
			rh_put_u32(blob + off + 4u * (size_t)o, (uint32_t)l->bias[o]);
			rh_put_u32(blob + off + 4u * (size_t)(l->out_c + o), (uint32_t)l->mult[o]);
			rh_put_u32(blob + off + 4u * (size_t)(2 * l->out_c + o), (uint32_t)l->shift[o]);
		}
		off += 12u * (size_t)l->out_c;
	}
	rh_put_u32(b + len - 4, (uint32_t)crc32(0L, b, (uInt)(len - 4)));
	*out = b;
	*out_len = len;
	return 0;
}

/* The header: checks, then the model's fields; *blob_size receives the weight data's size. */
static int decode_header(struct rh_model *m, const uint8_t *b, size_t len, size_t *blob_size, struct rh_err *err)
{
	if (len < HDR_SIZE + 4)
		return rh_err_set(err, RH_E_FORMAT, "file is %zu bytes, a model needs at least %d", len, HDR_SIZE + 4);
	if (memcmp(b, RH_MODEL_MAGIC, 4) != 0)
		return rh_err_set(err, RH_E_FORMAT,
		                  "bad magic %02x %02x %02x %02x (expected \"RMOD\"): not a rahil model", b[0], b[1],
		                  b[2], b[3]);
	unsigned version = rh_get_u16(b + 4);
	if (version > RH_MODEL_VERSION || version == 0)
		return rh_err_set(err, RH_E_VERSION, "model format version %u, this rahil reads version %d (or older)",
		                  version, RH_MODEL_VERSION);
	if (rh_get_u16(b + 6) != HDR_SIZE)
		return rh_err_set(err, RH_E_FORMAT, "header size %u, expected %d", rh_get_u16(b + 6), HDR_SIZE);
	uint32_t want = rh_get_u32(b + len - 4), got = (uint32_t)crc32(0L, b, (uInt)(len - 4));
	if (want != got)
		return rh_err_set(err, RH_E_CRC,
		                  "CRC-32 mismatch: file says %08x, contents give %08x (corrupt or truncated)",
		                  (unsigned)want, (unsigned)got);
	int n = (int)rh_get_u16(b + 8);
	if (n < 1 || n > RH_MAX_LAYERS)
		return rh_err_set(err, RH_E_FORMAT, "%d layers (expected 1..%d)", n, RH_MAX_LAYERS);
	*blob_size = rh_get_u32(b + 46);
	size_t want_len = HDR_SIZE + (size_t)n * LAYER_SIZE + *blob_size + 4;
	if (want_len != len)
		return rh_err_set(err, RH_E_FORMAT, "file is %zu bytes, its header describes %zu", len, want_len);
	m->n_layers = n;
	m->in_h = (int)rh_get_u16(b + 10);
	m->in_w = (int)rh_get_u16(b + 12);
	m->in_c = (int)rh_get_u16(b + 14);
	m->n_classes = (int)rh_get_u16(b + 16);
	memcpy(m->name, b + 18, RH_NAME_LEN - 1);
	m->name[RH_NAME_LEN - 1] = 0;
	m->train_seed = rh_get_u32(b + 34);
	m->train_epochs = rh_get_u32(b + 38);
	m->float_acc_ppm = rh_get_u32(b + 42);
	return 0;
}

/* The layer table: each layer's shape, chained to the previous output, and its place in the
 * weight data of blob_size bytes. */
static int decode_layers(struct rh_model *m, const uint8_t *b, size_t blob_size, struct rh_err *err)
{
	int h = m->in_h, w = m->in_w, c = m->in_c;
	size_t off = 0;
	for (int i = 0; i < m->n_layers; i++) {
		const uint8_t *p = b + HDR_SIZE + (size_t)i * LAYER_SIZE;
		struct rh_layer *l = &m->layers[i];
		l->op = (enum rh_op)p[0];
		l->flags = p[1];
		l->k = p[2];
		l->stride = p[3];
		l->pad = p[4];
		l->in_h = (int)rh_get_u16(p + 8);
		l->in_w = (int)rh_get_u16(p + 10);
		l->in_c = (int)rh_get_u16(p + 12);
		l->out_c = (int)rh_get_u16(p + 18);
		if (l->in_h != h || l->in_w != w || l->in_c != c)
			return rh_err_set(err, RH_E_FORMAT,
			                  "layer %d: input %dx%dx%d does not match the previous output %dx%dx%d", i,
			                  l->in_h, l->in_w, l->in_c, h, w, c);
		int rc = layer_shape(l, err, i);
		if (rc)
			return rc;
		if ((int)rh_get_u16(p + 14) != l->out_h || (int)rh_get_u16(p + 16) != l->out_w)
			return rh_err_set(err, RH_E_FORMAT, "layer %d: stored output %ux%u, shape gives %dx%d", i,
			                  rh_get_u16(p + 14), rh_get_u16(p + 16), l->out_h, l->out_w);
		if (rh_get_u32(p + 20) != off || rh_get_u32(p + 24) != off + align4(rh_layer_weights(l)))
			return rh_err_set(err, RH_E_FORMAT,
			                  "layer %d: weight offset %u / parameter offset %u, expected %zu / %zu", i,
			                  (unsigned)rh_get_u32(p + 20), (unsigned)rh_get_u32(p + 24), off,
			                  off + align4(rh_layer_weights(l)));
		off += layer_blob_size(l);
		if (off > blob_size)
			return rh_err_set(err, RH_E_FORMAT,
			                  "layer %d: weights run past the end of the data (%zu > %zu bytes)", i, off,
			                  blob_size);
		h = l->out_h;
		w = l->out_w;
		c = l->out_c;
	}
	if (off != blob_size)
		return rh_err_set(err, RH_E_FORMAT, "weight data is %zu bytes, the layers use %zu", blob_size, off);
	return 0;
}

/* The weight data, copied into the model's own blob and attached to its layers. */
static int decode_blob(struct rh_model *m, const uint8_t *b, size_t blob_size, struct rh_err *err)
{
	m->blob = malloc(blob_size ? blob_size : 1);
	if (!m->blob)
		return rh_err_set(err, RH_E_NOMEM, "cannot allocate %zu bytes of weights", blob_size);
	m->blob_size = blob_size;
	const uint8_t *src = b + HDR_SIZE + (size_t)m->n_layers * LAYER_SIZE;
	size_t off = 0;
	for (int i = 0; i < m->n_layers; i++) {
		struct rh_layer *l = &m->layers[i];
		size_t start = off;
		off += layer_attach(l, m->blob, off);
		size_t nw = rh_layer_weights(l);
		memcpy(l->w, src + start, nw);
		const uint8_t *q = src + start + align4(nw);
		for (int o = 0; o < l->out_c; o++) {
			l->bias[o] = (int32_t)rh_get_u32(q + 4u * (size_t)o);
			l->mult[o] = (int32_t)rh_get_u32(q + 4u * (size_t)(l->out_c + o));
			l->shift[o] = (int32_t)rh_get_u32(q + 4u * (size_t)(2 * l->out_c + o));
		}
	}
	return 0;
}

int rh_model_decode(struct rh_model *m, const uint8_t *b, size_t len, struct rh_err *err)
{
	size_t blob_size = 0;
	memset(m, 0, sizeof(*m));
	int rc = decode_header(m, b, len, &blob_size, err);
	if (!rc)
		rc = decode_layers(m, b, blob_size, err);
	if (!rc)
		rc = decode_blob(m, b, blob_size, err);
	if (rc)
		return rc;
	rc = rh_model_validate(m, err);
	if (rc)
		rh_model_free(m);
	return rc;
}

int rh_model_save(const struct rh_model *m, const char *path, struct rh_err *err)
{
	uint8_t *b;
	size_t len;
	int rc = rh_model_encode(m, &b, &len, err);
	if (rc)
		return rc;
	FILE *f = fopen(path, "wb");
	if (!f) {
		rc = rh_err_set(err, RH_E_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fwrite(b, 1, len, f) != len)
		rc = rh_err_set(err, RH_E_IO, "%s: write failed: %s", path, strerror(errno));
	if (fclose(f) != 0 && !rc)
		rc = rh_err_set(err, RH_E_IO, "%s: %s", path, strerror(errno));
out:
	free(b);
	return rc;
}

int rh_model_load(struct rh_model *m, const char *path, struct rh_err *err)
{
	int rc = 0;
	uint8_t *b = NULL;
	memset(m, 0, sizeof(*m));
	FILE *f = fopen(path, "rb");
	if (!f)
		return rh_err_set(err, RH_E_IO, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
		rc = rh_err_set(err, RH_E_IO, "%s: %s, not a model file", path,
		                S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
		goto out;
	}
	if (fseek(f, 0, SEEK_END) != 0) {
		rc = rh_err_set(err, RH_E_IO, "%s: cannot seek: %s", path, strerror(errno));
		goto out;
	}
	long size = ftell(f);
	if (size < 0 || size > (64L << 20)) {
		rc = rh_err_set(err, RH_E_FORMAT, "%s: size %ld bytes is not a model (limit 64 MiB)", path, size);
		goto out;
	}
	rewind(f);
	b = malloc((size_t)size + 1);
	if (!b) {
		rc = rh_err_set(err, RH_E_NOMEM, "%s: cannot allocate %ld bytes", path, size);
		goto out;
	}
	if (fread(b, 1, (size_t)size, f) != (size_t)size) {
		rc = rh_err_set(err, RH_E_IO, "%s: short read", path);
		goto out;
	}
	rc = rh_model_decode(m, b, (size_t)size, err);
	if (rc && err) {
		char tmp[sizeof(err->msg)];
		snprintf(tmp, sizeof(tmp), "%.200s: %.300s", path, err->msg);
		memcpy(err->msg, tmp, sizeof(tmp));
	}
out:
	free(b);
	fclose(f);
	return rc;
}

uint32_t rh_model_hash(const struct rh_model *m)
{
	int32_t dims[] = {m->in_h, m->in_w, m->in_c, m->n_classes, m->n_layers};
	uint32_t h = rh_fnv1a(RH_FNV1A_INIT, dims, sizeof(dims));
	for (int i = 0; i < m->n_layers; i++) {
		const struct rh_layer *l = &m->layers[i];
		int32_t s[] = {(int32_t)l->op, (int32_t)l->flags, l->k,     l->stride, l->pad,  l->in_h,
		               l->in_w,        l->in_c,           l->out_h, l->out_w,  l->out_c};
		h = rh_fnv1a(h, s, sizeof(s));
	}
	return rh_fnv1a(h, m->blob, m->blob_size);
}
