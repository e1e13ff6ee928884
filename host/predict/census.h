/* rahil: the fault-site census (docs/fault-model.md, section 6): the flip-flop bits of an
 * accelerator by class and by register group, its cycles by layer and phase, and for every
 * (layer, class) the study's analytic fault probability beside the exact one, the share of all
 * (chain bit, cycle) cells that hold a live value under the controller's schedule. */
#ifndef RAHIL_CENSUS_H
#define RAHIL_CENSUS_H

#include <stdint.h>

#include "accel_image.h"
#include "error.h"
#include "ffmap.h"
#include "model.h"

#define RH_CENSUS_CLASSES 4 /* enum rh_ff_class */
#define RH_CENSUS_PHASES  6 /* enum rh_accel_phase */

/* Register groups. Registers are sorted into them by the leaf of their hierarchical name
 * (census.c, one table), so a change of the hierarchy above a register does not move it. */
enum rh_site_group {
	RH_SG_PE_ACT = 0, /* PE activation registers */
	RH_SG_PE_WGT,     /* PE weight registers */
	RH_SG_PE_ACC,     /* PE accumulators */
	RH_SG_SKEW_ACT,   /* row skew registers (activations) */
	RH_SG_SKEW_WGT,   /* column skew registers (weights) */
	RH_SG_FSM,        /* controller state */
	RH_SG_COUNTER,    /* layer index, phase counter */
	RH_SG_DESC,       /* descriptor fields of the current layer */
	RH_SG_ITER,       /* pixel iterator */
	RH_SG_ROWREG,     /* per-row pixel registers of the current tile */
	RH_SG_TILE,       /* tile registers: valid rows, channel tile, weight base, setup row */
	RH_SG_FEED,       /* feed: im2col position, weight pointer, operand masks */
	RH_SG_DRAIN,      /* drain: issue, pipeline stages, pooling forward */
	RH_SG_ARGMAX,     /* best logit so far and its index */
	RH_SG_OTHER,      /* a register no table entry names (counted live every cycle) */
	RH_SG_COUNT,
};

/* One register of the map as the census sees it. */
struct rh_census_reg {
	int group; /* enum rh_site_group */
	int kind;  /* how its live cycles are derived (census.c) */
	int a, b;  /* PE row and column; skew row or column and stage; descriptor word; row; stage */
};

/* One phase of the schedule with what the census needs of it. */
struct rh_census_seg {
	struct rh_accel_seg s;
	long kk; /* FEED: the layer's K */
	long nz; /* FEED: offset of its K entries in last_col / last_row */
};

struct rh_census {
	const struct rh_model *m;
	const struct rh_ffmap *map;
	struct rh_accel_geom geom;
	long cycles;   /* T, from the schedule */
	uint32_t bits; /* B, the chain length */
	int n_layers;
	struct rh_census_reg *regs; /* per map register */
	struct rh_census_seg *segs;
	long n_segs;
	int16_t *last_col; /* per FEED operand k: the last valid column whose weight is not 0, or -1 */
	int16_t *last_row; /* per FEED operand k: the last valid row whose activation is not 0, or -1 (last image) */
	long n_nz;
	long layer_start[RH_ACCEL_MAX_LAYERS + 1]; /* layer L covers [layer_start[L], layer_start[L+1]) */
	long load_start[RH_ACCEL_MAX_LAYERS], linit_start[RH_ACCEL_MAX_LAYERS];
	long last_drain0; /* first DRAIN of the last layer */
	/* results */
	uint32_t class_bits[RH_CENSUS_CLASSES];
	uint32_t group_bits[RH_SG_COUNT];
	uint32_t group_class_bits[RH_SG_COUNT][RH_CENSUS_CLASSES];
	/* bits of the group whose live cycles are derived from the schedule; the others are counted
	 * live in every cycle (the group is modelled when this equals group_bits) */
	uint32_t group_modelled_bits[RH_SG_COUNT];
	long phase_cycles[RH_ACCEL_MAX_LAYERS][RH_CENSUS_PHASES];
	double uf[RH_ACCEL_MAX_LAYERS]; /* the study's utilisation of the array in the layer */
	int images;                     /* images added */
	/* live cells summed over the images added */
	double live[RH_ACCEL_MAX_LAYERS][RH_CENSUS_CLASSES];
	double group_live[RH_ACCEL_MAX_LAYERS][RH_SG_COUNT];
	int8_t *acts; /* every layer's input activations for the last image */
	long *act_ofs;
};

/* Set up the census of model m on the accelerator with flip-flop map `map` and geometry g (the
 * map's rows and cols must be g's). No image is added yet. */
int rh_census_init(struct rh_census *c, const struct rh_model *m, const struct rh_ffmap *map,
                   const struct rh_accel_geom *g, struct rh_err *err);
void rh_census_free(struct rh_census *c);
/* Add the live cells of one run on input (in_h * in_w * in_c int8); the cell queries below
 * refer to the last image added. */
int rh_census_add_image(struct rh_census *c, const int8_t *input, struct rh_err *err);
/* Whether cell (bit, t) of the last image's run holds a live value (1) or a dead one (0):
 * derived cell by cell, independently of the counting in rh_census_add_image. */
int rh_census_cell_live(const struct rh_census *c, uint32_t bit, long t);

const char *rh_site_group_name(int group);
/* The layer of cycle t (START counts to layer 0). */
int rh_census_layer_of(const struct rh_census *c, long t);

long rh_census_layer_cycles(const struct rh_census *c, int layer);
/* The study's utilisation of (layer, class): the mean share of the array's PEs the layer's tiles
 * use, for the datapath classes; 1 for control. */
double rh_census_utilisation(const struct rh_census *c, int layer, int cls);
/* The study's probability: (layer cycles / T) * (class bits / B) * utilisation. */
double rh_census_analytic(const struct rh_census *c, int layer, int cls);
/* The exact probability: live cells of (layer, class) / (B T), averaged over the images. */
double rh_census_exact(const struct rh_census *c, int layer, int cls);

#endif
