/* rahil: interval estimates. */
#ifndef RAHIL_STATS_H
#define RAHIL_STATS_H

/* Wilson score interval for k successes in n trials at normal quantile z (1.96 for 95%). */
void rh_wilson(long k, long n, double z, double *lo, double *hi);

#endif
