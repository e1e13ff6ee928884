/* rahil tests: intervals are tested statistically: coverage over many seeds, bias against
 * an exhaustively known population. */
#include <math.h>

#include "error.h"
#include "harness.h"
#include "rng.h"
#include "stats.h"

/* Wilson's 95% interval covers the true p in about 95% of repetitions. */
static int stats_wilson_coverage(struct test_ctx *t)
{
	const double ps[] = {0.02, 0.3, 0.5, 0.9};
	const int ns[] = {40, 400};
	struct rh_rng r;
	rh_rng_seed(&r, 17);
	for (size_t a = 0; a < sizeof(ps) / sizeof(ps[0]); a++)
		for (size_t b = 0; b < 2; b++) {
			int reps = 4000, cover = 0;
			for (int k = 0; k < reps; k++) {
				long hits = 0;
				for (int i = 0; i < ns[b]; i++)
					hits += rh_rng_unif(&r) < ps[a];
				double lo, hi;
				rh_wilson(hits, ns[b], RH_Z95, &lo, &hi);
				cover += lo <= ps[a] && ps[a] <= hi;
			}
			/* 4000 repetitions: the observed coverage has a standard error of 0.35 points. */
			double c = (double)cover / reps;
			CHECKF(c > 0.925 && c < 0.985, "p %.2f n %d: coverage %.3f", ps[a], ns[b], c);
		}
	double lo, hi;
	rh_wilson(0, 10, RH_Z95, &lo, &hi);
	CHECK(lo == 0 && hi > 0.2 && hi < 0.35);
	return T_PASS;
}

/* Importance sampling over a small population whose mean is known exactly: the estimator
 * is unbiased (mean of many estimates within 4 standard errors of the truth) and its
 * interval covers the truth about 95% of the time. */
static int stats_is_unbiased_and_covers(struct test_ctx *t)
{
	enum { N = 200 };
	double P[N], y[N], q[N], cq[N], truth = 0, sp = 0, sq = 0;
	struct rh_rng r;
	rh_rng_seed(&r, 99);
	for (int i = 0; i < N; i++) {
		P[i] = 1 + (i % 7);               /* unequal probabilities */
		y[i] = (i % 13 == 0) ? 1.0 : 0.0; /* a rare event */
		q[i] = P[i] * (y[i] > 0 ? 5 : 1); /* a proposal that favours the events */
		sp += P[i];
		sq += q[i];
	}
	double run = 0;
	for (int i = 0; i < N; i++) {
		P[i] /= sp;
		q[i] /= sq;
		truth += P[i] * y[i];
		run += q[i];
		cq[i] = run;
	}
	int reps = 3000, cover = 0;
	double sum = 0, sum2 = 0;
	for (int k = 0; k < reps; k++) {
		struct rh_wmean m = {0};
		for (int s = 0; s < 100; s++) {
			double u = rh_rng_unif(&r) * cq[N - 1];
			int i = 0;
			while (i < N - 1 && cq[i] < u)
				i++;
			rh_wmean_add(&m, P[i] / q[i], y[i]);
		}
		double est = rh_wmean_mean(&m), h = rh_wmean_halfwidth(&m, RH_Z95);
		sum += est;
		sum2 += est * est;
		cover += fabs(est - truth) <= h;
		CHECK(rh_wmean_ess(&m) > 1 && rh_wmean_ess(&m) <= 100.0 + 1e-9);
	}
	double mean = sum / reps, se = sqrt((sum2 / reps - mean * mean) / reps);
	CHECKF(fabs(mean - truth) < 4 * se, "IS mean %.5f, truth %.5f, standard error %.5f", mean, truth, se);
	double c = (double)cover / reps;
	CHECKF(c > 0.92 && c < 0.98, "IS interval coverage %.3f", c);
	return T_PASS;
}

/* Tango's paired score interval against values computed independently: a short Python script
 * (standard library only, not kept in the tree) that maximises the restricted likelihood
 * numerically (bisection on its derivative, not the closed-form root used here) and bisects the
 * score to adjacent doubles; both agree to 1e-12. */
