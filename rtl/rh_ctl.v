// rh_ctl: the layer-program controller (descriptor load, im2col feed, drain, requantise, pool, argmax).
`default_nettype none

// Runs a whole network from the layer program; see docs/architecture.md for the schedule,
// which is a pure function of the program. Every register is an rh_sreg on the scan chain.
module rh_ctl #(
    parameter ROWS = 8,
    parameter COLS = 8,
    parameter ACT_AW = 12,  // bytes per activation buffer half: 2^ACT_AW
    parameter WGT_AW = 16,  // weight words (one byte per column) per column memory
    parameter PRM_AW = 9,   // per-channel parameter entries
    parameter LOG_AW = 8,   // logits entries
    parameter DIM_W = 10,   // height, width, channel counts
    parameter OFS = 0
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire o_so,
    output wire [31:0] o_len,
    // Run control
    input wire i_start,
    output wire o_done,
    output wire [LOG_AW-1:0] o_class,
    // Program memory (16 words per layer)
    output wire [7:0] o_prog_raddr,
    input wire [31:0] i_prog_rdata,
    // Per-channel parameters: bias, {shift, mult}
    output wire [PRM_AW-1:0] o_prm_raddr,
    input wire [31:0] i_bias,
    input wire [20:0] i_mq,
    // Weight memories (one per column, same address)
    output wire [WGT_AW-1:0] o_wgt_raddr,
    input wire [COLS*8-1:0] i_wgt_rdata,
    // Activation memories (one copy per row; MSB of an address selects the ping-pong half)
    output wire [ROWS*(ACT_AW+1)-1:0] o_act_raddr,
    input wire [ROWS*8-1:0] i_act_rdata,
    output wire o_act_we,
    output wire [ACT_AW:0] o_act_waddr,
    output wire [7:0] o_act_wdata,
    // Logits memory
    output wire o_log_we,
    output wire [LOG_AW-1:0] o_log_waddr,
    output wire [31:0] o_log_wdata,
    // Array
    output wire o_clr,
    output wire [ROWS*8-1:0] o_west_act,
    output wire [COLS*8-1:0] o_north_wgt,
    input wire [ROWS*COLS*32-1:0] i_acc
);
    localparam CNT_W = 17;
    localparam PROD_W = 47;              // int32 x uint15 product, registered between the stages
    localparam KW = 16;
    localparam CW = DIM_W + 2;          // signed pixel coordinate
    localparam RB = (ROWS > 1) ? $clog2(ROWS) : 1;
    localparam CB = (COLS > 1) ? $clog2(COLS) : 1;
    localparam NR_W = $clog2(ROWS + 1);
    localparam OCT_W = DIM_W - CB;       // output channel tile index
    localparam [31:0] COLS32 = COLS;
    localparam [31:0] ROWS_M1_32 = ROWS - 1;
    localparam [31:0] FEED_TAIL32 = ROWS + COLS - 1;
    localparam [CB:0] COLS_N = COLS32[CB:0];
    localparam [RB-1:0] ROWS_M1 = ROWS_M1_32[RB-1:0];
    localparam [DIM_W:0] COLS_D = COLS32[DIM_W:0];
    localparam [CNT_W-1:0] FEED_TAIL = FEED_TAIL32[CNT_W-1:0];

    localparam [2:0] S_IDLE = 3'd0, S_LOAD = 3'd1, S_LINIT = 3'd2, S_SETUP = 3'd3,
                     S_FEED = 3'd4, S_DRAIN = 3'd5, S_DONE = 3'd6;

    // ---- chain offsets of the scalar registers
    localparam O_ST = 0;
    localparam O_LIDX = O_ST + 3;
    localparam O_CNT = O_LIDX + 4;
    localparam O_CFL = O_CNT + CNT_W;
    localparam O_C_K = O_CFL + 6;
    localparam O_C_CS = O_C_K + 5;
    localparam O_C_SS = O_C_CS + 5;
    localparam O_C_PAD = O_C_SS + 4;
    localparam O_C_INH = O_C_PAD + 4;
    localparam O_C_INW = O_C_INH + DIM_W;
    localparam O_C_INC = O_C_INW + DIM_W;
    localparam O_C_OUTH = O_C_INC + DIM_W;
    localparam O_C_OUTW = O_C_OUTH + DIM_W;
    localparam O_C_OUTC = O_C_OUTW + DIM_W;
    localparam O_C_KK = O_C_OUTC + DIM_W;
    localparam O_C_JUMP = O_C_KK + KW;
    localparam O_C_CX = O_C_JUMP + ACT_AW;
    localparam O_C_CY = O_C_CX + ACT_AW;
    localparam O_C_SX = O_C_CY + ACT_AW;
    localparam O_C_SY = O_C_SX + ACT_AW;
    localparam O_C_BASE0 = O_C_SY + ACT_AW;
    localparam O_C_WBASE = O_C_BASE0 + ACT_AW;
    localparam O_C_PBASE = O_C_WBASE + WGT_AW;
    localparam O_IT_PY = O_C_PBASE + PRM_AW;
    localparam O_IT_PX = O_IT_PY + DIM_W;
    localparam O_IT_SUB = O_IT_PX + DIM_W;
    localparam O_IT_IY = O_IT_SUB + 2;
    localparam O_IT_IX = O_IT_IY + CW;
    localparam O_IT_AROW = O_IT_IX + CW;
    localparam O_IT_ACOL = O_IT_AROW + ACT_AW;
    localparam O_IT_OBASE = O_IT_ACOL + ACT_AW;
    localparam O_IT_DONE = O_IT_OBASE + ACT_AW;
    localparam O_T_NROWS = O_IT_DONE + 1;
    localparam O_T_OCT = O_T_NROWS + NR_W;
    localparam O_T_WTILE = O_T_OCT + OCT_W;
    localparam O_SIDX = O_T_WTILE + WGT_AW;
    localparam O_KC = O_SIDX + RB;
    localparam O_KX = O_KC + DIM_W;
    localparam O_KY = O_KX + 5;
    localparam O_KOFS = O_KY + 5;
    localparam O_WPTR = O_KOFS + ACT_AW;
    localparam O_RMASK = O_WPTR + WGT_AW;
    localparam O_WMASK = O_RMASK + ROWS;
    localparam O_DR = O_WMASK + 1;
    localparam O_DC = O_DR + RB;
    localparam O_D_ISSUE = O_DC + CB;
    localparam O_S1_V = O_D_ISSUE + 1;
    localparam O_S1_R = O_S1_V + 1;
    localparam O_S1_C = O_S1_R + RB;
    localparam O_S1_ADDR = O_S1_C + CB;
    localparam O_S1_FIRST = O_S1_ADDR + ACT_AW;
    localparam O_S2_V = O_S1_FIRST + 1;
    localparam O_S2_SUM = O_S2_V + 1;
    localparam O_S2_MULT = O_S2_SUM + 32;
    localparam O_S2_SHIFT = O_S2_MULT + 15;
    localparam O_S2_ADDR = O_S2_SHIFT + 6;
    localparam O_S2_FIRST = O_S2_ADDR + ACT_AW;
    localparam O_S3_V = O_S2_FIRST + 1;
    localparam O_S3_PROD = O_S3_V + 1;
    localparam O_S3_SHIFT = O_S3_PROD + PROD_W;
    localparam O_S3_ADDR = O_S3_SHIFT + 6;
    localparam O_S3_FIRST = O_S3_ADDR + ACT_AW;
    localparam O_F_V = O_S3_FIRST + 1;
    localparam O_F_ADDR = O_F_V + 1;
    localparam O_F_Y = O_F_ADDR + ACT_AW;
    localparam O_A_V = O_F_Y + 8;
    localparam O_A_VAL = O_A_V + 1;
    localparam O_A_IDX = O_A_VAL + 32;
    localparam O_ROWS = O_A_IDX + LOG_AW;

    wire [3-1:0] st;
    reg [3-1:0] st_d;
    wire [4-1:0] lidx;
    reg [4-1:0] lidx_d;
    wire [CNT_W-1:0] cnt;
    reg [CNT_W-1:0] cnt_d;
    wire [6-1:0] cfl;
    reg [6-1:0] cfl_d;
    wire [5-1:0] c_k;
    reg [5-1:0] c_k_d;
    wire [5-1:0] c_cs;
    reg [5-1:0] c_cs_d;
    wire [4-1:0] c_ss;
    reg [4-1:0] c_ss_d;
    wire [4-1:0] c_pad;
    reg [4-1:0] c_pad_d;
    wire [DIM_W-1:0] c_inh;
    reg [DIM_W-1:0] c_inh_d;
    wire [DIM_W-1:0] c_inw;
    reg [DIM_W-1:0] c_inw_d;
    wire [DIM_W-1:0] c_inc;
    reg [DIM_W-1:0] c_inc_d;
    wire [DIM_W-1:0] c_outh;
    reg [DIM_W-1:0] c_outh_d;
    wire [DIM_W-1:0] c_outw;
    reg [DIM_W-1:0] c_outw_d;
    wire [DIM_W-1:0] c_outc;
    reg [DIM_W-1:0] c_outc_d;
    wire [KW-1:0] c_kk;
    reg [KW-1:0] c_kk_d;
    wire [ACT_AW-1:0] c_jump;
    reg [ACT_AW-1:0] c_jump_d;
    wire [ACT_AW-1:0] c_cx;
    reg [ACT_AW-1:0] c_cx_d;
    wire [ACT_AW-1:0] c_cy;
    reg [ACT_AW-1:0] c_cy_d;
    wire [ACT_AW-1:0] c_sx;
    reg [ACT_AW-1:0] c_sx_d;
    wire [ACT_AW-1:0] c_sy;
    reg [ACT_AW-1:0] c_sy_d;
    wire [ACT_AW-1:0] c_base0;
    reg [ACT_AW-1:0] c_base0_d;
    wire [WGT_AW-1:0] c_wbase;
    reg [WGT_AW-1:0] c_wbase_d;
    wire [PRM_AW-1:0] c_pbase;
    reg [PRM_AW-1:0] c_pbase_d;
    wire [DIM_W-1:0] it_py;
    reg [DIM_W-1:0] it_py_d;
    wire [DIM_W-1:0] it_px;
    reg [DIM_W-1:0] it_px_d;
    wire [2-1:0] it_sub;
    reg [2-1:0] it_sub_d;
    wire [CW-1:0] it_iy;
    reg [CW-1:0] it_iy_d;
    wire [CW-1:0] it_ix;
    reg [CW-1:0] it_ix_d;
    wire [ACT_AW-1:0] it_arow;
    reg [ACT_AW-1:0] it_arow_d;
    wire [ACT_AW-1:0] it_acol;
    reg [ACT_AW-1:0] it_acol_d;
    wire [ACT_AW-1:0] it_obase;
    reg [ACT_AW-1:0] it_obase_d;
    wire [1-1:0] it_done;
    reg [1-1:0] it_done_d;
    wire [NR_W-1:0] t_nrows;
    reg [NR_W-1:0] t_nrows_d;
    wire [OCT_W-1:0] t_oct;
    reg [OCT_W-1:0] t_oct_d;
    wire [WGT_AW-1:0] t_wtile;
    reg [WGT_AW-1:0] t_wtile_d;
    wire [RB-1:0] sidx;
    reg [RB-1:0] sidx_d;
    wire [DIM_W-1:0] kc;
    reg [DIM_W-1:0] kc_d;
    wire [5-1:0] kx;
    reg [5-1:0] kx_d;
    wire [5-1:0] ky;
    reg [5-1:0] ky_d;
    wire [ACT_AW-1:0] kofs;
    reg [ACT_AW-1:0] kofs_d;
    wire [WGT_AW-1:0] wptr;
    reg [WGT_AW-1:0] wptr_d;
    wire [ROWS-1:0] rmask;
    reg [ROWS-1:0] rmask_d;
    wire [1-1:0] wmask;
    reg [1-1:0] wmask_d;
    wire [RB-1:0] dr;
    reg [RB-1:0] dr_d;
    wire [CB-1:0] dc;
    reg [CB-1:0] dc_d;
    wire [1-1:0] d_issue;
    reg [1-1:0] d_issue_d;
    wire [1-1:0] s1_v;
    reg [1-1:0] s1_v_d;
    wire [RB-1:0] s1_r;
    reg [RB-1:0] s1_r_d;
    wire [CB-1:0] s1_c;
    reg [CB-1:0] s1_c_d;
    wire [ACT_AW-1:0] s1_addr;
    reg [ACT_AW-1:0] s1_addr_d;
    wire [1-1:0] s1_first;
    reg [1-1:0] s1_first_d;
    wire [1-1:0] s2_v;
    reg [1-1:0] s2_v_d;
    wire [32-1:0] s2_sum;
    reg [32-1:0] s2_sum_d;
    wire [15-1:0] s2_mult;
    reg [15-1:0] s2_mult_d;
    wire [6-1:0] s2_shift;
    reg [6-1:0] s2_shift_d;
    wire [ACT_AW-1:0] s2_addr;
    reg [ACT_AW-1:0] s2_addr_d;
    wire [1-1:0] s2_first;
    reg [1-1:0] s2_first_d;
    wire [1-1:0] s3_v;
    reg [1-1:0] s3_v_d;
    wire [PROD_W-1:0] s3_prod;
    reg [PROD_W-1:0] s3_prod_d;
    wire [6-1:0] s3_shift;
    reg [6-1:0] s3_shift_d;
    wire [ACT_AW-1:0] s3_addr;
    reg [ACT_AW-1:0] s3_addr_d;
    wire [1-1:0] s3_first;
    reg [1-1:0] s3_first_d;
    wire [1-1:0] f_v;
    reg [1-1:0] f_v_d;
    wire [ACT_AW-1:0] f_addr;
    reg [ACT_AW-1:0] f_addr_d;
    wire [8-1:0] f_y;
    reg [8-1:0] f_y_d;
    wire [1-1:0] a_v;
    reg [1-1:0] a_v_d;
    wire [32-1:0] a_val;
    reg [32-1:0] a_val_d;
    wire [LOG_AW-1:0] a_idx;
    reg [LOG_AW-1:0] a_idx_d;

    // Per-row pixel registers (chain after the scalar registers).
    localparam ROW_LEN = 2 + 2 * CW + 2 * ACT_AW;
    localparam LEN = O_ROWS + ROWS * ROW_LEN;
    assign o_len = LEN;

    wire [LEN:0] sc;
    assign sc[0] = i_si;
    assign o_so = sc[LEN];
    wire unused_sc = ^sc;
    wire unused_prog = ^i_prog_rdata;  // bits above each field (widths depend on the parameters)

    wire [ROWS-1:0] r_valid, r_first;
    wire [ROWS*CW-1:0] r_iy0, r_ix0;
    wire [ROWS*ACT_AW-1:0] r_abase;
    wire [ROWS*ACT_AW-1:0] r_obase;

    // ---- flags and derived values
    wire f_relu = cfl[0];
    wire f_pool = cfl[1];
    wire f_req = cfl[2];
    wire f_last = cfl[3];
    wire f_src = cfl[4];
    wire f_dst = cfl[5];

    wire signed [CW-1:0] neg_pad = -$signed({{(CW-4){1'b0}}, c_pad});
    wire signed [CW-1:0] cs_s = $signed({{(CW-5){1'b0}}, c_cs});
    wire signed [CW-1:0] ss_s = $signed({{(CW-4){1'b0}}, c_ss});
    wire signed [CW-1:0] inh_s = $signed({2'b00, c_inh});
    wire signed [CW-1:0] inw_s = $signed({2'b00, c_inw});

    // ---- pixel iterator: the current pixel (cell, sub-position) and its successor
    wire signed [CW-1:0] pix_iy0 = $signed(it_iy) + (it_sub[1] ? ss_s : {CW{1'b0}});
    wire signed [CW-1:0] pix_ix0 = $signed(it_ix) + (it_sub[0] ? ss_s : {CW{1'b0}});
    wire [ACT_AW-1:0] pix_abase = it_acol + (it_sub[1] ? c_sy : {ACT_AW{1'b0}})
                                          + (it_sub[0] ? c_sx : {ACT_AW{1'b0}});
    wire pix_first = !f_pool || (it_sub == 2'd0);
    wire sub_last = !f_pool || (it_sub == 2'd3);
    wire px_last = (it_px == c_outw - 1'b1);
    wire py_last = (it_py == c_outh - 1'b1);

    // ---- feed: per-row addresses and bounds
    wire feed_k = (st == S_FEED) && (cnt < {1'b0, c_kk});
    wire [ROWS-1:0] row_inb;
    wire [ROWS*(ACT_AW+1)-1:0] feed_raddr;
    genvar r;
    generate
        for (r = 0; r < ROWS; r = r + 1) begin : gen_feed
            wire signed [CW-1:0] iy = $signed(r_iy0[r*CW+:CW]) + $signed({{(CW-5){1'b0}}, ky});
            wire signed [CW-1:0] ix = $signed(r_ix0[r*CW+:CW]) + $signed({{(CW-5){1'b0}}, kx});
            wire [ACT_AW-1:0] a = r_abase[r*ACT_AW+:ACT_AW] + kofs;
            assign row_inb[r] = r_valid[r] && (iy >= 0) && (iy < inh_s) && (ix >= 0) && (ix < inw_s);
            assign feed_raddr[r*(ACT_AW+1)+:(ACT_AW+1)] = {f_src, a};
            assign o_west_act[r*8+:8] = rmask[r] ? i_act_rdata[r*8+:8] : 8'd0;
        end
    endgenerate
    assign o_north_wgt = wmask ? i_wgt_rdata : {COLS*8{1'b0}};
    assign o_wgt_raddr = wptr;
    assign o_clr = (st == S_FEED) && (cnt == {CNT_W{1'b0}});
    wire feed_end = (cnt == {1'b0, c_kk} + FEED_TAIL);

    // ---- drain
    // first output channel of the tile; t_oct < 2^OCT_W and COLS <= 2^CB, so it fits DIM_W
    wire [DIM_W-1:0] t_ocb = {{CB{1'b0}}, t_oct} * COLS_D[DIM_W-1:0];
    wire [DIM_W-1:0] oc_left = c_outc - t_ocb;
    wire [CB:0] ncols = ({1'b0, oc_left} >= COLS_D) ? COLS_N : oc_left[CB:0];
    wire more_oc = ({1'b0, t_ocb} + COLS_D < {1'b0, c_outc});
    wire dc_last = ({1'b0, dc} == ncols - 1'b1);
    wire dr_last = ({1'b0, dr} == t_nrows - 1'b1);
    wire [ACT_AW-1:0] obase_dr = r_obase[dr*ACT_AW+:ACT_AW];
    // channel counts as address offsets (zero-extended, or truncated when ACT_AW < DIM_W)
    wire [ACT_AW+DIM_W-1:0] t_ocb_x = {{ACT_AW{1'b0}}, t_ocb};
    wire [ACT_AW+DIM_W-1:0] outc_x = {{ACT_AW{1'b0}}, c_outc};
    wire unused_x = ^{t_ocb_x[ACT_AW+DIM_W-1:ACT_AW], outc_x[ACT_AW+DIM_W-1:ACT_AW]};
    wire [ACT_AW-1:0] d_addr = obase_dr + t_ocb_x[ACT_AW-1:0] + {{(ACT_AW-CB){1'b0}}, dc};
    assign o_prm_raddr = c_pbase + t_ocb[PRM_AW-1:0] + {{(PRM_AW-CB){1'b0}}, dc};
    wire drain_end = (st == S_DRAIN) && !d_issue && !s1_v && !s2_v;

    // stage 1: accumulator + bias
    wire [31:0] sel_idx = {{(32-RB){1'b0}}, s1_r} * COLS + {{(32-CB){1'b0}}, s1_c};
    wire [31:0] acc_sel = i_acc[32*sel_idx+:32];
    wire [31:0] sum = acc_sel + i_bias;

    // stage 2: the requantiser's product (|sum * M| < 2^46 fits PROD_W bits); logits, argmax
    wire signed [PROD_W-1:0] prod = $signed(s2_sum) * $signed({1'b0, s2_mult});

    // stage 3: round, shift, clamp, ReLU, pool (read-modify-write with one-back forwarding).
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
    wire sat_lo = fits ? ($signed(q10) <= (f_relu ? -10'sd2 : -10'sd258)) : sgn;
    wire [8:0] q1 = q10[8:0] + 9'd1;
    wire big = (s3_shift[5:4] == 2'b11);
    wire big_m1 = sgn ^ (s3_shift == 6'd48);
    wire [7:0] y8 = big ? {8{big_m1 && !f_relu}} :
                    sat_hi ? 8'd127 : sat_lo ? (f_relu ? 8'd0 : 8'h80) : q1[8:1];
    wire unused_q = ^{q48[47:10], q1[0]};
    wire [7:0] old8 = (f_v && f_addr == s3_addr) ? f_y : i_act_rdata[7:0];
    wire [7:0] v8 = (s3_first || $signed(y8) > $signed(old8)) ? y8 : old8;

    assign o_act_we = s3_v && f_req;
    assign o_act_waddr = {f_dst, s3_addr};
    assign o_act_wdata = v8;
    assign o_log_we = s2_v && !f_req;
    assign o_log_waddr = s2_addr[LOG_AW-1:0];
    assign o_log_wdata = s2_sum;

    wire better = !a_v || ($signed(s2_sum) > $signed(a_val)) ||
                  ((s2_sum == a_val) && (s2_addr[LOG_AW-1:0] < a_idx));

    // Row 0's activation read port does the pooling read during the drain.
    assign o_act_raddr[ACT_AW:0] = (st == S_DRAIN) ? {f_dst, s2_addr} : feed_raddr[ACT_AW:0];
    generate
        if (ROWS > 1) begin : gen_raddr_rows
            assign o_act_raddr[ROWS*(ACT_AW+1)-1:ACT_AW+1] = feed_raddr[ROWS*(ACT_AW+1)-1:ACT_AW+1];
        end
    endgenerate
    assign o_prog_raddr = {lidx, cnt[3:0]};
    assign o_done = (st == S_DONE);
    assign o_class = a_idx;

    // ---- next state
    always @(*) begin
        st_d = st; lidx_d = lidx; cnt_d = cnt; cfl_d = cfl;
        c_k_d = c_k; c_cs_d = c_cs; c_ss_d = c_ss; c_pad_d = c_pad;
        c_inh_d = c_inh; c_inw_d = c_inw; c_inc_d = c_inc;
        c_outh_d = c_outh; c_outw_d = c_outw; c_outc_d = c_outc;
        c_kk_d = c_kk; c_jump_d = c_jump; c_cx_d = c_cx; c_cy_d = c_cy; c_sx_d = c_sx; c_sy_d = c_sy;
        c_base0_d = c_base0; c_wbase_d = c_wbase; c_pbase_d = c_pbase;
        it_py_d = it_py; it_px_d = it_px; it_sub_d = it_sub; it_iy_d = it_iy; it_ix_d = it_ix;
        it_arow_d = it_arow; it_acol_d = it_acol; it_obase_d = it_obase; it_done_d = it_done;
        t_nrows_d = t_nrows; t_oct_d = t_oct; t_wtile_d = t_wtile; sidx_d = sidx;
        kc_d = kc; kx_d = kx; ky_d = ky; kofs_d = kofs; wptr_d = wptr;
        rmask_d = row_inb & {ROWS{feed_k}};
        wmask_d = feed_k;
        dr_d = dr; dc_d = dc; d_issue_d = d_issue;
        // drain pipeline (advances every cycle)
        s1_v_d = d_issue && (st == S_DRAIN);
        s1_r_d = dr; s1_c_d = dc; s1_addr_d = d_addr;
        s1_first_d = r_first[dr];
        s2_v_d = s1_v; s2_sum_d = sum; s2_mult_d = i_mq[14:0]; s2_shift_d = i_mq[20:15];
        s2_addr_d = s1_addr; s2_first_d = s1_first;
        s3_v_d = s2_v; s3_prod_d = prod; s3_shift_d = s2_shift;
        s3_addr_d = s2_addr; s3_first_d = s2_first;
        f_v_d = s3_v && f_req; f_addr_d = s3_addr; f_y_d = v8;
        a_v_d = a_v; a_val_d = a_val; a_idx_d = a_idx;
        if (s2_v && !f_req && better) begin
            a_v_d = 1'b1; a_val_d = s2_sum; a_idx_d = s2_addr[LOG_AW-1:0];
        end

        case (st)
            S_IDLE: if (i_start) begin
                st_d = S_LOAD; lidx_d = 4'd0; cnt_d = {CNT_W{1'b0}}; a_v_d = 1'b0;
            end
            S_LOAD: begin
                // word j is addressed at cnt = j and captured at cnt = j + 1
                case (cnt[4:0])
                    5'd1: cfl_d = i_prog_rdata[5:0];
                    5'd2: begin
                        c_k_d = i_prog_rdata[4:0]; c_cs_d = i_prog_rdata[12:8];
                        c_ss_d = i_prog_rdata[19:16]; c_pad_d = i_prog_rdata[27:24];
                    end
                    5'd3: c_inh_d = i_prog_rdata[DIM_W-1:0];
                    5'd4: c_inw_d = i_prog_rdata[DIM_W-1:0];
                    5'd5: c_inc_d = i_prog_rdata[DIM_W-1:0];
                    5'd6: c_outh_d = i_prog_rdata[DIM_W-1:0];
                    5'd7: c_outw_d = i_prog_rdata[DIM_W-1:0];
                    5'd8: c_outc_d = i_prog_rdata[DIM_W-1:0];
                    5'd9: c_kk_d = i_prog_rdata[KW-1:0];
                    5'd10: c_jump_d = i_prog_rdata[ACT_AW-1:0];
                    5'd11: c_cx_d = i_prog_rdata[ACT_AW-1:0];
                    5'd12: c_cy_d = i_prog_rdata[ACT_AW-1:0];
                    5'd13: c_sx_d = i_prog_rdata[ACT_AW-1:0];
                    5'd14: c_sy_d = i_prog_rdata[ACT_AW-1:0];
                    5'd15: c_base0_d = i_prog_rdata[ACT_AW-1:0];
                    5'd16: begin
                        c_wbase_d = i_prog_rdata[WGT_AW-1:0];
                        c_pbase_d = i_prog_rdata[16+:PRM_AW];
                    end
                    default: ;
                endcase
                cnt_d = cnt + 1'b1;
                if (cnt[4:0] == 5'd16) st_d = S_LINIT;
            end
            S_LINIT: begin
                it_py_d = {DIM_W{1'b0}}; it_px_d = {DIM_W{1'b0}}; it_sub_d = 2'd0;
                it_iy_d = neg_pad; it_ix_d = neg_pad;
                it_arow_d = c_base0; it_acol_d = c_base0;
                it_obase_d = {ACT_AW{1'b0}}; it_done_d = 1'b0;
                t_oct_d = {OCT_W{1'b0}}; t_wtile_d = c_wbase;
                sidx_d = {RB{1'b0}};
                st_d = S_SETUP;
            end
            S_SETUP: begin
                // row sidx takes the iterator's pixel; the iterator advances
                t_nrows_d = ((sidx == {RB{1'b0}}) ? {NR_W{1'b0}} : t_nrows) + {{(NR_W-1){1'b0}}, !it_done};
                if (!it_done) begin
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
                            it_arow_d = it_arow + c_cy;
                            it_acol_d = it_arow + c_cy;
                            if (py_last) it_done_d = 1'b1;
                        end else begin
                            it_px_d = it_px + 1'b1;
                            it_ix_d = it_ix + cs_s;
                            it_acol_d = it_acol + c_cx;
                        end
                    end
                end
                sidx_d = sidx + 1'b1;
                if (sidx == ROWS_M1) begin
                    st_d = S_FEED; cnt_d = {CNT_W{1'b0}};
                    kc_d = {DIM_W{1'b0}}; kx_d = 5'd0; ky_d = 5'd0; kofs_d = {ACT_AW{1'b0}};
                    wptr_d = t_wtile;
                end
            end
            S_FEED: begin
                cnt_d = cnt + 1'b1;
                if (feed_k) begin
                    wptr_d = wptr + 1'b1;
                    if (kc == c_inc - 1'b1) begin
                        kc_d = {DIM_W{1'b0}};
                        if (kx == c_k - 1'b1) begin
                            kx_d = 5'd0; ky_d = ky + 5'd1; kofs_d = kofs + c_jump;
                        end else begin
                            kx_d = kx + 5'd1; kofs_d = kofs + 1'b1;
                        end
                    end else begin
                        kc_d = kc + 1'b1; kofs_d = kofs + 1'b1;
                    end
                end
                if (feed_end) begin
                    st_d = S_DRAIN; dr_d = {RB{1'b0}}; dc_d = {CB{1'b0}}; d_issue_d = 1'b1;
                end
            end
            S_DRAIN: begin
                if (d_issue) begin
                    if (dc_last) begin
                        dc_d = {CB{1'b0}};
                        if (dr_last) d_issue_d = 1'b0;
                        else dr_d = dr + 1'b1;
                    end else begin
                        dc_d = dc + 1'b1;
                    end
                end
                if (drain_end) begin
                    if (more_oc) begin
                        t_oct_d = t_oct + 1'b1;
                        t_wtile_d = t_wtile + c_kk[WGT_AW-1:0];
                        wptr_d = t_wtile + c_kk[WGT_AW-1:0];
                        st_d = S_FEED; cnt_d = {CNT_W{1'b0}};
                        kc_d = {DIM_W{1'b0}}; kx_d = 5'd0; ky_d = 5'd0; kofs_d = {ACT_AW{1'b0}};
                    end else if (!it_done) begin
                        t_oct_d = {OCT_W{1'b0}}; t_wtile_d = c_wbase;
                        sidx_d = {RB{1'b0}};
                        st_d = S_SETUP;
                    end else if (f_last) begin
                        st_d = S_DONE;
                    end else begin
                        lidx_d = lidx + 4'd1; cnt_d = {CNT_W{1'b0}};
                        st_d = S_LOAD;
                    end
                end
            end
            default: ;
        endcase
    end

    // ---- per-row pixel registers, written in S_SETUP when sidx == r
    generate
        for (r = 0; r < ROWS; r = r + 1) begin : gen_rowreg
            localparam LO = O_ROWS + r * ROW_LEN;
            wire ld = (st == S_SETUP) && (sidx == r);
            wire [1:0] vf = {r_first[r], r_valid[r]};
            wire [1:0] vf_d = ld ? {pix_first, !it_done} : vf;
            wire [CW-1:0] iy_d = ld ? pix_iy0 : r_iy0[r*CW+:CW];
            wire [CW-1:0] ix_d = ld ? pix_ix0 : r_ix0[r*CW+:CW];
            wire [ACT_AW-1:0] ab_d = ld ? pix_abase : r_abase[r*ACT_AW+:ACT_AW];
            wire [ACT_AW-1:0] ob_d = ld ? it_obase : r_obase[r*ACT_AW+:ACT_AW];
            wire [1:0] vf_q;
            rh_sreg #(.W(2), .CLASS(3), .OFS(OFS + LO)) u_vf (
                .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[LO]),
                .o_so(sc[LO+2:LO+1]), .i_d(vf_d), .o_q(vf_q));
            assign r_valid[r] = vf_q[0];
            assign r_first[r] = vf_q[1];
            rh_sreg #(.W(CW), .CLASS(3), .OFS(OFS + LO + 2)) u_iy0 (
                .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[LO+2]),
                .o_so(sc[LO+2+CW:LO+3]), .i_d(iy_d), .o_q(r_iy0[r*CW+:CW]));
            rh_sreg #(.W(CW), .CLASS(3), .OFS(OFS + LO + 2 + CW)) u_ix0 (
                .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[LO+2+CW]),
                .o_so(sc[LO+2+2*CW:LO+3+CW]), .i_d(ix_d), .o_q(r_ix0[r*CW+:CW]));
            rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + LO + 2 + 2 * CW)) u_abase (
                .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[LO+2+2*CW]),
                .o_so(sc[LO+2+2*CW+ACT_AW:LO+3+2*CW]), .i_d(ab_d), .o_q(r_abase[r*ACT_AW+:ACT_AW]));
            rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + LO + 2 + 2 * CW + ACT_AW)) u_obase (
                .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan),
                .i_si(sc[LO+2+2*CW+ACT_AW]), .o_so(sc[LO+2+2*CW+2*ACT_AW:LO+3+2*CW+ACT_AW]),
                .i_d(ob_d), .o_q(r_obase[r*ACT_AW+:ACT_AW]));
        end
    endgenerate

    // ---- scalar register instances
    rh_sreg #(.W(3), .CLASS(3), .OFS(OFS + O_ST)) u_st (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_ST]),
        .o_so(sc[O_ST+3:O_ST+1]), .i_d(st_d), .o_q(st));
    rh_sreg #(.W(4), .CLASS(3), .OFS(OFS + O_LIDX)) u_lidx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_LIDX]),
        .o_so(sc[O_LIDX+4:O_LIDX+1]), .i_d(lidx_d), .o_q(lidx));
    rh_sreg #(.W(CNT_W), .CLASS(3), .OFS(OFS + O_CNT)) u_cnt (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_CNT]),
        .o_so(sc[O_CNT+CNT_W:O_CNT+1]), .i_d(cnt_d), .o_q(cnt));
    rh_sreg #(.W(6), .CLASS(3), .OFS(OFS + O_CFL)) u_cfl (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_CFL]),
        .o_so(sc[O_CFL+6:O_CFL+1]), .i_d(cfl_d), .o_q(cfl));
    rh_sreg #(.W(5), .CLASS(3), .OFS(OFS + O_C_K)) u_c_k (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_K]),
        .o_so(sc[O_C_K+5:O_C_K+1]), .i_d(c_k_d), .o_q(c_k));
    rh_sreg #(.W(5), .CLASS(3), .OFS(OFS + O_C_CS)) u_c_cs (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_CS]),
        .o_so(sc[O_C_CS+5:O_C_CS+1]), .i_d(c_cs_d), .o_q(c_cs));
    rh_sreg #(.W(4), .CLASS(3), .OFS(OFS + O_C_SS)) u_c_ss (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_SS]),
        .o_so(sc[O_C_SS+4:O_C_SS+1]), .i_d(c_ss_d), .o_q(c_ss));
    rh_sreg #(.W(4), .CLASS(3), .OFS(OFS + O_C_PAD)) u_c_pad (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_PAD]),
        .o_so(sc[O_C_PAD+4:O_C_PAD+1]), .i_d(c_pad_d), .o_q(c_pad));
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_INH)) u_c_inh (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_INH]),
        .o_so(sc[O_C_INH+DIM_W:O_C_INH+1]), .i_d(c_inh_d), .o_q(c_inh));
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_INW)) u_c_inw (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_INW]),
        .o_so(sc[O_C_INW+DIM_W:O_C_INW+1]), .i_d(c_inw_d), .o_q(c_inw));
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_INC)) u_c_inc (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_INC]),
        .o_so(sc[O_C_INC+DIM_W:O_C_INC+1]), .i_d(c_inc_d), .o_q(c_inc));
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_OUTH)) u_c_outh (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_OUTH]),
        .o_so(sc[O_C_OUTH+DIM_W:O_C_OUTH+1]), .i_d(c_outh_d), .o_q(c_outh));
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_OUTW)) u_c_outw (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_OUTW]),
        .o_so(sc[O_C_OUTW+DIM_W:O_C_OUTW+1]), .i_d(c_outw_d), .o_q(c_outw));
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_OUTC)) u_c_outc (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_OUTC]),
        .o_so(sc[O_C_OUTC+DIM_W:O_C_OUTC+1]), .i_d(c_outc_d), .o_q(c_outc));
    rh_sreg #(.W(KW), .CLASS(3), .OFS(OFS + O_C_KK)) u_c_kk (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_KK]),
        .o_so(sc[O_C_KK+KW:O_C_KK+1]), .i_d(c_kk_d), .o_q(c_kk));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_JUMP)) u_c_jump (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_JUMP]),
        .o_so(sc[O_C_JUMP+ACT_AW:O_C_JUMP+1]), .i_d(c_jump_d), .o_q(c_jump));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_CX)) u_c_cx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_CX]),
        .o_so(sc[O_C_CX+ACT_AW:O_C_CX+1]), .i_d(c_cx_d), .o_q(c_cx));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_CY)) u_c_cy (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_CY]),
        .o_so(sc[O_C_CY+ACT_AW:O_C_CY+1]), .i_d(c_cy_d), .o_q(c_cy));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_SX)) u_c_sx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_SX]),
        .o_so(sc[O_C_SX+ACT_AW:O_C_SX+1]), .i_d(c_sx_d), .o_q(c_sx));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_SY)) u_c_sy (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_SY]),
        .o_so(sc[O_C_SY+ACT_AW:O_C_SY+1]), .i_d(c_sy_d), .o_q(c_sy));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_BASE0)) u_c_base0 (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_BASE0]),
        .o_so(sc[O_C_BASE0+ACT_AW:O_C_BASE0+1]), .i_d(c_base0_d), .o_q(c_base0));
    rh_sreg #(.W(WGT_AW), .CLASS(3), .OFS(OFS + O_C_WBASE)) u_c_wbase (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_WBASE]),
        .o_so(sc[O_C_WBASE+WGT_AW:O_C_WBASE+1]), .i_d(c_wbase_d), .o_q(c_wbase));
    rh_sreg #(.W(PRM_AW), .CLASS(3), .OFS(OFS + O_C_PBASE)) u_c_pbase (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_PBASE]),
        .o_so(sc[O_C_PBASE+PRM_AW:O_C_PBASE+1]), .i_d(c_pbase_d), .o_q(c_pbase));
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_IT_PY)) u_it_py (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_PY]),
        .o_so(sc[O_IT_PY+DIM_W:O_IT_PY+1]), .i_d(it_py_d), .o_q(it_py));
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_IT_PX)) u_it_px (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_PX]),
        .o_so(sc[O_IT_PX+DIM_W:O_IT_PX+1]), .i_d(it_px_d), .o_q(it_px));
    rh_sreg #(.W(2), .CLASS(3), .OFS(OFS + O_IT_SUB)) u_it_sub (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_SUB]),
        .o_so(sc[O_IT_SUB+2:O_IT_SUB+1]), .i_d(it_sub_d), .o_q(it_sub));
    rh_sreg #(.W(CW), .CLASS(3), .OFS(OFS + O_IT_IY)) u_it_iy (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_IY]),
        .o_so(sc[O_IT_IY+CW:O_IT_IY+1]), .i_d(it_iy_d), .o_q(it_iy));
    rh_sreg #(.W(CW), .CLASS(3), .OFS(OFS + O_IT_IX)) u_it_ix (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_IX]),
        .o_so(sc[O_IT_IX+CW:O_IT_IX+1]), .i_d(it_ix_d), .o_q(it_ix));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_IT_AROW)) u_it_arow (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_AROW]),
        .o_so(sc[O_IT_AROW+ACT_AW:O_IT_AROW+1]), .i_d(it_arow_d), .o_q(it_arow));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_IT_ACOL)) u_it_acol (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_ACOL]),
        .o_so(sc[O_IT_ACOL+ACT_AW:O_IT_ACOL+1]), .i_d(it_acol_d), .o_q(it_acol));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_IT_OBASE)) u_it_obase (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_OBASE]),
        .o_so(sc[O_IT_OBASE+ACT_AW:O_IT_OBASE+1]), .i_d(it_obase_d), .o_q(it_obase));
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_IT_DONE)) u_it_done (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_IT_DONE]),
        .o_so(sc[O_IT_DONE+1:O_IT_DONE+1]), .i_d(it_done_d), .o_q(it_done));
    rh_sreg #(.W(NR_W), .CLASS(3), .OFS(OFS + O_T_NROWS)) u_t_nrows (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_T_NROWS]),
        .o_so(sc[O_T_NROWS+NR_W:O_T_NROWS+1]), .i_d(t_nrows_d), .o_q(t_nrows));
    rh_sreg #(.W(OCT_W), .CLASS(3), .OFS(OFS + O_T_OCT)) u_t_oct (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_T_OCT]),
        .o_so(sc[O_T_OCT+OCT_W:O_T_OCT+1]), .i_d(t_oct_d), .o_q(t_oct));
    rh_sreg #(.W(WGT_AW), .CLASS(3), .OFS(OFS + O_T_WTILE)) u_t_wtile (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_T_WTILE]),
        .o_so(sc[O_T_WTILE+WGT_AW:O_T_WTILE+1]), .i_d(t_wtile_d), .o_q(t_wtile));
    rh_sreg #(.W(RB), .CLASS(3), .OFS(OFS + O_SIDX)) u_sidx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_SIDX]),
        .o_so(sc[O_SIDX+RB:O_SIDX+1]), .i_d(sidx_d), .o_q(sidx));
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_KC)) u_kc (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_KC]),
        .o_so(sc[O_KC+DIM_W:O_KC+1]), .i_d(kc_d), .o_q(kc));
    rh_sreg #(.W(5), .CLASS(3), .OFS(OFS + O_KX)) u_kx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_KX]),
        .o_so(sc[O_KX+5:O_KX+1]), .i_d(kx_d), .o_q(kx));
    rh_sreg #(.W(5), .CLASS(3), .OFS(OFS + O_KY)) u_ky (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_KY]),
        .o_so(sc[O_KY+5:O_KY+1]), .i_d(ky_d), .o_q(ky));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_KOFS)) u_kofs (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_KOFS]),
        .o_so(sc[O_KOFS+ACT_AW:O_KOFS+1]), .i_d(kofs_d), .o_q(kofs));
    rh_sreg #(.W(WGT_AW), .CLASS(3), .OFS(OFS + O_WPTR)) u_wptr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_WPTR]),
        .o_so(sc[O_WPTR+WGT_AW:O_WPTR+1]), .i_d(wptr_d), .o_q(wptr));
    rh_sreg #(.W(ROWS), .CLASS(3), .OFS(OFS + O_RMASK)) u_rmask (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_RMASK]),
        .o_so(sc[O_RMASK+ROWS:O_RMASK+1]), .i_d(rmask_d), .o_q(rmask));
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_WMASK)) u_wmask (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_WMASK]),
        .o_so(sc[O_WMASK+1:O_WMASK+1]), .i_d(wmask_d), .o_q(wmask));
    rh_sreg #(.W(RB), .CLASS(3), .OFS(OFS + O_DR)) u_dr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_DR]),
        .o_so(sc[O_DR+RB:O_DR+1]), .i_d(dr_d), .o_q(dr));
    rh_sreg #(.W(CB), .CLASS(3), .OFS(OFS + O_DC)) u_dc (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_DC]),
        .o_so(sc[O_DC+CB:O_DC+1]), .i_d(dc_d), .o_q(dc));
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_D_ISSUE)) u_d_issue (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_D_ISSUE]),
        .o_so(sc[O_D_ISSUE+1:O_D_ISSUE+1]), .i_d(d_issue_d), .o_q(d_issue));
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S1_V)) u_s1_v (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S1_V]),
        .o_so(sc[O_S1_V+1:O_S1_V+1]), .i_d(s1_v_d), .o_q(s1_v));
    rh_sreg #(.W(RB), .CLASS(3), .OFS(OFS + O_S1_R)) u_s1_r (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S1_R]),
        .o_so(sc[O_S1_R+RB:O_S1_R+1]), .i_d(s1_r_d), .o_q(s1_r));
    rh_sreg #(.W(CB), .CLASS(3), .OFS(OFS + O_S1_C)) u_s1_c (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S1_C]),
        .o_so(sc[O_S1_C+CB:O_S1_C+1]), .i_d(s1_c_d), .o_q(s1_c));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_S1_ADDR)) u_s1_addr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S1_ADDR]),
        .o_so(sc[O_S1_ADDR+ACT_AW:O_S1_ADDR+1]), .i_d(s1_addr_d), .o_q(s1_addr));
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S1_FIRST)) u_s1_first (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S1_FIRST]),
        .o_so(sc[O_S1_FIRST+1:O_S1_FIRST+1]), .i_d(s1_first_d), .o_q(s1_first));
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S2_V)) u_s2_v (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_V]),
        .o_so(sc[O_S2_V+1:O_S2_V+1]), .i_d(s2_v_d), .o_q(s2_v));
    rh_sreg #(.W(32), .CLASS(2), .OFS(OFS + O_S2_SUM)) u_s2_sum (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_SUM]),
        .o_so(sc[O_S2_SUM+32:O_S2_SUM+1]), .i_d(s2_sum_d), .o_q(s2_sum));
    rh_sreg #(.W(15), .CLASS(3), .OFS(OFS + O_S2_MULT)) u_s2_mult (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_MULT]),
        .o_so(sc[O_S2_MULT+15:O_S2_MULT+1]), .i_d(s2_mult_d), .o_q(s2_mult));
    rh_sreg #(.W(6), .CLASS(3), .OFS(OFS + O_S2_SHIFT)) u_s2_shift (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_SHIFT]),
        .o_so(sc[O_S2_SHIFT+6:O_S2_SHIFT+1]), .i_d(s2_shift_d), .o_q(s2_shift));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_S2_ADDR)) u_s2_addr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_ADDR]),
        .o_so(sc[O_S2_ADDR+ACT_AW:O_S2_ADDR+1]), .i_d(s2_addr_d), .o_q(s2_addr));
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S2_FIRST)) u_s2_first (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S2_FIRST]),
        .o_so(sc[O_S2_FIRST+1:O_S2_FIRST+1]), .i_d(s2_first_d), .o_q(s2_first));
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S3_V)) u_s3_v (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S3_V]),
        .o_so(sc[O_S3_V+1:O_S3_V+1]), .i_d(s3_v_d), .o_q(s3_v));
    rh_sreg #(.W(PROD_W), .CLASS(2), .OFS(OFS + O_S3_PROD)) u_s3_prod (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S3_PROD]),
        .o_so(sc[O_S3_PROD+PROD_W:O_S3_PROD+1]), .i_d(s3_prod_d), .o_q(s3_prod));
    rh_sreg #(.W(6), .CLASS(3), .OFS(OFS + O_S3_SHIFT)) u_s3_shift (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S3_SHIFT]),
        .o_so(sc[O_S3_SHIFT+6:O_S3_SHIFT+1]), .i_d(s3_shift_d), .o_q(s3_shift));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_S3_ADDR)) u_s3_addr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S3_ADDR]),
        .o_so(sc[O_S3_ADDR+ACT_AW:O_S3_ADDR+1]), .i_d(s3_addr_d), .o_q(s3_addr));
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_S3_FIRST)) u_s3_first (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_S3_FIRST]),
        .o_so(sc[O_S3_FIRST+1:O_S3_FIRST+1]), .i_d(s3_first_d), .o_q(s3_first));
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_F_V)) u_f_v (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_F_V]),
        .o_so(sc[O_F_V+1:O_F_V+1]), .i_d(f_v_d), .o_q(f_v));
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_F_ADDR)) u_f_addr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_F_ADDR]),
        .o_so(sc[O_F_ADDR+ACT_AW:O_F_ADDR+1]), .i_d(f_addr_d), .o_q(f_addr));
    rh_sreg #(.W(8), .CLASS(2), .OFS(OFS + O_F_Y)) u_f_y (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_F_Y]),
        .o_so(sc[O_F_Y+8:O_F_Y+1]), .i_d(f_y_d), .o_q(f_y));
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_A_V)) u_a_v (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_A_V]),
        .o_so(sc[O_A_V+1:O_A_V+1]), .i_d(a_v_d), .o_q(a_v));
    rh_sreg #(.W(32), .CLASS(2), .OFS(OFS + O_A_VAL)) u_a_val (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_A_VAL]),
        .o_so(sc[O_A_VAL+32:O_A_VAL+1]), .i_d(a_val_d), .o_q(a_val));
    rh_sreg #(.W(LOG_AW), .CLASS(3), .OFS(OFS + O_A_IDX)) u_a_idx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_A_IDX]),
        .o_so(sc[O_A_IDX+LOG_AW:O_A_IDX+1]), .i_d(a_idx_d), .o_q(a_idx));
endmodule

`default_nettype wire
