/* rahil: the USB path tested for real without a board: the real libusb-1.0 and libftdi1 code
 * of `rahil devices` and the ftdi back-end against an emulated FT2232H (tests/board/ftdi_emul.c)
 * under umockdev. Re-executes itself under umockdev-wrapper; skips, saying why, when the
 * emulation cannot start. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "devices.h"
#include "ftdi_emul.h"
#include "protocol.h"
#include "protocol_link.h"
#include "tb.h"
#include "transport.h"

#define SERIAL "RH0001"

/* Why the emulation is unavailable; empty when it is. Set once by main. */
static char no_emul[256];

static struct ftdi_emul *start_locked(int locked)
{
	char why[256];
	struct ftdi_emul *e = ftdi_emul_start(SERIAL, locked, why, sizeof(why));
	if (!e)
		snprintf(no_emul, sizeof(no_emul), "%s", why);
	return e;
}

#define NEED_EMUL(e) NEED_EMUL_LOCKED(e, 0)
#define NEED_EMUL_LOCKED(e, locked)                                                                                    \
	do {                                                                                                           \
		if (no_emul[0])                                                                                        \
			TB_SKIP_BECAUSE("%s", no_emul);                                                                \
		if (!((e) = start_locked(locked)))                                                                     \
			TB_SKIP_BECAUSE("emulation did not start: %s", no_emul);                                       \
	} while (0)

static enum tb_result t_devices_lists_board(void)
{
	struct ftdi_emul *e;
	NEED_EMUL(e);
	struct rh_device d[4];
	size_t n = 0;
	struct rh_err err = {0};
	int r = rh_devices_list(d, 4, &n, &err);
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	TB_CHECK_EQ(n, 1);
	TB_CHECK(d[0].board && strcmp(d[0].board->name, "icebreaker") == 0);
	TB_CHECK_EQ(d[0].bus, 1);
	TB_CHECK_EQ(d[0].access, RH_DEV_OK);
	if (strcmp(d[0].serial, SERIAL)) {
		fprintf(stderr, "  serial '%s', expected '%s'\n", d[0].serial, SERIAL);
		return TB_FAIL;
	}
	ftdi_emul_stop(e);
	return TB_PASS;
}

static enum tb_result t_ftdi_loopback(void)
{
	struct ftdi_emul *e;
	NEED_EMUL(e);
	struct rh_transport t;
	struct rh_err err = {0};
	struct rh_transport_opts o = {.baud = 3000000, .timeout_ms = 1000};
	int r = rh_transport_open(&t, "ftdi:" SERIAL, &o, &err);
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	struct ftdi_emul_seen s;
	ftdi_emul_seen(e, &s);
	TB_CHECK_EQ(s.latency[1], 1);
	TB_CHECK(s.bitmode_resets >= 1 && s.baud_requests >= 1 && s.line_requests >= 1 && s.purges >= 1);

	static uint8_t out[3000], in[3000];
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 13 + 7);
	TB_CHECK_EQ(rh_transport_write(&t, out, sizeof(out), &err), 0);
	r = rh_transport_read_all(&t, in, sizeof(in), 1000, &err);
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	TB_CHECK(memcmp(in, out, sizeof(in)) == 0);

	/* Frames through the whole stack: what goes out comes back and parses. */
	static struct rh_proto_parser p;
	static struct rh_frame f;
	rh_proto_parser_init(&p);
	for (int i = 0; i < 40; i++) {
		uint8_t fr[64], pay[20];
		size_t n;
		memset(pay, i, sizeof(pay));
		TB_CHECK_EQ(rh_proto_encode((uint8_t)i, RH_CMD_ECHO, pay, sizeof(pay), fr, sizeof(fr), &n, NULL), 0);
		TB_CHECK_EQ(rh_transport_write(&t, fr, n, &err), 0);
		r = 0;
		while (r == 0) {
			uint8_t buf[256];
			size_t got;
			TB_CHECK_EQ(rh_transport_read(&t, buf, sizeof(buf), &got, 1000, &err), 0);
			TB_CHECK_EQ(rh_proto_feed(&p, buf, got), got);
			r = rh_proto_next(&p, &f, NULL);
		}
		TB_CHECK_EQ(r, 1);
		TB_CHECK(f.seq == i && f.len == 20 && f.payload[19] == i);
	}
	TB_CHECK_EQ(t.stats.round_trips, 41);
	rh_transport_close(&t);
	ftdi_emul_seen(e, &s);
	TB_CHECK_EQ(s.latency[1], 16); /* put back as found */
	TB_CHECK(s.bytes_out == s.bytes_in);
	ftdi_emul_stop(e);
	return TB_PASS;
}

