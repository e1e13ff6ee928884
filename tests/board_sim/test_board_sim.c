/* rahil: system tests of the verilated board design (firmware/rh_board.v) through its host
 * link: identify, echo, error frames, a real model loaded and run bit-exact against the C
 * reference, a RUN_BATCH of faults in one round trip, state readout, and random byte streams
 * that must never wedge it. Host side: host/link/protocol.c frames, host/accel/accel_image.c images.
 * Ends with "N passed, N failed, N skipped". */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "accel_image.h"
#include "backend.h"
#include "error.h"
#include "dataset.h"
#include "model.h"
#include "protocol.h"
#include "quant.h"
#include "refmodel.h"
#include "rh_board_sim.h"
#include "rng.h"

/* host/backend/backend_link.c (not declared in backend.h yet) */
extern const struct rh_backend_ops rh_backend_serial_ops;

static int same(const struct rh_result *a, const struct rh_result *b, int n)
{
	return a->end == b->end && a->cls == b->cls && a->cycles == b->cycles &&
	       (a->end == RH_RUN_HANG || !memcmp(a->logits, b->logits, sizeof(int32_t) * (size_t)n));
}

#define MAX_CLOCKS 20000000ull /* bound on one request's answer */
#define N_IMAGES   4
#define N_BATCH    48

enum status { T_OK, T_FAIL, T_SKIP };

struct link {
	struct rh_board_sim *sim;
	struct rh_proto_parser parser;
	uint8_t seq;
	uint64_t round_trips; /* request frames whose answers were waited for */
	uint64_t bytes_out, bytes_in;
	uint8_t pend[4096]; /* pulled from the board, not yet fed to the parser */
	size_t pend_n, pend_off;
};

struct ctx {
	const char *models;
	const char *rahil_sim; /* path of the standalone simulator, NULL: skip its test */
	struct link byte_link; /* byte interface, the fast one */
	struct rh_model mlp;
	int have_mlp;
	struct rh_accel_image img;
	int have_img;
	int loaded;
	struct rh_dataset data;
	int have_data;
	struct rh_identify id;
	uint32_t budget;
	struct rh_result golden; /* image 0 */
	char why[256];
};

