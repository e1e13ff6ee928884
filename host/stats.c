/* rahil: interval estimates. */
#include "stats.h"

#include <math.h>

void rh_wilson(long k, long n, double z, double *lo, double *hi)
{
	if (n <= 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	double p = (double)k / (double)n, z2 = z * z, d = 1 + z2 / (double)n;
	double c = (p + z2 / (2.0 * (double)n)) / d;
	double h = z * sqrt(p * (1 - p) / (double)n + z2 / (4.0 * (double)n * (double)n)) / d;
	*lo = c - h < 0 ? 0 : c - h;
	*hi = c + h > 1 ? 1 : c + h;
}
