/* rahil compare: the measured resiliency accuracy against the predictions, in one table
 * (docs/compare.md). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_result.h"
#include "dataset.h"
#include "engine.h"
#include "injlog.h"
#include "model.h"
#include "predict.h"

static void help(void)
{
	printf("Usage: rahil compare -m MODEL [--backend B] [OPTIONS]\n\n"
	       "Measure RA on the accelerator and hold the software predictions to it, on the first K\n"
	       "test images (docs/compare.md): a uniform calibration campaign (seed S + 1, on the K\n"
	       "images after them) gives each register group's rates; a uniform campaign and an\n"
	       "importance-sampled one (seed S) measure RA_HW; RA_True (exact occupancy,\n"
	       "calibrated), RA_True (the study's analytic occupancy, calibrated), RA_True-nc and\n"
	       "RA_SW are predicted. One table: RA, the drop\n"
	       "SA - RA with 95%% intervals and n, and for each prediction its drop against the\n"
	       "measured one (difference, relative error, inside the combined interval or not).\n\n"
	       "Options:\n"
	       "  -m, --model MODEL    the .rmod model file (required)\n"
	       "  --backend B          sim (default, 8x8), sim:ice40, sim:2x4, serial:PATH, ftdi[:SERIAL]\n"
	       "  --n N                injections of each measuring campaign (default 3000; with\n"
	       "                       --rel-ci the cap)\n"
	       "  --rel-ci R           stop each measuring campaign once its drop's half-width is\n"
	       "                       at most R x drop (rounds of 1,000 draws, docs/campaign.md)\n"
	       "  --calib-n N          injections of the calibration campaign (default 3000)\n"
	       "  --calibration FILE   take the calibration from FILE instead of running its campaign\n"
	       "  --sampler S          the importance-sampled campaign: is (default) or isb\n"
	       "  --pred-n N           samples of each prediction (default 20000)\n"
	       "  --fit CLASS=RATE[,CLASS=RATE...]  raw FIT rates per flip-flop class (input_act,\n"
	       "                       weight, output_act, control; default 1 each): the campaigns\n"
	       "                       and RA_True(-nc) weigh P by them; RA_SW's sites are\n"
	       "                       variables, which they do not weigh\n"
	       "  --images K           the first K test images (default 100, at most half the test\n"
	       "                       set: the calibration campaign takes the K after them)\n"
	       "  --seed S             random seed (default 1)\n"
	       "  --jobs N             simulators running each campaign's batches side by side\n"
	       "                       (sim back-ends; default: the cores online, at most %d;\n"
	       "                       the same results as --jobs 1: docs/scale.md)\n"
	       "  --data DIR           Fashion-MNIST directory (default $RAHIL_DATA or %s)\n"
	       "  --assert-agree       exit 4 unless RA_True (exact) lies inside the combined interval\n"
	       "                       of the measured drop (uniform campaign) and its own\n"
	       "  --out DIR            save the run into DIR (created if need be): the table\n"
	       "                       (compare.json, as --json prints it), one CSV per campaign with\n"
	       "                       a line per injection (calibration.csv, uniform.csv, is.csv or\n"
	       "                       isb.csv) and the predictions' drop by layer, class and bit\n"
	       "                       position (predictions.csv), for rahil report DIR (docs/report.md)\n"
	       "  --json               print the table as JSON on stdout\n"
	       "  -q, --quiet          no progress lines\n"
	       "  -h, --help           this text\n\n",
	       RH_CLI_JOBS_MAX, RH_DEFAULT_DATA_DIR);
	rh_cli_exit_codes(stdout);
}

struct args {
	const char *model, *backend, *data, *sampler, *calib_path, *out;
	long n, calib_n, pred_n, images, seed, jobs;
	double rel_ci;
	int json, quiet, assert_agree;
	struct rh_fit fit;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
	    {"model", required_argument, NULL, 'm'},
	    {"backend", required_argument, NULL, 'b'},
	    {"n", required_argument, NULL, 'n'},
	    {"calib-n", required_argument, NULL, 'c'},
	    {"pred-n", required_argument, NULL, 'p'},
	    {"images", required_argument, NULL, 'k'},
	    {"seed", required_argument, NULL, 'S'},
	    {"jobs", required_argument, NULL, 'P'},
	    {"data", required_argument, NULL, 'd'},
	    {"sampler", required_argument, NULL, 's'},
	    {"calibration", required_argument, NULL, 'L'},
	    {"json", no_argument, NULL, 'J'},
	    {"assert-agree", no_argument, NULL, 'A'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"rel-ci", required_argument, NULL, 'R'},
	    {"out", required_argument, NULL, 'O'},
	    {"fit", required_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	*a = (struct args){
	    .backend = "sim", .sampler = "is", .n = 3000, .calib_n = 3000, .pred_n = 20000, .images = 100, .seed = 1};
	rh_fit_default(&a->fit);
	int c, bad = 0;
	optind = 1;
	while (!bad && (c = rh_cli_getopt("compare", argc, argv, "m:qh", opts)) != -1) {
		switch (c) {
		case 'm': a->model = optarg; break;
		case 'b': a->backend = optarg; break;
		case 'd': a->data = optarg; break;
		case 'L': a->calib_path = optarg; break;
		case 'O': a->out = optarg; break;
		case 's':
			a->sampler = optarg;
			bad = strcmp(optarg, "is") && strcmp(optarg, "isb");
			if (bad)
				rh_cli_error("compare", "--sampler %s: expected is or isb", optarg);
			break;
		case 'n': bad = rh_cli_int("compare", "n", optarg, 100, 100000000L, &a->n); break;
		case 'c': bad = rh_cli_int("compare", "calib-n", optarg, 100, 100000000L, &a->calib_n); break;
		case 'p': bad = rh_cli_int("compare", "pred-n", optarg, 100, 100000000L, &a->pred_n); break;
		case 'k': bad = rh_cli_int("compare", "images", optarg, 1, 10000, &a->images); break;
		case 'S': bad = rh_cli_int("compare", "seed", optarg, 0, 0x7ffffffeL, &a->seed); break;
		case 'P': bad = rh_cli_int("compare", "jobs", optarg, 1, RH_CLI_JOBS_MAX, &a->jobs); break;
		case 'R': bad = rh_cli_num("compare", "rel-ci", optarg, 1e-3, 10, &a->rel_ci); break;
		case 'F': bad = rh_cli_fit("compare", optarg, &a->fit); break;
		case 'J': a->json = 1; break;
		case 'A': a->assert_agree = 1; break;
		case 'q': a->quiet = 1; break;
		case 'h': help(); return RH_EXIT_OK;
		default: bad = 1;
		}
	}
	if (!bad && optind < argc) {
		rh_cli_error("compare", "unexpected argument '%s'", argv[optind]);
		bad = 1;
	}
	if (!bad && !a->model) {
		rh_cli_error("compare", "-m MODEL is required");
		bad = 1;
	}
	return bad ? rh_cli_usage_error("compare") : -1;
}

/* One row of the table. */
struct row {
	const char *name;
	int pred; /* a prediction: compared with the measured drop */
	double ra, ci95[2], drop, ci95_drop[2];
	long n;
	double diff, rel;
	int inside;
};

