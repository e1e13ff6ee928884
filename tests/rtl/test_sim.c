/* rahil RTL tests: the verilated core against the C reference model, and the fault-injection port. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "accel_image.h"
#include "dataset.h"
#include "model.h"
#include "quant.h"
#include "refmodel.h"
#include "rh_sim.h"
#include "rng.h"

/* The verilated parameter set under test (rtl/rtl.mk builds this file once per set). */
#ifndef RH_TEST_SET
#define RH_TEST_SET rh_sim_set_sim
#endif

enum { T_PASS = 0, T_FAIL = 1, T_SKIP = 2 };

struct ctx {
	struct rh_sim *sim;
	const struct rh_model *loaded;
	struct rh_model mlp, cnn; /* committed models (have_* when present) */
	int have_mlp, have_cnn;
	struct rh_model rnd; /* a random model with awkward shapes */
	struct rh_dataset data;
	int have_data;
	int n_images;
	int finish_per_class; /* faults of each class in rtl_finish_on_ref (--finish-faults) */
	const char *tmpdir;
	/* measured by the exact tests, for --json: [0] mlp, [1] cnn */
	double cps[2], ips[2];
	long cyc[2];
	int mism[2], imgs[2];
	char why[512];
};

static int fail(struct ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->why, sizeof(c->why), "line %d: ", line);
	va_start(ap, fmt);
	vsnprintf(c->why + n, sizeof(c->why) - (size_t)n, fmt, ap);
	va_end(ap);
	return T_FAIL;
}
#define CHECKF(cond, ...)                                                                                              \
	do {                                                                                                           \
		if (!(cond))                                                                                           \
			return fail(c, __LINE__, __VA_ARGS__);                                                         \
	} while (0)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int use_model(struct ctx *c, const struct rh_model *m)
{
	struct rh_err err = {0, ""};
	if (c->loaded == m)
		return 0;
	int rc = rh_sim_load_model(c->sim, m, &err);
	if (rc) {
		fprintf(stderr, "test_sim: load model: %s\n", err.msg);
		return rc;
	}
	c->loaded = m;
	return 0;
}

/* Input i of the model: a test image when the data set is there and fits, else random. */
static void make_input(struct ctx *c, const struct rh_model *m, int i, int8_t *x)
{
	int n = m->in_h * m->in_w * m->in_c;
	if (c->have_data && m->in_c == 1 && m->in_h == c->data.h && m->in_w == c->data.w) {
		const uint8_t *p = c->data.pixels + (size_t)(i % c->data.n) * (size_t)n;
		for (int j = 0; j < n; j++)
			x[j] = rh_quant_pixel(p[j]);
		return;
	}
	struct rh_rng r;
	rh_rng_seed(&r, 1000u + (uint64_t)i);
	for (int j = 0; j < n; j++)
		x[j] = (int8_t)rh_rng_below(&r, 128);
}

/* Run input img of model m; fault may be NULL; hold: stay frozen after the injection (the run
 * ends RH_RUN_HELD). */
static int run_input(struct ctx *c, const struct rh_model *m, int img, const struct rh_fault *f, int hold,
                     uint32_t budget, uint8_t *state, struct rh_result *res)
{
	int8_t x[4096];
	if (use_model(c, m))
		return -1;
	make_input(c, m, img, x);
	if (rh_sim_load_input(c->sim, x, (size_t)(m->in_h * m->in_w * m->in_c)))
		return -1;
	return rh_sim_run(c->sim, f, hold, budget, state, res);
}

static int run_one(struct ctx *c, const struct rh_model *m, int img, const struct rh_fault *f, uint32_t budget,
                   uint8_t *state, struct rh_result *res)
{
	return run_input(c, m, img, f, 0, budget, state, res);
}

static int run_held(struct ctx *c, const struct rh_model *m, int img, const struct rh_fault *f, uint8_t *state,
                    struct rh_result *res)
{
	return run_input(c, m, img, f, 1, 0, state, res);
}

static int same_result(const struct rh_result *a, const struct rh_result *b)
{
	if (a->end != b->end || a->cls != b->cls || a->cycles != b->cycles || a->n_logits != b->n_logits)
		return 0;
	return memcmp(a->logits, b->logits, sizeof(int32_t) * (size_t)a->n_logits) == 0;
}

/* Logits of n inputs against rh_ref_infer; also the measured cycles against the schedule. */
static int check_exact(struct ctx *c, const struct rh_model *m, int n, const char *what)
{
	struct rh_ref ref;
	struct rh_err err = {0, ""};
	int8_t x[4096];
	int32_t logits[256];
	int mism = 0;
	long sched;
	double t0;
	uint64_t clocks = 0;
	struct rh_result res;
	struct rh_accel_geom g;

	CHECKF(rh_ref_init(&ref, m, &err) == 0, "%s: ref init: %s", what, err.msg);
	CHECKF(use_model(c, m) == 0, "%s: model does not load", what);
	rh_sim_geom(c->sim, &g);
	sched = rh_accel_schedule(m, &g, NULL, NULL);
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		make_input(c, m, i, x);
		int cls = rh_ref_infer(&ref, x, logits);
		rh_sim_load_input(c->sim, x, (size_t)(m->in_h * m->in_w * m->in_c));
		if (rh_sim_run(c->sim, NULL, 0, 0, NULL, &res) || res.end != RH_RUN_DONE) {
			rh_ref_free(&ref);
			return fail(c, __LINE__, "%s: input %d did not finish", what, i);
		}
		clocks += res.clock_cycles;
		if (res.cycles != (uint32_t)sched) {
			rh_ref_free(&ref);
			return fail(c, __LINE__, "%s: input %d took %u cycles, the schedule says %ld", what, i,
			            res.cycles, sched);
		}
		if (memcmp(logits, res.logits, sizeof(int32_t) * (size_t)res.n_logits) != 0 || cls != res.cls) {
			if (mism < 3) {
				fprintf(stderr, "  %s input %d: class %d/%d, logits", what, i, res.cls, cls);
				for (int j = 0; j < res.n_logits && j < 10; j++)
					fprintf(stderr, " %d/%d", res.logits[j], logits[j]);
				fprintf(stderr, "\n");
			}
			mism++;
		}
	}
	double dt = now_s() - t0;
	rh_ref_free(&ref);
	for (int k = 0; k < 2; k++) {
		if (m == (k ? &c->cnn : &c->mlp)) {
			c->cps[k] = (double)clocks / dt;
			c->ips[k] = n / dt;
			c->cyc[k] = sched;
			c->mism[k] = mism;
			c->imgs[k] = n;
		}
	}
	printf("      %s: %d inputs, %d mismatches, %ld cycles/inference, %.0f clock cycles/s, %.1f "
	       "inferences/s\n",
	       what, n, mism, sched, (double)clocks / dt, n / dt);
	CHECKF(mism == 0, "%s: %d of %d inputs differ from the reference model", what, mism, n);
	return T_PASS;
}

