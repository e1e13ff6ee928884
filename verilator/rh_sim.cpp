// rahil: one verilated parameter set behind the C API of rh_sim.h, one VerilatedContext per handle.
//
// Built once per set (rtl/rtl.mk), with the set's model classes named by macros: RH_VL_MODEL
// (fast, no tracing) and RH_VL_TR_MODEL (--trace-fst, about 3.5x slower; sets built without it
// define RH_SIM_NO_TRACE). A handle uses the traceable one only when created with
// RH_SIM_TRACEABLE. The code below is written once as templates over the model class; the only
// symbol a build exports is its table, RH_SIM_SET_SYM (struct rh_sim_set).
#include "rh_sim.h"

#include <algorithm>
#include <atomic>
#include <list>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

#if !defined(RH_VL_MODEL) || !defined(RH_VL_HDR) || !defined(RH_VL_ROOT_HDR) || !defined(RH_SIM_SET_SYM)
#error "build with the set's macros (rtl/rtl.mk)"
#endif
#include RH_VL_HDR
#include RH_VL_ROOT_HDR // the scan controller's registers (same_as_golden)
// The FF map of the parameter set this harness is built for (rtl/rtl.mk: rh_ffmap_<set>).
#ifndef RH_FFMAP_BUILT
#error "build with -DRH_FFMAP_BUILT=rh_ffmap_<set>"
#endif
extern "C" const struct rh_ffmap RH_FFMAP_BUILT;
extern "C" {
#include "refmodel.h"
}
#include "verilated.h"
#ifndef RH_SIM_NO_TRACE
#include RH_VL_TR_HDR
#include RH_VL_TR_ROOT_HDR
#include "verilated_fst_c.h"
using Vrh_fi_tr = RH_VL_TR_MODEL;
#else
// Built without the traceable model (RH_SIM_NO_TRACE): stand-ins that are never instantiated.
class VerilatedFstC
{
      public:
	void dump(uint64_t)
	{
	}
	void close()
	{
	}
};
#endif
using Vrh_fi = RH_VL_MODEL;
#ifdef RH_SIM_NO_TRACE
using Vrh_fi_tr = Vrh_fi;
#endif

// Verilator's settle region (static evaluation of every combinational signal from the state),
// for the fast path's direct injection. Generated as a plain function per model,
// <prefix>___024root___eval_settle, internal to Verilator 5.006: a version that renames it
// fails this build, it cannot go unnoticed.
#if !defined(RH_VL_SETTLE) || !defined(RH_FLIPTAB_HDR)
#error "build with the set's macros (rtl/rtl.mk)"
#endif
using Vrh_fi_root = std::remove_pointer<decltype(Vrh_fi::rootp)>::type;
using Vrh_fi_tr_root = std::remove_pointer<decltype(Vrh_fi_tr::rootp)>::type;
void RH_VL_SETTLE(Vrh_fi_root *vlSelf);
#ifndef RH_SIM_NO_TRACE
void RH_VL_TR_SETTLE(Vrh_fi_tr_root *vlSelf);
#endif

