// rahil: the whole board design minus pads: UART host link, command processor and the core.
`default_nettype none

// The UART pins are the host link on a board. The simulator may instead exchange bytes at the
// UART's byte interface (i_byte_mode high): the framing, the command processor and the core
// are the same either way; a board top ties i_byte_mode low and synthesis drops the bypass.
module rh_board #(
	parameter integer CLKS_PER_BIT = 4,     // clocks per UART bit (12 MHz / 3 Mbaud)
	parameter integer CLK_HZ = 12000000,
	parameter integer TIMEOUT_CLKS = 12000, // inter-byte timeout inside a frame
	parameter integer MAX_PAYLOAD = 1024,
	parameter integer AW = 10,              // $clog2(MAX_PAYLOAD)
	parameter integer STATE_BYTES = 1024,   // largest READ_STATE
	parameter integer SAW = 10,             // $clog2(STATE_BYTES)
	parameter integer N_LOGITS = 10,
	parameter [31:0]  FFMAP_HASH = 32'd0,
	parameter integer CHAIN_PW = 16,        // bits of a chain position (chain < 2^CHAIN_PW)
	// Core (rtl/rh_fi.v)
	parameter integer ROWS = 2,
	parameter integer COLS = 4,
	parameter integer ACT_AW = 12,
	parameter integer WGT_AW = 16,
	parameter integer PRM_AW = 9,
	parameter integer LOG_AW = 8,
	parameter integer DIM_W = 10,
	parameter integer WGT_SPRAM = 0         // weights in iCE40UP SPRAM (single-port rh_ram)
) (
	input  wire       clk,
	input  wire       i_rst,
	// Host link: UART pins
	input  wire       i_rx,
	output wire       o_tx,
	// Host link: byte interface for the simulator (used when i_byte_mode is high)
	input  wire       i_byte_mode,
	input  wire [7:0] i_rx_data,
	input  wire       i_rx_valid,
	output wire [7:0] o_tx_data,
	output wire       o_tx_valid,
	input  wire       i_tx_ready,
	// Status
	output wire       o_req_busy,  // a request is being served
	output wire       o_core_busy  // the core is running or rotating its chain
);
	wire [7:0]    u_rx_data, rx_data, tx_data;
	wire          u_rx_valid, u_rx_err, rx_valid, rx_err, tx_valid, tx_ready, u_tx_ready;
	wire [7:0]    req_seq, req_op, rd_data, rsp_seq, rsp_op, rsp_data;
	wire          req_valid, req_done, rsp_start, rsp_busy, rsp_valid, rsp_ready;
	wire [15:0]   req_len, rsp_len;
	wire [AW-1:0] rd_addr;

	uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_uart_rx (
		.clk(clk), .i_rst(i_rst), .i_rx(i_rx),
		.o_data(u_rx_data), .o_valid(u_rx_valid), .o_frame_err(u_rx_err)
	);
	uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_uart_tx (
		.clk(clk), .i_rst(i_rst), .i_data(tx_data), .i_valid(tx_valid && !i_byte_mode),
		.o_ready(u_tx_ready), .o_tx(o_tx)
	);

	assign rx_data    = i_byte_mode ? i_rx_data : u_rx_data;
	assign rx_valid   = i_byte_mode ? i_rx_valid : u_rx_valid;
	assign rx_err     = !i_byte_mode && u_rx_err;
	assign tx_ready   = i_byte_mode ? i_tx_ready : u_tx_ready;
	assign o_tx_data  = tx_data;
	assign o_tx_valid = tx_valid && i_byte_mode;

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

	wire          core_rst, run, inj_en, inj_flip, scrub, scrub_busy, dump, dump_valid, dump_bit, hw_we;
	wire          hr_written;
	wire [ACT_AW:0] in_len;
	wire [31:0]   inj_bit, inj_cycle, budget, cycles, chain_len, hw_data, hr_data;
	wire [2:0]    core_state;
	wire [27:0]   hw_addr;
	wire [LOG_AW-1:0] hr_addr, core_class;
	wire [7:0]    class8;

	generate
		if (LOG_AW >= 8) begin : gen_class_trunc
			assign class8 = core_class[7:0];
			if (LOG_AW > 8) begin : gen_class_unused
				wire unused_class = ^core_class[LOG_AW-1:(LOG_AW > 8 ? 8 : 0)];
			end
		end else begin : gen_class_pad
			assign class8 = {{(8 - LOG_AW){1'b0}}, core_class};
		end
	endgenerate

	rh_cmdproc #(
		.AW(AW), .MAX_PAYLOAD(MAX_PAYLOAD), .CLK_HZ(CLK_HZ), .ROWS(ROWS), .COLS(COLS),
		.LOG_AW(LOG_AW), .ACT_AW(ACT_AW), .N_LOGITS(N_LOGITS), .STATE_BYTES(STATE_BYTES),
		.SAW(SAW), .FFMAP_HASH(FFMAP_HASH), .PW(CHAIN_PW)
	) u_cmd (
		.clk(clk), .i_rst(i_rst),
		.i_req_valid(req_valid), .i_req_seq(req_seq), .i_req_op(req_op), .i_req_len(req_len),
		.o_req_rd_addr(rd_addr), .i_req_rd_data(rd_data), .o_req_done(req_done),
		.o_rsp_start(rsp_start), .o_rsp_seq(rsp_seq), .o_rsp_op(rsp_op), .o_rsp_len(rsp_len),
		.i_rsp_busy(rsp_busy), .o_rsp_data(rsp_data), .o_rsp_valid(rsp_valid),
		.i_rsp_ready(rsp_ready),
		.o_core_rst(core_rst), .o_run(run), .o_inj_en(inj_en), .o_inj_flip(inj_flip),
		.o_scrub(scrub), .o_in_len(in_len), .i_scrub_busy(scrub_busy), .o_inj_bit(inj_bit),
		.o_inj_cycle(inj_cycle), .o_budget(budget), .o_dump(dump), .i_state(core_state),
		.i_cycles(cycles), .i_dump_valid(dump_valid), .i_dump_bit(dump_bit),
		.i_chain_len(chain_len), .i_class(class8),
		.o_hw_we(hw_we), .o_hw_addr(hw_addr), .o_hw_data(hw_data), .o_hr_addr(hr_addr),
		.i_hr_data(hr_data), .i_hr_written(hr_written)
	);

	rh_fi #(.ROWS(ROWS), .COLS(COLS), .ACT_AW(ACT_AW), .WGT_AW(WGT_AW), .PRM_AW(PRM_AW),
		.LOG_AW(LOG_AW), .DIM_W(DIM_W), .WGT_SPRAM(WGT_SPRAM)) u_fi (
		.clk(clk), .i_rst(i_rst || core_rst),
		.i_run(run), .i_inj_en(inj_en), .i_inj_arm(1'b0), .i_inj_flip(inj_flip), .i_inj_hold(1'b0),
		.i_inj_bit(inj_bit), .i_inj_cycle(inj_cycle), .i_budget(budget),
		.i_dump(dump), .i_resume(1'b0),
		.i_scrub(scrub), .i_in_len(in_len), .o_scrub_busy(scrub_busy),
		.o_state(core_state), .o_cycles(cycles), .o_dump_valid(dump_valid),
		.o_dump_bit(dump_bit), .o_chain_len(chain_len), .o_class(core_class),
		.i_hw_we(hw_we), .i_hw_addr(hw_addr), .i_hw_data(hw_data),
		.i_hr_addr(hr_addr), .o_hr_data(hr_data), .o_hr_written(hr_written)
	);

	assign o_req_busy  = req_valid;
	assign o_core_busy = core_state != 3'd0 && core_state != 3'd5 && core_state != 3'd6;
endmodule