static int t_ffmap(struct ctx *c)
{
	const struct rh_ffmap *map = rh_sim_ffmap(c->sim);
	uint32_t pos = 0, per[4] = {0, 0, 0, 0};
	CHECKF(map->chain_len == rh_sim_chain_len(c->sim), "map %u bits, chain %u", map->chain_len,
	       rh_sim_chain_len(c->sim));
	for (size_t i = 0; i < map->n_regs; i++) {
		CHECKF(map->regs[i].ofs == pos, "register %s at %u, expected %u", map->regs[i].name, map->regs[i].ofs,
		       pos);
		CHECKF(map->regs[i].cls >= 0 && map->regs[i].cls < 4, "bad class");
		per[map->regs[i].cls] += map->regs[i].width;
		pos += map->regs[i].width;
	}
	CHECKF(pos == map->chain_len, "map covers %u of %u", pos, map->chain_len);
	for (int k = 0; k < 4; k++)
		CHECKF(per[k] > 0, "no flip-flops of class %s", rh_ff_class_name(k));
	printf("      chain %u bits: input_act %u, weight %u, output_act %u, control %u\n", pos, per[0], per[1], per[2],
	       per[3]);
	return T_PASS;
}

static int t_exact_random(struct ctx *c)
{
	return check_exact(c, &c->rnd, 40, "random model");
}

static int t_exact_mlp(struct ctx *c)
{
	if (!c->have_mlp) {
		snprintf(c->why, sizeof(c->why), "models/mlp.rmod not found");
		return T_FAIL;
	}
	return check_exact(c, &c->mlp, c->n_images, "mlp");
}

static int t_exact_cnn(struct ctx *c)
{
	if (!c->have_cnn) {
		snprintf(c->why, sizeof(c->why), "models/cnn.rmod not found");
		return T_FAIL;
	}
	return check_exact(c, &c->cnn, c->n_images, "cnn");
}

static const struct rh_model *fault_model(struct ctx *c)
{
	return c->have_cnn ? &c->cnn : &c->rnd;
}

/* Null injections (rotation without a flip) change nothing, not even the final state. */
static int t_null(struct ctx *c)
{
	const struct rh_model *m = fault_model(c);
	uint32_t n = rh_sim_chain_len(c->sim);
	uint8_t *g = malloc(n), *s = malloc(n);
	struct rh_result gold, res;
	int rc = T_PASS;
	CHECKF(g && s, "out of memory");
	if (run_one(c, m, 1, NULL, 0, NULL, &gold) || rh_sim_read_state(c->sim, g)) {
		rc = fail(c, __LINE__, "golden run failed");
		goto out;
	}
	for (int k = 0; k < 6; k++) {
		struct rh_fault f = {
		    .bit = (uint32_t)(k * 977u) % n, .cycle = gold.cycles * (uint32_t)k / 6u, .no_flip = 1};
		if (run_one(c, m, 1, &f, 0, NULL, &res) || rh_sim_read_state(c->sim, s)) {
			rc = fail(c, __LINE__, "null injection run failed");
			goto out;
		}
		if (!same_result(&gold, &res) || memcmp(g, s, n) != 0) {
			rc = fail(c, __LINE__, "null injection at cycle %u changed the %s", f.cycle,
			          same_result(&gold, &res) ? "final state" : "result");
			goto out;
		}
	}
out:
	free(g);
	free(s);
	return rc;
}

/* Faults run from checkpoints of the golden run, and stopped where they rejoin it, give exactly
 * what runs from the start to the end give (rh_sim_run_faults in its three modes): logits,
 * class, cycles, hangs, crashes; at and around the checkpoint cycles, at cycle 0 and past the
 * end, for bits of every class, flips and null injections. Held to references outside
 * rh_sim_run_faults: its golden run equals the C reference model's logits; every null
 * injection returns the golden result; every 8th fault and every fault of the other input's
 * batch equal the same fault run alone (rh_sim_run, which scrubs to the canonical start
 * itself). Early stop must happen for some and not for others. */
