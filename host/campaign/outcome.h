/* rahil: the outcome of one injected run, against the golden run of the same input. */
#ifndef RAHIL_OUTCOME_H
#define RAHIL_OUTCOME_H

#include <stdint.h>

#include "run.h"

enum rh_outcome {
	RH_OUT_MASKED = 0, /* logits identical to the golden run's */
	RH_OUT_BENIGN = 1, /* logits differ, class unchanged */
	RH_OUT_SDC = 2,    /* class changed (silent data corruption) */
	RH_OUT_HANG = 3,   /* the watchdog ended the run (detected; never correct) */
	RH_OUT_CRASH = 4,  /* the run finished without writing all its logits (detected; never correct) */
	RH_OUT_COUNT
};

/* "masked", "benign", "sdc", "hang", "crash". */
const char *rh_outcome_name(enum rh_outcome o);
/* A run's outcome from what it returned (how it ended, class and logits) against the golden
 * class and logits (n of them). */
enum rh_outcome rh_outcome_classify(const struct rh_result *r, int golden_cls, const int32_t *golden_logits, int n);
/* Whether a run with this outcome and returned class counts as correct for the label: a hang
 * or a crash never does. */
int rh_outcome_correct(enum rh_outcome o, int cls, int label);

#endif
