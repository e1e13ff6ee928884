/* rahil: requests over a transport: sequence numbers, timeouts, retries, streamed batches. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "clock.h"
#include "protocol_link.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void rh_link_init(struct rh_link *l, struct rh_transport *t)
{
	memset(l, 0, sizeof(*l));
	l->t = t;
	l->retries = 3;
	l->timeout_ms = 500;
	rh_proto_parser_init(&l->parser);
}

/* Wait for the next good frame carrying sequence number want; it lands in l->frame. */
static int next_frame(struct rh_link *l, uint8_t want, int timeout_ms, struct rh_err *err)
{
	int64_t deadline = rh_now_ms() + timeout_ms;
	for (;;) {
		for (;;) {
			int r = rh_proto_next(&l->parser, &l->frame, NULL);
			if (r == 1) {
				if (l->frame.seq == want)
					return 0;
				l->stats.stale++;
				continue;
			}
			if (r < 0) {
				l->stats.bad_frames++;
				continue;
			}
			if (l->rx_pos < l->rx_len) {
				l->rx_pos += rh_proto_feed(&l->parser, l->rx + l->rx_pos, l->rx_len - l->rx_pos);
				continue;
			}
			break;
		}
		int64_t left = deadline - rh_now_ms();
		if (left <= 0)
			return rh_err_set(err, RH_E_TIMEOUT, "no answer with sequence number %u within %d ms", want,
			                  timeout_ms);
		size_t got = 0;
		int r = rh_transport_read(l->t, l->rx, sizeof(l->rx), &got, (int)left, err);
		if (r == RH_E_TIMEOUT)
			continue;
		if (r)
			return r;
		l->rx_pos = 0;
		l->rx_len = got;
	}
}

/* ERROR codes that a resend can cure: the request was damaged or cut on the way. */
static int retryable(uint8_t code)
{
	return code == RH_PERR_BAD_CRC || code == RH_PERR_TRUNCATED || code == RH_PERR_FRAMING || code == RH_PERR_BUSY;
}

static int error_frame(struct rh_link *l, uint8_t op, struct rh_err *err)
{
	l->stats.error_frames++;
	if (rh_perror_parse(l->frame.payload, l->frame.len, &l->last_error, err))
		return RH_E_FORMAT;
	return rh_err_set(err, RH_E_TRANSPORT, "board answered %s to %s (request op 0x%02x, detail %u)",
	                  rh_perr_name(l->last_error.code), rh_cmd_name(op), l->last_error.op, l->last_error.detail);
}

static int send_request(struct rh_link *l, uint8_t op, const uint8_t *payload, size_t len, struct rh_err *err)
{
	size_t n;
	int r = rh_proto_encode(l->seq, op, payload, len, l->tx, sizeof(l->tx), &n, err);
	if (r)
		return r;
	return rh_transport_write(l->t, l->tx, n, err);
}

int rh_link_request(struct rh_link *l, uint8_t op, const uint8_t *payload, size_t len, int extra_ms,
                    const struct rh_frame **resp, struct rh_err *err)
{
	struct rh_err last = {0};
	l->seq++;
	for (int attempt = 0; attempt <= l->retries; attempt++) {
		if (attempt)
			l->stats.retries++;
		int r = send_request(l, op, payload, len, err);
		if (r)
			return r;
		r = next_frame(l, l->seq, l->timeout_ms + extra_ms, &last);
		if (r == RH_E_TIMEOUT) {
			l->stats.timeouts++;
			continue;
		}
		if (r)
			return rh_err_set(err, r, "%s", last.msg);
		if (l->frame.op == RH_PROTO_OP_ERROR) {
			r = error_frame(l, op, &last);
			if (r == RH_E_TRANSPORT && retryable(l->last_error.code))
				continue;
			return rh_err_set(err, r, "%s", last.msg);
		}
		if (l->frame.op != (op | RH_PROTO_OP_RESPONSE))
			return rh_err_set(err, RH_E_FORMAT, "answer to %s has opcode 0x%02x, expected 0x%02x",
			                  rh_cmd_name(op), l->frame.op, op | RH_PROTO_OP_RESPONSE);
		l->stats.requests++;
		*resp = &l->frame;
		return 0;
	}
	return rh_err_set(err, last.code ? last.code : RH_E_TIMEOUT, "%s: no valid answer in %d attempts: %s",
	                  rh_cmd_name(op), l->retries + 1, last.msg);
}

int rh_link_identify(struct rh_link *l, struct rh_identify *id, struct rh_err *err)
{
	const struct rh_frame *f;
	int r = rh_link_request(l, RH_CMD_IDENTIFY, NULL, 0, 0, &f, err);
	if (r)
		return r;
	return rh_identify_parse(f->payload, f->len, id, err);
}