static int checkpoints_on(struct ctx *c, const struct rh_model *m)
{
	uint32_t n = rh_sim_chain_len(c->sim);
	enum { N = 160 };
	struct rh_fault f[N];
	static struct rh_result fast[N], slow[N], ck[N], again[N], other[N];
	struct rh_result gold, g[5], one;
	struct rh_err err = {0, ""};
	struct rh_ref ref;
	int32_t ref_logits[256];
	int8_t x[4096];
	struct rh_rng r;
	rh_rng_seed(&r, 11);
	CHECKF(run_one(c, m, 3, NULL, 0, NULL, &gold) == 0 && gold.end == RH_RUN_DONE, "golden run failed");
	uint32_t cyc = gold.cycles, every = cyc / 128 > 64 ? cyc / 128 : 64; /* as rh_sim.cpp spaces them */
	const uint32_t edge[] = {0, 1, every - 1, every, every + 1, 5 * every, 5 * every + 1, cyc - 1, cyc, cyc + 7};
	const struct rh_ffmap *map = rh_sim_ffmap(c->sim);
	for (int i = 0; i < N; i++) {
		uint32_t bit;
		if (i < 40) { /* a bit of each class in turn, then any bit */
			const struct rh_ffmap_reg *reg;
			do {
				bit = (uint32_t)rh_rng_below(&r, n);
				reg = rh_ffmap_find(map, bit, NULL);
			} while (!reg || reg->cls != i % 4);
		} else {
			bit = (uint32_t)rh_rng_below(&r, n);
		}
		uint32_t t = i < 20 ? edge[i % 10] : (uint32_t)rh_rng_below(&r, cyc);
		f[i] = (struct rh_fault){.bit = bit, .cycle = t, .no_flip = i % 13 == 5};
	}
	size_t in_n = (size_t)(m->in_h * m->in_w * m->in_c);
	make_input(c, m, 3, x);
	CHECKF(rh_ref_init(&ref, m, &err) == 0, "reference model: %s", err.msg);
	int ref_cls = rh_ref_infer(&ref, x, ref_logits);
	rh_ref_free(&ref);
	CHECKF(rh_sim_load_input(c->sim, x, in_n) == 0, "input");
	CHECKF(rh_sim_run_faults(c->sim, f, N, 0, RH_REPLAY_FAST, &g[0], fast) == 0, "rh_sim_run_faults failed");
	CHECKF(rh_sim_run_faults(c->sim, f, N, 0, RH_REPLAY_NAIVE, &g[1], slow) == 0,
	       "rh_sim_run_faults (naive) failed");
	CHECKF(rh_sim_run_faults(c->sim, f, N, 0, RH_REPLAY_CHECKPOINTS, &g[2], ck) == 0, "rh_sim_run_faults failed");
	/* another input's batch in between, then the first batch again */
	make_input(c, m, 4, x);
	CHECKF(rh_sim_load_input(c->sim, x, in_n) == 0, "input");
	CHECKF(rh_sim_run_faults(c->sim, f, N, 0, RH_REPLAY_NAIVE, &g[3], other) == 0, "rh_sim_run_faults failed");
	make_input(c, m, 3, x);
	CHECKF(rh_sim_load_input(c->sim, x, in_n) == 0, "input");
	CHECKF(rh_sim_run_faults(c->sim, f, N, 0, RH_REPLAY_FAST, &g[4], again) == 0, "rh_sim_run_faults failed");
	CHECKF(gold.cls == ref_cls && !memcmp(gold.logits, ref_logits, sizeof(int32_t) * (size_t)gold.n_logits),
	       "%s: the golden run differs from the reference model", m->name);
	for (int k = 0; k < 5; k++)
		CHECKF(k == 3 || same_result(&g[k], &gold),
		       "%s: rh_sim_run_faults' golden run %d differs from rh_sim_run's", m->name, k);
	uint64_t clk_fast = 0, clk_slow = 0, clk_ck = 0;
	int differ = 0, hangs = 0, crashes = 0, rejoined = 0, singles = 0, nulls = 0;
	for (int i = 0; i < N; i++) {
		clk_fast += fast[i].clock_cycles;
		clk_slow += slow[i].clock_cycles;
		clk_ck += ck[i].clock_cycles;
		rejoined += fast[i].rejoined;
		CHECKF(!slow[i].rejoined && !ck[i].rejoined, "a run without early stop says it stopped early");
		CHECKF(same_result(&ck[i], &slow[i]),
		       "bit %u cycle %u: from a checkpoint to the end differs from the start", f[i].bit, f[i].cycle);
		CHECKF(
		    same_result(&fast[i], &slow[i]),
		    "bit %u cycle %u flip %d: from a checkpoint %s class %d, %u cycles; from the start %s class %d, %u "
		    "cycles",
		    f[i].bit, f[i].cycle, !f[i].no_flip, fast[i].end == RH_RUN_HANG ? "hang" : "done", fast[i].cls,
		    fast[i].cycles, slow[i].end == RH_RUN_HANG ? "hang" : "done", slow[i].cls, slow[i].cycles);
		CHECKF(same_result(&fast[i], &again[i]), "bit %u cycle %u: the result depends on the batch before",
		       f[i].bit, f[i].cycle);
		if (f[i].no_flip) {
			nulls++;
			CHECKF(same_result(&slow[i], &gold),
			       "%s: null injection at bit %u cycle %u differs from the golden run", m->name, f[i].bit,
			       f[i].cycle);
		}
		if (i % 8 == 0) {
			singles++;
			CHECKF(run_one(c, m, 3, &f[i], 0, NULL, &one) == 0, "single run failed");
			CHECKF(same_result(&one, &slow[i]), "%s: bit %u cycle %u alone differs from the batch", m->name,
			       f[i].bit, f[i].cycle);
		}
		if (i % 8 == 4) {
			singles++;
			CHECKF(run_one(c, m, 4, &f[i], 0, NULL, &one) == 0, "single run failed");
			CHECKF(same_result(&one, &other[i]), "%s: bit %u cycle %u alone differs from the other batch",
			       m->name, f[i].bit, f[i].cycle);
		}
		differ += !same_result(&slow[i], &gold);
		hangs += slow[i].end == RH_RUN_HANG;
		crashes += slow[i].end == RH_RUN_CRASH;
	}
	CHECKF(nulls > 0, "no null injection");
	CHECKF(differ > 0, "no fault changed the result: the comparison shows nothing");
	CHECKF(rejoined > 0, "no run stopped early: early stop is not exercised");
	printf("      %s: %d faults equal three ways (%d change the result, %d hang, %d crash; %d stopped early; "
	       "%d null injections and %d single runs agree); clocks simulated %.2fx fewer from checkpoints, %.2fx "
	       "with early stop\n",
	       m->name, N, differ, hangs, crashes, rejoined, nulls, singles, (double)clk_slow / (double)clk_ck,
	       (double)clk_slow / (double)clk_fast);
	return T_PASS;
}

static int t_checkpoints_mlp(struct ctx *c)
{
	if (!c->have_mlp) {
		snprintf(c->why, sizeof(c->why), "models/mlp.rmod missing");
		return T_FAIL;
	}
	return checkpoints_on(c, &c->mlp);
}

static int t_checkpoints_cnn(struct ctx *c)
{
	if (!c->have_cnn) {
		snprintf(c->why, sizeof(c->why), "models/cnn.rmod missing");
		return T_FAIL;
	}
	return checkpoints_on(c, &c->cnn);
}

static int t_checkpoints_rnd(struct ctx *c)
{
	return checkpoints_on(c, &c->rnd);
}

/* The fast path injects without rotating the chain (rh_sim_run_faults, RH_REPLAY_FAST): the whole
 * state right after its direct injection equals the state right after the rotation that injects
 * the same fault (rh_sim_check_direct). One random bit of every register of the chain at a random
 * cycle, then bits of every class at the first and last cycles, with null injections among them;
 * a fault past the end leaves nothing to compare (2). */
static int direct_on(struct ctx *c, const struct rh_model *m)
{
	const struct rh_ffmap *map = rh_sim_ffmap(c->sim);
	size_t n = map->n_regs + 8;
	int8_t x[4096];
	struct rh_rng r;
	int cls_seen[4] = {0, 0, 0, 0}, past = 0;
	rh_rng_seed(&r, 23);
	CHECKF(use_model(c, m) == 0, "load model");
	make_input(c, m, 5, x);
	CHECKF(rh_sim_load_input(c->sim, x, (size_t)(m->in_h * m->in_w * m->in_c)) == 0, "input");
	struct rh_result gold;
	CHECKF(rh_sim_run(c->sim, NULL, 0, 0, NULL, &gold) == 0 && gold.end == RH_RUN_DONE, "golden run failed");
	uint32_t cyc = gold.cycles;
	const uint32_t edge[] = {0, 1, cyc - 1, cyc, 0, 1, cyc - 1, cyc + 3};
	for (size_t i = 0; i < n; i++) {
		const struct rh_ffmap_reg *reg = &map->regs[i % map->n_regs];
		if (i >= map->n_regs) /* a register of class (i % 4) */
			while (reg->cls != (int)(i % 4))
				reg = &map->regs[rh_rng_below(&r, map->n_regs)];
		struct rh_fault f = {.bit = reg->ofs + (uint32_t)rh_rng_below(&r, reg->width),
		                     .cycle =
		                         i >= map->n_regs ? edge[i - map->n_regs] : (uint32_t)rh_rng_below(&r, cyc),
		                     .no_flip = i % 29 == 3};
		int rc = rh_sim_check_direct(c->sim, &f);
		CHECKF(rc >= 0, "rh_sim_check_direct failed (%d)", rc);
		CHECKF(rc != 0,
		       "%s: bit %u (%s[%u]) cycle %u flip %d: the direct injection's state differs from the rotation's",
		       m->name, f.bit, reg->name, f.bit - reg->ofs, f.cycle, !f.no_flip);
		CHECKF(rc == 1 || f.cycle >= cyc, "%s: bit %u cycle %u: the run ended before the fault's cycle",
		       m->name, f.bit, f.cycle);
		past += rc == 2;
		cls_seen[reg->cls] += rc == 1;
	}
	CHECKF(past == 2, "%s: %d faults past the end, 2 expected", m->name, past);
	printf("      %s: %d faults, a bit of each of the %zu registers among them (%d input_act, %d weight, %d "
	       "output_act, %d control): every state after the direct injection equals the rotation's\n",
	       m->name, (int)n - past, map->n_regs, cls_seen[0], cls_seen[1], cls_seen[2], cls_seen[3]);
	return T_PASS;
}

