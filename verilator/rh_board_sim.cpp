// rahil: the verilated board design behind the C API of rh_board_sim.h: a host-side UART (or
// the byte interface) on one side, the board's clock on the other. Built with
// -DRH_BOARD_SIM_PINS_ONLY against the bitstream's netlist (verilator/gatesim.mk), it always
// uses the UART pins.
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <new>

#include "Vrh_board.h"
#include "verilated.h"

#include "rh_board_sim.h"

// the array the board design was verilated with (verilator/board_sim.mk)
#if !defined(RH_BOARD_SIM_ROWS) || !defined(RH_BOARD_SIM_COLS)
#error "build with -DRH_BOARD_SIM_ROWS=... -DRH_BOARD_SIM_COLS=... (verilator/board_sim.mk)"
#endif
#ifndef RH_BOARD_SIM_CLKS_PER_BIT
#define RH_BOARD_SIM_CLKS_PER_BIT 4
#endif
#ifndef RH_BOARD_SIM_CLK_HZ
#define RH_BOARD_SIM_CLK_HZ 12000000u
#endif
#ifndef RH_BOARD_SIM_TIMEOUT_CLKS
#define RH_BOARD_SIM_TIMEOUT_CLKS 12000u
#endif

namespace
{

constexpr int kCpb = RH_BOARD_SIM_CLKS_PER_BIT;
constexpr uint64_t kByteDelay = 16;

// Host side of an 8N1 line: sends queued bytes back to back, receives the board's bytes.
struct Line {
	// Transmitter: the 10 bits of the current byte, each kCpb clocks.
	int tx_bit = -1; // bit being sent (0 start, 1..8 data, 9 stop), -1 idle
	int tx_cnt = 0;
	uint16_t tx_frame = 0;
	// Receiver: samples the board's pin in the middle of each bit.
	int rx_bit = -1;
	int rx_cnt = 0;
	uint8_t rx_byte = 0;
	int prev = 1;
};

struct Item {
	uint8_t byte;
	bool bad_stop;
};

} // namespace

struct rh_board_sim {
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Vrh_board> top;
	bool uart = false;
	std::deque<Item> in;
	std::deque<uint8_t> out;
	Line line;
	uint64_t clocks = 0;
	bool byte_gap = false; // byte interface: a clock without a byte after each byte
	// Byte interface: bytes the board sent, reaching the host kByteDelay clocks later (a UART
	// delivers a byte's last bit well after the transmitter took it; without the delay a host
	// could answer before the board has released the request it just answered).
	std::deque<std::pair<uint64_t, uint8_t>> delayed;
};

namespace
{

// Drive the inputs for the next rising edge.
void drive(rh_board_sim *s)
{
	Vrh_board *t = s->top.get();
	if (!s->uart) {
		t->i_rx_valid = 0;
		if (s->byte_gap)
			s->byte_gap = false;
		else if (!s->in.empty()) {
			t->i_rx_data = s->in.front().byte;
			t->i_rx_valid = 1;
			s->in.pop_front();
			s->byte_gap = true;
		}
		return;
	}
	Line &l = s->line;
	if (l.tx_bit < 0 && !s->in.empty()) {
		Item it = s->in.front();
		s->in.pop_front();
		l.tx_frame = (uint16_t)((it.bad_stop ? 0u : 1u) << 9 | (unsigned)it.byte << 1);
		l.tx_bit = 0;
		l.tx_cnt = 0;
	}
	if (l.tx_bit < 0) {
		t->i_rx = 1;
		return;
	}
	t->i_rx = (l.tx_frame >> l.tx_bit) & 1u;
	if (++l.tx_cnt == kCpb) {
		l.tx_cnt = 0;
		if (++l.tx_bit == 10)
			l.tx_bit = -1;
	}
}

// Sample the board's pin after an edge: a falling edge starts a byte; bit k (0 start, 1..8
// data, 9 stop) is sampled kCpb/2 clocks into its bit time.
void sample_line(rh_board_sim *s)
{
	Line &l = s->line;
	int v = s->top->o_tx;
	if (l.rx_bit < 0) {
		if (l.prev == 1 && v == 0) {
			l.rx_bit = 0;
			l.rx_cnt = 0;
			l.rx_byte = 0;
		}
	} else if (++l.rx_cnt == l.rx_bit * kCpb + kCpb / 2) {
		if (l.rx_bit >= 1 && l.rx_bit <= 8)
			l.rx_byte = (uint8_t)(l.rx_byte | (v << (l.rx_bit - 1)));
		if (l.rx_bit == 9) {
			if (v == 1)
				s->out.push_back(l.rx_byte);
			l.rx_bit = -1;
		} else
			l.rx_bit++;
	}
	l.prev = v;
}

void tick(rh_board_sim *s)
{
	Vrh_board *t = s->top.get();
	drive(s);
	t->clk = 0;
	t->eval();
	bool take = !s->uart && t->o_tx_valid;
	uint8_t b = t->o_tx_data;
	t->clk = 1;
	t->eval();
	if (take)
		s->delayed.emplace_back(s->clocks + kByteDelay, b);
	while (!s->delayed.empty() && s->delayed.front().first <= s->clocks) {
		s->out.push_back(s->delayed.front().second);
		s->delayed.pop_front();
	}
	if (s->uart)
		sample_line(s);
	s->clocks++;
}

} // namespace

