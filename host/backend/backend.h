/* rahil: accelerator back-ends behind one table of operations. The sw back-end is the
 * reference model; the others reach the accelerator (verilated or on a board). */
#ifndef RAHIL_BACKEND_H
#define RAHIL_BACKEND_H

#include <stdint.h>

#include "error.h"
#include "ffmap.h"
#include "model.h"
#include "run.h"

/* The fault space of an accelerator back-end with a model loaded. */
struct rh_backend_info {
	uint32_t chain_len;           /* scan chain bits */
	uint32_t golden_cycles;       /* core cycles of a fault-free run */
	int rows, cols;               /* systolic array */
	const struct rh_ffmap *ffmap; /* what every chain bit is (host/accel/ffmap.h) */
	uint32_t ffmap_hash;          /* its hash, as IDENTIFY reports it */
};

/* Link counters; zero for in-process back-ends. */
struct rh_backend_stats {
	uint64_t round_trips; /* request/answer exchanges with the board */
	uint64_t retries;     /* requests sent again after a lost or damaged frame */
};

struct rh_backend;

struct rh_backend_ops {
	const char *name; /* the prefix of --backend, e.g. "sw", "sim", "serial" */
	const char *help; /* one line for --help */
	/* arg is what follows "name:" in --backend, or NULL. */
	int (*open)(struct rh_backend *b, const char *arg, const struct rh_model *m, struct rh_err *err);
	/* input: in_h * in_w * in_c int8 (HWC). */
	int (*infer)(struct rh_backend *b, const int8_t *input, struct rh_result *res, struct rh_err *err);
	void (*close)(struct rh_backend *b);
	/* Accelerator back-ends only (NULL for sw). */
	int (*info)(struct rh_backend *b, struct rh_backend_info *info, struct rh_err *err);
	/* Run input once fault-free (into *golden) and n times with fault f[i] in run i (into
	 * out[i]), every run from the canonical start state (docs/campaign.md). Link back-ends
	 * send the faults in batches, one round trip per batch. */
	int (*run_faults)(struct rh_backend *b, const int8_t *input, const struct rh_fault *f, size_t n,
	                  struct rh_result *golden, struct rh_result *out, struct rh_err *err);
	void (*stats)(struct rh_backend *b, struct rh_backend_stats *st);
	/* The simulator only (NULL elsewhere): live[i] = where fault f[i]'s flip went (enum rh_live,
	 * host/accel/run.h; verilator/rh_sim.h, rh_sim_liveness), within max clocks. */
	int (*liveness)(struct rh_backend *b, const int8_t *input, const struct rh_fault *f, size_t n, uint32_t max,
	                int *live, struct rh_err *err);
};

/* Options of rh_backend_open; NULL means every default. */
struct rh_backend_opts {
	int replay; /* enum rh_replay (host/accel/run.h): how a sim back-end replays fault lists */
};

struct rh_backend {
	const struct rh_backend_ops *ops;
	const struct rh_model *m;
	void *priv;                  /* the back-end's own state */
	struct rh_backend_opts opts; /* as opened */
};

/* The back-ends, for the table in registry.c (the sim one: backend_sim.h). */
extern const struct rh_backend_ops rh_backend_sw_ops, rh_backend_serial_ops, rh_backend_ftdi_ops;

/* Find the back-end for a --backend string ("sw", "sim", "serial:/dev/ttyUSB1", ...) and
 * open it with options o (NULL: defaults) (host/backend/registry.c). Unknown names, back-ends
 * missing from this build and options out of range are clear errors. */
int rh_backend_open(struct rh_backend *b, const char *spec, const struct rh_model *m, const struct rh_backend_opts *o,
                    struct rh_err *err);
int rh_backend_infer(struct rh_backend *b, const int8_t *input, struct rh_result *res, struct rh_err *err);
void rh_backend_close(struct rh_backend *b);
/* RH_E_UNSUPPORTED for back-ends without a fault-injection port (sw). */
int rh_backend_info(struct rh_backend *b, struct rh_backend_info *info, struct rh_err *err);
int rh_backend_run_faults(struct rh_backend *b, const int8_t *input, const struct rh_fault *f, size_t n,
                          struct rh_result *golden, struct rh_result *out, struct rh_err *err);
void rh_backend_stats(struct rh_backend *b, struct rh_backend_stats *st);
/* RH_E_UNSUPPORTED, naming the back-end, where it has no liveness harness. */
int rh_backend_liveness(struct rh_backend *b, const int8_t *input, const struct rh_fault *f, size_t n, uint32_t max,
                        int *live, struct rh_err *err);
/* Comma-separated names of the back-ends in this build, for messages and --help. */
const char *rh_backend_names(void);

#endif