static int t_direct(struct ctx *c)
{
	int rc = direct_on(c, &c->rnd);
	if (rc == T_PASS && c->have_mlp)
		rc = direct_on(c, &c->mlp);
	if (rc == T_PASS && c->have_cnn)
		rc = direct_on(c, &c->cnn);
	if (rc == T_PASS && (!c->have_mlp || !c->have_cnn)) {
		snprintf(c->why, sizeof(c->why), "models/mlp.rmod or models/cnn.rmod missing");
		return T_FAIL;
	}
	return rc;
}

/* The fast mode's finish on the reference model (a run whose state where a layer starts is the
 * golden run's but for its activations ends as the reference model ends on them; within a layer,
 * the same with the layer's outputs the golden run's but for the words the run holds differently
 * and the layer does not write again) gives, fault by fault, what the naive runs give (every
 * fault from the start to the end, the chain rotated): per_class faults of each class at uniform
 * cycles on the first images of the set. Some must be finished on the reference model within a
 * layer, and some of those that finish either way must change the result. */
static int finish_on_ref_on(struct ctx *c, const struct rh_model *m, int per_class)
{
	enum { IMAGES = 4 };
	const struct rh_ffmap *map = rh_sim_ffmap(c->sim);
	size_t n = (size_t)per_class * 4;
	struct rh_fault *f = calloc(n, sizeof(*f));
	struct rh_result *fast = calloc(n, sizeof(*fast)), *slow = calloc(n, sizeof(*slow)), g[2];
	int8_t x[4096];
	struct rh_rng r;
	int rc = T_PASS, by_ref[4] = {0, 0, 0, 0}, within = 0, changed = 0, differ = 0;
	if (!f || !fast || !slow) {
		rc = fail(c, __LINE__, "out of memory");
		goto out;
	}
	rh_rng_seed(&r, 31);
	if (use_model(c, m)) {
		rc = fail(c, __LINE__, "load model");
		goto out;
	}
	uint32_t cyc = (uint32_t)rh_sim_model_cycles(c->sim);
	for (size_t i = 0; i < n; i++) {
		const struct rh_ffmap_reg *reg;
		do
			reg = &map->regs[rh_rng_below(&r, map->n_regs)];
		while (reg->cls != (int)(i % 4));
		f[i] = (struct rh_fault){.bit = reg->ofs + (uint32_t)rh_rng_below(&r, reg->width),
		                         .cycle = (uint32_t)rh_rng_below(&r, cyc)};
	}
	for (int k = 0; k < IMAGES; k++) {
		size_t a = n * (size_t)k / IMAGES, b = n * (size_t)(k + 1) / IMAGES;
		make_input(c, m, 10 + k, x);
		if (rh_sim_load_input(c->sim, x, (size_t)(m->in_h * m->in_w * m->in_c)) ||
		    rh_sim_run_faults(c->sim, f + a, b - a, 0, RH_REPLAY_FAST, &g[0], fast + a) ||
		    rh_sim_run_faults(c->sim, f + a, b - a, 0, RH_REPLAY_NAIVE, &g[1], slow + a)) {
			rc = fail(c, __LINE__, "rh_sim_run_faults failed");
			goto out;
		}
		for (size_t i = a; i < b; i++) {
			if (!same_result(&fast[i], &slow[i])) {
				if (!differ)
					fail(c, __LINE__,
					     "%s: bit %u cycle %u: fast (%s) class %d, %u cycles; naive class %d, %u "
					     "cycles",
					     m->name, f[i].bit, f[i].cycle,
					     fast[i].finished_ref ? "finished on the reference model"
					     : fast[i].rejoined   ? "rejoined"
					                          : "simulated to the end",
					     fast[i].cls, fast[i].cycles, slow[i].cls, slow[i].cycles);
				differ++;
			}
			by_ref[i % 4] += fast[i].finished_ref != 0;
			within += fast[i].finished_ref == 2;
			changed += fast[i].finished_ref && !same_result(&slow[i], &g[1]);
		}
	}
	if (differ) {
		rc = T_FAIL;
		goto out;
	}
	if (by_ref[0] + by_ref[1] + by_ref[2] + by_ref[3] == 0 || within == 0 || changed == 0) {
		rc = fail(c, __LINE__,
		          "%s: %d runs finished on the reference model, %d within a layer, %d changed: not exercised",
		          m->name, by_ref[0] + by_ref[1] + by_ref[2] + by_ref[3], within, changed);
		goto out;
	}
	printf("      %s: %zu faults (%d of each class) equal the naive runs'; finished on the reference model: %d "
	       "input_act, %d weight, %d output_act, %d control (%d within a layer, %d with a changed result)\n",
	       m->name, n, per_class, by_ref[0], by_ref[1], by_ref[2], by_ref[3], within, changed);
out:
	free(f);
	free(fast);
	free(slow);
	return rc;
}

static int t_finish_on_ref(struct ctx *c)
{
	if (!c->have_mlp || !c->have_cnn) {
		snprintf(c->why, sizeof(c->why), "models/mlp.rmod or models/cnn.rmod missing");
		return T_FAIL;
	}
	int rc = finish_on_ref_on(c, &c->mlp, c->finish_per_class);
	return rc == T_PASS ? finish_on_ref_on(c, &c->cnn, c->finish_per_class) : rc;
}

/* The golden runs rh_sim_run_faults keeps: a batch on an input whose golden run is kept (the
 * third of three, back on the first batch's input) simulates no golden run (clock_cycles 0) and
 * gives the reference model's golden result and, fault by fault, what the naive runs give.
 * Loading a model drops them: the next model's first batch on the same input bytes and budget
 * simulates its own golden run and gives its own reference result. */
