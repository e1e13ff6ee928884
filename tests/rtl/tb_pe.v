// tb_pe: self-checking testbench of rh_pe (multiply-accumulate, operand pass-through, scan shift).
`default_nettype none
`timescale 1ns / 1ps

module tb_pe #(
    parameter MUL_DSP = 1
);
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg ce = 1'b0;
    reg scan = 1'b0;
    reg si = 1'b0;
    reg clr = 1'b0;
    reg [7:0] west = 8'd0;
    reg [7:0] north = 8'd0;
    wire [47:0] so;
    wire [7:0] east, south;
    wire [31:0] acc;

    rh_pe #(.OFS(0), .MUL_DSP(MUL_DSP)) dut (
        .clk(clk), .i_rst(rst), .i_ce(ce), .i_scan(scan), .i_si(si), .o_so(so),
        .i_clr(clr), .i_west_act(west), .i_north_wgt(north),
        .o_east_act(east), .o_south_wgt(south), .o_acc(acc));

    always #5 clk = ~clk;

    integer i, seed, errors;
    reg [31:0] model;
    reg [7:0] a_q, w_q;
    reg [47:0] saved;

    initial begin
        if ($test$plusargs("trace")) begin
            $dumpfile("build/rtl/tb_pe.vcd");
            $dumpvars(0, tb_pe);
        end
        seed = 1;
        errors = 0;
        model = 32'd0;
        a_q = 8'd0;
        w_q = 8'd0;
        @(negedge clk);
        rst = 1'b0;
        ce = 1'b1;
        // 2000 random cycles, a clear now and then, the clock enable off now and then
        for (i = 0; i < 2000; i = i + 1) begin
            west = $random(seed);
            north = $random(seed);
            clr = ($random(seed) % 97) == 0;
            ce = ($random(seed) % 13) != 0;
            @(posedge clk);
            #1;
            if (ce) begin
                model = clr ? 32'd0 : model + {{16{1'b0}}, 16'd0} +
                        $signed({{24{a_q[7]}}, a_q}) * $signed({{24{w_q[7]}}, w_q});
                a_q = west;
                w_q = north;
            end
            if (acc !== model) $fatal(1, "tb_pe: cycle %0d: acc %0d, expected %0d", i, $signed(acc), $signed(model));
            if (east !== a_q || south !== w_q)
                $fatal(1, "tb_pe: cycle %0d: pass-through %h/%h, expected %h/%h", i, east, south, a_q, w_q);
            @(negedge clk);
        end
        // scan: the chain is act[0..7], wgt[0..7], acc[0..31]; a rotation restores the state
        ce = 1'b0;
        saved = {acc, south, east};
        if (so !== saved) $fatal(1, "tb_pe: chain view %h, expected %h", so, saved);
        scan = 1'b1;
        for (i = 0; i < 48; i = i + 1) begin
            si = so[47];
            @(posedge clk);
            #1;
            @(negedge clk);
        end
        scan = 1'b0;
        if ({acc, south, east} !== saved) $fatal(1, "tb_pe: rotation changed the state");
        // shifting in a pattern puts its first bit at the top
        scan = 1'b1;
        for (i = 0; i < 48; i = i + 1) begin
            si = (i == 0);
            @(posedge clk);
            #1;
            @(negedge clk);
        end
        scan = 1'b0;
        if ({acc, south, east} !== 48'h8000_0000_0000) $fatal(1, "tb_pe: shift order wrong: %h", {acc, south, east});
        $display("tb_pe (MUL_DSP=%0d): ok", MUL_DSP);
        $finish;
    end
endmodule

`default_nettype wire
