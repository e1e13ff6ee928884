/* rahil: the byte link to an accelerator, one table of operations per back-end
 * (serial:PATH, ftdi[:SERIAL], and the simulator's own). Only bytes pass here; framing is
 * host/link/protocol.h, one layer up. */
#ifndef RAHIL_TRANSPORT_H
#define RAHIL_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define RH_TRANSPORT_DEFAULT_BAUD 3000000 /* 3 Mbaud: the iCEBreaker design, 4 clocks/bit */

struct rh_transport;

/* Options common to every back-end. */
struct rh_transport_opts {
	int baud;       /* line rate; 0: RH_TRANSPORT_DEFAULT_BAUD */
	int timeout_ms; /* default for writes; reads take theirs per call */
};

/* What a back-end implements. Every function fills err on failure. */
struct rh_transport_ops {
	const char *name; /* "serial", "ftdi", "sim" */
	/* arg: the text after "name:" in the spec, or NULL. Sets t->priv. */
	int (*open)(struct rh_transport *t, const char *arg, const struct rh_transport_opts *o, struct rh_err *err);
	/* Write all n bytes within timeout_ms, or fail with RH_E_TIMEOUT / RH_E_IO. */
	int (*write)(struct rh_transport *t, const uint8_t *p, size_t n, int timeout_ms, struct rh_err *err);
	/* Read between 1 and n bytes into p, waiting at most timeout_ms for the first one;
	 * *got receives the count. RH_E_TIMEOUT when none came. */
	int (*read)(struct rh_transport *t, uint8_t *p, size_t n, size_t *got, int timeout_ms, struct rh_err *err);
	/* Drop bytes received and not yet read, and bytes not yet sent. */
	int (*purge)(struct rh_transport *t, struct rh_err *err);
	/* Put the device back as it was found, free t->priv. Never fails. */
	void (*close)(struct rh_transport *t);
};

/* Traffic counters. A round trip is a write that follows a read (or comes first): the host
 * turning the line around and waiting for the board. */
struct rh_transport_stats {
	uint64_t bytes_out, bytes_in;
	uint64_t writes, reads;
	uint64_t round_trips;
};

struct rh_transport {
	const struct rh_transport_ops *ops;
	void *priv;
	struct rh_transport_opts opts;
	struct rh_transport_stats stats;
	int last_was_write;
};

/* The back-ends. rh_transport_sim_ops lives in transport_sim.c, which links the verilated
 * board design; rh_transport_open does not refer to it, so programs without the simulator
 * link without it (open "sim" with rh_transport_open_ops). */
extern const struct rh_transport_ops rh_transport_serial_ops;
extern const struct rh_transport_ops rh_transport_ftdi_ops;
extern const struct rh_transport_ops rh_transport_sim_ops;

/* Open "serial:PATH" or "ftdi" / "ftdi:SERIAL". Other names (e.g. "sim") are the caller's:
 * this returns RH_E_INVAL for them, so a caller tries its own back-ends first. o may be NULL. */
int rh_transport_open(struct rh_transport *t, const char *spec, const struct rh_transport_opts *o, struct rh_err *err);
/* Open with an explicit back-end (e.g. the simulator's table). */
int rh_transport_open_ops(struct rh_transport *t, const struct rh_transport_ops *ops, const char *arg,
                          const struct rh_transport_opts *o, struct rh_err *err);

/* These call the back-end and keep the counters. */
int rh_transport_write(struct rh_transport *t, const uint8_t *p, size_t n, struct rh_err *err);
int rh_transport_read(struct rh_transport *t, uint8_t *p, size_t n, size_t *got, int timeout_ms, struct rh_err *err);
/* Read exactly n bytes, each within timeout_ms of the previous one. */
int rh_transport_read_all(struct rh_transport *t, uint8_t *p, size_t n, int timeout_ms, struct rh_err *err);
int rh_transport_purge(struct rh_transport *t, struct rh_err *err);
void rh_transport_close(struct rh_transport *t);

/* The termios constant for a baud rate, or 0 when the system has none (serial back-end). */
unsigned long rh_serial_speed(int baud);

#endif
