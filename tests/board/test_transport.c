/* rahil: tests of the transports: serial against a real pseudo-terminal with a peer thread
 * (echo, framed requests, timeouts, hang-up, bauds), spec parsing, the FTDI back-end without a
 * board, the board table, and `rahil devices` (the listing skips only when no board can be
 * attached or none is; --json gives the exit status and keys docs/bench-guide.md documents). */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname */
#define _DEFAULT_SOURCE
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "board_table.h"
#include "devices.h"
#include "protocol.h"
#include "tb.h"
#include "transport.h"

#ifdef RH_HAVE_LIBUSB
#include <libusb.h>
#endif

/* The far end of a pseudo-terminal, served by a thread. */
struct peer {
	int master;
	char slave[128];
	pthread_t th;
	int mode;   /* 0 echo bytes, 1 answer ECHO frames, 2 close at once */
	int frames; /* frames answered (mode 1) */
	volatile int stop;
};

static int peer_start(struct peer *p, int mode)
{
	memset(p, 0, sizeof(*p));
	p->mode = mode;
	p->master = posix_openpt(O_RDWR | O_NOCTTY);
	if (p->master < 0 || grantpt(p->master) || unlockpt(p->master))
		return -1;
	const char *name = ptsname(p->master);
	if (!name)
		return -1;
	snprintf(p->slave, sizeof(p->slave), "%s", name);
	/* Raw on the master side too, so bytes pass unchanged both ways. */
	struct termios tio;
	if (tcgetattr(p->master, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(p->master, TCSANOW, &tio);
	}
	return 0;
}

static void *peer_main(void *arg)
{
	struct peer *p = arg;
	struct rh_proto_parser *ps = malloc(sizeof(*ps));
	struct rh_frame *f = malloc(sizeof(*f));
	uint8_t buf[4096], out[RH_PROTO_MAX_FRAME];
	if (!ps || !f)
		goto out;
	rh_proto_parser_init(ps);
	if (p->mode == 2) {
		close(p->master);
		p->master = -1;
		goto out;
	}
	while (!p->stop) {
		struct pollfd pfd = {.fd = p->master, .events = POLLIN};
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		ssize_t k = read(p->master, buf, sizeof(buf));
		if (k <= 0)
			continue;
		if (p->mode == 0) {
			for (ssize_t off = 0; off < k;) {
				ssize_t w = write(p->master, buf + off, (size_t)(k - off));
				if (w > 0)
					off += w;
			}
			continue;
		}
		size_t off = 0;
		while (off < (size_t)k) {
			off += rh_proto_feed(ps, buf + off, (size_t)k - off);
			int r;
			while ((r = rh_proto_next(ps, f, NULL)) != 0) {
				if (r != 1)
					continue;
				size_t n;
				if (rh_proto_encode(f->seq, f->op | RH_PROTO_OP_RESPONSE, f->payload, f->len, out,
				                    sizeof(out), &n, NULL))
					continue;
				for (size_t o = 0; o < n;) {
					ssize_t w = write(p->master, out + o, n - o);
					if (w > 0)
						o += (size_t)w;
				}
				p->frames++;
			}
		}
	}
out:
	free(ps);
	free(f);
	return NULL;
}

static int peer_run(struct peer *p)
{
	return pthread_create(&p->th, NULL, peer_main, p);
}

static void peer_stop(struct peer *p)
{
	p->stop = 1;
	pthread_join(p->th, NULL);
	if (p->master >= 0)
		close(p->master);
}

static enum tb_result t_serial_echo(void)
{
	struct peer p;
	if (peer_start(&p, 0))
		TB_SKIP_BECAUSE("no pseudo-terminal: %s", strerror(errno));
	TB_CHECK_EQ(peer_run(&p), 0);
	struct rh_transport t;
	struct rh_err err = {0};
	char spec[160];
	snprintf(spec, sizeof(spec), "serial:%s", p.slave);
	struct rh_transport_opts o = {.baud = 3000000, .timeout_ms = 2000};
	int r = rh_transport_open(&t, spec, &o, &err);
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	uint8_t out[3000], in[3000];
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + (i >> 8));
	TB_CHECK_EQ(rh_transport_write(&t, out, sizeof(out), &err), 0);
	TB_CHECK_EQ(rh_transport_read_all(&t, in, sizeof(in), 2000, &err), 0);
	TB_CHECK(memcmp(in, out, sizeof(in)) == 0); /* all 256 values, raw: no CR/LF mangling */
	TB_CHECK_EQ(t.stats.bytes_out, sizeof(out));
	TB_CHECK_EQ(t.stats.bytes_in, sizeof(in));
	TB_CHECK_EQ(t.stats.round_trips, 1);
	rh_transport_close(&t);
	peer_stop(&p);
	return TB_PASS;
}

