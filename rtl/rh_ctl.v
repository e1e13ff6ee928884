// rh_ctl: the layer-program controller (descriptor load, im2col feed, drain, requantise, pool, argmax).
`default_nettype none

// Runs a whole network from the layer program; see docs/architecture.md for the schedule,
// which is a pure function of the program. The registers are in eight groups, one submodule
// each, which hold them, compute their next state and sit on the scan chain in this order:
//   u_fsm     rh_ctl_fsm     state, layer index, phase counter; the phase decodes
//   u_desc    rh_ctl_desc    descriptor fields of the layer
//   u_iter    rh_ctl_iter    pixel iterator
//   u_tile    rh_ctl_tile    pixel tile and channel tile
//   u_feed    rh_ctl_feed    im2col feed (tap k, weight word, operand masks)
//   u_drain   rh_ctl_drain   drain issue and pipeline stages 1 to 3, pooling forward
//   u_argmax  rh_ctl_argmax  argmax of the logits (the class)
//   u_rows    rh_ctl_rows    per-row pixel registers
// Every register is an rh_sreg on the scan chain.
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
    localparam CW = DIM_W + 2;          // signed pixel coordinate
    localparam RB = (ROWS > 1) ? $clog2(ROWS) : 1;
    localparam CB = (COLS > 1) ? $clog2(COLS) : 1;
    localparam NR_W = $clog2(ROWS + 1);

    // ---- chain layout: each group's bits, the sum of its registers' widths (the group's
    // registers must fill them exactly: a gap or an overflow is a lint error)
    localparam L_FSM = 3 + 4 + 17;                                               // st, lidx, cnt
    localparam L_DESC = 6 + 5 + 5 + 4 + 4 + 6 * DIM_W + 16 + 6 * ACT_AW + WGT_AW + PRM_AW;
    localparam L_ITER = 2 * DIM_W + 2 + 2 * CW + 3 * ACT_AW + 1;
    localparam L_TILE = NR_W + (DIM_W - CB) + WGT_AW + RB;
    localparam L_FEED = DIM_W + 5 + 5 + ACT_AW + WGT_AW + ROWS + 1;
    localparam L_DRAIN = RB + CB + 1 + (1 + RB + CB + ACT_AW + 1) + (1 + 32 + 15 + 6 + ACT_AW + 1) +
                         (1 + 47 + 6 + ACT_AW + 1) + (1 + ACT_AW + 8);
    localparam L_ARGMAX = 1 + 32 + LOG_AW;
    localparam L_ROWS = ROWS * (2 + 2 * CW + 2 * ACT_AW);
    localparam O_FSM = 0;
    localparam O_DESC = O_FSM + L_FSM;
    localparam O_ITER = O_DESC + L_DESC;
    localparam O_TILE = O_ITER + L_ITER;
    localparam O_FEED = O_TILE + L_TILE;
    localparam O_DRAIN = O_FEED + L_FEED;
    localparam O_ARGMAX = O_DRAIN + L_DRAIN;
    localparam O_ROWS = O_ARGMAX + L_ARGMAX;
    localparam LEN = O_ROWS + L_ROWS;
    assign o_len = LEN;

    wire so_fsm, so_desc, so_iter, so_tile, so_feed, so_drain, so_argmax;

    // ---- between the groups
    // phases and transitions (u_fsm)
    wire load, linit, setup, drain, run_start, feed_start, feed_k, drain_start, oc_next, px_next;
    wire [4:0] load_cnt;
    // descriptor (u_desc)
    wire f_relu, f_pool, f_req, f_last, f_src, f_dst;
    wire [4:0] c_k, c_cs;
    wire [3:0] c_ss, c_pad;
    wire [DIM_W-1:0] c_inh, c_inw, c_inc, c_outh, c_outw, c_outc;
    wire [15:0] c_kk;
    wire [ACT_AW-1:0] c_jump, c_cx, c_cy, c_sx, c_sy, c_base0;
    wire [WGT_AW-1:0] c_wbase;
    wire [PRM_AW-1:0] c_pbase;
    // the iterator's pixel (u_iter)
    wire [CW-1:0] pix_iy0, pix_ix0;
    wire [ACT_AW-1:0] pix_abase, pix_obase;
    wire pix_first, it_done;
    // tiles (u_tile)
    wire [ROWS-1:0] take;
    wire setup_end, more_oc;
    wire [NR_W-1:0] t_nrows;
    wire [DIM_W-1:0] t_ocb;
    wire [WGT_AW-1:0] t_wtile, t_wtile_next;
    // drain (u_drain)
    wire drain_idle;
    wire [ACT_AW:0] pool_raddr;
    // row registers (u_rows)
    wire [ROWS-1:0] r_valid, r_first;
    wire [ROWS*CW-1:0] r_iy0, r_ix0;
    wire [ROWS*ACT_AW-1:0] r_abase, r_obase;
    // feed addresses (u_feed)
    wire [ROWS*(ACT_AW+1)-1:0] feed_raddr;

    rh_ctl_fsm #(.ROWS(ROWS), .COLS(COLS), .OFS(OFS + O_FSM), .LEN(L_FSM)) u_fsm (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(i_si), .o_so(so_fsm),
        .i_start(i_start), .o_done(o_done),
        .i_kk(c_kk), .i_last(f_last), .i_setup_end(setup_end), .i_more_oc(more_oc),
        .i_it_done(it_done), .i_drain_idle(drain_idle),
        .o_prog_raddr(o_prog_raddr), .o_load(load), .o_load_cnt(load_cnt),
        .o_linit(linit), .o_setup(setup), .o_drain(drain), .o_run_start(run_start),
        .o_feed_start(feed_start), .o_feed_k(feed_k), .o_clr(o_clr), .o_drain_start(drain_start),
        .o_oc_next(oc_next), .o_px_next(px_next));

    rh_ctl_desc #(.ACT_AW(ACT_AW), .WGT_AW(WGT_AW), .PRM_AW(PRM_AW), .DIM_W(DIM_W),
                  .OFS(OFS + O_DESC), .LEN(L_DESC)) u_desc (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(so_fsm), .o_so(so_desc),
        .i_load(load), .i_load_cnt(load_cnt), .i_prog_rdata(i_prog_rdata),
        .o_relu(f_relu), .o_pool(f_pool), .o_req(f_req), .o_last(f_last), .o_src(f_src),
        .o_dst(f_dst), .o_k(c_k), .o_cs(c_cs), .o_ss(c_ss), .o_pad(c_pad),
        .o_inh(c_inh), .o_inw(c_inw), .o_inc(c_inc), .o_outh(c_outh), .o_outw(c_outw),
        .o_outc(c_outc), .o_kk(c_kk), .o_jump(c_jump), .o_cx(c_cx), .o_cy(c_cy), .o_sx(c_sx),
        .o_sy(c_sy), .o_base0(c_base0), .o_wbase(c_wbase), .o_pbase(c_pbase));

    rh_ctl_iter #(.ACT_AW(ACT_AW), .DIM_W(DIM_W), .OFS(OFS + O_ITER), .LEN(L_ITER)) u_iter (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(so_desc), .o_so(so_iter),
        .i_linit(linit), .i_setup(setup),
        .i_pool(f_pool), .i_cs(c_cs), .i_ss(c_ss), .i_pad(c_pad), .i_outh(c_outh), .i_outw(c_outw),
        .i_outc(c_outc), .i_cx(c_cx), .i_cy(c_cy), .i_sx(c_sx), .i_sy(c_sy), .i_base0(c_base0),
        .o_iy0(pix_iy0), .o_ix0(pix_ix0), .o_abase(pix_abase), .o_obase(pix_obase),
        .o_first(pix_first), .o_done(it_done));

    rh_ctl_tile #(.ROWS(ROWS), .COLS(COLS), .WGT_AW(WGT_AW), .DIM_W(DIM_W),
                  .OFS(OFS + O_TILE), .LEN(L_TILE)) u_tile (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(so_iter), .o_so(so_tile),
        .i_linit(linit), .i_setup(setup), .i_oc_next(oc_next), .i_px_next(px_next),
        .i_it_done(it_done), .i_wbase(c_wbase), .i_kk(c_kk), .i_outc(c_outc),
        .o_take(take), .o_setup_end(setup_end), .o_nrows(t_nrows), .o_ocb(t_ocb),
        .o_more_oc(more_oc), .o_wtile(t_wtile), .o_wtile_next(t_wtile_next));

    rh_ctl_feed #(.ROWS(ROWS), .COLS(COLS), .ACT_AW(ACT_AW), .WGT_AW(WGT_AW), .DIM_W(DIM_W),
                  .OFS(OFS + O_FEED), .LEN(L_FEED)) u_feed (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(so_tile), .o_so(so_feed),
        .i_feed_start(feed_start), .i_feed_k(feed_k), .i_oc_next(oc_next),
        .i_wtile(t_wtile), .i_wtile_next(t_wtile_next), .i_src(f_src), .i_k(c_k),
        .i_inh(c_inh), .i_inw(c_inw), .i_inc(c_inc), .i_jump(c_jump),
        .i_valid(r_valid), .i_iy0(r_iy0), .i_ix0(r_ix0), .i_abase(r_abase),
        .o_act_raddr(feed_raddr), .i_act_rdata(i_act_rdata), .o_wgt_raddr(o_wgt_raddr),
        .i_wgt_rdata(i_wgt_rdata), .o_west_act(o_west_act), .o_north_wgt(o_north_wgt));

    rh_ctl_drain #(.ROWS(ROWS), .COLS(COLS), .ACT_AW(ACT_AW), .PRM_AW(PRM_AW), .LOG_AW(LOG_AW),
                   .DIM_W(DIM_W), .OFS(OFS + O_DRAIN), .LEN(L_DRAIN)) u_drain (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(so_feed), .o_so(so_drain),
        .i_drain_start(drain_start), .i_drain(drain), .o_idle(drain_idle),
        .i_nrows(t_nrows), .i_ocb(t_ocb), .i_outc(c_outc), .i_pbase(c_pbase),
        .i_req(f_req), .i_relu(f_relu), .i_dst(f_dst),
        .i_first(r_first), .i_obase(r_obase),
        .o_prm_raddr(o_prm_raddr), .i_bias(i_bias), .i_mq(i_mq), .i_acc(i_acc),
        .o_pool_raddr(pool_raddr), .i_pool_rdata(i_act_rdata[7:0]),
        .o_act_we(o_act_we), .o_act_waddr(o_act_waddr), .o_act_wdata(o_act_wdata),
        .o_log_we(o_log_we), .o_log_waddr(o_log_waddr), .o_log_wdata(o_log_wdata));

    rh_ctl_argmax #(.LOG_AW(LOG_AW), .OFS(OFS + O_ARGMAX), .LEN(L_ARGMAX)) u_argmax (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(so_drain), .o_so(so_argmax),
        .i_clear(run_start), .i_we(o_log_we), .i_val(o_log_wdata), .i_idx(o_log_waddr),
        .o_class(o_class));

    rh_ctl_rows #(.ROWS(ROWS), .ACT_AW(ACT_AW), .DIM_W(DIM_W), .OFS(OFS + O_ROWS), .LEN(L_ROWS)) u_rows (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(so_argmax), .o_so(o_so),
        .i_take(take), .i_valid(!it_done), .i_first(pix_first), .i_iy0(pix_iy0),
        .i_ix0(pix_ix0), .i_abase(pix_abase), .i_obase(pix_obase),
        .o_valid(r_valid), .o_first(r_first), .o_iy0(r_iy0), .o_ix0(r_ix0), .o_abase(r_abase),
        .o_obase(r_obase));

    // Row 0's activation read port does the pooling read during the drain.
    assign o_act_raddr[ACT_AW:0] = drain ? pool_raddr : feed_raddr[ACT_AW:0];
    generate
        if (ROWS > 1) begin : gen_raddr_rows
            assign o_act_raddr[ROWS*(ACT_AW+1)-1:ACT_AW+1] = feed_raddr[ROWS*(ACT_AW+1)-1:ACT_AW+1];
        end
    endgenerate
endmodule

`default_nettype wire
