/* rahil campaign: a fault-injection campaign on an accelerator back-end: options, signals and
 * printing around the campaign engine (host/campaign/engine.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "calib.h"
#include "cli.h"
#include "cli_result.h"
#include "dataset.h"
#include "engine.h"
#include "injlog.h"
#include "model.h"
#include "outcome.h"

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void help(void)
{
	printf("Usage: rahil campaign -m MODEL [--backend B] --sampler uniform|is|isb --n N [OPTIONS]\n\n"
	       "Inject N single-bit faults, one per inference, each in a (flip-flop bit, cycle) cell\n"
	       "and an evaluation image drawn uniformly or from an importance-sampling proposal, and\n"
	       "estimate the Resiliency Accuracy (RA):\n"
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
	       "  --sampler S         uniform: cells and images uniformly (the physical\n"
	       "                      distribution P); is: the predictor's proposal over (layer,\n"
	       "                      register group, bit position) strata by live share; isb: that\n"
	       "                      times a failure profile from a software pilot (docs/fault-\n"
	       "                      model.md, section 9). is and isb weigh each injection P/q\n"
	       "                      and give the weighted-variance interval\n"
	       "  --n N               number of injections (required; with --ci or --rel-ci the cap)\n"
	       "  --ci H              stop after the first round of 1,000 draws at which the RA\n"
	       "                      interval's half-width is at most H (rounds run image by\n"
	       "                      image; a resumed campaign stops where the uninterrupted one\n"
	       "                      does, given the same options)\n"
	       "  --rel-ci R          the same with the drop's half-width at most R x drop\n"
	       "  --fit CLASS=RATE[,CLASS=RATE...]  raw FIT rates per flip-flop class (input_act,\n"
	       "                      weight, output_act, control; default 1 each; repeatable):\n"
	       "                      P strikes a bit in proportion to its class's rate, e.g.\n"
	       "                      control=0.333 for hardened control flip-flops at a third.\n"
	       "                      uniform draws from that P, is and isb weigh by it; the\n"
	       "                      journal and the result record the rates\n"
	       "  --images K          the evaluation set: K test images (default 100)\n"
	       "  --first-image F     ... from test image F on (default 0): e.g. a calibration\n"
	       "                      campaign on other images than the campaign it serves\n"
	       "  --seed S            random seed (default 1)\n"
	       "  --jobs N            simulator instances running batches side by side, one thread\n"
	       "                      each (sim back-ends; default: the number of cores, at most\n"
	       "                      %d); the result, the journal and resume are those of --jobs 1\n"
	       "  --naive             run every fault from the start of the inference to its end,\n"
	       "                      the chain rotated (sim; the default runs each from a\n"
	       "                      checkpoint of the golden run, flips the bit in place, stops\n"
	       "                      where the run rejoins the golden run and finishes on the\n"
	       "                      reference model where only activations differ, with the\n"
	       "                      same results: docs/campaign.md)\n"
	       "  --csv FILE          write every injection this run makes to FILE, one line each:\n"
	       "                      image, chain bit, flip-flop, class, cycle, outcome, returned\n"
	       "                      class, weight, cycles and logits\n"
	       "  --out DIR           save the run into DIR (created if need be): the result\n"
	       "                      (campaign.json, as --json prints it) and a CSV with a line per\n"
	       "                      injection (SAMPLER.csv: flip-flop, class, register group,\n"
	       "                      layer, outcome, weight), for rahil report DIR (docs/report.md);\n"
	       "                      not with --journal or --shard\n"
	       "  --calibration FILE  isb: its software pilot counts the cells the effect model\n"
	       "                      does not model at the rates FILE measured (rahil campaign\n"
	       "                      --calibration-out, best of other images or another seed)\n"
	       "                      instead of never correct: the draws go where the hardware\n"
	       "                      fails (docs/campaign.md)\n"
	       "  --calibration-out FILE  write the measured rates per register group (with 95%%\n"
	       "                      intervals) for `rahil predict --calibration FILE`\n"
	       "  --journal FILE      record every finished injection in FILE; when FILE exists,\n"
	       "                      resume the campaign it records (same options) without\n"
	       "                      repeating or losing an injection\n"
	       "  --shard I/N         run only shard I (0..N-1) of N: the I-th of N contiguous\n"
	       "                      slices of the campaign's fault list (the same list as\n"
	       "                      without --shard); needs --journal. rahil merge combines the\n"
	       "                      shards' journals into the whole campaign's result\n"
	       "                      (docs/scale.md)\n"
	       "  --data DIR          Fashion-MNIST directory (default $RAHIL_DATA or %s)\n"
	       "  --json              print the result as JSON on stdout\n"
	       "  -q, --quiet         no progress lines\n"
	       "  -h, --help          this text\n\n"
	       "Ctrl-C stops after the injections in flight; with --journal, run the same command\n"
	       "again to go on (exit status 130 when interrupted).\n\n",
	       RH_CLI_JOBS_MAX, RH_DEFAULT_DATA_DIR);
	rh_cli_exit_codes(stdout);
}

/* --csv: one line per injection (host/campaign/engine.h, on_injection). */
struct out_ctx {
	struct rh_injlog *log; /* --out */
	FILE *csv;
	const char *csv_path;
	const struct rh_ffmap *map;
	int n_logits;
	int quiet;
	double last; /* progress: when the last line was printed */
};

