// rh_ram: synchronous RAM, simple dual-port or single-port (an on-chip SRAM; outside the fault space).
`default_nettype none

// One write port and one registered read port; a read and a write of the same address in the
// same cycle return the old word (read-first). The core gates i_re and i_we with its clock
// enable, so a frozen core leaves the read register untouched. The yosys flip-flop count reads
// this module as a black box: memories are SRAM (iCE40 EBR/SPRAM), not fault-space flip-flops.
//
// SPRAM = 1: one port shared by reads and writes; a write takes the port (the read register
// keeps its word here; an SPRAM's output is undefined after a write until the next read). For
// memories written only while the core is idle (weights), which the core reads before it uses.
// In synthesis a byte-wide memory of 2^15 or 2^16 bytes is built from 1 or 2 iCE40UP
// SB_SPRAM256KA (16K x 16, byte lanes by the write mask); otherwise it is behavioural.
module rh_ram #(
    parameter AW = 8,
    parameter DW = 8,
    parameter SPRAM = 0
) (
    input wire clk,
    // Read port
    input wire i_re,
    input wire [AW-1:0] i_raddr,
    output wire [DW-1:0] o_rdata,
    // Write port
    input wire i_we,
    input wire [AW-1:0] i_waddr,
    input wire [DW-1:0] i_wdata
);
    generate
`ifdef SYNTHESIS
        if (SPRAM != 0 && DW == 8 && (AW == 15 || AW == 16)) begin : gen_ice40_spram
            localparam NB = 1 << (AW - 15);  // SPRAMs of 32 KB
            wire [AW-1:0] a = i_we ? i_waddr : i_raddr;
            wire bank = (AW > 15) ? a[AW-1] : 1'b0;
            reg bank_q, lane_q;  // which byte of which SPRAM the read register holds
            wire [15:0] dout[0:NB-1];
            genvar b;
            for (b = 0; b < NB; b = b + 1) begin : gen_bank
                SB_SPRAM256KA u_sp (
                    .ADDRESS(a[14:1]), .DATAIN({i_wdata, i_wdata}),
                    .MASKWREN(a[0] ? 4'b1100 : 4'b0011), .WREN(i_we),
                    .CHIPSELECT((i_we || i_re) && (bank == b)), .CLOCK(clk),
                    .STANDBY(1'b0), .SLEEP(1'b0), .POWEROFF(1'b1), .DATAOUT(dout[b]));
            end
            always @(posedge clk)
                if (i_re && !i_we) begin
                    bank_q <= bank;
                    lane_q <= a[0];
                end
            wire [15:0] word = dout[(NB > 1) ? bank_q : 1'b0];
            assign o_rdata = lane_q ? word[15:8] : word[7:0];
        end else
`endif
        if (SPRAM != 0) begin : gen_sp
            reg [DW-1:0] mem[0:(1<<AW)-1];
            reg [DW-1:0] q;
            always @(posedge clk) begin
                if (i_we) mem[i_waddr] <= i_wdata;
                else if (i_re) q <= mem[i_raddr];
            end
            assign o_rdata = q;
        end else begin : gen_dp
            reg [DW-1:0] mem[0:(1<<AW)-1];
            reg [DW-1:0] q;
            always @(posedge clk) begin
                if (i_we) mem[i_waddr] <= i_wdata;
                if (i_re) q <= mem[i_raddr];
            end
            assign o_rdata = q;
        end
    endgenerate
endmodule

`default_nettype wire