/* Everything a comparison holds. */
struct cmp {
	struct args a;
	struct rh_model m;
	struct rh_dataset test;
	struct rh_backend be;
	struct rh_cli_jobs jobs; /* --jobs */
	struct rh_backend_info info;
	int8_t *x;
	int *labels;
	struct rh_calib calib;
	struct row rows[8];
	int n_rows, have_model;
	FILE *pred_csv; /* --out: DIR/predictions.csv */
	char path[4096];
};

/* --out: DIR/name into c->path; NULL with a message when it does not fit. */
static const char *out_path(struct cmp *c, const char *name, struct rh_err *err)
{
	int k = snprintf(c->path, sizeof(c->path), "%s/%s", c->a.out, name);
	if (k < 0 || (size_t)k >= sizeof(c->path)) {
		rh_err_set(err, RH_E_INVAL, "--out %s: the path is too long", c->a.out);
		return NULL;
	}
	return c->path;
}

static void progress(const struct cmp *c, const char *what)
{
	if (!c->a.quiet)
		fprintf(stderr, "rahil compare: %s\n", what);
}

static int campaign(struct cmp *c, const char *sampler, long n, long seed, const char *name, const char *file,
                    struct rh_campaign_result *r, struct rh_err *err)
{
	char msg[200];
	snprintf(msg, sizeof(msg), "%s: %s campaign, %ld injections, seed %ld", name, sampler, n, seed);
	progress(c, msg);
	struct rh_campaign_opts o = {.sampler = sampler,
	                             .n = n,
	                             .images = (int)c->a.images,
	                             .seed = seed,
	                             .workers = c->jobs.workers,
	                             .n_workers = c->jobs.n,
	                             .fit = &c->a.fit};
	if (!strcmp(sampler, "isb"))
		o.calib = &c->calib; /* its pilot counts the unmodelled cells at the calibration's rates */
	if (strcmp(name, "calibration") != 0)
		o.rel_ci = c->a.rel_ci;
	else /* not the images it is compared on (docs/compare.md) */
		o.first_image = (int)c->a.images;
	struct rh_injlog log = {0};
	int rc = 0;
	if (c->a.out) {
		const char *path = out_path(c, file, err);
		rc = path ? rh_injlog_open(&log, path, &c->m, &c->info, err) : RH_E_INVAL;
		o.on_injection = rh_injlog_add;
		o.ctx = &log;
	}
	if (!rc)
		rc = rh_campaign_run(&o, &c->m, &c->test, &c->be, r, err);
	struct rh_err cerr = {0, ""};
	if (rh_injlog_close(&log, &cerr) && !rc)
		rc = rh_err_set(err, cerr.code, "%s", cerr.msg);
	if (!rc && !strcmp(name, "calibration"))
		rc = rh_campaign_calibration(r, &o, &c->m, c->a.backend, &c->calib, err);
	if (!rc && name[0] != 'c')
		c->rows[c->n_rows++] = (struct row){.name = name,
		                                    .ra = r->ra,
		                                    .ci95 = {r->ci95[0], r->ci95[1]},
		                                    .drop = r->drop,
		                                    .ci95_drop = {r->ci95_drop[0], r->ci95_drop[1]},
		                                    .n = r->done};
	return rc;
}

