/* rahil: C API over the verilated board design (firmware/rh_board.v: UART, host link, command
 * processor and core), exchanging the host link's bytes. One VerilatedContext per handle. */
#ifndef RAHIL_BOARD_SIM_H
#define RAHIL_BOARD_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "error.h"

struct rh_board_sim; /* opaque */

enum rh_board_sim_flag {
	/* Carry the bytes over the UART pins, serialised at the design's clocks per bit (8N1),
	 * instead of the UART's byte interface. Slower (10 bit times per byte), but the UART
	 * receiver and transmitter are simulated too. */
	RH_BOARD_SIM_UART = 1u << 0,
};

/* The parameters the library was verilated with. */
struct rh_board_sim_info {
	int rows, cols;
	int clks_per_bit;
	uint32_t clk_hz;
	uint32_t timeout_clks; /* frame receiver's inter-byte timeout */
};

int rh_board_sim_create(struct rh_board_sim **out, unsigned flags, struct rh_err *err);
void rh_board_sim_destroy(struct rh_board_sim *s);
void rh_board_sim_info(const struct rh_board_sim *s, struct rh_board_sim_info *info);

/* Queue n host bytes for the board; they enter as the clock is stepped (on the pins: back
 * to back; at the byte interface: one every other clock). */
void rh_board_sim_push(struct rh_board_sim *s, const uint8_t *p, size_t n);
/* Queue one byte on the pins whose stop bit is 0 (a framing error); UART mode only. */
void rh_board_sim_push_bad_stop(struct rh_board_sim *s, uint8_t b);
/* Move up to cap bytes the board has sent into out; returns how many. */
size_t rh_board_sim_pull(struct rh_board_sim *s, uint8_t *out, size_t cap);
/* Bytes the board has sent and nobody pulled yet. */
size_t rh_board_sim_pending_out(const struct rh_board_sim *s);

/* Advance the clock n cycles. */
void rh_board_sim_step(struct rh_board_sim *s, uint64_t n);
/* Advance until the board has sent at least want unpulled bytes, at most max clocks;
 * returns the clocks stepped. */
uint64_t rh_board_sim_step_until(struct rh_board_sim *s, size_t want, uint64_t max);
/* Nonzero while there is work in flight: host bytes not yet delivered, a request being
 * served, or a byte on its way out. Idle and nothing queued: stepping changes nothing but the
 * frame receiver's timeout. */
int rh_board_sim_busy(const struct rh_board_sim *s);
/* Clocks simulated since create. */
uint64_t rh_board_sim_clocks(const struct rh_board_sim *s);
/* Pulse the board's reset (as the button on a board). */
void rh_board_sim_reset(struct rh_board_sim *s);

#ifdef __cplusplus
}
#endif

#endif
