/* rahil: the integer arithmetic shared by the reference model and the accelerator. */
#ifndef RAHIL_QUANT_H
#define RAHIL_QUANT_H

#include <stdint.h>

/* Requantiser parameter ranges (docs/quantisation.md). The multiplier is stored as int32 but
 * is limited to 15 bits so the accelerator needs a 32 x 16 multiplier, not 32 x 32. */
#define RH_MULT_MIN  1
#define RH_MULT_MAX  32767
#define RH_SHIFT_MIN 1
#define RH_SHIFT_MAX 46

/* Input pixels (0..255) enter the network as q = pixel >> 1, i.e. 0..127 at scale 1/127. */
static inline int8_t rh_quant_pixel(uint8_t pixel)
{
	return (int8_t)(pixel >> 1);
}

/* Arithmetic (sign-extending) right shift, spelled out so it does not rest on the
 * implementation-defined behaviour of >> on negative values. */
static inline int64_t rh_asr64(int64_t v, int s)
{
	return v >= 0 ? v >> s : -(((-(v + 1)) >> s)) - 1;
}

/* y = clamp((acc * mult + 2^(shift-1)) >> shift, lo, 127), lo = 0 with ReLU, else -128.
 * The shift is arithmetic, so halves round towards +infinity. */
static inline int8_t rh_requant(int32_t acc, int32_t mult, int32_t shift, int relu)
{
	int64_t p = (int64_t)acc * mult + ((int64_t)1 << (shift - 1));
	int64_t y = rh_asr64(p, shift);
	int64_t lo = relu ? 0 : -128;
	if (y < lo)
		y = lo;
	if (y > 127)
		y = 127;
	return (int8_t)y;
}

/* Choose (mult, shift) with mult * 2^-shift as close as the ranges allow to a real scale
 * factor r > 0. Returns 0, or -1 when r is out of range. */
int rh_quant_multiplier(double r, int32_t *mult, int32_t *shift);

/* Symmetric int8 quantisation of one value at scale s: clamp(round(x / s), -127, 127). */
int8_t rh_quant_s8(float x, float s);

#endif
