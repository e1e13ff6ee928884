/* rahil: interval estimates and sample-size planning (docs/fault-model.md derives them). */
#ifndef RAHIL_STATS_H
#define RAHIL_STATS_H

/* Normal quantile for a two-sided 95% interval. */
#define RH_Z95 1.959963984540054

/* Wilson score interval for k successes in n trials at normal quantile z. */
void rh_wilson(long k, long n, double z, double *lo, double *hi);

/* Tango's score interval (1998) at normal quantile z for the difference p10 - p01 of paired
 * proportions, from n pairs of which n10 are (1, 0) and n01 are (0, 1); for a campaign the drop
 * SA - RA, with n10 = golden correct and faulty wrong, n01 = golden wrong and faulty correct.
 * Built for rare discordant pairs: -1 <= lo <= (n10 - n01) / n <= hi <= 1, and lo < hi even when
 * no pair is discordant. Returns 0, or RH_E_INVAL with [-1, 1] for counts that cannot happen
 * (negative, n10 + n01 > n) or a z that is not a positive finite number; n = 0 gives [-1, 1]
 * and 0. */
int rh_paired_diff_ci(long n, long n10, long n01, double z, double *lo, double *hi);

/* Running importance-sampling estimate of a mean: each sample contributes w * y, where
 * w = P(x) / q(x) for a sample x drawn from the proposal q. With w = 1 it is the plain
 * sample mean. The estimate sum(w y) / n is unbiased; its interval is the normal interval
 * from the sample variance of w y. */
struct rh_wmean {
	long n;
	double s_wy, s_wy2; /* sums of w*y and (w*y)^2 */
	double s_w, s_w2;   /* sums of w and w^2, for the effective sample size */
};

void rh_wmean_add(struct rh_wmean *m, double w, double y);
void rh_wmean_merge(struct rh_wmean *into, const struct rh_wmean *from);
double rh_wmean_mean(const struct rh_wmean *m);
/* Half-width of the two-sided interval at quantile z (infinite with fewer than 2 samples). */
double rh_wmean_halfwidth(const struct rh_wmean *m, double z);
/* Kish's effective sample size (sum w)^2 / sum w^2. */
double rh_wmean_ess(const struct rh_wmean *m);

/* Samples needed for a proportion near p to be within +-e at quantile t, drawing without
 * replacement from N cells (Leveugle et al., DATE 2009); p = 0.5 is the conservative choice.
 * N <= 0 means an infinite population. */
double rh_sample_size(double N, double p, double e, double t);

#endif