static int t_kept_golden(struct ctx *c)
{
	enum { PER = 16, PASSES = 3 };
	if (!c->have_mlp || !c->have_cnn) {
		snprintf(c->why, sizeof(c->why), "models/mlp.rmod or models/cnn.rmod missing");
		return T_FAIL;
	}
	const struct rh_model *ms[2] = {&c->mlp, &c->cnn};
	uint32_t chain = rh_sim_chain_len(c->sim);
	struct rh_fault f[PER * PASSES];
	struct rh_result fast[PER * PASSES], slow[PER * PASSES], g[PASSES], gn;
	struct rh_err err = {0, ""};
	int8_t x[2][4096];
	int32_t logits[256];
	struct rh_rng r;
	rh_rng_seed(&r, 77);
	CHECKF(rh_sim_load_model(c->sim, &c->cnn, &err) == 0, "cnn: load: %s", err.msg);
	uint32_t budget = (uint32_t)(2 * rh_sim_model_cycles(c->sim) + 1024); // the CNN's: the longer run
	for (int k = 0; k < 2; k++) {
		const struct rh_model *m = ms[k];
		size_t len = (size_t)(m->in_h * m->in_w * m->in_c);
		CHECKF(rh_sim_load_model(c->sim, m, &err) == 0, "%s: load: %s", m->name, err.msg);
		c->loaded = m;
		uint32_t cyc = (uint32_t)rh_sim_model_cycles(c->sim);
		for (int i = 0; i < PER * PASSES; i++)
			f[i] = (struct rh_fault){.bit = (uint32_t)rh_rng_below(&r, chain),
			                         .cycle = (uint32_t)rh_rng_below(&r, cyc)};
		make_input(c, m, 20, x[0]);
		make_input(c, m, 21, x[1]);
		for (int mode = 0; mode < 2; mode++)
			for (int pass = 0; pass < PASSES; pass++) {
				CHECKF(rh_sim_load_input(c->sim, x[pass == 1], len) == 0, "%s: load input", m->name);
				CHECKF(rh_sim_run_faults(c->sim, f + pass * PER, PER, budget,
				                         mode ? RH_REPLAY_NAIVE : RH_REPLAY_FAST, mode ? &gn : &g[pass],
				                         (mode ? slow : fast) + pass * PER) == 0,
				       "%s: rh_sim_run_faults failed", m->name);
			}
		CHECKF(g[0].clock_cycles > 0 && g[1].clock_cycles > 0 && g[2].clock_cycles == 0,
		       "%s: golden runs of %llu, %llu and %llu clocks: the first two inputs' must be simulated, the "
		       "third (the first's, kept) not",
		       m->name, (unsigned long long)g[0].clock_cycles, (unsigned long long)g[1].clock_cycles,
		       (unsigned long long)g[2].clock_cycles);
		struct rh_ref ref;
		CHECKF(rh_ref_init(&ref, m, &err) == 0, "%s: ref init: %s", m->name, err.msg);
		int cls = rh_ref_infer(&ref, x[0], logits);
		rh_ref_free(&ref);
		for (int pass = 0; pass < PASSES; pass += 2)
			CHECKF(g[pass].end == RH_RUN_DONE && g[pass].cls == cls &&
			           memcmp(g[pass].logits, logits, sizeof(int32_t) * (size_t)m->n_classes) == 0,
			       "%s: batch %d's golden result is not the reference model's", m->name, pass);
		for (int i = 0; i < PER * PASSES; i++)
			CHECKF(same_result(&fast[i], &slow[i]),
			       "%s: fault %d (bit %u, cycle %u): class %d from batch %d, %d naive", m->name, i,
			       f[i].bit, f[i].cycle, fast[i].cls, i / PER, slow[i].cls);
	}
	printf("      mlp, cnn: a kept golden run reused, %d faults on it equal the naive runs'; another model "
	       "simulates its own\n",
	       PER);
	return T_PASS;
}

/* The same (bit, cycle) twice gives the same result and the same final state. */
static int t_repeat(struct ctx *c)
{
	const struct rh_model *m = fault_model(c);
	uint32_t n = rh_sim_chain_len(c->sim);
	struct rh_rng r;
	uint8_t *a = malloc(n), *b = malloc(n);
	int rc = T_PASS;
	CHECKF(a && b, "out of memory");
	rh_rng_seed(&r, 7);
	use_model(c, m);
	for (int k = 0; k < 6; k++) {
		struct rh_fault f = {.bit = (uint32_t)rh_rng_below(&r, n),
		                     .cycle = (uint32_t)rh_rng_below(&r, (uint64_t)rh_sim_model_cycles(c->sim))};
		struct rh_result r1, r2;
		if (run_one(c, m, 2, &f, 0, NULL, &r1) || rh_sim_read_state(c->sim, a) ||
		    run_one(c, m, 2, &f, 0, NULL, &r2) || rh_sim_read_state(c->sim, b)) {
			rc = fail(c, __LINE__, "run failed");
			goto out;
		}
		if (!same_result(&r1, &r2) || memcmp(a, b, n) != 0) {
			rc = fail(c, __LINE__, "bit %u cycle %u: two runs differ", f.bit, f.cycle);
			goto out;
		}
	}
out:
	free(a);
	free(b);
	return rc;
}

/* After an injection at cycle t the state equals the golden state at t with exactly that bit
 * inverted (both read out through the chain while held), for a bit of every class. */
static int t_readout(struct ctx *c)
{
	const struct rh_model *m = fault_model(c);
	const struct rh_ffmap *map = rh_sim_ffmap(c->sim);
	uint32_t n = rh_sim_chain_len(c->sim);
	uint8_t *g = malloc(n), *s = malloc(n), *rot = malloc(n);
	struct rh_rng r;
	int rc = T_PASS;
	CHECKF(g && s && rot, "out of memory");
	rh_rng_seed(&r, 11);
	use_model(c, m);
	for (int cls = 0; cls < 4; cls++) {
		for (int rep = 0; rep < 2; rep++) {
			const struct rh_ffmap_reg *reg;
			uint32_t bit, idx;
			do {
				bit = (uint32_t)rh_rng_below(&r, n);
				reg = rh_ffmap_find(map, bit, &idx);
			} while (!reg || reg->cls != cls);
			uint32_t t = (uint32_t)rh_rng_below(&r, (uint64_t)rh_sim_model_cycles(c->sim));
			struct rh_fault nul = {.bit = bit, .cycle = t, .no_flip = 1}, flip = {.bit = bit, .cycle = t};
			struct rh_result res, gold, fin;
			if (run_held(c, m, 3, &nul, NULL, &res) || res.end != RH_RUN_HELD ||
			    rh_sim_read_state(c->sim, g) || rh_sim_resume(c->sim, &gold) ||
			    run_held(c, m, 3, &flip, rot, &res) || res.end != RH_RUN_HELD ||
			    rh_sim_read_state(c->sim, s) || rh_sim_resume(c->sim, &fin)) {
				rc = fail(c, __LINE__, "held run failed");
				goto out;
			}
			int ndiff = 0;
			for (uint32_t p = 0; p < n; p++)
				ndiff += (g[p] != s[p]);
			if (ndiff != 1 || g[bit] == s[bit] || memcmp(rot, s, n) != 0) {
				rc = fail(c, __LINE__, "%s bit %u (%s[%u]) at cycle %u: %d bits differ",
				          rh_ff_class_name(cls), bit, reg->name, idx, t, ndiff);
				goto out;
			}
			printf("      %-10s flip %s[%u] at cycle %u: readout differs in exactly that bit; class %d -> "
			       "%d (%s)\n",
			       rh_ff_class_name(cls), reg->name, idx, t, gold.cls, fin.cls,
			       fin.end == RH_RUN_HANG     ? "hang"
			       : same_result(&gold, &fin) ? "masked"
			                                  : "changed");
		}
	}
out:
	free(g);
	free(s);
	free(rot);
	return rc;
}

