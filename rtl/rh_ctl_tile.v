// rh_ctl_tile: the pixel tile and channel tile registers (register group of rh_ctl).
`default_nettype none

// A pixel tile is ROWS consecutive pixels of the iterator (SETUP hands them to the rows, one a
// cycle, row sidx); its channel tiles are out_c in steps of COLS, each fed and drained in turn.
// Registers (chain order from OFS): t_nrows, t_oct, t_wtile, sidx.
module rh_ctl_tile #(
    parameter ROWS = 8,
    parameter COLS = 8,
    parameter WGT_AW = 16,
    parameter DIM_W = 10,
    parameter OFS = 0,
    parameter LEN = 30  // chain bits (rh_ctl's layout): the registers below fill them exactly
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire o_so,
    // Phases and transitions (rh_ctl_fsm)
    input wire i_linit,
    input wire i_setup,
    input wire i_oc_next,
    input wire i_px_next,
    // Pixel iterator, descriptor
    input wire i_it_done,
    input wire [WGT_AW-1:0] i_wbase,
    input wire [15:0] i_kk,
    input wire [DIM_W-1:0] i_outc,
    // The tiles
    output wire [ROWS-1:0] o_take,        // SETUP: row r takes the iterator's pixel (r = sidx)
    output wire o_setup_end,              // row sidx is the tile's last
    output wire [$clog2(ROWS + 1)-1:0] o_nrows,
    output wire [DIM_W-1:0] o_ocb,        // first output channel of the channel tile
    output wire o_more_oc,                // another channel tile follows
    output wire [WGT_AW-1:0] o_wtile,
    output wire [WGT_AW-1:0] o_wtile_next // the next channel tile's first weight word
);
    localparam RB = (ROWS > 1) ? $clog2(ROWS) : 1;
    localparam CB = (COLS > 1) ? $clog2(COLS) : 1;
    localparam NR_W = $clog2(ROWS + 1);
    localparam OCT_W = DIM_W - CB;       // channel tile index
    localparam [31:0] COLS32 = COLS;
    localparam [31:0] ROWS_M1_32 = ROWS - 1;
    localparam [RB-1:0] ROWS_M1 = ROWS_M1_32[RB-1:0];
    localparam [DIM_W:0] COLS_D = COLS32[DIM_W:0];

    // ---- registers, in chain order (each starts where the one before it ends)
    wire [LEN:0] sc;
    assign sc[0] = i_si;
    assign o_so = sc[LEN];
    wire unused_sc = ^sc;

    localparam O_T_NROWS = 0;  // valid rows of the pixel tile
    wire [NR_W-1:0] t_nrows;
    reg [NR_W-1:0] t_nrows_d;
    rh_sreg #(.W(NR_W), .CLASS(3), .OFS(OFS + O_T_NROWS)) u_t_nrows (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_T_NROWS]),
        .o_so(sc[O_T_NROWS+NR_W:O_T_NROWS+1]), .i_d(t_nrows_d), .o_q(t_nrows));
    localparam O_T_OCT = O_T_NROWS + NR_W;  // channel tile
    wire [OCT_W-1:0] t_oct;
    reg [OCT_W-1:0] t_oct_d;
    rh_sreg #(.W(OCT_W), .CLASS(3), .OFS(OFS + O_T_OCT)) u_t_oct (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_T_OCT]),
        .o_so(sc[O_T_OCT+OCT_W:O_T_OCT+1]), .i_d(t_oct_d), .o_q(t_oct));
    localparam O_T_WTILE = O_T_OCT + OCT_W;  // the channel tile's first weight word
    wire [WGT_AW-1:0] t_wtile;
    reg [WGT_AW-1:0] t_wtile_d;
    rh_sreg #(.W(WGT_AW), .CLASS(3), .OFS(OFS + O_T_WTILE)) u_t_wtile (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_T_WTILE]),
        .o_so(sc[O_T_WTILE+WGT_AW:O_T_WTILE+1]), .i_d(t_wtile_d), .o_q(t_wtile));
    localparam O_SIDX = O_T_WTILE + WGT_AW;  // SETUP: the row that takes the pixel
    wire [RB-1:0] sidx;
    reg [RB-1:0] sidx_d;
    rh_sreg #(.W(RB), .CLASS(3), .OFS(OFS + O_SIDX)) u_sidx (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce), .i_scan(i_scan), .i_si(sc[O_SIDX]),
        .o_so(sc[O_SIDX+RB:O_SIDX+1]), .i_d(sidx_d), .o_q(sidx));

    // ---- the tiles
    // t_oct < 2^OCT_W and COLS <= 2^CB, so the first channel fits DIM_W
    assign o_ocb = {{CB{1'b0}}, t_oct} * COLS_D[DIM_W-1:0];
    assign o_more_oc = ({1'b0, o_ocb} + COLS_D < {1'b0, i_outc});
    genvar r;
    generate
        for (r = 0; r < ROWS; r = r + 1) begin : gen_take
            assign o_take[r] = i_setup && (sidx == r);
        end
    endgenerate
    assign o_setup_end = (sidx == ROWS_M1);
    assign o_nrows = t_nrows;
    assign o_wtile = t_wtile;
    assign o_wtile_next = t_wtile + i_kk[WGT_AW-1:0];

    // ---- next state
    always @(*) begin
        t_nrows_d = t_nrows; t_oct_d = t_oct; t_wtile_d = t_wtile; sidx_d = sidx;
        // the conditions exclude each other (one phase at a time)
        if (i_linit) begin
            t_oct_d = {OCT_W{1'b0}}; t_wtile_d = i_wbase;
            sidx_d = {RB{1'b0}};
        end else if (i_setup) begin
            // row sidx takes the iterator's pixel (a valid one unless the layer's are done)
            t_nrows_d = ((sidx == {RB{1'b0}}) ? {NR_W{1'b0}} : t_nrows) + {{(NR_W-1){1'b0}}, !i_it_done};
            sidx_d = sidx + 1'b1;
        end else if (i_oc_next) begin
            t_oct_d = t_oct + 1'b1;
            t_wtile_d = o_wtile_next;
        end else if (i_px_next) begin
            t_oct_d = {OCT_W{1'b0}}; t_wtile_d = i_wbase;
            sidx_d = {RB{1'b0}};
        end
    end
endmodule

`default_nettype wire
