/* rahil: a monotonic clock for rates, progress lines and timeouts. */
#ifndef RAHIL_CLOCK_H
#define RAHIL_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline double rh_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int64_t rh_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
