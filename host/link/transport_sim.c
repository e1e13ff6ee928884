/* rahil: sim back-end: the verilated board design (firmware/rh_board.v: host link, command
 * processor, core) in-process, through verilator/rh_board_sim.h. The same bytes as on a board;
 * time is simulated: a read's timeout is counted in board clocks (timeout_ms at the design's
 * clock), so a slow host never makes the board look late. "sim" exchanges bytes at the UART's
 * byte interface, "sim:uart" over the UART pins. The only transport that knows Verilator. */
#include <string.h>

#include "rh_board_sim.h"
#include "transport.h"

static int sim_open(struct rh_transport *t, const char *arg, const struct rh_transport_opts *o, struct rh_err *err)
{
	(void)o;
	unsigned flags = 0;
	if (arg && !strcmp(arg, "uart"))
		flags = RH_BOARD_SIM_UART;
	else if (arg && *arg)
		return rh_err_set(err, RH_E_INVAL, "sim option '%s', expected none or 'uart'", arg);
	struct rh_board_sim *s;
	int r = rh_board_sim_create(&s, flags, err);
	if (r)
		return r;
	t->priv = s;
	return 0;
}

static int sim_write(struct rh_transport *t, const uint8_t *p, size_t n, int timeout_ms, struct rh_err *err)
{
	(void)timeout_ms;
	(void)err;
	rh_board_sim_push(t->priv, p, n);
	return 0;
}

static int sim_read(struct rh_transport *t, uint8_t *p, size_t n, size_t *got, int timeout_ms, struct rh_err *err)
{
	struct rh_board_sim *s = t->priv;
	struct rh_board_sim_info info;
	rh_board_sim_info(s, &info);
	uint64_t budget = (uint64_t)info.clk_hz / 1000u * (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
	if (!rh_board_sim_pending_out(s)) {
		if (rh_board_sim_busy(s))
			rh_board_sim_step_until(s, 1, budget);
		/* Idle: step past the frame receiver's timeout once, so that a cut frame still gets
		 * its TRUNCATED answer, as it would on a board. */
		if (!rh_board_sim_pending_out(s) && !rh_board_sim_busy(s)) {
			uint64_t idle = (uint64_t)info.timeout_clks + 64u * (uint64_t)info.clks_per_bit;
			rh_board_sim_step(s, idle < budget ? idle : budget);
			if (rh_board_sim_busy(s))
				rh_board_sim_step_until(s, 1, budget);
		}
	}
	*got = rh_board_sim_pull(s, p, n);
	if (!*got)
		return rh_err_set(err, RH_E_TIMEOUT, "sim: no byte within %d ms of board time", timeout_ms);
	return 0;
}

static int sim_purge(struct rh_transport *t, struct rh_err *err)
{
	(void)err;
	uint8_t junk[256];
	while (rh_board_sim_pull(t->priv, junk, sizeof(junk)))
		;
	return 0;
}

static void sim_close(struct rh_transport *t)
{
	if (t->priv)
		rh_board_sim_destroy(t->priv);
}

const struct rh_transport_ops rh_transport_sim_ops = {
    .name = "sim",
    .open = sim_open,
    .write = sim_write,
    .read = sim_read,
    .purge = sim_purge,
    .close = sim_close,
};
