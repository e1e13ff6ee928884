/* rahil: tests of the request layer (host/link/protocol_link.c) against a fake board on a
 * pseudo-terminal that can damage, drop and delay its answers: retries, stale answers, error
 * frames, batches with streamed results, and the round-trip count of a batched run. */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "protocol_link.h"
#include "tb.h"

/* What the fake board does wrong. Counters count frames it answers (0: never). */
struct faults {
	int corrupt_every; /* flip a byte in every Nth answer frame */
	int drop_every;    /* leave out every Nth answer frame */
	int badcrc_every;  /* answer every Nth request with ERROR BAD_CRC (request "damaged") */
	int garbage;       /* send junk bytes before each answer */
	int mute;          /* never answer */
};

struct board {
	int master;
	char slave[128];
	pthread_t th;
	volatile int stop;
	struct faults fl;
	int answers, requests, batches;
};

static void expected_result(const struct rh_fault *f, struct rh_result *r)
{
	memset(r, 0, sizeof(*r));
	r->end = f->cycle % 97 == 13 ? RH_RUN_HANG : RH_RUN_DONE;
	r->cls = r->end == RH_RUN_DONE ? (int)(f->bit % 10) : -1; /* a hang's class byte is not read */
	r->n_logits = 10;
	r->cycles = f->cycle + 1000;
	for (int i = 0; i < 10; i++)
		r->logits[i] = (int32_t)(f->bit * 16u) + i - (int32_t)f->cycle;
}

static void put(struct board *b, const uint8_t *p, size_t n)
{
	for (size_t o = 0; o < n;) {
		ssize_t w = write(b->master, p + o, n - o);
		if (w > 0)
			o += (size_t)w;
		else if (w < 0 && errno != EAGAIN && errno != EINTR)
			return;
	}
}

static void answer(struct board *b, uint8_t seq, uint8_t op, const uint8_t *p, size_t n)
{
	uint8_t fr[RH_PROTO_MAX_FRAME];
	size_t len;
	b->answers++;
	if (rh_proto_encode(seq, op, p, n, fr, sizeof(fr), &len, NULL))
		return;
	if (b->fl.drop_every && b->answers % b->fl.drop_every == 0)
		return;
	if (b->fl.corrupt_every && b->answers % b->fl.corrupt_every == 0)
		fr[len / 2] ^= 0x21;
	if (b->fl.garbage) {
		const uint8_t junk[6] = {0x00, RH_PROTO_SOF, 0x13, 0xA5, 0xFF, 0x40};
		put(b, junk, sizeof(junk));
	}
	put(b, fr, len);
}

static void serve(struct board *b, const struct rh_frame *f)
{
	uint8_t out[RH_PROTO_MAX_PAYLOAD];
	b->requests++;
	if (b->fl.mute)
		return;
	if (b->fl.badcrc_every && b->requests % b->fl.badcrc_every == 0) {
		struct rh_perror e = {.code = RH_PERR_BAD_CRC, .op = f->op, .detail = 0x1234};
		rh_perror_pack(&e, out);
		answer(b, f->seq, RH_PROTO_OP_ERROR, out, RH_PROTO_ERR_LEN);
		return;
	}
	switch (f->op) {
	case RH_CMD_IDENTIFY: {
		struct rh_identify id = {.version = RH_PROTO_VERSION,
		                         .rows = 2,
		                         .cols = 4,
		                         .chain_len = 5000,
		                         .max_payload = RH_PROTO_MAX_PAYLOAD,
		                         .batch_max = RH_PROTO_BATCH_MAX,
		                         .clk_hz = 12000000,
		                         .n_classes = 10,
		                         .flags = RH_ID_F_CORE};
		rh_identify_pack(&id, out);
		answer(b, f->seq, RH_CMD_IDENTIFY | RH_PROTO_OP_RESPONSE, out, RH_PROTO_IDENTIFY_LEN);
		return;
	}
	case RH_CMD_RUN_BATCH: {
		struct rh_fault d[RH_PROTO_BATCH_MAX];
		size_t n;
		if (rh_batch_parse(f->payload, f->len, d, &n, NULL)) {
			struct rh_perror e = {.code = RH_PERR_BAD_ARG, .op = f->op, .detail = f->len};
			rh_perror_pack(&e, out);
			answer(b, f->seq, RH_PROTO_OP_ERROR, out, RH_PROTO_ERR_LEN);
			return;
		}
		b->batches++;
		for (size_t i = 0; i < n; i++) {
			struct rh_result r;
			expected_result(&d[i], &r);
			rh_put_u16(out, (uint16_t)i);
			rh_put_u16(out + 2, (uint16_t)n);
			size_t len = rh_result_pack(&r, out + 4, sizeof(out) - 4);
			answer(b, f->seq, RH_CMD_RUN_BATCH | RH_PROTO_OP_RESPONSE, out, 4 + len);
		}
		return;
	}
	case RH_CMD_ECHO: answer(b, f->seq, RH_CMD_ECHO | RH_PROTO_OP_RESPONSE, f->payload, f->len); return;
	default: {
		struct rh_perror e = {.code = RH_PERR_UNKNOWN_OP, .op = f->op, .detail = f->len};
		rh_perror_pack(&e, out);
		answer(b, f->seq, RH_PROTO_OP_ERROR, out, RH_PROTO_ERR_LEN);
	}
	}
}