static enum tb_result t_serial_timeout(void)
{
	struct peer p;
	if (peer_start(&p, 0))
		TB_SKIP_BECAUSE("no pseudo-terminal: %s", strerror(errno));
	struct rh_transport t;
	struct rh_err err = {0};
	TB_CHECK_EQ(rh_transport_open_ops(&t, &rh_transport_serial_ops, p.slave, NULL, &err), 0);
	uint8_t b[4];
	size_t got = 99;
	int64_t t0 = rh_now_ms();
	TB_CHECK_EQ(rh_transport_read(&t, b, sizeof(b), &got, 150, &err), RH_E_TIMEOUT);
	int64_t dt = rh_now_ms() - t0;
	TB_CHECK(dt >= 140 && dt < 1500);
	TB_CHECK_EQ(got, 0);
	TB_CHECK(strstr(err.msg, "150 ms") != NULL);
	TB_CHECK_EQ(rh_transport_read_all(&t, b, 4, 50, &err), RH_E_TIMEOUT);
	TB_CHECK(strstr(err.msg, "read 0 bytes, expected 4") != NULL);
	rh_transport_close(&t);
	close(p.master);
	return TB_PASS;
}

/* Framed requests through the pty: the round-trip counter counts each request once. */
static enum tb_result t_serial_frames(void)
{
	struct peer p;
	if (peer_start(&p, 1))
		TB_SKIP_BECAUSE("no pseudo-terminal: %s", strerror(errno));
	TB_CHECK_EQ(peer_run(&p), 0);
	struct rh_transport t;
	struct rh_err err = {0};
	TB_CHECK_EQ(rh_transport_open_ops(&t, &rh_transport_serial_ops, p.slave, NULL, &err), 0);
	static struct rh_proto_parser ps;
	static struct rh_frame f;
	static uint8_t fr[RH_PROTO_MAX_FRAME], pay[RH_PROTO_MAX_PAYLOAD];
	rh_proto_parser_init(&ps);
	for (int i = 0; i < 64; i++) {
		size_t len = (size_t)(i * 16) % (RH_PROTO_MAX_PAYLOAD + 1), n;
		for (size_t k = 0; k < len; k++)
			pay[k] = (uint8_t)(k ^ (size_t)i);
		TB_CHECK_EQ(rh_proto_encode((uint8_t)i, RH_CMD_ECHO, pay, len, fr, sizeof(fr), &n, &err), 0);
		TB_CHECK_EQ(rh_transport_write(&t, fr, n, &err), 0);
		int r = 0;
		while (r == 0) {
			uint8_t buf[512];
			size_t got;
			TB_CHECK_EQ(rh_transport_read(&t, buf, sizeof(buf), &got, 2000, &err), 0);
			TB_CHECK_EQ(rh_proto_feed(&ps, buf, got), got);
			r = rh_proto_next(&ps, &f, &err);
		}
		TB_CHECK_EQ(r, 1);
		TB_CHECK_EQ(f.seq, i);
		TB_CHECK_EQ(f.op, RH_CMD_ECHO | RH_PROTO_OP_RESPONSE);
		TB_CHECK_EQ(f.len, len);
		TB_CHECK(memcmp(f.payload, pay, len) == 0);
	}
	TB_CHECK_EQ(t.stats.round_trips, 64);
	TB_CHECK_EQ(p.frames, 64);
	rh_transport_close(&t);
	peer_stop(&p);
	return TB_PASS;
}

