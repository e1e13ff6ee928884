/* rahil: the software predictions of the resiliency accuracy (docs/fault-model.md, section 8):
 * RA_True and RA_True-nc over the accelerator's (chain bit, cycle, image) cells, computed with the
 * census and the fault-effect model, and RA_SW over the network's (variable, bit) sites, computed
 * with the reference model. Uniform or importance sampling (section 9) or every cell of a tiny
 * configuration, the golden outcome as control variate. */
#ifndef RAHIL_PREDICT_H
#define RAHIL_PREDICT_H

#include <stdint.h>

#include "accel_image.h"
#include "calib.h"
#include "error.h"
#include "ffmap.h"
#include "fit.h"
#include "model.h"

enum rh_pred_form {
	RH_PF_TRUE = 0, /* every flip-flop of the core */
	RH_PF_TRUE_NC,  /* the datapath classes only (no control flip-flops) */
	RH_PF_SW,       /* every weight and stored activation of the reference model, 8 bits each */
};

enum rh_pred_occ {
	RH_PO_EXACT = 0, /* cells uniform: each site weighted by its exact live share */
	RH_PO_ANALYTIC,  /* (layer, class) by the study's LP x TP x UF, then a live cell of it */
};

enum rh_pred_ctl {
	RH_PC_MODEL = 0, /* control cells by the effect model; live ones it does not model: never correct */
	RH_PC_STUDY,     /* every control cell never correct */
};

enum rh_pred_sampler {
	RH_PS_UNIFORM = 0, /* the target distribution itself */
	RH_PS_IS,          /* strata (layer, class, bit position) by their live share (section 9) */
	RH_PS_ISB,         /* is, times a per-(class, bit position) failure profile from a uniform pilot */
};

#define RH_PRED_BITPOS 64 /* bit positions counted (bit index inside the register or variable) */

struct rh_pred_opts {
	int form;         /* enum rh_pred_form */
	int occupancy;    /* enum rh_pred_occ (RA_True, RA_True-nc) */
	int control;      /* enum rh_pred_ctl (RA_True) */
	long n;           /* samples (the cap with a target half-width) */
	double ci;        /* > 0: stop once the RA interval's half-width is at most this */
	double rel_ci;    /* > 0: stop once the drop interval's half-width is at most rel_ci x drop */
	long check_every; /* samples between stopping checks (the trace's step); 0: 1000 */
	uint64_t seed;
	int sampler;      /* enum rh_pred_sampler */
	long pilot;       /* isb: uniform pilot samples (counted in n); 0: sized automatically */
	double defensive; /* is, isb: the target's weight in the proposal, in (0, 1]; 0: 0.1 */
	int exhaustive;   /* every cell (or site) of every image once; n, ci and rel_ci unused */
	/* RA_True(-nc): live cells the effect model does not model take their register group's
	 * measured rates (section 10) instead of counting never correct; NULL: none */
	const struct rh_calib *calib;
	/* RA_True(-nc): raw FIT rates per flip-flop class, P's weights (host/accel/fit.h); NULL or
	 * equal rates: P uniform over the fault space's bits */
	const struct rh_fit *fit;
};

/* One point of the convergence trace. */
struct rh_pred_point {
	long n;
	double ra, ci95[2], drop, ci95_drop[2];
};

struct rh_pred_result {
	double sa, ra, drop, ci95[2], ci95_drop[2];
	long n, n10, n01; /* samples; golden correct and faulty wrong; golden wrong and faulty correct */
	double ess;
	long pilot;        /* isb: the pilot's uniform samples (the first of the n) */
	double max_weight; /* the largest P/q of a sample (1 without a proposal) */
	long unmodelled;   /* live cells the effect model does not model (never correct, or calibrated) */
	long calibrated;   /* of those, the ones that took their group's calibrated rates */
	long unused;       /* analytic draws of an unused register (counted correct at SA) */
	long no_live;      /* analytic draws of a (layer, class) with no live cell in the image (golden) */
	int n_layers, n_bitpos;
	/* drop contributed by each bucket: sum of (golden correct - faulty correct) in it / n */
	double layer_drop[RH_MAX_LAYERS], class_drop[RH_FF_CONTROL + 1], bit_drop[RH_PRED_BITPOS];
	long layer_n[RH_MAX_LAYERS], class_n[RH_FF_CONTROL + 1], bit_n[RH_PRED_BITPOS];
	struct rh_pred_point *trace; /* one point per check (malloc'ed; rh_pred_result_free) */
	long n_trace;
};

/* Predict RA of model m on the accelerator with flip-flop map `map` and geometry g (unused by
 * RA_SW) over n_images evaluation images (images: n_images inputs of in_h * in_w * in_c int8 one
 * after the other; labels: their classes). Deterministic for a seed. 0 or a negative error. */
int rh_predict(const struct rh_model *m, const struct rh_ffmap *map, const struct rh_accel_geom *g,
               const int8_t *images, const int *labels, int n_images, const struct rh_pred_opts *o,
               struct rh_pred_result *r, struct rh_err *err);
void rh_pred_result_free(struct rh_pred_result *r);

/* One cell drawn from an importance-sampling proposal, with its weight P / q. */
struct rh_pred_cell {
	int image;
	uint32_t bit, cycle;
	double w;
};

/* Draw n (image, chain bit, cycle) cells for a hardware campaign from the proposal `is` or
 * `isb` of o (o->form RH_PF_TRUE or RH_PF_TRUE_NC, o->sampler, o->defensive, o->control,
 * o->seed) over the physical distribution P: a chain bit of the fault space, a cycle of the
 * golden run and an image, uniformly. isb's profile comes from a software pilot of o->pilot
 * samples (0: 20,000), evaluated by the census and the effect model (section 9). The same
 * arguments give the same cells. 0 or a negative error. */
int rh_pred_propose_cells(const struct rh_model *m, const struct rh_ffmap *map, const struct rh_accel_geom *g,
                          const int8_t *images, const int *labels, int n_images, const struct rh_pred_opts *o, long n,
                          struct rh_pred_cell *out, struct rh_err *err);

const char *rh_pred_form_name(int form);
const char *rh_pred_occ_name(int occ);
const char *rh_pred_ctl_name(int ctl);
const char *rh_pred_sampler_name(int sampler);

#endif
