/* rahil: the link back-ends: the framed protocol (host/link/protocol.h) over a byte transport
 * (host/link/transport.h) to a board, or to rahil-sim's pseudo-terminal. --backend serial:PATH and
 * ftdi[:SERIAL], over host/link/protocol_link.h (retries, timeouts). Open: IDENTIFY, build the image for the board's
 * geometry, LOAD_MODEL; infer: LOAD_IMAGE and RUN. Payload layouts: docs/firmware.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel_image.h"
#include "backend.h"
#include "protocol.h"
#include "protocol_link.h"
#include "transport.h"

#define LINK_RUN_MS            2000 /* bound on one run's answer, on top of the link's own timeout */
#define LINK_TIMEOUT_SCALE_MAX 1000

struct link_be {
	struct rh_transport t;
	struct rh_link link; /* sequence numbers, timeouts, retries (host/link/protocol_link.h) */
	struct rh_identify id;
	const struct rh_ffmap *ffmap; /* the board's, found by the hash IDENTIFY reports */
	struct rh_accel_image img;
	int have_img;
	int budget_sent;            /* the first RUN carries the watchdog budget */
	const struct rh_frame *rsp; /* the last answer */
	int run_ms;                 /* LINK_RUN_MS times the timeout scale */
};

/* RAHIL_LINK_TIMEOUT_SCALE=N makes every answer timeout N times longer, for a device that runs
 * slower than a board at its clock: rahil-gatesim, the bitstream's netlist simulated at some
 * 60,000 clocks/s (docs/bench-guide.md). Unset or empty: 1. */
static int link_timeout_scale(int *scale, struct rh_err *err)
{
	const char *e = getenv("RAHIL_LINK_TIMEOUT_SCALE");
	char *end;
	*scale = 1;
	if (!e || !*e)
		return 0;
	long v = strtol(e, &end, 10);
	if (*end || v < 1 || v > LINK_TIMEOUT_SCALE_MAX)
		return rh_err_set(err, RH_E_INVAL,
		                  "RAHIL_LINK_TIMEOUT_SCALE is '%s', expected a whole number from 1 to %d", e,
		                  LINK_TIMEOUT_SCALE_MAX);
	*scale = (int)v;
	return 0;
}

/* Send one request and wait for its answer (retried on a lost or damaged frame; an ERROR
 * frame is an error). */
static int link_xfer(struct link_be *l, uint8_t op, const uint8_t *payload, size_t len, struct rh_err *err)
{
	int extra = op == RH_CMD_RUN || op == RH_CMD_RUN_FAULT ? l->run_ms : 0;
	return rh_link_request(&l->link, op, payload, len, extra, &l->rsp, err);
}

/* The image's writes, sorted by address, in LOAD_MODEL frames of consecutive addresses. */
static int link_load(struct link_be *l, struct rh_err *err)
{
	struct rh_accel_runs runs;
	uint8_t *p = malloc(RH_PROTO_MAX_PAYLOAD);
	int rc = rh_accel_image_runs(&l->img, &runs, err);
	if (!rc && !p)
		rc = rh_err_set(err, RH_E_NOMEM, "out of memory for a %zu-write image", l->img.n);
	if (rc)
		goto out;
	for (size_t r = 0; r < runs.n; r++) {
		const struct rh_accel_run *run = &runs.run[r];
		for (size_t i = 0, k, len; i < run->n; i += k) {
			k = rh_load_model_payload(run->addr + (uint32_t)i, run->elem_size, run->data + i, run->n - i, p,
			                          &len);
			if ((rc = link_xfer(l, RH_CMD_LOAD_MODEL, p, len, err)))
				goto out;
		}
	}
out:
	rh_accel_runs_free(&runs);
	free(p);
	return rc;
}

static int link_open(struct rh_backend *b, const char *name, const char *arg, const struct rh_model *m,
                     struct rh_err *err)
{
	char spec[512];
	int rc, scale;
	if (m->n_classes > RH_MAX_LOGITS)
		return rh_err_set(err, RH_E_INVAL, "%d classes, at most %d supported", m->n_classes, RH_MAX_LOGITS);
	if ((rc = link_timeout_scale(&scale, err)))
		return rc;
	struct link_be *l = calloc(1, sizeof(*l));
	if (!l)
		return rh_err_set(err, RH_E_NOMEM, "out of memory");
	snprintf(spec, sizeof(spec), "%s%s%s", name, arg ? ":" : "", arg ? arg : "");
	if ((rc = rh_transport_open(&l->t, spec, NULL, err))) {
		free(l);
		return rc;
	}
	rh_link_init(&l->link, &l->t);
	l->link.timeout_ms *= scale;
	l->run_ms = LINK_RUN_MS * scale;
	if ((rc = rh_link_identify(&l->link, &l->id, err)))
		goto fail;
	if (!(l->id.flags & RH_ID_F_CORE)) {
		rc = rh_err_set(err, RH_E_UNSUPPORTED, "%s: the bitstream has no accelerator core", spec);
		goto fail;
	}
	if ((rc = rh_ffmap_match(l->id.ffmap_hash, l->id.rows, l->id.cols, l->id.chain_len, &l->ffmap, err)))
		goto fail;
	const struct rh_accel_geom *g = rh_accel_geom_find(l->id.rows, l->id.cols);
	if (!g) {
		rc = rh_err_set(err, RH_E_UNSUPPORTED, "%s: a %ux%u array, expected 1x2, 2x4 or 8x8", spec, l->id.rows,
		                l->id.cols);
		goto fail;
	}
	if ((rc = rh_accel_image_build(&l->img, m, g, err)))
		goto fail;
	l->have_img = 1;
	if (l->img.n_logits != l->id.n_classes) {
		rc = rh_err_set(err, RH_E_UNSUPPORTED, "the model has %d classes, the board returns %u",
		                l->img.n_logits, l->id.n_classes);
		goto fail;
	}
	if ((rc = link_load(l, err)))
		goto fail;
	b->priv = l;
	return 0;
fail:
	if (l->have_img)
		rh_accel_image_free(&l->img);
	rh_transport_close(&l->t);
	free(l);
	return rc;
}

