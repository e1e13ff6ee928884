// rh_array: ROWS x COLS output-stationary systolic array with its input skew registers.
`default_nettype none

// Row r's activation stream enters unskewed on i_west_act[8r+:8] and passes r skew registers
// (input_act) before PE(r,0); column c's weight stream passes c skew registers (weight) before
// PE(0,c). Inside the array activations move east and weights south one PE per cycle, so a
// value pair fed together at cycle f meets in PE(r,c) at cycle f + 1 + r + c (operand
// registers) and is accumulated at the end of that cycle.
// Chain order: PE(0,0), PE(0,1), ... row-major; then row skew lines (row 1 stage 0, row 2
// stages 0,1, ...); then column skew lines likewise.
module rh_array #(
    parameter ROWS = 8,
    parameter COLS = 8,
    parameter MUL_DSP = ROWS * COLS,  // PEs 0 .. MUL_DSP-1 (row-major) multiply with `*`, the rest in logic
    parameter OFS = 0
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire o_so,
    // Dataflow
    input wire i_clr,
    input wire [ROWS*8-1:0] i_west_act,
    input wire [COLS*8-1:0] i_north_wgt,
    output wire [ROWS*COLS*32-1:0] o_acc
);
    localparam PE_LEN = 48;
    localparam RS = ROWS * COLS * PE_LEN;          // row skew lines start
    localparam CS = RS + 8 * ROWS * (ROWS - 1) / 2; // column skew lines start
    localparam LEN = CS + 8 * COLS * (COLS - 1) / 2;

    wire [LEN:0] sc;
    assign sc[0] = i_si;
    assign o_so = sc[LEN];
    wire unused_sc = ^sc;

    // act_h[r][c]: activation entering PE(r,c) from the west; wgt_v[r][c]: weight from the north.
    wire [8*ROWS*(COLS+1)-1:0] act_h;
    wire [8*(ROWS+1)*COLS-1:0] wgt_v;

    genvar r, c, s;
    generate
        for (r = 0; r < ROWS; r = r + 1) begin : gen_row
            for (c = 0; c < COLS; c = c + 1) begin : gen_col
                localparam LO = (r * COLS + c) * PE_LEN;
                rh_pe #(.OFS(OFS + LO), .MUL_DSP((r * COLS + c) < MUL_DSP)) u_pe (
                    .clk(clk), .i_rst(i_rst), .i_ce(i_ce),
                    .i_scan(i_scan), .i_si(sc[LO]), .o_so(sc[LO+PE_LEN:LO+1]),
                    .i_clr(i_clr),
                    .i_west_act(act_h[8*(r*(COLS+1)+c)+:8]),
                    .i_north_wgt(wgt_v[8*(r*COLS+c)+:8]),
                    .o_east_act(act_h[8*(r*(COLS+1)+c+1)+:8]),
                    .o_south_wgt(wgt_v[8*((r+1)*COLS+c)+:8]),
                    .o_acc(o_acc[32*(r*COLS+c)+:32]));
            end
        end

        // Row skew: row r delays its stream by r cycles.
        for (r = 0; r < ROWS; r = r + 1) begin : gen_rskew
            if (r == 0) begin : gen_none
                assign act_h[7:0] = i_west_act[7:0];
            end else begin : gen_line
                wire [8*(r+1)-1:0] line;
                assign line[7:0] = i_west_act[8*r+:8];
                for (s = 0; s < r; s = s + 1) begin : gen_stage
                    localparam LO = RS + 8 * (r * (r - 1) / 2 + s);
                    rh_sreg #(.W(8), .CLASS(0), .OFS(OFS + LO)) u_q (
                        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan),
                        .i_si(sc[LO]), .o_so(sc[LO+8:LO+1]),
                        .i_d(line[8*s+:8]), .o_q(line[8*(s+1)+:8]));
                end
                assign act_h[8*(r*(COLS+1))+:8] = line[8*r+:8];
            end
        end

        // Column skew: column c delays its stream by c cycles.
        for (c = 0; c < COLS; c = c + 1) begin : gen_cskew
            if (c == 0) begin : gen_none
                assign wgt_v[7:0] = i_north_wgt[7:0];
            end else begin : gen_line
                wire [8*(c+1)-1:0] line;
                assign line[7:0] = i_north_wgt[8*c+:8];
                for (s = 0; s < c; s = s + 1) begin : gen_stage
                    localparam LO = CS + 8 * (c * (c - 1) / 2 + s);
                    rh_sreg #(.W(8), .CLASS(1), .OFS(OFS + LO)) u_q (
                        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan),
                        .i_si(sc[LO]), .o_so(sc[LO+8:LO+1]),
                        .i_d(line[8*s+:8]), .o_q(line[8*(s+1)+:8]));
                end
                assign wgt_v[8*c+:8] = line[8*c+:8];
            end
        end
    endgenerate

    // The east edge activations and south edge weights leave the array unused.
    wire unused_edges;
    generate
        if (1) begin : gen_unused
            wire [8*ROWS+8*COLS-1:0] edges;
            for (r = 0; r < ROWS; r = r + 1) begin : gen_e
                assign edges[8*r+:8] = act_h[8*(r*(COLS+1)+COLS)+:8];
            end
            for (c = 0; c < COLS; c = c + 1) begin : gen_s
                assign edges[8*ROWS+8*c+:8] = wgt_v[8*(ROWS*COLS+c)+:8];
            end
            assign unused_edges = ^edges;
        end
    endgenerate
endmodule

`default_nettype wire
