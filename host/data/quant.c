/* rahil: choosing requantiser parameters. */
#include "quant.h"

#include <math.h>

int rh_quant_multiplier(double r, int32_t *mult, int32_t *shift)
{
	if (!(r > 0.0) || !isfinite(r))
		return -1;
	/* r = f * 2^e with f in [0.5, 1): mult = round(f * 2^15) in [2^14, 2^15]. */
	int e;
	double f = frexp(r, &e);
	long m = lround(f * 32768.0);
	int s = 15 - e;
	if (m == 32768) {
		m = 16384;
		s--;
	}
	/* Too large a scale: shift would drop below 1. Too small: the product never
	 * reaches 2^(shift-1) for any int32 accumulator, so output is always 0. */
	while (s > RH_SHIFT_MAX && m > 1) {
		m = (m + 1) >> 1;
		s--;
	}
	if (s < RH_SHIFT_MIN || s > RH_SHIFT_MAX)
		return -1;
	*mult = (int32_t)m;
	*shift = s;
	return 0;
}

int8_t rh_quant_s8(float x, float s)
{
	float q = roundf(x / s);
	if (q > 127.0f)
		q = 127.0f;
	if (q < -127.0f)
		q = -127.0f;
	return (int8_t)q;
}