static enum tb_result t_serial_hangup(void)
{
	struct peer p;
	if (peer_start(&p, 2))
		TB_SKIP_BECAUSE("no pseudo-terminal: %s", strerror(errno));
	struct rh_transport t;
	struct rh_err err = {0};
	TB_CHECK_EQ(rh_transport_open_ops(&t, &rh_transport_serial_ops, p.slave, NULL, &err), 0);
	TB_CHECK_EQ(peer_run(&p), 0); /* closes the master */
	pthread_join(p.th, NULL);
	uint8_t b[4];
	size_t got;
	int r = rh_transport_read(&t, b, sizeof(b), &got, 500, &err);
	TB_CHECK_EQ(r, RH_E_TRANSPORT); /* reported at once, not as a timeout */
	rh_transport_close(&t);
	return TB_PASS;
}

static enum tb_result t_serial_bauds(void)
{
	struct peer p;
	if (peer_start(&p, 0))
		TB_SKIP_BECAUSE("no pseudo-terminal: %s", strerror(errno));
	const int ok[] = {9600, 115200, 1000000, 2000000, 3000000};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct rh_transport t;
		struct rh_err err = {0};
		struct rh_transport_opts o = {.baud = ok[i]};
		TB_CHECK_EQ(rh_transport_open_ops(&t, &rh_transport_serial_ops, p.slave, &o, &err), 0);
		rh_transport_close(&t);
	}
	struct rh_transport t;
	struct rh_err err = {0};
	struct rh_transport_opts o = {.baud = 1234};
	TB_CHECK_EQ(rh_transport_open_ops(&t, &rh_transport_serial_ops, p.slave, &o, &err), RH_E_INVAL);
	TB_CHECK(strstr(err.msg, "1234") != NULL);
	TB_CHECK(rh_serial_speed(3000000) != 0);
	TB_CHECK(rh_serial_speed(3000001) == 0);
	close(p.master);
	return TB_PASS;
}

static enum tb_result t_serial_errors(void)
{
	struct rh_transport t;
	struct rh_err err = {0};
	/* a device that is not there: no board (exit 2, as for ftdi:) */
	TB_CHECK_EQ(rh_transport_open(&t, "serial:/nonexistent/ttyX", NULL, &err), RH_E_TRANSPORT);
	TB_CHECK(strstr(err.msg, "/nonexistent/ttyX") != NULL);
	TB_CHECK_EQ(rh_transport_open(&t, "serial:/dev/null", NULL, &err), RH_E_IO);
	TB_CHECK(strstr(err.msg, "not a terminal") != NULL);
	TB_CHECK_EQ(rh_transport_open(&t, "serial", NULL, &err), RH_E_INVAL);
	TB_CHECK_EQ(rh_transport_open(&t, "serial:", NULL, &err), RH_E_INVAL);
	TB_CHECK_EQ(rh_transport_open(&t, "bogus:x", NULL, &err), RH_E_INVAL);
	TB_CHECK(strstr(err.msg, "bogus") != NULL);
	TB_CHECK_EQ(rh_transport_open(&t, "sim", NULL, &err), RH_E_INVAL); /* the caller's */
	TB_CHECK_EQ(rh_transport_open(&t, NULL, NULL, &err), RH_E_INVAL);
	uint8_t b = 0;
	TB_CHECK_EQ(rh_transport_write(&t, &b, 1, &err), RH_E_INVAL); /* closed: no crash */
	return TB_PASS;
}

static enum tb_result t_ftdi_no_board(void)
{
	struct rh_transport t;
	struct rh_err err = {0};
	int r = rh_transport_open(&t, "ftdi:RAHIL-NO-SUCH-SERIAL", NULL, &err);
	if (r == RH_E_UNSUPPORTED) {
		TB_CHECK(strstr(err.msg, "libftdi1") != NULL);
		TB_SKIP_BECAUSE("built without libftdi1: %s", err.msg);
	}
	TB_CHECK_EQ(r, RH_E_TRANSPORT);
	if (!strstr(err.msg, "ftdi_new")) /* libusb up: the message names what was looked for */
		TB_CHECK(strstr(err.msg, "RAHIL-NO-SUCH-SERIAL") != NULL && strstr(err.msg, "0403:6010") != NULL);
	return TB_PASS;
}

static enum tb_result t_board_table(void)
{
	const struct rh_board *b = rh_board_find(0x0403, 0x6010);
	TB_CHECK(b != NULL);
	TB_CHECK(strcmp(b->name, "icebreaker") == 0);
	TB_CHECK_EQ(b->interface, 1);
	TB_CHECK(rh_board_find(0x0403, 0x6014) != NULL);
	TB_CHECK(rh_board_find(0x0403, 0x6001) != NULL);
	TB_CHECK(rh_board_find(0x1d6b, 0x0002) == NULL);
	return TB_PASS;
}

