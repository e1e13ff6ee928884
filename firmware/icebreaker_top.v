// rahil: iCEBreaker (iCE40UP5K-SG48) top: 12 MHz clock, power-on/button reset, FT2232H UART, LEDs.
`default_nettype none

// The board parameter set is chosen by the build (bitstreams/icebreaker.mk passes the core
// parameters as defines); the defaults below are the set that fits the UP5K at 12 MHz: a 1 x 2
// array, weights in the four SPRAMs (2 columns x 64 KB), activations and parameters in EBRs.
`ifndef RH_BOARD_ROWS
`define RH_BOARD_ROWS 1
`endif
`ifndef RH_BOARD_COLS
`define RH_BOARD_COLS 2
`endif
`ifndef RH_BOARD_ACT_AW
`define RH_BOARD_ACT_AW 11
`endif
`ifndef RH_BOARD_WGT_AW
`define RH_BOARD_WGT_AW 16
`endif
`ifndef RH_BOARD_PRM_AW
`define RH_BOARD_PRM_AW 8
`endif
`ifndef RH_BOARD_LOG_AW
`define RH_BOARD_LOG_AW 8
`endif
`ifndef RH_BOARD_WGT_SPRAM
`define RH_BOARD_WGT_SPRAM 1
`endif
`ifndef RH_BOARD_FFMAP_HASH
`define RH_BOARD_FFMAP_HASH 32'd0
`endif

module icebreaker_top (
	input  wire CLK,    // 12 MHz oscillator
	input  wire BTN_N,  // user button, low when pressed: reset
	// FT2232H channel B UART
	input  wire RX,     // host -> FPGA
	output wire TX,     // FPGA -> host
	// LEDs, low active
	output wire LEDR_N, // the core is running
	output wire LEDG_N  // heartbeat (bitstream loaded), dark while a request is served
);
	// Power-on reset: 16 clocks after configuration, and while the button is held.
	reg [3:0] por = 4'd0;
	reg       rst = 1'b1;
	always @(posedge CLK) begin
		if (!BTN_N)
			por <= 4'd0;
		else if (por != 4'hf)
			por <= por + 4'd1;
		rst <= por != 4'hf;
	end

	wire req_busy, core_busy;
	wire [7:0] unused_tx_data;
	wire unused_tx_valid;

	rh_board #(
		.CLKS_PER_BIT(4), .CLK_HZ(12000000), .TIMEOUT_CLKS(12000),
		.MAX_PAYLOAD(1024), .AW(10), .STATE_BYTES(256), .SAW(8), .N_LOGITS(10),
		.FFMAP_HASH(`RH_BOARD_FFMAP_HASH), .CHAIN_PW(12),
		.ROWS(`RH_BOARD_ROWS), .COLS(`RH_BOARD_COLS), .ACT_AW(`RH_BOARD_ACT_AW),
		.WGT_AW(`RH_BOARD_WGT_AW), .PRM_AW(`RH_BOARD_PRM_AW), .LOG_AW(`RH_BOARD_LOG_AW),
		.DIM_W(10), .WGT_SPRAM(`RH_BOARD_WGT_SPRAM)
	) u_board (
		.clk(CLK), .i_rst(rst),
		.i_rx(RX), .o_tx(TX),
		.i_byte_mode(1'b0), .i_rx_data(8'd0), .i_rx_valid(1'b0),
		.o_tx_data(unused_tx_data), .o_tx_valid(unused_tx_valid), .i_tx_ready(1'b0),
		.o_req_busy(req_busy), .o_core_busy(core_busy)
	);

	reg [22:0] beat = 23'd0;
	always @(posedge CLK)
		beat <= beat + 23'd1;

	assign LEDR_N = !core_busy;
	assign LEDG_N = !(beat[22] && !req_busy);
endmodule
