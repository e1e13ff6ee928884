// rahil: Verilator test of the link test design (firmware/link_top.v) through its UART pins:
// identify, echo, every error frame, and random byte streams that must never wedge it.
// The host side uses the real frame code (host/link/protocol.c). Ends with "N passed, N failed,
// N skipped"; +trace writes build/tb_link.vcd.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <vector>

#include "Vlink_top.h"
#include "verilated.h"
#include "verilated_vcd_c.h"

extern "C" {
#include "protocol.h"
}

#ifndef TB_CLKS_PER_BIT
#define TB_CLKS_PER_BIT 4
#endif
#ifndef TB_TIMEOUT_CLKS
#define TB_TIMEOUT_CLKS 400
#endif

namespace
{

// The board design with a host-side UART on its pins.
class Board
{
      public:
	explicit Board(VerilatedContext *ctx) : top_(new Vlink_top(ctx)), ctx_(ctx)
	{
		parser_.reset(new rh_proto_parser);
		rh_proto_parser_init(parser_.get());
		top_->i_rx = 1;
		top_->i_rst = 1;
		for (int i = 0; i < 8; i++)
			tick();
		top_->i_rst = 0;
	}
	~Board()
	{
		if (vcd_)
			vcd_->close();
		top_->final();
	}
	void trace(const char *path)
	{
		Verilated::traceEverOn(true);
		vcd_.reset(new VerilatedVcdC);
		top_->trace(vcd_.get(), 99);
		vcd_->open(path);
	}

	// One clock: drive the host's line bit, sample the board's line.
	void tick()
	{
		drive_line();
		top_->clk = 0;
		top_->eval();
		if (vcd_)
			vcd_->dump(ctx_->time());
		ctx_->timeInc(1);
		top_->clk = 1;
		top_->eval();
		if (vcd_)
			vcd_->dump(ctx_->time());
		ctx_->timeInc(1);
		clocks_++;
		sample_line();
	}

	void send(const uint8_t *p, size_t n)
	{
		tx_.insert(tx_.end(), p, p + n);
	}
	void send_bad_stop(uint8_t b)
	{
		tx_bad_stop_.push_back(tx_.size()), tx_.push_back(b);
	}
	bool tx_idle() const
	{
		return tx_.empty() && tx_bit_ < 0;
	}

	// Run until the host has sent everything and one frame (or a parser error) came back,
	// at most max_clocks. Returns 1 frame, 0 timeout, <0 parser error.
	int recv(rh_frame *f, uint64_t max_clocks)
	{
		for (uint64_t c = 0; c < max_clocks; c++) {
			int r = rh_proto_next(parser_.get(), f, nullptr);
			if (r)
				return r;
			if (!rx_bytes_.empty()) {
				uint8_t b = rx_bytes_.front();
				rx_bytes_.pop_front();
				rh_proto_feed(parser_.get(), &b, 1);
				continue;
			}
			tick();
		}
		return 0;
	}
	void run(uint64_t clocks)
	{
		for (uint64_t c = 0; c < clocks; c++)
			tick();
	}
	uint64_t clocks() const
	{
		return clocks_;
	}
	rh_proto_parser *parser()
	{
		return parser_.get();
	}
	void drain_bytes()
	{
		while (!rx_bytes_.empty()) {
			uint8_t b = rx_bytes_.front();
			rx_bytes_.pop_front();
			rh_proto_feed(parser_.get(), &b, 1);
		}
	}