/* LOAD_IMAGE in frames of at most a payload each. */
static int link_send_input(struct link_be *l, const struct rh_model *m, const int8_t *input, struct rh_err *err)
{
	size_t n = (size_t)(m->in_h * m->in_w * m->in_c);
	uint8_t p[RH_PROTO_MAX_PAYLOAD];
	int rc;
	for (size_t ofs = 0; ofs < n;) {
		size_t k = n - ofs < RH_PROTO_MAX_PAYLOAD - 4 ? n - ofs : RH_PROTO_MAX_PAYLOAD - 4;
		rh_put_u32(p, (uint32_t)ofs);
		memcpy(p + 4, input + ofs, k);
		if ((rc = link_xfer(l, RH_CMD_LOAD_IMAGE, p, 4 + k, err)))
			return rc;
		ofs += k;
	}
	return 0;
}

/* A fault-free RUN of the image loaded last; the first one sets the watchdog budget, which
 * stays in force for later runs and batches. */
static int link_run(struct link_be *l, struct rh_result *res, struct rh_err *err)
{
	uint8_t p[4];
	size_t len = 0;
	int rc;
	if (!l->budget_sent) {
		rh_put_u32(p, (uint32_t)(2 * l->img.cycles + 1024));
		len = 4;
	}
	if ((rc = link_xfer(l, RH_CMD_RUN, p, len, err)))
		return rc;
	l->budget_sent = 1;
	return rh_result_parse(l->rsp->payload, l->rsp->len, res, err);
}

static int link_infer(struct rh_backend *b, const int8_t *input, struct rh_result *res, struct rh_err *err)
{
	struct link_be *l = b->priv;
	int rc = link_send_input(l, b->m, input, err);
	return rc ? rc : link_run(l, res, err);
}

static int link_info(struct rh_backend *b, struct rh_backend_info *info, struct rh_err *err)
{
	struct link_be *l = b->priv;
	(void)err;
	info->chain_len = l->id.chain_len;
	info->golden_cycles = (uint32_t)l->img.cycles;
	info->rows = l->id.rows;
	info->cols = l->id.cols;
	info->ffmap = l->ffmap;
	info->ffmap_hash = l->id.ffmap_hash;
	return 0;
}

/* The faults ride in RUN_BATCH requests behind one fault-free run of the same input (a
 * descriptor whose cycle the run never reaches): the golden run the campaign checks, at no
 * extra round trip. The board restores the canonical start state before every descriptor. */
static int link_run_faults(struct rh_backend *b, const int8_t *input, const struct rh_fault *f, size_t n,
                           struct rh_result *golden, struct rh_result *out, struct rh_err *err)
{
	struct link_be *l = b->priv;
	struct rh_fault *faults = malloc((n + 1) * sizeof(*faults));
	struct rh_result *rr = malloc((n + 1) * sizeof(*rr));
	int rc = 0;
	if (!faults || !rr) {
		rc = rh_err_set(err, RH_E_NOMEM, "out of memory for %zu faults", n);
		goto out;
	}
	if ((rc = link_send_input(l, b->m, input, err)))
		goto out;
	if (!l->budget_sent && (rc = link_run(l, golden, err)))
		goto out;
	faults[0] = (struct rh_fault){.bit = 0, .cycle = UINT32_MAX, .no_flip = 1}; /* past the end: fault-free */
	memcpy(faults + 1, f, n * sizeof(*f));
	size_t batch = l->id.batch_max ? l->id.batch_max : 1;
	if ((rc = rh_link_run_faults(&l->link, faults, n + 1, batch, l->run_ms, rr, err)))
		goto out;
	*golden = rr[0];
	memcpy(out, rr + 1, n * sizeof(*out));
out:
	free(faults);
	free(rr);
	return rc;
}

static void link_stats(struct rh_backend *b, struct rh_backend_stats *st)
{
	struct link_be *l = b->priv;
	st->round_trips = l->t.stats.round_trips;
	st->retries = l->link.stats.retries;
}

static void link_close(struct rh_backend *b)
{
	struct link_be *l = b->priv;
	if (!l)
		return;
	rh_accel_image_free(&l->img);
	rh_transport_close(&l->t);
	free(l);
	b->priv = NULL;
}

static int serial_open(struct rh_backend *b, const char *arg, const struct rh_model *m, struct rh_err *err)
{
	if (!arg || !*arg)
		return rh_err_set(err, RH_E_INVAL, "back-end serial needs a device: serial:PATH");
	return link_open(b, "serial", arg, m, err);
}

static int ftdi_open(struct rh_backend *b, const char *arg, const struct rh_model *m, struct rh_err *err)
{
	return link_open(b, "ftdi", arg, m, err);
}

const struct rh_backend_ops rh_backend_serial_ops = {
    .name = "serial",
    .help = "a board or rahil-sim on a tty: serial:PATH",
    .open = serial_open,
    .infer = link_infer,
    .close = link_close,
    .info = link_info,
    .run_faults = link_run_faults,
    .stats = link_stats,
};

const struct rh_backend_ops rh_backend_ftdi_ops = {
    .name = "ftdi",
    .help = "an iCEBreaker through libftdi1: ftdi[:SERIAL]",
    .open = ftdi_open,
    .infer = link_infer,
    .close = link_close,
    .info = link_info,
    .run_faults = link_run_faults,
    .stats = link_stats,
};
