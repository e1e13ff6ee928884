// rh_ctl_rows: the pixel each array row holds in the current tile (register group of rh_ctl).
`default_nettype none

// In SETUP row r takes the iterator's pixel at i_take[r] (the cycle sidx = r); the feed reads
// its input coordinates and address base, the drain its output address base and whether it
// is the first pixel of its pooling window. Registers (chain order from OFS, row 0 first; per
// row): vf ({first, valid}), iy0, ix0, abase, obase.
module rh_ctl_rows #(
    parameter ROWS = 8,
    parameter ACT_AW = 12,
    parameter DIM_W = 10,
    parameter OFS = 0,
    parameter LEN = 400  // chain bits (rh_ctl's layout): the registers below fill them exactly
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire o_so,
    // The iterator's pixel (rh_ctl_iter) and the row that takes it (rh_ctl_tile)
    input wire [ROWS-1:0] i_take,
    input wire i_valid,
    input wire i_first,
    input wire [DIM_W+1:0] i_iy0,
    input wire [DIM_W+1:0] i_ix0,
    input wire [ACT_AW-1:0] i_abase,
    input wire [ACT_AW-1:0] i_obase,
    // Every row's pixel (row r at bit r, or at field r)
    output wire [ROWS-1:0] o_valid,
    output wire [ROWS-1:0] o_first,
    output wire [ROWS*(DIM_W+2)-1:0] o_iy0,
    output wire [ROWS*(DIM_W+2)-1:0] o_ix0,
    output wire [ROWS*ACT_AW-1:0] o_abase,
    output wire [ROWS*ACT_AW-1:0] o_obase
);
    localparam CW = DIM_W + 2;  // signed pixel coordinate
    localparam ROW_LEN = 2 + 2 * CW + 2 * ACT_AW;

    // ---- registers, in chain order (each starts where the one before it ends)
    wire [LEN:0] sc;
    assign sc[0] = i_si;
    assign o_so = sc[LEN];
    wire unused_sc = ^sc;

    genvar r;
    generate
        for (r = 0; r < ROWS; r = r + 1) begin : gen_rowreg
            wire ld = i_take[r];

            localparam O_VF = r * ROW_LEN;  // {first, valid}
            wire [1:0] vf;
            rh_sreg #(.W(2), .CLASS(3), .OFS(OFS + O_VF)) u_vf (
                .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_VF]),
                .o_so(sc[O_VF+2:O_VF+1]), .i_d(ld ? {i_first, i_valid} : vf), .o_q(vf));
            assign o_valid[r] = vf[0];
            assign o_first[r] = vf[1];

            localparam O_IY0 = O_VF + 2;
            wire [CW-1:0] iy0;
            rh_sreg #(.W(CW), .CLASS(3), .OFS(OFS + O_IY0)) u_iy0 (
                .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IY0]),
                .o_so(sc[O_IY0+CW:O_IY0+1]), .i_d(ld ? i_iy0 : iy0), .o_q(iy0));
            assign o_iy0[r*CW+:CW] = iy0;

            localparam O_IX0 = O_IY0 + CW;
            wire [CW-1:0] ix0;
            rh_sreg #(.W(CW), .CLASS(3), .OFS(OFS + O_IX0)) u_ix0 (
                .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IX0]),
                .o_so(sc[O_IX0+CW:O_IX0+1]), .i_d(ld ? i_ix0 : ix0), .o_q(ix0));
            assign o_ix0[r*CW+:CW] = ix0;

            localparam O_ABASE = O_IX0 + CW;
            wire [ACT_AW-1:0] abase;
            rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_ABASE)) u_abase (
                .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_ABASE]),
                .o_so(sc[O_ABASE+ACT_AW:O_ABASE+1]), .i_d(ld ? i_abase : abase), .o_q(abase));
            assign o_abase[r*ACT_AW+:ACT_AW] = abase;

            localparam O_OBASE = O_ABASE + ACT_AW;
            wire [ACT_AW-1:0] obase;
            rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_OBASE)) u_obase (
                .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_OBASE]),
                .o_so(sc[O_OBASE+ACT_AW:O_OBASE+1]), .i_d(ld ? i_obase : obase), .o_q(obase));
            assign o_obase[r*ACT_AW+:ACT_AW] = obase;
        end
    endgenerate
endmodule

`default_nettype wire
