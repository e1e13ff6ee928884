/* rahil: the whole USB path without a board: the real libftdi1 and libusb-1.0 talk to an
 * emulated FT2232H (tests/board/ftdi_emul.c, under umockdev) whose interface B carries the
 * UART byte stream of the verilated board design (firmware/rh_board.v through
 * verilator/rh_board_sim.h): IDENTIFY, ECHO, error frames and garbage, with the host's request
 * layer (host/link/protocol_link.c); and the ftdi back-end as `rahil eval --backend ftdi:SERIAL`
 * opens it, bit-exact with the sim back-end and the reference model. Skips, naming the package,
 * only when umockdev is missing; the board simulator or the emulated chip not starting fails. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "accel_image.h"
#include "backend.h"
#include "ftdi_emul.h"
#include "dataset.h"
#include "model.h"
#include "protocol_link.h"
#include "quant.h"
#include "refmodel.h"
#include "rh_board_sim.h"
#include "tb.h"
#include "transport.h"

#define SERIAL "RHSIM01"

/* Room for a prefix and an rh_err message (clean of -Wformat-truncation at -O2). */
#define WHY_LEN 600

static char no_emul[WHY_LEN];

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

/* The emulated chip with the board behind interface B; with_transport: and the ftdi transport
 * open on it. -1: umockdev is missing (skip), -2: the board simulator, the emulated chip or the
 * host's transport did not start (the project's own code: fail). */
static int setup(struct fixture *x, int with_transport, char *why, size_t cap)
{
	struct rh_err err = {0};
	memset(x, 0, sizeof(*x));
	if (no_emul[0]) {
		snprintf(why, cap, "%s", no_emul);
		return -1;
	}
	if (rh_board_sim_create(&x->br.sim, 0, &err)) {
		snprintf(why, cap, "board simulator: %s", err.msg);
		return -2;
	}
	x->br.max_step = 2000000;
	x->e = ftdi_emul_start(SERIAL, 0, why, cap);
	if (!x->e) {
		rh_board_sim_destroy(x->br.sim);
		return -2;
	}
	struct ftdi_emul_peer peer = {to_board, from_board, &x->br};
	ftdi_emul_set_peer(x->e, &peer);
	if (!with_transport)
		return 0;
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
	rh_transport_close(&x->t); /* does nothing when not open */
	ftdi_emul_stop(x->e);
	rh_board_sim_destroy(x->br.sim);
}

#define SETUP(x)                                                                                                       \
	do {                                                                                                           \
		char why_[WHY_LEN];                                                                                    \
		int r_ = setup((x), 1, why_, sizeof(why_));                                                            \
		if (r_ == -1)                                                                                          \
			TB_SKIP_BECAUSE("%s", why_);                                                                   \
		if (r_) {                                                                                              \
			fprintf(stderr, "  %s\n", why_);                                                               \
			return TB_FAIL;                                                                                \
		}                                                                                                      \
	} while (0)