extern "C" {

int rh_board_sim_create(struct rh_board_sim **out, unsigned flags, struct rh_err *err)
{
	*out = nullptr;
	rh_board_sim *s = new (std::nothrow) rh_board_sim;
	if (!s)
		return rh_err_set(err, RH_E_NOMEM, "board simulator: out of memory");
	s->ctx.reset(new VerilatedContext);
	s->ctx->randReset(0);
	static const char *argv[] = {"rh_board_sim"}; // no plusargs: tracing stays off
	s->ctx->commandArgs(1, argv);
	s->top.reset(new Vrh_board(s->ctx.get(), "rh_board"));
	s->uart = (flags & RH_BOARD_SIM_UART) != 0;
#ifdef RH_BOARD_SIM_PINS_ONLY
	s->uart = true; // the bitstream's netlist (verilator/gatesim_top.v): no byte interface
#endif
	Vrh_board *t = s->top.get();
	t->i_byte_mode = s->uart ? 0 : 1;
	t->i_tx_ready = 1;
	t->i_rx = 1;
	rh_board_sim_reset(s);
	*out = s;
	return 0;
}

void rh_board_sim_destroy(struct rh_board_sim *s)
{
	if (!s)
		return;
	// Verilator 5.006 unregisters a model's scopes through the thread's current context,
	// which is whichever context ran last: make it this model's own before destroying.
	Verilated::threadContextp(s->ctx.get());
	s->top->final();
	s->top.reset(); // the model before its context
	s->ctx.reset();
	delete s;
}

void rh_board_sim_info(const struct rh_board_sim *s, struct rh_board_sim_info *info)
{
	(void)s;
	info->rows = RH_BOARD_SIM_ROWS;
	info->cols = RH_BOARD_SIM_COLS;
	info->clks_per_bit = kCpb;
	info->clk_hz = RH_BOARD_SIM_CLK_HZ;
	info->timeout_clks = RH_BOARD_SIM_TIMEOUT_CLKS;
}

void rh_board_sim_reset(struct rh_board_sim *s)
{
	s->top->i_rst = 1;
	for (int i = 0; i < 4; i++)
		tick(s);
	s->top->i_rst = 0;
	tick(s);
#ifdef RH_BOARD_SIM_PINS_ONLY
	// the reset is icebreaker_top's button: its power-on reset holds the board 16 clocks more
	for (int i = 0; i < 16; i++)
		tick(s);
#endif
}

void rh_board_sim_push(struct rh_board_sim *s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s->in.push_back(Item{p[i], false});
}

void rh_board_sim_push_bad_stop(struct rh_board_sim *s, uint8_t b)
{
	s->in.push_back(Item{b, s->uart});
}

size_t rh_board_sim_pull(struct rh_board_sim *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (n < cap && !s->out.empty()) {
		out[n++] = s->out.front();
		s->out.pop_front();
	}
	return n;
}

size_t rh_board_sim_pending_out(const struct rh_board_sim *s)
{
	return s->out.size();
}

void rh_board_sim_step(struct rh_board_sim *s, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		tick(s);
}

uint64_t rh_board_sim_step_until(struct rh_board_sim *s, size_t want, uint64_t max)
{
	uint64_t n = 0;
	while (n < max && s->out.size() < want) {
		tick(s);
		n++;
	}
	return n;
}

int rh_board_sim_busy(const struct rh_board_sim *s)
{
	const Vrh_board *t = s->top.get();
	return !s->in.empty() || !s->delayed.empty() || s->line.tx_bit >= 0 || s->line.rx_bit >= 0 || t->o_req_busy ||
	       t->o_core_busy;
}

uint64_t rh_board_sim_clocks(const struct rh_board_sim *s)
{
	return s->clocks;
}

} // extern "C"