static enum status failf(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static enum status failf(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return T_FAIL;
}

#define CHECK(cond, ...)                                                                                               \
	do {                                                                                                           \
		if (!(cond))                                                                                           \
			return failf(c, __VA_ARGS__);                                                                  \
	} while (0)

static int link_open(struct link *l, unsigned flags, struct rh_err *err)
{
	memset(l, 0, sizeof(*l));
	rh_proto_parser_init(&l->parser);
	return rh_board_sim_create(&l->sim, flags, err);
}

static void link_close(struct link *l)
{
	rh_board_sim_destroy(l->sim);
	l->sim = NULL;
}

static void send_raw(struct link *l, const uint8_t *p, size_t n)
{
	rh_board_sim_push(l->sim, p, n);
	l->bytes_out += n;
}

static int send_frame(struct link *l, uint8_t op, const uint8_t *payload, size_t len)
{
	static uint8_t buf[RH_PROTO_MAX_FRAME];
	size_t n;
	struct rh_err err = {0, ""};
	if (rh_proto_encode(++l->seq, op, payload, len, buf, sizeof(buf), &n, &err))
		return -1;
	send_raw(l, buf, n);
	return 0;
}

/* Step the board until the parser yields one good frame; 0 ok, -1 timeout, -2 bad frame. */
static int recv_frame(struct link *l, struct rh_frame *f, uint64_t max_clocks)
{
	uint64_t spent = 0;
	for (;;) {
		struct rh_err err = {0, ""};
		int rc = rh_proto_next(&l->parser, f, &err);
		if (rc == 1)
			return 0;
		if (rc < 0)
			return -2;
		if (l->pend_off < l->pend_n) {
			l->pend_off += rh_proto_feed(&l->parser, l->pend + l->pend_off, l->pend_n - l->pend_off);
			continue;
		}
		size_t n = rh_board_sim_pull(l->sim, l->pend, sizeof(l->pend));
		if (n == 0) {
			if (spent >= max_clocks)
				return -1;
			spent += rh_board_sim_step_until(l->sim, 1, 100000);
			continue;
		}
		l->pend_n = n;
		l->pend_off = 0;
		l->bytes_in += n;
	}
}

/* One request, one answer. */
static int xfer(struct link *l, uint8_t op, const uint8_t *payload, size_t len, struct rh_frame *f)
{
	if (send_frame(l, op, payload, len))
		return -3;
	l->round_trips++;
	return recv_frame(l, f, MAX_CLOCKS);
}

/* Expect an ERROR frame with this code for this request. */
static enum status expect_error(struct ctx *c, struct link *l, uint8_t op, const uint8_t *payload, size_t len, int code)
{
	static struct rh_frame f;
	int rc = xfer(l, op, payload, len, &f);
	CHECK(rc == 0, "%s: no answer (%d)", rh_cmd_name(op), rc);
	CHECK(f.op == RH_PROTO_OP_ERROR, "%s: answer op 0x%02x, expected an ERROR frame", rh_cmd_name(op), f.op);
	struct rh_perror e;
	struct rh_err err = {0, ""};
	CHECK(rh_perror_parse(f.payload, f.len, &e, &err) == 0, "%s", err.msg);
	CHECK(e.code == code, "%s: error %s, expected %s", rh_cmd_name(op), rh_perr_name(e.code), rh_perr_name(code));
	CHECK(e.op == op, "%s: error frame names op 0x%02x", rh_cmd_name(op), e.op);
	CHECK(f.seq == l->seq, "%s: error frame seq %u, expected %u", rh_cmd_name(op), f.seq, l->seq);
	return T_OK;
}

static enum status do_identify(struct ctx *c, struct link *l, struct rh_identify *id)
{
	static struct rh_frame f;
	struct rh_err err = {0, ""};
	int rc = xfer(l, RH_CMD_IDENTIFY, NULL, 0, &f);
	CHECK(rc == 0, "IDENTIFY: no answer (%d)", rc);
	CHECK(f.op == (RH_CMD_IDENTIFY | RH_PROTO_OP_RESPONSE), "IDENTIFY: answer op 0x%02x", f.op);
	CHECK(f.seq == l->seq, "IDENTIFY: seq %u, expected %u", f.seq, l->seq);
	CHECK(rh_identify_parse(f.payload, f.len, id, &err) == 0, "IDENTIFY: %s", err.msg);
	return T_OK;
}

static enum status t_identify(struct ctx *c)
{
	struct rh_identify *id = &c->id;
	enum status st = do_identify(c, &c->byte_link, id);
	if (st != T_OK)
		return st;
	struct rh_board_sim_info info;
	rh_board_sim_info(c->byte_link.sim, &info);
	CHECK(id->rows == info.rows && id->cols == info.cols, "geometry %ux%u, built %dx%d", id->rows, id->cols,
	      info.rows, info.cols);
	CHECK(id->chain_len > 0, "chain length 0");
	CHECK(id->max_payload == RH_PROTO_MAX_PAYLOAD, "max payload %u", id->max_payload);
	CHECK(id->batch_max == RH_PROTO_BATCH_MAX, "batch max %u", id->batch_max);
	CHECK(id->clk_hz == info.clk_hz, "clock %u Hz", id->clk_hz);
	CHECK(id->n_classes == 10, "%u classes", id->n_classes);
	CHECK(id->flags & RH_ID_F_CORE, "no core flag");
	/* built with the hash of the bitstream's FF-map file; the host computes it from its table */
	CHECK(id->ffmap_hash == rh_ffmap_hash(&rh_ffmap_ice40), "FF-map hash %08x, the bitstream's map hashes to %08x",
	      id->ffmap_hash, rh_ffmap_hash(&rh_ffmap_ice40));
	const struct rh_ffmap *map = NULL;
	struct rh_err err;
	CHECK(rh_ffmap_match(id->ffmap_hash, id->rows, id->cols, id->chain_len, &map, &err) == 0, "%s", err.msg);
	printf("      %ux%u array, chain %u bits, %u Hz, hash 0x%08x\n", id->rows, id->cols, id->chain_len, id->clk_hz,
	       id->ffmap_hash);
	return T_OK;
}

static enum status t_echo(struct ctx *c)
{
	static uint8_t p[RH_PROTO_MAX_PAYLOAD];
	static struct rh_frame f;
	static const size_t lens[] = {0, 1, 7, 255, 256, RH_PROTO_MAX_PAYLOAD};
	struct rh_rng r;
	rh_rng_seed(&r, 7);
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		for (size_t i = 0; i < lens[k]; i++)
			p[i] = (uint8_t)rh_rng_next(&r);
		int rc = xfer(&c->byte_link, RH_CMD_ECHO, p, lens[k], &f);
		CHECK(rc == 0, "ECHO %zu bytes: no answer (%d)", lens[k], rc);
		CHECK(f.op == (RH_CMD_ECHO | RH_PROTO_OP_RESPONSE) && f.len == lens[k] &&
		          memcmp(f.payload, p, lens[k]) == 0,
		      "ECHO %zu bytes: answer op 0x%02x, %u bytes, payload %s", lens[k], f.op, f.len,
		      f.len == lens[k] ? "differs" : "-");
	}
	return T_OK;
}

