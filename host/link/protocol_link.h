/* rahil: requests over a transport: sequence numbers, answer timeouts, retries, error frames,
 * and streamed RUN_BATCH results. The layer between bytes (transport.h) and accelerator
 * operations. */
#ifndef RAHIL_PROTOCOL_LINK_H
#define RAHIL_PROTOCOL_LINK_H

#include "protocol.h"
#include "transport.h"

struct rh_link_stats {
	uint64_t requests;     /* requests answered */
	uint64_t retries;      /* requests sent again */
	uint64_t timeouts;     /* answers that did not come in time */
	uint64_t bad_frames;   /* frames the host parser dropped (CRC, length, truncated) */
	uint64_t stale;        /* good frames with another request's sequence number */
	uint64_t error_frames; /* ERROR frames received */
};

struct rh_link {
	struct rh_transport *t;
	struct rh_proto_parser parser;
	struct rh_frame frame; /* the last frame received */
	uint8_t tx[RH_PROTO_MAX_FRAME];
	uint8_t rx[4096]; /* bytes read and not yet fed to the parser */
	size_t rx_pos, rx_len;
	uint8_t seq;    /* of the request in flight */
	int retries;    /* extra attempts per request; default 3 */
	int timeout_ms; /* answer timeout on top of what a request asks for; default 500 */
	struct rh_link_stats stats;
	struct rh_perror last_error; /* the last ERROR frame's payload */
};

void rh_link_init(struct rh_link *l, struct rh_transport *t);

/* Send a request and wait for its answer, extra_ms longer than l->timeout_ms (for runs).
 * Retries on a lost or damaged frame in either direction. An ERROR frame from the board that
 * retrying cannot fix (UNKNOWN_OP, BAD_ARG, NO_CORE, ...) returns RH_E_TRANSPORT at once, with
 * l->last_error filled. On success *resp holds the response (op == request op | 0x80). */
int rh_link_request(struct rh_link *l, uint8_t op, const uint8_t *payload, size_t len, int extra_ms,
                    const struct rh_frame **resp, struct rh_err *err);

int rh_link_identify(struct rh_link *l, struct rh_identify *id, struct rh_err *err);

/* Run n faults as RUN_BATCH requests of at most `batch` descriptors (<= the board's
 * batch_max), results streamed into out[0..n). run_ms bounds one run. Descriptors whose
 * results were lost are sent again in a new batch, so a damaged frame costs one round trip. */
int rh_link_run_faults(struct rh_link *l, const struct rh_fault *f, size_t n, size_t batch, int run_ms,
                       struct rh_result *out, struct rh_err *err);

#endif