static int predict(struct cmp *c, const char *name, int form, int occ, int calibrated, struct rh_err *err)
{
	struct rh_pred_opts o = {.form = form,
	                         .occupancy = occ,
	                         .n = c->a.pred_n,
	                         .seed = (uint64_t)c->a.seed,
	                         .calib = calibrated ? &c->calib : NULL,
	                         .fit = form == RH_PF_SW ? NULL : &c->a.fit};
	struct rh_pred_result r;
	progress(c, name);
	int rc = rh_predict(&c->m, c->info.ffmap, rh_accel_geom_find(c->info.rows, c->info.cols), c->x, c->labels,
	                    (int)c->a.images, &o, &r, err);
	if (rc)
		return rc;
	if (c->pred_csv) { /* each bucket's share of the drop */
		for (int i = 0; i < r.n_layers; i++)
			fprintf(c->pred_csv, "%s,layer,%d,%.17g,%ld\n", name, i, r.layer_drop[i], r.layer_n[i]);
		for (int i = 0; o.form != RH_PF_SW && i <= RH_FF_CONTROL; i++)
			fprintf(c->pred_csv, "%s,class,%s,%.17g,%ld\n", name, rh_ff_class_name(i), r.class_drop[i],
			        r.class_n[i]);
		for (int i = 0; i < r.n_bitpos; i++)
			fprintf(c->pred_csv, "%s,bit,%d,%.17g,%ld\n", name, i, r.bit_drop[i], r.bit_n[i]);
	}
	c->rows[c->n_rows++] = (struct row){.name = name,
	                                    .pred = 1,
	                                    .ra = r.ra,
	                                    .ci95 = {r.ci95[0], r.ci95[1]},
	                                    .drop = r.drop,
	                                    .ci95_drop = {r.ci95_drop[0], r.ci95_drop[1]},
	                                    .n = r.n};
	rh_pred_result_free(&r);
	return 0;
}

