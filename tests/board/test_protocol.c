/* rahil: unit tests of the framed protocol (host/link/protocol.c): CRC, round trips, every
 * single-bit corruption, bad length, truncation, resynchronisation after garbage, payloads. */
#include <stdint.h>
#include <stdlib.h>

#include "protocol.h"
#include "tb.h"

/* xorshift32: deterministic test data. */
static uint32_t rnd(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Everything a parser said about one byte stream. */
struct events {
	int n_frames, n_crc, n_len, n_trunc;
	struct rh_frame last;
	int last_start; /* stream offset where the last good frame began */
};

/* Feed stream in chunks of `chunk` bytes (0: all at once), then end the input and drain. */
static int drive(const uint8_t *s, size_t n, size_t chunk, struct events *ev)
{
	static struct rh_proto_parser p; /* large; static keeps it off the stack (tests only) */
	struct rh_frame *f = malloc(sizeof(*f));
	if (!f)
		return -1;
	struct rh_err err;
	memset(ev, 0, sizeof(*ev));
	rh_proto_parser_init(&p);
	size_t off = 0;
	int r;
	for (;;) {
		while ((r = rh_proto_next(&p, f, &err)) != 0) {
			if (r == 1) {
				ev->n_frames++;
				ev->last = *f;
			} else if (p.fault == RH_PF_BAD_CRC && r == RH_E_CRC) {
				ev->n_crc++;
			} else if (p.fault == RH_PF_BAD_LEN && r == RH_E_FORMAT) {
				ev->n_len++;
			} else {
				free(f);
				return -1;
			}
		}
		if (off == n) {
			r = rh_proto_end(&p, &err);
			if (r == 0)
				break;
			if (r != RH_E_TIMEOUT || p.fault != RH_PF_TRUNCATED) {
				free(f);
				return -1;
			}
			ev->n_trunc++;
			continue;
		}
		size_t want = chunk ? chunk : n - off;
		if (want > n - off)
			want = n - off;
		off += rh_proto_feed(&p, s + off, want);
	}
	free(f);
	return 0;
}

static enum tb_result t_crc_check_value(void)
{
	const uint8_t s[] = "123456789";
	TB_CHECK_EQ(rh_crc16(RH_PROTO_CRC_INIT, s, 9), 0x29B1);
	/* Continuation: two halves give the same CRC as the whole. */
	TB_CHECK_EQ(rh_crc16(rh_crc16(RH_PROTO_CRC_INIT, s, 4), s + 4, 5), 0x29B1);
	return TB_PASS;
}

static enum tb_result t_encode_layout(void)
{
	uint8_t out[32];
	size_t n = 0;
	const uint8_t pay[3] = {0x10, 0x20, 0x30};
	TB_CHECK_EQ(rh_proto_encode(7, RH_CMD_ECHO, pay, 3, out, sizeof(out), &n, NULL), 0);
	TB_CHECK_EQ(n, 10);
	TB_CHECK_EQ(out[0], 0xA5);
	TB_CHECK_EQ(out[1], 7);
	TB_CHECK_EQ(out[2], 0x09);
	TB_CHECK_EQ(out[3], 3);
	TB_CHECK_EQ(out[4], 0);
	TB_CHECK_EQ(out[5], 0x10);
	/* The CRC: t_doc_examples (this frame is the document's ECHO example). */
	return TB_PASS;
}

/* The frame examples of docs/protocol.md ("Frame"), byte for byte as the document writes them;
 * the CRCs were computed apart from host/link/protocol.c. */
static const struct doc_frame {
	const char *what;
	uint8_t seq, op;
	uint8_t payload[3];
	size_t len;
	uint8_t bytes[10];
	size_t n;
} doc_frames[] = {
    {"IDENTIFY, SEQ 0", 0x00, 0x01, {0}, 0, {0xA5, 0x00, 0x01, 0x00, 0x00, 0xF0, 0xB3}, 7},
    {"ECHO 10 20 30, SEQ 7",
     0x07,
     0x09,
     {0x10, 0x20, 0x30},
     3,
     {0xA5, 0x07, 0x09, 0x03, 0x00, 0x10, 0x20, 0x30, 0x6C, 0x3D},
     10},
};

static void print_hex(const char *label, const uint8_t *p, size_t n)
{
	fprintf(stderr, "  %s:", label);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %02X", p[i]);
	fprintf(stderr, "\n");
}

/* The encoder writes each example exactly, its CRC is the document's, and the parser accepts
 * it whole and byte by byte. */
static enum tb_result t_doc_examples(void)
{
	for (size_t i = 0; i < sizeof(doc_frames) / sizeof(doc_frames[0]); i++) {
		const struct doc_frame *d = &doc_frames[i];
		uint8_t out[32];
		size_t n = 0;
		int r = rh_proto_encode(d->seq, d->op, d->len ? d->payload : NULL, d->len, out, sizeof(out), &n, NULL);
		TB_CHECK_EQ(r, 0);
		if (n != d->n || memcmp(out, d->bytes, d->n) != 0) {
			fprintf(stderr, "  %s: the encoder's frame differs from docs/protocol.md\n", d->what);
			print_hex("encoder", out, n);
			print_hex("document", d->bytes, d->n);
			return TB_FAIL;
		}
		TB_CHECK_EQ(rh_crc16(RH_PROTO_CRC_INIT, d->bytes + 1, d->n - 3),
		            d->bytes[d->n - 2] | d->bytes[d->n - 1] << 8);
		for (size_t chunk = 0; chunk <= 1; chunk++) {
			struct events ev;
			TB_CHECK_EQ(drive(d->bytes, d->n, chunk, &ev), 0);
			TB_CHECK_EQ(ev.n_frames, 1);
			TB_CHECK_EQ(ev.n_crc + ev.n_len + ev.n_trunc, 0);
			TB_CHECK_EQ(ev.last.seq, d->seq);
			TB_CHECK_EQ(ev.last.op, d->op);
			TB_CHECK_EQ(ev.last.len, d->len);
			TB_CHECK(memcmp(ev.last.payload, d->payload, d->len) == 0);
		}
	}
	return TB_PASS;
}

static enum tb_result t_encode_rejects(void)
{
	static uint8_t big[RH_PROTO_MAX_FRAME + 8];
	struct rh_err err;
	size_t n;
	TB_CHECK_EQ(rh_proto_encode(0, 1, big, RH_PROTO_MAX_PAYLOAD + 1, big, sizeof(big), &n, &err), RH_E_INVAL);
	TB_CHECK(strstr(err.msg, "1025") != NULL);
	TB_CHECK_EQ(rh_proto_encode(0, 1, big, 4, big, 10, &n, &err), RH_E_INVAL);
	TB_CHECK_EQ(rh_proto_encode(0, 1, NULL, 4, big, sizeof(big), &n, &err), RH_E_INVAL);
	return TB_PASS;
}

static enum tb_result t_round_trip(void)
{
	static uint8_t pay[RH_PROTO_MAX_PAYLOAD], buf[RH_PROTO_MAX_FRAME];
	const size_t lens[] = {0, 1, 2, 5, 255, 256, 1023, RH_PROTO_MAX_PAYLOAD};
	const size_t chunks[] = {0, 1, 3, 7, 64, 1031};
	uint32_t s = 1;
	for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
		for (size_t i = 0; i < lens[li]; i++)
			pay[i] = (uint8_t)rnd(&s);
		size_t n;
		TB_CHECK_EQ(rh_proto_encode((uint8_t)li, 0x85, pay, lens[li], buf, sizeof(buf), &n, NULL), 0);
		for (size_t ci = 0; ci < sizeof(chunks) / sizeof(chunks[0]); ci++) {
			struct events ev;
			TB_CHECK_EQ(drive(buf, n, chunks[ci], &ev), 0);
			TB_CHECK_EQ(ev.n_frames, 1);
			TB_CHECK_EQ(ev.n_crc + ev.n_len + ev.n_trunc, 0);
			TB_CHECK_EQ(ev.last.seq, li);
			TB_CHECK_EQ(ev.last.op, 0x85);
			TB_CHECK_EQ(ev.last.len, lens[li]);
			TB_CHECK(memcmp(ev.last.payload, pay, lens[li]) == 0);
		}
	}
	return TB_PASS;
}

