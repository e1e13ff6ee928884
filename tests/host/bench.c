/* rahil bench: reference-model throughput, injections on the simulator naive, from checkpoints
 * and on the fast path (side by side, same faults), a campaign with --jobs 1 and 2, and the
 * injections each sampler needs for +-10 % of the drop. Adds its keys to a JSON file
 * shared by all benchmarks (build/bench.json), keeping the keys other benchmarks wrote. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "clock.h"
#include "dataset.h"
#include "engine.h"
#include "model.h"
#include "quant.h"
#include "refmodel.h"
#include "rng.h"

static cJSON *load_json(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return cJSON_CreateObject();
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	cJSON *j = cJSON_Parse(buf);
	return cJSON_IsObject(j) ? j : (cJSON_Delete(j), cJSON_CreateObject());
}

/* The same faults through the sim back-end three ways, on one core: every fault from the start
 * to the end with the chain rotated (--naive), from checkpoints of the golden run (rotated, to
 * the end), and the fast path (the default: the flip made in place, early stop, the finish on
 * the reference model); the results must agree. The three take turns image by image, so that
 * each is timed in the same spells of the machine's load, the fast path's batch FAST_REPS times
 * (each time alike, each on a simulator of its own: no repeat reuses a golden run an earlier one
 * kept, docs/campaign.md). fastpath_speedup[name] is the naive time over the fast
 * path's; the clocks each mode simulates (golden runs included) give the same ratio without
 * the machine's noise. Returns 0, or -1. */