static int csv_open(struct out_ctx *c, struct rh_err *err)
{
	c->csv = fopen(c->csv_path, "w");
	if (!c->csv)
		return rh_err_set(err, RH_E_IO, "cannot write %s: %s", c->csv_path, strerror(errno));
	fprintf(c->csv,
	        "index,image,label,bit,ff,ff_index,ff_class,cycle,outcome,class,golden_class,correct,weight,cycles");
	for (int i = 0; i < c->n_logits; i++)
		fprintf(c->csv, ",logit%d", i);
	fprintf(c->csv, "\n");
	return 0;
}

static int csv_line(const struct rh_campaign_injection *inj, void *ctx, struct rh_err *err)
{
	struct out_ctx *c = ctx;
	const struct rh_journal_rec *r = inj->rec;
	uint32_t index = 0;
	const struct rh_ffmap_reg *reg = c->map ? rh_ffmap_find(c->map, r->bit, &index) : NULL;
	enum rh_outcome o = (enum rh_outcome)r->outcome;
	fprintf(c->csv, "%ld,%d,%d,%u,%s,%u,%s,%u,%s,%d,%d,%d,%.17g,%llu", r->index, r->image, inj->label, r->bit,
	        reg ? reg->name : "?", index, rh_ff_class_name(rh_ffmap_class_of(c->map, r->bit)), r->cycle,
	        rh_outcome_name(o), r->cls, inj->golden->cls, rh_outcome_correct(o, r->cls, inj->label), r->weight,
	        (unsigned long long)inj->res->cycles);
	for (int k = 0; k < c->n_logits; k++)
		fprintf(c->csv, ",%d", o == RH_OUT_HANG ? 0 : inj->res->logits[k]);
	fprintf(c->csv, "\n");
	if (ferror(c->csv))
		return rh_err_set(err, RH_E_IO, "cannot write %s: %s", c->csv_path, strerror(errno));
	return 0;
}

/* --csv and --out: both hooks. */
static int both_lines(const struct rh_campaign_injection *inj, void *ctx, struct rh_err *err)
{
	struct out_ctx *c = ctx;
	int rc = c->csv ? csv_line(inj, ctx, err) : 0;
	return rc || !c->log ? rc : rh_injlog_add(inj, c->log, err);
}

/* Progress on stderr, every two seconds: rate, ETA, the running RA and its interval. */
static void progress(const struct rh_campaign_progress *p, void *ctx)
{
	struct out_ctx *c = ctx;
	if (c->quiet || p->seconds - c->last < 2.0 || p->ran == 0)
		return;
	c->last = p->seconds;
	double rate = (double)p->ran / p->seconds;
	fprintf(stderr, "rahil campaign: %ld/%ld injections, %.0f/s, ETA %.0fs, ra %.2f%% (%.2f..%.2f)\n", p->done,
	        p->n, rate, (double)(p->n - p->done) / rate, 100 * p->ra, 100 * p->lo, 100 * p->hi);
}

