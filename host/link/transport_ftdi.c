/* rahil: ftdi[:SERIAL] back-end: an FTDI bridge through libftdi1 (kernel driver detached and
 * re-attached at close, latency timer 1 ms, raw 8N1), the board found by the board table.
 * The only file that includes libftdi. Built as a stub when libftdi1 is missing. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "clock.h"
#include "transport.h"

#ifdef RH_HAVE_LIBFTDI
#include <ftdi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board_table.h"

struct ftdi_priv {
	struct ftdi_context *ctx;
	unsigned char saved_latency;
	int have_saved; /* saved_latency holds the value found at open */
	const struct rh_board *board;
	char desc[128];
};

/* Put the chip back as found: latency timer, bitmode; then close and free. */
static void restore_and_close(struct ftdi_priv *f, int opened)
{
	if (opened) {
		if (f->have_saved)
			ftdi_set_latency_timer(f->ctx, f->saved_latency);
		ftdi_set_bitmode(f->ctx, 0, BITMODE_RESET);
		ftdi_usb_close(f->ctx); /* re-attaches ftdi_sio (AUTO_DETACH_REATACH_SIO_MODULE) */
	}
	ftdi_free(f->ctx);
	free(f);
}

static int ftdi_open_(struct rh_transport *t, const char *serial, const struct rh_transport_opts *o, struct rh_err *err)
{
	struct ftdi_priv *f = calloc(1, sizeof(*f));
	if (!f)
		return rh_err_set(err, RH_E_NOMEM, "out of memory opening an FTDI device");
	int r = 0, opened = 0;
	f->ctx = ftdi_new();
	if (!f->ctx) {
		free(f);
		return rh_err_set(err, RH_E_TRANSPORT, "ftdi_new failed: libusb could not start (no USB here?)");
	}
	f->ctx->module_detach_mode = AUTO_DETACH_REATACH_SIO_MODULE;

	size_t nb;
	const struct rh_board *boards = rh_board_table(&nb);
	char tried[256] = "";
	const char *why = "no device";
	int denied = 0;
	for (size_t i = 0; i < nb && !opened; i++) {
		const struct rh_board *b = &boards[i];
		if (ftdi_set_interface(f->ctx, b->interface ? INTERFACE_B : INTERFACE_A) < 0)
			continue;
		int rc = ftdi_usb_open_desc(f->ctx, b->vid, b->pid, NULL, serial);
		if (rc == 0) {
			opened = 1;
			f->board = b;
			snprintf(f->desc, sizeof(f->desc), "%s %04x:%04x interface %c%s%s", b->chip, b->vid, b->pid,
			         b->interface ? 'B' : 'A', serial ? " serial " : "", serial ? serial : "");
			break;
		}
		size_t used = strlen(tried);
		snprintf(tried + used, sizeof(tried) - used, "%s%04x:%04x", used ? ", " : "", b->vid, b->pid);
		if (rc != -3) { /* -3: no such device; anything else is worth reporting */
			why = ftdi_get_error_string(f->ctx);
			denied |= rc == -8 || (why && strstr(why, "permission"));
		}
	}
	if (!opened) {
		r = rh_err_set(err, RH_E_TRANSPORT, "no FTDI board%s%s%s could be opened (tried %s: %s)%s",
		               serial ? " with serial '" : "", serial ? serial : "", serial ? "'" : "", tried, why,
		               denied ? "; permission denied: install " RH_UDEV_RULE " (see docs/bench-guide.md)"
		                      : "; `rahil devices` lists the boards attached");
		goto fail;
	}
	if (ftdi_get_latency_timer(f->ctx, &f->saved_latency) == 0)
		f->have_saved = 1;
	if (ftdi_set_bitmode(f->ctx, 0, BITMODE_RESET) < 0 ||
	    ftdi_set_line_property(f->ctx, BITS_8, STOP_BIT_1, NONE) < 0 ||
	    ftdi_setflowctrl(f->ctx, SIO_DISABLE_FLOW_CTRL) < 0) {
		r = rh_err_set(err, RH_E_TRANSPORT, "%s: cannot set raw 8N1: %s", f->desc,
		               ftdi_get_error_string(f->ctx));
		goto fail;
	}
	if (ftdi_set_baudrate(f->ctx, o->baud) < 0) {
		r = rh_err_set(err, RH_E_INVAL, "%s: baud %d not possible: %s", f->desc, o->baud,
		               ftdi_get_error_string(f->ctx));
		goto fail;
	}
	if (ftdi_set_latency_timer(f->ctx, 1) < 0 || ftdi_tcioflush(f->ctx) < 0) {
		r = rh_err_set(err, RH_E_TRANSPORT, "%s: cannot set latency timer 1 ms or purge: %s", f->desc,
		               ftdi_get_error_string(f->ctx));
		goto fail;
	}
	f->ctx->usb_read_timeout = 100;
	f->ctx->usb_write_timeout = o->timeout_ms;
	t->priv = f;
	return 0;
fail:
	restore_and_close(f, opened);
	return r;
}

