/* rahil: outcome classification (host/campaign/outcome.h). */
#include "outcome.h"

#include <string.h>

const char *rh_outcome_name(enum rh_outcome o)
{
	static const char *const names[RH_OUT_COUNT] = {"masked", "benign", "sdc", "hang", "crash"};
	return o >= 0 && o < RH_OUT_COUNT ? names[o] : "?";
}

enum rh_outcome rh_outcome_classify(const struct rh_result *r, int golden_cls, const int32_t *golden_logits, int n)
{
	if (r->end == RH_RUN_HANG)
		return RH_OUT_HANG;
	if (r->end != RH_RUN_DONE)
		return RH_OUT_CRASH;
	if (!memcmp(r->logits, golden_logits, sizeof(int32_t) * (size_t)n))
		return RH_OUT_MASKED;
	return r->cls == golden_cls ? RH_OUT_BENIGN : RH_OUT_SDC;
}

int rh_outcome_correct(enum rh_outcome o, int cls, int label)
{
	return o != RH_OUT_HANG && o != RH_OUT_CRASH && cls == label;
}
