/* rahil: fuzz target for the host frame parser (host/link/protocol.c), for libFuzzer
 * (clang -fsanitize=fuzzer). With -DRH_FUZZ_STANDALONE it builds with any C compiler and
 * runs the same checks on N pseudo-random inputs.
 *
 * Input: byte 0 picks the chunk size the stream is fed in, the rest is the byte stream.
 * Checks, besides the sanitizers:
 *  - feeding in chunks gives exactly the events of feeding all at once;
 *  - every frame the parser returns occurs, encoded, in the stream;
 *  - a valid frame appended to the stream comes out, unless a returned frame overlaps it
 *    (a false frame whose CRC happens to match, which a fuzzer can build on purpose). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_EVENTS 4096

struct log {
	size_t n;
	int ev[MAX_EVENTS];       /* 1 frame, or a negative status */
	uint32_t tag[MAX_EVENTS]; /* CRC of the frame, or the fault */
	int overlaps[MAX_EVENTS]; /* an occurrence of the frame overlaps the watched region */
};

struct ctx {
	struct rh_proto_parser p;
	struct rh_frame f;
	uint8_t enc[RH_PROTO_MAX_FRAME];
	struct log a, b;
};

static void record(struct log *lg, int ev, uint32_t tag)
{
	if (lg->n < MAX_EVENTS) {
		lg->ev[lg->n] = ev;
		lg->tag[lg->n] = tag;
		lg->n++;
	}
}

/* Parse s[0..n) fed in chunks; [w0, w1) is the watched region (an appended frame). */
static void run(struct ctx *c, const uint8_t *s, size_t n, size_t chunk, size_t w0, size_t w1, struct log *lg)
{
	memset(lg, 0, sizeof(*lg));
	rh_proto_parser_init(&c->p);
	size_t off = 0;
	for (;;) {
		int r;
		while ((r = rh_proto_next(&c->p, &c->f, NULL)) != 0) {
			if (r == 1) {
				size_t len = 0;
				if (rh_proto_encode(c->f.seq, c->f.op, c->f.payload, c->f.len, c->enc, sizeof(c->enc),
				                    &len, NULL))
					abort();
				record(lg, 1, rh_crc16(0xFFFF, c->enc, len));
				/* Where does it occur? Any occurrence may be the one parsed. */
				int found = 0, over = 0;
				for (size_t i = 0; i + len <= n; i++)
					if (s[i] == RH_PROTO_SOF && !memcmp(s + i, c->enc, len)) {
						found = 1;
						over |= i < w1 && i + len > w0;
					}
				if (!found)
					abort(); /* a frame that is not in the input */
				if (lg->n <= MAX_EVENTS)
					lg->overlaps[lg->n - 1] = over;
			} else {
				if (r != RH_E_CRC && r != RH_E_FORMAT)
					abort();
				if ((r == RH_E_CRC) != (c->p.fault == RH_PF_BAD_CRC))
					abort();
				record(lg, r, (uint32_t)c->p.fault);
			}
		}
		if (off == n) {
			r = rh_proto_end(&c->p, NULL);
			if (r == 0)
				break;
			if (r != RH_E_TIMEOUT || c->p.fault != RH_PF_TRUNCATED)
				abort();
			record(lg, r, (uint32_t)c->p.fault);
			continue;
		}
		size_t want = chunk && chunk < n - off ? chunk : n - off;
		size_t took = rh_proto_feed(&c->p, s + off, want);
		if (!took)
			abort(); /* the parser must always make room after next() returned 0 */
		off += took;
	}
	if (c->p.n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 8192)
		return 0;
	struct ctx *c = malloc(sizeof(*c));
	uint8_t *s = malloc(size + 32);
	if (!c || !s)
		abort();
	size_t chunk = data[0];
	size_t n = size - 1;
	memcpy(s, data + 1, n);

	run(c, s, n, 0, 0, 0, &c->a);
	run(c, s, n, chunk, 0, 0, &c->b);
	if (c->a.n != c->b.n || memcmp(c->a.ev, c->b.ev, c->a.n * sizeof(int)) ||
	    memcmp(c->a.tag, c->b.tag, c->a.n * sizeof(uint32_t)))
		abort();

	/* Append a valid frame and check it comes out. */
	const uint8_t pay[3] = {0xA5, 0x01, 0x02};
	size_t flen = 0;
	if (rh_proto_encode(0x77, RH_CMD_ECHO | RH_PROTO_OP_RESPONSE, pay, sizeof(pay), s + n, 32, &flen, NULL))
		abort();
	uint32_t want_tag = rh_crc16(0xFFFF, s + n, flen);
	run(c, s, n + flen, chunk, n, n + flen, &c->a);
	int got = 0, overlap = 0;
	for (size_t i = 0; i < c->a.n; i++) {
		if (c->a.ev[i] != 1)
			continue;
		if (c->a.tag[i] == want_tag)
			got = 1;
		else if (c->a.overlaps[i])
			overlap = 1;
	}
	if (!got && !overlap && c->a.n < MAX_EVENTS)
		abort();

	/* The payload decoders on the same bytes: only the sanitizers judge these. */
	struct rh_identify id;
	struct rh_result rr;
	struct rh_perror pe;
	static const size_t cap = RH_PROTO_BATCH_MAX;
	struct rh_fault *fl = malloc(cap * sizeof(*fl));
	size_t nf;
	if (!fl)
		abort();
	(void)rh_identify_parse(s, n, &id, NULL);
	(void)rh_result_parse(s, n, &rr, NULL);
	(void)rh_perror_parse(s, n, &pe, NULL);
	(void)rh_batch_parse(s, n, fl, &nf, NULL);
	free(fl);
	free(s);
	free(c);
	return 0;
}

#ifdef RH_FUZZ_STANDALONE
/* Run N pseudo-random inputs (argv[1], default 20000), biased towards frames. */
int main(int argc, char **argv)
{
	long runs = argc > 1 ? atol(argv[1]) : 20000;
	uint32_t x = 12345;
	static uint8_t buf[2048];
	uint8_t pay[10] = {0xA5, 1, 2, 3, 4, 5, 6, 7, 8, 9};
	for (long r = 0; r < runs; r++) {
		size_t n = 1 + (x % sizeof(buf));
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[i] = (x & 7) == 0 ? RH_PROTO_SOF : (x & 7) == 1 ? 0 : (uint8_t)(x >> 8);
		}
		/* Plant a valid frame in some inputs. */
		if (n > 40 && (r & 1)) {
			size_t at = 1 + (x >> 9) % (n - 30), len;
			(void)rh_proto_encode((uint8_t)r, 1, pay, 10, buf + at, n - at, &len, NULL);
		}
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("fuzz_protocol: %ld inputs, no failure\n", runs);
	return 0;
}
#endif
