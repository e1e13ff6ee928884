/* rahil tests: the census's independent check on the verilated core: cells the exact model calls
 * dead must leave the run's result exactly the golden one (shared by rahil-tests and rahil-bench). */
#ifndef RAHIL_SITES_CHECK_H
#define RAHIL_SITES_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct sites_check {
	long dead, dead_masked; /* dead cells injected, and of those with the golden result */
	long live, live_masked; /* live cells injected (for information: live need not mean unmasked) */
	long dead_by_class[4];
	long draws;          /* cells drawn to find them */
	char first_bad[160]; /* the first dead cell whose run differed: "NAME:INDEX at cycle T" */
};

/* Open MODEL on BACKEND, add test image `image` to a census and inject n_dead cells the census calls
 * dead and n_live it calls live, drawn with seed: a third each uniformly over all cells, over the
 * array's and over the controller's. Returns 0, or -1 with a message in why. */
int sites_check_run(const char *model, const char *backend, int image, long n_dead, long n_live, uint64_t seed,
                    struct sites_check *out, char *why, size_t why_len);

#endif
