/* rahil campaign: a fault-injection campaign on an accelerator back-end. This version samples
 * (cell, image) pairs uniformly; docs/fault-model.md gives the estimators. With --journal,
 * every finished injection is journaled (host/campaign/journal.h) and an interrupted campaign resumes
 * where it stopped. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "cli.h"
#include "clock.h"
#include "dataset.h"
#include "journal.h"
#include "model.h"
#include "outcome.h"
#include "quant.h"
#include "refmodel.h"
#include "rng.h"
#include "stats.h"

struct pair {
	int image;
	long draw; /* position among the draws: keeps the order within an image fixed */
	struct rh_fault_spec f;
};

/* Faults per run_faults call: the journal is written, and an interrupt noticed, between
 * calls (link back-ends split a call into batches of what the board takes). */
#define CAMPAIGN_CHUNK 256
/* Null injections (a rotation that inverts nothing): one in each of the first NULL_BATCHES
 * batches a run makes; each must return the golden result. */
#define NULL_BATCHES 4

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void help(void)
{
	printf("Usage: rahil campaign -m MODEL [--backend B] --sampler uniform --n N [OPTIONS]\n\n"
	       "Inject N single-bit faults, one per inference, each in a (flip-flop bit, cycle) cell\n"
	       "and an evaluation image drawn uniformly, and estimate the Resiliency Accuracy (RA):\n"
	       "the accuracy given one transient fault. The drop SA - RA is estimated with the\n"
	       "golden outcome as a control variate (docs/fault-model.md, section 3). Faults on the\n"
	       "same image run back to back in batches, one round trip per batch on a board. Every\n"
	       "run starts from the canonical start state (docs/campaign.md). Self-checks: the\n"
	       "fault-free run of every image on the back-end must equal the reference model's\n"
	       "logits, and a few null injections must return the golden result (else exit 3).\n\n"
	       "Options:\n"
	       "  -m, --model MODEL   the .rmod model file (required)\n"
	       "  --backend B         sim (default, 8x8), sim:ice40 (the iCEBreaker's 1x2 in-process),\n"
	       "                      sim:2x4, serial:PATH or ftdi[:SERIAL]\n"
	       "  --sampler uniform   the proposal over cells (importance sampling comes with the\n"
	       "                      fault model)\n"
	       "  --n N               number of injections (required)\n"
	       "  --images K          the evaluation set: the first K test images (default 100)\n"
	       "  --seed S            random seed (default 1)\n"
	       "  --naive             run every fault from the start of the inference to its end\n"
	       "                      (sim; the default runs each from a checkpoint of the golden\n"
	       "                      run and stops it where it rejoins the golden run, with the\n"
	       "                      same results)\n"
	       "  --csv FILE          write every injection this run makes to FILE, one line each:\n"
	       "                      image, chain bit, flip-flop, class, cycle, outcome, returned\n"
	       "                      class, weight, cycles and logits\n"
	       "  --journal FILE      record every finished injection in FILE; when FILE exists,\n"
	       "                      resume the campaign it records (same options) without\n"
	       "                      repeating or losing an injection\n"
	       "  --data DIR          Fashion-MNIST directory (default $RAHIL_DATA or %s)\n"
	       "  --json              print the result as JSON on stdout\n"
	       "  -q, --quiet         no progress lines\n"
	       "  -h, --help          this text\n\n"
	       "Ctrl-C stops after the injections in flight; with --journal, run the same command\n"
	       "again to go on (exit status 130 when interrupted).\n\n",
	       RH_DEFAULT_DATA_DIR);
	rh_cli_exit_codes(stdout);
}

/* The flip-flop class of a chain bit (control when the map does not know it). */
static int ff_class(const struct rh_ffmap *map, uint32_t bit)
{
	const struct rh_ffmap_reg *reg = map ? rh_ffmap_find(map, bit, NULL) : NULL;
	return reg && reg->cls >= 0 && reg->cls < 4 ? reg->cls : RH_FF_CONTROL;
}

