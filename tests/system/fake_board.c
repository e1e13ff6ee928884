/* rahil test tool: a board with a planted defect, for the campaign's golden check.
 *
 * Serves the host link protocol (host/link/protocol.h) on a pseudo-terminal, whose path it prints,
 * as an iCEBreaker bitstream would: IDENTIFY names the bitstream's FF map; LOAD_MODEL and
 * LOAD_IMAGE are acknowledged (the image is kept); RUN and every RUN_BATCH descriptor answer
 * with the C reference model's result for the loaded image, every fault masked. The defect:
 * from the DEFECT-th image loaded on (0 the first; -1 never), logit 0 comes back one too high.
 * usage: fake_board MODEL DEFECT. */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "accel_image.h"
#include "ffmap.h"
#include "model.h"
#include "protocol.h"
#include "refmodel.h"

struct board {
	int fd;
	struct rh_ref ref;
	int8_t image[4096];
	int n_in;
	uint32_t cycles;
	int n_classes;
	long loaded; /* images loaded (LOAD_IMAGE at offset 0) */
	long defect;
};

static int send_frame(struct board *b, uint8_t seq, uint8_t op, const uint8_t *p, size_t len)
{
	uint8_t out[RH_PROTO_MAX_FRAME];
	size_t n;
	struct rh_err err = {0, ""};
	if (rh_proto_encode(seq, op, p, len, out, sizeof(out), &n, &err))
		return -1;
	return write(b->fd, out, n) == (ssize_t)n ? 0 : -1;
}

/* The result of a run of the loaded image, with the planted defect. */
static size_t result(struct board *b, uint8_t *p, size_t cap)
{
	struct rh_result r = {0};
	int32_t logits[RH_PROTO_MAX_LOGITS];
	r.end = RH_RUN_DONE;
	r.cls = rh_ref_infer(&b->ref, b->image, logits);
	r.n_logits = b->n_classes;
	r.cycles = b->cycles;
	memcpy(r.logits, logits, sizeof(int32_t) * (size_t)b->n_classes);
	if (b->defect >= 0 && b->loaded > b->defect)
		r.logits[0]++;
	return rh_result_pack(&r, p, cap);
}

static int serve(struct board *b, const struct rh_frame *f)
{
	uint8_t p[RH_PROTO_MAX_PAYLOAD];
	uint8_t rsp = f->op | RH_PROTO_OP_RESPONSE;
	switch (f->op) {
	case RH_CMD_IDENTIFY: {
		struct rh_identify id = {.version = RH_PROTO_VERSION,
		                         .rows = (uint8_t)rh_ffmap_ice40.rows,
		                         .cols = (uint8_t)rh_ffmap_ice40.cols,
		                         .chain_len = rh_ffmap_ice40.chain_len,
		                         .ffmap_hash = rh_ffmap_hash(&rh_ffmap_ice40),
		                         .max_payload = RH_PROTO_MAX_PAYLOAD,
		                         .batch_max = RH_PROTO_BATCH_MAX,
		                         .clk_hz = 12000000,
		                         .n_classes = (uint8_t)b->n_classes,
		                         .flags = RH_ID_F_CORE};
		rh_identify_pack(&id, p);
		return send_frame(b, f->seq, rsp, p, RH_PROTO_IDENTIFY_LEN);
	}
	case RH_CMD_LOAD_IMAGE: {
		uint32_t ofs = f->len >= 4 ? rh_get_u32(f->payload) : 0;
		if (ofs == 0)
			b->loaded++;
		for (size_t i = 4; i < f->len && ofs + i - 4 < sizeof(b->image); i++)
			b->image[ofs + i - 4] = (int8_t)f->payload[i];
		return send_frame(b, f->seq, rsp, NULL, 0);
	}
	case RH_CMD_LOAD_MODEL:
	case RH_CMD_RESET: return send_frame(b, f->seq, rsp, NULL, 0);
	case RH_CMD_ECHO: return send_frame(b, f->seq, rsp, f->payload, f->len);
	case RH_CMD_RUN:
	case RH_CMD_RUN_FAULT: {
		size_t n = result(b, p, sizeof(p));
		return send_frame(b, f->seq, rsp, p, n);
	}
	case RH_CMD_RUN_BATCH: {
		uint16_t count = f->len >= 2 ? rh_get_u16(f->payload) : 0;
		for (uint16_t i = 0; i < count; i++) {
			rh_put_u16(p, i);
			rh_put_u16(p + 2, count);
			size_t n = result(b, p + RH_PROTO_BATCH_RES_HDR, sizeof(p) - RH_PROTO_BATCH_RES_HDR);
			if (send_frame(b, f->seq, rsp, p, RH_PROTO_BATCH_RES_HDR + n))
				return -1;
		}
		return 0;
	}
	default: {
		struct rh_perror e = {.code = RH_PERR_UNKNOWN_OP, .op = f->op, .detail = f->len};
		rh_perror_pack(&e, p);
		return send_frame(b, f->seq, RH_PROTO_OP_ERROR, p, RH_PROTO_ERR_LEN);
	}
	}
}

int main(int argc, char **argv)
{
	struct board b = {0};
	struct rh_model m;
	struct rh_accel_image img;
	struct rh_err err = {0, ""};
	if (argc != 3) {
		fprintf(stderr, "usage: fake_board MODEL DEFECT\n");
		return 1;
	}
	b.defect = strtol(argv[2], NULL, 10);
	const struct rh_accel_geom *g = rh_accel_geom_find(rh_ffmap_ice40.rows, rh_ffmap_ice40.cols);
	if (rh_model_load(&m, argv[1], &err) || !g || rh_accel_image_build(&img, &m, g, &err) ||
	    rh_ref_init(&b.ref, &m, &err)) {
		fprintf(stderr, "fake_board: %s\n", err.msg);
		return 1;
	}
	b.cycles = (uint32_t)img.cycles;
	b.n_classes = m.n_classes;
	b.fd = posix_openpt(O_RDWR | O_NOCTTY);
	struct termios t;
	if (b.fd < 0 || grantpt(b.fd) || unlockpt(b.fd) || tcgetattr(b.fd, &t)) {
		perror("fake_board: pseudo-terminal");
		return 2;
	}
	cfmakeraw(&t);
	tcsetattr(b.fd, TCSANOW, &t);
	printf("%s\n", ptsname(b.fd));
	fflush(stdout);
	/* a slave stays open here, so that a client closing the terminal is no hang-up: the board
	 * serves one client after another until it has been idle for two minutes (or is killed) */
	int hold = open(ptsname(b.fd), O_RDWR | O_NOCTTY);
	struct rh_proto_parser ps;
	rh_proto_parser_init(&ps);
	for (;;) {
		struct rh_frame f;
		int rc;
		while ((rc = rh_proto_next(&ps, &f, &err)) != 0)
			if (rc == 1 && serve(&b, &f))
				goto done;
		struct pollfd pf = {b.fd, POLLIN, 0};
		if (poll(&pf, 1, 120000) != 1)
			break;
		uint8_t buf[512];
		ssize_t n = read(b.fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (size_t off = 0; off < (size_t)n;)
			off += rh_proto_feed(&ps, buf + off, (size_t)n - off);
	}
done:
	if (hold >= 0)
		close(hold);
	rh_ref_free(&b.ref);
	rh_accel_image_free(&img);
	rh_model_free(&m);
	return 0;
}
