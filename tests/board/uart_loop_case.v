// rahil: one UART loopback case for uart_loop_tb at a given CLKS_PER_BIT.
`default_nettype none
`timescale 1ns / 1ps

module uart_loop_case #(
	parameter integer CLKS_PER_BIT = 4
) (
	input wire clk
);
	reg        rst = 1'b1;
	reg [7:0]  data = 8'd0;
	reg        valid = 1'b0;
	reg        force_low = 1'b0; // break: hold the line low
	reg        glitch = 1'b0;    // a one-clock low pulse, not a start bit
	wire       ready, line, rx_valid, rx_err;
	wire [7:0] rx_data;

	integer errors = 0, got = 0, framing = 0, sent = 0;
	reg done = 1'b0;
	reg [7:0] expect_q [0:511];

	uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
		.clk(clk), .i_rst(rst), .i_data(data), .i_valid(valid), .o_ready(ready), .o_tx(line)
	);
	uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
		.clk(clk), .i_rst(rst), .i_rx(line && !force_low && !glitch), .o_data(rx_data),
		.o_valid(rx_valid), .o_frame_err(rx_err)
	);

	always @(posedge clk) begin
		if (rx_valid) begin
			if (rx_data !== expect_q[got])
				errors = errors + 1;
			got = got + 1;
		end
		if (rx_err)
			framing = framing + 1;
	end

	integer i;
	initial begin
		repeat (4) @(posedge clk);
		rst <= 1'b0;
		// All 256 values, then two more, offered back to back.
		for (i = 0; i < 258; i = i + 1) begin
			expect_q[i] = i[7:0] ^ 8'h5a;
			data  <= i[7:0] ^ 8'h5a;
			valid <= 1'b1;
			@(posedge clk);
			while (!ready)
				@(posedge clk);
			valid <= 1'b0;
			sent = sent + 1;
			@(posedge clk);
		end
		repeat (12 * CLKS_PER_BIT) @(posedge clk);
		// A glitch shorter than half a bit is no start bit.
		glitch <= 1'b1;
		@(posedge clk);
		glitch <= 1'b0;
		repeat (12 * CLKS_PER_BIT) @(posedge clk);
		// A break gives one framing error and no byte; the receiver recovers afterwards.
		force_low <= 1'b1;
		repeat (30 * CLKS_PER_BIT) @(posedge clk);
		force_low <= 1'b0;
		repeat (12 * CLKS_PER_BIT) @(posedge clk);
		if (got != 258)
			errors = errors + 1000;
		if (framing != 1) begin
			$display("uart_loop_case %0d: %0d framing errors, expected 1", CLKS_PER_BIT,
				 framing);
			errors = errors + 1;
		end
		if (errors)
			$display("uart_loop_case %0d: %0d errors, %0d of %0d bytes", CLKS_PER_BIT,
				 errors, got, sent);
		done = 1'b1;
	end
endmodule
