// rh_ctl_desc: the descriptor registers of the current layer (register group of rh_ctl).
`default_nettype none

// LOAD reads the layer's 16 descriptor words (docs/architecture.md, "Memory image"): word j is
// on i_prog_rdata at i_load_cnt = j + 1 and its fields are captured then; they hold through
// the layer. Registers (chain order from OFS): cfl, then the fields in word order.
module rh_ctl_desc #(
    parameter ACT_AW = 12,
    parameter WGT_AW = 16,
    parameter PRM_AW = 9,
    parameter DIM_W = 10,
    parameter OFS = 0,
    parameter LEN = 197  // chain bits (rh_ctl's layout): the registers below fill them exactly
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire o_so,
    // Descriptor load (rh_ctl_fsm)
    input wire i_load,
    input wire [4:0] i_load_cnt,
    input wire [31:0] i_prog_rdata,
    // Flags (word 0)
    output wire o_relu,
    output wire o_pool,
    output wire o_req,
    output wire o_last,
    output wire o_src,
    output wire o_dst,
    // Fields
    output wire [4:0] o_k,
    output wire [4:0] o_cs,
    output wire [3:0] o_ss,
    output wire [3:0] o_pad,
    output wire [DIM_W-1:0] o_inh,
    output wire [DIM_W-1:0] o_inw,
    output wire [DIM_W-1:0] o_inc,
    output wire [DIM_W-1:0] o_outh,
    output wire [DIM_W-1:0] o_outw,
    output wire [DIM_W-1:0] o_outc,
    output wire [15:0] o_kk,
    output wire [ACT_AW-1:0] o_jump,
    output wire [ACT_AW-1:0] o_cx,
    output wire [ACT_AW-1:0] o_cy,
    output wire [ACT_AW-1:0] o_sx,
    output wire [ACT_AW-1:0] o_sy,
    output wire [ACT_AW-1:0] o_base0,
    output wire [WGT_AW-1:0] o_wbase,
    output wire [PRM_AW-1:0] o_pbase
);
    localparam KW = 16;

    wire [31:0] w = i_prog_rdata;
    wire unused_w = ^w;  // bits above each field (widths depend on the parameters)
    // at[j + 1]: word j is on w this cycle
    wire [16:1] at;
    genvar j;
    generate
        for (j = 1; j <= 16; j = j + 1) begin : gen_at
            assign at[j] = i_load && (i_load_cnt == j);
        end
    endgenerate

    // ---- registers, in chain order (each starts where the one before it ends)
    wire [LEN:0] sc;
    assign sc[0] = i_si;
    assign o_so = sc[LEN];
    wire unused_sc = ^sc;

    localparam O_CFL = 0;  // word 0: flags (assigned to the o_ flags at the end)
    wire [5:0] cfl;
    rh_sreg #(.W(6), .CLASS(3), .OFS(OFS + O_CFL)) u_cfl (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_CFL]),
        .o_so(sc[O_CFL+6:O_CFL+1]), .i_d(at[1] ? w[5:0] : cfl), .o_q(cfl));
    localparam O_C_K = O_CFL + 6;  // word 1: k
    rh_sreg #(.W(5), .CLASS(3), .OFS(OFS + O_C_K)) u_c_k (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_K]),
        .o_so(sc[O_C_K+5:O_C_K+1]), .i_d(at[2] ? w[4:0] : o_k), .o_q(o_k));
    localparam O_C_CS = O_C_K + 5;  // word 1: cell step cs
    rh_sreg #(.W(5), .CLASS(3), .OFS(OFS + O_C_CS)) u_c_cs (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_CS]),
        .o_so(sc[O_C_CS+5:O_C_CS+1]), .i_d(at[2] ? w[12:8] : o_cs), .o_q(o_cs));
    localparam O_C_SS = O_C_CS + 5;  // word 1: stride ss
    rh_sreg #(.W(4), .CLASS(3), .OFS(OFS + O_C_SS)) u_c_ss (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_SS]),
        .o_so(sc[O_C_SS+4:O_C_SS+1]), .i_d(at[2] ? w[19:16] : o_ss), .o_q(o_ss));
    localparam O_C_PAD = O_C_SS + 4;  // word 1: pad
    rh_sreg #(.W(4), .CLASS(3), .OFS(OFS + O_C_PAD)) u_c_pad (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_PAD]),
        .o_so(sc[O_C_PAD+4:O_C_PAD+1]), .i_d(at[2] ? w[27:24] : o_pad), .o_q(o_pad));
    localparam O_C_INH = O_C_PAD + 4;  // word 2: in_h
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_INH)) u_c_inh (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_INH]),
        .o_so(sc[O_C_INH+DIM_W:O_C_INH+1]), .i_d(at[3] ? w[DIM_W-1:0] : o_inh), .o_q(o_inh));
    localparam O_C_INW = O_C_INH + DIM_W;  // word 3: in_w
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_INW)) u_c_inw (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_INW]),
        .o_so(sc[O_C_INW+DIM_W:O_C_INW+1]), .i_d(at[4] ? w[DIM_W-1:0] : o_inw), .o_q(o_inw));
    localparam O_C_INC = O_C_INW + DIM_W;  // word 4: in_c
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_INC)) u_c_inc (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_INC]),
        .o_so(sc[O_C_INC+DIM_W:O_C_INC+1]), .i_d(at[5] ? w[DIM_W-1:0] : o_inc), .o_q(o_inc));
    localparam O_C_OUTH = O_C_INC + DIM_W;  // word 5: cell rows
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_OUTH)) u_c_outh (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_OUTH]),
        .o_so(sc[O_C_OUTH+DIM_W:O_C_OUTH+1]), .i_d(at[6] ? w[DIM_W-1:0] : o_outh), .o_q(o_outh));
    localparam O_C_OUTW = O_C_OUTH + DIM_W;  // word 6: cell columns
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_OUTW)) u_c_outw (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_OUTW]),
        .o_so(sc[O_C_OUTW+DIM_W:O_C_OUTW+1]), .i_d(at[7] ? w[DIM_W-1:0] : o_outw), .o_q(o_outw));
    localparam O_C_OUTC = O_C_OUTW + DIM_W;  // word 7: out_c
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_C_OUTC)) u_c_outc (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_OUTC]),
        .o_so(sc[O_C_OUTC+DIM_W:O_C_OUTC+1]), .i_d(at[8] ? w[DIM_W-1:0] : o_outc), .o_q(o_outc));
    localparam O_C_KK = O_C_OUTC + DIM_W;  // word 8: K = k * k * in_c
    rh_sreg #(.W(KW), .CLASS(3), .OFS(OFS + O_C_KK)) u_c_kk (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_KK]),
        .o_so(sc[O_C_KK+KW:O_C_KK+1]), .i_d(at[9] ? w[KW-1:0] : o_kk), .o_q(o_kk));
    localparam O_C_JUMP = O_C_KK + KW;  // word 9: jump
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_JUMP)) u_c_jump (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_JUMP]),
        .o_so(sc[O_C_JUMP+ACT_AW:O_C_JUMP+1]), .i_d(at[10] ? w[ACT_AW-1:0] : o_jump), .o_q(o_jump));
    localparam O_C_CX = O_C_JUMP + ACT_AW;  // word 10: address step cs * in_c
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_CX)) u_c_cx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_CX]),
        .o_so(sc[O_C_CX+ACT_AW:O_C_CX+1]), .i_d(at[11] ? w[ACT_AW-1:0] : o_cx), .o_q(o_cx));
    localparam O_C_CY = O_C_CX + ACT_AW;  // word 11: address step cs * in_w * in_c
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_CY)) u_c_cy (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_CY]),
        .o_so(sc[O_C_CY+ACT_AW:O_C_CY+1]), .i_d(at[12] ? w[ACT_AW-1:0] : o_cy), .o_q(o_cy));
    localparam O_C_SX = O_C_CY + ACT_AW;  // word 12: address step ss * in_c
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_SX)) u_c_sx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_SX]),
        .o_so(sc[O_C_SX+ACT_AW:O_C_SX+1]), .i_d(at[13] ? w[ACT_AW-1:0] : o_sx), .o_q(o_sx));
    localparam O_C_SY = O_C_SX + ACT_AW;  // word 13: address step ss * in_w * in_c
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_SY)) u_c_sy (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_SY]),
        .o_so(sc[O_C_SY+ACT_AW:O_C_SY+1]), .i_d(at[14] ? w[ACT_AW-1:0] : o_sy), .o_q(o_sy));
    localparam O_C_BASE0 = O_C_SY + ACT_AW;  // word 14: base0
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_C_BASE0)) u_c_base0 (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_BASE0]),
        .o_so(sc[O_C_BASE0+ACT_AW:O_C_BASE0+1]), .i_d(at[15] ? w[ACT_AW-1:0] : o_base0), .o_q(o_base0));
    localparam O_C_WBASE = O_C_BASE0 + ACT_AW;  // word 15: weight base
    rh_sreg #(.W(WGT_AW), .CLASS(3), .OFS(OFS + O_C_WBASE)) u_c_wbase (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_WBASE]),
        .o_so(sc[O_C_WBASE+WGT_AW:O_C_WBASE+1]), .i_d(at[16] ? w[WGT_AW-1:0] : o_wbase), .o_q(o_wbase));
    localparam O_C_PBASE = O_C_WBASE + WGT_AW;  // word 15: parameter base
    rh_sreg #(.W(PRM_AW), .CLASS(3), .OFS(OFS + O_C_PBASE)) u_c_pbase (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_C_PBASE]),
        .o_so(sc[O_C_PBASE+PRM_AW:O_C_PBASE+1]), .i_d(at[16] ? w[16+:PRM_AW] : o_pbase), .o_q(o_pbase));

    assign o_relu = cfl[0];
    assign o_pool = cfl[1];
    assign o_req = cfl[2];
    assign o_last = cfl[3];
    assign o_src = cfl[4];
    assign o_dst = cfl[5];
endmodule

`default_nettype wire