static void *board_main(void *arg)
{
	struct board *b = arg;
	struct rh_proto_parser *ps = malloc(sizeof(*ps));
	struct rh_frame *f = malloc(sizeof(*f));
	uint8_t buf[2048];
	if (!ps || !f)
		goto out;
	rh_proto_parser_init(ps);
	while (!b->stop) {
		struct pollfd pfd = {.fd = b->master, .events = POLLIN};
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		ssize_t k = read(b->master, buf, sizeof(buf));
		if (k <= 0)
			continue;
		for (size_t off = 0; off < (size_t)k;) {
			off += rh_proto_feed(ps, buf + off, (size_t)k - off);
			int r;
			while ((r = rh_proto_next(ps, f, NULL)) != 0)
				if (r == 1)
					serve(b, f);
		}
	}
out:
	free(ps);
	free(f);
	return NULL;
}

static int board_start(struct board *b, const struct faults *fl)
{
	memset(b, 0, sizeof(*b));
	if (fl)
		b->fl = *fl;
	b->master = posix_openpt(O_RDWR | O_NOCTTY);
	if (b->master < 0 || grantpt(b->master) || unlockpt(b->master) || !ptsname(b->master))
		return -1;
	snprintf(b->slave, sizeof(b->slave), "%s", ptsname(b->master));
	struct termios tio;
	if (tcgetattr(b->master, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(b->master, TCSANOW, &tio);
	}
	return pthread_create(&b->th, NULL, board_main, b);
}

static void board_stop(struct board *b)
{
	b->stop = 1;
	pthread_join(b->th, NULL);
	close(b->master);
}

struct fixture {
	struct board b;
	struct rh_transport t;
	struct rh_link l;
};

static int setup(struct fixture *x, const struct faults *fl, struct rh_err *err)
{
	if (board_start(&x->b, fl))
		return -1;
	struct rh_transport_opts o = {.baud = 3000000, .timeout_ms = 1000};
	int r = rh_transport_open_ops(&x->t, &rh_transport_serial_ops, x->b.slave, &o, err);
	if (r)
		return r;
	rh_link_init(&x->l, &x->t);
	x->l.timeout_ms = 150;
	return 0;
}

static void teardown(struct fixture *x)
{
	rh_transport_close(&x->t);
	board_stop(&x->b);
}

static enum tb_result check_results(const struct rh_fault *f, const struct rh_result *got, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct rh_result want;
		expected_result(&f[i], &want);
		if (memcmp(&want, &got[i], sizeof(want))) {
			fprintf(stderr, "  result %zu differs (bit %u cycle %u)\n", i, f[i].bit, f[i].cycle);
			return TB_FAIL;
		}
	}
	return TB_PASS;
}

static struct rh_fault *make_faults(size_t n)
{
	struct rh_fault *f = malloc(n * sizeof(*f));
	for (size_t i = 0; f && i < n; i++) {
		f[i].bit = (uint32_t)(i * 37 % 5000);
		f[i].cycle = (uint32_t)(i * 101 % 20000);
	}
	return f;
}

static enum tb_result t_identify(void)
{
	static struct fixture x;
	struct rh_err err = {0};
	if (setup(&x, NULL, &err))
		TB_SKIP_BECAUSE("no pseudo-terminal: %s", err.msg);
	struct rh_identify id;
	int r = rh_link_identify(&x.l, &id, &err);
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	TB_CHECK_EQ(id.chain_len, 5000);
	TB_CHECK_EQ(x.l.stats.retries, 0);
	teardown(&x);
	return TB_PASS;
}