/* Whether libusb-1.0 starts here, asked of libusb itself rather than of host/link/devices.c. Built
 * with udev (as Debian's is) it starts on a machine without any USB too, and finds nothing.
 * 0, with the reason in why, when it does not or rahil is built without it. */
static int libusb_starts(char *why, size_t cap)
{
#ifdef RH_HAVE_LIBUSB
	libusb_context *ctx = NULL;
	int rc = libusb_init(&ctx);
	if (rc < 0) {
		snprintf(why, cap, "libusb_init: %s", libusb_strerror(rc));
		return 0;
	}
	libusb_exit(ctx);
	return 1;
#else
	snprintf(why, cap, "built without libusb-1.0");
	return 0;
#endif
}

/* Boards of the board table attached here, counted from sysfs (not through libusb). */
static int sysfs_boards(void)
{
	DIR *d = opendir("/sys/bus/usb/devices");
	if (!d)
		return 0;
	const struct dirent *e;
	int n = 0;
	while ((e = readdir(d)) != NULL) {
		unsigned id[2];
		const char *f[2] = {"idVendor", "idProduct"};
		int ok = 1;
		for (int i = 0; i < 2 && ok; i++) {
			char path[512];
			snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/%s", e->d_name, f[i]);
			FILE *fp = fopen(path, "r");
			ok = fp && fscanf(fp, "%x", &id[i]) == 1;
			if (fp)
				fclose(fp);
		}
		n += ok && rh_board_find((uint16_t)id[0], (uint16_t)id[1]) != NULL;
	}
	closedir(d);
	return n;
}

/* Skips only without a board: rahil built without libusb-1.0 (the message names the package),
 * libusb_init failing here, or nothing attached. */
static enum tb_result t_devices_list(void)
{
	struct rh_device d[8];
	size_t n = 0;
	struct rh_err err = {0};
	char why[128];
	int r = rh_devices_list(d, 8, &n, &err);
#ifdef RH_HAVE_LIBUSB
	if (!libusb_starts(why, sizeof(why))) {
		TB_CHECK_EQ(r, RH_E_TRANSPORT);
		TB_SKIP_BECAUSE("no board can be attached: %s", why);
	}
#else
	(void)why;
	TB_CHECK_EQ(r, RH_E_UNSUPPORTED);
	TB_SKIP_BECAUSE("%s", err.msg);
#endif
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	TB_CHECK_EQ(n, sysfs_boards());
	for (size_t i = 0; i < n && i < 8; i++) {
		TB_CHECK(d[i].board != NULL);
		TB_CHECK(d[i].port[0] != 0);
	}
	if (n == 0)
		TB_SKIP_BECAUSE("no FTDI board attached (listing ran and found none)");
	return TB_PASS;
}

/* Run rh_cmd_devices in a child; its stdout into out, its stderr into errbuf (when not NULL).
 * Returns the exit status. */
