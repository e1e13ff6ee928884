/* rahil: C API over the verilated accelerator (rtl/rh_fi.v), one VerilatedContext per handle.
 * Several parameter sets (rtl/rtl.mk) are linked side by side; a handle is of one set. */
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
#include "run.h"

struct rh_sim_set; /* one verilated parameter set: its operations (below) */

/* A handle: the set it belongs to; the rest is the set's own. */
struct rh_sim {
	const struct rh_sim_set *set;
};

/* The verilated parameter sets (rtl/rtl.mk): the 8 x 8 simulation default, the iCEBreaker
 * bitstream's 1 x 2 and the 2 x 4 board set. */
extern const struct rh_sim_set rh_sim_set_sim, rh_sim_set_ice40, rh_sim_set_board;
const char *rh_sim_set_name(const struct rh_sim_set *set);

/* Faults and results are the host's one fault and result types (host/accel/run.h). A run
 * held after its injection (hold set) ends RH_RUN_HELD; rh_sim_resume continues it. */

/* flags: RH_SIM_TRACEABLE builds on the --trace-fst verilation (about 3.5x slower) so that
 * rh_sim_trace_open works; without it the fast verilation is used. */
#define RH_SIM_TRACEABLE 1
int rh_sim_create(struct rh_sim **out, const struct rh_sim_set *set, int flags, struct rh_err *err);
void rh_sim_destroy(struct rh_sim *s);
void rh_sim_geom(const struct rh_sim *s, struct rh_accel_geom *g);
uint32_t rh_sim_chain_len(const struct rh_sim *s);
const struct rh_ffmap *rh_sim_ffmap(const struct rh_sim *s);

/* Write a model's image into the core's memories (through the host port). The handle keeps m (the
 * fast mode finishes some runs on its reference model): it must outlive the handle's runs. */
int rh_sim_load_model(struct rh_sim *s, const struct rh_model *m, struct rh_err *err);
/* Golden cycle count of the loaded model (from the schedule). */
long rh_sim_model_cycles(const struct rh_sim *s);
/* Write the input activations (in_h * in_w * in_c int8, HWC) into the core and into the copy
 * the canonical start state is restored from (rtl/rh_scrub.v). */
int rh_sim_load_input(struct rh_sim *s, const int8_t *x, size_t n);
/* Run once from the canonical start state (memories scrubbed: activations zero but for the
 * input, logits zero and unwritten; core reset). fault may be NULL; hold: stay frozen after its
 * rotation (the run ends RH_RUN_HELD) for a readout. budget: watchdog limit in core cycles, 0 for
 * the default (2 x golden + 1024). state: if not NULL, chain_len bytes receive the readout of the
 * injection rotation (state[p] = chain position p after the flip). */
int rh_sim_run(struct rh_sim *s, const struct rh_fault *fault, int hold, uint32_t budget, uint8_t *state,
               struct rh_result *res);
/* Run the loaded input once fault-free (the golden run, into *golden) and once per fault, every
 * run from the canonical start state, as rh_sim_run. replay: enum rh_replay. With checkpoints, the
 * golden run leaves a checkpoint every 1/256 of the model's cycles (at least 32) and each fault
 * runs from the last one before its cycle. With early stop, a run whose whole state equals the
 * golden run's at a later checkpoint ends there with the golden result (rejoined set).
 * RH_REPLAY_FAST also injects without rotating the chain (rh_sim_check_direct); the other modes
 * rotate it, as a board does. It also finishes on the reference model a run whose state is the
 * golden run's but for its activations: where a layer starts (finished_ref 1), or within a layer
 * where the words it holds differently are ones the layer does not write again (finished_ref 2).
 * clock_cycles counts what was simulated. */
int rh_sim_run_faults(struct rh_sim *s, const struct rh_fault *f, size_t n, uint32_t budget, int replay,
                      struct rh_result *golden, struct rh_result *res);
/* The fast path's proof (RH_REPLAY_FAST injects without rotating the chain: verilator/rh_sim.cpp),
 * for one fault on the loaded input: from the canonical start, the state right after the
 * rotation that injects the fault equals, bit for bit, the state right after the fast path's
 * direct injection at the same edge (every flip-flop, memory word, combinational value and
 * input; not the scan controller's dead record of the rotation, nor the clocks it took, nor the
 * host port's logit read registers, which read on every clock).
 * Returns 1 when equal, 0 when not, 2 when the run ends before the fault's cycle, <0 on error. */
int rh_sim_check_direct(struct rh_sim *s, const struct rh_fault *f);
/* Where one cell's flip goes on the loaded input (rahil sites --measure, docs/fault-model.md
 * section 6.5): from the canonical start the run is taken to the fault's edge twice, flipping the
 * bit there once (as RH_REPLAY_FAST injects) and once not, and the two then run side by side,
 * compared after every clock on every chain flip-flop and every memory word the core writes
 * (activations, logits), until they are equal again, a memory word differs or the run ends.
 * Returns flags (enum rh_live, host/accel/run.h): RH_LIVE_REACH when a flip-flop of another class than the struck one
 * differed on the way, RH_LIVE_STORE when a memory word differed or the run ended with more than the struck bit
 * differing (STORE implies REACH), RH_LIVE_UNDECIDED when max clocks passed first; 0: dead. *clocks: the clocks
 * compared. <0 on error. The loaded input and model stay. */
int rh_sim_liveness(struct rh_sim *s, const struct rh_fault *f, uint32_t max, uint32_t *clocks);
/* After RH_RUN_HELD: continue the run to its end. */
int rh_sim_resume(struct rh_sim *s, struct rh_result *res);
/* Read the whole core state out (one rotation, nothing inverted) while held, done or hung. */
int rh_sim_read_state(struct rh_sim *s, uint8_t *state);
/* FST waveform of everything simulated from now until rh_sim_trace_close (needs a handle
 * created with RH_SIM_TRACEABLE). */
int rh_sim_trace_open(struct rh_sim *s, const char *path, struct rh_err *err);
void rh_sim_trace_close(struct rh_sim *s);

/* A set's operations, one per function above (verilator/rh_sim.cpp, built once per set). */
struct rh_sim_set {
	const char *name;
	int (*create)(struct rh_sim **out, int flags, struct rh_err *err);
	void (*destroy)(struct rh_sim *s);
	void (*geom)(const struct rh_sim *s, struct rh_accel_geom *g);
	uint32_t (*chain_len)(const struct rh_sim *s);
	const struct rh_ffmap *(*ffmap)(const struct rh_sim *s);
	int (*load_model)(struct rh_sim *s, const struct rh_model *m, struct rh_err *err);
	long (*model_cycles)(const struct rh_sim *s);
	int (*load_input)(struct rh_sim *s, const int8_t *x, size_t n);
	int (*run)(struct rh_sim *s, const struct rh_fault *fault, int hold, uint32_t budget, uint8_t *state,
	           struct rh_result *res);
	int (*run_faults)(struct rh_sim *s, const struct rh_fault *f, size_t n, uint32_t budget, int replay,
	                  struct rh_result *golden, struct rh_result *res);
	int (*check_direct)(struct rh_sim *s, const struct rh_fault *f);
	int (*liveness)(struct rh_sim *s, const struct rh_fault *f, uint32_t max, uint32_t *clocks);
	int (*resume)(struct rh_sim *s, struct rh_result *res);
	int (*read_state)(struct rh_sim *s, uint8_t *state);
	int (*trace_open)(struct rh_sim *s, const char *path, struct rh_err *err);
	void (*trace_close)(struct rh_sim *s);
};

#ifdef __cplusplus
}
#endif

#endif
