// rahil: self-checking UART loopback testbench: every byte value, back to back, through
// uart_tx into uart_rx at several clocks-per-bit settings; a glitch and a break on the line.
`default_nettype none
`timescale 1ns / 1ps

module uart_loop_tb;
	reg clk = 1'b0;
	always #5 clk = !clk;

	integer errors = 0;
	integer checked = 0;

	uart_loop_case #(.CLKS_PER_BIT(4)) u_c4 (.clk(clk));
	uart_loop_case #(.CLKS_PER_BIT(5)) u_c5 (.clk(clk));
	uart_loop_case #(.CLKS_PER_BIT(7)) u_c7 (.clk(clk));
	uart_loop_case #(.CLKS_PER_BIT(104)) u_c104 (.clk(clk)); // 115200 baud at 12 MHz

	initial begin
		if ($test$plusargs("trace")) begin
			$dumpfile("build/uart_loop_tb.vcd");
			$dumpvars(0, uart_loop_tb);
		end
		wait (u_c4.done && u_c5.done && u_c7.done && u_c104.done);
		errors = u_c4.errors + u_c5.errors + u_c7.errors + u_c104.errors;
		checked = u_c4.got + u_c5.got + u_c7.got + u_c104.got;
		if (errors != 0 || checked != 4 * 258)
			$fatal(1, "uart_loop_tb: %0d errors, %0d bytes checked, expected 0 and %0d",
			       errors, checked, 4 * 258);
		$display("uart_loop_tb: %0d bytes looped back intact", checked);
		$finish;
	end
endmodule
