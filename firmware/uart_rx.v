// rahil: 8N1 UART receiver, CLKS_PER_BIT clocks per bit, sampling mid-bit after a synchroniser.
`default_nettype none

module uart_rx #(
	parameter integer CLKS_PER_BIT = 4 // 12 MHz / 3 Mbaud; needs >= 4
) (
	input  wire       clk,
	input  wire       i_rst,
	// Line
	input  wire       i_rx,
	// Byte out: one-clock pulses
	output reg  [7:0] o_data,
	output reg        o_valid,
	output reg        o_frame_err // stop bit was 0 (the byte is dropped)
);
	localparam integer CW = $clog2(CLKS_PER_BIT);
	localparam integer LAST_I = CLKS_PER_BIT - 1;
	localparam integer HALF_I = CLKS_PER_BIT / 2 - 1;
	localparam [CW-1:0] LAST = LAST_I[CW-1:0];
	localparam [CW-1:0] HALF = HALF_I[CW-1:0];

	localparam [2:0] S_IDLE = 3'd0, // line high, waiting for a start bit
			 S_START = 3'd1, // start bit seen, checking it in the middle of the bit
			 S_DATA = 3'd2,  // sampling 8 data bits
			 S_STOP = 3'd3,  // sampling the stop bit
			 S_BREAK = 3'd4; // stop bit was 0: wait for the line to go high again

	reg [2:0]    state;
	reg [1:0]    sync;  // two-flop synchroniser, sync[1] is safe to use
	reg [CW-1:0] cnt;
	reg [2:0]    nbit;
	reg [7:0]    shift;

	wire rx = sync[1];

	always @(posedge clk) begin
		if (i_rst)
			sync <= 2'b11;
		else
			sync <= {sync[0], i_rx};
	end

	always @(posedge clk) begin
		o_valid     <= 1'b0;
		o_frame_err <= 1'b0;
		if (i_rst) begin
			state <= S_IDLE;
			cnt   <= {CW{1'b0}};
			nbit  <= 3'd0;
			shift <= 8'd0;
		end else begin
			case (state)
			S_IDLE:
				if (!rx) begin
					state <= S_START;
					cnt   <= HALF;
				end
			S_START:
				if (cnt != 0)
					cnt <= cnt - 1'b1;
				else if (!rx) begin
					state <= S_DATA;
					cnt   <= LAST;
					nbit  <= 3'd0;
				end else
					state <= S_IDLE; // a glitch, not a start bit
			S_DATA:
				if (cnt != 0)
					cnt <= cnt - 1'b1;
				else begin
					shift <= {rx, shift[7:1]};
					cnt   <= LAST;
					nbit  <= nbit + 1'b1;
					if (nbit == 3'd7)
						state <= S_STOP;
				end
			S_STOP:
				if (cnt != 0)
					cnt <= cnt - 1'b1;
				else if (rx) begin
					o_data  <= shift;
					o_valid <= 1'b1;
					state   <= S_IDLE;
				end else begin
					o_frame_err <= 1'b1;
					state       <= S_BREAK;
				end
			S_BREAK:
				if (rx)
					state <= S_IDLE;
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

	always @(posedge clk) if (f_past_valid && !$past(i_rst)) begin
		assert(state <= S_BREAK);
		assert(cnt <= LAST);
		assert(!(o_valid && o_frame_err));
		// Bytes come at most once per 9 bit times.
		if ($past(o_valid) || $past(o_frame_err))
			assert(!o_valid && !o_frame_err);
		// The receiver never sits mid-byte: from S_START/S_DATA/S_STOP it moves on within a
		// bit time whatever the line does.
		if (state == S_START)
			assert(cnt <= HALF);
	end

	always @(posedge clk) begin
		cover(f_past_valid && o_valid && o_data == 8'ha5);
		cover(f_past_valid && o_frame_err);
	end
`endif
endmodule