namespace
{

// rh_scanctl states (rtl/rh_scanctl.v).
enum { ST_IDLE = 0, ST_RST = 1, ST_RUN = 2, ST_SCAN = 3, ST_HOLD = 4, ST_DONE = 5, ST_HANG = 6 };

struct handle : rh_sim {
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Vrh_fi> fast;
	std::unique_ptr<Vrh_fi_tr> tr;
	std::unique_ptr<VerilatedFstC> fst;
	struct rh_accel_geom geom;
	uint32_t chain_len = 0;
	long model_cycles = 0;
	int n_logits = 0;
	int loaded = 0;
	uint32_t in_len = 0; // input bytes the scrub restores (rh_sim_load_input)
	uint64_t clocks = 0;
	uint8_t *dump = nullptr; // where the current rotation's readout goes
	uint32_t dump_n = 0;
	std::vector<int8_t> input; // the input written last (rh_sim_load_input)
	// rh_sim_run_faults: the canonical start state (s0) and checkpoints of the golden run from
	// it: model state before the clock edge at which the cycle counter leaves ck_cycle[i].
	// The fast mode's finish on the reference model (finish_on_ref): the model loaded last (its
	// owner keeps it alive while the handle runs it), its reference inference, the cycle at which
	// each layer's descriptor load starts (the schedule), and where the activation memory's copies
	// lie in the model's root object (offset, size), with the ranges around them.
	const struct rh_model *m = nullptr;
	struct rh_ref ref;
	bool have_ref = false;
	std::vector<long> layer_start, feed_start; // each layer's descriptor load and first feed
	// The finish within a layer (mid_layer_input), from the golden run of the loaded input: the
	// reference model's activations layer by layer (act_ref[l]: what layer l reads), whether the
	// memory held them where layer l starts (ref_ok[l]), and per layer the last cycle at which
	// the golden run wrote each activation word, plus one (last_write[l][address]; 0: never).
	std::vector<std::vector<int8_t>> act_ref;
	std::vector<char> ref_ok;
	std::vector<std::vector<uint32_t>> last_write;
	struct span {
		size_t root, len, snap; // offset in the root object, length, offset in a snapshot
	};
	std::vector<span> held, act, non_act; // find_layout
	size_t held_len = 0;
	// the core's state proper, for the liveness harness: every chain register's member and every
	// memory the core writes (activations, logits), packed (snap: the offset in the packing)
	std::vector<span> core;
	std::vector<int> core_cls; // each span's flip-flop class (enum rh_ff_class), -1 for a memory
	size_t core_len = 0;
	struct snapshot {
		std::vector<uint8_t> bytes; // the model's root object (save_state)
		uint64_t time;              // the context's simulation time
	};
	snapshot s0;
	std::vector<snapshot> ck;
	std::vector<uint32_t> ck_cycle;
	std::vector<int> ck_layer; // the layer whose descriptor load starts at the checkpoint, or -1
	struct rh_result golden;   // the golden run's result from s0, and its final state
	snapshot s_end;
	struct scan_record {
		uint32_t sidx, bitpos, tcycle;
		uint8_t ret, flip, hold;
	} golden_scan; // the golden run's scan-controller record (see same_as_golden)
	// The golden runs kept (keep_golden): everything above that rh_sim_run_faults derives from
	// one input's golden run, for the next call on the same input and replay mode, up to
	// KEPT_CAP bytes in all the process's simulators (kept_total): a campaign that stops on its
	// interval hands the back-end each image once per round of draws, and a golden run costs as
	// many clocks as some ten faults. Dropped when another model is loaded or the handle goes.
	struct kept_run {
		std::vector<int8_t> input;
		uint32_t budget;
		int replay;
		size_t bytes;
		snapshot s0, s_end;
		std::vector<snapshot> ck;
		std::vector<uint32_t> ck_cycle;
		std::vector<int> ck_layer;
		struct rh_result golden;
		scan_record golden_scan;
		std::vector<std::vector<int8_t>> act_ref;
		std::vector<char> ref_ok;
		std::vector<std::vector<uint32_t>> last_write;
	};
	static constexpr size_t KEPT_CAP = (size_t)768 << 20;
	std::list<kept_run> kept;
	size_t kept_bytes = 0;
	void drop_kept();
	~handle()
	{
		drop_kept();
	}
};

std::atomic<size_t> kept_total{0}; // bytes of golden runs kept by every handle

void handle::drop_kept()
{
	kept_total -= kept_bytes;
	kept.clear();
	kept_bytes = 0;
}

// One clock: evaluate low (sample combinational outputs), then the rising edge.
template <class T> void tick(handle *s, T *t)
{
	t->clk = 0;
	t->eval();
	if (s->fst)
		s->fst->dump(s->ctx->time());
	s->ctx->timeInc(1);
	if (t->o_dump_valid && s->dump && s->dump_n < s->chain_len) {
		// the k-th bit shifted back in is chain position N-1-k
		s->dump[s->chain_len - 1 - s->dump_n] = (uint8_t)t->o_dump_bit;
		s->dump_n++;
	}
	t->clk = 1;
	t->eval();
	if (s->fst)
		s->fst->dump(s->ctx->time());
	s->ctx->timeInc(1);
	s->clocks++;
}

template <class T> void clear_inputs(T *t)
{
	t->i_run = 0;
	t->i_inj_en = 0;
	t->i_inj_arm = 0;
	t->i_inj_flip = 0;
	t->i_inj_hold = 0;
	t->i_dump = 0;
	t->i_resume = 0;
	t->i_hw_we = 0;
	t->i_scrub = 0;
}

template <class T> void reset(handle *s, T *t)
{
	clear_inputs(t);
	t->i_rst = 1;
	for (int i = 0; i < 4; i++)
		tick(s, t);
	t->i_rst = 0;
	tick(s, t);
	s->chain_len = t->o_chain_len;
}

template <class T> void host_write(handle *s, T *t, uint32_t addr, uint32_t data)
{
	t->i_hw_we = 1;
	t->i_hw_addr = addr;
	t->i_hw_data = data;
	tick(s, t);
	t->i_hw_we = 0;
}

// The canonical start state of a run (rtl/rh_scrub.v): activation memory zero but for the input,
// restored from the core's copy of it, logits zero and unwritten. The run's own start then
// resets every core flip-flop.
template <class T> void scrub(handle *s, T *t)
{
	t->i_in_len = s->in_len;
	t->i_scrub = 1;
	tick(s, t);
	t->i_scrub = 0;
	while (t->o_scrub_busy)
		tick(s, t);
}

// Tick until the scan controller reaches DONE, HANG or HOLD; then collect the results: a run
// that is done but did not write all its logits is a crash.
template <class T> void finish(handle *s, T *t, struct rh_result *res)
{
	for (;;) {
		int st = t->o_state;
		if (st == ST_DONE || st == ST_HANG || st == ST_HOLD)
			break;
		tick(s, t);
	}
	s->dump = nullptr;
	int st = t->o_state;
	memset(res, 0, sizeof(*res));
	res->cycles = t->o_cycles;
	res->n_logits = s->n_logits;
	res->cls = -1;
	if (st == ST_HOLD) {
		res->end = RH_RUN_HELD;
		return;
	}
	if (st == ST_HANG) {
		res->end = RH_RUN_HANG;
		return;
	}
	int written = 0;
	for (int i = 0; i < s->n_logits; i++) {
		t->i_hr_addr = (uint32_t)i;
		tick(s, t);
		res->logits[i] = (int32_t)t->o_hr_data;
		written += t->o_hr_written;
	}
	res->end = written == s->n_logits ? RH_RUN_DONE : RH_RUN_CRASH;
	res->cls = res->end == RH_RUN_DONE ? (int)t->o_class : -1;
}

template <class T>
int run(handle *s, T *t, const struct rh_fault *fault, int hold, uint32_t budget, uint8_t *state, struct rh_result *res)
{
	uint64_t c0 = s->clocks;
	clear_inputs(t);
	scrub(s, t);
	t->i_budget = budget ? budget : (uint32_t)(2 * s->model_cycles + 1024);
	if (fault) {
		t->i_inj_en = 1;
		t->i_inj_flip = fault->no_flip ? 0 : 1;
		t->i_inj_hold = hold ? 1 : 0;
		t->i_inj_bit = fault->bit;
		t->i_inj_cycle = fault->cycle;
	}
	s->dump = state;
	s->dump_n = 0;
	t->i_run = 1;
	tick(s, t);
	clear_inputs(t);
	finish(s, t, res);
	res->clock_cycles = s->clocks - c0;
	return 0;
}

// A model's state, for checkpoints: the bytes of its root object that a run can change, and the
// simulation time. The root object holds every signal, memory word and input and Verilator's
// scheduling state (its only pointers, to the model's symbol table and name, keep their values
// for the model's life); the memories only the host writes (program, parameters, weights, the
// scrub's copy of the input: verilator/gen_fliptab.sh) keep theirs from the host's last write to
// the end of the runs, so a snapshot leaves them out, and it keeps the first of the activation
// memory's copies only (restore writes it to them all): about 12 kB of the 8 x 8 set's 600 kB.
// Saved and restored by copying, compared with memcmp, where Verilator's serialisation
// (--savable) goes word by word; a snapshot is only ever put back into the model it was taken
// from, between the same host writes.
//
// The model's layout (find_layout): the spans of the root object a snapshot holds, packed in
// object order (root offset, length, offset in the snapshot); the activation memory's copies (one
// per array row, every one written alike: rtl/rh_core.v), and the held spans around them.
template <class T> void find_layout(handle *s, T *t)
{
	auto *r = t->rootp;
	const uint8_t *base = reinterpret_cast<const uint8_t *>(r);
	std::vector<handle::span> host;
	s->act.clear();
	s->core.clear();
	s->core_cls.clear();
#define RH_SPAN(member) {(size_t)(reinterpret_cast<const uint8_t *>(&r->member) - base), sizeof(r->member), 0}
#define RH_FLIP_REG(ofs, width, member)                                                                                \
	s->core.push_back(RH_SPAN(member));                                                                            \
	s->core_cls.push_back(rh_ffmap_class_of(&RH_FFMAP_BUILT, ofs));
#define RH_ACT_MEM(member)                                                                                             \
	s->act.push_back(RH_SPAN(member));                                                                             \
	s->core.push_back(RH_SPAN(member));
#define RH_HOST_MEM(member) host.push_back(RH_SPAN(member));
#define RH_LOGIT_MEM(member)                                                                                           \
	s->core.push_back(RH_SPAN(member));                                                                            \
	s->core_cls.push_back(-1);
#include RH_FLIPTAB_HDR
#undef RH_FLIP_REG
#undef RH_ACT_MEM
#undef RH_HOST_MEM
#undef RH_LOGIT_MEM
#undef RH_SPAN
	s->core_len = 0;
	for (auto &c : s->core) {
		c.snap = s->core_len;
		s->core_len += c.len;
	}
	// the held spans: everything but the host's memories
	std::sort(host.begin(), host.end(),
	          [](const handle::span &x, const handle::span &y) { return x.root < y.root; });
	s->held.clear();
	size_t at = 0;
	s->held_len = 0;
	auto hold = [s](size_t from, size_t to) {
		if (to > from) {
			s->held.push_back({from, to - from, s->held_len});
			s->held_len += to - from;
		}
	};
	// nor the activation copies but the first: every copy is written alike, through one write
	// port (rtl/rh_core.v), so a snapshot keeps the first and restore() writes it to them all
	for (size_t g = 1; g < s->act.size(); g++)
		host.push_back(s->act[g]);
	std::sort(host.begin(), host.end(),
	          [](const handle::span &x, const handle::span &y) { return x.root < y.root; });
	for (const auto &h : host) {
		hold(at, h.root);
		at = std::max(at, h.root + h.len);
	}
	hold(at, sizeof(*r));
	// where each activation copy lies in a snapshot, and the held spans without them
	auto snap_of = [s](size_t root) {
		for (const auto &h : s->held)
			if (root >= h.root && root < h.root + h.len)
				return h.snap + (root - h.root);
		return (size_t)-1; // not held: cannot happen (gen_fliptab.sh keeps them apart)
	};
	for (auto &a : s->act)
		a.snap = snap_of(s->act[0].root); // the others are restored from the first
	auto sorted = s->act;
	std::sort(sorted.begin(), sorted.end(),
	          [](const handle::span &x, const handle::span &y) { return x.root < y.root; });
	s->non_act.clear();
	for (const auto &h : s->held) {
		size_t from = h.root, end = h.root + h.len;
		for (const auto &a : sorted) {
			if (a.root + a.len <= from || a.root >= end)
				continue;
			if (a.root > from)
				s->non_act.push_back({from, a.root - from, h.snap + (from - h.root)});
			from = a.root + a.len;
		}
		if (end > from)
			s->non_act.push_back({from, end - from, h.snap + (from - h.root)});
	}
}

template <class T> void save_state(handle *s, T *t, handle::snapshot &out)
{
	const uint8_t *p = reinterpret_cast<const uint8_t *>(t->rootp);
	out.bytes.resize(s->held_len);
	for (const auto &h : s->held)
		memcpy(out.bytes.data() + h.snap, p + h.root, h.len);
	out.time = s->ctx->time();
}

template <class T> void restore(handle *s, T *t, const handle::snapshot &in)
{
	uint8_t *p = reinterpret_cast<uint8_t *>(static_cast<void *>(t->rootp));
	for (const auto &h : s->held)
		memcpy(p + h.root, in.bytes.data() + h.snap, h.len);
	for (size_t g = 1; g < s->act.size(); g++)
		memcpy(p + s->act[g].root, in.bytes.data() + s->act[0].snap, s->act[0].len);
	s->ctx->time(in.time);
}

// Are the model's activation copies all alike (as the one write port keeps them)?
template <class T> bool copies_alike(const handle *s, T *t)
{
	const uint8_t *p = reinterpret_cast<const uint8_t *>(t->rootp);
	for (size_t g = 1; g < s->act.size(); g++)
		if (memcmp(p + s->act[g].root, p + s->act[0].root, s->act[0].len) != 0)
			return false;
	return true;
}

// Every held byte compared, the first activation copy first: a faulty run that has not rejoined
// the golden run mostly differs there or in the registers (the front of the object), so the
// comparison mostly stops within a few kilobytes; then the other copies, against the first.
template <class T> bool same_state(handle *s, T *t, const handle::snapshot &ref)
{
	const uint8_t *p = reinterpret_cast<const uint8_t *>(t->rootp);
	if (!s->act.empty() && memcmp(p + s->act[0].root, ref.bytes.data() + s->act[0].snap, s->act[0].len) != 0)
		return false;
	for (const auto &h : s->held)
		if (memcmp(p + h.root, ref.bytes.data() + h.snap, h.len) != 0)
			return false;
	return copies_alike(s, t);
}

// Do the model's held bytes equal ref's outside the activation memory, and are its copies all
// alike?
template <class T> bool same_but_activations(handle *s, T *t, const handle::snapshot &ref)
{
	const uint8_t *p = reinterpret_cast<const uint8_t *>(t->rootp);
	for (const auto &h : s->non_act)
		if (memcmp(p + h.root, ref.bytes.data() + h.snap, h.len) != 0)
			return false;
	return copies_alike(s, t);
}

// The scan controller's record of an injection (rtl/rh_scanctl.v): what the last rotation
// requested and left. Once a rotation has ended and nothing is pending, it is dead: the next
// rotation or run latches every field anew before reading it. The RTL marks these registers
// public (verilator public_flat_rw), so Verilator keeps them as they are and lets the harness
// write them; a rename there fails this build, it cannot go unnoticed.
template <class T> handle::scan_record scan_record_of(T *t)
{
	auto *r = t->rootp;
	return {r->rh_fi__DOT__u_scan__DOT__sidx,   r->rh_fi__DOT__u_scan__DOT__bitpos,
	        r->rh_fi__DOT__u_scan__DOT__tcycle, r->rh_fi__DOT__u_scan__DOT__ret,
	        r->rh_fi__DOT__u_scan__DOT__flip,   r->rh_fi__DOT__u_scan__DOT__hold};
}

template <class T> void set_scan_record(T *t, const handle::scan_record &v)
{
	auto *r = t->rootp;
	r->rh_fi__DOT__u_scan__DOT__sidx = v.sidx;
	r->rh_fi__DOT__u_scan__DOT__bitpos = v.bitpos;
	r->rh_fi__DOT__u_scan__DOT__tcycle = v.tcycle;
	r->rh_fi__DOT__u_scan__DOT__ret = v.ret;
	r->rh_fi__DOT__u_scan__DOT__flip = v.flip;
	r->rh_fi__DOT__u_scan__DOT__hold = v.hold;
}

// The fast path (RH_REPLAY_FAST) injects without the rotation. At the edge where the scan
// controller would start rotating (rtl/rh_scanctl.v: run_hit high), the harness does in place
// what the whole rotation does to the state: it inverts the struck flip-flop, clears the pending
// injection and settles the combinational logic on the changed flip-flop. The rotation's clocks
// are not spent, and the scan controller's dead record of it (ret, sidx, flip) is not written;
// everything else is the rotation's, bit for bit (check_direct proves it, rh_sim_check_direct).
//
// The struck flip-flop is found from the FF map: the register holding chain position p is a
// Verilator member (verilator/gen_fliptab.sh), bit p - OFS of it.
template <class V> void invert(V &v, uint32_t b)
{
	v = (V)(v ^ ((V)1 << b));
}

template <std::size_t N> void invert(VlWide<N> &v, uint32_t b)
{
	v[b / VL_EDATASIZE] ^= (EData)1 << (b % VL_EDATASIZE);
}

template <class R> struct flip_reg {
	uint32_t ofs, width;
	void (*invert)(R *r, uint32_t b);
};

template <class R> const std::vector<flip_reg<R>> &flip_regs()
{
	static const std::vector<flip_reg<R>> regs = {
#define RH_FLIP_REG(ofs, width, member) {ofs, width, [](R *r, uint32_t b) { invert(r->member, b); }},
#define RH_ACT_MEM(member)
#define RH_HOST_MEM(member)
#define RH_LOGIT_MEM(member)
#include RH_FLIPTAB_HDR
#undef RH_FLIP_REG
#undef RH_ACT_MEM
#undef RH_HOST_MEM
#undef RH_LOGIT_MEM
	};
	return regs;
}

// Invert chain position p (< chain_len: the registers tile the chain from 0, gen_ffmap.sh).
template <class T> void invert_chain_bit(T *t, uint32_t p)
{
	using R = typename std::remove_pointer<decltype(t->rootp)>::type;
	const auto &regs = flip_regs<R>();
	auto it =
	    std::upper_bound(regs.begin(), regs.end(), p, [](uint32_t q, const flip_reg<R> &r) { return q < r.ofs; });
	--it;
	it->invert(t->rootp, p - it->ofs);
}

void settle(Vrh_fi_root *r)
{
	RH_VL_SETTLE(r);
}

#ifndef RH_SIM_NO_TRACE
void settle(Vrh_fi_tr_root *r)
{
	RH_VL_TR_SETTLE(r);
}
#endif

// An armed injection, done directly: tick to the edge at which its rotation would start and do
// there what the rotation does. A run that ends first is left as it is (the rotation would not
// have run either).
template <class T> void inject_direct(handle *s, T *t, const struct rh_fault *f)
{
	auto *r = t->rootp;
	for (;;) {
		int st = t->o_state;
		if (st == ST_DONE || st == ST_HANG || !r->rh_fi__DOT__u_scan__DOT__pending)
			return;
		if (st == ST_RUN && t->o_cycles == r->rh_fi__DOT__u_scan__DOT__tcycle) {
			t->eval(); // run_hit from the state the last edge left (clk stays high: no edge)
			if (r->rh_fi__DOT__u_scan__DOT__run_hit)
				break;
		}
		tick(s, t);
	}
	if (!f->no_flip)
		invert_chain_bit(t, f->bit);
	r->rh_fi__DOT__u_scan__DOT__pending = 0;
	settle(r);
}

// The canonical start state of the runs of one input, saved: every run restores it (or a
// checkpoint of the golden run from it) instead of scrubbing again.
template <class T> void canonical_start(handle *s, T *t)
{
	clear_inputs(t);
	scrub(s, t);
	save_state(s, t, s->s0);
}

// The activations layer L reads (its input, HWC) as the memory holds them: activation half L & 1
// of the first copy (rtl/rh_core.v; host/accel/accel_image.c, layer_desc).
// first: the first copy's place in the buffer (its root or its snapshot offset)
const uint8_t *layer_input(const handle *s, const uint8_t *first, int layer)
{
	return first + ((size_t)(layer & 1) << s->geom.act_aw);
}

size_t layer_input_len(const struct rh_layer *l)
{
	return (size_t)l->in_h * (size_t)l->in_w * (size_t)l->in_c;
}

// The layer whose schedule holds cycle c (its descriptor load started at or before c), or -1.
int layer_of(const handle *s, uint64_t c)
{
	int l = -1;
	for (size_t k = 0; k < s->layer_start.size(); k++)
		if (s->layer_start[k] >= 0 && (uint64_t)s->layer_start[k] <= c)
			l = (int)k;
	return l;
}

// The golden run from the canonical start, with a checkpoint every `every` cycles from cycle
// `every` on and, when layers is set, two where each layer but the first starts: its descriptor
// load (the previous layer has written all its outputs) and its first feed (the descriptor, the
// iterator and the first tile's row registers loaded; no activation read yet). A layer
// checkpoint serves the fast mode's finish on the reference model only where the activations
// the memory holds there are the reference model's, every copy alike (checked here for every
// input; else it is an ordinary checkpoint). With layers set, the run also logs the last cycle
// of each layer at which the core writes each activation word (last_write, for
// mid_layer_input).
template <class T> void golden_checkpoints(handle *s, T *t, uint32_t budget, uint32_t every, bool layers)
{
	std::vector<std::pair<uint32_t, int>> at; // cycle, layer starting there or -1
	for (uint64_t c = every; c < (uint64_t)s->model_cycles; c += every)
		at.emplace_back((uint32_t)c, -1);
	if (layers && s->have_ref)
		for (size_t l = 1; l < s->layer_start.size(); l++) {
			at.emplace_back((uint32_t)s->layer_start[l], (int)l);
			if (s->feed_start[l] >= 0)
				at.emplace_back((uint32_t)s->feed_start[l], (int)l);
		}
	std::sort(at.begin(), at.end(), [](const std::pair<uint32_t, int> &x, const std::pair<uint32_t, int> &y) {
		return x.first != y.first ? x.first < y.first : x.second > y.second;
	});
	s->ck.clear();
	s->ck_cycle.clear();
	s->ck_layer.clear();
	restore(s, t, s->s0);
	clear_inputs(t);
	t->i_budget = budget;
	t->i_inj_bit = 0;
	t->i_inj_cycle = 0;
	t->i_run = 1;
	tick(s, t);
	clear_inputs(t);
	s->golden_scan = scan_record_of(t); // no rotation in this run: it stays as it is now
	bool log = layers && s->have_ref;
	s->last_write.assign(log ? (size_t)s->m->n_layers : 0, std::vector<uint32_t>((size_t)2 << s->geom.act_aw, 0));
	size_t k = 0;
	for (;;) {
		int st = t->o_state;
		if (st == ST_DONE || st == ST_HANG)
			break;
		while (st == ST_RUN && k < at.size() && t->o_cycles == at[k].first) {
			if (s->ck_cycle.empty() || s->ck_cycle.back() != at[k].first) {
				s->ck.emplace_back();
				save_state(s, t, s->ck.back());
				s->ck_cycle.push_back(at[k].first);
				s->ck_layer.push_back(at[k].second >= 0 && copies_alike(s, t) ? at[k].second : -1);
			}
			k++;
		}
		// the write the coming edge makes (the settled write port of the activation copies)
		auto *r = t->rootp;
		if (log && st == ST_RUN && r->rh_fi__DOT__u_core__DOT__act_core_we) {
			int l = layer_of(s, t->o_cycles);
			size_t a = r->rh_fi__DOT__u_core__DOT__act_waddr;
			if (l >= 0 && a < s->last_write[(size_t)l].size())
				s->last_write[(size_t)l][a] = t->o_cycles + 1;
		}
		tick(s, t);
	}
	finish(s, t, &s->golden);
	save_state(s, t, s->s_end);
	s->act_ref.clear();
	s->ref_ok.clear();
	if (!layers || !s->have_ref)
		return;
	// the reference model's activations of this input, layer by layer
	const struct rh_model *m = s->m;
	std::vector<std::vector<int8_t>> act((size_t)m->n_layers);
	act[0] = s->input;
	for (int l = 0; l + 1 < m->n_layers; l++) {
		act[(size_t)l + 1].resize(layer_input_len(&m->layers[l + 1]));
		rh_ref_layer(&m->layers[l], act[(size_t)l].data(), s->ref.acc, act[(size_t)l + 1].data());
	}
	for (size_t j = 0; j < s->ck.size(); j++) {
		int l = s->ck_layer[j];
		if (l < 0)
			continue;
		const uint8_t *snap = s->ck[j].bytes.data();
		bool ok = // (its copies were alike when it was saved)
		    act[(size_t)l].size() == layer_input_len(&m->layers[l]) &&
		    memcmp(layer_input(s, snap + s->act[0].snap, l), act[(size_t)l].data(), act[(size_t)l].size()) == 0;
		if (!ok)
			s->ck_layer[j] = -1;
	}
	s->ref_ok.assign((size_t)m->n_layers, 0);
	for (size_t j = 0; j < s->ck.size(); j++)
		if (s->ck_layer[j] >= 0)
			s->ref_ok[(size_t)s->ck_layer[j]] = 1;
	s->act_ref = std::move(act);
}

// The finish within a layer. A faulty run at checkpoint j, in layer L of the golden run's
// schedule, whose state is the golden run's but for its activations (same_but_activations),
// and whose copy of the activations layer L reads equals the golden run's there: from here the
// core runs the golden run's schedule on the golden run's operands, so it makes the golden run's
// writes for the rest of layer L. At its end, each word of layer L's output holds what the golden
// run leaves there (the reference model's activations, where the golden run's memory held them
// at layer L + 1's start: ref_ok), except a word that differs from the golden run's now and that
// the golden run does not write again in layer L (last_write): it keeps the faulty value. A word
// written again (a pooling window still open, whose stored maximum the next write reads, or a
// word a fault wrote early) leaves the run to go on. On success x holds layer L + 1's input.
template <class T> bool mid_layer_input(handle *s, T *t, size_t j, int layer, std::vector<int8_t> &x)
{
	const struct rh_model *m = s->m;
	if (layer < 0 || layer + 1 >= m->n_layers || !s->ref_ok[(size_t)layer + 1])
		return false;
	const uint8_t *snap = s->ck[j].bytes.data() + s->act[0].snap;
	const uint8_t *mine = reinterpret_cast<const uint8_t *>(t->rootp) + s->act[0].root;
	size_t half = (size_t)1 << s->geom.act_aw;
	if (memcmp(layer_input(s, mine, layer), layer_input(s, snap, layer), half) != 0)
		return false;
	const uint8_t *out = layer_input(s, mine, layer + 1), *gout = layer_input(s, snap, layer + 1);
	size_t base = (size_t)((layer + 1) & 1) << s->geom.act_aw;
	const std::vector<uint32_t> &lw = s->last_write[(size_t)layer];
	x = s->act_ref[(size_t)layer + 1];
	for (size_t w = 0; w < half; w++) {
		if (out[w] == gout[w])
			continue;
		if (lw[base + w] > s->ck_cycle[j])
			return false; // the golden run writes it again from here
		if (w < x.size())
			x[w] = (int8_t)out[w];
	}
	return true;
}

// Is a running faulty run, its injection done, in the golden run's state at checkpoint j?
// The whole model is compared (every flip-flop, every memory word, the inputs) except the scan
// controller's dead record of the injection, which does not steer the run: taken as the golden
// run's for the comparison and put back after it. (The simulation time, which differs when the
// run spent clocks on a rotation, is the context's, not the model's.)
template <class T> bool same_as_golden(handle *s, T *t, size_t j)
{
	if (t->rootp->rh_fi__DOT__u_scan__DOT__pending)
		return false;
	handle::scan_record own = scan_record_of(t);
	set_scan_record(t, s->golden_scan);
	bool same = same_state(s, t, s->ck[j]);
	set_scan_record(t, own);
	return same;
}

// Tick a faulty run to its end; with early stop, compare its state with the golden run's at
// each checkpoint past the fault's cycle (same_as_golden) and stop where they are equal: the
// simulation is deterministic and its inputs are the golden run's from there on, so the run
// would end as the golden run did. Returns 1 when it stopped early (the result is then the
// golden run's), 0 when the run went to its end (the caller collects the result). With early
// stop, a run that is in the golden run's state but for its activations where layer L starts
// (a layer checkpoint) returns 2, one that mid_layer_input finishes within layer L - 1 returns
// 3, each with *layer = L and x the activations layer L reads: the caller finishes it on the
// reference model (finish_on_ref).
template <class T>
int run_to_end(handle *s, T *t, const struct rh_fault *f, int early, int *layer, std::vector<int8_t> &x)
{
	size_t j = (size_t)(std::upper_bound(s->ck_cycle.begin(), s->ck_cycle.end(), f->cycle) - s->ck_cycle.begin());
	for (;;) {
		int st = t->o_state;
		if (st == ST_DONE || st == ST_HANG || st == ST_HOLD)
			return 0;
		if (early && st == ST_RUN && j < s->ck.size() && t->o_cycles >= s->ck_cycle[j]) {
			if (t->o_cycles == s->ck_cycle[j]) {
				if (same_as_golden(s, t, j))
					return 1;
				if (s->have_ref && !s->act_ref.empty() && !t->rootp->rh_fi__DOT__u_scan__DOT__pending) {
					handle::scan_record own = scan_record_of(t);
					set_scan_record(t, s->golden_scan);
					bool near = same_but_activations(s, t, s->ck[j]);
					set_scan_record(t, own);
					if (near && s->ck_layer[j] >= 0) {
						*layer = s->ck_layer[j];
						const struct rh_layer *l = &s->m->layers[*layer];
						const uint8_t *in = layer_input(
						    s, reinterpret_cast<const uint8_t *>(t->rootp) + s->act[0].root,
						    *layer);
						x.assign(in, in + layer_input_len(l));
						return 2;
					}
					int L = layer_of(s, s->ck_cycle[j]);
					if (near && s->ck_layer[j] < 0 && mid_layer_input(s, t, j, L, x)) {
						*layer = L + 1;
						return 3;
					}
				}
			}
			j++;
		}
		tick(s, t);
	}
}

// A run in the golden run's state but for its activations where layer L starts, or one that
// mid_layer_input finishes within layer L - 1: from here the core runs the golden run's schedule
// (its control is the golden run's, and no later layer reads activations but its predecessor's
// outputs), so it ends as the reference model ends on x, the activations layer L reads, at the
// golden run's cycle.
void finish_on_ref(handle *s, int layer, const std::vector<int8_t> &x, int how, struct rh_result *res)
{
	memset(res, 0, sizeof(*res));
	res->end = RH_RUN_DONE;
	res->n_logits = s->n_logits;
	res->cycles = s->golden.cycles;
	res->cls = rh_ref_infer_from(&s->ref, layer, NULL, x.data(), res->logits);
	res->finished_ref = how;
}

// Exchange the handle's golden run with a kept one (O(1): the vectors trade their buffers).
void swap_golden(handle *s, handle::kept_run &k);

// After rh_sim_run_faults: the handle's golden run goes back where it came from (kept), or is
// kept anew while the kept ones stay within KEPT_CAP (none is evicted: a campaign visits its
// images in turn, so those kept first go on being used), or is dropped.
void keep_golden(handle *s, std::list<handle::kept_run>::iterator kept, uint32_t budget, int replay)
{
	if (kept != s->kept.end()) {
		swap_golden(s, *kept);
		return;
	}
	size_t bytes = (s->ck.size() + 2) * s->held_len;
	for (const auto &w : s->last_write)
		bytes += w.size() * sizeof(uint32_t);
	for (const auto &a : s->act_ref)
		bytes += a.size();
	if (!s->fst && kept_total.fetch_add(bytes) + bytes <= handle::KEPT_CAP) {
		s->kept.emplace_back();
		handle::kept_run &k = s->kept.back();
		k.input = s->input;
		k.budget = budget;
		k.replay = replay;
		k.bytes = bytes;
		s->kept_bytes += bytes;
		swap_golden(s, k);
	} else if (!s->fst) {
		kept_total -= bytes; // over the cap: not kept
	}
	s->ck.clear();
	s->ck_cycle.clear();
	s->ck_layer.clear();
	s->s0.bytes.clear();
	s->s_end.bytes.clear();
}

// Exchange the handle's golden run with a kept one (O(1): the vectors trade their buffers).
void swap_golden(handle *s, handle::kept_run &k)
{
	std::swap(s->s0, k.s0);
	std::swap(s->s_end, k.s_end);
	std::swap(s->ck, k.ck);
	std::swap(s->ck_cycle, k.ck_cycle);
	std::swap(s->ck_layer, k.ck_layer);
	std::swap(s->golden, k.golden);
	std::swap(s->golden_scan, k.golden_scan);
	std::swap(s->act_ref, k.act_ref);
	std::swap(s->ref_ok, k.ref_ok);
	std::swap(s->last_write, k.last_write);
}

// n faults on the loaded input, each from the canonical start state: from the start of the
// run (RH_REPLAY_NAIVE), or from the last checkpoint before the fault's cycle, armed there
// (rtl/rh_scanctl.v, i_inj_arm; a fault before the first checkpoint runs from the start), and
// with RH_REPLAY_FAST stopped where its state rejoins the golden run's.
template <class T>
int run_faults(handle *s, T *t, const struct rh_fault *f, size_t n, uint32_t budget, int replay,
               struct rh_result *golden, struct rh_result *res)
{
	budget = budget ? budget : (uint32_t)(2 * s->model_cycles + 1024);
	// naive: the golden run leaves no checkpoint (every fault runs from the start)
	uint32_t every = replay == RH_REPLAY_NAIVE ? UINT32_MAX : (uint32_t)std::max<long>(32, s->model_cycles / 256);
	uint64_t g0 = s->clocks;
	// the golden run of this input, kept from an earlier call (not while tracing: the trace
	// shows every run), or made now
	auto kept = std::find_if(s->kept.begin(), s->kept.end(), [&](const handle::kept_run &k) {
		return k.budget == budget && k.replay == replay && k.input == s->input;
	});
	if (s->fst)
		kept = s->kept.end();
	if (kept != s->kept.end()) {
		swap_golden(s, *kept);
		restore(s, t, s->s_end); // where the golden run ends
	} else {
		canonical_start(s, t);
		golden_checkpoints(s, t, budget, every, replay == RH_REPLAY_FAST);
	}
	*golden = s->golden;
	golden->clock_cycles = s->clocks - g0;
	int mid_run = 0;       // the model was left in the middle of a run
	std::vector<int8_t> x; // the activations a run finished on the reference model starts from
	for (size_t i = 0; i < n; i++) {
		auto it = std::lower_bound(s->ck_cycle.begin(), s->ck_cycle.end(), f[i].cycle);
		uint64_t c0 = s->clocks;
		int from_start = it == s->ck_cycle.begin();
		restore(s, t, from_start ? s->s0 : s->ck[(size_t)(it - s->ck_cycle.begin()) - 1]);
		clear_inputs(t);
		t->i_budget = budget;
		t->i_run = from_start;
		t->i_inj_en = from_start;
		t->i_inj_arm = !from_start;
		t->i_inj_flip = f[i].no_flip ? 0 : 1;
		t->i_inj_bit = f[i].bit;
		t->i_inj_cycle = f[i].cycle;
		tick(s, t);
		clear_inputs(t);
		t->i_inj_bit = 0; // as in the golden run, whose state the run may rejoin
		t->i_inj_cycle = 0;
		if (replay == RH_REPLAY_FAST)
			inject_direct(s, t, &f[i]);
		int layer = -1;
		mid_run = run_to_end(s, t, &f[i], replay == RH_REPLAY_FAST, &layer, x);
		if (mid_run >= 2) {
			finish_on_ref(s, layer, x, mid_run - 1, &res[i]);
		} else if (mid_run) {
			res[i] = s->golden;
			res[i].rejoined = 1;
		} else {
			finish(s, t, &res[i]);
		}
		res[i].clock_cycles = s->clocks - c0;
	}
	if (mid_run) // leave the model where the last run would have ended
		restore(s, t, s->s_end);
	keep_golden(s, kept, budget, replay);
	return 0;
}

// From the canonical start, a run started with fault f armed (inverting its bit when flip is
// set), one clock in: the injection is pending, the run not yet begun.
template <class T> void start_armed(handle *s, T *t, const struct rh_fault *f, bool flip)
{
	restore(s, t, s->s0);
	clear_inputs(t);
	t->i_budget = (uint32_t)(2 * s->model_cycles + 1024);
	t->i_run = 1;
	t->i_inj_en = 1;
	t->i_inj_flip = flip ? 1 : 0;
	t->i_inj_bit = f->bit;
	t->i_inj_cycle = f->cycle;
	tick(s, t);
	clear_inputs(t);
	t->i_inj_bit = 0;
	t->i_inj_cycle = 0;
}

// The fast path's proof for one fault on the loaded input: from the canonical start, the state
// right after the rotation that injects it, and the state right after the direct injection at
// the same edge, saved whole (every flip-flop, memory word, combinational value and input), with
// the scan controller's dead record and the host port's read registers set alike in both. 1: equal, 0: they
// differ, 2: the run ended before the fault's cycle.
template <class T> int check_direct(handle *s, T *t, const struct rh_fault *f)
{
	handle::snapshot st[2], entry;
	save_state(s, t, entry); // put back at the end: both ways leave the model mid-run
	canonical_start(s, t);
	int rc = 1;
	for (int way = 0; way < 2 && rc == 1; way++) {
		start_armed(s, t, f, !f->no_flip);
		if (t->o_state != ST_RST || !t->rootp->rh_fi__DOT__u_scan__DOT__pending) {
			rc = RH_E_INVAL; // the run did not start armed: nothing would be compared
			break;
		}
		if (way == 0) {
			while (t->o_state != ST_DONE && t->o_state != ST_HANG &&
			       !(t->o_state == ST_RUN && !t->rootp->rh_fi__DOT__u_scan__DOT__pending))
				tick(s, t);
		} else {
			inject_direct(s, t, f);
		}
		if (t->o_state != ST_RUN) {
			rc = 2;
			break;
		}
		set_scan_record(t, handle::scan_record{0, 0, 0, 0, 0, 0});
		// The host port's logit read registers read on every clock (rtl/rh_core.v: u_logits,
		// u_logw), the rotation's clocks too: after a rotation they may hold a logit the core
		// wrote in its last cycle, after a direct injection the word before. Only the host reads
		// them, after setting their address and clocking (finish): set alike for the comparison.
		auto *r = t->rootp;
		r->rh_fi__DOT__u_core__DOT__u_logits__DOT__gen_dp__DOT__q = 0;
		r->rh_fi__DOT__u_core__DOT__u_logw__DOT__gen_dp__DOT__q = 0;
		t->o_hr_data = 0;
		t->o_hr_written = 0;
		if (!copies_alike(s, t)) {
			rc = 0; // the snapshot keeps the first copy: the others must equal it
			break;
		}
		save_state(s, t, st[way]);
	}
	s->s0.bytes.clear();
	restore(s, t, entry);
	return rc == 1 ? st[0].bytes == st[1].bytes : rc;
}

// The core's state proper (handle::core: the chain registers and the memories the core writes),
// packed into out, and whether the model's equals a packed copy.
template <class T> void save_core(const handle *s, T *t, uint8_t *out)
{
	const uint8_t *p = reinterpret_cast<const uint8_t *>(t->rootp);
	for (const auto &c : s->core)
		memcpy(out + c.snap, p + c.root, c.len);
}

// Whether the model's core equals ref on every span (cls -2), on the spans of other classes than
// cls and the memories (cls >= 0), or on the memories alone (cls -1).
template <class T> bool same_core(const handle *s, T *t, const uint8_t *ref, int cls = -2)
{
	const uint8_t *p = reinterpret_cast<const uint8_t *>(t->rootp);
	for (size_t i = 0; i < s->core.size(); i++) {
		const auto &c = s->core[i];
		bool in = cls == -2 || (cls == -1 ? s->core_cls[i] == -1 : s->core_cls[i] != cls);
		if (in && memcmp(p + c.root, ref + c.snap, c.len) != 0)
			return false;
	}
	return true;
}

// rahil sites --measure (rh_sim_liveness): the run taken to the fault's edge twice from the
// canonical start, once flipping the bit there and once not (the fast path's direct injection),
// then side by side, the golden one a window of clocks ahead with its core states kept, the
// faulty one compared with them clock by clock, until the two are equal again, a memory word
// differs, or the run ends. RH_LIVE_REACH: a register of another class than the struck one
// differed on the way (values ride through registers of their own class unused, an activation
// along a row of idle PEs, and are used where they meet another: a product in an accumulator, a
// result on its way to memory, a control value in an address); RH_LIVE_STORE: a memory word
// differed, or the run ended with more than the struck bit differing; RH_LIVE_UNDECIDED: neither
// end within max clocks.
template <class T> int liveness(handle *s, T *t, const struct rh_fault *f, uint32_t max, uint32_t *clocks)
{
	enum { WINDOW = 512 };
	handle::snapshot entry, gs, fs;
	save_state(s, t, entry);
	canonical_start(s, t);
	auto arm = [&](bool flip) {
		start_armed(s, t, f, flip);
		struct rh_fault g = *f;
		g.no_flip = !flip;
		inject_direct(s, t, &g);
	};
	auto ended = [t]() { return t->o_state == ST_DONE || t->o_state == ST_HANG; };
	int cls = rh_ffmap_class_of(&RH_FFMAP_BUILT, f->bit), flags = 0;
	bool over = false;
	*clocks = 0;
	arm(false);
	over = t->o_state != ST_RUN; // the run ends before the fault's cycle: the cell is not in it
	save_state(s, t, gs);
	arm(true);
	save_state(s, t, fs);
	std::vector<uint8_t> gold((size_t)WINDOW * s->core_len);
	while (!over && *clocks < max) {
		restore(s, t, gs);
		uint32_t k = 0, want = std::min<uint32_t>(WINDOW, max - *clocks);
		for (; k < want && !ended(); k++) {
			tick(s, t);
			save_core(s, t, gold.data() + (size_t)k * s->core_len);
		}
		bool golden_ended = ended();
		save_state(s, t, gs);
		restore(s, t, fs);
		for (uint32_t i = 0; i < k && !over; i++) {
			tick(s, t);
			++*clocks;
			const uint8_t *g = gold.data() + (size_t)i * s->core_len;
			if (same_core(s, t, g)) {
				over = true; // every difference gone
			} else if (!same_core(s, t, g, -1)) {
				flags |= RH_LIVE_REACH | RH_LIVE_STORE; // a memory word took it
				over = true;
			} else if (!same_core(s, t, g, cls)) {
				flags |= RH_LIVE_REACH;
			}
		}
		if (!over && golden_ended) { // the run's end: is there more than the struck bit?
			invert_chain_bit(t, f->bit);
			if (!same_core(s, t, gold.data() + (size_t)(k - 1) * s->core_len))
				flags |= RH_LIVE_REACH | RH_LIVE_STORE;
			invert_chain_bit(t, f->bit);
			over = true;
		}
		save_state(s, t, fs);
	}
	s->s0.bytes.clear();
	restore(s, t, entry);
	return over ? flags : flags | RH_LIVE_UNDECIDED;
}

template <class T> int resume(handle *s, T *t, struct rh_result *res)
{
	if (t->o_state != ST_HOLD)
		return RH_E_INVAL;
	uint64_t c0 = s->clocks;
	t->i_resume = 1;
	tick(s, t);
	t->i_resume = 0;
	finish(s, t, res);
	res->clock_cycles = s->clocks - c0;
	return 0;
}

template <class T> int read_state(handle *s, T *t, uint8_t *state)
{
	int st = t->o_state;
	if (st != ST_HOLD && st != ST_DONE && st != ST_HANG)
		return RH_E_INVAL;
	s->dump = state;
	s->dump_n = 0;
	t->i_dump = 1;
	tick(s, t);
	t->i_dump = 0;
	while (t->o_state == ST_SCAN)
		tick(s, t);
	s->dump = nullptr;
	return s->dump_n == s->chain_len ? 0 : RH_E_TRANSPORT;
}

// Call f with whichever model the handle holds.
template <class F> auto with_model(handle *s, F f) -> decltype(f(s->fast.get()))
{
	if (s->tr)
		return f(s->tr.get());
	return f(s->fast.get());
}

// The operations of this set (struct rh_sim_set), on the handle behind a struct rh_sim.
handle *H(struct rh_sim *s)
{
	return static_cast<handle *>(s);
}

const handle *H(const struct rh_sim *s)
{
	return static_cast<const handle *>(s);
}

void op_trace_close(struct rh_sim *p)
{
	handle *s = H(p);
	if (s->fst) {
		s->fst->close();
		s->fst.reset();
	}
}

void op_destroy(struct rh_sim *p)
{
	handle *s = H(p);
	op_trace_close(s);
	if (s->have_ref)
		rh_ref_free(&s->ref);
	// Verilator 5.006 unregisters scopes through the thread's current context, not the model's
	// own: point it at ours, or a model destroyed after another handle's context is gone locks a
	// dead mutex.
	Verilated::threadContextp(s->ctx.get());
	if (s->fast)
		s->fast->final();
	if (s->tr)
		s->tr->final();
	s->fast.reset();
	s->tr.reset();
	Verilated::threadContextp(nullptr);
	delete s;
}

int op_create(struct rh_sim **out, int flags, struct rh_err *err)
{
	const struct rh_accel_geom *g = rh_accel_geom_find(RH_FFMAP_BUILT.rows, RH_FFMAP_BUILT.cols);
	if (!g)
		return rh_err_set(err, RH_E_UNSUPPORTED, "no memory geometry for a %dx%d array", RH_FFMAP_BUILT.rows,
		                  RH_FFMAP_BUILT.cols);
	handle *s = new (std::nothrow) handle;
	if (!s)
		return rh_err_set(err, RH_E_NOMEM, "out of memory creating the simulator");
	s->set = &RH_SIM_SET_SYM;
	s->ctx.reset(new VerilatedContext);
	s->ctx->fatalOnError(false);
	static const char *argv0[] = {"rahil"}; // no plusargs: the FF map print stays off
	s->ctx->commandArgs(1, argv0);
	if (flags & RH_SIM_TRACEABLE) {
#ifdef RH_SIM_NO_TRACE
		delete s;
		return rh_err_set(err, RH_E_UNSUPPORTED, "the %s simulator was built without tracing",
		                  RH_SIM_SET_SYM.name);
#else
		s->ctx->traceEverOn(true);
		s->tr.reset(new Vrh_fi_tr(s->ctx.get()));
#endif
	} else {
		s->fast.reset(new Vrh_fi(s->ctx.get()));
	}
	s->geom = *g;
	with_model(s, [s](auto *t) {
		reset(s, t);
		find_layout(s, t);
		return 0;
	});
	if (s->chain_len != RH_FFMAP_BUILT.chain_len) {
		int rc = rh_err_set(err, RH_E_MISMATCH, "chain length %u, FF map says %u", s->chain_len,
		                    RH_FFMAP_BUILT.chain_len);
		op_destroy(s);
		return rc;
	}
	*out = s;
	return 0;
}

void op_geom(const struct rh_sim *s, struct rh_accel_geom *g)
{
	*g = H(s)->geom;
}

uint32_t op_chain_len(const struct rh_sim *s)
{
	return H(s)->chain_len;
}

const struct rh_ffmap *op_ffmap(const struct rh_sim *s)
{
	(void)s;
	return &RH_FFMAP_BUILT;
}

long op_model_cycles(const struct rh_sim *s)
{
	return H(s)->model_cycles;
}

int op_load_model(struct rh_sim *p, const struct rh_model *m, struct rh_err *err)
{
	handle *s = H(p);
	struct rh_accel_image img;
	int rc = rh_accel_image_build(&img, m, &s->geom, err);
	if (rc)
		return rc;
	if (img.n_logits > RH_MAX_LOGITS) {
		rh_accel_image_free(&img);
		return rh_err_set(err, RH_E_UNSUPPORTED, "%d logits, at most %d", img.n_logits, RH_MAX_LOGITS);
	}
	with_model(s, [s, &img](auto *t) {
		for (size_t i = 0; i < img.n; i++)
			host_write(s, t, img.w[i].addr, img.w[i].data);
		return 0;
	});
	s->model_cycles = img.cycles;
	s->n_logits = img.n_logits;
	s->loaded = 1;
	s->drop_kept(); // golden runs of the model loaded before
	rh_accel_image_free(&img);
	// the fast mode's finish on the reference model: the model and where its layers start
	if (s->have_ref)
		rh_ref_free(&s->ref);
	s->have_ref = false;
	s->m = m;
	s->layer_start.assign((size_t)m->n_layers, -1);
	s->feed_start.assign((size_t)m->n_layers, -1);
	rh_accel_schedule(
	    m, &s->geom,
	    [](const struct rh_accel_seg *seg, void *ctx) {
		    auto *h = static_cast<handle *>(ctx);
		    if (seg->layer < 0 || (size_t)seg->layer >= h->layer_start.size())
			    return;
		    if (seg->phase == RH_PH_LOAD)
			    h->layer_start[(size_t)seg->layer] = seg->start;
		    if (seg->phase == RH_PH_FEED && h->feed_start[(size_t)seg->layer] < 0)
			    h->feed_start[(size_t)seg->layer] = seg->start;
	    },
	    s);
	rc = rh_ref_init(&s->ref, m, err);
	if (rc)
		return rc;
	s->have_ref = true;
	return 0;
}

int op_load_input(struct rh_sim *p, const int8_t *x, size_t n)
{
	handle *s = H(p);
	if (n > ((size_t)1 << s->geom.act_aw))
		return RH_E_INVAL;
	s->input.assign(x, x + n);
	s->in_len = (uint32_t)n;
	return with_model(s, [s, x, n](auto *t) {
		for (size_t i = 0; i < n; i++)
			host_write(s, t, rh_accel_addr(RH_AR_ACT, 0, (uint32_t)i), (uint8_t)x[i]);
		return 0;
	});
}

int op_run(struct rh_sim *p, const struct rh_fault *fault, int hold, uint32_t budget, uint8_t *state,
           struct rh_result *res)
{
	handle *s = H(p);
	if (!s->loaded || (fault && fault->bit >= s->chain_len) || (hold && !fault))
		return RH_E_INVAL;
	return with_model(s, [&](auto *t) { return run(s, t, fault, hold, budget, state, res); });
}

int op_run_faults(struct rh_sim *p, const struct rh_fault *f, size_t n, uint32_t budget, int replay,
                  struct rh_result *golden, struct rh_result *res)
{
	handle *s = H(p);
	if (!s->loaded || s->input.empty())
		return RH_E_INVAL;
	for (size_t i = 0; i < n; i++)
		if (f[i].bit >= s->chain_len)
			return RH_E_INVAL;
	if (replay != RH_REPLAY_FAST && replay != RH_REPLAY_NAIVE && replay != RH_REPLAY_CHECKPOINTS)
		return RH_E_INVAL;
	return with_model(s, [&](auto *t) { return run_faults(s, t, f, n, budget, replay, golden, res); });
}

int op_liveness(struct rh_sim *p, const struct rh_fault *f, uint32_t max, uint32_t *clocks)
{
	handle *s = H(p);
	if (!s->loaded || s->input.empty() || f->bit >= s->chain_len)
		return RH_E_INVAL;
	return with_model(s, [&](auto *t) { return liveness(s, t, f, max, clocks); });
}

int op_check_direct(struct rh_sim *p, const struct rh_fault *f)
{
	handle *s = H(p);
	if (!s->loaded || s->input.empty() || f->bit >= s->chain_len)
		return RH_E_INVAL;
	return with_model(s, [&](auto *t) { return check_direct(s, t, f); });
}

int op_resume(struct rh_sim *p, struct rh_result *res)
{
	handle *s = H(p);
	return with_model(s, [&](auto *t) { return resume(s, t, res); });
}

int op_read_state(struct rh_sim *p, uint8_t *state)
{
	handle *s = H(p);
	return with_model(s, [&](auto *t) { return read_state(s, t, state); });
}

int op_trace_open(struct rh_sim *p, const char *path, struct rh_err *err)
{
	handle *s = H(p);
	if (!s->tr)
		return rh_err_set(err, RH_E_UNSUPPORTED, "tracing needs a simulator created with RH_SIM_TRACEABLE");
#ifdef RH_SIM_NO_TRACE
	return rh_err_set(err, RH_E_UNSUPPORTED, "the %s simulator was built without tracing (%s)", RH_SIM_SET_SYM.name,
	                  path);
#else
	op_trace_close(s);
	s->fst.reset(new VerilatedFstC);
	s->tr->trace(s->fst.get(), 99);
	s->fst->open(path);
	if (!s->fst->isOpen()) {
		s->fst.reset();
		return rh_err_set(err, RH_E_IO, "cannot open trace file %s", path);
	}
	return 0;
#endif
}

} // namespace

#define RH_SIM_STR2(x) #x
#define RH_SIM_STR(x)  RH_SIM_STR2(x)

extern "C" const struct rh_sim_set RH_SIM_SET_SYM = {
    RH_SIM_STR(RH_SIM_SET_NAME),
    op_create,
    op_destroy,
    op_geom,
    op_chain_len,
    op_ffmap,
    op_load_model,
    op_model_cycles,
    op_load_input,
    op_run,
    op_run_faults,
    op_check_direct,
    op_liveness,
    op_resume,
    op_read_state,
    op_trace_open,
    op_trace_close,
};