static int bench_accel(const char *name, const struct rh_dataset *te, cJSON *rate, cJSON *fast_speedup)
{
	enum { IMAGES = 8, PER_IMAGE = 64, N = IMAGES * PER_IMAGE, FAST_REPS = 4 };
	static const int modes[3] = {RH_REPLAY_NAIVE, RH_REPLAY_CHECKPOINTS, RH_REPLAY_FAST};
	static const char *keys[3] = {"naive", "checkpoints", "fast"};
	char path[64];
	struct rh_model m;
	struct rh_backend be[2 + FAST_REPS]; /* naive, checkpoints, the fast path's repeats */
	memset(be, 0, sizeof(be));
	struct rh_backend_info info;
	struct rh_err e = {0, ""};
	snprintf(path, sizeof(path), "models/%s.rmod", name);
	if (rh_model_load(&m, path, &e) || rh_backend_open(&be[0], "sim", &m, NULL, &e) ||
	    rh_backend_info(&be[0], &info, &e)) {
		fprintf(stderr, "rahil-bench: %s\n", e.msg);
		return -1;
	}
	rh_backend_close(&be[0]);
	for (int q = 0; q < 2 + FAST_REPS; q++) {
		struct rh_backend_opts o = {.replay = modes[q < 2 ? q : 2]};
		if (rh_backend_open(&be[q], "sim", &m, &o, &e)) {
			fprintf(stderr, "rahil-bench: %s\n", e.msg);
			return -1;
		}
	}
	static struct rh_fault f[N];
	static struct rh_result res[3][N], again[PER_IMAGE];
	struct rh_rng r;
	rh_rng_seed(&r, 1);
	for (int i = 0; i < N; i++)
		f[i] = (struct rh_fault){.bit = (uint32_t)rh_rng_below(&r, info.chain_len),
		                         .cycle = (uint32_t)rh_rng_below(&r, info.golden_cycles)};
	double dt[3] = {0, 0, 0}, clocks[3] = {0, 0, 0}, golden_clk = 0;
	int8_t x[784];
	int unstable = 0;
	for (int k = 0; k < IMAGES; k++) {
		rh_dataset_input(te, k, x);
		for (int mode = 0; mode < 3; mode++) {
			for (int rep = 0; rep < (mode == 2 ? FAST_REPS : 1); rep++) {
				struct rh_result golden, *out = rep ? again : res[mode] + k * PER_IMAGE;
				double t0 = rh_now_s();
				if (rh_backend_run_faults(&be[mode + rep], x, f + k * PER_IMAGE, PER_IMAGE, &golden,
				                          out, &e)) {
					fprintf(stderr, "rahil-bench: %s\n", e.msg);
					return -1;
				}
				dt[mode] += rh_now_s() - t0;
				if (rep) {
					unstable += memcmp(again, res[mode] + k * PER_IMAGE, sizeof(again)) != 0;
					continue;
				}
				clocks[mode] += (double)golden.clock_cycles;
				for (int i = 0; i < PER_IMAGE; i++)
					clocks[mode] += (double)out[i].clock_cycles;
				if (mode == 2)
					golden_clk += (double)golden.clock_cycles;
			}
		}
	}
	double rate_of[3];
	for (int mode = 0; mode < 3; mode++) {
		rate_of[mode] = N * (mode == 2 ? FAST_REPS : 1) / dt[mode];
	}
	for (int q = 0; q < 2 + FAST_REPS; q++)
		rh_backend_close(&be[q]);
	if (unstable) {
		fprintf(stderr, "rahil-bench: %s: the fast path's results differ between repeats\n", name);
		return -1;
	}
	int differ = 0;
	for (int mode = 1; mode < 3; mode++)
		for (int i = 0; i < N; i++)
			differ += res[0][i].cls != res[mode][i].cls || res[0][i].end != res[mode][i].end ||
			          res[0][i].cycles != res[mode][i].cycles ||
			          memcmp(res[0][i].logits, res[mode][i].logits, sizeof(res[0][i].logits)) != 0;
	rh_model_free(&m);
	/* Where the fast path's clocks go: runs that rejoined the golden run, runs finished on the
	 * reference model, runs to their end (done or hung), and the golden runs. */
	double clk[4] = {0, 0, 0, 0}, cnt[4] = {0, 0, 0, 0}, all = 0;
	for (int i = 0; i < N; i++) {
		const struct rh_result *q = &res[2][i];
		int k = q->rejoined ? 0 : q->finished_ref ? 1 : q->end == RH_RUN_DONE ? 2 : 3;
		clk[k] += (double)q->clock_cycles;
		cnt[k]++;
		all += (double)q->clock_cycles;
	}
	all += golden_clk;
	static const char *what[4] = {"rejoined", "finished on the reference", "ran to the end", "hung"};
	printf("fast path %s:", name);
	for (int k = 0; k < 4; k++)
		printf(" %s %.0f%% of runs, %.0f%% of clocks (%.0f a run);", what[k], 100 * cnt[k] / N,
		       100 * clk[k] / all, cnt[k] ? clk[k] / cnt[k] : 0);
	printf(" the golden runs %.0f%% of clocks\n", 100 * golden_clk / all);
	if (differ) {
		fprintf(stderr, "rahil-bench: %s: %d results differ from the naive runs'\n", name, differ);
		return -1;
	}
	printf("sim campaign %s: %d injections/s naive (--naive), %.0f/s from checkpoints (%.2fx), "
	       "%.0f/s on the fast path (%.2fx, the default: fastpath_speedup); results identical; "
	       "clocks simulated %.2fx fewer on the fast path\n",
	       name, (int)(rate_of[0] + 0.5), rate_of[1], rate_of[1] / rate_of[0], rate_of[2], rate_of[2] / rate_of[0],
	       clocks[0] / clocks[2]);
	cJSON *o = cJSON_AddObjectToObject(rate, name);
	for (int mode = 0; mode < 3; mode++)
		cJSON_AddNumberToObject(o, keys[mode], rate_of[mode]);
	cJSON_AddNumberToObject(o, "speedup", rate_of[2] / rate_of[0]);
	cJSON_AddNumberToObject(o, "clock_ratio", clocks[0] / clocks[2]);
	cJSON_AddNumberToObject(fast_speedup, name, rate_of[2] / rate_of[0]);
	return 0;
}

/* One campaign (the engine, uniform, the default fast path) with --jobs 1 and --jobs 2 (a
 * second simulator on its own thread); the results must be the same. jobs_speedup[name] is
 * the time of --jobs 1 over --jobs 2's. Returns 0, or -1. */
static int bench_jobs(const char *name, const struct rh_dataset *te, cJSON *jobs_speedup)
{
	char path[64];
	struct rh_model m;
	struct rh_backend be[2] = {{0}, {0}};
	struct rh_err e = {0, ""};
	struct rh_campaign_result r[2];
	double dt[2];
	snprintf(path, sizeof(path), "models/%s.rmod", name);
	if (rh_model_load(&m, path, &e) || rh_backend_open(&be[0], "sim", &m, NULL, &e) ||
	    rh_backend_open(&be[1], "sim", &m, NULL, &e)) {
		fprintf(stderr, "rahil-bench: %s\n", e.msg);
		return -1;
	}
	struct rh_backend *workers[1] = {&be[1]};
	for (int k = 0; k < 2; k++) {
		struct rh_campaign_opts o = {
		    .sampler = "uniform", .n = 1024, .images = 16, .seed = 1, .workers = workers, .n_workers = k};
		double t0 = rh_now_s();
		if (rh_campaign_run(&o, &m, te, &be[0], &r[k], &e)) {
			fprintf(stderr, "rahil-bench: %s\n", e.msg);
			return -1;
		}
		dt[k] = rh_now_s() - t0;
	}
	rh_backend_close(&be[0]);
	rh_backend_close(&be[1]);
	rh_model_free(&m);
	if (r[0].done != r[1].done || r[0].ra != r[1].ra ||
	    memcmp(r[0].outcomes, r[1].outcomes, sizeof(r[0].outcomes))) {
		fprintf(stderr, "rahil-bench: %s: --jobs 2's campaign differs from --jobs 1's\n", name);
		return -1;
	}
	printf("sim campaign %s, 1024 injections: %.2f s with --jobs 1, %.2f s with --jobs 2 (%.2fx, jobs_speedup); "
	       "results identical\n",
	       name, dt[0], dt[1], dt[0] / dt[1]);
	cJSON_AddNumberToObject(jobs_speedup, name, dt[0] / dt[1]);
	return 0;
}