/* The chip and the board only, for a back-end opened elsewhere. */
#define SETUP_NO_TRANSPORT(x)                                                                                          \
	do {                                                                                                           \
		char why_[WHY_LEN];                                                                                    \
		int r_ = setup((x), 0, why_, sizeof(why_));                                                            \
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

/* `rahil eval --backend ftdi:SERIAL` against the emulated chip: the back-end opened by name
 * through rh_backend_open, as the command does, with the committed MLP (the tests run from the
 * tree's root) on Fashion-MNIST test images. */
#define EVAL_MODEL   "models/mlp.rmod"
#define EVAL_IMAGES  24
#define AGREE_FAULTS 500
/* The test images are a dependency (scripts/install-deps.sh installs them): missing, they fail
 * the tests that need them. */
#define NEED_DATA "the Fashion-MNIST test set, from the Debian package dataset-fashion-mnist"

static int cmp_addr(const void *a, const void *b)
{
	const struct rh_accel_write *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Program, bias and requantiser regions take 32-bit words; the others bytes. */
static int word_entries(uint32_t addr)
{
	unsigned r = addr >> 24;
	return r == RH_AR_PROG || r == RH_AR_BIAS || r == RH_AR_MQ;
}

/* Bytes of a frame around its payload. */
#define FRAME_BYTES(payload) ((uint64_t)RH_PROTO_HDR_LEN + (payload) + RH_PROTO_CRC_LEN)

/* LOAD_MODEL requests the image should take (docs/firmware.md): one per run of consecutive
 * addresses of one entry size, split where a run outgrows a payload behind its 4-byte
 * address. *bytes receives their frames' bytes. */
static long model_frames(const struct rh_accel_image *img, uint64_t *bytes)
{
	struct rh_accel_write *w = malloc(img->n * sizeof(*w));
	if (!w)
		return -1;
	memcpy(w, img->w, img->n * sizeof(*w));
	qsort(w, img->n, sizeof(*w), cmp_addr);
	long frames = 0;
	size_t run = 0;
	*bytes = 0;
	for (size_t i = 0; i < img->n; i++) {
		int word = word_entries(w[i].addr);
		size_t cap = (RH_PROTO_MAX_PAYLOAD - 4) / (word ? 4 : 1);
		if (i > 0 && word == word_entries(w[i - 1].addr) && w[i].addr == w[i - 1].addr + 1 && run < cap) {
			run++;
			*bytes += word ? 4 : 1;
			continue;
		}
		frames++;
		run = 1;
		*bytes += FRAME_BYTES(4) + (word ? 4 : 1);
	}
	free(w);
	return frames;
}

struct eval {
	struct fixture x;
	struct rh_model m;
	struct rh_dataset d;
	struct rh_accel_image img; /* as the board gets it, for the expected frames and cycles */
	struct rh_backend ftdi, sim;
	struct rh_ref ref;
	int8_t *in;
	int have_m, have_d, have_img, have_ref;
};

static enum tb_result eval_run(struct eval *v)
{
	struct rh_err err = {0};
	const struct rh_model *m = &v->m;
	int n_in = m->in_h * m->in_w * m->in_c;
	TB_CHECK(m->in_c == 1 && m->in_h == v->d.h && m->in_w == v->d.w);
	TB_CHECK(v->d.n >= EVAL_IMAGES);
	TB_CHECK((v->in = malloc((size_t)n_in)) != NULL);
	TB_CHECK_EQ(rh_ref_init(&v->ref, m, &err), 0);
	v->have_ref = 1;
	/* The image the back-end builds for the board's array (it asks with IDENTIFY). */
	struct rh_board_sim_info info;
	rh_board_sim_info(v->x.br.sim, &info);
	const struct rh_accel_geom *g = rh_accel_geom_find(info.rows, info.cols);
	TB_CHECK(g != NULL);
	TB_CHECK_EQ(rh_accel_image_build(&v->img, m, g, &err), 0);
	v->have_img = 1;

	/* What should cross the chip, request by request, when nothing is sent twice: IDENTIFY,
	 * the model, then per image LOAD_IMAGE frames of at most a payload less the offset and a
	 * RUN (the first carries the watchdog budget). Answers: IDENTIFY's, empty ones, results. */
	uint64_t model_bytes;
	long frames = model_frames(&v->img, &model_bytes);
	TB_CHECK(frames > 0);
	uint64_t img_frames = (uint64_t)(n_in + RH_PROTO_MAX_PAYLOAD - 5) / (RH_PROTO_MAX_PAYLOAD - 4);
	uint64_t per_image = img_frames + 1;
	uint64_t want_out = FRAME_BYTES(0) + model_bytes + 4 /* budget */ +
	                    EVAL_IMAGES * (img_frames * FRAME_BYTES(4) + (uint64_t)n_in + FRAME_BYTES(0));
	uint64_t want_in =
	    FRAME_BYTES(RH_PROTO_IDENTIFY_LEN) + (uint64_t)frames * FRAME_BYTES(0) +
	    EVAL_IMAGES * (img_frames * FRAME_BYTES(0) + FRAME_BYTES(RH_PROTO_RESULT_HDR + 4 * (uint64_t)m->n_classes));

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = rh_backend_open(&v->ftdi, "ftdi:" SERIAL, m, NULL, &err);
	if (r)
		fprintf(stderr, "  ftdi:%s: %s\n", SERIAL, err.msg);
	TB_CHECK_EQ(r, 0);
	struct ftdi_emul_seen seen;
	ftdi_emul_seen(v->x.e, &seen);
	TB_CHECK_EQ(seen.latency[1], 1); /* interface B, 1 ms */
	TB_CHECK(seen.bitmode_resets >= 1 && seen.baud_requests >= 1 && seen.line_requests >= 1);
	struct rh_backend_stats st;
	rh_backend_stats(&v->ftdi, &st);
	TB_CHECK_EQ(st.round_trips, 1 + frames);
	TB_CHECK_EQ(st.retries, 0);
	uint64_t open_trips = st.round_trips;

	r = rh_backend_open(&v->sim, "sim", m, NULL, &err);
	if (r)
		fprintf(stderr, "  sim: %s\n", err.msg);
	TB_CHECK_EQ(r, 0);

	int correct = 0;
	for (int i = 0; i < EVAL_IMAGES; i++) {
		const uint8_t *px = v->d.pixels + (size_t)i * (size_t)n_in;
		for (int j = 0; j < n_in; j++)
			v->in[j] = rh_quant_pixel(px[j]);
		int32_t want[RH_MAX_LOGITS];
		int cls = rh_ref_infer(&v->ref, v->in, want);
		struct rh_result rf, rs;
		uint64_t trips = st.round_trips;
		r = rh_backend_infer(&v->ftdi, v->in, &rf, &err);
		if (r)
			fprintf(stderr, "  image %d over ftdi: %s\n", i, err.msg);
		TB_CHECK_EQ(r, 0);
		rh_backend_stats(&v->ftdi, &st);
		TB_CHECK_EQ(st.round_trips - trips, per_image);
		TB_CHECK_EQ(st.retries, 0);
		r = rh_backend_infer(&v->sim, v->in, &rs, &err);
		if (r)
			fprintf(stderr, "  image %d on sim: %s\n", i, err.msg);
		TB_CHECK_EQ(r, 0);
		TB_CHECK_EQ(rf.end, RH_RUN_DONE);
		TB_CHECK_EQ(rs.end, RH_RUN_DONE);
		TB_CHECK_EQ(rf.cycles, v->img.cycles);
		for (int k = 0; k < m->n_classes; k++)
			if (rf.logits[k] != want[k] || rs.logits[k] != want[k]) {
				fprintf(stderr, "  image %d logit %d: ftdi %ld, sim %ld, reference %ld\n", i, k,
				        (long)rf.logits[k], (long)rs.logits[k], (long)want[k]);
				return TB_FAIL;
			}
		TB_CHECK_EQ(rf.cls, cls);
		TB_CHECK_EQ(rs.cls, cls);
		correct += cls == v->d.labels[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* The emulated chip carried those frames and nothing else, at 1 ms throughout. */
	ftdi_emul_seen(v->x.e, &seen);
	TB_CHECK_EQ(seen.bytes_out, want_out);
	TB_CHECK_EQ(seen.bytes_in, want_in);
	TB_CHECK_EQ(seen.latency[1], 1);
	printf("  %d images bit-exact over ftdi:%s, sim and the reference (%d correct); %llu round "
	       "trips to open, %llu per image; %.2f s\n",
	       EVAL_IMAGES, SERIAL, correct, (unsigned long long)open_trips, (unsigned long long)per_image,
	       (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
	/* Closing puts the chip back as found: the power-on latency timer. */
	rh_backend_close(&v->ftdi);
	ftdi_emul_seen(v->x.e, &seen);
	TB_CHECK_EQ(seen.latency[1], 16);
	return TB_PASS;
}

static enum tb_result t_backend_eval(void)
{
	static struct eval v;
	struct rh_err err = {0};
	char why[WHY_LEN];
	memset(&v, 0, sizeof(v));
	if (no_emul[0])
		TB_SKIP_BECAUSE("%s", no_emul);
	if (rh_model_load(&v.m, EVAL_MODEL, &err)) {
		fprintf(stderr, "  %s: %s\n", EVAL_MODEL, err.msg);
		return TB_FAIL;
	}
	v.have_m = 1;
	enum tb_result res = TB_FAIL;
	if (rh_dataset_load(&v.d, NULL, RH_TEST, &err)) {
		fprintf(stderr, "  " NEED_DATA ": %s\n", err.msg);
		goto out;
	}
	v.have_d = 1;
	int r = setup(&v.x, 0, why, sizeof(why));
	if (r) {
		fprintf(stderr, "  %s%s\n", r == -1 ? "skip: " : "", why);
		res = r == -1 ? TB_SKIP : TB_FAIL;
		goto out;
	}
	res = eval_run(&v);
	rh_backend_close(&v.ftdi); /* both safe when not open, or closed */
	rh_backend_close(&v.sim);
	teardown(&v.x);
out:
	free(v.in);
	if (v.have_ref)
		rh_ref_free(&v.ref);
	if (v.have_img)
		rh_accel_image_free(&v.img);
	if (v.have_d)
		rh_dataset_free(&v.d);
	if (v.have_m)
		rh_model_free(&v.m);
	return res;
}

/* Run `RH_RAHIL eval ... --backend BACKEND --json` (the emulated chip is reachable from a child
 * process: umockdev's preload library and testbed are inherited); returns its exit status, or
 * -1, and the "correct" count it printed in *correct. */
static int run_eval(const char *rahil, const char *backend, long *correct)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' eval -m " EVAL_MODEL " --backend %s --images %d --json -q", rahil, backend,
	         EVAL_IMAGES);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	char line[256];
	*correct = -1;
	while (fgets(line, sizeof(line), f)) {
		const char *k = strstr(line, "\"correct\":");
		if (k)
			*correct = strtol(k + strlen("\"correct\":"), NULL, 10);
	}
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The command itself: `rahil eval --backend ftdi:SERIAL` exits 0 (it checks every logit against
 * the reference model and exits 3 on a mismatch) with the accuracy `--backend sim` gives. The
 * binary comes from $RH_RAHIL, which make link-test always sets: without it the test fails. */
static enum tb_result t_cli_eval(void)
{
	static struct fixture x;
	if (no_emul[0])
		TB_SKIP_BECAUSE("%s", no_emul);
	const char *rahil = getenv("RH_RAHIL");
	if (!rahil || access(rahil, X_OK)) {
		fprintf(stderr, "  RH_RAHIL is %s%s%s: it names the rahil binary (make link-test sets it)\n",
		        rahil ? "'" : "not set", rahil ? rahil : "", rahil ? "', not an executable" : "");
		return TB_FAIL;
	}
	struct rh_dataset d;
	struct rh_err err = {0};
	if (rh_dataset_load(&d, NULL, RH_TEST, &err)) {
		fprintf(stderr, "  " NEED_DATA ": %s\n", err.msg);
		return TB_FAIL;
	}
	rh_dataset_free(&d);
	SETUP_NO_TRANSPORT(&x);
	long c_ftdi, c_sim;
	int st = run_eval(rahil, "ftdi:" SERIAL, &c_ftdi);
	struct ftdi_emul_seen seen;
	ftdi_emul_seen(x.e, &seen);
	teardown(&x);
	TB_CHECK_EQ(st, 0);
	TB_CHECK(seen.bytes_out > 0 && seen.bytes_in > 0);
	TB_CHECK_EQ(seen.latency[1], 16); /* put back as found when rahil closed it */
	TB_CHECK_EQ(run_eval(rahil, "sim", &c_sim), 0);
	TB_CHECK(c_ftdi >= 0);
	TB_CHECK_EQ(c_ftdi, c_sim);
	printf("  rahil eval --backend ftdi:%s: %ld of %d correct, as --backend sim\n", SERIAL, c_ftdi, EVAL_IMAGES);
	return TB_PASS;
}

/* Run a campaign with `RH_RAHIL campaign ... --csv CSV`; returns its exit status or -1. */
static int run_campaign(const char *rahil, const char *model, const char *backend, const char *csv)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
	         "'%s' campaign -m %s --backend %s --sampler uniform --n %d --images 10 --seed 11 --csv '%s' -q "
	         ">/dev/null",
	         rahil, model, backend, AGREE_FAULTS, csv);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Lines of a file, and whether two files are equal byte for byte. */
static long file_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = 0;
	int ch;
	if (!f)
		return -1;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

static int same_file(const char *a, const char *b, long *first_diff_line)
{
	FILE *x = fopen(a, "r"), *y = fopen(b, "r");
	int same = x && y;
	long line = 1;
	while (same) {
		int p = fgetc(x), q = fgetc(y);
		if (p != q)
			same = 0;
		else if (p == EOF)
			break;
		else if (p == '\n')
			line++;
	}
	*first_diff_line = line;
	if (x)
		fclose(x);
	if (y)
		fclose(y);
	return same;
}

/* Sim and board agree fault by fault: the same campaign (500 uniform faults over 10 images,
 * every flip-flop class, control included) on the in-process iCEBreaker core (sim:ice40) and
 * through the real libusb and libftdi1 to the emulated FT2232H and the verilated board design
 * behind it, on both reference networks: identical outcome, class, cycles and logits for every
 * fault (the campaigns' --csv files are equal byte for byte). */
static enum tb_result t_cli_campaign_agree(void)
{
	static struct fixture x;
	if (no_emul[0])
		TB_SKIP_BECAUSE("%s", no_emul);
	const char *rahil = getenv("RH_RAHIL");
	if (!rahil || access(rahil, X_OK)) {
		fprintf(stderr, "  RH_RAHIL names the rahil binary (make link-test sets it)\n");
		return TB_FAIL;
	}
	const char *tmp = getenv("TMPDIR");
	char dir[512], a[600], b[600];
	snprintf(dir, sizeof(dir), "%s/rahil-agree-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	TB_CHECK(mkdtemp(dir) != NULL);
	snprintf(a, sizeof(a), "%s/sim.csv", dir);
	snprintf(b, sizeof(b), "%s/ftdi.csv", dir);
	static const char *const models[] = {"models/mlp.rmod", "models/cnn.rmod"};
	enum tb_result res = TB_PASS;
	for (int k = 0; k < 2 && res == TB_PASS; k++) {
		SETUP_NO_TRANSPORT(&x);
		int s1 = run_campaign(rahil, models[k], "ftdi:" SERIAL, b);
		teardown(&x);
		int s2 = run_campaign(rahil, models[k], "sim:ice40", a);
		long diff = 0, n = file_lines(a);
		if (s1 != 0 || s2 != 0) {
			fprintf(stderr, "  %s: campaign exit %d over ftdi, %d on sim:ice40\n", models[k], s1, s2);
			res = TB_FAIL;
		} else if (n != AGREE_FAULTS + 1) {
			fprintf(stderr, "  %s: %ld lines in %s\n", models[k], n, a);
			res = TB_FAIL;
		} else if (!same_file(a, b, &diff)) {
			fprintf(stderr, "  %s: the results differ from line %ld of the CSV (%s, %s)\n", models[k], diff,
			        a, b);
			res = TB_FAIL;
		} else {
			char cmd[1400], classes[256] = "";
			snprintf(cmd, sizeof(cmd), "tail -n +2 '%s' | cut -d, -f7,9 | sort | uniq -c | tr -s ' \n' ' '",
			         a);
			FILE *f = popen(cmd, "r");
			if (f) {
				if (!fgets(classes, sizeof(classes), f))
					classes[0] = 0;
				pclose(f);
			}
			printf("  %s: %d faults identical over ftdi:%s and sim:ice40 (class,outcome:%s)\n", models[k],
			       AGREE_FAULTS, SERIAL, classes);
			if (!strstr(classes, "control,") || !strstr(classes, "input_act,") ||
			    !strstr(classes, "weight,") || !strstr(classes, "output_act,")) {
				fprintf(stderr, "  %s: not every flip-flop class was hit\n", models[k]);
				res = TB_FAIL;
			}
		}
	}
	if (res == TB_PASS) {
		unlink(a);
		unlink(b);
		rmdir(dir);
	}
	return res;
}

static const struct tb_case cases[] = {
    {"identify", t_identify},
    {"echo_and_errors", t_echo_and_errors},
    {"backend_eval_bit_exact", t_backend_eval},
    {"cli_eval_ftdi", t_cli_eval},
    {"cli_campaign_ftdi_vs_sim_ice40", t_cli_campaign_agree},
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
			         "umockdev-wrapper ran but its preload library is not loaded: reinstall umockdev "
			         "and libumockdev0");
		}
	}
	return tb_run("usb_sim", cases, sizeof(cases) / sizeof(cases[0]), argc > 1 ? argv[1] : NULL);
}