static enum tb_result t_back_to_back(void)
{
	uint8_t s[400];
	size_t off = 0;
	for (int i = 0; i < 20; i++) {
		uint8_t pay[4] = {(uint8_t)i, 0xA5, 0xA5, (uint8_t)~i}; /* start bytes inside */
		size_t n;
		TB_CHECK_EQ(
		    rh_proto_encode((uint8_t)i, RH_CMD_ECHO, pay, (size_t)(i % 5), s + off, sizeof(s) - off, &n, NULL),
		    0);
		off += n;
	}
	struct events ev;
	TB_CHECK_EQ(drive(s, off, 1, &ev), 0);
	TB_CHECK_EQ(ev.n_frames, 20);
	TB_CHECK_EQ(ev.n_crc + ev.n_len + ev.n_trunc, 0);
	TB_CHECK_EQ(ev.last.seq, 19);
	return TB_PASS;
}

/* Flip every bit of a frame, one at a time: the frame must never come out as good. */
static enum tb_result t_every_single_bit_corruption(void)
{
	uint8_t frame[64], bad[64];
	const uint8_t pay[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	size_t n;
	TB_CHECK_EQ(rh_proto_encode(42, RH_CMD_RUN_FAULT, pay, sizeof(pay), frame, sizeof(frame), &n, NULL), 0);
	int seen_crc = 0, seen_len = 0, seen_trunc = 0;
	for (size_t bit = 0; bit < 8 * n; bit++) {
		memcpy(bad, frame, n);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		struct events ev;
		TB_CHECK_EQ(drive(bad, n, 0, &ev), 0);
		if (ev.n_frames) {
			fprintf(stderr, "  bit %zu flipped and the frame still parsed\n", bit);
			return TB_FAIL;
		}
		size_t byte = bit / 8;
		if (byte == 0) /* start byte gone: the rest is garbage, nothing reported */
			TB_CHECK_EQ(ev.n_crc + ev.n_len + ev.n_trunc, 0);
		else /* everything else is noticed */
			TB_CHECK(ev.n_crc + ev.n_len + ev.n_trunc >= 1);
		seen_crc += ev.n_crc;
		seen_len += ev.n_len;
		seen_trunc += ev.n_trunc;
	}
	/* High length bits give a length above the maximum; low ones a short or long frame. */
	TB_CHECK(seen_crc > 0);
	TB_CHECK(seen_len > 0);
	TB_CHECK(seen_trunc > 0);
	return TB_PASS;
}

static enum tb_result t_bad_crc(void)
{
	static struct rh_proto_parser p;
	static struct rh_frame f;
	struct rh_err err;
	uint8_t fr[16];
	size_t n;
	TB_CHECK_EQ(rh_proto_encode(3, RH_CMD_RESET, NULL, 0, fr, sizeof(fr), &n, NULL), 0);
	fr[n - 1] ^= 0x40;
	rh_proto_parser_init(&p);
	TB_CHECK_EQ(rh_proto_feed(&p, fr, n), n);
	TB_CHECK_EQ(rh_proto_next(&p, &f, &err), RH_E_CRC);
	TB_CHECK_EQ(p.fault, RH_PF_BAD_CRC);
	TB_CHECK_EQ(p.bad_crc, 1);
	TB_CHECK(strstr(err.msg, "expected 0x") != NULL);
	TB_CHECK_EQ(rh_proto_next(&p, &f, &err), 0);
	TB_CHECK_EQ(rh_proto_end(&p, &err), 0); /* the rest has no start byte */
	return TB_PASS;
}

static enum tb_result t_bad_length(void)
{
	static struct rh_proto_parser p;
	static struct rh_frame f;
	struct rh_err err;
	const uint8_t hdr[5] = {0xA5, 1, RH_CMD_LOAD_MODEL, 0x01, 0x04}; /* 1025 */
	rh_proto_parser_init(&p);
	TB_CHECK_EQ(rh_proto_feed(&p, hdr, 4), 4);
	TB_CHECK_EQ(rh_proto_next(&p, &f, &err), 0); /* length not complete yet */
	TB_CHECK_EQ(rh_proto_feed(&p, hdr + 4, 1), 1);
	TB_CHECK_EQ(rh_proto_next(&p, &f, &err), RH_E_FORMAT); /* known at once, no waiting */
	TB_CHECK_EQ(p.fault, RH_PF_BAD_LEN);
	TB_CHECK(strstr(err.msg, "1025") != NULL && strstr(err.msg, "1024") != NULL);
	TB_CHECK_EQ(p.bad_len, 1);
	/* A good frame right behind is still taken. */
	uint8_t fr[16];
	size_t n;
	TB_CHECK_EQ(rh_proto_encode(2, RH_CMD_IDENTIFY, NULL, 0, fr, sizeof(fr), &n, NULL), 0);
	TB_CHECK_EQ(rh_proto_feed(&p, fr, n), n);
	TB_CHECK_EQ(rh_proto_next(&p, &f, &err), 1);
	TB_CHECK_EQ(f.seq, 2);
	return TB_PASS;
}

static enum tb_result t_truncated(void)
{
	static struct rh_proto_parser p;
	static struct rh_frame f;
	struct rh_err err;
	uint8_t fr[64];
	size_t n;
	const uint8_t pay[20] = {0};
	TB_CHECK_EQ(rh_proto_encode(9, RH_CMD_LOAD_IMAGE, pay, sizeof(pay), fr, sizeof(fr), &n, NULL), 0);
	for (size_t cut = 1; cut < n; cut++) {
		rh_proto_parser_init(&p);
		TB_CHECK_EQ(rh_proto_feed(&p, fr, cut), cut);
		TB_CHECK_EQ(rh_proto_next(&p, &f, &err), 0);
		TB_CHECK_EQ(rh_proto_end(&p, &err), RH_E_TIMEOUT);
		TB_CHECK_EQ(p.fault, RH_PF_TRUNCATED);
		TB_CHECK(strstr(err.msg, "truncated") != NULL);
		/* The zero payload holds no start byte, so nothing else is pending. */
		TB_CHECK_EQ(rh_proto_next(&p, &f, &err), 0);
		TB_CHECK_EQ(rh_proto_end(&p, &err), 0);
		TB_CHECK_EQ(p.truncated, 1);
	}
	return TB_PASS;
}

static enum tb_result t_resync_after_garbage(void)
{
	static uint8_t s[4096];
	uint32_t seed = 7;
	for (int trial = 0; trial < 300; trial++) {
		size_t g = rnd(&seed) % 1500;
		for (size_t i = 0; i < g; i++) /* plenty of start bytes in the garbage */
			s[i] = (rnd(&seed) & 3) ? (uint8_t)rnd(&seed) : RH_PROTO_SOF;
		uint8_t pay[6] = {0xA5, 0xA5, 0, 0, 0xA5, (uint8_t)trial};
		size_t n;
		TB_CHECK_EQ(rh_proto_encode(0x5A, RH_CMD_ECHO, pay, sizeof(pay), s + g, sizeof(s) - g, &n, NULL), 0);
		struct events ev;
		TB_CHECK_EQ(drive(s, g + n, 1 + trial % 50, &ev), 0);
		/* The frame comes out last; a CRC collision in the garbage could only add frames. */
		TB_CHECK(ev.n_frames >= 1);
		TB_CHECK_EQ(ev.last.seq, 0x5A);
		TB_CHECK_EQ(ev.last.len, 6);
		TB_CHECK_EQ(ev.last.payload[5], (uint8_t)trial);
	}
	return TB_PASS;
}

/* A false start byte whose length swallows the real frame: the rescan still finds it. */
static enum tb_result t_resync_false_start(void)
{
	uint8_t s[256];
	const uint8_t fake[5] = {0xA5, 0x00, 0x00, 100, 0x00}; /* claims 100 bytes */
	memcpy(s, fake, 5);
	size_t n;
	TB_CHECK_EQ(rh_proto_encode(11, RH_CMD_RUN, NULL, 0, s + 5, sizeof(s) - 5, &n, NULL), 0);
	struct events ev;
	TB_CHECK_EQ(drive(s, 5 + n, 1, &ev), 0);
	TB_CHECK_EQ(ev.n_frames, 1);
	TB_CHECK_EQ(ev.n_trunc, 1);
	TB_CHECK_EQ(ev.last.seq, 11);
	/* Same, but followed by enough bytes to complete the fake frame: a CRC error, then the
	 * real frame from the rescan. */
	memset(s + 5 + n, 0x11, 120);
	TB_CHECK_EQ(drive(s, 5 + n + 120, 0, &ev), 0);
	TB_CHECK_EQ(ev.n_crc, 1);
	TB_CHECK_EQ(ev.n_frames, 1);
	TB_CHECK_EQ(ev.last.seq, 11);
	return TB_PASS;
}

static enum tb_result t_feed_bounded(void)
{
	static struct rh_proto_parser p;
	static uint8_t junk[5000];
	memset(junk, 0x00, sizeof(junk));
	rh_proto_parser_init(&p);
	size_t took = rh_proto_feed(&p, junk, sizeof(junk));
	TB_CHECK_EQ(took, RH_PROTO_MAX_FRAME);
	TB_CHECK_EQ(rh_proto_feed(&p, junk, 1), 0);
	static struct rh_frame f;
	TB_CHECK_EQ(rh_proto_next(&p, &f, NULL), 0);
	TB_CHECK_EQ(p.garbage, RH_PROTO_MAX_FRAME);
	TB_CHECK_EQ(rh_proto_feed(&p, junk, 1), 1);
	return TB_PASS;
}

static enum tb_result t_payload_identify(void)
{
	struct rh_identify a = {.version = RH_PROTO_VERSION,
	                        .rows = 4,
	                        .cols = 4,
	                        .chain_len = 123456,
	                        .ffmap_hash = 0xDEADBEEF,
	                        .max_payload = 1024,
	                        .batch_max = 64,
	                        .clk_hz = 12000000,
	                        .n_classes = 10,
	                        .flags = RH_ID_F_CORE},
	                   b;
	uint8_t buf[RH_PROTO_IDENTIFY_LEN];
	rh_identify_pack(&a, buf);
	TB_CHECK_EQ(rh_identify_parse(buf, sizeof(buf), &b, NULL), 0);
	TB_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	struct rh_err err;
	TB_CHECK_EQ(rh_identify_parse(buf, sizeof(buf) - 1, &b, &err), RH_E_FORMAT);
	buf[0] = 2;
	TB_CHECK_EQ(rh_identify_parse(buf, sizeof(buf), &b, &err), RH_E_VERSION);
	TB_CHECK(strstr(err.msg, "version 2") != NULL);
	return TB_PASS;
}

static enum tb_result t_payload_result(void)
{
	struct rh_result a, b;
	memset(&a, 0, sizeof(a));
	a.end = RH_RUN_DONE;
	a.cls = 7;
	a.n_logits = 10;
	a.cycles = 987654;
	for (int i = 0; i < 10; i++)
		a.logits[i] = (i - 5) * 100000 - 3;
	uint8_t buf[RH_PROTO_RESULT_HDR + 4 * RH_PROTO_MAX_LOGITS];
	size_t n = rh_result_pack(&a, buf, sizeof(buf));
	TB_CHECK_EQ(n, 48);
	memset(&b, 0, sizeof(b));
	TB_CHECK_EQ(rh_result_parse(buf, n, &b, NULL), 0);
	TB_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	TB_CHECK_EQ(rh_result_parse(buf, n - 4, &b, NULL), RH_E_FORMAT);
	buf[0] = 9;
	TB_CHECK_EQ(rh_result_parse(buf, n, &b, NULL), RH_E_FORMAT);
	TB_CHECK_EQ(rh_result_pack(&a, buf, 20), 0);
	/* A hang's class byte means nothing: it parses as -1. */
	a.end = RH_RUN_HANG;
	n = rh_result_pack(&a, buf, sizeof(buf));
	TB_CHECK_EQ(rh_result_parse(buf, n, &b, NULL), 0);
	TB_CHECK_EQ(b.end, RH_RUN_HANG);
	TB_CHECK_EQ(b.cls, -1);
	a.end = RH_RUN_HELD; /* not a wire status */
	TB_CHECK_EQ(rh_result_pack(&a, buf, sizeof(buf)), 0);
	return TB_PASS;
}

static enum tb_result t_payload_batch(void)
{
	struct rh_fault f[RH_PROTO_BATCH_MAX], g[RH_PROTO_BATCH_MAX];
	for (int i = 0; i < RH_PROTO_BATCH_MAX; i++) /* every third a null injection (bit 31) */
		f[i] = (struct rh_fault){.bit = (uint32_t)(i * 1000003u) & 0x7fffffffu,
		                         .cycle = (uint32_t)(i * 77u + 1),
		                         .no_flip = i % 3 == 2};
	uint8_t buf[RH_PROTO_MAX_PAYLOAD];
	size_t n, m;
	struct rh_err err;
	TB_CHECK_EQ(rh_batch_pack(f, 32, buf, sizeof(buf), &n, NULL), 0);
	TB_CHECK_EQ(n, 4 + 32 * 8);
	TB_CHECK_EQ(rh_batch_parse(buf, n, g, &m, NULL), 0);
	TB_CHECK_EQ(m, 32);
	for (int i = 0; i < 32; i++) {
		TB_CHECK_EQ(g[i].bit, f[i].bit);
		TB_CHECK_EQ(g[i].cycle, f[i].cycle);
		TB_CHECK_EQ(g[i].no_flip, f[i].no_flip);
	}
	TB_CHECK_EQ(rh_get_u32(buf + 4 + 8 * 2), f[2].bit | RH_PROTO_NO_FLIP); /* on the wire: bit 31 */
	TB_CHECK_EQ(rh_batch_pack(f, 0, buf, sizeof(buf), &n, &err), RH_E_INVAL);
	TB_CHECK_EQ(rh_batch_pack(f, RH_PROTO_BATCH_MAX + 1, buf, sizeof(buf), &n, &err), RH_E_INVAL);
	TB_CHECK_EQ(rh_batch_pack(f, RH_PROTO_BATCH_MAX, buf, sizeof(buf), &n, &err), 0);
	TB_CHECK(n <= RH_PROTO_MAX_PAYLOAD);
	TB_CHECK_EQ(rh_batch_parse(buf, n - 1, g, &m, &err), RH_E_FORMAT);
	rh_put_u16(buf, 0);
	TB_CHECK_EQ(rh_batch_parse(buf, 4, g, &m, &err), RH_E_FORMAT);
	return TB_PASS;
}

static enum tb_result t_payload_error(void)
{
	struct rh_perror a = {.code = RH_PERR_BAD_LEN, .op = RH_CMD_LOAD_MODEL, .detail = 2000}, b;
	uint8_t buf[RH_PROTO_ERR_LEN];
	rh_perror_pack(&a, buf);
	TB_CHECK_EQ(rh_perror_parse(buf, sizeof(buf), &b, NULL), 0);
	TB_CHECK_EQ(b.code, RH_PERR_BAD_LEN);
	TB_CHECK_EQ(b.op, RH_CMD_LOAD_MODEL);
	TB_CHECK_EQ(b.detail, 2000);
	TB_CHECK_EQ(rh_perror_parse(buf, 3, &b, NULL), RH_E_FORMAT);
	return TB_PASS;
}

static enum tb_result t_names(void)
{
	TB_CHECK(strcmp(rh_cmd_name(RH_CMD_RUN_BATCH), "RUN_BATCH") == 0);
	TB_CHECK(strcmp(rh_cmd_name(0x7E), "?") == 0);
	TB_CHECK(strcmp(rh_perr_name(RH_PERR_TRUNCATED), "TRUNCATED") == 0);
	TB_CHECK(strcmp(rh_perr_name(0), "?") == 0);
	/* Responses and errors must not collide with requests. */
	TB_CHECK((RH_CMD_ECHO & RH_PROTO_OP_RESPONSE) == 0);
	TB_CHECK((RH_PROTO_OP_ERROR & RH_PROTO_OP_RESPONSE) != 0);
	/* A full batch of 32 must fit one frame (one round trip per 32 injections). */
	TB_CHECK(RH_PROTO_BATCH_HDR + 32 * RH_PROTO_FAULT_LEN <= RH_PROTO_MAX_PAYLOAD);
	TB_CHECK(RH_PROTO_BATCH_MAX >= 32);
	return TB_PASS;
}

static const struct tb_case cases[] = {
    {"crc_check_value", t_crc_check_value},
    {"encode_layout", t_encode_layout},
    {"doc_examples", t_doc_examples},
    {"encode_rejects", t_encode_rejects},
    {"round_trip", t_round_trip},
    {"back_to_back", t_back_to_back},
    {"every_single_bit_corruption", t_every_single_bit_corruption},
    {"bad_crc", t_bad_crc},
    {"bad_length", t_bad_length},
    {"truncated", t_truncated},
    {"resync_after_garbage", t_resync_after_garbage},
    {"resync_false_start", t_resync_false_start},
    {"feed_bounded", t_feed_bounded},
    {"payload_identify", t_payload_identify},
    {"payload_result", t_payload_result},
    {"payload_batch", t_payload_batch},
    {"payload_error", t_payload_error},
    {"names", t_names},
};

int main(int argc, char **argv)
{
	return tb_run("protocol", cases, sizeof(cases) / sizeof(cases[0]), argc > 1 ? argv[1] : NULL);
}
