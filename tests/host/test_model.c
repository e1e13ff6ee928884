/* rahil tests: the .rmod model file: round trip and every kind of corruption. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include "model.h"
#include "rng.h"

/* A small model touching every feature: strided padded conv with pooling, conv, fc. */
int t_small_model(struct rh_model *m, uint64_t seed);
int t_small_model(struct rh_model *m, uint64_t seed)
{
	const unsigned hid = RH_F_RELU | RH_F_REQUANT;
	struct rh_layer_spec s[3] = {
	    {RH_OP_CONV, hid | RH_F_POOL, 3, 1, 1, 4},
	    {RH_OP_CONV, RH_F_REQUANT, 2, 2, 0, 5},
	    {RH_OP_FC, 0, 0, 1, 0, 3},
	};
	struct rh_err e;
	if (rh_model_build(m, "small", 11, 10, 2, s, 3, &e))
		return -1;
	struct rh_rng r;
	rh_rng_seed(&r, seed);
	for (int i = 0; i < m->n_layers; i++) {
		struct rh_layer *l = &m->layers[i];
		for (size_t j = 0; j < rh_layer_weights(l); j++)
			l->w[j] = (int8_t)(rh_rng_next(&r) & 0xff);
		for (int o = 0; o < l->out_c; o++) {
			l->bias[o] = (int32_t)rh_rng_below(&r, 20001) - 10000;
			l->mult[o] = 16384 + (int32_t)rh_rng_below(&r, 16384);
			l->shift[o] = 8 + (int32_t)rh_rng_below(&r, 10);
		}
	}
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void recrc(uint8_t *b, size_t len)
{
	put32(b + len - 4, (uint32_t)crc32(0L, b, (uInt)(len - 4)));
}

static int same_model(const struct rh_model *a, const struct rh_model *b)
{
	if (a->n_layers != b->n_layers || a->n_classes != b->n_classes || strcmp(a->name, b->name) ||
	    a->blob_size != b->blob_size)
		return 0;
	for (int i = 0; i < a->n_layers; i++) {
		const struct rh_layer *x = &a->layers[i], *y = &b->layers[i];
		if (x->op != y->op || x->flags != y->flags || x->k != y->k || x->stride != y->stride ||
		    x->pad != y->pad || x->out_h != y->out_h || x->out_w != y->out_w || x->out_c != y->out_c)
			return 0;
		if (memcmp(x->w, y->w, rh_layer_weights(x)) || memcmp(x->bias, y->bias, 4u * (size_t)x->out_c) ||
		    memcmp(x->mult, y->mult, 4u * (size_t)x->out_c) ||
		    memcmp(x->shift, y->shift, 4u * (size_t)x->out_c))
			return 0;
	}
	return 1;
}

static int model_round_trip(struct test_ctx *t)
{
	struct rh_model a, b;
	struct rh_err e = {0, ""};
	char p[512];
	CHECK(t_small_model(&a, 42) == 0);
	CHECK(a.layers[0].out_h == 5 && a.layers[0].out_w == 5 && a.layers[1].out_h == 2 && a.n_classes == 3);
	snprintf(p, sizeof(p), "%s/rt.rmod", t->tmpdir);
	CHECKF(rh_model_save(&a, p, &e) == 0, "%s", e.msg);
	CHECKF(rh_model_load(&b, p, &e) == 0, "%s", e.msg);
	CHECK(same_model(&a, &b));
	rh_model_free(&b);
	/* Encoding is deterministic. */
	uint8_t *x, *y;
	size_t nx, ny;
	CHECK(rh_model_encode(&a, &x, &nx, &e) == 0);
	CHECK(rh_model_encode(&a, &y, &ny, &e) == 0);
	CHECK(nx == ny && memcmp(x, y, nx) == 0);
	free(x);
	free(y);
	rh_model_free(&a);
	return T_PASS;
}

/* Decode a mutated copy; expect code and a message containing needle. */
static int expect_bad(struct test_ctx *t, const uint8_t *b, size_t len, int code, const char *needle)
{
	struct rh_model m;
	struct rh_err e = {0, ""};
	int rc = rh_model_decode(&m, b, len, &e);
	CHECKF(rc == code, "decode gave %d (%s), expected %d (%s)", rc, e.msg, code, needle);
	CHECKF(strstr(e.msg, needle) != NULL, "message '%s' lacks '%s'", e.msg, needle);
	CHECK(m.blob == NULL);
	return T_PASS;
}

static int model_corrupt(struct test_ctx *t)
{
	struct rh_model a;
	struct rh_err e = {0, ""};
	uint8_t *good, *b;
	size_t n;
	int r = T_PASS;
	CHECK(t_small_model(&a, 7) == 0);
	CHECK(rh_model_encode(&a, &good, &n, &e) == 0);
	rh_model_free(&a);
	b = malloc(n);
	CHECK(b != NULL);
	const size_t L0 = 64, L1 = 96, L2 = 128, BLOB = 64 + 3 * 32;

#define CASE(mutate, code, needle)                                                                                     \
	do {                                                                                                           \
		memcpy(b, good, n);                                                                                    \
		mutate;                                                                                                \
		if ((r = expect_bad(t, b, n, code, needle)))                                                           \
			goto out;                                                                                      \
	} while (0)

	CASE(b[0] = 'X', RH_E_FORMAT, "bad magic");
	CASE(b[4] = 2, RH_E_VERSION, "version 2");
	CASE(b[BLOB + 5] ^= 0x10, RH_E_CRC, "CRC-32 mismatch");
	CASE(b[n - 1] ^= 1, RH_E_CRC, "CRC-32 mismatch");
	CASE((b[8] = 0, recrc(b, n)), RH_E_FORMAT, "0 layers");
	CASE((b[L0 + 0] = 3, recrc(b, n)), RH_E_FORMAT, "unknown operation");
	CASE((b[L0 + 1] |= 0x40, recrc(b, n)), RH_E_FORMAT, "unknown flags");
	CASE((b[L0 + 2] = 0, recrc(b, n)), RH_E_FORMAT, "impossible kernel");
	CASE((b[L0 + 2] = 40, recrc(b, n)), RH_E_FORMAT, "larger than padded input");
	CASE((b[L1 + 12] = 9, recrc(b, n)), RH_E_FORMAT, "does not match the previous output");
	CASE((b[L0 + 14] = 6, recrc(b, n)), RH_E_FORMAT, "stored output");
	CASE((b[L0 + 20] = 4, recrc(b, n)), RH_E_FORMAT, "weight offset");
	CASE((b[L2 + 1] = RH_F_REQUANT, recrc(b, n)), RH_E_FORMAT, "must output int32 logits");
	CASE((b[L1 + 1] = 0, recrc(b, n)), RH_E_FORMAT, "must requantise");
	CASE((b[L2 + 3] = 2, recrc(b, n)), RH_E_FORMAT, "fully connected layer needs");
	CASE((b[16] = 4, recrc(b, n)), RH_E_FORMAT, "classes");
	CASE((b[6] = 32, recrc(b, n)), RH_E_FORMAT, "header size");
	CASE((put32(b + 46, 8), recrc(b, n)), RH_E_FORMAT, "header describes");
	/* Requantiser and bias ranges, inside the blob: layer 0 has 4*3*3*2 = 72 weights. */
	CASE((put32(b + BLOB + 72 + 16, 40000), recrc(b, n)), RH_E_FORMAT, "out of range");
	CASE((put32(b + BLOB + 72 + 32, 0), recrc(b, n)), RH_E_FORMAT, "out of range");
	CASE((put32(b + BLOB + 72, 0x7fff0000), recrc(b, n)), RH_E_FORMAT, "overflow");
#undef CASE

	/* Truncation anywhere. */
	for (size_t cut = 0; cut < n; cut += 7) {
		struct rh_model m;
		int rc = rh_model_decode(&m, good, cut, &e);
		if (rc == 0 || m.blob) {
			r = t_fail(t, __FILE__, __LINE__, "a model truncated to %zu of %zu bytes was accepted", cut, n);
			goto out;
		}
	}
	/* A file that is not there, and an empty file. */
	{
		struct rh_model m;
		char p[512];
		snprintf(p, sizeof(p), "%s/none.rmod", t->tmpdir);
		if (rh_model_load(&m, p, &e) != RH_E_IO) {
			r = t_fail(t, __FILE__, __LINE__, "missing file: %s", e.msg);
			goto out;
		}
		if (t_write_file(p, "", 0) || rh_model_load(&m, p, &e) != RH_E_FORMAT || !strstr(e.msg, p)) {
			r = t_fail(t, __FILE__, __LINE__, "empty file: %s", e.msg);
			goto out;
		}
	}
out:
	free(b);
	free(good);
	return r;
}

static int model_committed(struct test_ctx *t)
{
	const char *names[2] = {"models/mlp.rmod", "models/cnn.rmod"};
	for (int i = 0; i < 2; i++) {
		struct rh_model m;
		struct rh_err e = {0, ""};
		CHECKF(rh_model_load(&m, names[i], &e) == 0, "%s", e.msg);
		CHECK(m.in_h == 28 && m.in_w == 28 && m.in_c == 1 && m.n_classes == 10);
		/* Fits the iCE40UP5K's 128 KiB of SPRAM with both activation buffers. */
		size_t total = rh_model_weight_bytes(&m) + 2 * rh_model_max_act_bytes(&m);
		CHECKF(total <= 128 * 1024, "%s needs %zu bytes", names[i], total);
		rh_model_free(&m);
	}
	return T_PASS;
}

const struct test_case model_tests[] = {
    {"model/round-trip", model_round_trip},
    {"model/corrupt", model_corrupt},
    {"model/committed", model_committed},
    {NULL, NULL},
};