/* The result as JSON text (malloc'ed), as --json prints it and --out saves it. */
static char *json_text(const struct rh_campaign_result *r, const struct rh_campaign_opts *o, const char *name,
                       const char *file, const char *backend, const char *calib_path)
{
	/* n: the campaign's (a shard's r->n is its slice; a campaign stopped at its target has r->n done) */
	struct rh_cli_campaign_id id = {name,    file,          o->sampler, o->images, o->shards > 1 ? o->n : r->n,
	                                o->seed, o->first_image};
	cJSON *j = rh_cli_result_json(&id, backend, r);
	rh_cli_fit_json(j, o->fit);
	if (o->shards > 1) {
		char shard[32];
		snprintf(shard, sizeof(shard), "%d/%d", o->shard, o->shards);
		cJSON_AddStringToObject(j, "shard", shard);
		cJSON_AddNumberToObject(j, "shard_n", (double)r->n);
	}
	cJSON *sc = cJSON_AddObjectToObject(j, "self_check");
	cJSON_AddNumberToObject(sc, "golden_runs", (double)r->golden_runs);
	cJSON_AddNumberToObject(sc, "null_injections", (double)r->null_injections);
	long ran = r->done - r->resumed;
	cJSON_AddNumberToObject(j, "injections_per_s", r->seconds > 0 ? (double)ran / r->seconds : 0);
	if (o->calib)
		cJSON_AddStringToObject(j, "calibration", calib_path);
	if (o->journal) {
		cJSON_AddStringToObject(j, "journal", o->journal);
		cJSON_AddNumberToObject(j, "resumed", (double)r->resumed);
	}
	cJSON_AddNumberToObject(j, "round_trips", (double)r->link.round_trips);
	cJSON_AddNumberToObject(j, "setup_round_trips", (double)r->setup.round_trips);
	cJSON_AddNumberToObject(j, "retries", (double)r->link.retries);
	char *s = cJSON_Print(j);
	cJSON_Delete(j);
	return s;
}

/* --out: DIR/campaign.json. */
static int save_json(const char *dir, const char *json, struct rh_err *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/campaign.json", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return rh_err_set(err, RH_E_IO, "cannot write %s: %s", path, strerror(errno));
	int bad = fprintf(f, "%s\n", json) < 0;
	if ((fclose(f) != 0) | bad)
		return rh_err_set(err, RH_E_IO, "cannot write %s", path);
	return 0;
}

static void print_human(const struct rh_campaign_result *r, const struct rh_campaign_opts *o, const char *name,
                        const char *backend)
{
	struct rh_cli_campaign_id id = {name, NULL, o->sampler, o->images, o->n, o->seed, o->first_image};
	long ran = r->done - r->resumed;
	printf("%s on %s: %ld injections over test images %d to %d, seed %ld", name, backend,
	       o->shards > 1 ? o->n : r->n, o->first_image, o->first_image + o->images - 1, o->seed);
	rh_cli_fit_human(", ", o->fit, "");
	if (o->shards > 1)
		printf("; shard %d/%d: %ld of them (the estimate below is this shard's alone)", o->shard, o->shards,
		       r->n);
	printf("\n");
	rh_cli_result_human(&id, r);
	printf("  self-checks: %ld golden runs equal to the reference model, %ld null injections equal to them\n",
	       r->golden_runs, r->null_injections);
	printf("  %.0f injections/s", r->seconds > 0 ? (double)ran / r->seconds : 0);
	if (r->link.round_trips)
		printf(", %llu round trips (%.1f injections each)", (unsigned long long)r->link.round_trips,
		       (double)ran / (double)r->link.round_trips);
	if (r->resumed)
		printf(", %ld injections taken from %s", r->resumed, o->journal);
	printf("\n");
}

/* Run the campaign with SIGINT and SIGTERM turned into the engine's stop flag. */
static int run_campaign(const struct rh_campaign_opts *o, const struct rh_model *m, const struct rh_dataset *test,
                        struct rh_backend *be, struct rh_campaign_result *r, struct rh_err *err)
{
	struct sigaction sa_new = {0}, sa_int, sa_term;
	sa_new.sa_handler = on_interrupt;
	sigemptyset(&sa_new.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa_new, &sa_int);
	sigaction(SIGTERM, &sa_new, &sa_term);
	int rc = rh_campaign_run(o, m, test, be, r, err);
	sigaction(SIGINT, &sa_int, NULL);
	sigaction(SIGTERM, &sa_term, NULL);
	return rc;
}

/* --calibration-out: the campaign's rates per register group (host/campaign/engine.h). */
static int write_calibration(const char *path, const struct rh_campaign_result *r, const struct rh_campaign_opts *o,
                             const struct rh_model *m, const char *backend, struct rh_err *err)
{
	struct rh_calib c;
	int rc = rh_campaign_calibration(r, o, m, backend, &c, err);
	return rc ? rc : rh_calib_write(path, &c, err);
}

