/* rahil: C API over the verilated accelerator (rtl/rh_fi.v), one VerilatedContext per handle. */
#ifndef RAHIL_SIM_H
#define RAHIL_SIM_H

#include <stddef.h>
#include <stdint.h>

/* error.h and model.h are plain C headers without C++ guards: wrap them here. */
#ifdef __cplusplus
extern "C" {
#endif

#include "accel_image.h"
#include "error.h"
#include "ffmap.h"
#include "model.h"

struct rh_sim; /* opaque */

enum rh_sim_end {
	RH_SIM_DONE = 0, /* the core finished */
	RH_SIM_HANG = 1, /* the watchdog ended the run */
	RH_SIM_HELD = 2, /* frozen after an injection with hold set; rh_sim_resume continues */
};

/* An optional fault for one run. flip = 0 is a null injection: the chain is rotated at that
 * cycle but nothing is inverted. */
struct rh_sim_fault {
	uint32_t bit;   /* chain position */
	uint32_t cycle; /* core cycle from the run's start */
	int flip;
	int hold; /* stay frozen after the rotation (for a readout) */
};

struct rh_sim_result {
	int end; /* enum rh_sim_end */
	int cls; /* class (argmax of the logits, lowest index on ties); -1 on a hang */
	int n_logits;
	int32_t logits[256];
	uint32_t cycles;       /* core cycles until done (or the budget on a hang) */
	uint64_t clock_cycles; /* simulated clock cycles of the whole run incl. scan, I/O */
	int rejoined;          /* rh_sim_run_faults stopped the run where its state rejoined the golden
	                        * run's; the rest is the golden run's result */
};

/* flags: RH_SIM_TRACEABLE builds on the --trace-fst verilation (about 3.5x slower) so that
 * rh_sim_trace_open works; without it the fast verilation is used. */
#define RH_SIM_TRACEABLE 1
int rh_sim_create(struct rh_sim **out, int flags, struct rh_err *err);
void rh_sim_destroy(struct rh_sim *s);
void rh_sim_geom(const struct rh_sim *s, struct rh_accel_geom *g);
uint32_t rh_sim_chain_len(const struct rh_sim *s);
const struct rh_ffmap *rh_sim_ffmap(const struct rh_sim *s);

/* Write a model's image into the core's memories (through the host port). */
int rh_sim_load_model(struct rh_sim *s, const struct rh_model *m, struct rh_err *err);
/* Golden cycle count of the loaded model (from the schedule). */
long rh_sim_model_cycles(const struct rh_sim *s);
/* Write the input activations (in_h * in_w * in_c int8, HWC). Needed before every run. */
int rh_sim_load_input(struct rh_sim *s, const int8_t *x, size_t n);
/* Run once. fault may be NULL. budget: watchdog limit in core cycles, 0 for the default
 * (2 x golden + 1024). state: if not NULL, chain_len bytes receive the readout of the
 * injection rotation (state[p] = chain position p after the flip). */
int rh_sim_run(struct rh_sim *s, const struct rh_sim_fault *fault, uint32_t budget, uint8_t *state,
               struct rh_sim_result *res);
/* How rh_sim_run_faults spares simulation; the results are the same in every mode. */
enum rh_sim_accel {
	RH_SIM_ACCEL_ALL = 0,         /* checkpoints and early stop */
	RH_SIM_ACCEL_NONE = 1,        /* every fault from the start, to the end (naive) */
	RH_SIM_ACCEL_CHECKPOINTS = 2, /* checkpoints only, every run to its end */
};
/* Run the loaded input once per fault (hold not allowed), every run from the same canonical
 * start: activation memory cleared but for the input, then one golden run (so a run finds the
 * golden run's intermediate activations and logits in memory, whatever ran before). With
 * checkpoints, the golden run from the canonical start leaves a checkpoint every 1/32 of the
 * model's cycles and each fault runs from the last one before its cycle. With early stop, a run
 * whose whole state equals the golden run's at a later checkpoint ends there with the golden
 * result (rejoined set). clock_cycles counts what was simulated. accel: enum rh_sim_accel. */
int rh_sim_run_faults(struct rh_sim *s, const struct rh_sim_fault *f, size_t n, uint32_t budget, int accel,
                      struct rh_sim_result *res);
/* After RH_SIM_HELD: continue the run to its end. */
int rh_sim_resume(struct rh_sim *s, struct rh_sim_result *res);
/* Read the whole core state out (one rotation, nothing inverted) while held, done or hung. */
int rh_sim_read_state(struct rh_sim *s, uint8_t *state);
/* FST waveform of everything simulated from now until rh_sim_trace_close (needs a handle
 * created with RH_SIM_TRACEABLE). */
int rh_sim_trace_open(struct rh_sim *s, const char *path, struct rh_err *err);
void rh_sim_trace_close(struct rh_sim *s);

#ifdef __cplusplus
}
#endif

#endif