struct find_seg {
	int layer;
	enum rh_accel_phase phase;
	int oc_tile;
	struct rh_accel_seg seg;
	int found;
};
static void seg_cb(const struct rh_accel_seg *s, void *p)
{
	struct find_seg *f = p;
	if (!f->found && s->layer == f->layer && s->phase == f->phase && s->oc_tile == f->oc_tile) {
		f->seg = *s;
		f->found = 1;
	}
}

static const struct rh_ffmap_reg *find_reg(const struct rh_ffmap *map, const char *suffix)
{
	size_t ls = strlen(suffix);
	for (size_t i = 0; i < map->n_regs; i++) {
		size_t ln = strlen(map->regs[i].name);
		if (ln >= ls && strcmp(map->regs[i].name + ln - ls, suffix) == 0)
			return &map->regs[i];
	}
	return NULL;
}

/* The FF map names the right flip-flop: a flip of bit b of PE(0,c)'s accumulator in the middle
 * of the last layer's first feed changes logit c by exactly +-2^b and nothing else. */
static int t_named_acc(struct ctx *c)
{
	const struct rh_model *m = fault_model(c);
	const struct rh_ffmap *map = rh_sim_ffmap(c->sim);
	struct rh_accel_geom g;
	struct find_seg fs = {m->n_layers - 1, RH_PH_FEED, 0, {0}, 0};
	uint32_t n = rh_sim_chain_len(c->sim);
	uint8_t *st = malloc(n);
	int rc = T_PASS;
	CHECKF(st, "out of memory");
	rh_sim_geom(c->sim, &g);
	rh_accel_schedule(m, &g, seg_cb, &fs);
	CHECKF(fs.found, "no feed phase in the last layer");
	int col = g.cols > 3 ? 3 : g.cols - 1;
	char name[128];
	snprintf(name, sizeof(name), "gen_row[0].gen_col[%d].u_pe.u_acc", col);
	const struct rh_ffmap_reg *reg = find_reg(map, name);
	CHECKF(reg && reg->cls == RH_FF_OUTPUT_ACT, "no output_act register named %s", name);
	for (int b = 3; b < 32; b += 9) {
		struct rh_result gold, res;
		struct rh_fault f = {.bit = reg->ofs + (uint32_t)b, .cycle = (uint32_t)(fs.seg.start + fs.seg.len / 2)};
		if (run_one(c, m, 4, NULL, 0, NULL, &gold) || run_one(c, m, 4, &f, 0, st, &res)) {
			rc = fail(c, __LINE__, "run failed");
			goto out;
		}
		/* st holds the state after the flip: the bit's new value gives the sign. */
		int64_t delta = st[f.bit] ? ((int64_t)1 << b) : -((int64_t)1 << b);
		for (int j = 0; j < gold.n_logits; j++) {
			int64_t want = gold.logits[j] + (j == col ? delta : 0);
			if ((int32_t)want != res.logits[j]) {
				rc = fail(c, __LINE__, "flip of %s[%d]: logit %d is %d, expected %d", reg->name, b, j,
				          res.logits[j], (int32_t)want);
				goto out;
			}
		}
	}
	printf("      %s: flips change logit %d by exactly +-2^b\n", reg->name, col);
out:
	free(st);
	return rc;
}

/* A run over its budget ends as a hang and the next run is correct; so does a state-register
 * flip into the unused encoding 7. */
static int t_watchdog(struct ctx *c)
{
	const struct rh_model *m = fault_model(c);
	const struct rh_ffmap *map = rh_sim_ffmap(c->sim);
	struct rh_accel_geom g;
	struct rh_result gold, res;
	struct find_seg fs = {0, RH_PH_DRAIN, 0, {0}, 0};
	rh_sim_geom(c->sim, &g);
	CHECKF(run_one(c, m, 5, NULL, 0, NULL, &gold) == 0 && gold.end == RH_RUN_DONE, "golden run failed");
	CHECKF(run_one(c, m, 5, NULL, gold.cycles / 2, NULL, &res) == 0 && res.end == RH_RUN_HANG,
	       "half the budget did not hang");
	CHECKF(res.cycles == gold.cycles / 2, "hang after %u cycles, budget %u", res.cycles, gold.cycles / 2);
	CHECKF(run_one(c, m, 5, NULL, 0, NULL, &res) == 0 && same_result(&gold, &res), "the run after a hang differs");
	/* S_DRAIN = 5 = 3'b101; bit 1 makes it 7, a state nothing leaves */
	const struct rh_ffmap_reg *st = find_reg(map, "u_ctl.u_fsm.u_st");
	CHECKF(st && st->cls == RH_FF_CONTROL && st->width == 3, "no control register u_ctl.u_fsm.u_st");
	rh_accel_schedule(m, &g, seg_cb, &fs);
	CHECKF(fs.found, "no drain phase");
	struct rh_fault f = {.bit = st->ofs + 1, .cycle = (uint32_t)(fs.seg.start + 1)};
	CHECKF(run_one(c, m, 5, &f, 0, NULL, &res) == 0 && res.end == RH_RUN_HANG, "state flip did not hang");
	CHECKF(run_one(c, m, 5, NULL, 0, NULL, &res) == 0 && same_result(&gold, &res), "the run after a hang differs");
	return T_PASS;
}

