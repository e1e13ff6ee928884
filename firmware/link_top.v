// rahil: link test design: UART, host link and the core-less command processor (link_selftest).
`default_nettype none

module link_top #(
	parameter integer CLKS_PER_BIT = 4,
	parameter integer MAX_PAYLOAD = 1024,
	parameter integer AW = 10,
	parameter integer TIMEOUT_CLKS = 12000,
	parameter integer CLK_HZ = 12000000
) (
	input  wire clk,
	input  wire i_rst,
	// Host link
	input  wire i_rx,
	output wire o_tx
);
	wire [7:0]    rx_data, tx_data, req_seq, req_op, rd_data, rsp_seq, rsp_op, rsp_data;
	wire          rx_valid, rx_err, tx_valid, tx_ready;
	wire          req_valid, req_done, rsp_start, rsp_busy, rsp_valid, rsp_ready;
	wire [15:0]   req_len, rsp_len;
	wire [AW-1:0] rd_addr;

	uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_uart_rx (
		.clk(clk), .i_rst(i_rst), .i_rx(i_rx),
		.o_data(rx_data), .o_valid(rx_valid), .o_frame_err(rx_err)
	);
	uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_uart_tx (
		.clk(clk), .i_rst(i_rst), .i_data(tx_data), .i_valid(tx_valid), .o_ready(tx_ready),
		.o_tx(o_tx)
	);
	host_link #(.MAX_PAYLOAD(MAX_PAYLOAD), .AW(AW), .TIMEOUT_CLKS(TIMEOUT_CLKS)) u_link (
		.clk(clk), .i_rst(i_rst),
		.i_rx_data(rx_data), .i_rx_valid(rx_valid), .i_rx_frame_err(rx_err),
		.o_tx_data(tx_data), .o_tx_valid(tx_valid), .i_tx_ready(tx_ready),
		.o_req_valid(req_valid), .o_req_seq(req_seq), .o_req_op(req_op), .o_req_len(req_len),
		.i_req_rd_addr(rd_addr), .o_req_rd_data(rd_data), .i_req_done(req_done),
		.i_rsp_start(rsp_start), .i_rsp_seq(rsp_seq), .i_rsp_op(rsp_op), .i_rsp_len(rsp_len),
		.o_rsp_busy(rsp_busy), .i_rsp_data(rsp_data), .i_rsp_valid(rsp_valid),
		.o_rsp_ready(rsp_ready)
	);
	link_selftest #(.AW(AW), .MAX_PAYLOAD(MAX_PAYLOAD), .CLK_HZ(CLK_HZ)) u_cmd (
		.clk(clk), .i_rst(i_rst),
		.i_req_valid(req_valid), .i_req_seq(req_seq), .i_req_op(req_op), .i_req_len(req_len),
		.o_req_rd_addr(rd_addr), .i_req_rd_data(rd_data), .o_req_done(req_done),
		.o_rsp_start(rsp_start), .o_rsp_seq(rsp_seq), .o_rsp_op(rsp_op), .o_rsp_len(rsp_len),
		.i_rsp_busy(rsp_busy), .o_rsp_data(rsp_data), .o_rsp_valid(rsp_valid),
		.i_rsp_ready(rsp_ready)
	);
endmodule
