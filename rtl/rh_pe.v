// rh_pe: one processing element of the output-stationary array (int8 x int8 into an int32 accumulator).
`default_nettype none

// o_so carries every chain position of the PE (the last bit is the segment's output).
// Registers (chain order): act (input_act), wgt (weight), acc (output_act).
// Each enabled cycle: act <= west input, wgt <= north input, acc <= i_clr ? 0 : acc + act * wgt.
// The registered operands are passed on east and south.
module rh_pe #(
    parameter OFS = 0,
    parameter MUL_DSP = 1  // 1: `*` (a DSP on iCE40); 0: shift-and-add in logic (same product)
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire [47:0] o_so,
    // Dataflow
    input wire i_clr,
    input wire [7:0] i_west_act,
    input wire [7:0] i_north_wgt,
    output wire [7:0] o_east_act,
    output wire [7:0] o_south_wgt,
    output wire [31:0] o_acc
);
    localparam LEN = 48;
    wire [LEN:0] sc;
    assign sc[0] = i_si;
    assign o_so = sc[LEN:1];
    wire unused_sc = ^sc;

    wire [7:0] act;
    wire [7:0] wgt;
    wire [31:0] acc;
    wire [15:0] prod;
    generate
        if (MUL_DSP) begin : gen_mul_dsp
            assign prod = $signed(act) * $signed(wgt);
        end else begin : gen_mul_lut
            // wgt = -2^7 wgt[7] + sum 2^i wgt[i]: seven shifted adds and one subtract
            wire [15:0] a16 = {{8{act[7]}}, act};
            wire [16*8-1:0] part;
            genvar i;
            for (i = 0; i < 8; i = i + 1) begin : gen_pp
                assign part[16*i+:16] = wgt[i] ? (a16 << i) : 16'd0;
            end
            assign prod = part[15:0] + part[31:16] + part[47:32] + part[63:48] + part[79:64] +
                          part[95:80] + part[111:96] - part[127:112];
        end
    endgenerate
    wire [31:0] acc_d = i_clr ? 32'd0 : acc + {{16{prod[15]}}, prod};

    rh_sreg #(.W(8), .CLASS(0), .OFS(OFS + 0)) u_act (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[0]), .o_so(sc[8:1]),
        .i_d(i_west_act), .o_q(act));
    rh_sreg #(.W(8), .CLASS(1), .OFS(OFS + 8)) u_wgt (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[8]), .o_so(sc[16:9]),
        .i_d(i_north_wgt), .o_q(wgt));
    rh_sreg #(.W(32), .CLASS(2), .OFS(OFS + 16)) u_acc (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[16]), .o_so(sc[48:17]),
        .i_d(acc_d), .o_q(acc));

    assign o_east_act = act;
    assign o_south_wgt = wgt;
    assign o_acc = acc;
endmodule

`default_nettype wire