static enum status t_errors(struct ctx *c)
{
	struct link *l = &c->byte_link;
	uint8_t p[16];
	enum status st;
	memset(p, 0, sizeof(p));
	if ((st = expect_error(c, l, 0x42, NULL, 0, RH_PERR_UNKNOWN_OP)) != T_OK ||
	    (st = expect_error(c, l, RH_CMD_IDENTIFY, p, 1, RH_PERR_BAD_ARG)) != T_OK ||
	    (st = expect_error(c, l, RH_CMD_RUN, p, 3, RH_PERR_BAD_ARG)) != T_OK ||
	    (st = expect_error(c, l, RH_CMD_RESET, p, 2, RH_PERR_BAD_ARG)) != T_OK ||
	    (st = expect_error(c, l, RH_CMD_LOAD_MODEL, p, 4, RH_PERR_BAD_ARG)) != T_OK)
		return st;
	/* LOAD_MODEL: reserved address bits; word elements with a ragged length */
	rh_put_u32(p, 0x10000000u);
	if ((st = expect_error(c, l, RH_CMD_LOAD_MODEL, p, 8, RH_PERR_BAD_ARG)) != T_OK)
		return st;
	rh_put_u32(p, 0x80000000u);
	if ((st = expect_error(c, l, RH_CMD_LOAD_MODEL, p, 7, RH_PERR_BAD_ARG)) != T_OK)
		return st;
	/* LOAD_IMAGE past the input buffer */
	rh_put_u32(p, 0xfffffu);
	if ((st = expect_error(c, l, RH_CMD_LOAD_IMAGE, p, 6, RH_PERR_BAD_ARG)) != T_OK)
		return st;
	/* RUN_FAULT on a bit past the chain */
	rh_put_u32(p, c->id.chain_len);
	rh_put_u32(p + 4, 5);
	if ((st = expect_error(c, l, RH_CMD_RUN_FAULT, p, 8, RH_PERR_BAD_ARG)) != T_OK)
		return st;
	/* RUN_BATCH: count 0; count above the maximum; length not matching the count; one bad
	 * descriptor among good ones */
	uint8_t b[4 + 8 * 3];
	memset(b, 0, sizeof(b));
	if ((st = expect_error(c, l, RH_CMD_RUN_BATCH, b, 12, RH_PERR_BAD_ARG)) != T_OK)
		return st;
	rh_put_u16(b, RH_PROTO_BATCH_MAX + 1);
	if ((st = expect_error(c, l, RH_CMD_RUN_BATCH, b, 12, RH_PERR_BAD_ARG)) != T_OK)
		return st;
	rh_put_u16(b, 2);
	if ((st = expect_error(c, l, RH_CMD_RUN_BATCH, b, 12, RH_PERR_BAD_ARG)) != T_OK)
		return st;
	rh_put_u16(b, 3);
	rh_put_u32(b + 4 + 8 * 2, 0xffffffffu);
	if ((st = expect_error(c, l, RH_CMD_RUN_BATCH, b, sizeof(b), RH_PERR_BAD_ARG)) != T_OK)
		return st;
	/* READ_STATE: zero bytes; past the chain */
	memset(p, 0, 6);
	if ((st = expect_error(c, l, RH_CMD_READ_STATE, p, 6, RH_PERR_BAD_ARG)) != T_OK)
		return st;
	rh_put_u32(p, (c->id.chain_len + 7) / 8);
	rh_put_u16(p + 4, 1);
	if ((st = expect_error(c, l, RH_CMD_READ_STATE, p, 6, RH_PERR_BAD_ARG)) != T_OK)
		return st;
	/* a frame with a bad CRC: the link's own error frame */
	static uint8_t fr[RH_PROTO_MAX_FRAME];
	size_t n;
	struct rh_err err = {0, ""};
	rh_proto_encode(++l->seq, RH_CMD_ECHO, p, 4, fr, sizeof(fr), &n, &err);
	fr[n - 1] ^= 0x5a;
	send_raw(l, fr, n);
	static struct rh_frame f;
	CHECK(recv_frame(l, &f, MAX_CLOCKS) == 0, "bad CRC: no answer");
	struct rh_perror e;
	CHECK(f.op == RH_PROTO_OP_ERROR && rh_perror_parse(f.payload, f.len, &e, &err) == 0 &&
	          e.code == RH_PERR_BAD_CRC,
	      "bad CRC: answer op 0x%02x", f.op);
	/* and the link still answers */
	struct rh_identify id;
	return do_identify(c, l, &id);
}

/* The image's writes, sorted by address, as LOAD_MODEL chunks of consecutive addresses. */
static enum status load_model(struct ctx *c, size_t *frames)
{
	struct link *l = &c->byte_link;
	struct rh_accel_runs runs;
	static uint8_t p[RH_PROTO_MAX_PAYLOAD];
	static struct rh_frame f;
	struct rh_err err = {0, ""};
	CHECK(rh_accel_image_runs(&c->img, &runs, &err) == 0, "%s", err.msg);
	*frames = 0;
	for (size_t r = 0; r < runs.n; r++) {
		const struct rh_accel_run *run = &runs.run[r];
		for (size_t i = 0, k, len; i < run->n; i += k) {
			k = rh_load_model_payload(run->addr + (uint32_t)i, run->elem_size, run->data + i, run->n - i, p,
			                          &len);
			int rc = xfer(l, RH_CMD_LOAD_MODEL, p, len, &f);
			if (rc || f.op != (RH_CMD_LOAD_MODEL | RH_PROTO_OP_RESPONSE) || f.len != 0) {
				uint32_t addr = run->addr + (uint32_t)i;
				rh_accel_runs_free(&runs);
				return failf(c, "LOAD_MODEL at 0x%07x: rc %d, answer op 0x%02x", addr, rc, f.op);
			}
			++*frames;
		}
	}
	rh_accel_runs_free(&runs);
	return T_OK;
}

static void make_input(struct ctx *c, int i, int8_t *x)
{
	const struct rh_model *m = &c->mlp;
	int n = m->in_h * m->in_w * m->in_c;
	if (c->have_data && m->in_c == 1 && m->in_h == c->data.h && m->in_w == c->data.w) {
		const uint8_t *p = c->data.pixels + (size_t)(i % c->data.n) * (size_t)n;
		for (int j = 0; j < n; j++)
			x[j] = rh_quant_pixel(p[j]);
		return;
	}
	struct rh_rng r;
	rh_rng_seed(&r, 1000u + (uint64_t)i);
	for (int j = 0; j < n; j++)
		x[j] = (int8_t)rh_rng_below(&r, 128);
}

static enum status load_image(struct ctx *c, const int8_t *x, int n)
{
	static uint8_t p[RH_PROTO_MAX_PAYLOAD];
	static struct rh_frame f;
	for (int ofs = 0; ofs < n;) {
		int k = n - ofs < RH_PROTO_MAX_PAYLOAD - 4 ? n - ofs : RH_PROTO_MAX_PAYLOAD - 4;
		rh_put_u32(p, (uint32_t)ofs);
		memcpy(p + 4, x + ofs, (size_t)k);
		int rc = xfer(&c->byte_link, RH_CMD_LOAD_IMAGE, p, 4 + (size_t)k, &f);
		CHECK(rc == 0 && f.op == (RH_CMD_LOAD_IMAGE | RH_PROTO_OP_RESPONSE),
		      "LOAD_IMAGE at %d: rc %d, answer op 0x%02x", ofs, rc, f.op);
		ofs += k;
	}
	return T_OK;
}