/* What went wrong, and what is safe in the journal. */
static void report_stop(int rc, const struct rh_campaign_result *r, const struct rh_campaign_opts *o,
                        const struct rh_err *err)
{
	if (rc == RH_E_INTERRUPTED) {
		rh_cli_error("campaign", "interrupted after %ld of %ld injections%s%s%s", r->done, r->n,
		             o->journal ? "; they are in " : " (no --journal: they are lost)",
		             o->journal ? o->journal : "", o->journal ? ": run the same command to resume" : "");
		return;
	}
	rh_cli_error("campaign", "%s", err->msg);
	if (o->journal && r->done > 0)
		rh_cli_error("campaign", "%ld of %ld injections are in %s: run the same command to resume", r->done,
		             r->n, o->journal);
}

/* The command line. */
struct args {
	const char *model, *backend, *sampler, *data, *journal, *csv, *calib, *out, *calib_in;
	long n, images, seed, first_image;
	double ci, rel_ci;
	int json, quiet, naive;
	int shard, shards; /* --shard I/N; shards 0: none */
	long jobs;         /* --jobs; 0: the default */
	struct rh_fit fit; /* --fit */
};

/* --shard I/N: 0 <= I < N <= 10000; -1 with a message naming the option. */
static int parse_shard(const char *arg, struct args *a)
{
	long i, k;
	char tail;
	if (sscanf(arg, "%ld/%ld%c", &i, &k, &tail) != 2 || k < 1 || k > 10000 || i < 0 || i >= k) {
		rh_cli_error("campaign", "--shard wants I/N with 0 <= I < N <= 10000 (e.g. 0/4), got '%s'", arg);
		return -1;
	}
	a->shard = (int)i;
	a->shards = (int)k;
	return 0;
}

/* What parse_args checks once every option is read; -1 to go on, else the exit code. */
static int check_args(const struct args *a)
{
	if (!a->model || a->n < 0 || !a->sampler) {
		rh_cli_error("campaign", "-m MODEL, --sampler and --n N are required");
		return rh_cli_usage_error("campaign");
	}
	if (a->ci > 0 && a->rel_ci > 0) {
		rh_cli_error("campaign", "--ci and --rel-ci: give one target");
		return rh_cli_usage_error("campaign");
	}
	if (!rh_sampler_find(a->sampler)) {
		rh_cli_error("campaign", "--sampler %s is not available (this version has: %s)", a->sampler,
		             rh_sampler_names());
		return rh_cli_usage_error("campaign");
	}
	if (a->shards && (a->ci > 0 || a->rel_ci > 0)) {
		rh_cli_error("campaign", "--shard with --ci or --rel-ci: a precision target is the whole campaign's; "
		                         "run the shards to their end and merge them");
		return rh_cli_usage_error("campaign");
	}
	if (a->shards && !a->journal) {
		rh_cli_error("campaign", "--shard needs --journal FILE (rahil merge combines the shards' journals)");
		return rh_cli_usage_error("campaign");
	}
	if (a->out && (a->journal || a->shards)) {
		rh_cli_error("campaign", "--out with --journal or --shard: the run directory holds one whole campaign "
		                         "run in one go");
		return rh_cli_usage_error("campaign");
	}
	if (a->calib_in && strcmp(a->sampler, "isb") != 0) {
		rh_cli_error("campaign", "--calibration shapes isb's proposal: it is for --sampler isb");
		return rh_cli_usage_error("campaign");
	}
	if (a->shards > a->n) {
		rh_cli_error("campaign", "--shard %d/%d: more shards than the %ld injections of --n", a->shard,
		             a->shards, a->n);
		return rh_cli_usage_error("campaign");
	}
	return -1;
}

