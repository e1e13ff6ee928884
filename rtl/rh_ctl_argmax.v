// rh_ctl_argmax: the argmax over the last layer's logits, the class (register group of rh_ctl).
`default_nettype none

// Every logit the drain writes (i_we, i_val at i_idx) is compared with the best so far: a
// larger value, or an equal value at a lower index, wins. A run's start clears a_v.
// Registers (chain order from OFS): a_v, a_val, a_idx.
module rh_ctl_argmax #(
    parameter LOG_AW = 8,
    parameter OFS = 0,
    parameter LEN = 41  // chain bits (rh_ctl's layout): the registers below fill them exactly
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire o_so,
    // Run start (rh_ctl_fsm), logits (rh_ctl_drain)
    input wire i_clear,
    input wire i_we,
    input wire [31:0] i_val,
    input wire [LOG_AW-1:0] i_idx,
    // Result
    output wire [LOG_AW-1:0] o_class
);
    // ---- registers, in chain order (each starts where the one before it ends)
    wire [LEN:0] sc;
    assign sc[0] = i_si;
    assign o_so = sc[LEN];
    wire unused_sc = ^sc;

    wire a_v_d;
    wire [31:0] a_val_d;
    wire [LOG_AW-1:0] a_idx_d;
    localparam O_A_V = 0;  // a logit has been seen
    wire a_v;
    rh_sreg #(.W(1), .CLASS(3), .OFS(OFS + O_A_V)) u_a_v (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_A_V]),
        .o_so(sc[O_A_V+1:O_A_V+1]), .i_d(a_v_d), .o_q(a_v));
    localparam O_A_VAL = O_A_V + 1;  // the largest logit so far
    wire [31:0] a_val;
    rh_sreg #(.W(32), .CLASS(2), .OFS(OFS + O_A_VAL)) u_a_val (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_A_VAL]),
        .o_so(sc[O_A_VAL+32:O_A_VAL+1]), .i_d(a_val_d), .o_q(a_val));
    localparam O_A_IDX = O_A_VAL + 32;  // its index: the class
    wire [LOG_AW-1:0] a_idx;
    rh_sreg #(.W(LOG_AW), .CLASS(3), .OFS(OFS + O_A_IDX)) u_a_idx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_A_IDX]),
        .o_so(sc[O_A_IDX+LOG_AW:O_A_IDX+1]), .i_d(a_idx_d), .o_q(a_idx));

    // ---- next state
    wire better = !a_v || ($signed(i_val) > $signed(a_val)) || ((i_val == a_val) && (i_idx < a_idx));
    wire take = i_we && better;
    assign a_v_d = !i_clear && (take || a_v);
    assign a_val_d = take ? i_val : a_val;
    assign a_idx_d = take ? i_idx : a_idx;
    assign o_class = a_idx;
endmodule

`default_nettype wire
