// rahil: command processor and batch sequencer between the host link and the core (rh_fi).
`default_nettype none
`include "protocol_ops.vh"

// One request at a time: host_link holds a good frame (payload behind a read port, data one
// clock after the address) until o_req_done; every request gets exactly one response frame,
// except RUN_BATCH, which gets one result frame per descriptor. Payload layouts are in
// docs/firmware.md. Every path out of S_IDLE ends in S_DONE within a bounded number of clocks,
// except the wait for a run, which the core's watchdog (the sticky budget) bounds.
// Every run (RUN, RUN_FAULT, each RUN_BATCH descriptor) starts from the canonical start state:
// the core's scrub (rtl/rh_scrub.v) restores the memories, the input from its on-chip copy,
// then the run pulse resets the core. A run that finishes without writing all its logits is a
// crash (status 2). A chain bit with bit 31 set rotates the chain without inverting anything
// (a null injection).
module rh_cmdproc #(
	parameter integer AW = 10,              // request payload address bits
	parameter integer MAX_PAYLOAD = 1024,   // largest request payload the link accepts
	parameter integer CLK_HZ = 12000000,    // reported by IDENTIFY
	parameter integer ROWS = 2,             // geometry, reported by IDENTIFY
	parameter integer COLS = 4,
	parameter integer LOG_AW = 8,           // core logit address bits
	parameter integer ACT_AW = 12,          // core activation buffer half: 2^ACT_AW bytes
	parameter integer N_LOGITS = 10,        // logits in a run result
	parameter integer STATE_BYTES = 1024,   // READ_STATE buffer (and largest read)
	parameter integer SAW = 10,             // $clog2(STATE_BYTES)
	parameter [31:0]  FFMAP_HASH = 32'd0,   // FNV-1a 32 of the FF map, reported by IDENTIFY
	parameter [31:0]  BUDGET_RESET = 32'h00ff_ffff, // watchdog budget until a RUN sets one
	parameter integer PW = 16               // bits of a chain position (chain < 2^PW bits)
) (
	input  wire              clk,
	input  wire              i_rst,
	// Request from host_link: held until o_req_done
	input  wire              i_req_valid,
	input  wire [7:0]        i_req_seq,
	input  wire [7:0]        i_req_op,
	input  wire [15:0]       i_req_len,
	output wire [AW-1:0]     o_req_rd_addr,
	input  wire [7:0]        i_req_rd_data,
	output reg               o_req_done,
	// Response to host_link: accepted when o_rsp_start && !i_rsp_busy
	output reg               o_rsp_start,
	output reg  [7:0]        o_rsp_seq,
	output reg  [7:0]        o_rsp_op,
	output reg  [15:0]       o_rsp_len,
	input  wire              i_rsp_busy,
	output reg  [7:0]        o_rsp_data,
	output wire              o_rsp_valid,
	input  wire              i_rsp_ready,
	// Core run control and fault injection (rh_fi)
	output reg               o_core_rst,
	output reg               o_run,
	output reg               o_inj_en,
	output reg               o_inj_flip,
	output reg               o_scrub,
	output reg  [ACT_AW:0]   o_in_len,
	input  wire              i_scrub_busy,
	output reg  [31:0]       o_inj_bit,
	output reg  [31:0]       o_inj_cycle,
	output reg  [31:0]       o_budget,
	output reg               o_dump,
	input  wire [2:0]        i_state,
	input  wire [31:0]       i_cycles,
	input  wire              i_dump_valid,
	input  wire              i_dump_bit,
	input  wire [31:0]       i_chain_len,
	input  wire [7:0]        i_class,
	// Core host memory port
	output reg               o_hw_we,
	output reg  [27:0]       o_hw_addr,
	output reg  [31:0]       o_hw_data,
	output wire [LOG_AW-1:0] o_hr_addr,
	input  wire [31:0]       i_hr_data,
	input  wire              i_hr_written
);
	localparam integer MAXP_I = MAX_PAYLOAD;
	localparam [15:0] MAXP = MAXP_I[15:0];
	localparam integer CLK_I = CLK_HZ;
	localparam [31:0] CLK = CLK_I[31:0];
	localparam integer ROWS_I = ROWS;
	localparam integer COLS_I = COLS;
	localparam integer NL_I = N_LOGITS;
	localparam [7:0] NL = NL_I[7:0];
	localparam integer SB_I = STATE_BYTES;
	localparam [31:0] SBYTES = SB_I;
	localparam [32:0] ACT_BYTES = 33'd1 << ACT_AW;
	localparam [15:0] VER = `RH_PROTO_VERSION;
	localparam [15:0] BMAX = `RH_PROTO_BATCH_MAX;
	localparam [15:0] RES_LEN = 16'd8 + {6'd0, NL, 2'b00}; // run result: header and logits

	// Core states (rtl/rh_scanctl.v).
	localparam [2:0] CS_IDLE = 3'd0, CS_DONE = 3'd5, CS_HANG = 3'd6;

	localparam [4:0] S_IDLE = 5'd0,
			 S_FETCH = 5'd1,   // one payload byte: address out
			 S_FETCH2 = 5'd2,  // one payload byte: data in
			 S_START = 5'd3,   // waiting for the transmitter to take the frame
			 S_RD = 5'd4,      // response byte: read address out
			 S_SEND = 5'd5,    // response byte offered
			 S_DONE = 5'd6,    // frame leaving; then release the request or go on
			 S_LD_HDR = 5'd7,  // LOAD_*: header fetched, check it
			 S_LD_WR = 5'd8,   // LOAD_*: one element fetched, write it
			 S_RUN_ARGS = 5'd9, // RUN/RUN_FAULT: fields fetched, check them
			 S_RUN_GO = 5'd10, // run pulse
			 S_RUN_WAIT = 5'd11, // waiting for DONE or HANG
			 S_B_HDR = 5'd12,  // RUN_BATCH: header fetched, check it
			 S_B_CHK = 5'd13,  // RUN_BATCH: a descriptor's bit fetched, check it
			 S_B_BIT = 5'd14,  // RUN_BATCH: a descriptor's bit fetched for its run
			 S_B_CYC = 5'd15,  // RUN_BATCH: its cycle fetched, run it
			 S_RS_ARGS = 5'd16, // READ_STATE: fields fetched, check them
			 S_RS_WAIT = 5'd17, // READ_STATE: rotation running
			 S_RUN_F2 = 5'd18, // RUN_FAULT: bit fetched, fetch the cycle
			 S_RUN_F3 = 5'd19, // RUN_FAULT: cycle fetched, maybe fetch a budget
			 S_RS_CNT = 5'd20, // READ_STATE: offset fetched, fetch the count
			 S_SCRUB = 5'd21,  // canonical start state being restored, then the run pulse
			 S_CHK = 5'd22;    // run finished: were all its logits written?

	localparam [2:0] K_ECHO = 3'd0, K_ID = 3'd1, K_ERR = 3'd2, K_RES = 3'd3, K_STATE = 3'd4,
			 K_EMPTY = 3'd5;

	reg [4:0]  state, ret;   // ret: where S_FETCH2 goes when the field is complete
	reg [2:0]  kind;
	reg [15:0] idx;          // response byte
	reg [15:0] ptr;          // request payload byte being fetched
	reg [2:0]  fcnt;         // bytes left in the field being fetched
	reg [31:0] word;         // fetched field, little endian, shifted in from the top
	reg        started;      // the transmitter took the frame
	reg [7:0]  e_code;
	reg [15:0] e_detail;
	reg        word_mode;    // LOAD_MODEL: 4 bytes per element (else 1, sign-extended)
	reg [27:0] ld_addr;
	reg [15:0] ld_left;      // LOAD_*: data bytes left
	reg        batch;        // the run belongs to a RUN_BATCH
	reg [15:0] b_n, b_k;     // RUN_BATCH: descriptors, current one
	reg        seen_busy;    // the core left its terminal state after the run pulse
	reg [PW-1:0] rs_ofs;     // READ_STATE: first byte
	reg [PW-1:0] rs_pos;     // chain position of the bit leaving the rotation
	reg [6:0]  rs_sr;        // bits of the byte being collected, before the last
	reg        rs_active;
	reg        last_hang;    // the last run ended in HANG (cycles, class: the core holds them)
	reg        last_crash;   // the last run finished without writing all its logits
	reg [LOG_AW:0] chk;      // S_CHK: logit whose written flag is being read
	reg        chk_v;        // S_CHK: i_hr_written holds logit chk - 1's flag

	reg [7:0]  sbuf [0:STATE_BYTES-1];
	reg [7:0]  sbuf_rd;

	wire [PW-1:0] chain_pos = i_chain_len[PW-1:0];
	wire [PW-1:0] chain_bytes = (chain_pos >> 3) + {{(PW - 1){1'b0}}, chain_pos[2:0] != 3'd0};
	wire          bit_bad = {1'b0, word[30:0]} >= i_chain_len; // a chain bit past the chain
	wire [16:0]   img_end = {1'b0, word[15:0]} + {1'b0, data_len}; // LOAD_IMAGE: last + 1
	wire [15:0] data_len = i_req_len - 16'd4; // LOAD_*: bytes after the header

	// Response byte index within the run result (after the batch prefix).
	wire [15:0] ridx = batch ? idx - 16'd4 : idx;
	wire [15:0] lidx = ridx - 16'd8;
	assign o_hr_addr = state == S_CHK ? chk[LOG_AW-1:0] : lidx[LOG_AW+1:2];
	wire unused_lidx = ^(lidx >> (LOG_AW + 2));
	assign o_req_rd_addr = kind == K_ECHO && (state == S_RD || state == S_SEND) ?
		idx[AW-1:0] : ptr[AW-1:0];
	assign o_rsp_valid = state == S_SEND;

	// READ_STATE: collect the rotation's bits into bytes (chain position p is bit p % 8 of
	// state byte p / 8); the rotation yields the highest position first.
	wire [7:0]    rs_byte = {rs_sr, i_dump_bit};
	wire [PW-1:0] rs_bi = rs_pos >> 3;
	wire [PW-1:0] rs_rel = rs_bi - rs_ofs;
	wire          rs_we = rs_active && i_dump_valid && rs_pos[2:0] == 3'd0 && rs_bi >= rs_ofs &&
			      rs_rel < o_rsp_len[PW-1:0];

	always @(posedge clk) begin
		if (rs_we)
			sbuf[rs_rel[SAW-1:0]] <= rs_byte;
		sbuf_rd <= sbuf[idx[SAW-1:0]];
	end

	always @(posedge clk) begin
		if (i_rst || !rs_active) begin
			rs_sr <= 7'd0;
			rs_pos <= chain_pos - 1'b1;
		end else if (i_dump_valid) begin
			rs_sr <= rs_byte[6:0];
			rs_pos <= rs_pos - 1'b1;
		end
	end

	// IDENTIFY response (docs/protocol.md).
	reg [7:0] id_byte;
	always @(*) begin
		case (idx[4:0])
		5'd0:    id_byte = VER[7:0];
		5'd1:    id_byte = VER[15:8];
		5'd2:    id_byte = ROWS_I[7:0];
		5'd3:    id_byte = COLS_I[7:0];
		5'd4:    id_byte = i_chain_len[7:0];
		5'd5:    id_byte = i_chain_len[15:8];
		5'd6:    id_byte = i_chain_len[23:16];
		5'd7:    id_byte = i_chain_len[31:24];
		5'd8:    id_byte = FFMAP_HASH[7:0];
		5'd9:    id_byte = FFMAP_HASH[15:8];
		5'd10:   id_byte = FFMAP_HASH[23:16];
		5'd11:   id_byte = FFMAP_HASH[31:24];
		5'd12:   id_byte = MAXP[7:0];
		5'd13:   id_byte = MAXP[15:8];
		5'd14:   id_byte = BMAX[7:0];
		5'd15:   id_byte = BMAX[15:8];
		5'd16:   id_byte = CLK[7:0];
		5'd17:   id_byte = CLK[15:8];
		5'd18:   id_byte = CLK[23:16];
		5'd19:   id_byte = CLK[31:24];
		5'd20:   id_byte = NL;
		5'd21:   id_byte = 8'h01; // RH_ID_F_CORE
		default: id_byte = 8'h00;
		endcase
	end

	// Run result, with the RUN_BATCH prefix (index, count) first.
	reg [7:0] res_byte;
	always @(*) begin
		if (batch && idx < 16'd4) begin
			case (idx[1:0])
			2'd0:    res_byte = b_k[7:0];
			2'd1:    res_byte = b_k[15:8];
			2'd2:    res_byte = b_n[7:0];
			default: res_byte = b_n[15:8];
			endcase
		end else if (ridx < 16'd8) begin
			case (ridx[2:0])
			3'd0:    res_byte = {6'd0, last_crash && !last_hang, last_hang};
			3'd1:    res_byte = last_hang ? 8'hff : i_class;
			3'd2:    res_byte = NL;
			3'd3:    res_byte = 8'h00;
			3'd4:    res_byte = i_cycles[7:0];
			3'd5:    res_byte = i_cycles[15:8];
			3'd6:    res_byte = i_cycles[23:16];
			default: res_byte = i_cycles[31:24];
			endcase
		end else begin
			case (lidx[1:0])
			2'd0:    res_byte = i_hr_data[7:0];
			2'd1:    res_byte = i_hr_data[15:8];
			2'd2:    res_byte = i_hr_data[23:16];
			default: res_byte = i_hr_data[31:24];
			endcase
		end
	end

	always @(*) begin
		case (kind)
		K_ECHO:  o_rsp_data = i_req_rd_data;
		K_ID:    o_rsp_data = id_byte;
		K_RES:   o_rsp_data = res_byte;
		K_STATE: o_rsp_data = sbuf_rd;
		K_ERR: begin
			case (idx[1:0])
			2'd0:    o_rsp_data = e_code;
			2'd1:    o_rsp_data = i_req_op;
			2'd2:    o_rsp_data = e_detail[7:0];
			default: o_rsp_data = e_detail[15:8];
			endcase
		end
		default: o_rsp_data = 8'h00;
		endcase
	end

	// Start fetching a field of n bytes at payload offset p, then go to r.
	task fetch(input [15:0] p, input [2:0] n, input [4:0] r);
		begin
			ptr   <= p;
			fcnt  <= n;
			ret   <= r;
			state <= S_FETCH;
		end
	endtask

	// Answer with a response frame of kind k and length n.
	task respond(input [2:0] k, input [15:0] n);
		begin
			kind      <= k;
			o_rsp_op  <= i_req_op | `RH_PROTO_OP_RESPONSE;
			o_rsp_len <= n;
			idx       <= 16'd0;
			started   <= 1'b0;
			state     <= S_START;
		end
	endtask

	// Answer with an ERROR frame.
	task fail(input [7:0] code, input [15:0] detail);
		begin
			kind      <= K_ERR;
			o_rsp_op  <= `RH_PROTO_OP_ERROR;
			o_rsp_len <= {8'd0, `RH_PROTO_ERR_LEN};
			e_code    <= code;
			e_detail  <= detail;
			idx       <= 16'd0;
			started   <= 1'b0;
			batch     <= 1'b0;
			state     <= S_START;
		end
	endtask

	// Restore the canonical start state, then run with the current injection fields.
	task run(input inj);
		begin
			o_scrub   <= 1'b1;
			o_inj_en  <= inj;
			seen_busy <= 1'b0;
			state     <= S_SCRUB;
		end
	endtask

	always @(posedge clk) begin
		o_rsp_start <= 1'b0;
		o_req_done  <= 1'b0;
		o_run       <= 1'b0;
		o_scrub     <= 1'b0;
		o_dump      <= 1'b0;
		o_hw_we     <= 1'b0;
		o_core_rst  <= 1'b0;
		if (i_rst) begin
			state       <= S_IDLE;
			ret         <= S_IDLE;
			kind        <= K_EMPTY;
			idx         <= 16'd0;
			ptr         <= 16'd0;
			fcnt        <= 3'd0;
			word        <= 32'd0;
			started     <= 1'b0;
			e_code      <= 8'd0;
			e_detail    <= 16'd0;
			word_mode   <= 1'b0;
			ld_addr     <= 28'd0;
			ld_left     <= 16'd0;
			batch       <= 1'b0;
			b_n         <= 16'd0;
			b_k         <= 16'd0;
			seen_busy   <= 1'b0;
			rs_ofs      <= {PW{1'b0}};
			rs_active   <= 1'b0;
			last_hang   <= 1'b0;
			last_crash  <= 1'b0;
			chk         <= {(LOG_AW + 1){1'b0}};
			chk_v       <= 1'b0;
			o_in_len    <= {(ACT_AW + 1){1'b0}};
			o_inj_flip  <= 1'b1;
			o_rsp_seq   <= 8'd0;
			o_rsp_op    <= 8'd0;
			o_rsp_len   <= 16'd0;
			o_inj_en    <= 1'b0;
			o_inj_bit   <= 32'd0;
			o_inj_cycle <= 32'd0;
			o_budget    <= BUDGET_RESET;
			o_hw_addr   <= 28'd0;
			o_hw_data   <= 32'd0;
		end else begin
			case (state)
			S_IDLE:
				if (i_req_valid && !o_req_done) begin
					o_rsp_seq <= i_req_seq;
					batch     <= 1'b0;
					case (i_req_op)
					`RH_CMD_ECHO:
						respond(K_ECHO, i_req_len);
					`RH_CMD_IDENTIFY:
						if (i_req_len == 16'd0)
							respond(K_ID, 16'd24);
						else
							fail(`RH_PERR_BAD_ARG, i_req_len);
					`RH_CMD_LOAD_MODEL, `RH_CMD_LOAD_IMAGE:
						if (i_req_len > 16'd4)
							fetch(16'd0, 3'd4, S_LD_HDR);
						else
							fail(`RH_PERR_BAD_ARG, i_req_len);
					`RH_CMD_RUN:
						if (i_req_len == 16'd0) begin
							o_inj_bit   <= 32'd0;
							o_inj_cycle <= 32'd0;
							o_inj_flip  <= 1'b1;
							run(1'b0);
						end else if (i_req_len == 16'd4)
							fetch(16'd0, 3'd4, S_RUN_ARGS);
						else
							fail(`RH_PERR_BAD_ARG, i_req_len);
					`RH_CMD_RUN_FAULT:
						if (i_req_len == 16'd8 || i_req_len == 16'd12)
							fetch(16'd0, 3'd4, S_RUN_F2);
						else
							fail(`RH_PERR_BAD_ARG, i_req_len);
					`RH_CMD_RUN_BATCH:
						if (i_req_len >= 16'd12)
							fetch(16'd0, 3'd4, S_B_HDR);
						else
							fail(`RH_PERR_BAD_ARG, i_req_len);
					`RH_CMD_READ_STATE:
						if (i_req_len == 16'd6)
							fetch(16'd0, 3'd4, S_RS_CNT);
						else
							fail(`RH_PERR_BAD_ARG, i_req_len);
					`RH_CMD_RESET:
						if (i_req_len == 16'd0) begin
							o_core_rst <= 1'b1;
							respond(K_EMPTY, 16'd0);
						end else
							fail(`RH_PERR_BAD_ARG, i_req_len);
					default:
						fail(`RH_PERR_UNKNOWN_OP, i_req_len);
					endcase
				end

			// Field fetch: two clocks per byte (read port latency).
			S_FETCH:
				state <= S_FETCH2;
			S_FETCH2: begin
				word <= {i_req_rd_data, word[31:8]};
				ptr  <= ptr + 16'd1;
				fcnt <= fcnt - 3'd1;
				state <= fcnt == 3'd1 ? ret : S_FETCH;
			end

			// LOAD_MODEL: address word (bit 31: 4-byte elements), data.
			// LOAD_IMAGE: byte offset into the input image, bytes.
			S_LD_HDR: begin
				ld_left <= data_len;
				if (i_req_op == `RH_CMD_LOAD_IMAGE) begin
					word_mode <= 1'b0;
					ld_addr   <= {8'h40, word[19:0]};
					if (word[31:16] != 16'd0 || {16'd0, img_end} > ACT_BYTES)
						fail(`RH_PERR_BAD_ARG, i_req_len);
					else begin
						// an image starts at offset 0; later chunks extend it
						if (word[15:0] == 16'd0 || img_end[ACT_AW:0] > o_in_len)
							o_in_len <= img_end[ACT_AW:0];
						fetch(ptr, 3'd1, S_LD_WR);
					end
				end else begin
					word_mode <= word[31];
					ld_addr   <= word[27:0];
					if (word[30:28] != 3'd0 || (word[31] && data_len[1:0] != 2'd0))
						fail(`RH_PERR_BAD_ARG, i_req_len);
					else
						fetch(ptr, word[31] ? 3'd4 : 3'd1, S_LD_WR);
				end
			end
			S_LD_WR: begin
				o_hw_we   <= 1'b1;
				o_hw_addr <= ld_addr;
				o_hw_data <= word_mode ? word : {{24{word[31]}}, word[31:24]};
				// within one 2^20 window: a load never crosses a column or region
				ld_addr   <= {ld_addr[27:20], ld_addr[19:0] + 20'd1};
				if (ld_left == (word_mode ? 16'd4 : 16'd1)) begin
					ld_left <= 16'd0;
					respond(K_EMPTY, 16'd0);
				end else begin
					ld_left <= ld_left - (word_mode ? 16'd4 : 16'd1);
					fetch(ptr, word_mode ? 3'd4 : 3'd1, S_LD_WR);
				end
			end

			// RUN with a budget; RUN_FAULT bit, cycle and an optional budget.
			S_RUN_ARGS: begin
				o_budget    <= word;
				o_inj_bit   <= 32'd0;
				o_inj_cycle <= 32'd0;
				o_inj_flip  <= 1'b1;
				run(1'b0);
			end
			S_RUN_F2: begin
				o_inj_bit  <= {1'b0, word[30:0]};
				o_inj_flip <= !word[31];
				if (bit_bad)
					fail(`RH_PERR_BAD_ARG, 16'd0);
				else
					fetch(ptr, 3'd4, S_RUN_F3);
			end
			S_RUN_F3: begin
				o_inj_cycle <= word;
				if (i_req_len == 16'd12)
					fetch(ptr, 3'd4, S_RUN_GO);
				else
					run(1'b1);
			end
			S_RUN_GO: begin
				o_budget <= word;
				run(1'b1);
			end
			S_SCRUB:
				if (i_scrub_busy)
					seen_busy <= 1'b1;
				else if (seen_busy) begin
					o_run     <= 1'b1;
					seen_busy <= 1'b0;
					state     <= S_RUN_WAIT;
				end
			S_RUN_WAIT:
				if (i_state != CS_IDLE && i_state != CS_DONE && i_state != CS_HANG)
					seen_busy <= 1'b1;
				else if (seen_busy && i_state != CS_IDLE) begin
					last_hang <= i_state == CS_HANG;
					chk       <= {(LOG_AW + 1){1'b0}};
					chk_v     <= 1'b0;
					if (i_state == CS_HANG) begin
						last_crash <= 1'b0;
						respond(K_RES, batch ? RES_LEN + 16'd4 : RES_LEN);
					end else
						state <= S_CHK;
				end
			// Read the written flag of every logit (one clock of read latency).
			S_CHK: begin
				chk_v <= 1'b1;
				if (chk_v && !i_hr_written)
					last_crash <= 1'b1;
				if (!chk_v)
					last_crash <= 1'b0;
				if (chk == NL_I[LOG_AW:0])
					respond(K_RES, batch ? RES_LEN + 16'd4 : RES_LEN);
				else
					chk <= chk + 1'b1;
			end

			// RUN_BATCH: count (u16), reserved (u16), then count x (bit u32, cycle u32).
			// Every descriptor is checked before the first run.
			S_B_HDR: begin
				b_n <= word[15:0];
				b_k <= 16'd0;
				if (word[15:0] == 16'd0 || word[15:0] > `RH_PROTO_BATCH_MAX ||
				    i_req_len != {word[12:0], 3'b000} + 16'd4)
					fail(`RH_PERR_BAD_ARG, i_req_len);
				else
					fetch(16'd4, 3'd4, S_B_CHK);
			end
			S_B_CHK:
				if (bit_bad)
					fail(`RH_PERR_BAD_ARG, b_k);
				else if (b_k + 16'd1 == b_n) begin
					b_k <= 16'd0;
					batch <= 1'b1;
					fetch(16'd4, 3'd4, S_B_BIT);
				end else begin
					b_k <= b_k + 16'd1;
					fetch(ptr + 16'd4, 3'd4, S_B_CHK);
				end
			S_B_BIT: begin
				o_inj_bit  <= {1'b0, word[30:0]};
				o_inj_flip <= !word[31];
				fetch(ptr, 3'd4, S_B_CYC);
			end
			S_B_CYC: begin
				o_inj_cycle <= word;
				run(1'b1);
			end

			// READ_STATE: byte offset (u32), count (u16); one rotation, nothing inverted.
			S_RS_CNT: begin
				rs_ofs <= word[PW-1:0];
				// offsets past 2^PW bytes are past the chain: rs_ofs saturates to fail
				if (word[31:PW] != 0)
					rs_ofs <= {PW{1'b1}};
				fetch(ptr, 3'd2, S_RS_ARGS);
			end
			S_RS_ARGS:
				if (word[31:16] == 16'd0 || {16'd0, word[31:16]} > SBYTES ||
				    rs_ofs >= chain_bytes ||
				    {16'd0, word[31:16]} > {{(32 - PW){1'b0}}, chain_bytes - rs_ofs})
					fail(`RH_PERR_BAD_ARG, word[31:16]);
				else begin
					o_rsp_len <= word[31:16]; // the collector's bound until the response
					o_dump    <= 1'b1;
					rs_active <= 1'b1;
					seen_busy <= 1'b0;
					state     <= S_RS_WAIT;
				end
			S_RS_WAIT:
				if (i_dump_valid)
					seen_busy <= 1'b1;
				else if (seen_busy) begin
					rs_active <= 1'b0;
					respond(K_STATE, o_rsp_len);
				end

			// Response frame.
			S_START:
				if (!started) begin
					if (!i_rsp_busy) begin
						o_rsp_start <= 1'b1;
						started     <= 1'b1;
					end
				end else
					// The transmitter is busy from the clock after the start.
					state <= o_rsp_len == 16'd0 ? S_DONE : S_RD;
			S_RD:
				state <= S_SEND;
			S_SEND:
				if (i_rsp_ready) begin
					idx   <= idx + 16'd1;
					state <= idx + 16'd1 == o_rsp_len ? S_DONE : S_RD;
				end
			S_DONE:
				if (!i_rsp_busy) begin
					if (batch && b_k + 16'd1 != b_n) begin
						b_k <= b_k + 16'd1;
						fetch(ptr, 3'd4, S_B_BIT);
					end else begin
						batch      <= 1'b0;
						o_req_done <= 1'b1;
						state      <= S_IDLE;
					end
				end
			default:
				state <= S_IDLE;
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

	// host_link holds a request stable until it is released.
	always @(posedge clk)
		if (f_past_valid && !$past(i_rst) && $past(i_req_valid) && !$past(o_req_done))
			assume(i_req_valid && i_req_seq == $past(i_req_seq) &&
			       i_req_op == $past(i_req_op) && i_req_len == $past(i_req_len));
	always @(*)
		assume(i_req_len <= MAXP);
	// The core's chain length is a constant; the core state is free.
	always @(posedge clk)
		if (f_past_valid)
			assume(i_chain_len == $past(i_chain_len));
	always @(*)
		assume(i_chain_len >= 32'd1 && i_chain_len <= 32'd64);

	// Response frames handed to host_link, and response bytes taken in the current frame.
	reg [15:0] f_taken;
	always @(posedge clk)
		if (i_rst || o_rsp_start)
			f_taken <= 16'd0;
		else if (o_rsp_valid && i_rsp_ready)
			f_taken <= f_taken + 16'd1;

	always @(posedge clk) if (f_past_valid && !$past(i_rst)) begin
		assert(state <= S_CHK);
		// A request is released only while it is held, once.
		if (o_req_done)
			assert($past(i_req_valid) && state == S_IDLE);
		// A frame is started only when the transmitter is free, and never twice.
		if (o_rsp_start)
			assert(!$past(i_rsp_busy) && state == S_START && started);
		// Bytes are offered only inside the announced length.
		if (state == S_SEND || state == S_RD)
			assert(idx < o_rsp_len && idx == f_taken);
		// A frame is released (S_DONE left) only after all its bytes went out.
		if ($past(state) == S_DONE && state != S_DONE && $past(started))
			assert($past(f_taken) == $past(o_rsp_len));
		// Error frames carry their fixed length; response opcodes have the response bit.
		if (kind == K_ERR && state != S_IDLE)
			assert(o_rsp_op == `RH_PROTO_OP_ERROR && o_rsp_len == 16'd4);
		if (state == S_START || state == S_SEND)
			assert(o_rsp_op[7]);
		// Field fetches never run past the payload.
		if (state == S_FETCH || state == S_FETCH2)
			assert(fcnt != 3'd0 && fcnt <= 3'd4 && {16'd0, ptr} < {16'd0, i_req_len});
		// The batch counter stays inside the batch.
		if (batch)
			assert(b_k < b_n && b_n <= `RH_PROTO_BATCH_MAX);
		// The core's host port is written only by LOAD_*.
		if (o_hw_we)
			assert($past(state) == S_LD_WR);
	end

	// Reachable (shallow enough for a bounded check; RUN_BATCH is covered in simulation).
	always @(posedge clk) begin
		// An empty ECHO answered and released.
		cover(f_past_valid && o_req_done && i_req_op == `RH_CMD_ECHO && i_req_len == 16'd0);
		// A malformed request answered with an error frame.
		cover(f_past_valid && o_rsp_start && kind == K_ERR);
		// A LOAD_IMAGE header accepted, its first data byte being fetched.
		cover(f_past_valid && state == S_FETCH && ret == S_LD_WR &&
		      i_req_op == `RH_CMD_LOAD_IMAGE);
		// A run result frame handed to the transmitter.
		cover(f_past_valid && o_rsp_start && kind == K_RES);
	end
`endif
endmodule
