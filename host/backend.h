/* rahil: accelerator back-ends behind one table of operations. The sw back-end is the
 * reference model; the others reach the accelerator (verilated or on a board). */
#ifndef RAHIL_BACKEND_H
#define RAHIL_BACKEND_H

#include <stdint.h>

#include "error.h"
#include "model.h"

#define RH_MAX_CLASSES 16

/* The outcome of one inference. */
struct rh_result {
	int cls;                        /* returned class; -1 on a hang */
	int32_t logits[RH_MAX_CLASSES]; /* int32 logits */
	uint64_t cycles;                /* accelerator cycles (0 for sw) */
	int hang;                       /* the watchdog ended the run */
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
};

struct rh_backend {
	const struct rh_backend_ops *ops;
	const struct rh_model *m;
	void *priv; /* the back-end's own state */
};

/* Find the back-end for a --backend string ("sw", "sim", "serial:/dev/ttyUSB1", ...) and
 * open it. Unknown names and back-ends missing from this build are clear errors. */
int rh_backend_open(struct rh_backend *b, const char *spec, const struct rh_model *m, struct rh_err *err);
int rh_backend_infer(struct rh_backend *b, const int8_t *input, struct rh_result *res, struct rh_err *err);
void rh_backend_close(struct rh_backend *b);
/* Comma-separated names of the back-ends in this build, for messages and --help. */
const char *rh_backend_names(void);

#endif
