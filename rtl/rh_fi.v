// rh_fi: the core with its fault-injection port (scan controller, cycle counter, watchdog) - the harness top.
`default_nettype none

module rh_fi #(
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
    // Run control and fault injection
    input wire i_run,
    input wire i_inj_en,
    input wire i_inj_arm,
    input wire i_inj_flip,
    input wire i_inj_hold,
    input wire [31:0] i_inj_bit,
    input wire [31:0] i_inj_cycle,
    input wire [31:0] i_budget,
    input wire i_dump,
    input wire i_resume,
    // Canonical start state (rtl/rh_scrub.v): pulse i_scrub before a run
    input wire i_scrub,
    input wire [ACT_AW:0] i_in_len,
    output wire o_scrub_busy,
    output wire [2:0] o_state,
    output wire [31:0] o_cycles,
    output wire o_dump_valid,
    output wire o_dump_bit,
    output wire [31:0] o_chain_len,
    output wire [LOG_AW-1:0] o_class,
    // Host memory port
    input wire i_hw_we,
    input wire [27:0] i_hw_addr,
    input wire [31:0] i_hw_data,
    input wire [LOG_AW-1:0] i_hr_addr,
    output wire [31:0] o_hr_data,
    output wire o_hr_written
);
    wire core_rst, core_ce, core_start, scan_en, scan_si, core_so, core_done;

    rh_scanctl u_scan (
        .clk(clk), .i_rst(i_rst),
        .i_run(i_run), .i_inj_en(i_inj_en), .i_inj_arm(i_inj_arm), .i_inj_flip(i_inj_flip), .i_inj_hold(i_inj_hold),
        .i_inj_bit(i_inj_bit), .i_inj_cycle(i_inj_cycle), .i_budget(i_budget),
        .i_dump(i_dump), .i_resume(i_resume), .i_chain_len(o_chain_len),
        .o_state(o_state), .o_cycles(o_cycles), .o_dump_valid(o_dump_valid), .o_dump_bit(o_dump_bit),
        .i_core_done(core_done), .i_core_so(core_so),
        .o_core_rst(core_rst), .o_core_ce(core_ce), .o_core_start(core_start),
        .o_scan_en(scan_en), .o_scan_si(scan_si));

    wire hw_we;
    wire [27:0] hw_addr;
    wire [31:0] hw_data;
    rh_scrub #(.ACT_AW(ACT_AW), .LOG_AW(LOG_AW)) u_scrub (
        .clk(clk), .i_rst(i_rst), .i_start(i_scrub), .i_in_len(i_in_len), .o_busy(o_scrub_busy),
        .i_hw_we(i_hw_we), .i_hw_addr(i_hw_addr), .i_hw_data(i_hw_data),
        .o_hw_we(hw_we), .o_hw_addr(hw_addr), .o_hw_data(hw_data));

    rh_core #(.ROWS(ROWS), .COLS(COLS), .ACT_AW(ACT_AW), .WGT_AW(WGT_AW), .PRM_AW(PRM_AW),
              .LOG_AW(LOG_AW), .DIM_W(DIM_W), .MUL_DSP(MUL_DSP), .WGT_SPRAM(WGT_SPRAM)) u_core (
        .clk(clk), .i_rst(i_rst || core_rst), .i_ce(core_ce),
        .i_scan(scan_en), .i_si(scan_si), .o_so(core_so), .o_chain_len(o_chain_len),
        .i_start(core_start), .o_done(core_done), .o_class(o_class),
        .i_hw_we(hw_we), .i_hw_addr(hw_addr), .i_hw_data(hw_data),
        .i_hr_addr(i_hr_addr), .o_hr_data(o_hr_data), .o_hr_written(o_hr_written));
endmodule

`default_nettype wire
