// rh_scanctl: run sequencer, cycle counter, watchdog and fault-injection scan controller (outside the fault space).
`default_nettype none

// A run: one cycle of core reset (every core flip-flop to 0), then the core runs with its clock
// enable on; the cycle counter counts enabled core cycles. The core state "at cycle t" is the
// state after t enabled cycles (t = 0: just reset, before the start pulse is sampled).
// Injection: when the counter equals i_inj_cycle, the core is frozen (enable off) and the chain
// is rotated once, i_chain_len shift cycles with the chain output fed back to its input; at shift
// step s the bit leaving is chain position N-1-s, and it is inverted on its way back in when
// N-1-s == i_inj_bit (and i_inj_flip is set). Every bit shifted back in also appears on
// o_dump_bit (o_dump_valid high), so the rotation reads out the state after the flip, highest
// chain position first. Then the run resumes, or with i_inj_hold stays frozen (HOLD) until
// i_resume. i_dump rotates once without a flip from HOLD, DONE or HANG (a readout).
// Watchdog: a run whose counter reaches i_budget before the core is done ends in HANG; the core
// is held in reset there, and the next run starts from reset as always.
// Arming a running core: i_inj_arm high during a RUN cycle that does not inject latches the
// i_inj_* inputs as if the run had started with them (the core advances on that cycle as usual,
// so i_inj_cycle must be later than the current count). The simulator uses it to inject from a
// checkpoint of the golden run (verilator/rh_sim.cpp); a board ties it low.
module rh_scanctl (
    input wire clk,
    input wire i_rst,
    // Host side
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
    input wire [31:0] i_chain_len,
    output wire [2:0] o_state,
    output wire [31:0] o_cycles,
    output wire o_dump_valid,
    output wire o_dump_bit,
    // Core side
    input wire i_core_done,
    input wire i_core_so,
    output wire o_core_rst,
    output wire o_core_ce,
    output wire o_core_start,
    output wire o_scan_en,
    output wire o_scan_si
);
    localparam [2:0] S_IDLE = 3'd0, S_RST = 3'd1, S_RUN = 3'd2, S_SCAN = 3'd3, S_HOLD = 3'd4,
                     S_DONE = 3'd5, S_HANG = 3'd6;

    reg [2:0] state;
    // The injection record (ret .. hold, and pending) is public to the simulator, which reads
    // it and, while it is dead, sets it aside to compare a faulty state with a golden one
    // (verilator/rh_sim.cpp, same_as_golden); the comments are ignored by synthesis.
    reg [2:0] ret /*verilator public_flat_rw*/;        // state after the rotation
    reg [31:0] cyc;
    reg [31:0] sidx /*verilator public_flat_rw*/;      // shift step within the rotation
    reg pending /*verilator public_flat_rw*/;          // injection armed for this run
    reg flip /*verilator public_flat_rw*/;             // this rotation inverts a bit
    reg [31:0] bitpos /*verilator public_flat_rw*/;
    reg [31:0] tcycle /*verilator public_flat_rw*/;
    reg hold /*verilator public_flat_rw*/;

    // public to the simulator's fast path, which injects at the edge where it is high
    wire run_hit /*verilator public_flat_rd*/ = (state == S_RUN) && !i_core_done && (cyc != i_budget) && pending && (cyc == tcycle);
    wire xor_now = (state == S_SCAN) && flip && (sidx == i_chain_len - 32'd1 - bitpos);

    assign o_core_rst = (state == S_RST) || (state == S_HANG);
    assign o_core_ce = (state == S_RUN) && !i_core_done && (cyc != i_budget) && !run_hit;
    assign o_core_start = (state == S_RUN) && (cyc == 32'd0);
    assign o_scan_en = (state == S_SCAN);
    assign o_scan_si = i_core_so ^ xor_now;
    assign o_dump_valid = (state == S_SCAN);
    assign o_dump_bit = o_scan_si;
    assign o_state = state;
    assign o_cycles = cyc;

    always @(posedge clk) begin
        if (i_rst) begin
            state <= S_IDLE; ret <= S_IDLE; cyc <= 32'd0; sidx <= 32'd0; pending <= 1'b0;
            flip <= 1'b0; bitpos <= 32'd0; tcycle <= 32'd0; hold <= 1'b0;
        end else begin
            case (state)
                S_IDLE, S_DONE, S_HANG, S_HOLD: begin
                    if (i_run && state != S_HOLD) begin
                        state <= S_RST;
                        cyc <= 32'd0;
                        pending <= i_inj_en;
                        bitpos <= i_inj_bit;
                        tcycle <= i_inj_cycle;
                        hold <= i_inj_hold;
                        flip <= i_inj_flip;
                    end else if (i_dump) begin
                        state <= S_SCAN; ret <= state; sidx <= 32'd0; flip <= 1'b0;
                    end else if (i_resume && state == S_HOLD) begin
                        state <= S_RUN;
                    end
                end
                S_RST: state <= S_RUN;
                S_RUN: begin
                    if (i_core_done) state <= S_DONE;
                    else if (cyc == i_budget) state <= S_HANG;
                    else if (run_hit) begin
                        state <= S_SCAN; ret <= hold ? S_HOLD : S_RUN; sidx <= 32'd0;
                        pending <= 1'b0;
                    end else cyc <= cyc + 32'd1;
                    if (i_inj_arm && !run_hit) begin
                        pending <= 1'b1;
                        bitpos <= i_inj_bit;
                        tcycle <= i_inj_cycle;
                        hold <= i_inj_hold;
                        flip <= i_inj_flip;
                    end
                end
                S_SCAN: begin
                    sidx <= sidx + 32'd1;
                    if (sidx == i_chain_len - 32'd1) begin
                        state <= ret; flip <= 1'b0;
                    end
                end
                default: state <= S_IDLE;
            endcase
        end
    end

`ifdef FORMAL
    // Checked with yosys-smtbmc (tests/rtl/formal): a short chain, everything else free.
    reg f_past_valid = 1'b0;
    reg [31:0] f_flips = 32'd0;   // inversions during the current rotation
    always @(posedge clk) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) assume(i_rst);
    (* anyconst *) reg [31:0] f_len;   // the chain length is fixed by the core
    always @(*) assume(i_chain_len == f_len && f_len >= 32'd1 && f_len <= 32'd6);
    always @(posedge clk) begin
        if (state != S_SCAN) f_flips <= 32'd0;
        else if (xor_now) f_flips <= f_flips + 32'd1;
    end
    always @(*) if (f_past_valid) begin
        // the core never runs while the chain shifts, and never shifts while reset
        assert(!(o_core_ce && o_scan_en));
        assert(!(o_core_rst && (o_scan_en || o_core_ce)));
        // a rotation never runs past the chain
        if (state == S_SCAN) assert(sidx < i_chain_len);
        // at most one bit is inverted per rotation
        assert(f_flips <= 32'd1);
        if (state == S_SCAN && f_flips == 32'd1) assert(!xor_now);
        // a rotation returns only to a running or held core, or to a finished one
        if (state == S_SCAN) assert(ret != S_SCAN && ret != S_RST);
        assert(state <= S_HANG);
    end
    // a flip that names a chain bit happens exactly once by the end of its rotation
    always @(posedge clk)
        if (f_past_valid && !$past(i_rst) && $past(state) == S_SCAN && $past(flip) &&
            $past(sidx) == i_chain_len - 32'd1 && $past(bitpos) < i_chain_len)
            assert($past(f_flips) + $past(xor_now) == 32'd1);
    // the cycle counter never moves while the core is frozen
    always @(posedge clk)
        if (f_past_valid && !$past(i_rst) && !$past(o_core_ce) && $past(state) != S_IDLE &&
            $past(state) != S_DONE && $past(state) != S_HANG && $past(state) != S_HOLD)
            assert(cyc == $past(cyc));
    // reachable: an injected flip completes and the run resumes
    always @(posedge clk)
        cover(f_past_valid && $past(state) == S_SCAN && $past(flip) && state == S_RUN &&
              $past(f_flips) + $past(xor_now) == 32'd1);
`endif
endmodule

`default_nettype wire