/* Parse argv into *a; -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
	    {"model", required_argument, NULL, 'm'},
	    {"backend", required_argument, NULL, 'b'},
	    {"sampler", required_argument, NULL, 's'},
	    {"n", required_argument, NULL, 'n'},
	    {"images", required_argument, NULL, 'k'},
	    {"seed", required_argument, NULL, 'S'},
	    {"journal", required_argument, NULL, 'j'},
	    {"csv", required_argument, NULL, 'C'},
	    {"data", required_argument, NULL, 'd'},
	    {"naive", no_argument, NULL, 'N'},
	    {"json", no_argument, NULL, 'J'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"calibration-out", required_argument, NULL, 'K'},
	    {"ci", required_argument, NULL, 'c'},
	    {"rel-ci", required_argument, NULL, 'R'},
	    {"shard", required_argument, NULL, 'H'},
	    {"out", required_argument, NULL, 'O'},
	    {"jobs", required_argument, NULL, 'P'},
	    {"fit", required_argument, NULL, 'F'},
	    {"first-image", required_argument, NULL, 'I'},
	    {"calibration", required_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	*a = (struct args){.backend = "sim", .n = -1, .images = 100, .seed = 1};
	rh_fit_default(&a->fit);
	int c;
	optind = 1;
	while ((c = rh_cli_getopt("campaign", argc, argv, "m:qh", opts)) != -1) {
		switch (c) {
		case 'm': a->model = optarg; break;
		case 'b': a->backend = optarg; break;
		case 's': a->sampler = optarg; break;
		case 'n':
			if (rh_cli_int("campaign", "n", optarg, 1, 100000000L, &a->n))
				return rh_cli_usage_error("campaign");
			break;
		case 'k':
			if (rh_cli_int("campaign", "images", optarg, 1, 10000, &a->images))
				return rh_cli_usage_error("campaign");
			break;
		case 'S':
			if (rh_cli_int("campaign", "seed", optarg, 0, 0x7fffffffL, &a->seed))
				return rh_cli_usage_error("campaign");
			break;
		case 'd': a->data = optarg; break;
		case 'j': a->journal = optarg; break;
		case 'H':
			if (parse_shard(optarg, a))
				return rh_cli_usage_error("campaign");
			break;
		case 'C': a->csv = optarg; break;
		case 'K': a->calib = optarg; break;
		case 'L': a->calib_in = optarg; break;
		case 'O': a->out = optarg; break;
		case 'P':
			if (rh_cli_int("campaign", "jobs", optarg, 1, RH_CLI_JOBS_MAX, &a->jobs))
				return rh_cli_usage_error("campaign");
			break;
		case 'c':
			if (rh_cli_num("campaign", "ci", optarg, 1e-6, 1, &a->ci))
				return rh_cli_usage_error("campaign");
			break;
		case 'R':
			if (rh_cli_num("campaign", "rel-ci", optarg, 1e-3, 10, &a->rel_ci))
				return rh_cli_usage_error("campaign");
			break;
		case 'F':
			if (rh_cli_fit("campaign", optarg, &a->fit))
				return rh_cli_usage_error("campaign");
			break;
		case 'I':
			if (rh_cli_int("campaign", "first-image", optarg, 0, 9999, &a->first_image))
				return rh_cli_usage_error("campaign");
			break;
		case 'N': a->naive = 1; break;
		case 'J': a->json = 1; break;
		case 'q': a->quiet = 1; break;
		case 'h': help(); return RH_EXIT_OK;
		default: return rh_cli_usage_error("campaign");
		}
	}
	if (optind < argc) {
		rh_cli_error("campaign", "unexpected argument '%s'", argv[optind]);
		return rh_cli_usage_error("campaign");
	}
	return check_args(a);
}

int rh_cmd_campaign(int argc, char **argv)
{
	struct args a;
	int ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	const char *model = a.model, *backend = a.backend, *sampler = a.sampler, *journal_path = a.journal,
	           *csv_path = a.csv;
	long n = a.n, images = a.images;
	int quiet = a.quiet;
	struct rh_err err = {0, ""};
	struct rh_model m;
	struct rh_dataset test;
	struct rh_backend be = {0};
	struct rh_cli_jobs jobs = {NULL, 0};
	struct rh_campaign_result r;
	struct rh_injlog log = {0};
	struct out_ctx out = {NULL, NULL, csv_path, NULL, 0, quiet, 0};
	int rc = rh_model_load(&m, model, &err);
	if (rc) {
		rh_cli_error("campaign", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	rc = rh_dataset_load(&test, a.data, RH_TEST, &err);
	if (rc) {
		rh_model_free(&m);
		rh_cli_error("campaign", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	if (m.in_h != test.h || m.in_w != test.w || m.in_c != 1 || m.n_classes != 10)
		rc = rh_err_set(&err, RH_E_INVAL, "%s does not take Fashion-MNIST images", model);
	else if (a.first_image + images > test.n)
		rc =
		    rh_err_set(&err, RH_E_INVAL, "--first-image %ld --images %ld: the test set has %d images (0 to %d)",
		               a.first_image, images, test.n, test.n - 1);
	out.n_logits = m.n_classes;
	if (!rc && csv_path)
		rc = csv_open(&out, &err);
	if (!rc && a.out)
		rc = rh_injlog_mkdir(a.out, &err);
	struct rh_backend_opts bo = {.replay = a.naive ? RH_REPLAY_NAIVE : RH_REPLAY_FAST};
	/* --jobs: more simulators of the same set; a board refuses (before it is opened) */
	if (!rc)
		rc = rh_cli_jobs_open(&jobs, a.jobs, backend, &m, &bo, &err);
	if (!rc)
		rc = rh_backend_open(&be, backend, &m, &bo, &err);
	if (rc) {
		rh_cli_error("campaign", "%s", err.msg);
		goto out;
	}
	struct rh_backend_info info = {0};
	if (rh_backend_info(&be, &info, &err) == 0)
		out.map = info.ffmap;
	if (a.out) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.csv", a.out, sampler);
		if ((rc = rh_backend_info(&be, &info, &err)) != 0 ||
		    (rc = rh_injlog_open(&log, path, &m, &info, &err)) != 0) {
			rh_cli_error("campaign", "%s", err.msg);
			goto out;
		}
		out.log = &log;
	}
	struct rh_calib calib_in;
	if (a.calib_in && (rc = rh_calib_read(a.calib_in, &calib_in, &err)) == 0 &&
	    (calib_in.model_hash != rh_model_hash(&m) || calib_in.ffmap_hash != info.ffmap_hash))
		rc = rh_err_set(&err, RH_E_INVAL,
		                "--calibration %s calibrates model %s on flip-flop map %08x, not this one", a.calib_in,
		                calib_in.model, calib_in.ffmap_hash);
	if (rc) {
		rh_cli_error("campaign", "%s", err.msg);
		goto out;
	}
	struct rh_campaign_opts o = {.sampler = sampler,
	                             .n = n,
	                             .images = (int)images,
	                             .first_image = (int)a.first_image,
	                             .seed = a.seed,
	                             .journal = journal_path,
	                             .shard = a.shard,
	                             .shards = a.shards,
	                             .progress = progress,
	                             .on_injection = csv_path || a.out ? both_lines : NULL,
	                             .ctx = &out,
	                             .stop = &interrupted,
	                             .ci = a.ci,
	                             .rel_ci = a.rel_ci,
	                             .workers = jobs.workers,
	                             .n_workers = jobs.n,
	                             .fit = &a.fit,
	                             .calib = a.calib_in ? &calib_in : NULL};
	if (!quiet && journal_path)
		fprintf(stderr, "rahil campaign: journal %s\n", journal_path);
	rc = run_campaign(&o, &m, &test, &be, &r, &err);
	if (!rc && r.resumed && !quiet)
		fprintf(stderr, "rahil campaign: %ld of %ld injections were taken from %s\n", r.resumed, n,
		        journal_path);
	char *json = NULL;
	if (!rc && (a.json || a.out) && !(json = json_text(&r, &o, m.name, model, backend, a.calib_in)))
		rc = rh_err_set(&err, RH_E_NOMEM, "out of memory for the result");
	if (!rc && a.out && (rc = rh_injlog_close(&log, &err)) == 0)
		rc = save_json(a.out, json, &err);
	if (rc)
		report_stop(rc, &r, &o, &err);
	else if (a.json)
		puts(json);
	else
		print_human(&r, &o, m.name, backend);
	free(json);
	if (!rc && a.calib && (rc = write_calibration(a.calib, &r, &o, &m, backend, &err)) != 0)
		rh_cli_error("campaign", "%s", err.msg);
out:
	rh_injlog_close(&log, &err);
	if (out.csv && fclose(out.csv) != 0 && !rc) {
		rh_cli_error("campaign", "%s: %s", csv_path, strerror(errno));
		rc = RH_E_IO;
	}
	rh_backend_close(&be);
	rh_cli_jobs_close(&jobs);
	rh_model_free(&m);
	rh_dataset_free(&test);
	return rh_cli_exit_for(rc);
}
