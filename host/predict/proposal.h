/* rahil: importance-sampling proposals over strata of a fault space (docs/fault-model.md,
 * section 9). The fault space is cut into strata s with known shares P(s) of the target
 * distribution, inside each of which a sample is drawn as the target draws it; the proposal is
 * the defensive mixture q(s) = a P(s) + (1 - a) P(s) g(s) / sum_t P(t) g(t) of the target and
 * the target reweighted by a score g >= 0, and a sample of stratum s weighs P(s) / q(s). */
#ifndef RAHIL_PROPOSAL_H
#define RAHIL_PROPOSAL_H

#include "error.h"
#include "rng.h"

struct rh_proposal {
	int n;
	double *target; /* P(s), summing to 1 */
	double *q;      /* the proposal, summing to 1 */
	double *cum;    /* cumulative q, for drawing */
};

/* n strata with target shares `share` (>= 0, not all 0; normalised here); q starts as the
 * target. 0 or RH_E_NOMEM / RH_E_INVAL. */
int rh_proposal_init(struct rh_proposal *p, int n, const double *share, struct rh_err *err);
void rh_proposal_free(struct rh_proposal *p);
/* The defensive mixture with weight a in (0, 1] on the target and score g (n values >= 0);
 * where sum P g is 0 the proposal stays the target. */
void rh_proposal_mix(struct rh_proposal *p, const double *g, double a);
/* A stratum drawn from q. */
int rh_proposal_draw(const struct rh_proposal *p, struct rh_rng *r);
/* The weight P(s) / q(s) of a sample of stratum s (0 for a stratum the target never draws). */
double rh_proposal_weight(const struct rh_proposal *p, int s);

#endif
