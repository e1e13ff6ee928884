// tb_array: self-checking testbench of rh_array: random matrix products through the skewed array, scan rotation.
`default_nettype none
`timescale 1ns / 1ps

module tb_array #(
    parameter ROWS = 8,
    parameter COLS = 8,
    parameter K = 37,
    parameter MUL_DSP = ROWS * COLS
);
    localparam LEN = ROWS * COLS * 48 + 8 * ROWS * (ROWS - 1) / 2 + 8 * COLS * (COLS - 1) / 2;
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg ce = 1'b0;
    reg scan = 1'b0;
    reg si = 1'b0;
    wire so;
    reg clr = 1'b0;
    reg [ROWS*8-1:0] west = {ROWS*8{1'b0}};
    reg [COLS*8-1:0] north = {COLS*8{1'b0}};
    wire [ROWS*COLS*32-1:0] acc;

    rh_array #(.ROWS(ROWS), .COLS(COLS), .MUL_DSP(MUL_DSP), .OFS(0)) dut (
        .clk(clk), .i_rst(rst), .i_ce(ce), .i_scan(scan), .i_si(si), .o_so(so),
        .i_clr(clr), .i_west_act(west), .i_north_wgt(north), .o_acc(acc));

    always #5 clk = ~clk;

    reg [7:0] x[0:ROWS-1][0:K-1];
    reg [7:0] w[0:COLS-1][0:K-1];
    reg [31:0] want[0:ROWS-1][0:COLS-1];
    reg [ROWS*COLS*32-1:0] saved;
    integer r, c, k, t, rep, seed;

    initial begin
        if ($test$plusargs("trace")) begin
            $dumpfile("build/rtl/tb_array.vcd");
            $dumpvars(0, tb_array);
        end
        seed = 7;
        @(negedge clk);
        rst = 1'b0;
        ce = 1'b1;
        for (rep = 0; rep < 3; rep = rep + 1) begin
            for (r = 0; r < ROWS; r = r + 1)
                for (k = 0; k < K; k = k + 1) x[r][k] = $random(seed);
            for (c = 0; c < COLS; c = c + 1)
                for (k = 0; k < K; k = k + 1) w[c][k] = $random(seed);
            for (r = 0; r < ROWS; r = r + 1)
                for (c = 0; c < COLS; c = c + 1) begin
                    want[r][c] = 32'd0;
                    for (k = 0; k < K; k = k + 1)
                        want[r][c] = want[r][c] + $signed({{24{x[r][k][7]}}, x[r][k]}) *
                                                  $signed({{24{w[c][k][7]}}, w[c][k]});
                end
            // cycle 0: clear; cycles 1..K: column k of both operands, unskewed; then zeros
            clr = 1'b1;
            west = {ROWS*8{1'b0}};
            north = {COLS*8{1'b0}};
            @(negedge clk);
            clr = 1'b0;
            for (t = 0; t < K + ROWS + COLS + 1; t = t + 1) begin
                for (r = 0; r < ROWS; r = r + 1) west[8*r+:8] = (t < K) ? x[r][t] : 8'd0;
                for (c = 0; c < COLS; c = c + 1) north[8*c+:8] = (t < K) ? w[c][t] : 8'd0;
                @(negedge clk);
            end
            for (r = 0; r < ROWS; r = r + 1)
                for (c = 0; c < COLS; c = c + 1)
                    if (acc[32*(r*COLS+c)+:32] !== want[r][c])
                        $fatal(1, "tb_array: rep %0d PE(%0d,%0d) acc %0d, expected %0d", rep, r, c,
                               $signed(acc[32*(r*COLS+c)+:32]), $signed(want[r][c]));
            // the accumulators hold while zeros flow
            for (t = 0; t < 5; t = t + 1) @(negedge clk);
            for (r = 0; r < ROWS; r = r + 1)
                for (c = 0; c < COLS; c = c + 1)
                    if (acc[32*(r*COLS+c)+:32] !== want[r][c]) $fatal(1, "tb_array: accumulator drifted");
        end
        // a full rotation of the chain (LEN shifts, output fed back) restores every register
        ce = 1'b0;
        saved = acc;
        scan = 1'b1;
        for (t = 0; t < LEN; t = t + 1) begin
            si = so;
            @(posedge clk);
            #1;
            @(negedge clk);
        end
        scan = 1'b0;
        if (acc !== saved) $fatal(1, "tb_array: rotation changed the accumulators");
        // one shift less than the chain moves everything: the state must differ somewhere
        scan = 1'b1;
        si = 1'b1;
        @(negedge clk);
        scan = 1'b0;
        if (acc === saved) $fatal(1, "tb_array: a shift changed nothing");
        $display("tb_array %0dx%0d (%0d DSP multipliers): ok", ROWS, COLS, MUL_DSP);
        $finish;
    end
endmodule

`default_nettype wire