static int csv_open(FILE **out, const char *path, int n_logits, struct rh_err *err)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return rh_err_set(err, RH_E_IO, "cannot write %s: %s", path, strerror(errno));
	fprintf(f, "index,image,label,bit,ff,ff_index,ff_class,cycle,outcome,class,golden_class,correct,weight,cycles");
	for (int i = 0; i < n_logits; i++)
		fprintf(f, ",logit%d", i);
	fprintf(f, "\n");
	*out = f;
	return 0;
}

/* One line per injection of a batch (recs and res in the same order). */
static int csv_write(FILE *f, const char *path, const struct rh_ffmap *map, const struct rh_journal_rec *recs,
                     const struct rh_result *res, const struct rh_result *golden, int label, int n_logits, size_t n,
                     struct rh_err *err)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t index = 0;
		const struct rh_ffmap_reg *reg = map ? rh_ffmap_find(map, recs[i].bit, &index) : NULL;
		enum rh_outcome o = (enum rh_outcome)recs[i].outcome;
		fprintf(f, "%ld,%d,%d,%u,%s,%u,%s,%u,%s,%d,%d,%d,%.17g,%llu", recs[i].index, recs[i].image, label,
		        recs[i].bit, reg ? reg->name : "?", index, rh_ff_class_name(ff_class(map, recs[i].bit)),
		        recs[i].cycle, rh_outcome_name(o), recs[i].cls, golden->cls,
		        rh_outcome_correct(o, recs[i].cls, label), recs[i].weight, (unsigned long long)res[i].cycles);
		for (int k = 0; k < n_logits; k++)
			fprintf(f, ",%d", o == RH_OUT_HANG ? 0 : res[i].logits[k]);
		fprintf(f, "\n");
	}
	if (fflush(f) != 0 || ferror(f))
		return rh_err_set(err, RH_E_IO, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* RA and its bounds lie in [0, 1]; SA minus the drop can leave it when a small sample draws
 * mostly the images the golden run gets wrong. */
static double clip01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

static int by_image(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->image != y->image)
		return (x->image > y->image) - (x->image < y->image);
	return (x->draw > y->draw) - (x->draw < y->draw);
}

static enum rh_outcome classify(const struct rh_result *r, int golden_cls, const int32_t *golden, int n)
{
	return rh_outcome_classify(r->hang, r->crash, r->cls, r->logits, golden_cls, golden, n);
}

/* The back-end's fault-free run of image img must be the reference model's, bit for bit. */
static int check_golden(const struct rh_result *g, int img, int golden_cls, const int32_t *golden, int n,
                        struct rh_err *err)
{
	if (g->hang || g->crash)
		return rh_err_set(err, RH_E_MISMATCH, "image %d: the back-end's fault-free run ended in a %s", img,
		                  g->hang ? "hang" : "crash");
	for (int i = 0; i < n; i++)
		if (g->logits[i] != golden[i])
			return rh_err_set(err, RH_E_MISMATCH,
			                  "image %d: the back-end's fault-free run differs from the reference model "
			                  "(logit %d: %d, expected %d; class %d, expected %d)",
			                  img, i, g->logits[i], golden[i], g->cls, golden_cls);
	if (g->cls != golden_cls)
		return rh_err_set(err, RH_E_MISMATCH,
		                  "image %d: the back-end's fault-free run returned class %d, the reference model %d",
		                  img, g->cls, golden_cls);
	return 0;
}

/* A null injection must return the golden run's result, cycles included. */
static int check_null(const struct rh_result *r, const struct rh_result *g, const struct rh_fault_spec *f, int img,
                      int n, struct rh_err *err)
{
	if (r->hang != g->hang || r->crash != g->crash || r->cls != g->cls || r->cycles != g->cycles ||
	    memcmp(r->logits, g->logits, sizeof(int32_t) * (size_t)n))
		return rh_err_set(err, RH_E_MISMATCH,
		                  "image %d: a null injection (chain bit %u, cycle %u, nothing inverted) returned "
		                  "class %d in %llu cycles, the golden run class %d in %llu",
		                  img, f->bit, f->cycle, r->cls, (unsigned long long)r->cycles, g->cls,
		                  (unsigned long long)g->cycles);
	return 0;
}

