/* rahil tests: intervals are tested statistically: coverage over many seeds, bias against
 * an exhaustively known population. */
#include <math.h>

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
    {NULL, NULL},
};
