/* rahil: the whole USB path without a board: the real libftdi1 and libusb-1.0 talk to an
 * emulated FT2232H (tests/board/ftdi_emul.c, under umockdev) whose interface B carries the
 * UART byte stream of the verilated board design (firmware/rh_board.v through
 * verilator/rh_board_sim.h): IDENTIFY, ECHO, error frames and garbage, with the host's request
 * layer (host/protocol_link.c). Skips, saying why, when the emulation cannot start. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "ftdi_emul.h"
#include "protocol_link.h"
#include "rh_board_sim.h"
#include "tb.h"
#include "transport.h"

#define SERIAL "RHSIM01"

static char no_emul[256];

/* The board behind interface B; stepped only from umockdev's ioctl thread. */
struct bridge {
	struct rh_board_sim *sim;
	uint64_t max_step; /* clocks one poll may simulate while the board is busy */
};

static void to_board(void *ctx, const uint8_t *p, size_t n)
{
	struct bridge *b = ctx;
	rh_board_sim_push(b->sim, p, n);
}

static size_t from_board(void *ctx, uint8_t *p, size_t cap)
{
	struct bridge *b = ctx;
	/* Simulate while the board has work, until it says something: each USB poll of the host
	 * is a slice of board time, as the latency timer is on a real chip. */
	if (!rh_board_sim_pending_out(b->sim) && rh_board_sim_busy(b->sim))
		rh_board_sim_step_until(b->sim, 1, b->max_step);
	return rh_board_sim_pull(b->sim, p, cap);
}

struct fixture {
	struct ftdi_emul *e;
	struct bridge br;
	struct rh_transport t;
	struct rh_link l;
};

static int setup(struct fixture *x, char *why, size_t cap)
{
	struct rh_err err = {0};
	memset(x, 0, sizeof(*x));
	if (no_emul[0]) {
		snprintf(why, cap, "%s", no_emul);
		return -1;
	}
	if (rh_board_sim_create(&x->br.sim, 0, &err)) {
		snprintf(why, cap, "board simulator: %s", err.msg);
		return -1;
	}
	x->br.max_step = 2000000;
	x->e = ftdi_emul_start(SERIAL, 0, why, cap);
	if (!x->e) {
		rh_board_sim_destroy(x->br.sim);
		return -1;
	}
	struct ftdi_emul_peer peer = {to_board, from_board, &x->br};
	ftdi_emul_set_peer(x->e, &peer);
	struct rh_transport_opts o = {.baud = 3000000, .timeout_ms = 2000};
	if (rh_transport_open(&x->t, "ftdi:" SERIAL, &o, &err)) {
		snprintf(why, cap, "ftdi open: %s", err.msg);
		ftdi_emul_stop(x->e);
		rh_board_sim_destroy(x->br.sim);
		return -2;
	}
	rh_link_init(&x->l, &x->t);
	x->l.timeout_ms = 2000;
	return 0;
}

static void teardown(struct fixture *x)
{
	rh_transport_close(&x->t);
	ftdi_emul_stop(x->e);
	rh_board_sim_destroy(x->br.sim);
}

#define SETUP(x)                                                                                                       \
	do {                                                                                                           \
		char why_[256];                                                                                        \
		int r_ = setup((x), why_, sizeof(why_));                                                               \
		if (r_ == -1)                                                                                          \
			TB_SKIP_BECAUSE("%s", why_);                                                                   \
		if (r_) {                                                                                              \
			fprintf(stderr, "  %s\n", why_);                                                               \
			return TB_FAIL;                                                                                \
		}                                                                                                      \
	} while (0)

static enum tb_result t_identify(void)
{
	static struct fixture x;
	SETUP(&x);
	struct rh_identify id;
	struct rh_err err = {0};
	int r = rh_link_identify(&x.l, &id, &err);
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	struct rh_board_sim_info info;
	rh_board_sim_info(x.br.sim, &info);
	TB_CHECK_EQ(id.rows, info.rows);
	TB_CHECK_EQ(id.cols, info.cols);
	TB_CHECK(id.chain_len > 0);
	TB_CHECK(id.flags & RH_ID_F_CORE);
	TB_CHECK(id.batch_max >= 32);
	teardown(&x);
	return TB_PASS;
}

static enum tb_result t_echo_and_errors(void)
{
	static struct fixture x;
	SETUP(&x);
	struct rh_err err = {0};
	for (int i = 0; i < 8; i++) {
		uint8_t pay[200];
		for (size_t k = 0; k < sizeof(pay); k++)
			pay[k] = (uint8_t)(k * 3 + (size_t)i);
		const struct rh_frame *f;
		int r = rh_link_request(&x.l, RH_CMD_ECHO, pay, sizeof(pay), 0, &f, &err);
		if (r)
			fprintf(stderr, "  %s\n", err.msg);
		TB_CHECK_EQ(r, 0);
		TB_CHECK(f->len == sizeof(pay) && memcmp(f->payload, pay, sizeof(pay)) == 0);
	}
	const struct rh_frame *f;
	TB_CHECK_EQ(rh_link_request(&x.l, 0x55, NULL, 0, 0, &f, &err), RH_E_TRANSPORT);
	TB_CHECK_EQ(x.l.last_error.code, RH_PERR_UNKNOWN_OP);
	/* Garbage down the USB pipe, then the board still answers at the first try. */
	uint8_t junk[300];
	for (size_t k = 0; k < sizeof(junk); k++)
		junk[k] = (uint8_t)(k * 151 + 7) | ((k % 9) == 0 ? 0xA5 : 0);
	TB_CHECK_EQ(rh_transport_write(&x.t, junk, sizeof(junk), &err), 0);
	uint8_t drain[512];
	size_t got;
	while (rh_transport_read(&x.t, drain, sizeof(drain), &got, 300, &err) == 0)
		;
	uint64_t retries = x.l.stats.retries;
	struct rh_identify id;
	TB_CHECK_EQ(rh_link_identify(&x.l, &id, &err), 0);
	TB_CHECK_EQ(x.l.stats.retries, retries);
	teardown(&x);
	return TB_PASS;
}

static const struct tb_case cases[] = {
    {"identify", t_identify},
    {"echo_and_errors", t_echo_and_errors},
};

int main(int argc, char **argv)
{
	const char *pre = getenv("LD_PRELOAD");
	if (!(pre && strstr(pre, "umockdev-preload"))) {
		if (!getenv("RH_UMOCKDEV_REEXEC")) {
			setenv("RH_UMOCKDEV_REEXEC", "1", 1);
			setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 0);
			static char wrapper[] = "umockdev-wrapper";
			char **av = calloc((size_t)argc + 2, sizeof(*av));
			if (av) {
				av[0] = wrapper;
				for (int i = 0; i < argc; i++)
					av[i + 1] = argv[i];
				execvp(av[0], av);
			}
			snprintf(no_emul, sizeof(no_emul), "cannot run umockdev-wrapper (%s): install umockdev",
			         strerror(errno));
		} else {
			snprintf(no_emul, sizeof(no_emul),
			         "umockdev-wrapper ran but its preload library is not loaded");
		}
	}
	return tb_run("usb_sim", cases, sizeof(cases) / sizeof(cases[0]), argc > 1 ? argv[1] : NULL);
}