static const struct row *row_named(const struct cmp *c, const char *name)
{
	for (int i = 0; i < c->n_rows; i++)
		if (!strcmp(c->rows[i].name, name))
			return &c->rows[i];
	return &c->rows[0]; /* SA: never a prediction, never inside */
}

/* Each prediction's drop against the measured one (the first campaign row). */
static void judge(struct cmp *c)
{
	const struct row *hw = &c->rows[1];
	double hh = (hw->ci95_drop[1] - hw->ci95_drop[0]) / 2;
	for (int i = 0; i < c->n_rows; i++) {
		struct row *w = &c->rows[i];
		if (!w->pred)
			continue;
		double hp = (w->ci95_drop[1] - w->ci95_drop[0]) / 2;
		w->diff = w->drop - hw->drop;
		w->rel = hw->drop != 0 ? w->diff / hw->drop : INFINITY;
		w->inside = fabs(w->diff) <= sqrt(hh * hh + hp * hp);
	}
}

/* The model, the images, the back-end and the calibration file if one is given. */
static int setup(struct cmp *c, struct rh_err *err)
{
	const struct args *a = &c->a;
	int rc = rh_model_load(&c->m, a->model, err);
	if (rc)
		return rc;
	c->have_model = 1;
	if ((rc = rh_dataset_load(&c->test, a->data, RH_TEST, err)) != 0)
		return rc;
	long len = (long)c->test.h * c->test.w;
	if (c->m.in_h != c->test.h || c->m.in_w != c->test.w || c->m.in_c != 1)
		return rh_err_set(err, RH_E_INVAL, "%s does not take Fashion-MNIST images", a->model);
	if (a->images > c->test.n / 2)
		return rh_err_set(err, RH_E_INVAL,
		                  "--images %ld: at most %d, half the test set (the calibration campaign takes as many "
		                  "other images)",
		                  a->images, c->test.n / 2);
	c->x = malloc((size_t)(len * a->images));
	c->labels = malloc(sizeof(int) * (size_t)a->images);
	if (!c->x || !c->labels)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for %ld images", a->images);
	for (long i = 0; i < a->images; i++) {
		rh_dataset_input(&c->test, (int)i, c->x + i * len);
		c->labels[i] = c->test.labels[i];
	}
	if ((rc = rh_cli_jobs_open(&c->jobs, a->jobs, a->backend, &c->m, NULL, err)) != 0 ||
	    (rc = rh_backend_open(&c->be, a->backend, &c->m, NULL, err)) != 0)
		return rc;
	if ((rc = rh_backend_info(&c->be, &c->info, err)) != 0)
		return rc;
	if (!c->info.ffmap || !rh_accel_geom_find(c->info.rows, c->info.cols))
		return rh_err_set(err, RH_E_INVAL, "--backend %s: no flip-flop map or schedule for its %dx%d array",
		                  a->backend, c->info.rows, c->info.cols);
	if (a->calib_path && (rc = rh_calib_read(a->calib_path, &c->calib, err)) == 0 &&
	    (c->calib.model_hash != rh_model_hash(&c->m) || c->calib.ffmap_hash != c->info.ffmap_hash))
		rc = rh_err_set(err, RH_E_INVAL, "%s calibrates model %s on flip-flop map %08x, not this one",
		                a->calib_path, c->calib.model, c->calib.ffmap_hash);
	if (!rc && a->out) {
		if ((rc = rh_injlog_mkdir(a->out, err)) != 0)
			return rc;
		const char *path = out_path(c, "predictions.csv", err);
		if (!path)
			return RH_E_INVAL;
		if (!(c->pred_csv = fopen(path, "w")))
			return rh_err_set(err, RH_E_IO, "cannot write %s: %s", path, strerror(errno));
		fprintf(c->pred_csv, "row,kind,key,drop,n\n");
		if (a->calib_path && (path = out_path(c, "calibration.csv", err)) != NULL)
			unlink(path); /* an earlier run's: this one runs no calibration campaign */
	}
	return rc;
}