static int ftdi_write_(struct rh_transport *t, const uint8_t *p, size_t n, int timeout_ms, struct rh_err *err)
{
	struct ftdi_priv *f = t->priv;
	f->ctx->usb_write_timeout = timeout_ms;
	size_t done = 0;
	while (done < n) {
		size_t chunk = n - done > 65536 ? 65536 : n - done;
		int k = ftdi_write_data(f->ctx, p + done, (int)chunk);
		if (k < 0)
			/* libftdi returns -666 when the device went away. */
			return rh_err_set(err, RH_E_TRANSPORT, "%s: write failed after %zu of %zu bytes: %s", f->desc,
			                  done, n, ftdi_get_error_string(f->ctx));
		if (k == 0)
			return rh_err_set(err, RH_E_TIMEOUT, "%s: sent %zu bytes, expected %zu within %d ms", f->desc,
			                  done, n, timeout_ms);
		done += (size_t)k;
	}
	return 0;
}

static int ftdi_read_(struct rh_transport *t, uint8_t *p, size_t n, size_t *got, int timeout_ms, struct rh_err *err)
{
	struct ftdi_priv *f = t->priv;
	int64_t deadline = rh_now_ms() + timeout_ms;
	if (n > 65536)
		n = 65536;
	for (;;) {
		/* Returns at the latest one latency period (1 ms) after the chip has no data. */
		int k = ftdi_read_data(f->ctx, p, (int)n);
		if (k < 0)
			return rh_err_set(err, RH_E_TRANSPORT, "%s: read failed: %s", f->desc,
			                  ftdi_get_error_string(f->ctx));
		if (k > 0) {
			*got = (size_t)k;
			return 0;
		}
		if (rh_now_ms() >= deadline)
			return rh_err_set(err, RH_E_TIMEOUT, "%s: no byte within %d ms", f->desc, timeout_ms);
	}
}

static int ftdi_purge_(struct rh_transport *t, struct rh_err *err)
{
	struct ftdi_priv *f = t->priv;
	if (ftdi_tcioflush(f->ctx) < 0)
		return rh_err_set(err, RH_E_TRANSPORT, "%s: purge failed: %s", f->desc, ftdi_get_error_string(f->ctx));
	return 0;
}

static void ftdi_close_(struct rh_transport *t)
{
	if (t->priv)
		restore_and_close(t->priv, 1);
}

#else /* !RH_HAVE_LIBFTDI */

static int ftdi_open_(struct rh_transport *t, const char *serial, const struct rh_transport_opts *o, struct rh_err *err)
{
	(void)t;
	(void)serial;
	(void)o;
	return rh_err_set(err, RH_E_UNSUPPORTED,
	                  "the ftdi back-end was built without libftdi1; install libftdi1-dev "
	                  "and rebuild, or use --backend serial:/dev/ttyUSB1");
}

static int ftdi_write_(struct rh_transport *t, const uint8_t *p, size_t n, int timeout_ms, struct rh_err *err)
{
	(void)t, (void)p, (void)n, (void)timeout_ms;
	return rh_err_set(err, RH_E_UNSUPPORTED, "built without libftdi1");
}

static int ftdi_read_(struct rh_transport *t, uint8_t *p, size_t n, size_t *got, int timeout_ms, struct rh_err *err)
{
	(void)t, (void)p, (void)n, (void)got, (void)timeout_ms;
	return rh_err_set(err, RH_E_UNSUPPORTED, "built without libftdi1");
}

static int ftdi_purge_(struct rh_transport *t, struct rh_err *err)
{
	(void)t;
	return rh_err_set(err, RH_E_UNSUPPORTED, "built without libftdi1");
}

static void ftdi_close_(struct rh_transport *t)
{
	(void)t;
}

#endif

const struct rh_transport_ops rh_transport_ftdi_ops = {
    .name = "ftdi",
    .open = ftdi_open_,
    .write = ftdi_write_,
    .read = ftdi_read_,
    .purge = ftdi_purge_,
    .close = ftdi_close_,
};
