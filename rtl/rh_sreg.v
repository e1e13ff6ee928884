// rh_sreg: one core register, a segment of the fault-injection scan chain (plain with RAHIL_NO_SCAN).
`default_nettype none

// Every flip-flop of the core is an instance of this module. Bit b of the register sits at
// chain position OFS + b; position 0 is next to the chain input, so a shift moves every bit one
// position up and the highest position leaves on the chain output. CLASS feeds the FF map:
// 0 input_act, 1 weight, 2 output_act, 3 control. With the plusarg +ffmap each instance
// prints "FFMAP <offset> <width> <class> <hierarchical name>" once at time 0; the build turns
// those lines into the flip-flop map (never written by hand).
module rh_sreg #(
    parameter W = 1,
    parameter CLASS = 3,
    parameter OFS = 0
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire [W-1:0] o_so,
    // Data
    input wire [W-1:0] i_d,
    output wire [W-1:0] o_q
);
    reg [W-1:0] q;
    wire [W:0] shifted = {q, i_si};
    wire unused_top = shifted[W];

`ifdef RAHIL_NO_SCAN
    always @(posedge clk)
        if (i_rst) q <= {W{1'b0}};
        else if (i_ce) q <= i_d;
    wire unused_scan = i_scan ^ shifted[0];
`else
    always @(posedge clk)
        if (i_rst) q <= {W{1'b0}};
        else if (i_scan) q <= shifted[W-1:0];
        else if (i_ce) q <= i_d;
`endif
    assign o_q = q;
    assign o_so = q;

`ifndef SYNTHESIS
    initial begin
        if ($test$plusargs("ffmap")) $display("FFMAP %0d %0d %0d %m", OFS, W, CLASS);
    end
`endif
endmodule

`default_nettype wire