/* The campaigns, then the predictions, into the rows. */
static int run(struct cmp *c, struct rh_err *err)
{
	struct rh_campaign_result r;
	int rc = 0;
	if (!c->a.calib_path)
		rc = campaign(c, "uniform", c->a.calib_n, c->a.seed + 1, "calibration", "calibration.csv", &r, err);
	c->rows[c->n_rows++] = (struct row){.name = "SA"};
	if (!rc)
		rc = campaign(c, "uniform", c->a.n, c->a.seed, "RA_HW uniform", "uniform.csv", &r, err);
	if (!rc) {
		c->rows[0] = (struct row){.name = "SA", .ra = r.sa, .ci95 = {r.sa, r.sa}, .n = c->a.images};
		int is = !strcmp(c->a.sampler, "is");
		rc = campaign(c, c->a.sampler, c->a.n, c->a.seed, is ? "RA_HW is" : "RA_HW isb",
		              is ? "is.csv" : "isb.csv", &r, err);
	}
	if (!rc)
		rc = predict(c, "RA_True exact", RH_PF_TRUE, RH_PO_EXACT, 1, err);
	if (!rc)
		rc = predict(c, "RA_True analytic", RH_PF_TRUE, RH_PO_ANALYTIC, 1, err);
	if (!rc)
		rc = predict(c, "RA_True-nc", RH_PF_TRUE_NC, RH_PO_EXACT, 0, err);
	if (!rc)
		rc = predict(c, "RA_SW", RH_PF_SW, RH_PO_EXACT, 0, err);
	if (!rc)
		judge(c);
	return rc;
}

