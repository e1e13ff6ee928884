// rahil: host link frame transmitter: wraps a payload pulled byte by byte into start byte, seq,
// op, length and CRC-16, and hands the bytes to the UART transmitter.
`default_nettype none
`include "protocol_ops.vh"

module frame_tx (
	input  wire        clk,
	input  wire        i_rst,
	// Frame request: accepted when i_start && !o_busy
	input  wire        i_start,
	input  wire [7:0]  i_seq,
	input  wire [7:0]  i_op,
	input  wire [15:0] i_len,
	output wire        o_busy,
	// Payload bytes, pulled: taken when i_pay_valid && o_pay_ready
	input  wire [7:0]  i_pay_data,
	input  wire        i_pay_valid,
	output wire        o_pay_ready,
	// Bytes to the UART transmitter
	output reg  [7:0]  o_data,
	output reg         o_valid,
	input  wire        i_ready
);
	localparam [3:0] S_IDLE = 4'd0,
			 S_SOF = 4'd1,
			 S_SEQ = 4'd2,
			 S_OP = 4'd3,
			 S_LEN0 = 4'd4,
			 S_LEN1 = 4'd5,
			 S_PAY = 4'd6,
			 S_CRC0 = 4'd7,
			 S_CRC1 = 4'd8;

	reg [3:0]  state;
	reg [7:0]  seq, op;
	reg [15:0] len, left, crc;

	wire [15:0] crc_next;
	crc16_ccitt u_crc (.i_crc(crc), .i_data(o_data), .o_crc(crc_next));

	assign o_busy      = state != S_IDLE;
	assign o_pay_ready = state == S_PAY && i_ready;

	always @(*) begin
		o_valid = state != S_IDLE;
		case (state)
		S_SOF:   o_data = `RH_PROTO_SOF;
		S_SEQ:   o_data = seq;
		S_OP:    o_data = op;
		S_LEN0:  o_data = len[7:0];
		S_LEN1:  o_data = len[15:8];
		S_PAY: begin
			o_data  = i_pay_data;
			o_valid = i_pay_valid;
		end
		S_CRC0:  o_data = crc[7:0];
		S_CRC1:  o_data = crc[15:8];
		default: o_data = 8'h00;
		endcase
	end

	wire take = o_valid && i_ready;

	always @(posedge clk) begin
		if (i_rst) begin
			state <= S_IDLE;
			seq   <= 8'd0;
			op    <= 8'd0;
			len   <= 16'd0;
			left  <= 16'd0;
			crc   <= `RH_PROTO_CRC_INIT;
		end else if (state == S_IDLE) begin
			if (i_start) begin
				state <= S_SOF;
				seq   <= i_seq;
				op    <= i_op;
				len   <= i_len;
				left  <= i_len;
				crc   <= `RH_PROTO_CRC_INIT;
			end
		end else if (take) begin
			if (state != S_SOF && state != S_CRC0 && state != S_CRC1)
				crc <= crc_next;
			case (state)
			S_SOF:  state <= S_SEQ;
			S_SEQ:  state <= S_OP;
			S_OP:   state <= S_LEN0;
			S_LEN0: state <= S_LEN1;
			S_LEN1: state <= left == 16'd0 ? S_CRC0 : S_PAY;
			S_PAY: begin
				left <= left - 1'b1;
				if (left == 16'd1)
					state <= S_CRC0;
			end
			S_CRC0: state <= S_CRC1;
			S_CRC1: state <= S_IDLE;
			default: state <= S_IDLE;
			endcase
		end
	end

`ifdef FORMAL
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(i_rst);
	// Short payloads keep the proof small; nothing in the logic depends on the length's size
	// but the compare against zero and one.
	always @(*)
		assume(i_len <= 16'd3);

	reg [15:0] f_sent; // bytes handed over in this frame
	reg [15:0] f_pay;  // payload bytes handed over in this frame
	always @(posedge clk) begin
		if (i_rst || state == S_IDLE) begin
			f_sent <= 16'd0;
			f_pay  <= 16'd0;
		end else if (take) begin
			f_sent <= f_sent + 1'b1;
			if (state == S_PAY)
				f_pay <= f_pay + 1'b1;
		end
	end

	always @(posedge clk) if (f_past_valid && !$past(i_rst)) begin
		assert(state <= S_CRC1);
		// A byte offered to the UART stays until taken.
		if ($past(o_valid) && !$past(i_ready) && $past(state) != S_PAY)
			assert(o_valid && o_data == $past(o_data));
		if (state == S_PAY)
			assert(left != 16'd0 && f_pay + left == len && f_sent == f_pay + 16'd5);
		// Invariants on the byte counts (they make the proof inductive).
		if (state != S_IDLE)
			assert(len <= 16'd3);
		if (state >= S_SOF && state <= S_LEN1)
			assert(f_pay == 16'd0 && left == len && f_sent == {12'd0, state} - 16'd1);
		if (state == S_CRC0)
			assert(left == 16'd0 && f_pay == len && f_sent == len + 16'd5);
		if (state == S_CRC1)
			assert(left == 16'd0 && f_pay == len && f_sent == len + 16'd6);
		// A frame is exactly header + payload + CRC bytes.
		if ($past(state) == S_CRC1 && state == S_IDLE)
			assert($past(f_sent) == 16'd6 + len);
	end

	always @(posedge clk)
		cover(f_past_valid && $past(state) == S_CRC1 && state == S_IDLE && len == 16'd2);
`endif
endmodule