static int stats_paired_diff_reference(struct test_ctx *t)
{
	static const struct {
		long n, n10, n01;
		double lo, hi;
	} ref[] = {
	    {161, 6, 16, -0.124023432464, -0.005433395732}, {10, 0, 0, -0.277532799863, 0.277532799863},
	    {20, 1, 0, -0.119181415955, 0.236131193447},    {100, 3, 1, -0.028124043142, 0.076047883848},
	    {2000, 40, 3, 0.012762538142, 0.025762233695},  {5, 5, 0, 0.131035070434, 1},
	    {1, 0, 0, -0.793450685623, 0.793450685623},     {160, 40, 20, 0.030864533133, 0.218064244167},
	};
	for (size_t k = 0; k < sizeof(ref) / sizeof(ref[0]); k++) {
		double lo, hi;
		CHECK(rh_paired_diff_ci(ref[k].n, ref[k].n10, ref[k].n01, RH_Z95, &lo, &hi) == 0);
		CHECKF(fabs(lo - ref[k].lo) < 1e-9 && fabs(hi - ref[k].hi) < 1e-9,
		       "n %ld n10 %ld n01 %ld: %.12f..%.12f", ref[k].n, ref[k].n10, ref[k].n01, lo, hi);
	}
	/* Published: Cavo et al. (2012), 161 pairs, discordant 6 and 16: the contingencytables R
	 * package, companion to Fagerland, Lydersen and Laake's Statistical Analysis of Contingency
	 * Tables (chapter 8), gives -0.1240 to -0.0054. */
	double lo, hi;
	rh_paired_diff_ci(161, 6, 16, RH_Z95, &lo, &hi);
	CHECKF(fabs(lo + 0.1240) < 5e-5 && fabs(hi + 0.0054) < 5e-5, "%.5f..%.5f", lo, hi);
	/* No discordant pair: the restricted estimate of the other cell is 0, the score is
	 * -sqrt(n d / (1 - d)) and the bounds are -+ z^2 / (n + z^2) in closed form. */
	const long ns[] = {1, 10, 1000, 1000000000000L};
	for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		double z2 = RH_Z95 * RH_Z95, b = z2 / ((double)ns[k] + z2);
		rh_paired_diff_ci(ns[k], 0, 0, RH_Z95, &lo, &hi);
		CHECKF(fabs(hi - b) < 1e-12 * b && fabs(lo + b) < 1e-12 * b, "n %ld: %g..%g, expected -+%g", ns[k], lo,
		       hi, b);
	}
	/* No pairs: nothing is known. Impossible counts: an error, and still a usable interval. */
	CHECK(rh_paired_diff_ci(0, 0, 0, RH_Z95, &lo, &hi) == 0 && lo == -1 && hi == 1);
	const long bad[][3] = {{10, 6, 5}, {-1, 0, 0}, {10, -1, 0}, {10, 0, -1}, {10, 11, 0}};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		lo = hi = 0;
		CHECK(rh_paired_diff_ci(bad[k][0], bad[k][1], bad[k][2], RH_Z95, &lo, &hi) == RH_E_INVAL);
		CHECK(lo == -1 && hi == 1);
	}
	CHECK(rh_paired_diff_ci(10, 1, 0, 0, &lo, &hi) == RH_E_INVAL);
	CHECK(rh_paired_diff_ci(10, 1, 0, NAN, &lo, &hi) == RH_E_INVAL);
	CHECK(rh_paired_diff_ci(10, 1, 0, INFINITY, &lo, &hi) == RH_E_INVAL);
	return T_PASS;
}

/* Over a sweep of tables: -1 <= lo <= estimate <= hi <= 1, never zero width, the estimate
 * strictly inside unless it is -1 or 1, mirror symmetry (swapping n10 and n01 negates the
 * interval), a wider interval at a larger z, and the same bits on a second call. The plain
 * normal interval collapses where this one must not: 10 pairs, no failure. */
static int stats_paired_diff_properties(struct test_ctx *t)
{
	const long ns[] = {1, 2, 3, 5, 10, 20, 57, 100, 1000, 100000};
	for (size_t a = 0; a < sizeof(ns) / sizeof(ns[0]); a++) {
		long n = ns[a], step = n / 25 + 1;
		for (long n10 = 0; n10 <= n; n10 += n10 < 3 || n10 + 3 > n ? 1 : step)
			for (long n01 = 0; n01 <= n - n10; n01 += n01 < 3 || n10 + n01 + 3 > n ? 1 : step) {
				double lo, hi, lo2, hi2, mlo, mhi, wlo, whi;
				double est = (double)(n10 - n01) / (double)n;
				CHECK(rh_paired_diff_ci(n, n10, n01, RH_Z95, &lo, &hi) == 0);
				CHECKF(-1 <= lo && lo <= est && est <= hi && hi <= 1 && lo < hi,
				       "n %ld n10 %ld n01 %ld: %.17g..%.17g", n, n10, n01, lo, hi);
				CHECKF((lo < est || est == -1) && (hi > est || est == 1),
				       "n %ld n10 %ld n01 %ld: %.17g..%.17g", n, n10, n01, lo, hi);
				rh_paired_diff_ci(n, n10, n01, RH_Z95, &lo2, &hi2);
				CHECK(lo2 == lo && hi2 == hi);
				rh_paired_diff_ci(n, n01, n10, RH_Z95, &mlo, &mhi);
				CHECKF(fabs(mlo + hi) < 1e-12 && fabs(mhi + lo) < 1e-12,
				       "n %ld n10 %ld n01 %ld: %.17g..%.17g, mirrored %.17g..%.17g", n, n10, n01, lo,
				       hi, mlo, mhi);
				rh_paired_diff_ci(n, n10, n01, 2.576, &wlo, &whi);
				CHECKF(wlo <= lo && whi >= hi, "n %ld n10 %ld n01 %ld: 99%% %g..%g inside 95%% %g..%g",
				       n, n10, n01, wlo, whi, lo, hi);
			}
	}
	struct rh_wmean m = {0};
	for (int i = 0; i < 10; i++)
		rh_wmean_add(&m, 1, 0);
	double lo, hi;
	rh_paired_diff_ci(10, 0, 0, RH_Z95, &lo, &hi);
	CHECK(rh_wmean_halfwidth(&m, RH_Z95) == 0 && hi - lo > 0.5);
	return T_PASS;
}