/* The table as JSON text (malloc'ed), as --json prints it and --out saves it. */
static char *json_text(const struct cmp *c, int agree)
{
	cJSON *j = cJSON_CreateObject(), *rows = cJSON_CreateArray();
	cJSON_AddStringToObject(j, "model", c->m.name);
	cJSON_AddStringToObject(j, "backend", c->a.backend);
	cJSON_AddNumberToObject(j, "images", (double)c->a.images);
	cJSON_AddNumberToObject(j, "seed", (double)c->a.seed);
	cJSON_AddNumberToObject(j, "calibration_seed", (double)c->calib.seed);
	cJSON_AddNumberToObject(j, "calibration_n", (double)c->calib.n);
	cJSON_AddNumberToObject(j, "calibration_first_image", c->calib.first_image);
	cJSON_AddNumberToObject(j, "calibration_images", c->calib.images);
	if (c->a.calib_path)
		cJSON_AddStringToObject(j, "calibration_file", c->a.calib_path);
	rh_cli_fit_json(j, &c->a.fit);
	for (int i = 0; i < c->n_rows; i++) {
		const struct row *w = &c->rows[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", w->name);
		cJSON_AddNumberToObject(o, "ra", w->ra);
		rh_cli_json_pair(o, "ci95", w->ci95);
		cJSON_AddNumberToObject(o, "drop", w->drop);
		rh_cli_json_pair(o, "ci95_drop", w->ci95_drop);
		cJSON_AddNumberToObject(o, "n", (double)w->n);
		if (w->pred) {
			cJSON_AddNumberToObject(o, "drop_diff", w->diff);
			cJSON_AddNumberToObject(o, "drop_rel_err", isfinite(w->rel) ? w->rel : 0);
			cJSON_AddBoolToObject(o, "inside", w->inside);
		}
		cJSON_AddItemToArray(rows, o);
	}
	cJSON_AddItemToObject(j, "rows", rows);
	cJSON_AddBoolToObject(j, "agree", agree);
	char *s = cJSON_Print(j);
	cJSON_Delete(j);
	return s;
}

/* --out: the predictions' buckets closed, the table saved as compare.json. */
static int save(struct cmp *c, const char *json, struct rh_err *err)
{
	int rc = 0;
	if (c->pred_csv && (ferror(c->pred_csv) | (fclose(c->pred_csv) != 0)))
		rc = rh_err_set(err, RH_E_IO, "cannot write %s/predictions.csv", c->a.out);
	c->pred_csv = NULL;
	const char *path = rc ? NULL : out_path(c, "compare.json", err);
	FILE *f = path ? fopen(path, "w") : NULL;
	if (!rc && !path)
		rc = RH_E_INVAL;
	else if (!rc && !f)
		rc = rh_err_set(err, RH_E_IO, "cannot write %s: %s", path, strerror(errno));
	if (f && (fprintf(f, "%s\n", json) < 0 || fclose(f) != 0))
		rc = rh_err_set(err, RH_E_IO, "cannot write %s", path);
	return rc;
}

static void print_human(const struct cmp *c, int agree)
{
	printf("%s on %s, test images 0 to %ld, seed %ld; calibration: campaign seed %ld, %ld injections on test "
	       "images %d to %d%s\n",
	       c->m.name, c->a.backend, c->a.images - 1, c->a.seed, c->calib.seed, c->calib.n, c->calib.first_image,
	       c->calib.first_image + c->calib.images - 1, c->a.calib_path ? " (from the file)" : "");
	rh_cli_fit_human("P weighted by ", &c->a.fit, " (not RA_SW: its sites are variables)\n");
	printf("\n");
	printf("%-17s %7s  %-17s %8s  %-19s %8s  %9s %8s  %s\n", "", "RA", "95% CI", "drop", "95% CI", "n", "vs HW",
	       "rel", "inside");
	for (int i = 0; i < c->n_rows; i++) {
		const struct row *w = &c->rows[i];
		printf("%-17s %7.4f  [%.4f, %.4f] %8.5f  [%8.5f, %8.5f] %8ld", w->name, w->ra, w->ci95[0], w->ci95[1],
		       w->drop, w->ci95_drop[0], w->ci95_drop[1], w->n);
		if (w->pred)
			printf("  %+9.5f %+7.1f%%  %s", w->diff, 100 * w->rel, w->inside ? "yes" : "no");
		printf("\n");
	}
	printf("\nagree (RA_True exact inside the combined interval of the measured drop): %s\n", agree ? "yes" : "no");
}

int rh_cmd_compare(int argc, char **argv)
{
	struct cmp *c = calloc(1, sizeof(*c));
	if (!c) {
		rh_cli_error("compare", "out of memory");
		return RH_EXIT_USAGE;
	}
	int rc = parse_args(argc, argv, &c->a);
	if (rc >= 0) {
		free(c);
		return rc;
	}
	struct rh_err err = {0, ""};
	rc = setup(c, &err);
	if (!rc)
		rc = run(c, &err);
	int agree = !rc && row_named(c, "RA_True exact")->inside, want = c->a.assert_agree;
	char *json = rc ? NULL : json_text(c, agree);
	if (!rc && !json)
		rc = rh_err_set(&err, RH_E_NOMEM, "out of memory for the table");
	if (!rc && c->a.out && (rc = save(c, json, &err)) == 0)
		progress(c, "the run is in --out DIR: rahil report DIR draws its report");
	if (rc)
		rh_cli_error("compare", "%s", err.msg);
	else if (c->a.json)
		puts(json);
	else
		print_human(c, agree);
	free(json);
	if (c->pred_csv)
		fclose(c->pred_csv);
	rh_backend_close(&c->be);
	rh_cli_jobs_close(&c->jobs);
	if (c->have_model)
		rh_model_free(&c->m);
	rh_dataset_free(&c->test);
	free(c->x);
	free(c->labels);
	free(c);
	if (!rc && want && !agree)
		return RH_EXIT_ASSERT;
	return rh_cli_exit_for(rc);
}
