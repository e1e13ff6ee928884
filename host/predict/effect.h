/* rahil: bit-exact software fault effects for datapath cells (docs/fault-model.md, section 7).
 * For a flip of one chain bit at one core cycle of a run, the faulty inference is computed from
 * the golden one: only the products, accumulators and outputs that read the struck register
 * after the strike change, the faulted layer's affected outputs are requantised and pooled again
 * as the drain does, and the later layers recompute, with the reference model's arithmetic, only
 * the outputs that read a changed activation, until a layer's outputs equal the golden ones. */
#ifndef RAHIL_EFFECT_H
#define RAHIL_EFFECT_H

#include <stdint.h>

#include "census.h"
#include "run.h"

/* The model on one accelerator geometry with the golden run of the last input kept. Not for
 * concurrent use (scratch buffers). */
struct rh_effect {
	const struct rh_model *m;
	struct rh_census c; /* live cells, schedule segments, every layer's input of the last input */
	int32_t *acc;       /* every layer's golden conv sums with the bias, [oy][ox][oc] */
	long *acc_ofs;
	int32_t logits[RH_MAX_LOGITS]; /* golden */
	int cls;
	int have_input;
	int8_t *input; /* the last input (in_h * in_w * in_c) */
	long n_input;
	/* the faulty run, kept equal to the golden one between calls: every layer's sums (as acc)
	 * and inputs (as the census's acts); the entries a call changes are listed (t_acc, t_act,
	 * flagged in m_acc, m_act) and put back before it returns */
	int32_t *w_acc;
	int8_t *w_act;
	uint8_t *m_acc, *m_act;
	long *t_acc, *t_act;
	long n_t_acc, n_t_act;
	int8_t *wt; /* every layer's weights, output channel innermost */
	long wt_ofs[RH_MAX_LAYERS];
	/* the last layer's logits in drain order: the cycle out of which the argmax compares each,
	 * and its index */
	long *cmp_cycle;
	int *cmp_logit;
	long n_cmp;
};

/* Set up model m on the accelerator with flip-flop map `map` and geometry g (as rh_census_init). */
int rh_effect_init(struct rh_effect *e, const struct rh_model *m, const struct rh_ffmap *map,
                   const struct rh_accel_geom *g, struct rh_err *err);
void rh_effect_free(struct rh_effect *e);

/* The result of the run on input (in_h * in_w * in_c int8) with chain bit `bit` inverted at core
 * cycle `cycle`, as a back-end's run_faults returns it (end RH_RUN_DONE, class, logits, cycles =
 * the golden cycle count). *modelled is 1 when the result is bit-exact: a dead cell of any
 * register (rh_census_cell_live, the golden result) or a live one of a PE activation, weight or
 * accumulator, a skew register, the drain's sum (stage 2) or product (stage 3) register or the
 * argmax's best value or index; 0 otherwise, and *out is then the golden result, not the
 * faulty one. A new input recomputes the golden run; the same input again reuses it. Returns 0,
 * or RH_E_INVAL for a bit or cycle outside the run. */
int rh_effect_run(struct rh_effect *e, const int8_t *input, uint32_t bit, uint32_t cycle, struct rh_result *out,
                  int *modelled, struct rh_err *err);

#endif