/* The 95% paired interval's coverage over 10,000 simulated campaigns at rare failure rates.
 * `exact` is the coverage computed once, with a Python script as above, by summing the trinomial
 * probability of every (n10, n01) whose interval holds p10 - p01 (10,000 campaigns give a
 * standard error of 0.2 points at 95%); m = n (p10 + p01) is the expected number of discordant
 * pairs. Bands:
 * - at least 0.92 everywhere (the exact minimum is 0.931, at m = 4 to 6);
 * - at most 0.975 once m >= 5, and within [0.935, 0.965] once m >= 20: with fewer discordant
 *   pairs the interval is conservative by necessity (at m near 1 most campaigns see 0 or 1
 *   failure and the exact coverage is 0.996 to 1), not by a fault of the method;
 * - within 4 standard errors (plus 0.001) of the exact coverage, which checks this code
 *   against the enumeration. */
static int stats_paired_diff_coverage(struct test_ctx *t)
{
	const double p10s[] = {0.002, 0.01, 0.05}, p01s[] = {0, 0.001, 0.01};
	const int ns[] = {20, 100, 500, 2000};
	/* exact[p10][p01][n], in the order of the lists above */
	static const double exact[3][3][4] = {
	    {{1.0000, 1.0000, 0.9964, 0.9308}, {1.0000, 0.9999, 0.9971, 0.9469}, {1.0000, 0.9971, 0.9318, 0.9486}},
	    {{1.0000, 0.9966, 0.9623, 0.9455}, {1.0000, 0.9968, 0.9477, 0.9526}, {0.9999, 0.9860, 0.9566, 0.9506}},
	    {{0.9997, 0.9659, 0.9499, 0.9548}, {0.9997, 0.9652, 0.9441, 0.9508}, {0.9974, 0.9332, 0.9500, 0.9500}},
	};
	enum { REPS = 10000 };
	struct rh_rng r;
	rh_rng_seed(&r, 2998);
	for (int a = 0; a < 3; a++)
		for (int b = 0; b < 3; b++)
			for (int c = 0; c < 4; c++) {
				double p10 = p10s[a], p01 = p01s[b], diff = p10 - p01, m = ns[c] * (p10 + p01);
				int cover = 0;
				for (int k = 0; k < REPS; k++) {
					long n10 = 0, n01 = 0;
					for (int i = 0; i < ns[c]; i++) {
						double u = rh_rng_unif(&r);
						n10 += u < p10;
						n01 += u >= p10 && u < p10 + p01;
					}
					double lo, hi;
					rh_paired_diff_ci(ns[c], n10, n01, RH_Z95, &lo, &hi);
					cover += lo <= diff && diff <= hi;
				}
				double cv = (double)cover / REPS, e = exact[a][b][c];
				double se = sqrt(e * (1 - e) / REPS);
				CHECKF(cv >= 0.92, "p10 %g p01 %g n %d: coverage %.4f", p10, p01, ns[c], cv);
				CHECKF(m < 5 || cv <= 0.975, "p10 %g p01 %g n %d: coverage %.4f", p10, p01, ns[c], cv);
				CHECKF(m < 20 || (cv >= 0.935 && cv <= 0.965), "p10 %g p01 %g n %d: coverage %.4f", p10,
				       p01, ns[c], cv);
				CHECKF(fabs(cv - e) <= 4 * se + 0.001, "p10 %g p01 %g n %d: coverage %.4f, exact %.4f",
				       p10, p01, ns[c], cv, e);
			}
	return T_PASS;
}

static int stats_sample_size(struct test_ctx *t)
{
	/* Infinite population, p = 0.5, e = 1%: (1.96 / 0.01)^2 / 4 = 9604. */
	CHECKF(fabs(rh_sample_size(0, 0.5, 0.01, 1.96) - 9604) < 1e-6, "%f", rh_sample_size(0, 0.5, 0.01, 1.96));
	/* A finite population needs fewer, never more than the population. */
	double n = rh_sample_size(10000, 0.5, 0.01, 1.96);
	CHECKF(n > 4898 && n < 4900, "%f", n);
	CHECK(rh_sample_size(100, 0.5, 0.0001, 1.96) <= 100);
	struct rh_wmean m = {0};
	CHECK(isinf(rh_wmean_halfwidth(&m, RH_Z95)));
	return T_PASS;
}

const struct test_case stats_tests[] = {
    {"stats/wilson-coverage", stats_wilson_coverage},
    {"stats/is-unbiased-and-covers", stats_is_unbiased_and_covers},
    {"stats/sample-size", stats_sample_size},
    {"stats/paired-diff-reference", stats_paired_diff_reference},
    {"stats/paired-diff-properties", stats_paired_diff_properties},
    {"stats/paired-diff-coverage", stats_paired_diff_coverage},
    {NULL, NULL},
};
