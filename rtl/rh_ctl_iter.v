// rh_ctl_iter: the pixel iterator, the next pixel to hand to a row (register group of rh_ctl).
`default_nettype none

// Walks the layer's pixels in order: raster order of the cells (the conv output, or with
// pooling the pooled output), and with pooling the four pixels of a cell's window (dy, dx).
// LINIT sets it to the first pixel; every SETUP cycle hands the current pixel to row sidx
// (o_*) and advances. Registers (chain order from OFS): it_py, it_px, it_sub, it_iy, it_ix,
// it_arow, it_acol, it_obase, it_done.
module rh_ctl_iter #(
    parameter ACT_AW = 12,
    parameter DIM_W = 10,
    parameter OFS = 0,
    parameter LEN = 83  // chain bits (rh_ctl's layout): the registers below fill them exactly
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire o_so,
    // Phases (rh_ctl_fsm)
    input wire i_linit,
    input wire i_setup,
    // Descriptor
    input wire i_pool,
    input wire [4:0] i_cs,
    input wire [3:0] i_ss,
    input wire [3:0] i_pad,
    input wire [DIM_W-1:0] i_outh,
    input wire [DIM_W-1:0] i_outw,
    input wire [DIM_W-1:0] i_outc,
    input wire [ACT_AW-1:0] i_cx,
    input wire [ACT_AW-1:0] i_cy,
    input wire [ACT_AW-1:0] i_sx,
    input wire [ACT_AW-1:0] i_sy,
    input wire [ACT_AW-1:0] i_base0,
    // The current pixel
    output wire [DIM_W+1:0] o_iy0,    // input row of its first tap (signed)
    output wire [DIM_W+1:0] o_ix0,    // input column of its first tap (signed)
    output wire [ACT_AW-1:0] o_abase, // input address of its first tap
    output wire [ACT_AW-1:0] o_obase, // output address of its channel 0
    output wire o_first,              // first pixel of its pooling window (always, without pooling)
    output wire o_done                // no pixel left: the rows still taking one are invalid
);
    localparam CW = DIM_W + 2;  // signed pixel coordinate

    // ---- registers, in chain order (each starts where the one before it ends)
    wire [LEN:0] sc;
    assign sc[0] = i_si;
    assign o_so = sc[LEN];
    wire unused_sc = ^sc;

    localparam O_IT_PY = 0;  // cell row
    wire [DIM_W-1:0] it_py;
    reg [DIM_W-1:0] it_py_d;
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_IT_PY)) u_it_py (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_PY]),
        .o_so(sc[O_IT_PY+DIM_W:O_IT_PY+1]), .i_d(it_py_d), .o_q(it_py));
    localparam O_IT_PX = O_IT_PY + DIM_W;  // cell column
    wire [DIM_W-1:0] it_px;
    reg [DIM_W-1:0] it_px_d;
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_IT_PX)) u_it_px (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_PX]),
        .o_so(sc[O_IT_PX+DIM_W:O_IT_PX+1]), .i_d(it_px_d), .o_q(it_px));
    localparam O_IT_SUB = O_IT_PX + DIM_W;  // position in the pooling window {dy, dx}
    wire [1:0] it_sub;
    reg [1:0] it_sub_d;
    rh_sreg #(.W(2), .CLASS(3), .OFS(OFS + O_IT_SUB)) u_it_sub (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_SUB]),
        .o_so(sc[O_IT_SUB+2:O_IT_SUB+1]), .i_d(it_sub_d), .o_q(it_sub));
    localparam O_IT_IY = O_IT_SUB + 2;  // input row of the cell's first tap
    wire [CW-1:0] it_iy;
    reg [CW-1:0] it_iy_d;
    rh_sreg #(.W(CW), .CLASS(3), .OFS(OFS + O_IT_IY)) u_it_iy (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_IY]),
        .o_so(sc[O_IT_IY+CW:O_IT_IY+1]), .i_d(it_iy_d), .o_q(it_iy));
    localparam O_IT_IX = O_IT_IY + CW;  // input column of the cell's first tap
    wire [CW-1:0] it_ix;
    reg [CW-1:0] it_ix_d;
    rh_sreg #(.W(CW), .CLASS(3), .OFS(OFS + O_IT_IX)) u_it_ix (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_IX]),
        .o_so(sc[O_IT_IX+CW:O_IT_IX+1]), .i_d(it_ix_d), .o_q(it_ix));
    localparam O_IT_AROW = O_IT_IX + CW;  // input address of the cell row's first cell
    wire [ACT_AW-1:0] it_arow;
    reg [ACT_AW-1:0] it_arow_d;
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_IT_AROW)) u_it_arow (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_AROW]),
        .o_so(sc[O_IT_AROW+ACT_AW:O_IT_AROW+1]), .i_d(it_arow_d), .o_q(it_arow));
    localparam O_IT_ACOL = O_IT_AROW + ACT_AW;  // input address of the cell
    wire [ACT_AW-1:0] it_acol;
    reg [ACT_AW-1:0] it_acol_d;
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_IT_ACOL)) u_it_acol (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_ACOL]),
        .o_so(sc[O_IT_ACOL+ACT_AW:O_IT_ACOL+1]), .i_d(it_acol_d), .o_q(it_acol));
    localparam O_IT_OBASE = O_IT_ACOL + ACT_AW;  // output address of the pixel
    wire [ACT_AW-1:0] it_obase;
    reg [ACT_AW-1:0] it_obase_d;
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_IT_OBASE)) u_it_obase (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_OBASE]),
        .o_so(sc[O_IT_OBASE+ACT_AW:O_IT_OBASE+1]), .i_d(it_obase_d), .o_q(it_obase));
    localparam O_IT_DONE = O_IT_OBASE + ACT_AW;  // no pixel left in the layer
    wire it_done;
    reg it_done_d;
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_IT_DONE)) u_it_done (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_DONE]),
        .o_so(sc[O_IT_DONE+1:O_IT_DONE+1]), .i_d(it_done_d), .o_q(it_done));

    // ---- the current pixel and its successor
    wire signed [CW-1:0] neg_pad = -$signed({{(CW-4){1'b0}}, i_pad});
    wire signed [CW-1:0] cs_s = $signed({{(CW-5){1'b0}}, i_cs});
    wire signed [CW-1:0] ss_s = $signed({{(CW-4){1'b0}}, i_ss});
    // out_c as an address offset (zero-extended, or truncated when ACT_AW < DIM_W)
    wire [ACT_AW+DIM_W-1:0] outc_x = {{ACT_AW{1'b0}}, i_outc};
    wire unused_x = ^outc_x[ACT_AW+DIM_W-1:ACT_AW];

    assign o_iy0 = $signed(it_iy) + (it_sub[1] ? ss_s : {CW{1'b0}});
    assign o_ix0 = $signed(it_ix) + (it_sub[0] ? ss_s : {CW{1'b0}});
    assign o_abase = it_acol + (it_sub[1] ? i_sy : {ACT_AW{1'b0}}) + (it_sub[0] ? i_sx : {ACT_AW{1'b0}});
    assign o_obase = it_obase;
    assign o_done = it_done;
    assign o_first = !i_pool || (it_sub == 2'd0);
    wire sub_last = !i_pool || (it_sub == 2'd3);
    wire px_last = (it_px == i_outw - 1'b1);
    wire py_last = (it_py == i_outh - 1'b1);

    // ---- next state
    always @(*) begin
        it_py_d = it_py; it_px_d = it_px; it_sub_d = it_sub; it_iy_d = it_iy; it_ix_d = it_ix;
        it_arow_d = it_arow; it_acol_d = it_acol; it_obase_d = it_obase; it_done_d = it_done;
        // the conditions exclude each other (one phase at a time)
        if (i_linit) begin
            it_py_d = {DIM_W{1'b0}}; it_px_d = {DIM_W{1'b0}}; it_sub_d = 2'd0;
            it_iy_d = neg_pad; it_ix_d = neg_pad;
            it_arow_d = i_base0; it_acol_d = i_base0;
            it_obase_d = {ACT_AW{1'b0}}; it_done_d = 1'b0;
        end else if (i_setup && !it_done) begin
            if (!sub_last) begin
                it_sub_d = it_sub + 2'd1;
            end else begin
                it_sub_d = 2'd0;
                it_obase_d = it_obase + outc_x[ACT_AW-1:0];
                if (px_last) begin
                    it_px_d = {DIM_W{1'b0}};
                    it_py_d = it_py + 1'b1;
                    it_iy_d = it_iy + cs_s;
                    it_ix_d = neg_pad;
                    it_arow_d = it_arow + i_cy;
                    it_acol_d = it_arow + i_cy;
                    if (py_last) it_done_d = 1'b1;
                end else begin
                    it_px_d = it_px + 1'b1;
                    it_ix_d = it_ix + cs_s;
                    it_acol_d = it_acol + i_cx;
                end
            end
        end
    end
endmodule

`default_nettype wire
