/* rahil: a monotonic clock for rates and progress lines. */
#ifndef RAHIL_CLOCK_H
#define RAHIL_CLOCK_H

#include <time.h>

static inline double rh_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