static enum status parse_result(struct ctx *c, const struct rh_frame *f, uint8_t op, size_t skip, struct rh_result *r)
{
	struct rh_err err = {0, ""};
	CHECK(f->op == (op | RH_PROTO_OP_RESPONSE), "%s: answer op 0x%02x", rh_cmd_name(op), f->op);
	CHECK(f->len >= skip && rh_result_parse(f->payload + skip, f->len - skip, r, &err) == 0, "%s: %s",
	      rh_cmd_name(op), err.msg);
	return T_OK;
}

static enum status need_model(struct ctx *c)
{
	if (!c->have_mlp)
		return failf(c, "no model (%s/mlp.rmod)", c->models);
	if (c->loaded)
		return T_OK;
	size_t frames;
	enum status st = load_model(c, &frames);
	if (st != T_OK)
		return st;
	c->loaded = 1;
	return T_OK;
}

static enum status t_model(struct ctx *c)
{
	if (!c->have_mlp)
		return failf(c, "no model (%s/mlp.rmod)", c->models);
	struct link *l = &c->byte_link;
	uint64_t rt0 = l->round_trips, clk0 = rh_board_sim_clocks(l->sim);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t frames;
	enum status st = load_model(c, &frames);
	if (st != T_OK)
		return st;
	c->loaded = 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("      model image: %zu writes in %zu LOAD_MODEL frames, %llu clocks, %.2f s\n", c->img.n, frames,
	       (unsigned long long)(rh_board_sim_clocks(l->sim) - clk0),
	       (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
	(void)rt0;

	struct rh_ref ref;
	struct rh_err err = {0, ""};
	CHECK(rh_ref_init(&ref, &c->mlp, &err) == 0, "reference: %s", err.msg);
	int n_in = c->mlp.in_h * c->mlp.in_w * c->mlp.in_c;
	int8_t *x = malloc((size_t)n_in);
	CHECK(x, "out of memory");
	c->budget = (uint32_t)(2 * c->img.cycles + 1024);
	enum status res = T_OK;
	for (int i = 0; i < N_IMAGES && res == T_OK; i++) {
		int32_t want[RH_PROTO_MAX_LOGITS];
		make_input(c, i, x);
		int cls = rh_ref_infer(&ref, x, want);
		if ((res = load_image(c, x, n_in)) != T_OK)
			break;
		uint8_t p[4];
		rh_put_u32(p, c->budget);
		static struct rh_frame f;
		struct rh_result r;
		uint64_t k0 = rh_board_sim_clocks(l->sim);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int rc = xfer(l, RH_CMD_RUN, p, i == 0 ? 4 : 0, &f);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (rc) {
			res = failf(c, "RUN image %d: no answer (%d)", i, rc);
			break;
		}
		if ((res = parse_result(c, &f, RH_CMD_RUN, 0, &r)) != T_OK)
			break;
		if (r.end != RH_RUN_DONE || r.n_logits != c->mlp.n_classes || r.cls != cls ||
		    r.cycles != (uint32_t)c->img.cycles ||
		    memcmp(r.logits, want, sizeof(int32_t) * (size_t)r.n_logits) != 0) {
			res = failf(c,
			            "RUN image %d: end %d, %d logits, class %d/%d, %u cycles/%ld, "
			            "logits %s",
			            i, r.end, r.n_logits, r.cls, cls, r.cycles, c->img.cycles,
			            memcmp(r.logits, want, 40) ? "differ" : "match");
			break;
		}
		if (i == 0) {
			c->golden = r;
			double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
			uint64_t k = rh_board_sim_clocks(l->sim) - k0;
			printf("      RUN: %u core cycles, %llu board clocks incl. link, %.0f clocks/s "
			       "simulated\n",
			       r.cycles, (unsigned long long)k, (double)k / s);
		}
	}
	if (res == T_OK)
		printf("      %d images bit-exact with the reference model (%s inputs)\n", N_IMAGES,
		       c->have_data ? "test-set" : "random");
	free(x);
	rh_ref_free(&ref);
	return res;
}

static enum status t_batch(struct ctx *c)
{
	if (!c->have_mlp)
		return failf(c, "no model (%s/mlp.rmod)", c->models);
	enum status st = need_model(c);
	if (st != T_OK)
		return st;
	struct link *l = &c->byte_link;
	int n_in = c->mlp.in_h * c->mlp.in_w * c->mlp.in_c;
	int8_t *x = malloc((size_t)n_in);
	CHECK(x, "out of memory");
	make_input(c, 0, x);
	st = load_image(c, x, n_in);
	free(x);
	if (st != T_OK)
		return st;

	static struct rh_fault faults[N_BATCH];
	static struct rh_result res[N_BATCH];
	struct rh_rng r;
	rh_rng_seed(&r, 99);
	for (int i = 0; i < N_BATCH; i++) {
		faults[i].bit = (uint32_t)rh_rng_below(&r, c->id.chain_len);
		faults[i].cycle = (uint32_t)rh_rng_below(&r, (uint64_t)c->img.cycles);
		faults[i].no_flip = i % 11 == 5; /* null injections */
	}
	faults[N_BATCH - 1].cycle = (uint32_t)c->img.cycles + 10; /* after the end: masked */
	static uint8_t p[RH_PROTO_MAX_PAYLOAD];
	size_t len;
	struct rh_err err = {0, ""};
	CHECK(rh_batch_pack(faults, N_BATCH, p, sizeof(p), &len, &err) == 0, "%s", err.msg);

	uint64_t rt0 = l->round_trips, out0 = l->bytes_out, in0 = l->bytes_in;
	uint64_t k0 = rh_board_sim_clocks(l->sim);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(send_frame(l, RH_CMD_RUN_BATCH, p, len) == 0, "encode");
	l->round_trips++;
	int counts[5] = {0, 0, 0, 0, 0}; /* masked, benign, sdc, hang, crash */
	for (int i = 0; i < N_BATCH; i++) {
		static struct rh_frame f;
		int rc = recv_frame(l, &f, MAX_CLOCKS);
		CHECK(rc == 0, "RUN_BATCH result %d: none (%d)", i, rc);
		CHECK(f.seq == l->seq, "RUN_BATCH result %d: seq %u", i, f.seq);
		if ((st = parse_result(c, &f, RH_CMD_RUN_BATCH, RH_PROTO_BATCH_RES_HDR, &res[i])) != T_OK)
			return st;
		CHECK(rh_get_u16(f.payload) == i && rh_get_u16(f.payload + 2) == N_BATCH,
		      "RUN_BATCH result %d: index %u of %u", i, rh_get_u16(f.payload), rh_get_u16(f.payload + 2));
		const struct rh_result *q = &res[i];
		if (q->end == RH_RUN_HANG)
			counts[3]++;
		else if (q->end == RH_RUN_CRASH)
			counts[4]++;
		else if (!memcmp(q->logits, c->golden.logits, 4u * q->n_logits))
			counts[0]++;
		else
			counts[q->cls == c->golden.cls ? 1 : 2]++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	uint64_t trips = l->round_trips - rt0;
	double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
	printf("      %d faults in %llu round trip: masked %d, benign %d, sdc %d, hang %d, crash %d\n", N_BATCH,
	       (unsigned long long)trips, counts[0], counts[1], counts[2], counts[3], counts[4]);
	printf("      bytes per injection: %.1f to the board, %.1f back; %.0f board clocks each; "
	       "%.0f injections/s simulated\n",
	       (double)(l->bytes_out - out0) / N_BATCH, (double)(l->bytes_in - in0) / N_BATCH,
	       (double)(rh_board_sim_clocks(l->sim) - k0) / N_BATCH, N_BATCH / s);
	CHECK(trips == 1, "%llu round trips", (unsigned long long)trips);
	const struct rh_result *last = &res[N_BATCH - 1];
	CHECK(last->end == RH_RUN_DONE && !memcmp(last->logits, c->golden.logits, 40),
	      "a fault after the run's end changed the result");
	CHECK(counts[0] > 0 && counts[1] + counts[2] + counts[3] + counts[4] > 0,
	      "the batch shows nothing: %d masked, %d not", counts[0], N_BATCH - counts[0]);
	/* Fault by fault, the board's batch equals the same faults on the in-process core of the
	 * same parameter set (verilator/rh_sim.cpp, the scrub and checkpoints of the harness, not
	 * the command processor); null injections return the golden run. */
	struct rh_backend be;
	static struct rh_result want[N_BATCH];
	struct rh_result gold;
	CHECK(rh_backend_open(&be, "sim:ice40", &c->mlp, NULL, &err) == 0, "sim:ice40: %s", err.msg);
	x = malloc((size_t)n_in);
	CHECK(x, "out of memory");
	make_input(c, 0, x);
	int rc = rh_backend_run_faults(&be, x, faults, N_BATCH, &gold, want, &err);
	free(x);
	rh_backend_close(&be);
	CHECK(rc == 0, "sim:ice40: %s", err.msg);
	const struct rh_result *board_gold = &c->golden;
	CHECK(same(&gold, board_gold, c->mlp.n_classes), "the in-process golden run differs from the board's");
	int nulls = 0;
	for (int i = 0; i < N_BATCH; i++) {
		const struct rh_result *got = &res[i];
		CHECK(same(got, &want[i], c->mlp.n_classes),
		      "fault %d (bit %u, cycle %u%s): board end %d class %d, %u cycles; in-process end %d class %d, "
		      "%u cycles",
		      i, faults[i].bit, faults[i].cycle, faults[i].no_flip ? ", null" : "", got->end, got->cls,
		      got->cycles, want[i].end, want[i].cls, want[i].cycles);
		if (faults[i].no_flip) {
			nulls++;
			CHECK(same(got, board_gold, c->mlp.n_classes), "null injection %d differs from the golden run",
			      i);
		}
	}
	printf("      every result equal to the in-process iCEBreaker core's, %d null injections golden\n", nulls);
	/* the same descriptors one at a time give the same results */
	for (int i = 0; i < 4; i++) {
		uint8_t q[8];
		static struct rh_frame f;
		struct rh_result one;
		rh_fault_pack(&faults[i], q);
		CHECK(xfer(l, RH_CMD_RUN_FAULT, q, 8, &f) == 0, "RUN_FAULT %d: no answer", i);
		if ((st = parse_result(c, &f, RH_CMD_RUN_FAULT, 0, &one)) != T_OK)
			return st;
		CHECK(one.end == res[i].end && one.cycles == res[i].cycles &&
		          (one.end == RH_RUN_HANG || !memcmp(one.logits, res[i].logits, 4u * one.n_logits)),
		      "RUN_FAULT %d (bit %u, cycle %u) differs from its batch result", i, faults[i].bit,
		      faults[i].cycle);
	}
	return T_OK;
}

static enum status read_state(struct ctx *c, uint8_t *out, uint32_t nbytes)
{
	struct link *l = &c->byte_link;
	for (uint32_t ofs = 0; ofs < nbytes;) {
		uint32_t k = nbytes - ofs > 512 ? 512 : nbytes - ofs;
		uint8_t p[6];
		static struct rh_frame f;
		rh_put_u32(p, ofs);
		rh_put_u16(p + 4, (uint16_t)k);
		CHECK(xfer(l, RH_CMD_READ_STATE, p, 6, &f) == 0, "READ_STATE: no answer");
		CHECK(f.op == (RH_CMD_READ_STATE | RH_PROTO_OP_RESPONSE) && f.len == k,
		      "READ_STATE at %u: answer op 0x%02x, %u bytes, expected %u", ofs, f.op, f.len, k);
		memcpy(out + ofs, f.payload, k);
		ofs += k;
	}
	return T_OK;
}

static enum status t_state(struct ctx *c)
{
	if (!c->have_mlp)
		return failf(c, "no model (%s/mlp.rmod)", c->models);
	enum status st = need_model(c);
	if (st != T_OK)
		return st;
	uint32_t nb = (c->id.chain_len + 7) / 8;
	static uint8_t a[8192], b[8192];
	CHECK(nb <= sizeof(a), "chain of %u bytes", nb);
	/* stop a run at a mid-run cycle: a fault at cycle 1 on bit 0, then read twice */
	static struct rh_frame f;
	uint8_t q[8];
	struct rh_fault ft = {.bit = 0, .cycle = 1};
	rh_fault_pack(&ft, q);
	CHECK(xfer(&c->byte_link, RH_CMD_RUN_FAULT, q, 8, &f) == 0, "RUN_FAULT: no answer");
	if ((st = read_state(c, a, nb)) != T_OK || (st = read_state(c, b, nb)) != T_OK)
		return st;
	CHECK(!memcmp(a, b, nb), "two readouts of the same state differ");
	/* bits past the chain read as 0 */
	if (c->id.chain_len % 8)
		CHECK((a[nb - 1] >> (c->id.chain_len % 8)) == 0, "bits past the chain are set");
	int ones = 0;
	for (uint32_t i = 0; i < nb; i++)
		ones += __builtin_popcount(a[i]);
	printf("      %u state bytes read twice, identical, %d bits set\n", nb, ones);
	/* RESET answers and the model still runs */
	CHECK(xfer(&c->byte_link, RH_CMD_RESET, NULL, 0, &f) == 0 && f.op == (RH_CMD_RESET | RH_PROTO_OP_RESPONSE) &&
	          f.len == 0,
	      "RESET: answer op 0x%02x", f.op);
	struct rh_result r;
	CHECK(xfer(&c->byte_link, RH_CMD_RUN, NULL, 0, &f) == 0, "RUN after RESET: no answer");
	if ((st = parse_result(c, &f, RH_CMD_RUN, 0, &r)) != T_OK)
		return st;
	CHECK(r.end == RH_RUN_DONE && r.cls == c->golden.cls && !memcmp(r.logits, c->golden.logits, 40),
	      "RUN after RESET: end %d class %d", r.end, r.cls);
	/* a budget below the run's length ends in a hang; the next run is fine again */
	uint8_t p[4];
	rh_put_u32(p, 100);
	CHECK(xfer(&c->byte_link, RH_CMD_RUN, p, 4, &f) == 0, "RUN with a short budget: no answer");
	if ((st = parse_result(c, &f, RH_CMD_RUN, 0, &r)) != T_OK)
		return st;
	CHECK(r.end == RH_RUN_HANG && r.cycles == 100, "short budget: end %d, %u cycles", r.end, r.cycles);
	rh_put_u32(p, c->budget);
	CHECK(xfer(&c->byte_link, RH_CMD_RUN, p, 4, &f) == 0, "RUN: no answer");
	if ((st = parse_result(c, &f, RH_CMD_RUN, 0, &r)) != T_OK)
		return st;
	CHECK(r.end == RH_RUN_DONE && !memcmp(r.logits, c->golden.logits, 40), "RUN after a hang: end %d", r.end);
	return T_OK;
}

/* Random bytes (and, on the pins, bytes with a bad stop bit) into the board; afterwards it
 * must still answer IDENTIFY. */
static enum status garbage(struct ctx *c, struct link *l, uint64_t seed, int rounds)
{
	struct rh_rng r;
	rh_rng_seed(&r, seed);
	struct rh_board_sim_info info;
	rh_board_sim_info(l->sim, &info);
	for (int k = 0; k < rounds; k++) {
		size_t n = 1 + rh_rng_below(&r, 600);
		for (size_t i = 0; i < n; i++) {
			uint8_t b = (uint8_t)rh_rng_next(&r);
			if (rh_rng_below(&r, 16) == 0)
				b = RH_PROTO_SOF; /* frequent false starts */
			if (rh_rng_below(&r, 64) == 0)
				rh_board_sim_push_bad_stop(l->sim, b);
			else
				rh_board_sim_push(l->sim, &b, 1);
		}
		/* let every timeout expire, answer or drop whatever the noise started */
		rh_board_sim_step(l->sim, 3u * info.timeout_clks + 20000u);
		while (rh_board_sim_busy(l->sim))
			rh_board_sim_step(l->sim, 10000);
		uint8_t sink[512];
		while (rh_board_sim_pull(l->sim, sink, sizeof(sink)))
			;
		rh_proto_parser_init(&l->parser);
		l->pend_n = l->pend_off = 0;
		struct rh_identify id;
		enum status st = do_identify(c, l, &id);
		if (st != T_OK) {
			char why[sizeof(c->why)];
			snprintf(why, sizeof(why), "after garbage round %d (%zu bytes): %.200s", k, n, c->why);
			memcpy(c->why, why, sizeof(why));
			return st;
		}
	}
	return T_OK;
}

static enum status t_garbage_bytes(struct ctx *c)
{
	return garbage(c, &c->byte_link, 5, 40);
}

static enum status t_uart(struct ctx *c)
{
	struct link l;
	struct rh_err err = {0, ""};
	if (link_open(&l, RH_BOARD_SIM_UART, &err))
		return failf(c, "%s", err.msg);
	enum status st;
	struct rh_identify id;
	static struct rh_frame f;
	static uint8_t p[300];
	for (size_t i = 0; i < sizeof(p); i++)
		p[i] = (uint8_t)(i * 37 + 1);
	if ((st = do_identify(c, &l, &id)) != T_OK)
		goto out;
	if (xfer(&l, RH_CMD_ECHO, p, sizeof(p), &f) || f.len != sizeof(p) || memcmp(f.payload, p, sizeof(p))) {
		st = failf(c, "ECHO over the pins failed");
		goto out;
	}
	uint64_t k0 = rh_board_sim_clocks(l.sim);
	if ((st = do_identify(c, &l, &id)) != T_OK)
		goto out;
	printf("      over the pins: IDENTIFY round trip %llu clocks (%d clocks per bit)\n",
	       (unsigned long long)(rh_board_sim_clocks(l.sim) - k0), 4);
	st = garbage(c, &l, 11, 25);
out:
	link_close(&l);
	return st;
}

/* Read one frame from fd within ms milliseconds: 0 ok, -1 timeout or error. */
static int pty_recv(int fd, struct rh_proto_parser *ps, struct rh_frame *f, int ms)
{
	for (;;) {
		struct rh_err err = {0, ""};
		int rc = rh_proto_next(ps, f, &err);
		if (rc == 1)
			return 0;
		if (rc < 0)
			return -1;
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, ms) != 1)
			return -1;
		uint8_t b[512];
		ssize_t n = read(fd, b, sizeof(b));
		if (n <= 0)
			return -1;
		for (size_t off = 0; off < (size_t)n;)
			off += rh_proto_feed(ps, b + off, (size_t)n - off);
	}
}

/* Start the standalone simulator; *path receives the terminal it prints. */
static enum status sim_start(struct ctx *c, pid_t *pid, char *path, size_t cap)
{
	int pfd[2];
	CHECK(pipe(pfd) == 0, "pipe: %s", strerror(errno));
	*pid = fork();
	CHECK(*pid >= 0, "fork: %s", strerror(errno));
	if (*pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execl(c->rahil_sim, c->rahil_sim, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	size_t n = 0;
	while (n + 1 < cap) {
		struct pollfd p = {pfd[0], POLLIN, 0};
		if (poll(&p, 1, 10000) != 1 || read(pfd[0], path + n, 1) != 1)
			break;
		if (path[n] == '\n')
			break;
		n++;
	}
	path[n] = 0;
	close(pfd[0]);
	if (n == 0) {
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
		return failf(c, "%s printed no terminal path", c->rahil_sim);
	}
	return T_OK;
}

/* Its client has closed the terminal: it must exit 0 within 5 s (else it is stopped). */
static enum status sim_stop(struct ctx *c, pid_t pid, enum status st)
{
	int status = 0, waited = 0;
	for (int i = 0; i < 100 && !(waited = waitpid(pid, &status, WNOHANG)); i++)
		nanosleep(&(struct timespec){0, 50000000}, NULL);
	if (!waited) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
		if (st == T_OK)
			st = failf(c, "rahil-sim did not exit when its terminal closed");
	} else if (st == T_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		st = failf(c, "rahil-sim exit status 0x%x", status);
	return st;
}

/* The standalone simulator: IDENTIFY and ECHO through its terminal, close it, it exits 0. */
static enum status t_pty(struct ctx *c)
{
	if (!c->rahil_sim)
		return T_SKIP;
	char path[256];
	pid_t pid;
	enum status st = sim_start(c, &pid, path, sizeof(path));
	if (st != T_OK)
		return st;
	int fd = open(path, O_RDWR | O_NOCTTY);
	if (fd < 0) {
		st = failf(c, "open %s: %s", path, strerror(errno));
		goto out;
	}
	struct termios tio;
	tcgetattr(fd, &tio);
	tio.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	tio.c_oflag &= ~(tcflag_t)OPOST;
	tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	tio.c_cflag = (tio.c_cflag & ~(tcflag_t)(CSIZE | PARENB)) | CS8;
	tcsetattr(fd, TCSANOW, &tio);
	struct rh_proto_parser ps;
	rh_proto_parser_init(&ps);
	static uint8_t fr[RH_PROTO_MAX_FRAME];
	static struct rh_frame f;
	struct rh_err err = {0, ""};
	static const uint8_t hello[] = "hello, board";
	size_t len;
	rh_proto_encode(1, RH_CMD_IDENTIFY, NULL, 0, fr, sizeof(fr), &len, &err);
	struct rh_identify id;
	if (write(fd, fr, len) != (ssize_t)len || pty_recv(fd, &ps, &f, 10000) ||
	    f.op != (RH_CMD_IDENTIFY | RH_PROTO_OP_RESPONSE) || rh_identify_parse(f.payload, f.len, &id, &err)) {
		st = failf(c, "IDENTIFY through %s failed", path);
		goto out;
	}
	rh_proto_encode(2, RH_CMD_ECHO, hello, sizeof(hello), fr, sizeof(fr), &len, &err);
	if (write(fd, fr, len) != (ssize_t)len || pty_recv(fd, &ps, &f, 10000) || f.seq != 2 ||
	    f.len != sizeof(hello) || memcmp(f.payload, hello, sizeof(hello))) {
		st = failf(c, "ECHO through %s failed", path);
		goto out;
	}
	printf("      %s: IDENTIFY (chain %u bits) and ECHO answered\n", path, id.chain_len);
out:
	if (fd >= 0)
		close(fd);
	return sim_stop(c, pid, st);
}

/* host/backend/backend_link.c's serial back-end against rahil-sim: the MLP bit-exact with the
 * reference, one round trip per request. */
static enum status t_backend_serial(struct ctx *c)
{
	if (!c->rahil_sim)
		return T_SKIP;
	if (!c->have_mlp)
		return failf(c, "no model (%s/mlp.rmod)", c->models);
	char path[256];
	pid_t pid;
	enum status st = sim_start(c, &pid, path, sizeof(path));
	if (st != T_OK)
		return st;
	struct rh_backend b = {.ops = &rh_backend_serial_ops, .m = &c->mlp};
	struct rh_err err = {0, ""};
	struct rh_ref ref;
	int n_in = c->mlp.in_h * c->mlp.in_w * c->mlp.in_c;
	int8_t *x = malloc((size_t)n_in);
	int ref_ok = rh_ref_init(&ref, &c->mlp, &err) == 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!x || !ref_ok || b.ops->open(&b, path, &c->mlp, &err)) {
		st = failf(c, "serial:%s: %s", path, err.msg);
		b.ops = NULL;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("      serial:%s opened, model loaded in %.2f s\n", path,
	       (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
	for (int i = 0; i < N_IMAGES && st == T_OK; i++) {
		int32_t want[RH_PROTO_MAX_LOGITS];
		struct rh_result r;
		make_input(c, i, x);
		int cls = rh_ref_infer(&ref, x, want);
		if (b.ops->infer(&b, x, &r, &err))
			st = failf(c, "serial: image %d: %s", i, err.msg);
		else if (r.cls != cls || r.end != RH_RUN_DONE || memcmp(r.logits, want, 4u * (size_t)c->mlp.n_classes))
			st = failf(c, "serial: image %d: class %d/%d, logits differ", i, r.cls, cls);
	}
	if (st == T_OK)
		printf("      %d images through the pseudo-terminal bit-exact with the reference\n", N_IMAGES);
out:
	if (b.ops)
		b.ops->close(&b);
	if (ref_ok)
		rh_ref_free(&ref);
	free(x);
	return sim_stop(c, pid, st);
}

struct test_case {
	const char *name;
	enum status (*fn)(struct ctx *c);
};

static const struct test_case tests[] = {
    {"identify", t_identify},
    {"echo", t_echo},
    {"error frames", t_errors},
    {"mlp bit-exact", t_model},
    {"run batch", t_batch},
    {"read state, reset, hang", t_state},
    {"garbage at the byte interface", t_garbage_bytes},
    {"uart pins and garbage", t_uart},
    {"rahil-sim on a pseudo-terminal", t_pty},
    {"serial back-end against rahil-sim", t_backend_serial},
    {NULL, NULL},
};

int main(int argc, char **argv)
{
	static struct ctx c;
	struct rh_err err = {0, ""};
	const char *filter = NULL;
	c.models = "models";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--models") && i + 1 < argc)
			c.models = argv[++i];
		else if (!strcmp(argv[i], "--rahil-sim") && i + 1 < argc)
			c.rahil_sim = argv[++i];
		else if (!strcmp(argv[i], "--filter") && i + 1 < argc)
			filter = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--models DIR] [--rahil-sim PATH] [--filter NAME]\n", argv[0]);
			return 1;
		}
	}
	if (link_open(&c.byte_link, 0, &err)) {
		fprintf(stderr, "test_board_sim: %s\n", err.msg);
		return 1;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/mlp.rmod", c.models);
	c.have_mlp = rh_model_load(&c.mlp, path, &err) == 0;
	if (!c.have_mlp)
		fprintf(stderr, "test_board_sim: %s: %s\n", path, err.msg);
	if (c.have_mlp && rh_accel_image_build(&c.img, &c.mlp, &rh_accel_geom_icebreaker, &err)) {
		fprintf(stderr, "test_board_sim: image: %s\n", err.msg);
		c.have_mlp = 0;
	}
	c.have_data = rh_dataset_load(&c.data, NULL, RH_TEST, &err) == 0;
	if (!c.have_data) { /* installed by scripts/install-deps.sh: its absence is a failure */
		fprintf(stderr, "test_board_sim: no Fashion-MNIST test set (%s): install dataset-fashion-mnist\n",
		        err.msg);
		return 1;
	}

	int npass = 0, nfail = 0, nskip = 0;
	int declared = 0; /* tests/run-suites.sh compares it with the summary line */
	for (const struct test_case *t = tests; t->name; t++)
		declared += !filter || strstr(t->name, filter);
	printf("declared: %d tests\n", declared);
	for (const struct test_case *t = tests; t->name; t++) {
		if (filter && !strstr(t->name, filter))
			continue;
		c.why[0] = 0;
		enum status st = t->fn(&c);
		switch (st) {
		case T_OK:
			npass++;
			printf("ok    %s\n", t->name);
			break;
		case T_SKIP:
			nskip++;
			printf("skip  %s\n", t->name);
			break;
		case T_FAIL:
			nfail++;
			printf("FAIL  %s: %s\n", t->name, c.why);
			break;
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed, %d skipped\n", npass, nfail, nskip);
	link_close(&c.byte_link);
	if (c.have_mlp) {
		rh_accel_image_free(&c.img);
		rh_model_free(&c.mlp);
	}
	if (c.have_data)
		rh_dataset_free(&c.data);
	return nfail ? 1 : 0;
}
