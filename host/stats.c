/* rahil: interval estimates and sample-size planning. */
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

void rh_wmean_add(struct rh_wmean *m, double w, double y)
{
	m->n++;
	m->s_wy += w * y;
	m->s_wy2 += w * y * w * y;
	m->s_w += w;
	m->s_w2 += w * w;
}

void rh_wmean_merge(struct rh_wmean *into, const struct rh_wmean *from)
{
	into->n += from->n;
	into->s_wy += from->s_wy;
	into->s_wy2 += from->s_wy2;
	into->s_w += from->s_w;
	into->s_w2 += from->s_w2;
}

double rh_wmean_mean(const struct rh_wmean *m)
{
	return m->n ? m->s_wy / (double)m->n : 0;
}

double rh_wmean_halfwidth(const struct rh_wmean *m, double z)
{
	if (m->n < 2)
		return INFINITY;
	double n = (double)m->n, mean = m->s_wy / n;
	double var = (m->s_wy2 - n * mean * mean) / (n - 1);
	return z * sqrt(var > 0 ? var / n : 0);
}

double rh_wmean_ess(const struct rh_wmean *m)
{
	return m->s_w2 > 0 ? m->s_w * m->s_w / m->s_w2 : 0;
}

double rh_sample_size(double N, double p, double e, double t)
{
	double v = t * t * p * (1 - p);
	if (N <= 0)
		return v / (e * e);
	return N * v / (e * e * (N - 1) + v);
}