/* The results of one RUN_BATCH of k descriptors, idx their places in out: each into out and
 * have, until all k came or the rest of the batch is lost (a timeout, an ERROR a resend can
 * cure; *last says why). Returns 0 with *fresh the results new to out, or an error that ends
 * the run. */
static int recv_batch(struct rh_link *l, size_t k, const size_t *idx, int run_ms, unsigned char *have,
                      struct rh_result *out, size_t *fresh, struct rh_err *last, struct rh_err *err)
{
	*fresh = 0;
	for (size_t got = 0; got < k; got++) {
		int q = next_frame(l, l->seq, l->timeout_ms + run_ms, last);
		if (q == RH_E_TIMEOUT) {
			l->stats.timeouts++;
			return 0; /* the rest of this batch is lost: send it again */
		}
		if (q)
			return rh_err_set(err, q, "%s", last->msg);
		const struct rh_frame *fr = &l->frame;
		if (fr->op == RH_PROTO_OP_ERROR) {
			q = error_frame(l, RH_CMD_RUN_BATCH, last);
			if (q == RH_E_TRANSPORT && retryable(l->last_error.code))
				return 0;
			return rh_err_set(err, q, "%s", last->msg);
		}
		if (fr->op != (RH_CMD_RUN_BATCH | RH_PROTO_OP_RESPONSE) || fr->len < RH_PROTO_BATCH_RES_HDR)
			return rh_err_set(err, RH_E_FORMAT,
			                  "batch result frame op 0x%02x, %u bytes, expected op 0x%02x", fr->op, fr->len,
			                  RH_CMD_RUN_BATCH | RH_PROTO_OP_RESPONSE);
		unsigned bi = rh_get_u16(fr->payload), bn = rh_get_u16(fr->payload + 2);
		if (bn != k || bi >= k)
			return rh_err_set(err, RH_E_FORMAT, "batch result %u of %u, expected an index below %zu of %zu",
			                  bi, bn, k, k);
		struct rh_result res;
		q = rh_result_parse(fr->payload + RH_PROTO_BATCH_RES_HDR, fr->len - RH_PROTO_BATCH_RES_HDR, &res, err);
		if (q)
			return q;
		if (!have[idx[bi]]) {
			out[idx[bi]] = res;
			have[idx[bi]] = 1;
			++*fresh;
		}
	}
	return 0;
}

int rh_link_run_faults(struct rh_link *l, const struct rh_fault *f, size_t n, size_t batch, int run_ms,
                       struct rh_result *out, struct rh_err *err)
{
	if (batch < 1 || batch > RH_PROTO_BATCH_MAX)
		return rh_err_set(err, RH_E_INVAL, "batch of %zu, expected 1 to %d", batch, RH_PROTO_BATCH_MAX);
	unsigned char *have = calloc(n ? n : 1, 1);
	size_t *idx = malloc(batch * sizeof(*idx));
	struct rh_fault *desc = malloc(batch * sizeof(*desc));
	uint8_t *pay = malloc(RH_PROTO_MAX_PAYLOAD);
	int r = 0, fails = 0;
	struct rh_err last = {0};
	if (!have || !idx || !desc || !pay) {
		r = rh_err_set(err, RH_E_NOMEM, "out of memory for a batch of %zu", batch);
		goto out;
	}
	size_t left = n, scan = 0;
	while (left) {
		/* The next descriptors still without a result, in order. */
		size_t k = 0;
		for (size_t i = 0; i < n && k < batch; i++) {
			size_t j = (scan + i) % n;
			if (!have[j]) {
				idx[k] = j;
				desc[k++] = f[j];
			}
		}
		scan = (idx[k - 1] + 1) % n;
		size_t plen, progress;
		r = rh_batch_pack(desc, k, pay, RH_PROTO_MAX_PAYLOAD, &plen, err);
		if (r)
			goto out;
		l->seq++;
		r = send_request(l, RH_CMD_RUN_BATCH, pay, plen, err);
		if (r)
			goto out;
		r = recv_batch(l, k, idx, run_ms, have, out, &progress, &last, err);
		if (r)
			goto out;
		left -= progress;
		if (progress) {
			l->stats.requests++;
			fails = 0;
		} else if (++fails > l->retries) {
			r = rh_err_set(err, last.code ? last.code : RH_E_TIMEOUT,
			               "RUN_BATCH: no result in %d attempts, %zu of %zu faults done: %s", fails,
			               n - left, n, last.msg);
			goto out;
		}
		if (left && progress < k)
			l->stats.retries++;
	}
out:
	free(have);
	free(idx);
	free(desc);
	free(pay);
	return r;
}
