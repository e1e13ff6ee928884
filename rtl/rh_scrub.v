// rh_scrub: restores the canonical start state of the core's memories before a run (outside the fault space).
`default_nettype none

// The canonical start state (docs/campaign.md): activation memory all zeros except the input
// image at the start of half 0, every logit zero and marked unwritten. The input comes back
// from a copy kept here: every host write into activation half 0 also lands in the copy.
// i_start (while idle) runs one scrub: 2^(ACT_AW+1) activation writes, then 2^LOG_AW logit
// writes, through the core's host port (2^(ACT_AW+1) + 2^LOG_AW + 1 clocks, o_busy high).
// While idle, the host port passes through; host writes during a scrub are dropped.
module rh_scrub #(
    parameter ACT_AW = 12,
    parameter LOG_AW = 8
) (
    input wire clk,
    input wire i_rst,
    // Control
    input wire i_start,
    input wire [ACT_AW:0] i_in_len,  // input bytes at the start of half 0 (at most 2^ACT_AW)
    output wire o_busy,
    // Host memory port, from the host
    input wire i_hw_we,
    input wire [27:0] i_hw_addr,
    input wire [31:0] i_hw_data,
    // Host memory port, to the core (rtl/rh_core.v: region 4 activations, region 5 logits)
    output wire o_hw_we,
    output wire [27:0] o_hw_addr,
    output wire [31:0] o_hw_data
);
    localparam [1:0] P_IDLE = 2'd0, P_ACT = 2'd1, P_LOG = 2'd2;
    localparam [ACT_AW+1:0] ACT_LAST = {1'b0, {(ACT_AW + 1) {1'b1}}};
    localparam [ACT_AW+1:0] LOG_LAST = {{(ACT_AW + 2 - LOG_AW) {1'b0}}, {LOG_AW{1'b1}}};

    reg [1:0] phase;
    reg [ACT_AW+1:0] k;     // P_ACT: activation address read from the copy; P_LOG: logit address
    reg wr;                 // the activation write of address wa is due (the copy answered)
    reg [ACT_AW:0] wa;

    wire in_we = i_hw_we && phase == P_IDLE && i_hw_addr[27:24] == 4'd4 && !i_hw_addr[ACT_AW];
    wire [7:0] in_q;
    rh_ram #(.AW(ACT_AW), .DW(8)) u_in (
        .clk(clk), .i_re(phase == P_ACT), .i_raddr(k[ACT_AW-1:0]), .o_rdata(in_q),
        .i_we(in_we), .i_waddr(i_hw_addr[ACT_AW-1:0]), .i_wdata(i_hw_data[7:0]));

    wire log_we = phase == P_LOG && !wr;

    always @(posedge clk) begin
        if (i_rst) begin
            phase <= P_IDLE;
            k <= {(ACT_AW + 2) {1'b0}};
            wr <= 1'b0;
            wa <= {(ACT_AW + 1) {1'b0}};
        end else begin
            wr <= phase == P_ACT;
            wa <= k[ACT_AW:0];
            case (phase)
                P_IDLE:
                    if (i_start) begin
                        phase <= P_ACT;
                        k <= {(ACT_AW + 2) {1'b0}};
                    end
                P_ACT:
                    if (k == ACT_LAST) begin
                        phase <= P_LOG;
                        k <= {(ACT_AW + 2) {1'b0}};
                    end else
                        k <= k + 1'b1;
                P_LOG:
                    // the last activation write takes the port in the first cycle here
                    if (log_we) begin
                        if (k == LOG_LAST) phase <= P_IDLE;
                        k <= k + 1'b1;
                    end
                default: phase <= P_IDLE;
            endcase
        end
    end

    wire keep = wa < i_in_len;  // an input byte: restored from the copy
    assign o_busy = phase != P_IDLE;
    assign o_hw_we = wr || log_we || (phase == P_IDLE && i_hw_we);
    assign o_hw_addr = wr ? {4'd4, {(24 - ACT_AW - 1) {1'b0}}, wa}
                     : log_we ? {4'd5, {(24 - LOG_AW) {1'b0}}, k[LOG_AW-1:0]} : i_hw_addr;
    assign o_hw_data = wr ? {24'd0, keep ? in_q : 8'd0} : log_we ? 32'd0 : i_hw_data;
endmodule

`default_nettype wire
