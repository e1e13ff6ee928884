// rahil: host link frame receiver: start byte, seq, op, length, payload, CRC-16; reports good
// frames (payload in a buffer) or errors, and never stays mid-frame longer than a timeout.
`default_nettype none
`include "protocol_ops.vh"

module frame_rx #(
	parameter integer MAX_PAYLOAD = 1024, // at most `RH_PROTO_MAX_PAYLOAD
	parameter integer TIMEOUT_CLKS = 12000, // inter-byte timeout inside a frame (1 ms at 12 MHz)
	parameter integer AW = 10 // payload address bits, $clog2(MAX_PAYLOAD)
) (
	input  wire          clk,
	input  wire          i_rst,
	// Bytes from the UART
	input  wire [7:0]    i_data,
	input  wire          i_valid,
	input  wire          i_frame_err,
	// Good frame: held until i_release; payload read port, data one clock after the address
	output reg           o_frame_valid,
	output reg  [7:0]    o_seq,
	output reg  [7:0]    o_op,
	output reg  [15:0]   o_len,
	input  wire [AW-1:0] i_rd_addr,
	output reg  [7:0]    o_rd_data,
	input  wire          i_release,
	// Error: held until i_err_ack; seq and op of the frame when they had arrived, else 0
	output reg           o_err_valid,
	output reg  [7:0]    o_err_code,
	output reg  [15:0]   o_err_detail,
	input  wire          i_err_ack
);
	localparam integer TW = $clog2(TIMEOUT_CLKS + 1);
	localparam integer TMO_I = TIMEOUT_CLKS;
	localparam [TW-1:0] TMO = TMO_I[TW-1:0];
	localparam integer MAXP_I = MAX_PAYLOAD;
	localparam [15:0] MAXP = MAXP_I[15:0];

	localparam [3:0] S_HUNT = 4'd0, // dropping bytes until a start byte
			 S_SEQ = 4'd1,
			 S_OP = 4'd2,
			 S_LEN0 = 4'd3,
			 S_LEN1 = 4'd4,
			 S_PAY = 4'd5,
			 S_CRC0 = 4'd6,
			 S_CRC1 = 4'd7,
			 S_HELD = 4'd8, // good frame waiting for i_release; bytes dropped
			 S_ERR = 4'd9;  // error waiting for i_err_ack; bytes dropped

	reg [3:0]    state;
	reg [15:0]   crc;
	reg [7:0]    crc_lo;
	reg [15:0]   idx;     // payload bytes received
	reg [TW-1:0] idle;    // clocks since the last byte inside a frame
	reg [7:0]    mem [0:MAX_PAYLOAD-1];

	wire [15:0] crc_next;
	crc16_ccitt u_crc (.i_crc(crc), .i_data(i_data), .o_crc(crc_next));

	wire in_frame = state >= S_SEQ && state <= S_CRC1;
	wire [15:0] len_rx = {i_data, o_len[7:0]};

	always @(posedge clk) begin
		if (state == S_PAY && i_valid)
			mem[idx[AW-1:0]] <= i_data;
		o_rd_data <= mem[i_rd_addr];
	end

	// Enter S_ERR with a code and detail.
	task fail(input [7:0] code, input [15:0] detail);
		begin
			state         <= S_ERR;
			o_err_valid   <= 1'b1;
			o_err_code    <= code;
			o_err_detail  <= detail;
		end
	endtask

	always @(posedge clk) begin
		if (i_rst) begin
			state         <= S_HUNT;
			o_frame_valid <= 1'b0;
			o_err_valid   <= 1'b0;
			o_err_code    <= 8'd0;
			o_err_detail  <= 16'd0;
			o_seq         <= 8'd0;
			o_op          <= 8'd0;
			o_len         <= 16'd0;
			crc           <= `RH_PROTO_CRC_INIT;
			crc_lo        <= 8'd0;
			idx           <= 16'd0;
			idle          <= {TW{1'b0}};
		end else begin
			if (in_frame && !i_valid)
				idle <= idle + 1'b1;
			else
				idle <= {TW{1'b0}};

			if (in_frame && i_frame_err)
				fail(`RH_PERR_FRAMING, idx);
			else if (in_frame && !i_valid && idle == TMO - 1'b1)
				fail(`RH_PERR_TRUNCATED, idx);
			else case (state)
			S_HUNT:
				if (i_valid && i_data == `RH_PROTO_SOF) begin
					state <= S_SEQ;
					crc   <= `RH_PROTO_CRC_INIT;
					idx   <= 16'd0;
					o_seq <= 8'd0;
					o_op  <= 8'd0;
				end
			S_SEQ:
				if (i_valid) begin
					o_seq <= i_data;
					crc   <= crc_next;
					state <= S_OP;
				end
			S_OP:
				if (i_valid) begin
					o_op  <= i_data;
					crc   <= crc_next;
					state <= S_LEN0;
				end
			S_LEN0:
				if (i_valid) begin
					o_len[7:0] <= i_data;
					crc        <= crc_next;
					state      <= S_LEN1;
				end
			S_LEN1:
				if (i_valid) begin
					o_len <= len_rx;
					crc   <= crc_next;
					if (len_rx > MAXP)
						fail(`RH_PERR_BAD_LEN, len_rx);
					else if (len_rx == 16'd0)
						state <= S_CRC0;
					else
						state <= S_PAY;
				end
			S_PAY:
				if (i_valid) begin
					crc <= crc_next;
					idx <= idx + 1'b1;
					if (idx + 1'b1 == o_len)
						state <= S_CRC0;
				end
			S_CRC0:
				if (i_valid) begin
					crc_lo <= i_data;
					state  <= S_CRC1;
				end
			S_CRC1:
				if (i_valid) begin
					if ({i_data, crc_lo} == crc) begin
						state         <= S_HELD;
						o_frame_valid <= 1'b1;
					end else
						fail(`RH_PERR_BAD_CRC, {i_data, crc_lo});
				end
			S_HELD:
				if (i_release) begin
					state         <= S_HUNT;
					o_frame_valid <= 1'b0;
				end
			S_ERR:
				if (i_err_ack) begin
					state       <= S_HUNT;
					o_err_valid <= 1'b0;
				end
			default:
				state <= S_HUNT;
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
	// The UART never gives a byte and a framing error at once.
	always @(*)
		assume(!(i_valid && i_frame_err));

	always @(posedge clk) if (f_past_valid && !$past(i_rst)) begin
		assert(state <= S_ERR);
		assert(!(o_frame_valid && o_err_valid));
		assert(o_frame_valid == (state == S_HELD));
		assert(o_err_valid == (state == S_ERR));
		// Never wedged mid-frame: the idle counter stays below the timeout.
		if (in_frame)
			assert(idle < TMO);
		if (o_frame_valid)
			assert(o_len <= MAXP);
		if (state == S_PAY)
			assert(idx < o_len);
		// Invariants on the payload count (they make the proof inductive).
		if (state >= S_SEQ && state <= S_LEN1)
			assert(idx == 16'd0);
		if (state == S_PAY)
			assert(o_len != 16'd0 && o_len <= MAXP);
		if (state == S_CRC0 || state == S_CRC1 || state == S_HELD)
			assert(idx == o_len && o_len <= MAXP);
		// A held frame or error keeps its fields until released.
		if ($past(o_frame_valid) && !$past(i_release))
			assert(o_frame_valid && o_seq == $past(o_seq) && o_op == $past(o_op) &&
			       o_len == $past(o_len));
		if ($past(o_err_valid) && !$past(i_err_ack))
			assert(o_err_valid && o_err_code == $past(o_err_code) &&
			       o_err_detail == $past(o_err_detail));
		// A good frame only follows a byte (its last CRC byte).
		if (o_frame_valid && !$past(o_frame_valid))
			assert($past(i_valid) && $past(state) == S_CRC1);
	end

	always @(posedge clk) begin
		cover(f_past_valid && o_frame_valid && o_op == `RH_CMD_ECHO && o_len == 16'd1);
		cover(f_past_valid && o_err_valid && o_err_code == `RH_PERR_TRUNCATED);
		cover(f_past_valid && o_err_valid && o_err_code == `RH_PERR_BAD_CRC);
		cover(f_past_valid && o_err_valid && o_err_code == `RH_PERR_BAD_LEN);
	end
`endif
endmodule