      private:
	void drive_line()
	{
		if (tx_bit_ < 0) {
			if (tx_.empty()) {
				top_->i_rx = 1;
				return;
			}
			bool bad = !tx_bad_stop_.empty() && tx_bad_stop_.front() == 0;
			if (bad)
				tx_bad_stop_.pop_front();
			for (auto &k : tx_bad_stop_)
				k--;
			tx_word_ = (uint16_t)((bad ? 0 : 0x200) | (tx_.front() << 1));
			tx_.pop_front();
			tx_bit_ = 0;
			tx_cnt_ = 0;
		}
		top_->i_rx = (tx_word_ >> tx_bit_) & 1;
		if (++tx_cnt_ == TB_CLKS_PER_BIT) {
			tx_cnt_ = 0;
			if (++tx_bit_ == 10)
				tx_bit_ = -1;
		}
	}
	void sample_line()
	{
		int line = top_->o_tx;
		if (rx_bit_ < 0) {
			if (!line) {
				rx_bit_ = 0;
				rx_cnt_ = 0;
			}
			return;
		}
		// Sample in the middle of each bit.
		if (++rx_cnt_ == TB_CLKS_PER_BIT / 2 + TB_CLKS_PER_BIT * rx_bit_) {
			if (rx_bit_ >= 1 && rx_bit_ <= 8)
				rx_word_ = (uint8_t)((rx_word_ >> 1) | (line << 7));
			if (rx_bit_ == 9) {
				if (!line)
					framing_errors++;
				rx_bytes_.push_back(rx_word_);
				rx_bit_ = -1;
				return;
			}
			rx_bit_++;
		}
	}

	std::unique_ptr<Vlink_top> top_;
	VerilatedContext *ctx_;
	std::unique_ptr<VerilatedVcdC> vcd_;
	std::unique_ptr<rh_proto_parser> parser_;
	std::deque<uint8_t> tx_;
	std::deque<size_t> tx_bad_stop_;
	uint16_t tx_word_ = 0;
	int tx_bit_ = -1, tx_cnt_ = 0;
	int rx_bit_ = -1, rx_cnt_ = 0;
	uint8_t rx_word_ = 0;
	std::deque<uint8_t> rx_bytes_;
	uint64_t clocks_ = 0;