static enum tb_result t_ftdi_wrong_serial(void)
{
	struct ftdi_emul *e;
	NEED_EMUL(e);
	struct rh_transport t;
	struct rh_err err = {0};
	TB_CHECK_EQ(rh_transport_open(&t, "ftdi:NOPE42", NULL, &err), RH_E_TRANSPORT);
	TB_CHECK(strstr(err.msg, "'NOPE42'") != NULL);
	struct ftdi_emul_seen s;
	ftdi_emul_seen(e, &s);
	TB_CHECK_EQ(s.latency[1], -1); /* never touched */
	ftdi_emul_stop(e);
	return TB_PASS;
}

/* A board behind interface B that answers ECHO and IDENTIFY, in C: the byte stream the
 * verilated design would produce. */
struct fake_board {
	struct rh_proto_parser p;
	struct rh_frame f;
	uint8_t out[8192];
	size_t head, tail;
};

static void fb_put(struct fake_board *b, uint8_t seq, uint8_t op, const uint8_t *p, size_t n)
{
	uint8_t fr[RH_PROTO_MAX_FRAME];
	size_t len;
	if (rh_proto_encode(seq, op, p, n, fr, sizeof(fr), &len, NULL))
		return;
	for (size_t i = 0; i < len && b->tail < sizeof(b->out); i++)
		b->out[b->tail++] = fr[i];
}

static void fb_to_board(void *ctx, const uint8_t *p, size_t n)
{
	struct fake_board *b = ctx;
	for (size_t off = 0; off < n;) {
		off += rh_proto_feed(&b->p, p + off, n - off);
		int r;
		while ((r = rh_proto_next(&b->p, &b->f, NULL)) != 0) {
			if (r != 1)
				continue;
			if (b->f.op == RH_CMD_IDENTIFY) {
				struct rh_identify id = {
				    .version = RH_PROTO_VERSION, .max_payload = 1024, .batch_max = 64};
				uint8_t buf[RH_PROTO_IDENTIFY_LEN];
				rh_identify_pack(&id, buf);
				fb_put(b, b->f.seq, RH_CMD_IDENTIFY | RH_PROTO_OP_RESPONSE, buf, sizeof(buf));
			} else {
				fb_put(b, b->f.seq, b->f.op | RH_PROTO_OP_RESPONSE, b->f.payload, b->f.len);
			}
		}
	}
}

static size_t fb_from_board(void *ctx, uint8_t *p, size_t cap)
{
	struct fake_board *b = ctx;
	size_t k = 0;
	while (k < cap && b->head < b->tail)
		p[k++] = b->out[b->head++];
	if (b->head == b->tail)
		b->head = b->tail = 0;
	return k;
}

/* Requests through the real libftdi stack to a board behind interface B. */
static enum tb_result t_ftdi_requests(void)
{
	struct ftdi_emul *e;
	NEED_EMUL(e);
	static struct fake_board fb;
	memset(&fb, 0, sizeof(fb));
	rh_proto_parser_init(&fb.p);
	struct ftdi_emul_peer peer = {fb_to_board, fb_from_board, &fb};
	ftdi_emul_set_peer(e, &peer);
	struct rh_transport t;
	struct rh_err err = {0};
	TB_CHECK_EQ(rh_transport_open(&t, "ftdi:" SERIAL, NULL, &err), 0);
	static struct rh_link l;
	rh_link_init(&l, &t);
	struct rh_identify id;
	int r = rh_link_identify(&l, &id, &err);
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	TB_CHECK_EQ(id.batch_max, 64);
	for (int i = 0; i < 50; i++) {
		uint8_t pay[300];
		memset(pay, i, sizeof(pay));
		const struct rh_frame *f;
		TB_CHECK_EQ(rh_link_request(&l, RH_CMD_ECHO, pay, sizeof(pay), 0, &f, &err), 0);
		TB_CHECK(f->len == sizeof(pay) && f->payload[299] == i);
	}
	TB_CHECK_EQ(l.stats.retries, 0);
	TB_CHECK_EQ(t.stats.round_trips, 51);
	rh_transport_close(&t);
	ftdi_emul_stop(e);
	return TB_PASS;
}