/* 320 injections in batches of 32: exactly 10 round trips, every result in place. */
static enum tb_result t_batch_round_trips(void)
{
	static struct fixture x;
	struct rh_err err = {0};
	if (setup(&x, NULL, &err))
		TB_SKIP_BECAUSE("no pseudo-terminal: %s", err.msg);
	size_t n = 320;
	struct rh_fault *f = make_faults(n);
	struct rh_result *res = calloc(n, sizeof(*res));
	TB_CHECK(f && res);
	uint64_t rt0 = x.t.stats.round_trips;
	int r = rh_link_run_faults(&x.l, f, n, 32, 100, res, &err);
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	TB_CHECK_EQ(x.t.stats.round_trips - rt0, 10);
	TB_CHECK_EQ(x.b.batches, 10);
	TB_CHECK_EQ(x.l.stats.retries, 0);
	enum tb_result ok = check_results(f, res, n);
	free(f);
	free(res);
	teardown(&x);
	return ok;
}

/* Damaged, dropped and junk-prefixed answers, and requests "damaged" on the way: every
 * result still arrives, exactly once, with retries counted. */
static enum tb_result t_batch_lossy(void)
{
	static struct fixture x;
	struct rh_err err = {0};
	struct faults fl = {.corrupt_every = 7, .drop_every = 11, .badcrc_every = 5, .garbage = 1};
	if (setup(&x, &fl, &err))
		TB_SKIP_BECAUSE("no pseudo-terminal: %s", err.msg);
	size_t n = 200;
	struct rh_fault *f = make_faults(n);
	struct rh_result *res = calloc(n, sizeof(*res));
	TB_CHECK(f && res);
	int r = rh_link_run_faults(&x.l, f, n, 32, 50, res, &err);
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	TB_CHECK(x.l.stats.retries > 0);
	TB_CHECK(x.l.stats.bad_frames > 0);
	TB_CHECK(x.l.stats.error_frames > 0);
	enum tb_result ok = check_results(f, res, n);
	/* Single requests through the same damage. */
	for (int i = 0; i < 20 && ok == TB_PASS; i++) {
		const struct rh_frame *fr;
		uint8_t p[3] = {(uint8_t)i, 1, 2};
		r = rh_link_request(&x.l, RH_CMD_ECHO, p, sizeof(p), 0, &fr, &err);
		if (r)
			fprintf(stderr, "  echo %d: %s\n", i, err.msg);
		TB_CHECK_EQ(r, 0);
		TB_CHECK(fr->len == 3 && fr->payload[0] == i);
	}
	free(f);
	free(res);
	teardown(&x);
	return ok;
}

static enum tb_result t_error_frame(void)
{
	static struct fixture x;
	struct rh_err err = {0};
	if (setup(&x, NULL, &err))
		TB_SKIP_BECAUSE("no pseudo-terminal: %s", err.msg);
	const struct rh_frame *fr;
	TB_CHECK_EQ(rh_link_request(&x.l, RH_CMD_READ_STATE, NULL, 0, 0, &fr, &err), RH_E_TRANSPORT);
	TB_CHECK(strstr(err.msg, "UNKNOWN_OP") && strstr(err.msg, "READ_STATE"));
	TB_CHECK_EQ(x.l.last_error.code, RH_PERR_UNKNOWN_OP);
	TB_CHECK_EQ(x.l.stats.retries, 0); /* not retried: resending cannot help */
	teardown(&x);
	return TB_PASS;
}

static enum tb_result t_silent_board(void)
{
	static struct fixture x;
	struct rh_err err = {0};
	struct faults fl = {.mute = 1};
	if (setup(&x, &fl, &err))
		TB_SKIP_BECAUSE("no pseudo-terminal: %s", err.msg);
	x.l.timeout_ms = 60;
	struct rh_identify id;
	TB_CHECK_EQ(rh_link_identify(&x.l, &id, &err), RH_E_TIMEOUT);
	TB_CHECK(strstr(err.msg, "IDENTIFY: no valid answer in 4 attempts") != NULL);
	TB_CHECK_EQ(x.l.stats.timeouts, 4);
	struct rh_fault f = {.bit = 1, .cycle = 2};
	struct rh_result res;
	TB_CHECK_EQ(rh_link_run_faults(&x.l, &f, 1, 32, 10, &res, &err), RH_E_TIMEOUT);
	TB_CHECK(strstr(err.msg, "0 of 1 faults done") != NULL);
	teardown(&x);
	return TB_PASS;
}

static const struct tb_case cases[] = {
    {"identify", t_identify},       {"batch_round_trips", t_batch_round_trips}, {"batch_lossy", t_batch_lossy},
    {"error_frame", t_error_frame}, {"silent_board", t_silent_board},
};

int main(int argc, char **argv)
{
	return tb_run("link", cases, sizeof(cases) / sizeof(cases[0]), argc > 1 ? argv[1] : NULL);
}
