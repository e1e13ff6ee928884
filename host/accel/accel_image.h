/* rahil: the accelerator's memory image (layer program, parameters, weights) and its schedule. */
#ifndef RAHIL_ACCEL_IMAGE_H
#define RAHIL_ACCEL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The RTL parameters an image depends on (rtl/rh_core.v). */
struct rh_accel_geom {
	int rows, cols; /* systolic array */
	int act_aw;     /* 2^act_aw bytes per activation buffer half */
	int wgt_aw;     /* 2^wgt_aw weight words per column */
	int prm_aw;     /* 2^prm_aw per-channel parameter entries */
	int log_aw;     /* 2^log_aw logits */
	int dim_w;      /* bits of a height, width or channel count */
};

/* The default simulation build (8 x 8) and the board build (2 x 4). */
extern const struct rh_accel_geom rh_accel_geom_sim;
extern const struct rh_accel_geom rh_accel_geom_board;
/* The iCEBreaker bitstream (1 x 2, weights in SPRAM). */
extern const struct rh_accel_geom rh_accel_geom_icebreaker;
/* The known parameter set with this array size, or NULL. */
const struct rh_accel_geom *rh_accel_geom_find(int rows, int cols);

#define RH_ACCEL_DESC_WORDS 16 /* program words per layer */
#define RH_ACCEL_MAX_LAYERS 16

/* Host port regions (address bits 27..24), rtl/rh_core.v. */
enum rh_accel_region {
	RH_AR_PROG = 0, /* layer program, 32-bit words */
	RH_AR_BIAS = 1, /* int32 bias per output channel */
	RH_AR_MQ = 2,   /* mult | shift << 16 per output channel */
	RH_AR_WGT = 3,  /* int8 weight, column in address bits 23..20 */
	RH_AR_ACT = 4,  /* int8 activation; half 0 holds the input image */
};

/* Descriptor flag bits (program word 0). */
enum rh_accel_flag {
	RH_AF_RELU = 1u << 0,
	RH_AF_POOL = 1u << 1,
	RH_AF_REQUANT = 1u << 2,
	RH_AF_LAST = 1u << 3,
	RH_AF_SRC = 1u << 4, /* read activation half 1 (else 0) */
	RH_AF_DST = 1u << 5, /* write activation half 1 (else 0) */
};

/* One write through the host port. */
struct rh_accel_write {
	uint32_t addr; /* 28-bit host port address */
	uint32_t data;
};

struct rh_accel_image {
	struct rh_accel_write *w; /* every write, in order */
	size_t n;
	int n_inputs; /* input activations (in_h * in_w * in_c) */
	int n_logits; /* last layer outputs */
	long cycles;  /* core cycles of one run, from the schedule */
};

static inline uint32_t rh_accel_addr(enum rh_accel_region r, unsigned col, uint32_t a)
{
	return ((uint32_t)r << 24) | ((uint32_t)(col & 15u) << 20) | (a & 0xfffffu);
}

/* Check that the model fits the geometry and build its image. */
int rh_accel_image_build(struct rh_accel_image *img, const struct rh_model *m, const struct rh_accel_geom *g,
                         struct rh_err *err);
void rh_accel_image_free(struct rh_accel_image *img);

/* Bytes per element the host port takes at addr: 4 in the program, bias and requantiser
 * regions (32-bit words), 1 elsewhere. */
unsigned rh_accel_addr_elem_size(uint32_t addr);

/* Writes to consecutive addresses with one element size: what a link loads in one go (a
 * LOAD_MODEL frame, or several when the run outgrows one). */
struct rh_accel_run {
	uint32_t addr;        /* of the first element */
	unsigned elem_size;   /* rh_accel_addr_elem_size of every element: 1 or 4 */
	const uint32_t *data; /* the n elements, one per address */
	size_t n;
};
struct rh_accel_runs {
	struct rh_accel_run *run; /* in address order */
	size_t n;
	uint32_t *data; /* the elements of every run, in address order */
};
/* The image's writes sorted by address (they go to distinct addresses, so their order does
 * not matter) and cut into the longest runs; free them with rh_accel_runs_free. After an error
 * *runs is empty (freeing it does nothing). */
int rh_accel_image_runs(const struct rh_accel_image *img, struct rh_accel_runs *runs, struct rh_err *err);
void rh_accel_runs_free(struct rh_accel_runs *runs);

/* The schedule (docs/architecture.md), one phase at a time. Cycles count enabled core clock
 * edges from the run's start; a phase covers [start, start + len). */
enum rh_accel_phase {
	RH_PH_START = 0, /* the start edge (idle -> load) */
	RH_PH_LOAD = 1,  /* descriptor load, 17 cycles */
	RH_PH_LINIT = 2, /* iterator init, 1 cycle */
	RH_PH_SETUP = 3, /* pixel tile setup, rows cycles */
	RH_PH_FEED = 4,  /* feed, K + rows + cols cycles */
	RH_PH_DRAIN = 5, /* drain + requantise, nrows * ncols + 3 cycles */
};
struct rh_accel_seg {
	enum rh_accel_phase phase;
	int layer;
	int pixel_tile;   /* first pixel of the tile = pixel_tile * rows */
	int oc_tile;      /* first output channel = oc_tile * cols */
	int nrows, ncols; /* valid rows (pixels) and columns (channels) of the tile */
	long start, len;
};
/* Call fn for every phase in order; returns the total cycle count (the cycle at which the
 * core reports done), or a negative error code when the model does not fit. fn may be NULL. */
long rh_accel_schedule(const struct rh_model *m, const struct rh_accel_geom *g,
                       void (*fn)(const struct rh_accel_seg *seg, void *ctx), void *ctx);

/* Pixels the core computes for a layer: conv_h * conv_w, or with pooling 4 per pooled output
 * in window order (cell, then dy, dx), a trailing odd row or column skipped. */
long rh_accel_layer_pixels(const struct rh_layer *l);

/* Exact occupancy (host/accel/accel_occupancy.c). Operand k (0 .. k*k*in_c - 1, the receptive field
 * in (ky, kx, channel) order) of pixel p of layer l, whose input activations are `in`; 0 for
 * padding and for pixels or k past the layer. */
int rh_accel_operand_x(const struct rh_layer *l, const int8_t *in, long p, long k);
/* Weight k of output channel oc; 0 past the layer's channels. */
int rh_accel_operand_w(const struct rh_layer *l, long oc, long k);
/* What PE (row, col) of a rows x cols array holds at cycle tau of feed phase seg (tau counted
 * from the phase's start): out[0] its activation register, out[1] its weight register, out[2]
 * its accumulator (int32). */
void rh_accel_pe_feed(const struct rh_layer *l, const int8_t *in, const struct rh_accel_seg *seg, long tau, int rows,
                      int cols, int row, int col, int64_t out[3]);

#ifdef __cplusplus
}
#endif

#endif
