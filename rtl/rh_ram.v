// rh_ram: simple dual-port synchronous RAM (an on-chip SRAM; outside the fault space).
`default_nettype none

// One write port and one registered read port; a read and a write of the same address in the
// same cycle return the old word (read-first). The core gates i_re and i_we with its clock
// enable, so a frozen core leaves the read register untouched. The yosys flip-flop count reads
// this module as a black box: memories are SRAM (iCE40 EBR/SPRAM), not fault-space flip-flops.
module rh_ram #(
    parameter AW = 8,
    parameter DW = 8
) (
    input wire clk,
    // Read port
    input wire i_re,
    input wire [AW-1:0] i_raddr,
    output reg [DW-1:0] o_rdata,
    // Write port
    input wire i_we,
    input wire [AW-1:0] i_waddr,
    input wire [DW-1:0] i_wdata
);
    reg [DW-1:0] mem[0:(1<<AW)-1];

    always @(posedge clk) begin
        if (i_we) mem[i_waddr] <= i_wdata;
        if (i_re) o_rdata <= mem[i_raddr];
    end
endmodule

`default_nettype wire