static int run_cmd_devices(char **argv, int argc, char *out, size_t cap, char *errbuf, size_t err_cap)
{
	int fd[2];
	FILE *ef = tmpfile();
	if (!ef)
		return -1;
	if (pipe(fd)) {
		fclose(ef);
		return -1;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		dup2(fileno(ef), 2);
		close(fd[0]);
		int rc = rh_cmd_devices(argc, argv);
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	close(fd[1]);
	size_t have = 0;
	ssize_t k;
	while ((k = read(fd[0], out + have, cap - 1 - have)) > 0)
		have += (size_t)k;
	out[have] = 0;
	close(fd[0]);
	int st;
	waitpid(pid, &st, 0);
	if (errbuf) {
		rewind(ef);
		errbuf[fread(errbuf, 1, err_cap - 1, ef)] = 0;
	}
	fclose(ef);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* `rahil devices --json` as docs/bench-guide.md ("Find the board") documents it. */
static enum tb_result check_devices_json(const char *out)
{
	cJSON *j = cJSON_Parse(out);
	if (!j) {
		fprintf(stderr, "  not JSON: %s\n", out);
		return TB_FAIL;
	}
	enum tb_result r = TB_FAIL;
	static const char *const strs[] = {"board",   "vid",       "pid",    "port",   "serial",
	                                   "product", "interface", "access", "backend"};
	static const char *const nums[] = {"bus", "address"};
	const cJSON *devs = cJSON_GetObjectItemCaseSensitive(j, "devices"), *d;
	if (!cJSON_IsArray(devs)) {
		fprintf(stderr, "  no \"devices\" array: %s\n", out);
		goto out;
	}
	int want = sysfs_boards(), denied = 0;
	if (cJSON_GetArraySize(devs) != want) {
		fprintf(stderr, "  %d devices listed, sysfs has %d boards of the table: %s\n", cJSON_GetArraySize(devs),
		        want, out);
		goto out;
	}
	cJSON_ArrayForEach(d, devs)
	{
		for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
			if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(d, strs[i]))) {
				fprintf(stderr, "  device without the string \"%s\": %s\n", strs[i], out);
				goto out;
			}
		for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
			if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(d, nums[i]))) {
				fprintf(stderr, "  device without the number \"%s\": %s\n", nums[i], out);
				goto out;
			}
		const cJSON *can = cJSON_GetObjectItemCaseSensitive(d, "can_open");
		if (!cJSON_IsBool(can)) {
			fprintf(stderr, "  device without the boolean \"can_open\": %s\n", out);
			goto out;
		}
		denied |= cJSON_IsFalse(can);
	}
	if (denied && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "hint"))) {
		fprintf(stderr, "  a board cannot be opened, and no \"hint\": %s\n", out);
		goto out;
	}
	r = TB_PASS;
out:
	cJSON_Delete(j);
	return r;
}

static enum tb_result t_cli_devices(void)
{
	char out[8192], err[2048];
	char a0[] = "devices", help[] = "--help", bogus[] = "--bogus", json[] = "--json", extra[] = "extra";
	char *v1[] = {a0, help, NULL};
	TB_CHECK_EQ(run_cmd_devices(v1, 2, out, sizeof(out), NULL, 0), 0);
	TB_CHECK(strstr(out, "Exit codes") != NULL);
	char *v2[] = {a0, bogus, NULL};
	TB_CHECK_EQ(run_cmd_devices(v2, 2, out, sizeof(out), NULL, 0), 1);
	char *v3[] = {a0, extra, NULL};
	TB_CHECK_EQ(run_cmd_devices(v3, 2, out, sizeof(out), NULL, 0), 1);
	/* --json: exit 2, nothing on stdout and the reason on stderr when USB cannot be searched
	 * (libusb not built in, or libusb_init fails); else exit 0 and the list, which is empty
	 * when no board is attached, on a machine without USB as on one with USB. */
	char *v4[] = {a0, json, NULL};
	int st = run_cmd_devices(v4, 2, out, sizeof(out), err, sizeof(err));
	char why[128];
	if (!libusb_starts(why, sizeof(why))) {
		if (st != 2)
			fprintf(stderr, "  rahil devices --json: exit %d, expected 2 (%s): %s%s", st, why, out, err);
		TB_CHECK_EQ(st, 2);
		TB_CHECK(out[0] == 0);
#ifdef RH_HAVE_LIBUSB
		TB_CHECK(strstr(err, "libusb_init failed") != NULL);
#else
		TB_CHECK(strstr(err, "libusb-1.0-0-dev") != NULL);
#endif
		return TB_PASS;
	}
	if (st != 0)
		fprintf(stderr, "  rahil devices --json: exit %d, expected 0 (libusb starts here): %s", st, err);
	TB_CHECK_EQ(st, 0);
	return check_devices_json(out);
}

static const struct tb_case cases[] = {
    {"serial_echo", t_serial_echo},     {"serial_timeout", t_serial_timeout}, {"serial_frames", t_serial_frames},
    {"serial_hangup", t_serial_hangup}, {"serial_bauds", t_serial_bauds},     {"serial_errors", t_serial_errors},
    {"ftdi_no_board", t_ftdi_no_board}, {"board_table", t_board_table},       {"devices_list", t_devices_list},
    {"cli_devices", t_cli_devices},
};

int main(int argc, char **argv)
{
	return tb_run("transport", cases, sizeof(cases) / sizeof(cases[0]), argc > 1 ? argv[1] : NULL);
}
