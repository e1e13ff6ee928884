// rh_ctl_feed: the im2col feed, tap k of every row and weight word k (register group of rh_ctl).
`default_nettype none

// FEED presents address k = tau of every row's im2col row (row base + kofs) and weight word
// wtile + k for tau < K; the data come a cycle later from the memories and enter the array
// masked (zero for an invalid pixel, a padding tap, or tau - 1 >= K). Registers (chain order
// from OFS): kc, kx, ky, kofs, wptr (the tap k = min(tau, K)), rmask, wmask.
module rh_ctl_feed #(
    parameter ROWS = 8,
    parameter COLS = 8,
    parameter ACT_AW = 12,
    parameter WGT_AW = 16,
    parameter DIM_W = 10,
    parameter OFS = 0,
    parameter LEN = 57  // chain bits (rh_ctl's layout): the registers below fill them exactly
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire o_so,
    // Phases and transitions (rh_ctl_fsm)
    input wire i_feed_start,
    input wire i_feed_k,
    input wire i_oc_next,
    // Tiles, descriptor
    input wire [WGT_AW-1:0] i_wtile,
    input wire [WGT_AW-1:0] i_wtile_next,
    input wire i_src,
    input wire [4:0] i_k,
    input wire [DIM_W-1:0] i_inh,
    input wire [DIM_W-1:0] i_inw,
    input wire [DIM_W-1:0] i_inc,
    input wire [ACT_AW-1:0] i_jump,
    // Row registers (rh_ctl_rows)
    input wire [ROWS-1:0] i_valid,
    input wire [ROWS*(DIM_W+2)-1:0] i_iy0,
    input wire [ROWS*(DIM_W+2)-1:0] i_ix0,
    input wire [ROWS*ACT_AW-1:0] i_abase,
    // Memories and array
    output wire [ROWS*(ACT_AW+1)-1:0] o_act_raddr,
    input wire [ROWS*8-1:0] i_act_rdata,
    output wire [WGT_AW-1:0] o_wgt_raddr,
    input wire [COLS*8-1:0] i_wgt_rdata,
    output wire [ROWS*8-1:0] o_west_act,
    output wire [COLS*8-1:0] o_north_wgt
);
    localparam CW = DIM_W + 2;  // signed pixel coordinate

    // ---- registers, in chain order (each starts where the one before it ends)
    wire [LEN:0] sc;
    assign sc[0] = i_si;
    assign o_so = sc[LEN];
    wire unused_sc = ^sc;

    localparam O_KC = 0;  // input channel of tap k
    wire [DIM_W-1:0] kc;
    reg [DIM_W-1:0] kc_d;
    rh_sreg #(.W(DIM_W), .CLASS(3), .OFS(OFS + O_KC)) u_kc (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_KC]),
        .o_so(sc[O_KC+DIM_W:O_KC+1]), .i_d(kc_d), .o_q(kc));
    localparam O_KX = O_KC + DIM_W;  // kernel column of tap k
    wire [4:0] kx;
    reg [4:0] kx_d;
    rh_sreg #(.W(5), .CLASS(3), .OFS(OFS + O_KX)) u_kx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_KX]),
        .o_so(sc[O_KX+5:O_KX+1]), .i_d(kx_d), .o_q(kx));
    localparam O_KY = O_KX + 5;  // kernel row of tap k
    wire [4:0] ky;
    reg [4:0] ky_d;
    rh_sreg #(.W(5), .CLASS(3), .OFS(OFS + O_KY)) u_ky (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_KY]),
        .o_so(sc[O_KY+5:O_KY+1]), .i_d(ky_d), .o_q(ky));
    localparam O_KOFS = O_KY + 5;  // input address offset of tap k in the window
    wire [ACT_AW-1:0] kofs;
    reg [ACT_AW-1:0] kofs_d;
    rh_sreg #(.W(ACT_AW), .CLASS(3), .OFS(OFS + O_KOFS)) u_kofs (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_KOFS]),
        .o_so(sc[O_KOFS+ACT_AW:O_KOFS+1]), .i_d(kofs_d), .o_q(kofs));
    localparam O_WPTR = O_KOFS + ACT_AW;  // weight word of tap k
    wire [WGT_AW-1:0] wptr;
    reg [WGT_AW-1:0] wptr_d;
    rh_sreg #(.W(WGT_AW), .CLASS(3), .OFS(OFS + O_WPTR)) u_wptr (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_WPTR]),
        .o_so(sc[O_WPTR+WGT_AW:O_WPTR+1]), .i_d(wptr_d), .o_q(wptr));
    localparam O_RMASK = O_WPTR + WGT_AW;  // bit r: operand k - 1 of row r is real (valid pixel, not padding)
    wire [ROWS-1:0] rmask;
    reg [ROWS-1:0] rmask_d;
    rh_sreg #(.W(ROWS), .CLASS(3), .OFS(OFS + O_RMASK)) u_rmask (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_RMASK]),
        .o_so(sc[O_RMASK+ROWS:O_RMASK+1]), .i_d(rmask_d), .o_q(rmask));
    localparam O_WMASK = O_RMASK + ROWS;  // operand k - 1 is real (k - 1 < K)
    wire wmask;
    reg wmask_d;
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_WMASK)) u_wmask (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_WMASK]),
        .o_so(sc[O_WMASK+1:O_WMASK+1]), .i_d(wmask_d), .o_q(wmask));

    // ---- per-row addresses and bounds of tap k
    wire signed [CW-1:0] inh_s = $signed({2'b00, i_inh});
    wire signed [CW-1:0] inw_s = $signed({2'b00, i_inw});
    wire [ROWS-1:0] row_inb;
    genvar r;
    generate
        for (r = 0; r < ROWS; r = r + 1) begin : gen_feed
            wire signed [CW-1:0] iy = $signed(i_iy0[r*CW+:CW]) + $signed({{(CW-5){1'b0}}, ky});
            wire signed [CW-1:0] ix = $signed(i_ix0[r*CW+:CW]) + $signed({{(CW-5){1'b0}}, kx});
            wire [ACT_AW-1:0] a = i_abase[r*ACT_AW+:ACT_AW] + kofs;
            assign row_inb[r] = i_valid[r] && (iy >= 0) && (iy < inh_s) && (ix >= 0) && (ix < inw_s);
            assign o_act_raddr[r*(ACT_AW+1)+:(ACT_AW+1)] = {i_src, a};
            assign o_west_act[r*8+:8] = rmask[r] ? i_act_rdata[r*8+:8] : 8'd0;
        end
    endgenerate
    assign o_north_wgt = wmask ? i_wgt_rdata : {COLS*8{1'b0}};
    assign o_wgt_raddr = wptr;

    // ---- next state
    always @(*) begin
        kc_d = kc; kx_d = kx; ky_d = ky; kofs_d = kofs; wptr_d = wptr;
        rmask_d = row_inb & {ROWS{i_feed_k}};
        wmask_d = i_feed_k;
        // the conditions exclude each other (one phase at a time)
        if (i_feed_start) begin
            kc_d = {DIM_W{1'b0}}; kx_d = 5'd0; ky_d = 5'd0; kofs_d = {ACT_AW{1'b0}};
            wptr_d = i_wtile;
        end else if (i_feed_k) begin
            wptr_d = wptr + 1'b1;
            if (kc == i_inc - 1'b1) begin
                kc_d = {DIM_W{1'b0}};
                if (kx == i_k - 1'b1) begin
                    kx_d = 5'd0; ky_d = ky + 5'd1; kofs_d = kofs + i_jump;
                end else begin
                    kx_d = kx + 5'd1; kofs_d = kofs + 1'b1;
                end
            end else begin
                kc_d = kc + 1'b1; kofs_d = kofs + 1'b1;
            end
        end else if (i_oc_next) begin
            kc_d = {DIM_W{1'b0}}; kx_d = 5'd0; ky_d = 5'd0; kofs_d = {ACT_AW{1'b0}};
            wptr_d = i_wtile_next;
        end
    end
endmodule

`default_nettype wire