/* Injections for +-10 % of the drop, side by side on the simulator (one campaign per sampler,
 * n each, on the first 100 images): plain uniform Monte Carlo (the sample mean of correctness,
 * no control variate: its variance RA (1 - RA) per injection, RA from the uniform campaign)
 * against each estimator the engine has (uniform with the paired difference, is, isb: n times
 * (half-width / (0.1 drop))^2 from its own interval). isb_injection_ratio[name] is plain over
 * the best. Returns 0, or -1. */
static int bench_isb(const char *name, const struct rh_dataset *te, cJSON *ratio)
{
	enum { N = 4000, K = 4 };
	/* the last: isb whose pilot takes a calibration measured on other images (as compare runs it) */
	static const char *samplers[K] = {"uniform", "is", "isb", "isb"},
	                  *keys[K] = {"uniform", "is", "isb", "isb_calibrated"};
	char path[64];
	struct rh_model m;
	struct rh_backend be[2] = {{0}, {0}};
	struct rh_err e = {0, ""};
	struct rh_campaign_result r[K], rc;
	struct rh_calib calib;
	snprintf(path, sizeof(path), "models/%s.rmod", name);
	if (rh_model_load(&m, path, &e) || rh_backend_open(&be[0], "sim", &m, NULL, &e) ||
	    rh_backend_open(&be[1], "sim", &m, NULL, &e)) {
		fprintf(stderr, "rahil-bench: %s\n", e.msg);
		return -1;
	}
	struct rh_backend *workers[1] = {&be[1]};
	struct rh_campaign_opts co = {.sampler = "uniform",
	                              .n = 3000,
	                              .images = 100,
	                              .first_image = 100,
	                              .seed = 2,
	                              .workers = workers,
	                              .n_workers = 1};
	if (rh_campaign_run(&co, &m, te, &be[0], &rc, &e) || rh_campaign_calibration(&rc, &co, &m, "sim", &calib, &e)) {
		fprintf(stderr, "rahil-bench: %s calibration: %s\n", name, e.msg);
		return -1;
	}
	for (int k = 0; k < K; k++) {
		struct rh_campaign_opts o = {.sampler = samplers[k],
		                             .n = N,
		                             .images = 100,
		                             .seed = 1,
		                             .workers = workers,
		                             .n_workers = 1,
		                             .calib = k == 3 ? &calib : NULL};
		if (rh_campaign_run(&o, &m, te, &be[0], &r[k], &e)) {
			fprintf(stderr, "rahil-bench: %s %s: %s\n", name, keys[k], e.msg);
			return -1;
		}
	}
	rh_backend_close(&be[0]);
	rh_backend_close(&be[1]);
	rh_model_free(&m);
	double drop = 0;
	for (int k = 0; k < K; k++)
		drop += r[k].drop / K;
	double target = 0.1 * drop;
	if (!(drop > 0)) {
		fprintf(stderr, "rahil-bench: %s: no drop measured\n", name);
		return -1;
	}
	double plain = 1.959964 * 1.959964 * r[0].ra * (1 - r[0].ra) / (target * target), need[K], best = 0;
	int b = 0;
	for (int k = 0; k < K; k++) {
		double hw = (r[k].ci95_drop[1] - r[k].ci95_drop[0]) / 2;
		need[k] = (double)r[k].done * (hw / target) * (hw / target);
		if (k == 0 || need[k] < best) {
			best = need[k];
			b = k;
		}
	}
	printf("sim campaign %s, drop %.4f: injections for +-10%% of it: %.0f plain uniform, %.0f uniform paired, "
	       "%.0f is, %.0f isb, %.0f isb calibrated (%d each, measured; calibration 3000 on images 100-199); "
	       "isb_injection_ratio %.1fx (plain over %s)\n",
	       name, drop, plain, need[0], need[1], need[2], need[3], N, plain / best, keys[b]);
	cJSON *o = cJSON_AddObjectToObject(ratio, name);
	cJSON_AddNumberToObject(o, "ratio", plain / best);
	cJSON_AddStringToObject(o, "best", keys[b]);
	cJSON_AddNumberToObject(o, "plain_uniform", plain);
	for (int k = 0; k < K; k++)
		cJSON_AddNumberToObject(o, keys[k], need[k]);
	return 0;
}

