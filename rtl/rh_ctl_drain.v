// rh_ctl_drain: the drain, bias, requantiser, ReLU and pooling pipeline (register group of rh_ctl).
`default_nettype none

// DRAIN issues the tile's items (r, c) in order, r outer, one a cycle, and each passes three
// stages (docs/architecture.md, "DRAIN"): stage 1 adds the bias to PE(r,c)'s accumulator,
// stage 2 forms the requantiser's product (in the last layer: writes the sum as a logit),
// stage 3 rounds, shifts, clamps, applies ReLU and pools into the activation memories; the
// previous cycle's write is forwarded for the pooling read. Registers (chain order from OFS):
// dr, dc, d_issue; s1_*; s2_*; s3_*; f_v, f_addr, f_y.
module rh_ctl_drain #(
    parameter ROWS = 8,
    parameter COLS = 8,
    parameter ACT_AW = 12,
    parameter PRM_AW = 9,
    parameter LOG_AW = 8,
    parameter DIM_W = 10,
    parameter OFS = 0,
    parameter LEN = 182  // chain bits (rh_ctl's layout): the registers below fill them exactly
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire o_so,
    // Phases and transitions (rh_ctl_fsm)
    input wire i_drain_start,
    input wire i_drain,
    output wire o_idle,                   // nothing issued, nothing in stages 1 and 2
    // Tiles, descriptor
    input wire [$clog2(ROWS + 1)-1:0] i_nrows,
    input wire [DIM_W-1:0] i_ocb,
    input wire [DIM_W-1:0] i_outc,
    input wire [PRM_AW-1:0] i_pbase,
    input wire i_req,
    input wire i_relu,
    input wire i_dst,
    // Row registers (rh_ctl_rows)
    input wire [ROWS-1:0] i_first,
    input wire [ROWS*ACT_AW-1:0] i_obase,
    // Parameter memories (read in stage 0), array
    output wire [PRM_AW-1:0] o_prm_raddr,
    input wire [31:0] i_bias,
    input wire [20:0] i_mq,
    input wire [ROWS*COLS*32-1:0] i_acc,
    // Activation memories: the pooling read (copy 0) and the write (every copy)
    output wire [ACT_AW:0] o_pool_raddr,
    input wire [7:0] i_pool_rdata,
    output wire o_act_we,
    output wire [ACT_AW:0] o_act_waddr,
    output wire [7:0] o_act_wdata,
    // Logits memory (the last layer)
    output wire o_log_we,
    output wire [LOG_AW-1:0] o_log_waddr,
    output wire [31:0] o_log_wdata
);
    localparam PROD_W = 47;  // int32 x uint15 product, registered between stages 2 and 3
    localparam RB = (ROWS > 1) ? $clog2(ROWS) : 1;
    localparam CB = (COLS > 1) ? $clog2(COLS) : 1;
    localparam [31:0] COLS32 = COLS;
    localparam [CB:0] COLS_N = COLS32[CB:0];
    localparam [DIM_W:0] COLS_D = COLS32[DIM_W:0];

    // ---- registers, in chain order (each starts where the one before it ends), stage by
    // stage, each stage followed by its logic
    wire [LEN:0] sc;
    assign sc[0] = i_si;
    assign o_so = sc[LEN];
    wire unused_sc = ^sc;

    // ---- issue (stage 0): item (dr, dc) addresses the parameter memories
    localparam O_DR = 0;  // row of the item being issued
    wire [RB-1:0] dr;
    reg [RB-1:0] dr_d;
    rh_sreg #(.W(RB), .CLASS(3), .OFS(OFS + O_DR)) u_dr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_DR]),
        .o_so(sc[O_DR+RB:O_DR+1]), .i_d(dr_d), .o_q(dr));
    localparam O_DC = O_DR + RB;  // column of the item being issued
    wire [CB-1:0] dc;
    reg [CB-1:0] dc_d;
    rh_sreg #(.W(CB), .CLASS(3), .OFS(OFS + O_DC)) u_dc (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_DC]),
        .o_so(sc[O_DC+CB:O_DC+1]), .i_d(dc_d), .o_q(dc));
    localparam O_D_ISSUE = O_DC + CB;  // an item is issued this cycle
    wire d_issue;
    reg d_issue_d;
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_D_ISSUE)) u_d_issue (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_D_ISSUE]),
        .o_so(sc[O_D_ISSUE+1:O_D_ISSUE+1]), .i_d(d_issue_d), .o_q(d_issue));
    wire [DIM_W-1:0] oc_left = i_outc - i_ocb;
    wire [CB:0] ncols = ({1'b0, oc_left} >= COLS_D) ? COLS_N : oc_left[CB:0];
    wire dc_last = ({1'b0, dc} == ncols - 1'b1);
    wire dr_last = ({1'b0, dr} == i_nrows - 1'b1);
    always @(*) begin
        dr_d = dr; dc_d = dc; d_issue_d = d_issue;
        // the conditions exclude each other (one phase at a time)
        if (i_drain_start) begin
            dr_d = {RB{1'b0}}; dc_d = {CB{1'b0}}; d_issue_d = 1'b1;
        end else if (i_drain && d_issue) begin
            if (dc_last) begin
                dc_d = {CB{1'b0}};
                if (dr_last) d_issue_d = 1'b0;
                else dr_d = dr + 1'b1;
            end else begin
                dc_d = dc + 1'b1;
            end
        end
    end
    wire [ACT_AW-1:0] obase_dr = i_obase[dr*ACT_AW+:ACT_AW];
    // the first channel as an address offset (zero-extended, or truncated when ACT_AW < DIM_W)
    wire [ACT_AW+DIM_W-1:0] ocb_x = {{ACT_AW{1'b0}}, i_ocb};
    wire unused_x = ^ocb_x[ACT_AW+DIM_W-1:ACT_AW];
    wire [ACT_AW-1:0] d_addr = obase_dr + ocb_x[ACT_AW-1:0] + {{(ACT_AW-CB){1'b0}}, dc};
    assign o_prm_raddr = i_pbase + i_ocb[PRM_AW-1:0] + {{(PRM_AW-CB){1'b0}}, dc};

    // ---- stage 1: accumulator + bias
    localparam O_S1_V = O_D_ISSUE + 1;
    wire s1_v;
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S1_V)) u_s1_v (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S1_V]),
        .o_so(sc[O_S1_V+1:O_S1_V+1]), .i_d(d_issue && i_drain), .o_q(s1_v));
    localparam O_S1_R = O_S1_V + 1;
    wire [RB-1:0] s1_r;
    rh_sreg #(.W(RB), .CLASS(3), .OFS(OFS + O_S1_R)) u_s1_r (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S1_R]),
        .o_so(sc[O_S1_R+RB:O_S1_R+1]), .i_d(dr), .o_q(s1_r));
    localparam O_S1_C = O_S1_R + RB;
    wire [CB-1:0] s1_c;
    rh_sreg #(.W(CB), .CLASS(3), .OFS(OFS + O_S1_C)) u_s1_c (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S1_C]),
        .o_so(sc[O_S1_C+CB:O_S1_C+1]), .i_d(dc), .o_q(s1_c));
    localparam O_S1_ADDR = O_S1_C + CB;
    wire [ACT_AW-1:0] s1_addr;
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_S1_ADDR)) u_s1_addr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S1_ADDR]),
        .o_so(sc[O_S1_ADDR+ACT_AW:O_S1_ADDR+1]), .i_d(d_addr), .o_q(s1_addr));
    localparam O_S1_FIRST = O_S1_ADDR + ACT_AW;
    wire s1_first;
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S1_FIRST)) u_s1_first (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S1_FIRST]),
        .o_so(sc[O_S1_FIRST+1:O_S1_FIRST+1]), .i_d(i_first[dr]), .o_q(s1_first));
    wire [31:0] sel_idx = {{(32-RB){1'b0}}, s1_r} * COLS + {{(32-CB){1'b0}}, s1_c};
    wire [31:0] acc_sel = i_acc[32*sel_idx+:32];
    wire [31:0] sum = acc_sel + i_bias;

    // ---- stage 2: the requantiser's product (|sum * M| < 2^46 fits PROD_W bits); logits;
    // the pooling read of the output word
    localparam O_S2_V = O_S1_FIRST + 1;
    wire s2_v;
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S2_V)) u_s2_v (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_V]),
        .o_so(sc[O_S2_V+1:O_S2_V+1]), .i_d(s1_v), .o_q(s2_v));
    localparam O_S2_SUM = O_S2_V + 1;
    wire [31:0] s2_sum;
    rh_sreg #(.W(32), .CLASS(2), .OFS(OFS + O_S2_SUM)) u_s2_sum (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_SUM]),
        .o_so(sc[O_S2_SUM+32:O_S2_SUM+1]), .i_d(sum), .o_q(s2_sum));
    localparam O_S2_MULT = O_S2_SUM + 32;
    wire [14:0] s2_mult;
    rh_sreg #(.W(15), .CLASS(3), .OFS(OFS + O_S2_MULT)) u_s2_mult (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_MULT]),
        .o_so(sc[O_S2_MULT+15:O_S2_MULT+1]), .i_d(i_mq[14:0]), .o_q(s2_mult));
    localparam O_S2_SHIFT = O_S2_MULT + 15;
    wire [5:0] s2_shift;
    rh_sreg #(.W(6), .CLASS(3), .OFS(OFS + O_S2_SHIFT)) u_s2_shift (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_SHIFT]),
        .o_so(sc[O_S2_SHIFT+6:O_S2_SHIFT+1]), .i_d(i_mq[20:15]), .o_q(s2_shift));
    localparam O_S2_ADDR = O_S2_SHIFT + 6;
    wire [ACT_AW-1:0] s2_addr;
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_S2_ADDR)) u_s2_addr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_ADDR]),
        .o_so(sc[O_S2_ADDR+ACT_AW:O_S2_ADDR+1]), .i_d(s1_addr), .o_q(s2_addr));
    localparam O_S2_FIRST = O_S2_ADDR + ACT_AW;
    wire s2_first;
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S2_FIRST)) u_s2_first (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_FIRST]),
        .o_so(sc[O_S2_FIRST+1:O_S2_FIRST+1]), .i_d(s1_first), .o_q(s2_first));
    wire signed [PROD_W-1:0] prod = $signed(s2_sum) * $signed({1'b0, s2_mult});
    assign o_log_we = s2_v && !i_req;
    assign o_log_waddr = s2_addr[LOG_AW-1:0];
    assign o_log_wdata = s2_sum;
    assign o_pool_raddr = {i_dst, s2_addr};
    assign o_idle = !d_issue && !s1_v && !s2_v;

    // ---- stage 3: round, shift, clamp, ReLU, pool (read-modify-write with one-back forwarding)
    localparam O_S3_V = O_S2_FIRST + 1;
    wire s3_v;
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S3_V)) u_s3_v (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S3_V]),
        .o_so(sc[O_S3_V+1:O_S3_V+1]), .i_d(s2_v), .o_q(s3_v));
    localparam O_S3_PROD = O_S3_V + 1;
    wire [PROD_W-1:0] s3_prod;
    rh_sreg #(.W(PROD_W), .CLASS(2), .OFS(OFS + O_S3_PROD)) u_s3_prod (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S3_PROD]),
        .o_so(sc[O_S3_PROD+PROD_W:O_S3_PROD+1]), .i_d(prod), .o_q(s3_prod));
    localparam O_S3_SHIFT = O_S3_PROD + PROD_W;
    wire [5:0] s3_shift;
    rh_sreg #(.W(6), .CLASS(3), .OFS(OFS + O_S3_SHIFT)) u_s3_shift (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S3_SHIFT]),
        .o_so(sc[O_S3_SHIFT+6:O_S3_SHIFT+1]), .i_d(s2_shift), .o_q(s3_shift));
    localparam O_S3_ADDR = O_S3_SHIFT + 6;
    wire [ACT_AW-1:0] s3_addr;
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_S3_ADDR)) u_s3_addr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S3_ADDR]),
        .o_so(sc[O_S3_ADDR+ACT_AW:O_S3_ADDR+1]), .i_d(s2_addr), .o_q(s3_addr));
    localparam O_S3_FIRST = O_S3_ADDR + ACT_AW;
    wire s3_first;
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S3_FIRST)) u_s3_first (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S3_FIRST]),
        .o_so(sc[O_S3_FIRST+1:O_S3_FIRST+1]), .i_d(s2_first), .o_q(s3_first));
    wire [7:0] v8;  // stage 3's write data, below
    // the previous cycle's activation write, forwarded to the pooling read
    localparam O_F_V = O_S3_FIRST + 1;
    wire f_v;
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_F_V)) u_f_v (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_F_V]),
        .o_so(sc[O_F_V+1:O_F_V+1]), .i_d(s3_v && i_req), .o_q(f_v));
    localparam O_F_ADDR = O_F_V + 1;
    wire [ACT_AW-1:0] f_addr;
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_F_ADDR)) u_f_addr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_F_ADDR]),
        .o_so(sc[O_F_ADDR+ACT_AW:O_F_ADDR+1]), .i_d(s3_addr), .o_q(f_addr));
    localparam O_F_Y = O_F_ADDR + ACT_AW;
    wire [7:0] f_y;
    rh_sreg #(.W(8), .CLASS(2), .OFS(OFS + O_F_Y)) u_f_y (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_F_Y]),
        .o_so(sc[O_F_Y+8:O_F_Y+1]), .i_d(v8), .o_q(f_y));
    // y = clamp((P + 2^(S-1)) >>> S) with the 48-bit arithmetic of docs/quantisation.md, for
    // every S (also those no model uses), computed on 10 bits: with q = floor(P / 2^(S-1)) =
    // {P, 0} >>> S the rounded quotient is floor((q + 1) / 2), so y > 127 iff q >= 255,
    // y < -128 iff q <= -258, y < 0 iff q <= -2; q fits 10 bits iff P[46:S+8] are sign bits.
    // S >= 48 (never a model's) follows the 48-bit wrap of the formula: -1 or 0.
    wire sgn = s3_prod[PROD_W-1];
    wire signed [47:0] q48 = $signed({s3_prod, 1'b0}) >>> s3_shift;  // bits 9..0 are used
    wire [9:0] q10 = q48[9:0];
    wire [PROD_W-1:0] hi_mask = {PROD_W{1'b1}} << ({1'b0, s3_shift} + 7'd8);
    wire fits = ~|((s3_prod ^ {PROD_W{sgn}}) & hi_mask);
    wire sat_hi = fits ? ($signed(q10) >= 10'sd255) : !sgn;
    wire sat_lo = fits ? ($signed(q10) <= (i_relu ? -10'sd2 : -10'sd258)) : sgn;
    wire [8:0] q1 = q10[8:0] + 9'd1;
    wire big = (s3_shift[5:4] == 2'b11);
    wire big_m1 = sgn ^ (s3_shift == 6'd48);
    wire [7:0] y8 = big ? {8{big_m1 && !i_relu}} :
                    sat_hi ? 8'd127 : sat_lo ? (i_relu ? 8'd0 : 8'h80) : q1[8:1];
    wire unused_q = ^{q48[47:10], q1[0]};
    wire [7:0] old8 = (f_v && f_addr == s3_addr) ? f_y : i_pool_rdata;
    assign v8 = (s3_first || $signed(y8) > $signed(old8)) ? y8 : old8;
    assign o_act_we = s3_v && i_req;
    assign o_act_waddr = {i_dst, s3_addr};
    assign o_act_wdata = v8;
endmodule

`default_nettype wire
