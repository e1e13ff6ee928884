// rahil: command processor of the link test design (no accelerator core): answers IDENTIFY and
// ECHO, NO_CORE to the core's opcodes, UNKNOWN_OP to the rest. Proves the byte path on a board.
`default_nettype none
`include "protocol_ops.vh"

module link_selftest #(
	parameter integer AW = 10,
	parameter integer MAX_PAYLOAD = 1024,
	parameter integer CLK_HZ = 12000000
) (
	input  wire          clk,
	input  wire          i_rst,
	// Request from host_link
	input  wire          i_req_valid,
	input  wire [7:0]    i_req_seq,
	input  wire [7:0]    i_req_op,
	input  wire [15:0]   i_req_len,
	output wire [AW-1:0] o_req_rd_addr,
	input  wire [7:0]    i_req_rd_data,
	output reg           o_req_done,
	// Response to host_link
	output reg           o_rsp_start,
	output reg  [7:0]    o_rsp_seq,
	output reg  [7:0]    o_rsp_op,
	output reg  [15:0]   o_rsp_len,
	input  wire          i_rsp_busy,
	output reg  [7:0]    o_rsp_data,
	output reg           o_rsp_valid,
	input  wire          i_rsp_ready
);
	localparam integer MAXP_I = MAX_PAYLOAD;
	localparam [15:0] MAXP = MAXP_I[15:0];
	localparam integer CLK_I = CLK_HZ;
	localparam [31:0] CLK = CLK_I[31:0];

	localparam [2:0] S_IDLE = 3'd0,
			 S_START = 3'd1, // waiting for the transmitter
			 S_RD = 3'd2,    // echo: payload address out, data next clock
			 S_SEND = 3'd3,  // a payload byte offered
			 S_DONE = 3'd4;  // waiting for the frame to leave, then release the request

	localparam [1:0] K_ECHO = 2'd0, K_ID = 2'd1, K_ERR = 2'd2;

	reg [2:0]  state;
	reg [1:0]  kind;
	reg [15:0] idx;
	reg [7:0]  e_code;
	reg [15:0] e_detail;
	reg        started; // the transmitter took the frame

	assign o_req_rd_addr = idx[AW-1:0];

	// IDENTIFY response (docs/protocol.md): version, geometry 0x0, no chain, no classes.
	reg [7:0] id_byte;
	always @(*) begin
		case (idx[4:0])
		5'd0:    id_byte = 8'h01;       // version, low byte first
		5'd1:    id_byte = 8'h00;
		5'd12:   id_byte = MAXP[7:0];
		5'd13:   id_byte = MAXP[15:8];
		5'd16:   id_byte = CLK[7:0];
		5'd17:   id_byte = CLK[15:8];
		5'd18:   id_byte = CLK[23:16];
		5'd19:   id_byte = CLK[31:24];
		default: id_byte = 8'h00;       // rows, cols, chain, hash, batch, classes, flags
		endcase
	end

	reg [7:0] err_byte;
	always @(*) begin
		case (idx[1:0])
		2'd0:    err_byte = e_code;
		2'd1:    err_byte = i_req_op;
		2'd2:    err_byte = e_detail[7:0];
		default: err_byte = e_detail[15:8];
		endcase
	end

	always @(*) begin
		case (kind)
		K_ECHO:  o_rsp_data = i_req_rd_data;
		K_ID:    o_rsp_data = id_byte;
		default: o_rsp_data = err_byte;
		endcase
		o_rsp_valid = state == S_SEND;
	end

	always @(posedge clk) begin
		o_rsp_start <= 1'b0;
		o_req_done  <= 1'b0;
		if (i_rst) begin
			state     <= S_IDLE;
			kind      <= K_ECHO;
			idx       <= 16'd0;
			e_code    <= 8'd0;
			e_detail  <= 16'd0;
			started   <= 1'b0;
			o_rsp_seq <= 8'd0;
			o_rsp_op  <= 8'd0;
			o_rsp_len <= 16'd0;
		end else begin
			case (state)
			S_IDLE:
				if (i_req_valid && !o_req_done) begin
					state     <= S_START;
					started   <= 1'b0;
					idx       <= 16'd0;
					o_rsp_seq <= i_req_seq;
					o_rsp_op  <= i_req_op | `RH_PROTO_OP_RESPONSE;
					if (i_req_op == `RH_CMD_ECHO) begin
						kind      <= K_ECHO;
						o_rsp_len <= i_req_len;
					end else if (i_req_op == `RH_CMD_IDENTIFY && i_req_len == 16'd0) begin
						kind      <= K_ID;
						o_rsp_len <= 16'd24;
					end else begin
						kind      <= K_ERR;
						o_rsp_op  <= `RH_PROTO_OP_ERROR;
						o_rsp_len <= {8'd0, `RH_PROTO_ERR_LEN};
						e_detail  <= i_req_len;
						if (i_req_op == `RH_CMD_IDENTIFY)
							e_code <= `RH_PERR_BAD_ARG;
						else if (i_req_op >= `RH_CMD_LOAD_MODEL &&
							 i_req_op <= `RH_CMD_RESET)
							e_code <= `RH_PERR_NO_CORE;
						else
							e_code <= `RH_PERR_UNKNOWN_OP;
					end
				end
			S_START:
				if (!i_rsp_busy && !started) begin
					o_rsp_start <= 1'b1;
					started     <= 1'b1;
				end else if (started) begin
					// The transmitter is busy from the clock after the start.
					state <= o_rsp_len == 16'd0 ? S_DONE : (kind == K_ECHO ? S_RD : S_SEND);
				end
			S_RD:
				state <= S_SEND;
			S_SEND:
				if (i_rsp_ready) begin
					idx <= idx + 1'b1;
					if (idx + 1'b1 == o_rsp_len)
						state <= S_DONE;
					else if (kind == K_ECHO)
						state <= S_RD;
				end
			S_DONE:
				if (!i_rsp_busy) begin
					o_req_done <= 1'b1;
					state      <= S_IDLE;
				end
			default:
				state <= S_IDLE;
			endcase
		end
	end
endmodule
