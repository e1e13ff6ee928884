// rahil: host link framing: frame receiver and transmitter on a byte stream, answering
// malformed input with ERROR frames itself and handing good requests to the command processor.
`default_nettype none
`include "protocol_ops.vh"

module host_link #(
	parameter integer MAX_PAYLOAD = 1024,
	parameter integer AW = 10, // $clog2(MAX_PAYLOAD)
	parameter integer TIMEOUT_CLKS = 12000 // inter-byte timeout inside a frame
) (
	input  wire          clk,
	input  wire          i_rst,
	// Bytes from the line (uart_rx, or the simulator's byte interface)
	input  wire [7:0]    i_rx_data,
	input  wire          i_rx_valid,
	input  wire          i_rx_frame_err,
	// Bytes to the line (uart_tx, or the simulator)
	output wire [7:0]    o_tx_data,
	output wire          o_tx_valid,
	input  wire          i_tx_ready,
	// Request to the command processor: held until i_req_done
	output wire          o_req_valid,
	output wire [7:0]    o_req_seq,
	output wire [7:0]    o_req_op,
	output wire [15:0]   o_req_len,
	input  wire [AW-1:0] i_req_rd_addr,
	output wire [7:0]    o_req_rd_data,
	input  wire          i_req_done,
	// Response from the command processor: accepted when i_rsp_start && !o_rsp_busy
	input  wire          i_rsp_start,
	input  wire [7:0]    i_rsp_seq,
	input  wire [7:0]    i_rsp_op,
	input  wire [15:0]   i_rsp_len,
	output wire          o_rsp_busy,
	input  wire [7:0]    i_rsp_data,
	input  wire          i_rsp_valid,
	output wire          o_rsp_ready
);
	wire        err_valid;
	wire [7:0]  err_code;
	wire [15:0] err_detail;
	wire        tx_busy;
	wire        pay_ready;

	reg         err_active; // the transmitter is sending an ERROR frame of ours
	reg [1:0]   err_idx;
	reg [7:0]   e_code, e_op;
	reg [15:0]  e_detail;

	wire start_err = err_valid && !tx_busy && !err_active;

	frame_rx #(.MAX_PAYLOAD(MAX_PAYLOAD), .TIMEOUT_CLKS(TIMEOUT_CLKS), .AW(AW)) u_rx (
		.clk(clk), .i_rst(i_rst),
		.i_data(i_rx_data), .i_valid(i_rx_valid), .i_frame_err(i_rx_frame_err),
		.o_frame_valid(o_req_valid), .o_seq(o_req_seq), .o_op(o_req_op), .o_len(o_req_len),
		.i_rd_addr(i_req_rd_addr), .o_rd_data(o_req_rd_data), .i_release(i_req_done),
		.o_err_valid(err_valid), .o_err_code(err_code), .o_err_detail(err_detail),
		.i_err_ack(start_err)
	);

	reg [7:0] err_byte;
	always @(*) begin
		case (err_idx)
		2'd0:    err_byte = e_code;
		2'd1:    err_byte = e_op;
		2'd2:    err_byte = e_detail[7:0];
		default: err_byte = e_detail[15:8];
		endcase
	end

	frame_tx u_tx (
		.clk(clk), .i_rst(i_rst),
		.i_start(start_err || (i_rsp_start && !o_rsp_busy)),
		.i_seq(start_err ? o_req_seq : i_rsp_seq),
		.i_op(start_err ? `RH_PROTO_OP_ERROR : i_rsp_op),
		.i_len(start_err ? {8'd0, `RH_PROTO_ERR_LEN} : i_rsp_len),
		.o_busy(tx_busy),
		.i_pay_data(err_active ? err_byte : i_rsp_data),
		.i_pay_valid(err_active ? 1'b1 : i_rsp_valid),
		.o_pay_ready(pay_ready),
		.o_data(o_tx_data), .o_valid(o_tx_valid), .i_ready(i_tx_ready)
	);

	assign o_rsp_busy  = tx_busy || err_valid || err_active;
	assign o_rsp_ready = pay_ready && !err_active;

	always @(posedge clk) begin
		if (i_rst) begin
			err_active <= 1'b0;
			err_idx    <= 2'd0;
			e_code     <= 8'd0;
			e_op       <= 8'd0;
			e_detail   <= 16'd0;
		end else if (start_err) begin
			err_active <= 1'b1;
			err_idx    <= 2'd0;
			e_code     <= err_code;
			e_op       <= o_req_op; // frame_rx keeps the op (0 when it never came)
			e_detail   <= err_detail;
		end else if (err_active) begin
			if (pay_ready)
				err_idx <= err_idx + 1'b1;
			if (!tx_busy)
				err_active <= 1'b0;
		end
	end
endmodule