int rh_cmd_campaign(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"model", required_argument, NULL, 'm'},   {"backend", required_argument, NULL, 'b'},
	    {"sampler", required_argument, NULL, 's'}, {"n", required_argument, NULL, 'n'},
	    {"images", required_argument, NULL, 'k'},  {"seed", required_argument, NULL, 'S'},
	    {"journal", required_argument, NULL, 'j'}, {"csv", required_argument, NULL, 'C'},
	    {"data", required_argument, NULL, 'd'},    {"naive", no_argument, NULL, 'N'},
	    {"json", no_argument, NULL, 'J'},          {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	const char *model = NULL, *backend = "sim", *sampler = NULL, *data = NULL, *journal_path = NULL,
	           *csv_path = NULL;
	long n = -1, images = 100, seed = 1;
	int json = 0, quiet = 0, naive = 0, c;
	optind = 1;
	while ((c = rh_cli_getopt("campaign", argc, argv, "m:qh", opts)) != -1) {
		switch (c) {
		case 'm': model = optarg; break;
		case 'b': backend = optarg; break;
		case 's': sampler = optarg; break;
		case 'n':
			if (rh_cli_int("campaign", "n", optarg, 1, 100000000L, &n))
				return rh_cli_usage_error("campaign");
			break;
		case 'k':
			if (rh_cli_int("campaign", "images", optarg, 1, 10000, &images))
				return rh_cli_usage_error("campaign");
			break;
		case 'S':
			if (rh_cli_int("campaign", "seed", optarg, 0, 0x7fffffffL, &seed))
				return rh_cli_usage_error("campaign");
			break;
		case 'd': data = optarg; break;
		case 'j': journal_path = optarg; break;
		case 'C': csv_path = optarg; break;
		case 'N': naive = 1; break;
		case 'J': json = 1; break;
		case 'q': quiet = 1; break;
		case 'h': help(); return RH_EXIT_OK;
		default: return rh_cli_usage_error("campaign");
		}
	}
	if (optind < argc) {
		rh_cli_error("campaign", "unexpected argument '%s'", argv[optind]);
		return rh_cli_usage_error("campaign");
	}
	if (!model || n < 0 || !sampler) {
		rh_cli_error("campaign", "-m MODEL, --sampler and --n N are required");
		return rh_cli_usage_error("campaign");
	}
	if (strcmp(sampler, "uniform") != 0) {
		rh_cli_error("campaign", "sampler '%s' is not available yet (this version has: uniform)", sampler);
		return rh_cli_usage_error("campaign");
	}

	struct rh_err err = {0, ""};
	struct rh_model m;
	struct rh_dataset test;
	struct rh_backend be = {0};
	struct rh_ref ref = {0};
	struct pair *pairs = NULL;
	struct rh_fault_spec *batch = NULL;
	struct rh_result *res = NULL;
	struct rh_journal jr = {0};
	struct rh_journal_rec *done = NULL, *recs = NULL;
	size_t n_done = 0;
	int8_t *inputs = NULL;
	FILE *csv = NULL;
	int32_t(*golden)[RH_MAX_CLASSES] = NULL;
	int *golden_cls = NULL;
	int rc = rh_model_load(&m, model, &err);
	if (rc) {
		rh_cli_error("campaign", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	rc = rh_dataset_load(&test, data, RH_TEST, &err);
	if (rc) {
		rh_model_free(&m);
		rh_cli_error("campaign", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	if (m.in_h != test.h || m.in_w != test.w || m.in_c != 1 || m.n_classes != 10) {
		rh_cli_error("campaign", "%s does not take Fashion-MNIST images", model);
		rc = RH_E_INVAL;
		goto out;
	}
	if (images > test.n) {
		rc = rh_err_set(&err, RH_E_INVAL, "--images %ld: the test set has %d images", images, test.n);
		rh_cli_error("campaign", "%s", err.msg);
		goto out;
	}
	int k = (int)images;
	size_t in_len = (size_t)test.h * test.w;
	pairs = malloc((size_t)n * sizeof(*pairs));
	batch = malloc((CAMPAIGN_CHUNK + 1) * sizeof(*batch));
	res = malloc((CAMPAIGN_CHUNK + 1) * sizeof(*res));
	recs = malloc(CAMPAIGN_CHUNK * sizeof(*recs));
	inputs = malloc((size_t)k * in_len);
	golden = malloc((size_t)k * sizeof(*golden));
	golden_cls = malloc((size_t)k * sizeof(*golden_cls));
	if (!pairs || !batch || !res || !recs || !inputs || !golden || !golden_cls) {
		rc = rh_err_set(&err, RH_E_NOMEM, "cannot allocate %ld injections", n);
		rh_cli_error("campaign", "%s", err.msg);
		goto out;
	}
	/* The golden run of every evaluation image, from the reference model (which the
	 * accelerator matches bit for bit: rahil eval checks it). */
	if ((rc = rh_ref_init(&ref, &m, &err))) {
		rh_cli_error("campaign", "%s", err.msg);
		goto out;
	}
	long sa_correct = 0;
	for (int i = 0; i < k; i++) {
		rh_dataset_input(&test, i, inputs + (size_t)i * in_len);
		golden_cls[i] = rh_ref_infer(&ref, inputs + (size_t)i * in_len, golden[i]);
		sa_correct += golden_cls[i] == test.labels[i];
	}
	if ((rc = rh_backend_open(&be, backend, &m, &err))) {
		rh_cli_error("campaign", "%s", err.msg);
		goto out;
	}
	be.replay = naive ? RH_REPLAY_NAIVE : RH_REPLAY_FAST;
	/* Loading the model is set-up; round trips are counted from here on. */
	struct rh_backend_stats setup;
	rh_backend_stats(&be, &setup);
	struct rh_backend_info info;
	if ((rc = rh_backend_info(&be, &info, &err))) {
		rh_cli_error("campaign", "%s", err.msg);
		goto out;
	}
	/* Uniform over images x chain bits x cycles of the golden run. */
	struct rh_rng rng;
	rh_rng_seed(&rng, (uint64_t)seed);
	for (long i = 0; i < n; i++) {
		pairs[i].image = (int)rh_rng_below(&rng, (uint64_t)k);
		pairs[i].draw = i;
		uint32_t bit = (uint32_t)rh_rng_below(&rng, info.chain_len);
		pairs[i].f =
		    (struct rh_fault_spec){.bit = bit, .cycle = (uint32_t)rh_rng_below(&rng, info.golden_cycles)};
	}
	qsort(pairs, (size_t)n, sizeof(*pairs), by_image);

	long count[RH_OUT_COUNT] = {0}, correct = 0, n10 = 0, n01 = 0;
	long by_class[4][RH_OUT_COUNT] = {{0}}; /* outcomes per flip-flop class of the struck bit */
	long golden_runs = 0, null_runs = 0;
	struct rh_wmean drop = {0};
	/* null injections come from their own stream: the campaign's draws do not depend on them */
	struct rh_rng null_rng;
	rh_rng_seed(&null_rng, (uint64_t)seed ^ 0x6e756c6cull);
	/* The journal's injections are the first n_done of this order: count them, run the rest. */
	if (journal_path) {
		struct rh_journal_head head = {m.name,         rh_journal_model_hash(&m), sampler,        n, k, seed,
		                               info.chain_len, info.golden_cycles,        info.ffmap_hash};
		if ((rc = rh_journal_open(&jr, journal_path, &head, &done, &n_done, &err))) {
			rh_cli_error("campaign", "%s", err.msg);
			goto out;
		}
		for (size_t q = 0; q < n_done; q++) {
			const struct pair *p = &pairs[q];
			if (done[q].image != p->image || done[q].bit != p->f.bit || done[q].cycle != p->f.cycle) {
				rc = rh_err_set(&err, RH_E_FORMAT, "%s: injection %zu is not this campaign's",
				                journal_path, q);
				rh_cli_error("campaign", "%s", err.msg);
				goto out;
			}
			int ok =
			    rh_outcome_correct((enum rh_outcome)done[q].outcome, done[q].cls, test.labels[p->image]);
			int g = golden_cls[p->image] == test.labels[p->image];
			count[done[q].outcome]++;
			by_class[ff_class(info.ffmap, done[q].bit)][done[q].outcome]++;
			correct += ok;
			n10 += g && !ok;
			n01 += !g && ok;
			rh_wmean_add(&drop, 1.0, (double)(g - ok));
		}
		if (!quiet && n_done)
			fprintf(stderr, "rahil campaign: resuming from %s: %zu of %ld injections done\n", journal_path,
			        n_done, n);
	}
	if (csv_path && (rc = csv_open(&csv, csv_path, m.n_classes, &err))) {
		rh_cli_error("campaign", "%s", err.msg);
		goto out;
	}
	struct sigaction sa_new = {0}, sa_int, sa_term;
	sa_new.sa_handler = on_interrupt;
	sigemptyset(&sa_new.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa_new, &sa_int);
	sigaction(SIGTERM, &sa_new, &sa_term);
	double t0 = rh_now_s(), last = t0;
	long ran_to = (long)n_done; /* injections counted so far */
	for (long i = (long)n_done; i < n && !interrupted;) {
		long j = i;
		while (j < n && j - i < CAMPAIGN_CHUNK && pairs[j].image == pairs[i].image) {
			batch[j - i] = pairs[j].f;
			j++;
		}
		int img = pairs[i].image;
		size_t nb = (size_t)(j - i);
		int with_null = golden_runs < NULL_BATCHES;
		if (with_null)
			batch[nb] =
			    (struct rh_fault_spec){.bit = (uint32_t)rh_rng_below(&null_rng, info.chain_len),
			                           .cycle = (uint32_t)rh_rng_below(&null_rng, info.golden_cycles),
			                           .no_flip = 1};
		struct rh_result gres;
		rc = rh_backend_run_faults(&be, inputs + (size_t)img * in_len, batch, nb + (size_t)with_null, &gres,
		                           res, &err);
		if (!rc) {
			golden_runs++;
			rc = check_golden(&gres, img, golden_cls[img], golden[img], m.n_classes, &err);
		}
		if (!rc && with_null) {
			null_runs++;
			rc = check_null(&res[nb], &gres, &batch[nb], img, m.n_classes, &err);
		}
		if (rc) {
			if (rc == RH_E_MISMATCH)
				rh_cli_error("campaign", "%s", err.msg);
			else
				rh_cli_error("campaign", "image %d: %s", img, err.msg);
			if (journal_path)
				rh_cli_error("campaign",
				             "%ld of %ld injections are in %s: run the same command to resume", i, n,
				             journal_path);
			break;
		}
		for (long q = 0; q < j - i; q++) {
			enum rh_outcome o = classify(&res[q], golden_cls[img], golden[img], m.n_classes);
			int ok = rh_outcome_correct(o, res[q].cls, test.labels[img]);
			int g = golden_cls[img] == test.labels[img];
			count[o]++;
			by_class[ff_class(info.ffmap, pairs[i + q].f.bit)][o]++;
			correct += ok;
			n10 += g && !ok;
			n01 += !g && ok;
			rh_wmean_add(&drop, 1.0, (double)(g - ok));
			recs[q] =
			    (struct rh_journal_rec){.index = i + q,
			                            .image = img,
			                            .bit = pairs[i + q].f.bit,
			                            .cycle = pairs[i + q].f.cycle,
			                            .outcome = (int)o,
			                            .cls = o == RH_OUT_HANG || o == RH_OUT_CRASH ? -1 : res[q].cls,
			                            .weight = 1.0};
		}
		if (csv && (rc = csv_write(csv, csv_path, info.ffmap, recs, res, &gres, test.labels[img], m.n_classes,
		                           (size_t)(j - i), &err))) {
			rh_cli_error("campaign", "%s", err.msg);
			break;
		}
		if (journal_path && (rc = rh_journal_append(&jr, recs, (size_t)(j - i), &err))) {
			rh_cli_error("campaign", "%s", err.msg);
			break;
		}
		double t = rh_now_s();
		long ran = j - (long)n_done;
		if (!quiet && t - last > 2.0) {
			last = t;
			fprintf(stderr, "rahil campaign: %ld/%ld injections, %.0f/s, ETA %.0fs\n", j, n, ran / (t - t0),
			        (t - t0) / (double)ran * (double)(n - j));
		}
		if (interrupted && j < n) { /* a signal after the last injection changes nothing */
			rh_cli_error("campaign", "interrupted after %ld of %ld injections%s%s%s", j, n,
			             journal_path ? "; they are in " : " (no --journal: they are lost)",
			             journal_path ? journal_path : "",
			             journal_path ? ": run the same command to resume" : "");
		}
		i = j;
		ran_to = j;
	}
	sigaction(SIGINT, &sa_int, NULL);
	sigaction(SIGTERM, &sa_term, NULL);
	if (rc)
		goto out;
	if (interrupted && ran_to < n) {
		rc = RH_E_INTERRUPTED;
		goto out;
	}
	double dt = rh_now_s() - t0;
	long ran = n - (long)n_done;
	struct rh_backend_stats st;
	rh_backend_stats(&be, &st);
	st.round_trips -= setup.round_trips;
	st.retries -= setup.retries;
	/* The drop SA - RA as a paired difference with the golden outcome as control variate, and
	 * a score interval that does not collapse when no failure was seen (docs/fault-model.md);
	 * RA's interval is SA minus the drop's, inside [0, 1]. */
	double sa = (double)sa_correct / k, d = rh_wmean_mean(&drop), dlo, dhi;
	rh_paired_diff_ci(n, n10, n01, RH_Z95, &dlo, &dhi);
	double ra = clip01(sa - d), lo = clip01(sa - dhi), hi = clip01(sa - dlo); /* lo <= ra <= hi */
	if (json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "model", m.name);
		cJSON_AddStringToObject(o, "model_file", model);
		cJSON_AddStringToObject(o, "backend", backend);
		cJSON_AddStringToObject(o, "sampler", sampler);
		cJSON_AddNumberToObject(o, "images", k);
		cJSON_AddNumberToObject(o, "n", (double)n);
		cJSON_AddNumberToObject(o, "seed", (double)seed);
		cJSON_AddNumberToObject(o, "chain_len", info.chain_len);
		char hash[16];
		snprintf(hash, sizeof(hash), "%08x", info.ffmap_hash);
		cJSON_AddStringToObject(o, "ffmap_hash", hash);
		cJSON_AddNumberToObject(o, "golden_cycles", info.golden_cycles);
		cJSON_AddNumberToObject(o, "sa", sa);
		cJSON_AddNumberToObject(o, "ra", ra);
		cJSON_AddNumberToObject(o, "drop", d);
		cJSON *ci = cJSON_AddArrayToObject(o, "ci95");
		cJSON_AddItemToArray(ci, cJSON_CreateNumber(lo));
		cJSON_AddItemToArray(ci, cJSON_CreateNumber(hi));
		cJSON *cd = cJSON_AddArrayToObject(o, "ci95_drop");
		cJSON_AddItemToArray(cd, cJSON_CreateNumber(dlo));
		cJSON_AddItemToArray(cd, cJSON_CreateNumber(dhi));
		cJSON_AddNumberToObject(o, "ess", rh_wmean_ess(&drop));
		cJSON *oc = cJSON_AddObjectToObject(o, "outcomes");
		for (int q = 0; q < RH_OUT_COUNT; q++)
			cJSON_AddNumberToObject(oc, rh_outcome_name((enum rh_outcome)q), (double)count[q]);
		cJSON *bc = cJSON_AddObjectToObject(o, "by_class");
		for (int q = 0; q < 4; q++) {
			cJSON *x = cJSON_AddObjectToObject(bc, rh_ff_class_name(q));
			long tot = 0;
			for (int r = 0; r < RH_OUT_COUNT; r++) {
				cJSON_AddNumberToObject(x, rh_outcome_name((enum rh_outcome)r), (double)by_class[q][r]);
				tot += by_class[q][r];
			}
			cJSON_AddNumberToObject(x, "n", (double)tot);
		}
		cJSON *sc = cJSON_AddObjectToObject(o, "self_check");
		cJSON_AddNumberToObject(sc, "golden_runs", (double)golden_runs);
		cJSON_AddNumberToObject(sc, "null_injections", (double)null_runs);
		cJSON_AddNumberToObject(o, "injections_per_s", dt > 0 ? (double)ran / dt : 0);
		if (journal_path) {
			cJSON_AddStringToObject(o, "journal", journal_path);
			cJSON_AddNumberToObject(o, "resumed", (double)n_done);
		}
		cJSON_AddNumberToObject(o, "round_trips", (double)st.round_trips);
		cJSON_AddNumberToObject(o, "setup_round_trips", (double)setup.round_trips);
		cJSON_AddNumberToObject(o, "retries", (double)st.retries);
		char *s = cJSON_Print(o);
		if (s)
			puts(s);
		free(s);
		cJSON_Delete(o);
	} else {
		printf("%s on %s: %ld injections over the first %d test images, seed %ld\n", m.name, backend, n, k,
		       seed);
		printf("  sa %.2f%% (exact, those images)  ra %.2f%% (95%% CI %.2f..%.2f)\n", 100 * sa, 100 * ra,
		       100 * lo, 100 * hi);
		printf("  drop %.3f points (95%% CI %.3f..%.3f)\n", 100 * d, 100 * dlo, 100 * dhi);
		printf("  masked %ld  benign %ld  sdc %ld  hang %ld  crash %ld\n", count[RH_OUT_MASKED],
		       count[RH_OUT_BENIGN], count[RH_OUT_SDC], count[RH_OUT_HANG], count[RH_OUT_CRASH]);
		printf("  by flip-flop class of the struck bit (masked/benign/sdc/hang/crash):\n");
		for (int q = 0; q < 4; q++)
			printf("    %-10s %ld/%ld/%ld/%ld/%ld\n", rh_ff_class_name(q), by_class[q][RH_OUT_MASKED],
			       by_class[q][RH_OUT_BENIGN], by_class[q][RH_OUT_SDC], by_class[q][RH_OUT_HANG],
			       by_class[q][RH_OUT_CRASH]);
		printf("  self-checks: %ld golden runs equal to the reference model, %ld null injections equal to "
		       "them\n",
		       golden_runs, null_runs);
		printf("  %.0f injections/s", dt > 0 ? (double)ran / dt : 0);
		if (st.round_trips)
			printf(", %llu round trips (%.1f injections each)", (unsigned long long)st.round_trips,
			       (double)ran / (double)st.round_trips);
		if (n_done)
			printf(", %zu injections taken from %s", n_done, journal_path);
		printf("\n");
	}
out:
	if (csv && fclose(csv) != 0 && !rc) {
		rh_cli_error("campaign", "%s: %s", csv_path, strerror(errno));
		rc = RH_E_IO;
	}
	rh_backend_close(&be);
	rh_ref_free(&ref);
	free(pairs);
	free(batch);
	free(res);
	free(recs);
	free(done);
	rh_journal_close(&jr);
	free(inputs);
	free(golden);
	free(golden_cls);
	rh_model_free(&m);
	rh_dataset_free(&test);
	return rh_cli_exit_for(rc);
}
