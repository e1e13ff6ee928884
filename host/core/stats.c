/* rahil: interval estimates and sample-size planning. */
#include "stats.h"

#include <math.h>

#include "error.h"

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
	/* at k = 0 and k = n the bound is 0 and 1 exactly (c - h and c + h round a few ulps off) */
	*lo = k <= 0 || c - h < 0 ? 0 : c - h;
	*hi = k >= n || c + h > 1 ? 1 : c + h;
}

/* Restricted maximum-likelihood estimate of p01 when p10 - p01 = d is held fixed: the larger
 * root of 2n q^2 + b q + c = 0 (Tango 1998; docs/fault-model.md derives it), which is the
 * feasible one, max(0, -d) <= q <= (1 - d) / 2. */
static double paired_p01_mle(double n, double n10, double n01, double d)
{
	double a = 2 * n, b = (2 * n - n10 + n01) * d - n10 - n01, c = -n01 * d * (1 - d);
	double disc = b * b - 4 * a * c, s = sqrt(disc > 0 ? disc : 0);
	/* (s - b) / 2a cancels when b > 0; -2c / (b + s) is the same root without cancelling. */
	double q = b > 0 ? -2 * c / (b + s) : (s - b) / (2 * a);
	double q_min = d < 0 ? -d : 0, q_max = (1 - d) / 2;
	return q < q_min ? q_min : q > q_max ? q_max : q;
}

/* Tango's score statistic for the null p10 - p01 = d: the observed difference minus its null
 * mean, over its null standard deviation with p01 at its restricted estimate. It falls from
 * +infinity at d = -1 through 0 at d = (n10 - n01) / n to -infinity at d = 1. */
static double paired_score(double n, double n10, double n01, double d)
{
	double num = n10 - n01 - n * d;
	double var = n * (2 * paired_p01_mle(n, n10, n01, d) + d * (1 - d));
	if (num == 0)
		return 0; /* also 0/0 at d = 0 with no discordant pair: d is the estimate itself */
	if (var <= 0)
		return num > 0 ? INFINITY : -INFINITY;
	return num / sqrt(var);
}

/* One bound: the d between `in` (the estimate, inside the interval) and `out` (-1 or 1) where
 * the score leaves [-z, z], by bisection down to adjacent doubles. Bisection needs no
 * derivative and cannot step out of [-1, 1]; returning the end outside the interval means
 * rounding widens the interval, never narrows it. */
static double paired_bound(double n, double n10, double n01, double z, double in, double out)
{
	double sign = out < in ? 1 : -1; /* the score is above z below the interval, below -z above it */
	for (;;) {
		double mid = in + (out - in) / 2;
		if (mid == in || mid == out)
			return out;
		if (sign * paired_score(n, n10, n01, mid) > z)
			out = mid;
		else
			in = mid;
	}
}

int rh_paired_diff_ci(long n, long n10, long n01, double z, double *lo, double *hi)
{
	*lo = -1;
	*hi = 1;
	if (n < 0 || n10 < 0 || n01 < 0 || n10 > n - n01 || !(z > 0) || isinf(z))
		return RH_E_INVAL;
	if (n == 0)
		return 0;
	double dn = (double)n, d10 = (double)n10, d01 = (double)n01, est = (d10 - d01) / dn;
	*lo = paired_bound(dn, d10, d01, z, est, -1);
	*hi = paired_bound(dn, d10, d01, z, est, 1);
	return 0;
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
