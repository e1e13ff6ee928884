/* rahil: the sim back-end (host/link/transport_sim.c) under the request layer: the verilated board
 * design answers IDENTIFY, ECHO and error frames at its byte interface and over its UART pins,
 * and a frame cut short gets its TRUNCATED answer in board time. */
#include <stdlib.h>

#include "protocol_link.h"
#include "tb.h"
#include "transport.h"

static enum tb_result identify_echo(const char *arg)
{
	static struct rh_transport t;
	static struct rh_link l;
	struct rh_err err = {0};
	int r = rh_transport_open_ops(&t, &rh_transport_sim_ops, arg, NULL, &err);
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	rh_link_init(&l, &t);
	struct rh_identify id;
	r = rh_link_identify(&l, &id, &err);
	if (r)
		fprintf(stderr, "  %s\n", err.msg);
	TB_CHECK_EQ(r, 0);
	TB_CHECK(id.flags & RH_ID_F_CORE);
	TB_CHECK(id.chain_len > 0 && id.batch_max >= 32);
	for (int i = 0; i < 5; i++) {
		uint8_t pay[64];
		memset(pay, 0x30 + i, sizeof(pay));
		const struct rh_frame *f;
		TB_CHECK_EQ(rh_link_request(&l, RH_CMD_ECHO, pay, sizeof(pay), 0, &f, &err), 0);
		TB_CHECK(f->len == sizeof(pay) && f->payload[63] == 0x30 + i);
	}
	const struct rh_frame *f;
	TB_CHECK_EQ(rh_link_request(&l, RH_CMD_IDENTIFY, (const uint8_t *)"x", 1, 0, &f, &err), RH_E_TRANSPORT);
	TB_CHECK_EQ(l.last_error.code, RH_PERR_BAD_ARG);
	TB_CHECK_EQ(l.stats.retries, 0);
	TB_CHECK_EQ(t.stats.round_trips, 7);
	rh_transport_close(&t);
	return TB_PASS;
}

static enum tb_result t_byte_interface(void)
{
	return identify_echo(NULL);
}

static enum tb_result t_uart_pins(void)
{
	return identify_echo("uart");
}

static enum tb_result t_truncated_in_board_time(void)
{
	static struct rh_transport t;
	static struct rh_proto_parser p;
	static struct rh_frame f;
	struct rh_err err = {0};
	TB_CHECK_EQ(rh_transport_open_ops(&t, &rh_transport_sim_ops, NULL, NULL, &err), 0);
	uint8_t fr[64], pay[20] = {0};
	size_t n;
	TB_CHECK_EQ(rh_proto_encode(9, RH_CMD_ECHO, pay, sizeof(pay), fr, sizeof(fr), &n, NULL), 0);
	TB_CHECK_EQ(rh_transport_write(&t, fr, 10, &err), 0); /* header and 5 payload bytes */
	rh_proto_parser_init(&p);
	int r = 0;
	while (r == 0) {
		uint8_t buf[64];
		size_t got;
		TB_CHECK_EQ(rh_transport_read(&t, buf, sizeof(buf), &got, 100, &err), 0);
		rh_proto_feed(&p, buf, got);
		r = rh_proto_next(&p, &f, NULL);
	}
	TB_CHECK_EQ(r, 1);
	TB_CHECK_EQ(f.op, RH_PROTO_OP_ERROR);
	TB_CHECK_EQ(f.seq, 9);
	TB_CHECK_EQ(f.payload[0], RH_PERR_TRUNCATED);
	/* Nothing more comes: a timeout, not a hang of the test. */
	uint8_t b;
	size_t got;
	TB_CHECK_EQ(rh_transport_read(&t, &b, 1, &got, 5, &err), RH_E_TIMEOUT);
	TB_CHECK_EQ(rh_transport_open_ops(&t, &rh_transport_sim_ops, "bogus", NULL, &err), RH_E_INVAL);
	return TB_PASS;
}

static const struct tb_case cases[] = {
    {"byte_interface", t_byte_interface},
    {"uart_pins", t_uart_pins},
    {"truncated_in_board_time", t_truncated_in_board_time},
};

int main(int argc, char **argv)
{
	return tb_run("sim_transport", cases, sizeof(cases) / sizeof(cases[0]), argc > 1 ? argv[1] : NULL);
}
