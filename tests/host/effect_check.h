/* rahil tests: the software fault-effect model (host/predict/effect.h) against the verilated
 * core on live datapath cells (shared by rahil-tests and rahil-effect-check). */
#ifndef RAHIL_EFFECT_CHECK_H
#define RAHIL_EFFECT_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The registers drawn from, in this order: PE act, PE wgt, PE acc, row skew, column skew (census
 * groups), the drain's stage-2 sum and stage-3 product, the argmax's best value and index. */
#define EFFECT_CHECK_GROUPS 9
extern const char *const effect_check_group_names[EFFECT_CHECK_GROUPS];

struct effect_check {
	long cells;   /* live cells compared */
	long equal;   /* of those, the software result equal to the RTL's (end, class, logits, cycles) */
	long changed; /* of those, the RTL's result (logits or class) differs from the golden one */
	long sdc;     /* of those, the class changed */
	long cells_by_group[EFFECT_CHECK_GROUPS], changed_by_group[EFFECT_CHECK_GROUPS];
	double sw_s, rtl_s;  /* seconds in the software model and in the RTL runs */
	char first_bad[200]; /* the first cell whose results differ: "NAME:INDEX at cycle T" */
};

/* Open MODEL on BACKEND (sim or sim:ice40), take test image `image`, draw n live cells of those
 * registers (the groups in turn, bit and cycle uniform within, kept when the census
 * calls them live) with seed, and compare the software model's result on each with the RTL's
 * from rh_backend_run_faults. Cells whose results differ are listed on `list` (NULL: not listed).
 * Returns 0, or -1 with a message in why. */
int effect_check_run(const char *model, const char *backend, int image, long n, uint64_t seed, FILE *list,
                     struct effect_check *out, char *why, size_t why_len);

#endif
