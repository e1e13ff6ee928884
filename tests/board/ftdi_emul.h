/* rahil: an emulated FT2232H (0403:6010) for tests: umockdev presents it to the real libusb
 * and libftdi1; interface B's bulk OUT endpoint loops back to its bulk IN endpoint. */
#ifndef RAHIL_FTDI_EMUL_H
#define RAHIL_FTDI_EMUL_H

#include <stddef.h>
#include <stdint.h>

struct ftdi_emul;

/* What the emulated chip saw, for assertions. */
struct ftdi_emul_seen {
	int latency[2];     /* last latency timer written, per interface (A, B); -1 never */
	int bitmode_resets; /* SET_BITMODE with mode 0 */
	int baud_requests;  /* SET_BAUDRATE */
	int line_requests;  /* SET_DATA */
	int purges;         /* RESET with value 1 or 2 */
	uint64_t bytes_out; /* bulk OUT bytes on interface B */
	uint64_t bytes_in;  /* bulk IN payload bytes on interface B (status bytes excluded) */
};

/* Start an emulated board with the given serial number. Must run under umockdev-wrapper;
 * returns NULL and fills why (cap bytes) when the emulation cannot start. locked: a board
 * the current (unprivileged) user may not open, as without the udev rule. */
struct ftdi_emul *ftdi_emul_start(const char *serial, int locked, char *why, size_t cap);
void ftdi_emul_seen(struct ftdi_emul *e, struct ftdi_emul_seen *out);

/* What sits behind interface B instead of the loopback: the board's UART byte stream (for
 * instance the verilated board design). Both run on umockdev's ioctl thread: to_board takes
 * the bytes the host sent; from_board fills up to cap bytes the board has sent since, and
 * returns how many (0: none yet; the host polls again). */
struct ftdi_emul_peer {
	void (*to_board)(void *ctx, const uint8_t *p, size_t n);
	size_t (*from_board)(void *ctx, uint8_t *p, size_t cap);
	void *ctx;
};
void ftdi_emul_set_peer(struct ftdi_emul *e, const struct ftdi_emul_peer *peer);
void ftdi_emul_stop(struct ftdi_emul *e);

#endif
