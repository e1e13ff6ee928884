// rahil: the bitstream's own netlist (icebreaker_top, yosys's iCE40 cells) behind rh_board's ports.
`default_nettype none

// The make fragment verilator/gatesim.mk verilates this wrapper with the netlist nextpnr placed
// and routed, written back as Verilog, and yosys's iCE40 cell models, under the class name of
// the verilated RTL board (Vrh_board), so that verilator/rh_board_sim.cpp drives it unchanged.
// The netlist has the board's pins only: the host link runs over the UART pins
// (RH_BOARD_SIM_PINS_ONLY), the byte interface is absent. The reset is the board's button,
// followed by icebreaker_top's own 16-clock power-on reset. The core's busy flag is the red
// LED; the request's busy flag is not on a pin (the green LED mixes it with the heartbeat): it
// is icebreaker_top's net req_busy, which the netlist keeps by name. Both only pace the
// simulator (flat out while busy).
module gatesim_top (
	input  wire       clk,
	input  wire       i_rst,
	// Host link: the UART pins
	input  wire       i_rx,
	output wire       o_tx,
	// Byte interface of rh_board: absent from the netlist
	input  wire       i_byte_mode,
	input  wire [7:0] i_rx_data,
	input  wire       i_rx_valid,
	output wire [7:0] o_tx_data,
	output wire       o_tx_valid,
	input  wire       i_tx_ready,
	// Status
	output wire       o_req_busy,
	output wire       o_core_busy
);
	wire ledr_n, ledg_n;

	icebreaker_top u_top (
		.CLK(clk), .BTN_N(!i_rst),
		.RX(i_rx), .TX(o_tx),
		.LEDR_N(ledr_n), .LEDG_N(ledg_n)
	);

	assign o_tx_data = 8'd0;
	assign o_tx_valid = 1'b0;
	assign o_req_busy = u_top.req_busy;
	assign o_core_busy = !ledr_n;

	wire unused = &{1'b0, i_byte_mode, i_rx_data, i_rx_valid, i_tx_ready, ledg_n};
endmodule
