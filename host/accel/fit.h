/* rahil: raw FIT rates per flip-flop class, the weights of the physical distribution P
 * (docs/fault-model.md, section 2): a fault strikes a bit of class c in proportion to its
 * class's rate, uniformly over the cycles and the evaluation images. Equal rates (the default)
 * make P uniform over the chain; hardened control flip-flops at a third are
 * control=0.333 (the study's 200 against 600 FIT/MB). */
#ifndef RAHIL_FIT_H
#define RAHIL_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ffmap.h"

#define RH_FIT_CLASSES (RH_FF_CONTROL + 1)

struct rh_fit {
	double rate[RH_FIT_CLASSES]; /* per enum rh_ff_class, >= 0 */
};

/* Every class at rate 1. */
void rh_fit_default(struct rh_fit *f);
/* All rates equal: P is uniform over the chain (the draws without FIT weighting). */
int rh_fit_uniform(const struct rh_fit *f);
/* Apply "CLASS=RATE[,CLASS=RATE...]" (classes input_act, weight, output_act, control; a rate
 * in [0, 1e6]) over *f. RH_E_INVAL naming the bad part; *f is unchanged then. */
int rh_fit_parse(struct rh_fit *f, const char *text, struct rh_err *err);
/* "input_act=R,weight=R,output_act=R,control=R", each rate as %.17g reads back exactly; its
 * length, or -1 when cap is too small. */
int rh_fit_text(const struct rh_fit *f, char *out, size_t cap);
/* Each chain bit's share of P under f: share[b] = rate[class(b)] / sum over the chain (b below
 * map->chain_len; classes the map does not know are control). RH_E_INVAL when every bit of
 * the map has rate 0. */
int rh_fit_bit_shares(const struct rh_fit *f, const struct rh_ffmap *map, double *share, struct rh_err *err);

#endif
