/* rahil: one run of the accelerator, as every back-end sees it: the fault it may carry and the
 * result it returns. The link's wire format (host/link/protocol.h), the simulator's C API
 * (verilator/rh_sim.h) and the back-end table (host/backend/backend.h) all use these types. */
#ifndef RAHIL_RUN_H
#define RAHIL_RUN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Logits a result carries at most (the link's bound on a result frame). */
#define RH_MAX_LOGITS 64

/* One fault: invert chain bit `bit` at core cycle `cycle` (counted from the run's start).
 * no_flip: a null injection (the chain is rotated at that cycle, nothing is inverted; bit 31
 * of the chain bit field on the wire). */
struct rh_fault {
	uint32_t bit;
	uint32_t cycle;
	int no_flip;
};

/* How a run ended. The first three are the link's result status byte. */
enum rh_run_end {
	RH_RUN_DONE = 0,  /* the core finished */
	RH_RUN_HANG = 1,  /* the watchdog ended the run; class and logits are meaningless */
	RH_RUN_CRASH = 2, /* the core finished without writing all its logits (never a result) */
	RH_RUN_HELD = 3,  /* simulator only: frozen after an injection with hold set */
};

/* The result of one run. */
struct rh_result {
	int end;                       /* enum rh_run_end */
	int cls;                       /* returned class (argmax, lowest index on ties); -1 unless done */
	int n_logits;                  /* the model's classes */
	int32_t logits[RH_MAX_LOGITS]; /* as the logit memory holds them (0 where not written) */
	uint32_t cycles;               /* core cycles until done (the budget on a hang); 0 for sw */
	/* Simulator only (0 elsewhere): */
	uint64_t clock_cycles; /* clock cycles simulated for this run, scan and I/O included */
	int rejoined;          /* the run stopped where its state rejoined the golden run's and took
	                        * the golden result from there */
	int finished_ref;      /* the run was finished on the reference model, its state the golden
	                        * run's but for the activations: 1 where a layer starts, 2 within a
	                        * layer (verilator/rh_sim.cpp, mid_layer_input) */
};

/* How a simulator replays a fault list: the results are the same in every mode. */
/* Where a cell's flip went (rahil sites --measure; verilator/rh_sim.h, rh_sim_liveness): 0 dead,
 * else these flags. */
enum rh_live {
	RH_LIVE_REACH = 1,    /* a flip-flop of another class than the struck one took it */
	RH_LIVE_STORE = 2,    /* a memory word took it, or the run ended with it (implies REACH) */
	RH_LIVE_UNDECIDED = 4 /* neither within the clocks allowed */
};

enum rh_replay {
	RH_REPLAY_FAST = 0,    /* from checkpoints of the golden run, the flip made in place (no chain
	                        * rotation), stopped where a run rejoins the golden run */
	RH_REPLAY_NAIVE,       /* every fault from the start, to the end (--naive) */
	RH_REPLAY_CHECKPOINTS, /* from checkpoints, every run to its end */
};

#ifdef __cplusplus
}
#endif

#endif