      public:
	int framing_errors = 0;
};

const uint64_t kByte = 10 * TB_CLKS_PER_BIT;

struct Ctx {
	VerilatedContext *vctx;
	bool trace;
};

#define CHECK(c)                                                                                                       \
	do {                                                                                                           \
		if (!(c)) {                                                                                            \
			fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #c);                        \
			return false;                                                                                  \
		}                                                                                                      \
	} while (0)

void send_frame(Board &b, uint8_t seq, uint8_t op, const uint8_t *p, size_t n)
{
	std::vector<uint8_t> buf(RH_PROTO_MAX_FRAME);
	size_t len = 0;
	if (rh_proto_encode(seq, op, p, n, buf.data(), buf.size(), &len, nullptr) == 0)
		b.send(buf.data(), len);
}

// Send a request and wait for its answer frame.
bool transact(Board &b, uint8_t seq, uint8_t op, const uint8_t *p, size_t n, rh_frame *f)
{
	send_frame(b, seq, op, p, n);
	int r = b.recv(f, (n + 1100) * kByte + 4 * TB_TIMEOUT_CLKS);
	if (r != 1)
		fprintf(stderr, "  no answer to op 0x%02x seq %u (recv %d)\n", op, seq, r);
	return r == 1;
}

bool expect_error(Board &b, uint8_t seq, uint8_t code, uint8_t op, int detail)
{
	std::unique_ptr<rh_frame> f(new rh_frame);
	int r = b.recv(f.get(), 2000 * kByte + 4 * TB_TIMEOUT_CLKS);
	CHECK(r == 1);
	CHECK(f->op == RH_PROTO_OP_ERROR);
	rh_perror e;
	CHECK(rh_perror_parse(f->payload, f->len, &e, nullptr) == 0);
	if (e.code != code || f->seq != seq || e.op != op || (detail >= 0 && e.detail != detail)) {
		fprintf(stderr,
		        "  error frame seq %u code %s op 0x%02x detail %u, expected seq %u "
		        "code %s op 0x%02x detail %d\n",
		        f->seq, rh_perr_name(e.code), e.op, e.detail, seq, rh_perr_name(code), op, detail);
		return false;
	}
	return true;
}

bool identify_ok(Board &b, uint8_t seq)
{
	std::unique_ptr<rh_frame> f(new rh_frame);
	CHECK(transact(b, seq, RH_CMD_IDENTIFY, nullptr, 0, f.get()));
	CHECK(f->op == (RH_CMD_IDENTIFY | RH_PROTO_OP_RESPONSE));
	CHECK(f->seq == seq);
	rh_identify id;
	rh_err err;
	if (rh_identify_parse(f->payload, f->len, &id, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		return false;
	}
	CHECK(id.max_payload == RH_PROTO_MAX_PAYLOAD);
	CHECK(id.clk_hz == 12000000);
	CHECK((id.flags & RH_ID_F_CORE) == 0);
	return true;
}

bool t_identify(Ctx &c)
{
	Board b(c.vctx);
	if (c.trace)
		b.trace("build/tb_link.vcd");
	return identify_ok(b, 0) && identify_ok(b, 1) && identify_ok(b, 255);
}

bool t_echo(Ctx &c)
{
	Board b(c.vctx);
	std::unique_ptr<rh_frame> f(new rh_frame);
	const size_t lens[] = {0, 1, 2, 17, 255, 256, RH_PROTO_MAX_PAYLOAD};
	uint32_t s = 99;
	uint8_t seq = 10;
	for (size_t len : lens) {
		std::vector<uint8_t> p(len + 1);
		for (auto &x : p)
			x = (uint8_t)((s = s * 1103515245u + 12345u) >> 16);
		CHECK(transact(b, seq, RH_CMD_ECHO, p.data(), len, f.get()));
		CHECK(f->op == (RH_CMD_ECHO | RH_PROTO_OP_RESPONSE));
		CHECK(f->seq == seq);
		CHECK(f->len == len);
		CHECK(memcmp(f->payload, p.data(), len) == 0);
		seq++;
	}
	CHECK(b.parser()->bad_crc == 0 && b.parser()->garbage == 0 && b.framing_errors == 0);
	return true;
}

bool t_op_errors(Ctx &c)
{
	Board b(c.vctx);
	send_frame(b, 3, RH_CMD_RUN, nullptr, 0);
	CHECK(expect_error(b, 3, RH_PERR_NO_CORE, RH_CMD_RUN, 0));
	send_frame(b, 4, 0x55, nullptr, 0);
	CHECK(expect_error(b, 4, RH_PERR_UNKNOWN_OP, 0x55, 0));
	const uint8_t one = 1;
	send_frame(b, 5, RH_CMD_IDENTIFY, &one, 1);
	CHECK(expect_error(b, 5, RH_PERR_BAD_ARG, RH_CMD_IDENTIFY, 1));
	return identify_ok(b, 6);
}

bool t_bad_crc(Ctx &c)
{
	Board b(c.vctx);
	uint8_t fr[16];
	size_t n;
	const uint8_t p[2] = {1, 2};
	CHECK(rh_proto_encode(21, RH_CMD_ECHO, p, 2, fr, sizeof(fr), &n, nullptr) == 0);
	fr[n - 1] ^= 0x10;
	b.send(fr, n);
	CHECK(expect_error(b, 21, RH_PERR_BAD_CRC, RH_CMD_ECHO, rh_get_u16(fr + n - 2)));
	return identify_ok(b, 22);
}

bool t_bad_len(Ctx &c)
{
	Board b(c.vctx);
	const uint8_t hdr[5] = {RH_PROTO_SOF, 31, RH_CMD_LOAD_MODEL, 0x01, 0x04}; // 1025
	b.send(hdr, 5);
	CHECK(expect_error(b, 31, RH_PERR_BAD_LEN, RH_CMD_LOAD_MODEL, 1025));
	return identify_ok(b, 32);
}

bool t_truncated(Ctx &c)
{
	Board b(c.vctx);
	uint8_t fr[64];
	size_t n;
	const uint8_t p[20] = {0};
	CHECK(rh_proto_encode(41, RH_CMD_ECHO, p, 20, fr, sizeof(fr), &n, nullptr) == 0);
	b.send(fr, 12); // header and 7 of 20 payload bytes, then silence
	CHECK(expect_error(b, 41, RH_PERR_TRUNCATED, RH_CMD_ECHO, 7));
	return identify_ok(b, 42);
}

bool t_framing(Ctx &c)
{
	Board b(c.vctx);
	uint8_t fr[16];
	size_t n;
	CHECK(rh_proto_encode(51, RH_CMD_IDENTIFY, nullptr, 0, fr, sizeof(fr), &n, nullptr) == 0);
	b.send(fr, 3);
	b.send_bad_stop(0x00);
	CHECK(expect_error(b, 51, RH_PERR_FRAMING, RH_CMD_IDENTIFY, -1));
	return identify_ok(b, 52);
}

// Random byte streams: whatever comes in, every byte the board sends is part of a valid
// frame, and once the line goes quiet the board answers IDENTIFY at the first try.
bool t_garbage_never_wedges(Ctx &c)
{
	Board b(c.vctx);
	std::unique_ptr<rh_frame> f(new rh_frame);
	uint32_t s = 2026;
	unsigned frames_out = 0;
	long garbage_bytes = 0;
	for (int round = 0; round < 60; round++) {
		size_t n = 1 + ((s = s * 1103515245u + 12345u) >> 16) % 600;
		std::vector<uint8_t> g(n);
		int mode = round % 3; // 0 uniform, 1 many start bytes, 2 frame-like headers
		for (size_t i = 0; i < n; i++) {
			uint32_t r = (s = s * 1103515245u + 12345u) >> 8;
			g[i] = (uint8_t)r;
			if (mode == 1 && (r & 0x300) == 0)
				g[i] = RH_PROTO_SOF;
			if (mode == 2 && i + 5 < n && (r & 0xF00) == 0) {
				g[i] = RH_PROTO_SOF;
				g[i + 3] = (uint8_t)(r >> 16); // short lengths: CRC errors, not BAD_LEN
				g[i + 4] = (r & 0x1000) ? 0 : (uint8_t)(r >> 20);
				i += 4;
			}
		}
		if (round % 7 == 3)
			b.send_bad_stop(0x00);
		b.send(g.data(), g.size());
		garbage_bytes += (long)n;
		// Drain everything the board says, for as long as it keeps talking.
		uint64_t quiet_need = 2 * TB_TIMEOUT_CLKS + 30 * kByte;
		for (;;) {
			int r = b.recv(f.get(), quiet_need + n * kByte);
			if (r == 0)
				break;
			CHECK(r == 1); // the board's own output is never corrupt
			frames_out++;
			CHECK(f->op == RH_PROTO_OP_ERROR || (f->op & RH_PROTO_OP_RESPONSE));
		}
		CHECK(b.tx_idle());
		b.drain_bytes();
		int r = rh_proto_end(b.parser(), nullptr);
		CHECK(r == 0); // nothing half-sent by the board
		if (!identify_ok(b, (uint8_t)round)) {
			fprintf(stderr, "  board silent after garbage round %d\n", round);
			return false;
		}
	}
	CHECK(b.parser()->bad_crc == 0 && b.parser()->bad_len == 0 && b.parser()->truncated == 0 &&
	      b.framing_errors == 0);
	CHECK(frames_out > 20); // the garbage did provoke error frames
	printf("     %ld garbage bytes, %u frames answered, %llu clocks\n", garbage_bytes, frames_out,
	       (unsigned long long)b.clocks());
	return true;
}

struct Case {
	const char *name;
	bool (*fn)(Ctx &);
};

const Case kCases[] = {
    {"identify", t_identify},   {"echo", t_echo},
    {"op_errors", t_op_errors}, {"bad_crc", t_bad_crc},
    {"bad_len", t_bad_len},     {"truncated", t_truncated},
    {"framing", t_framing},     {"garbage_never_wedges", t_garbage_never_wedges},
};

} // namespace

int main(int argc, char **argv)
{
	std::unique_ptr<VerilatedContext> vctx(new VerilatedContext);
	vctx->commandArgs(argc, argv);
	Ctx c{vctx.get(), false};
	const char *filter = nullptr;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "+trace"))
			c.trace = true;
		else if (argv[i][0] != '+')
			filter = argv[i];
	}
	unsigned pass = 0, fail = 0, declared = 0; // tests/run-suites.sh compares declared
	for (const Case &k : kCases)
		declared += !filter || strstr(k.name, filter);
	printf("declared: %u tests\n", declared);
	for (const Case &k : kCases) {
		if (filter && !strstr(k.name, filter))
			continue;
		bool ok = k.fn(c);
		printf("%-4s link/%s\n", ok ? "ok" : "FAIL", k.name);
		fflush(stdout);
		(ok ? pass : fail)++;
	}
	printf("%u passed, %u failed, 0 skipped\n", pass, fail);
	return fail ? 1 : 0;
}
