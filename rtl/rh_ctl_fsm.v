// rh_ctl_fsm: the controller's state machine, layer index and phase counter (register group of rh_ctl).
`default_nettype none

// States IDLE -> LOAD -> LINIT -> (SETUP -> (FEED -> DRAIN)*)* -> ... -> DONE (docs/architecture.md).
// Registers (chain order from OFS): st, lidx, cnt (LOAD: word counter 0..16; FEED: tau).
// The other register groups see the state only through the phase and event outputs.
module rh_ctl_fsm #(
    parameter ROWS = 8,
    parameter COLS = 8,
    parameter OFS = 0,
    parameter LEN = 24  // chain bits (rh_ctl's layout): the registers below fill them exactly
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire o_so,
    // Run control
    input wire i_start,
    output wire o_done,
    // What the transitions depend on
    input wire [15:0] i_kk,       // K of the layer (descriptor)
    input wire i_last,            // last layer (descriptor flag)
    input wire i_setup_end,       // SETUP: this cycle's row is the tile's last (tile group)
    input wire i_more_oc,         // another channel tile of this pixel tile follows (tile group)
    input wire i_it_done,         // no pixel left in the layer (pixel iterator)
    input wire i_drain_idle,      // nothing issued or in flight in the drain pipeline
    // Descriptor load
    output wire [7:0] o_prog_raddr,
    output wire o_load,           // LOAD: i_prog_rdata holds word o_load_cnt - 1
    output wire [4:0] o_load_cnt,
    // Phases and transitions
    output wire o_linit,
    output wire o_setup,
    output wire o_drain,
    output wire o_run_start,      // IDLE -> LOAD
    output wire o_feed_start,     // SETUP -> FEED
    output wire o_feed_k,         // FEED: operand k = tau is presented (tau < K)
    output wire o_clr,            // FEED, tau = 0: the accumulators clear
    output wire o_drain_start,    // FEED -> DRAIN
    output wire o_oc_next,        // DRAIN -> FEED: the next channel tile
    output wire o_px_next         // DRAIN -> SETUP: the next pixel tile
);
    localparam CNT_W = 17;
    localparam [31:0] FEED_TAIL32 = ROWS + COLS - 1;
    localparam [CNT_W-1:0] FEED_TAIL = FEED_TAIL32[CNT_W-1:0];
    localparam [2:0] S_IDLE = 3'd0, S_LOAD = 3'd1, S_LINIT = 3'd2, S_SETUP = 3'd3,
                     S_FEED = 3'd4, S_DRAIN = 3'd5, S_DONE = 3'd6;

    // ---- registers, in chain order (each starts where the one before it ends)
    wire [LEN:0] sc;
    assign sc[0] = i_si;
    assign o_so = sc[LEN];
    wire unused_sc = ^sc;

    localparam O_ST = 0;  // state
    wire [2:0] st;
    reg [2:0] st_d;
    rh_sreg #(.W(3), .CLASS(3), .OFS(OFS + O_ST)) u_st (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_ST]),
        .o_so(sc[O_ST+3:O_ST+1]), .i_d(st_d), .o_q(st));
    localparam O_LIDX = O_ST + 3;  // layer
    wire [3:0] lidx;
    reg [3:0] lidx_d;
    rh_sreg #(.W(4), .CLASS(3), .OFS(OFS + O_LIDX)) u_lidx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_LIDX]),
        .o_so(sc[O_LIDX+4:O_LIDX+1]), .i_d(lidx_d), .o_q(lidx));
    localparam O_CNT = O_LIDX + 4;  // LOAD: word counter; FEED: tau
    wire [CNT_W-1:0] cnt;
    reg [CNT_W-1:0] cnt_d;
    rh_sreg #(.W(CNT_W), .CLASS(3), .OFS(OFS + O_CNT)) u_cnt (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_CNT]),
        .o_so(sc[O_CNT+CNT_W:O_CNT+1]), .i_d(cnt_d), .o_q(cnt));

    // ---- phases and transitions
    wire feed = (st == S_FEED);
    wire feed_end = (cnt == {1'b0, i_kk} + FEED_TAIL);
    wire drain_end = o_drain && i_drain_idle;
    assign o_done = (st == S_DONE);
    assign o_prog_raddr = {lidx, cnt[3:0]};
    assign o_load = (st == S_LOAD);
    assign o_load_cnt = cnt[4:0];
    assign o_linit = (st == S_LINIT);
    assign o_setup = (st == S_SETUP);
    assign o_drain = (st == S_DRAIN);
    assign o_run_start = (st == S_IDLE) && i_start;
    assign o_feed_start = o_setup && i_setup_end;
    assign o_feed_k = feed && (cnt < {1'b0, i_kk});
    assign o_clr = feed && (cnt == {CNT_W{1'b0}});
    assign o_drain_start = feed && feed_end;
    assign o_oc_next = drain_end && i_more_oc;
    assign o_px_next = drain_end && !i_more_oc && !i_it_done;

    // ---- next state
    always @(*) begin
        st_d = st; lidx_d = lidx; cnt_d = cnt;
        case (st)
            S_IDLE: if (i_start) begin
                st_d = S_LOAD; lidx_d = 4'd0; cnt_d = {CNT_W{1'b0}};
            end
            S_LOAD: begin
                // word j is addressed at cnt = j and captured at cnt = j + 1
                cnt_d = cnt + 1'b1;
                if (cnt[4:0] == 5'd16) st_d = S_LINIT;
            end
            S_LINIT: st_d = S_SETUP;
            S_SETUP: if (i_setup_end) begin
                st_d = S_FEED; cnt_d = {CNT_W{1'b0}};
            end
            S_FEED: begin
                cnt_d = cnt + 1'b1;
                if (feed_end) st_d = S_DRAIN;
            end
            S_DRAIN: if (drain_end) begin
                if (i_more_oc) begin
                    st_d = S_FEED; cnt_d = {CNT_W{1'b0}};
                end else if (!i_it_done) begin
                    st_d = S_SETUP;
                end else if (i_last) begin
                    st_d = S_DONE;
                end else begin
                    st_d = S_LOAD; lidx_d = lidx + 4'd1; cnt_d = {CNT_W{1'b0}};
                end
            end
            default: ;  // DONE, and 7 (never entered): nothing leaves
        endcase
    end
endmodule

`default_nettype wire