static int t_trace(struct ctx *c)
{
	struct rh_err err = {0, ""};
	struct rh_result res;
	char path[600];
	struct stat sb;
	snprintf(path, sizeof(path), "%s/run.fst", c->tmpdir);
	struct rh_fault f = {.bit = 5, .cycle = 100};
	struct rh_sim *fast = c->sim, *tr = NULL;
	struct rh_result gold;
	CHECKF(run_one(c, &c->rnd, 6, &f, 0, NULL, &gold) == 0, "run failed");
	CHECKF(rh_sim_trace_open(fast, path, &err) == RH_E_UNSUPPORTED, "the fast model claims to trace");
	if (rh_sim_create(&tr, &RH_TEST_SET, RH_SIM_TRACEABLE, &err) == RH_E_UNSUPPORTED) {
		snprintf(c->why, sizeof(c->why), "%s", err.msg);
		return T_SKIP;
	}
	CHECKF(tr != NULL, "traceable simulator: %s", err.msg);
	c->sim = tr;
	c->loaded = NULL;
	int rc = rh_sim_trace_open(tr, path, &err);
	if (rc == 0)
		rc = run_one(c, &c->rnd, 6, &f, 0, NULL, &res);
	rh_sim_trace_close(tr);
	rh_sim_destroy(tr);
	c->sim = fast;
	c->loaded = NULL;
	CHECKF(rc == 0, "traced run failed: %s", err.msg);
	CHECKF(same_result(&gold, &res), "the traceable model gives another result");
	CHECKF(stat(path, &sb) == 0 && sb.st_size > 1000, "trace file missing or empty");
	/* GTKWave's own FST reader, when installed (package gtkwave), must parse it */
	if (system("command -v fst2vcd >/dev/null 2>&1") == 0) {
		char cmd[700], line[256];
		long vars = 0;
		snprintf(cmd, sizeof(cmd), "fst2vcd '%s' 2>/dev/null", path);
		FILE *p = popen(cmd, "r");
		CHECKF(p, "cannot run fst2vcd");
		while (fgets(line, sizeof(line), p))
			vars += strstr(line, "$var") != NULL && strstr(line, " acc ") != NULL;
		int st = pclose(p);
		CHECKF(st == 0 && vars > 0, "fst2vcd cannot read the trace (status %d, %ld acc signals)", st, vars);
		printf("      fst2vcd (GTKWave) reads the trace: %ld accumulator signals\n", vars);
	}
	remove(path);
	return T_PASS;
}

struct feed_pick {
	long target; /* pick the target-th feed phase */
	long n;
	struct rh_accel_seg seg;
};
static void feed_cb(const struct rh_accel_seg *s, void *p)
{
	struct feed_pick *f = p;
	if (s->phase == RH_PH_FEED && f->n++ == f->target)
		f->seg = *s;
}

/* The documented schedule is what the RTL does: at random cycles of random feed phases, every
 * PE's act, wgt and acc (read out through the chain) equal what the library's exact occupancy
 * (rh_accel_pe_feed, host/accel/accel_occupancy.c) predicts from the layer program and the layer's
 * input alone. */
static int t_schedule_occupancy(struct ctx *c)
{
	const struct rh_model *m = fault_model(c);
	const struct rh_ffmap *map = rh_sim_ffmap(c->sim);
	struct rh_accel_geom g;
	uint32_t n = rh_sim_chain_len(c->sim);
	struct rh_rng r;
	struct rh_ref ref;
	struct rh_err err = {0, ""};
	int8_t x[4096];
	int8_t *act[RH_MAX_LAYERS + 1];
	int32_t *acc = NULL;
	uint8_t *st = malloc(n);
	int rc = T_PASS, checked = 0;
	CHECKF(st, "out of memory");
	memset(act, 0, sizeof(act));
	rh_sim_geom(c->sim, &g);
	CHECKF(rh_ref_init(&ref, m, &err) == 0, "ref init: %s", err.msg);
	/* inputs of every layer, from the reference model */
	make_input(c, m, 7, x);
	act[0] = malloc(4096);
	memcpy(act[0], x, 4096);
	acc = malloc(sizeof(int32_t) * 65536);
	for (int i = 0; i < m->n_layers; i++) {
		act[i + 1] = malloc(65536);
		rh_ref_layer(&m->layers[i], act[i], acc, act[i + 1]);
	}
	struct feed_pick all = {-1, 0, {0}};
	rh_accel_schedule(m, &g, feed_cb, &all);
	rh_rng_seed(&r, 99);
	for (int rep = 0; rep < 12; rep++) {
		struct feed_pick f = {(long)rh_rng_below(&r, (uint64_t)all.n), 0, {0}};
		rh_accel_schedule(m, &g, feed_cb, &f);
		const struct rh_layer *l = &m->layers[f.seg.layer];
		long tau = 1 + (long)rh_rng_below(&r, (uint64_t)f.seg.len - 1);
		struct rh_fault nul = {.bit = 0, .cycle = (uint32_t)(f.seg.start + tau), .no_flip = 1};
		struct rh_result res;
		if (run_held(c, m, 7, &nul, st, &res) || res.end != RH_RUN_HELD || rh_sim_resume(c->sim, &res)) {
			rc = fail(c, __LINE__, "held run failed");
			goto out;
		}
		for (int row = 0; row < g.rows; row++) {
			for (int col = 0; col < g.cols; col++) {
				char name[96];
				static const char *const what[3] = {"u_act", "u_wgt", "u_acc"};
				int64_t want[3];
				rh_accel_pe_feed(l, act[f.seg.layer], &f.seg, tau, g.rows, g.cols, row, col, want);
				for (int q = 0; q < 3; q++) {
					snprintf(name, sizeof(name), "gen_row[%d].gen_col[%d].u_pe.%s", row, col,
					         what[q]);
					const struct rh_ffmap_reg *reg = find_reg(map, name);
					int64_t got = reg ? rh_ffmap_reg_value(st, reg, 1) : -999999;
					if (got != want[q]) {
						rc = fail(c, __LINE__,
						          "layer %d feed (pixel tile %d, channel tile %d) cycle %ld: "
						          "PE(%d,%d).%s = "
						          "%lld, the schedule says %lld",
						          f.seg.layer, f.seg.pixel_tile, f.seg.oc_tile, tau, row, col,
						          what[q] + 2, (long long)got, (long long)want[q]);
						goto out;
					}
					checked++;
				}
			}
		}
	}
	printf("      %d PE register values at 12 random feed cycles match the schedule\n", checked);
out:
	for (int i = 0; i <= m->n_layers; i++)
		free(act[i]);
	free(acc);
	free(st);
	rh_ref_free(&ref);
	return rc;
}

struct test_case {
	const char *name;
	int (*fn)(struct ctx *c);
};
static const struct test_case tests[] = {
    {"rtl_ffmap_chain", t_ffmap},
    {"rtl_exact_random_model", t_exact_random},
    {"rtl_exact_mlp", t_exact_mlp},
    {"rtl_exact_cnn", t_exact_cnn},
    {"rtl_null_injection", t_null},
    {"rtl_repeat_injection", t_repeat},
    {"rtl_checkpoint_injection_mlp", t_checkpoints_mlp},
    {"rtl_checkpoint_injection_cnn", t_checkpoints_cnn},
    {"rtl_checkpoint_injection_rnd", t_checkpoints_rnd},
    {"rtl_direct_injection", t_direct},
    {"rtl_finish_on_ref", t_finish_on_ref},
    {"rtl_kept_golden", t_kept_golden},
    {"rtl_readout_each_class", t_readout},
    {"rtl_named_accumulator", t_named_acc},
    {"rtl_schedule_occupancy", t_schedule_occupancy},
    {"rtl_watchdog", t_watchdog},
    {"rtl_trace_fst", t_trace},
    {NULL, NULL},
};