/* The unprivileged side of t_permission_denied, in a process of its own (the test binary
 * run again with UNPRIV_ARG): drop to nobody, then a status line and the command's advice,
 * both on stderr. Exit 3: privileges could not be dropped. */
#define UNPRIV_ARG "--unprivileged-devices"
static int unprivileged_devices(void)
{
	if (getuid() == 0 && (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
		return 3;
	struct rh_device d[4];
	size_t n = 0;
	struct rh_err err = {0};
	int r = rh_devices_list(d, 4, &n, &err);
	fprintf(stderr, "%d %zu %d %s\n", r, n, n ? (int)d[0].access : -1, r ? err.msg : "");
	static char a0[] = "devices";
	char *av[] = {a0, NULL};
	rh_cmd_devices(1, av);
	fflush(NULL);
	return 0;
}

/* An unprivileged user without the udev rule: listed, but "permission denied", and the
 * command prints the rule. The child executes this binary again, which drops privileges: a
 * forked child of this threaded process (GLib, the emulator) must not allocate or start
 * threads before exec, or it can deadlock on a lock another thread held at the fork. */
static enum tb_result t_permission_denied(void)
{
	struct ftdi_emul *e;
	NEED_EMUL_LOCKED(e, 1);
	int fd[2];
	TB_CHECK_EQ(pipe(fd), 0);
	int devnull = open("/dev/null", O_WRONLY);
	TB_CHECK(devnull >= 0);
	static char self[] = "/proc/self/exe", arg[] = UNPRIV_ARG;
	char *av[] = {self, arg, NULL};
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) { /* only async-signal-safe calls until exec */
		close(fd[0]);
		if (dup2(devnull, 1) < 0 || dup2(fd[1], 2) < 0)
			_exit(4);
		execv(self, av);
		_exit(5);
	}
	close(fd[1]);
	close(devnull);
	char buf[2048] = {0};
	ssize_t k = 0, m;
	while ((m = read(fd[0], buf + k, sizeof(buf) - 1 - (size_t)k)) > 0)
		k += m;
	close(fd[0]);
	int st;
	waitpid(pid, &st, 0);
	ftdi_emul_stop(e);
	TB_CHECK(WIFEXITED(st));
	if (WEXITSTATUS(st) == 3)
		TB_SKIP_BECAUSE("cannot drop privileges to test a permission failure");
	TB_CHECK_EQ(WEXITSTATUS(st), 0);
	TB_CHECK(k > 0);
	int r = -99, acc = -99;
	size_t n = 99;
	TB_CHECK_EQ(sscanf(buf, "%d %zu %d", &r, &n, &acc), 3);
	if (r == RH_E_TRANSPORT)
		TB_SKIP_BECAUSE("libusb could not start for the unprivileged user: %s", buf);
	TB_CHECK_EQ(r, 0);
	TB_CHECK_EQ(n, 1);
	TB_CHECK_EQ(acc, RH_DEV_DENIED);
	TB_CHECK(strstr(buf, "permission denied") || strstr(buf, "cannot be opened"));
	TB_CHECK(strstr(buf, "firmware/99-rahil-ftdi.rules") != NULL);
	return TB_PASS;
}

static const struct tb_case cases[] = {
    {"devices_lists_board", t_devices_lists_board}, {"ftdi_loopback", t_ftdi_loopback},
    {"ftdi_wrong_serial", t_ftdi_wrong_serial},     {"ftdi_requests", t_ftdi_requests},
    {"permission_denied", t_permission_denied},
};

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], UNPRIV_ARG) == 0)
		return unprivileged_devices();
	const char *pre = getenv("LD_PRELOAD");
	if (!(pre && strstr(pre, "umockdev-preload"))) {
		if (!getenv("RH_UMOCKDEV_REEXEC")) {
			setenv("RH_UMOCKDEV_REEXEC", "1", 1);
			/* ASan must not insist on being first: the preload library is. GLib keeps its type
			 * system allocated to the end, which LeakSanitizer would report. */
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
	return tb_run("usb", cases, sizeof(cases) / sizeof(cases[0]), argc > 1 ? argv[1] : NULL);
}
