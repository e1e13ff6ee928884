// rahil: 8N1 UART transmitter, CLKS_PER_BIT clocks per bit, byte in by valid/ready.
`default_nettype none

module uart_tx #(
	parameter integer CLKS_PER_BIT = 4 // 12 MHz / 3 Mbaud
) (
	input  wire       clk,
	input  wire       i_rst,
	// Byte in
	input  wire [7:0] i_data,
	input  wire       i_valid,
	output wire       o_ready,
	// Line
	output reg        o_tx
);
	localparam integer CW = $clog2(CLKS_PER_BIT);
	localparam integer LAST_I = CLKS_PER_BIT - 1; // needs CLKS_PER_BIT >= 2
	localparam [CW-1:0] LAST = LAST_I[CW-1:0];

	reg [8:0]    shift;  // data bits then the stop bit, LSB goes out next
	reg [3:0]    nbits;  // bits still to send after the current one; 0 and idle when !busy
	reg [CW-1:0] cnt;    // clocks left in the current bit
	reg          busy;

	assign o_ready = !busy;

	always @(posedge clk) begin
		if (i_rst) begin
			busy  <= 1'b0;
			o_tx  <= 1'b1;
			shift <= 9'h1ff;
			nbits <= 4'd0;
			cnt   <= {CW{1'b0}};
		end else if (!busy) begin
			if (i_valid) begin
				busy  <= 1'b1;
				o_tx  <= 1'b0; // start bit
				shift <= {1'b1, i_data};
				nbits <= 4'd9;
				cnt   <= LAST;
			end
		end else if (cnt != 0) begin
			cnt <= cnt - 1'b1;
		end else if (nbits != 0) begin
			o_tx  <= shift[0];
			shift <= {1'b1, shift[8:1]};
			nbits <= nbits - 1'b1;
			cnt   <= LAST;
		end else begin
			busy <= 1'b0; // stop bit done; o_tx is already 1
		end
	end

`ifdef FORMAL
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;

	// Start from reset.
	always @(*)
		if (!f_past_valid)
			assume(i_rst);

	// Shadow of the byte in flight: which bit of the frame (0 start, 1..8 data, 9 stop) should
	// be on the line, and for how many more clocks.
	reg [7:0] f_data;
	reg [9:0] f_line; // expected line, LSB now: stop, data, start
	reg [3:0] f_bit;
	reg [7:0] f_clk;
	reg       f_done; // a whole byte went out since reset
	integer   f_i;
	always @(posedge clk) begin
		f_done <= 1'b0;
		if (i_rst) begin
			f_bit <= 4'd0;
			f_clk <= 8'd0;
		end else if (o_ready && i_valid) begin
			f_data <= i_data;
			f_line <= {1'b1, i_data, 1'b0};
			f_bit  <= 4'd0;
			f_clk  <= 8'd1;
		end else if (busy) begin
			if (f_clk == CLKS_PER_BIT) begin
				f_clk  <= 8'd1;
				f_bit  <= f_bit + 1'b1;
				f_line <= {1'b1, f_line[9:1]};
			end else
				f_clk <= f_clk + 1'b1;
			f_done <= f_bit == 4'd9 && f_clk == CLKS_PER_BIT;
		end
	end

	always @(posedge clk) if (f_past_valid && !$past(i_rst)) begin
		// Idle line is high.
		if (!busy)
			assert(o_tx);
		// Each bit on the line has its value for CLKS_PER_BIT clocks; 10 bits, then ready.
		if (busy) begin
			assert(f_bit <= 4'd9);
			assert(f_clk >= 1 && f_clk <= CLKS_PER_BIT);
			assert(o_tx == f_line[0]);
			// Invariants tying the shadow to the state (they make the proof inductive).
			assert(shift == f_line[9:1]);
			assert({1'b0, f_bit} + {1'b0, nbits} == 5'd9);
			assert({6'd0, cnt} + f_clk == CLKS_PER_BIT);
			// After f_bit shifts, the stop bit and the ones shifted in sit at the top.
			for (f_i = 0; f_i <= 9; f_i = f_i + 1)
				if (f_bit >= f_i)
					assert(f_line[9 - f_i]);
			if (f_bit == 4'd0)
				assert(!f_line[0]);
			if (f_bit == 4'd0)
				assert(o_tx == 1'b0);
			if (f_bit == 4'd9)
				assert(o_tx == 1'b1);
		end
		if ($past(busy) && !busy)
			assert($past(f_bit) == 4'd9 && $past(f_clk) == CLKS_PER_BIT);
		assert(cnt <= LAST);
		assert(nbits <= 4'd9);
	end

	// A whole byte goes out and the transmitter is ready again.
	always @(posedge clk)
		cover(f_past_valid && f_done && !busy && f_data == 8'h5a);
`endif
endmodule