/* Conv 5x5 stride 2 pad 2 on 3 channels, odd sizes, pooling of an odd map, channel counts
 * that are no multiple of the array width. */
static int build_random(struct rh_model *m, struct rh_err *err)
{
	static const struct rh_layer_spec spec[] = {
	    {RH_OP_CONV, RH_F_RELU | RH_F_REQUANT, 5, 2, 2, 5},
	    {RH_OP_CONV, RH_F_RELU | RH_F_POOL | RH_F_REQUANT, 3, 1, 1, 11},
	    {RH_OP_CONV, RH_F_REQUANT, 2, 1, 0, 9},
	    {RH_OP_FC, RH_F_RELU | RH_F_REQUANT, 0, 1, 0, 13},
	    {RH_OP_FC, 0, 0, 1, 0, 7},
	};
	struct rh_rng r;
	int rc = rh_model_build(m, "rnd", 13, 13, 3, spec, 5, err);
	if (rc)
		return rc;
	rh_rng_seed(&r, 42);
	for (int i = 0; i < m->n_layers; i++) {
		struct rh_layer *l = &m->layers[i];
		size_t nw = rh_layer_weights(l);
		long kk = (long)l->k * l->k * l->in_c;
		int s = 15 + (int)ceil(log2(sqrt((double)kk) * 73.0 * 40.0 / 64.0));
		for (size_t j = 0; j < nw; j++)
			l->w[j] = (int8_t)((int)rh_rng_below(&r, 256) - 128);
		for (int o = 0; o < l->out_c; o++) {
			l->bias[o] = (int32_t)rh_rng_below(&r, 40001) - 20000;
			l->mult[o] = 16384 + (int32_t)rh_rng_below(&r, 16384);
			l->shift[o] = s;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctx c;
	struct rh_err err = {0, ""};
	const char *filter = NULL, *models = "models", *json = NULL;
	const char *tmp = getenv("TMPDIR");
	char tmpl[4096], path[512];
	int pass = 0, nfail = 0, skip = 0;

	snprintf(tmpl, sizeof(tmpl), "%s/rahil-rtl-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	memset(&c, 0, sizeof(c));
	c.n_images = 300;
	/* 1,000 faults of each class on the 8 x 8 set, 100 on the others (make bench: rtl-bench) */
	c.finish_per_class = strcmp(rh_sim_set_name(&RH_TEST_SET), "sim") == 0 ? 1000 : 100;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--images") == 0 && i + 1 < argc)
			c.n_images = atoi(argv[++i]);
		else if (strcmp(argv[i], "--finish-faults") == 0 && i + 1 < argc)
			c.finish_per_class = atoi(argv[++i]);
		else if (strcmp(argv[i], "--models") == 0 && i + 1 < argc)
			models = argv[++i];
		else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
			json = argv[++i];
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf(
			    "Usage: rtl-tests [--images N] [--finish-faults N] [--models DIR] [--json FILE] [FILTER]\n"
			    "Runs the RTL simulation tests whose name contains FILTER; --json writes the\n"
			    "measured simulation speed and mismatches of the mlp and cnn models.\n");
			return 0;
		} else
			filter = argv[i];
	}
	if (!mkdtemp(tmpl)) {
		perror("rtl-tests: mkdtemp");
		return 1;
	}
	c.tmpdir = tmpl;
	if (rh_sim_create(&c.sim, &RH_TEST_SET, 0, &err)) {
		fprintf(stderr, "rtl-tests: %s\n", err.msg);
		return 1;
	}
	if (build_random(&c.rnd, &err)) {
		fprintf(stderr, "rtl-tests: random model: %s\n", err.msg);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/mlp.rmod", models);
	c.have_mlp = rh_model_load(&c.mlp, path, &err) == 0;
	snprintf(path, sizeof(path), "%s/cnn.rmod", models);
	c.have_cnn = rh_model_load(&c.cnn, path, &err) == 0;
	c.have_data = rh_dataset_load(&c.data, NULL, RH_TEST, &err) == 0;
	if (!c.have_data) { /* installed by scripts/install-deps.sh: its absence is a failure */
		fprintf(stderr, "rtl-tests: no Fashion-MNIST test set (%s): install dataset-fashion-mnist\n", err.msg);
		return 1;
	}

	int declared = 0; /* tests/run-suites.sh compares it with the summary line */
	for (const struct test_case *t = tests; t->name; t++)
		declared += !filter || strstr(t->name, filter);
	printf("declared: %d tests\n", declared);
	for (const struct test_case *t = tests; t->name; t++) {
		if (filter && !strstr(t->name, filter))
			continue;
		c.why[0] = 0;
		double t0 = now_s();
		int r = t->fn(&c);
		double dt = now_s() - t0;
		if (r == T_PASS) {
			printf("ok    %s (%.1f s)\n", t->name, dt);
			pass++;
		} else if (r == T_SKIP) {
			printf("skip  %s: %s\n", t->name, c.why);
			skip++;
		} else {
			printf("FAIL  %s: %s\n", t->name, c.why);
			nfail++;
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed, %d skipped\n", pass, nfail, skip);
	if (json) {
		FILE *f = fopen(json, "w");
		if (!f) {
			perror(json);
			nfail++;
		} else {
			fprintf(f,
			        "{\"array\": \"%dx%d\", \"chain_len\": %u,\n"
			        " \"images\": {\"mlp\": %d, \"cnn\": %d},\n"
			        " \"mismatches\": {\"mlp\": %d, \"cnn\": %d},\n"
			        " \"cycles_per_inference\": {\"mlp\": %ld, \"cnn\": %ld},\n"
			        " \"sim_cycles_per_s\": {\"mlp\": %.0f, \"cnn\": %.0f},\n"
			        " \"sim_inferences_per_s\": {\"mlp\": %.2f, \"cnn\": %.2f}}\n",
			        rh_sim_ffmap(c.sim)->rows, rh_sim_ffmap(c.sim)->cols, rh_sim_chain_len(c.sim),
			        c.imgs[0], c.imgs[1], c.mism[0], c.mism[1], c.cyc[0], c.cyc[1], c.cps[0], c.cps[1],
			        c.ips[0], c.ips[1]);
			fclose(f);
		}
	}
	rh_sim_destroy(c.sim);
	rh_model_free(&c.rnd);
	if (c.have_mlp)
		rh_model_free(&c.mlp);
	if (c.have_cnn)
		rh_model_free(&c.cnn);
	if (c.have_data)
		rh_dataset_free(&c.data);
	rmdir(tmpl);
	return nfail ? 1 : 0;
}
