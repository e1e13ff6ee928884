/* rahil tests: the requantisation arithmetic of docs/quantisation.md. */
#include <math.h>
#include <stdint.h>

#include "harness.h"
#include "quant.h"
#include "rng.h"

/* The definition, computed another way: floor((acc*M + 2^(S-1)) / 2^S) with 128-bit
 * floor division, then clamping. */
static int requant_def(int32_t acc, int32_t m, int32_t s, int relu)
{
	__int128 p = (__int128)acc * m + ((__int128)1 << (s - 1));
	__int128 d = (__int128)1 << s;
	__int128 q = p / d;
	if (p % d != 0 && p < 0)
		q -= 1;
	int lo = relu ? 0 : -128;
	if (q < lo)
		return lo;
	if (q > 127)
		return 127;
	return (int)q;
}

static int quant_requant_examples(struct test_ctx *t)
{
	/* The examples of docs/quantisation.md: M = 16384, S = 15 multiplies by 0.5. */
	CHECK(rh_requant(5, 16384, 15, 0) == 3);
	CHECK(rh_requant(-5, 16384, 15, 0) == -2);
	CHECK(rh_requant(-6, 16384, 15, 0) == -3);
	CHECK(rh_requant(-7, 16384, 15, 0) == -3);
	CHECK(rh_requant(300, 16384, 15, 0) == 127);
	CHECK(rh_requant(-300, 16384, 15, 0) == -128);
	CHECK(rh_requant(-300, 16384, 15, 1) == 0);
	CHECK(rh_requant(-1, 16384, 15, 1) == 0);
	CHECK(rh_requant(254, 16384, 15, 0) == 127);
	CHECK(rh_requant(256, 16384, 15, 0) == 127);
	CHECK(rh_requant(-256, 16384, 15, 0) == -128);
	CHECK(rh_requant(-258, 16384, 15, 0) == -128);
	/* Extremes of the accumulator, multiplier and shift. */
	CHECK(rh_requant(INT32_MAX, RH_MULT_MAX, RH_SHIFT_MAX, 0) == 1);
	CHECK(rh_requant(INT32_MIN, RH_MULT_MAX, RH_SHIFT_MAX, 0) == -1);
	CHECK(rh_requant(INT32_MIN, RH_MULT_MAX, 1, 0) == -128);
	CHECK(rh_requant(INT32_MAX, RH_MULT_MAX, 1, 1) == 127);
	CHECK(rh_requant(1, 1, 1, 0) == 1);  /* 0.5 rounds up */
	CHECK(rh_requant(-1, 1, 1, 0) == 0); /* -0.5 rounds up to 0 */
	return T_PASS;
}

static int quant_requant_random(struct test_ctx *t)
{
	struct rh_rng r;
	rh_rng_seed(&r, 3);
	for (int i = 0; i < 2000000; i++) {
		int32_t acc = (int32_t)(uint32_t)rh_rng_next(&r);
		if (i & 1)
			acc >>= (int)rh_rng_below(&r, 31);
		int32_t m = RH_MULT_MIN + (int32_t)rh_rng_below(&r, RH_MULT_MAX);
		int32_t s = RH_SHIFT_MIN + (int32_t)rh_rng_below(&r, RH_SHIFT_MAX);
		int relu = (int)(rh_rng_next(&r) & 1);
		int got = rh_requant(acc, m, s, relu), want = requant_def(acc, m, s, relu);
		CHECKF(got == want, "requant(%d, %d, %d, relu %d) = %d, definition gives %d", (int)acc, (int)m, (int)s,
		       relu, got, want);
	}
	for (int64_t v = -70000; v <= 70000; v += 7)
		for (int s = 1; s < 20; s++) {
			int64_t want = (int64_t)floor((double)v / (double)(1 << s));
			CHECKF(rh_asr64(v, s) == want, "asr(%lld, %d)", (long long)v, s);
		}
	return T_PASS;
}

static int quant_multiplier(struct test_ctx *t)
{
	int32_t m, s;
	double rs[] = {1e-9, 3.3e-6, 1.0 / 3, 0.5, 0.99999, 1.0, 1.5, 7.25, 1e3};
	for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++) {
		double r = rs[i];
		CHECKF(rh_quant_multiplier(r, &m, &s) == 0, "r = %g rejected", r);
		CHECK(m >= RH_MULT_MIN && m <= RH_MULT_MAX && s >= RH_SHIFT_MIN && s <= RH_SHIFT_MAX);
		double got = m / pow(2, s);
		if (r > 1e-8) {
			CHECK(m >= 16384);
			CHECKF(fabs(got - r) <= r * pow(2, -15), "r %g -> M %d S %d = %g", r, (int)m, (int)s, got);
		}
	}
	CHECK(rh_quant_multiplier(0, &m, &s) != 0);
	CHECK(rh_quant_multiplier(-1, &m, &s) != 0);
	CHECK(rh_quant_multiplier(1e10, &m, &s) != 0);
	CHECK(rh_quant_s8(1.0f, 0.01f) == 100);
	CHECK(rh_quant_s8(-2.0f, 0.01f) == -127);
	CHECK(rh_quant_s8(0.004f, 0.01f) == 0);
	CHECK(rh_quant_pixel(255) == 127 && rh_quant_pixel(0) == 0 && rh_quant_pixel(3) == 1);
	return T_PASS;
}

const struct test_case quant_tests[] = {
    {"quant/requant-examples", quant_requant_examples},
    {"quant/requant-random", quant_requant_random},
    {"quant/multiplier", quant_multiplier},
    {NULL, NULL},
};