int main(int argc, char **argv)
{
	const char *out = "build/bench.json", *merge[8], *only = NULL;
	int n_merge = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--out") == 0)
			out = argv[i + 1];
		else if (strcmp(argv[i], "--only") == 0) /* ref, accel, jobs or isb: one benchmark */
			only = argv[i + 1];
		else if (strcmp(argv[i], "--merge") == 0 && n_merge < 8)
			merge[n_merge++] = argv[i + 1];
	}
	const char *names[2] = {"mlp", "cnn"};
	struct rh_dataset te;
	struct rh_err e = {0, ""};
	if (rh_dataset_load(&te, NULL, RH_TEST, &e)) {
		fprintf(stderr, "rahil-bench: %s\n", e.msg);
		return 1;
	}
	cJSON *root = load_json(out);
	cJSON_DeleteItemFromObject(root, "ref_inferences_per_s");
	cJSON *ips = cJSON_AddObjectToObject(root, "ref_inferences_per_s");
	for (int i = 0; i < 2 && (!only || strcmp(only, "ref") == 0); i++) {
		char path[64];
		struct rh_model m;
		struct rh_ref ref;
		snprintf(path, sizeof(path), "models/%s.rmod", names[i]);
		if (rh_model_load(&m, path, &e) || rh_ref_init(&ref, &m, &e)) {
			fprintf(stderr, "rahil-bench: %s\n", e.msg);
			return 1;
		}
		int8_t x[784];
		int32_t logits[16];
		long n = 0;
		volatile int sink = 0;
		double t0 = rh_now_s(), dt;
		do { /* at least one second and one pass over 1000 images */
			int k = (int)(n % te.n);
			rh_dataset_input(&te, k, x);
			sink += rh_ref_infer(&ref, x, logits);
			n++;
			dt = rh_now_s() - t0;
		} while (dt < 1.0 || n < 1000);
		printf("reference model %s: %.0f inferences/s (%ld MACs each, %.2f GMAC/s)\n", names[i], n / dt,
		       rh_model_macs(&m), n / dt * (double)rh_model_macs(&m) * 1e-9);
		cJSON_AddNumberToObject(ips, names[i], n / dt);
		rh_ref_free(&ref);
		rh_model_free(&m);
	}
	cJSON_DeleteItemFromObject(root, "sim_injections_per_s");
	cJSON_DeleteItemFromObject(root, "fastpath_speedup");
	cJSON *inj = cJSON_AddObjectToObject(root, "sim_injections_per_s");
	cJSON *fast = cJSON_AddObjectToObject(root, "fastpath_speedup");
	for (int i = 0; i < 2 && (!only || strcmp(only, "accel") == 0); i++)
		if (bench_accel(names[i], &te, inj, fast) < 0)
			return 1;
	cJSON_DeleteItemFromObject(root, "jobs_speedup");
	cJSON *jobs = cJSON_AddObjectToObject(root, "jobs_speedup");
	for (int i = 0; i < 2 && (!only || strcmp(only, "jobs") == 0); i++)
		if (bench_jobs(names[i], &te, jobs) < 0)
			return 1;
	cJSON_DeleteItemFromObject(root, "isb_injection_ratio");
	cJSON *isb = cJSON_AddObjectToObject(root, "isb_injection_ratio");
	for (int i = 0; i < 2 && (!only || strcmp(only, "isb") == 0); i++)
		if (bench_isb(names[i], &te, isb) < 0)
			return 1;
	rh_dataset_free(&te);
	/* Keys measured by other benchmarks (e.g. the simulator's) replace older values. */
	for (int k = 0; k < n_merge; k++) {
		cJSON *other = load_json(merge[k]);
		for (cJSON *it = other->child; it; it = it->next) {
			cJSON_DeleteItemFromObject(root, it->string);
			cJSON_AddItemToObject(root, it->string, cJSON_Duplicate(it, 1));
		}
		cJSON_Delete(other);
	}
	char *s = cJSON_Print(root);
	FILE *f = fopen(out, "wb");
	if (!f || fputs(s, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "rahil-bench: cannot write %s\n", out);
		return 1;
	}
	printf("wrote %s\n", out);
	free(s);
	cJSON_Delete(root);
	return 0;
}
