// rh_core: the accelerator core: controller, systolic array, on-chip memories and host write port.
`default_nettype none

// The fault space is every flip-flop in here (all rh_sreg instances: chain = array, then
// controller). The memories (rh_ram) are SRAM, outside it. The host port writes the memories
// while the core is idle; addresses: [27:24] region, [23:20] weight column, [19:0] word.
//   region 0 program (32-bit words, 16 per layer)   region 1 bias (int32 per channel)
//   region 2 {shift[21:16], mult[14:0]}              region 3 weights (byte, column [23:20])
//   region 4 activations (byte; bit ACT_AW selects the ping-pong half; written to every copy)
//   region 5 logits (int32; a host write also marks the logit unwritten)
// Logits are read through i_hr_addr / o_hr_data (one cycle latency); o_hr_written says whether
// the core wrote that logit since the host last did (a run that ends without writing all its
// logits is a crash, not a result).
module rh_core #(
    parameter ROWS = 8,
    parameter COLS = 8,
    parameter ACT_AW = 12,
    parameter WGT_AW = 16,
    parameter PRM_AW = 9,
    parameter LOG_AW = 8,
    parameter DIM_W = 10,
    parameter MUL_DSP = ROWS * COLS, // PEs whose multiplier may map to a DSP (the rest use logic)
    parameter WGT_SPRAM = 0          // weight memories single-ported (iCE40UP SPRAM, rh_ram)
) (
    input wire clk,
    input wire i_rst,
    input wire i_ce,
    // Scan chain
    input wire i_scan,
    input wire i_si,
    output wire o_so,
    output wire [31:0] o_chain_len,
    // Run control
    input wire i_start,
    output wire o_done,
    output wire [LOG_AW-1:0] o_class,
    // Host memory port
    input wire i_hw_we,
    input wire [27:0] i_hw_addr,
    input wire [31:0] i_hw_data,
    input wire [LOG_AW-1:0] i_hr_addr,
    output wire [31:0] o_hr_data,
    output wire o_hr_written
);
    localparam A_LEN = ROWS * COLS * 48 + 8 * ROWS * (ROWS - 1) / 2 + 8 * COLS * (COLS - 1) / 2;

    wire [3:0] hw_region = i_hw_addr[27:24];
    wire [3:0] hw_col = i_hw_addr[23:20];

    // controller <-> memories / array
    wire [7:0] prog_raddr;
    wire [31:0] prog_rdata;
    wire [PRM_AW-1:0] prm_raddr;
    wire [31:0] bias_rdata;
    wire [20:0] mq_rdata;
    wire [WGT_AW-1:0] wgt_raddr;
    wire [COLS*8-1:0] wgt_rdata;
    wire [ROWS*(ACT_AW+1)-1:0] act_raddr;
    wire [ROWS*8-1:0] act_rdata;
    wire act_we;
    wire [ACT_AW:0] act_waddr /*verilator public_flat_rd*/;
    wire [7:0] act_wdata;
    wire log_we;
    wire [LOG_AW-1:0] log_waddr;
    wire [31:0] log_wdata;
    wire clr;
    wire [ROWS*8-1:0] west_act;
    wire [COLS*8-1:0] north_wgt;
    wire [ROWS*COLS*32-1:0] acc;
    wire array_so;
    wire [31:0] ctl_len;

    rh_array #(.ROWS(ROWS), .COLS(COLS), .MUL_DSP(MUL_DSP), .OFS(0)) u_array (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce),
        .i_scan(i_scan), .i_si(i_si), .o_so(array_so),
        .i_clr(clr), .i_west_act(west_act), .i_north_wgt(north_wgt), .o_acc(acc));

    rh_ctl #(.ROWS(ROWS), .COLS(COLS), .ACT_AW(ACT_AW), .WGT_AW(WGT_AW), .PRM_AW(PRM_AW),
             .LOG_AW(LOG_AW), .DIM_W(DIM_W), .OFS(A_LEN)) u_ctl (
        .clk(clk), .i_rst(i_rst), .i_ce(i_ce),
        .i_scan(i_scan), .i_si(array_so), .o_so(o_so), .o_len(ctl_len),
        .i_start(i_start), .o_done(o_done), .o_class(o_class),
        .o_prog_raddr(prog_raddr), .i_prog_rdata(prog_rdata),
        .o_prm_raddr(prm_raddr), .i_bias(bias_rdata), .i_mq(mq_rdata),
        .o_wgt_raddr(wgt_raddr), .i_wgt_rdata(wgt_rdata),
        .o_act_raddr(act_raddr), .i_act_rdata(act_rdata),
        .o_act_we(act_we), .o_act_waddr(act_waddr), .o_act_wdata(act_wdata),
        .o_log_we(log_we), .o_log_waddr(log_waddr), .o_log_wdata(log_wdata),
        .o_clr(clr), .o_west_act(west_act), .o_north_wgt(north_wgt), .i_acc(acc));

    assign o_chain_len = A_LEN + ctl_len;

    rh_ram #(.AW(8), .DW(32)) u_prog (
        .clk(clk), .i_re(i_ce), .i_raddr(prog_raddr), .o_rdata(prog_rdata),
        .i_we(i_hw_we && hw_region == 4'd0), .i_waddr(i_hw_addr[7:0]), .i_wdata(i_hw_data));
    rh_ram #(.AW(PRM_AW), .DW(32)) u_bias (
        .clk(clk), .i_re(i_ce), .i_raddr(prm_raddr), .o_rdata(bias_rdata),
        .i_we(i_hw_we && hw_region == 4'd1), .i_waddr(i_hw_addr[PRM_AW-1:0]), .i_wdata(i_hw_data));
    rh_ram #(.AW(PRM_AW), .DW(21)) u_mq (
        .clk(clk), .i_re(i_ce), .i_raddr(prm_raddr), .o_rdata(mq_rdata),
        .i_we(i_hw_we && hw_region == 4'd2), .i_waddr(i_hw_addr[PRM_AW-1:0]),
        .i_wdata({i_hw_data[21:16], i_hw_data[14:0]}));

    // public to the simulator, whose golden runs log where the core writes activations (the
    // fast path's finish on the reference model within a layer: verilator/rh_sim.cpp)
    wire act_core_we /*verilator public_flat_rd*/ = act_we && i_ce;

    genvar g;
    generate
        for (g = 0; g < COLS; g = g + 1) begin : gen_wmem
            rh_ram #(.AW(WGT_AW), .DW(8), .SPRAM(WGT_SPRAM)) u_w (
                .clk(clk), .i_re(i_ce), .i_raddr(wgt_raddr), .o_rdata(wgt_rdata[8*g+:8]),
                .i_we(i_hw_we && hw_region == 4'd3 && hw_col == g),
                .i_waddr(i_hw_addr[WGT_AW-1:0]), .i_wdata(i_hw_data[7:0]));
        end
        for (g = 0; g < ROWS; g = g + 1) begin : gen_amem
            // the core writes while running; the host only while the core is idle (a core
            // stopped in a drain may still present a write: it must not steer the host's)
            rh_ram #(.AW(ACT_AW+1), .DW(8)) u_a (
                .clk(clk), .i_re(i_ce), .i_raddr(act_raddr[g*(ACT_AW+1)+:(ACT_AW+1)]),
                .o_rdata(act_rdata[8*g+:8]),
                .i_we(act_core_we || (i_hw_we && hw_region == 4'd4)),
                .i_waddr(act_core_we ? act_waddr : i_hw_addr[ACT_AW:0]),
                .i_wdata(act_core_we ? act_wdata : i_hw_data[7:0]));
        end
    endgenerate

    wire log_core_we = log_we && i_ce;
    wire log_host_we = i_hw_we && hw_region == 4'd5 && !log_core_we;
    wire [LOG_AW-1:0] log_addr = log_core_we ? log_waddr : i_hw_addr[LOG_AW-1:0];
    rh_ram #(.AW(LOG_AW), .DW(32)) u_logits (
        .clk(clk), .i_re(1'b1), .i_raddr(i_hr_addr), .o_rdata(o_hr_data),
        .i_we(log_core_we || log_host_we), .i_waddr(log_addr),
        .i_wdata(log_core_we ? log_wdata : i_hw_data));
    rh_ram #(.AW(LOG_AW), .DW(1)) u_logw (
        .clk(clk), .i_re(1'b1), .i_raddr(i_hr_addr), .o_rdata(o_hr_written),
        .i_we(log_core_we || log_host_we), .i_waddr(log_addr), .i_wdata(log_core_we));

    // address bits above the widest memory (which ones depends on the parameters)
    wire unused_hw = ^{i_hw_data[31:22], i_hw_data[15], i_hw_addr[19:0]};
endmodule

`default_nettype wire
