/* rahil eval: standard accuracy of a model on a back-end. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "clock.h"
#include "dataset.h"
#include "backend.h"
#include "model.h"
#include "quant.h"
#include "refmodel.h"
#include "stats.h"

static void help(void)
{
	printf("Usage: rahil eval -m MODEL [--backend sw] [--images N] [--json]\n\n"
	       "Classify Fashion-MNIST test images with the model and report the standard\n"
	       "accuracy (sa) with its 95%% Wilson interval.\n\n"
	       "Options:\n"
	       "  -m, --model MODEL  the .rmod model file (required)\n"
	       "  --backend B        sw: the integer reference model in C (default); other\n"
	       "                     back-ends are checked logit by logit against it (exit 3\n"
	       "                     on a mismatch). This build has: %s\n"
	       "  --images N         the first N test images (default all 10000)\n"
	       "  --data DIR         Fashion-MNIST directory (default $RAHIL_DATA or %s)\n"
	       "  --min-sa X         exit 4 if the accuracy is below X (0..1)\n"
	       "  --json             print the result as JSON on stdout\n"
	       "  -q, --quiet        no progress lines\n"
	       "  -h, --help         this text\n\n",
	       rh_backend_names(), RH_DEFAULT_DATA_DIR);
	rh_cli_exit_codes(stdout);
}

/* What the command line asks for. */
struct eval_args {
	const char *model, *backend, *data;
	long images; /* 0: all */
	double min_sa;
	int json, quiet;
};

/* Parse the command line into *a. Returns -1 to go on, else the exit status to end with
 * (--help, or a usage error after its message). */
static int parse_args(int argc, char **argv, struct eval_args *a)
{
	static const struct option opts[] = {
	    {"model", required_argument, NULL, 'm'},
	    {"backend", required_argument, NULL, 'b'},
	    {"images", required_argument, NULL, 'n'},
	    {"data", required_argument, NULL, 'd'},
	    {"min-sa", required_argument, NULL, 'S'},
	    {"json", no_argument, NULL, 'J'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	*a = (struct eval_args){.backend = "sw", .min_sa = -1};
	optind = 1;
	while ((c = rh_cli_getopt("eval", argc, argv, "m:qh", opts)) != -1) {
		switch (c) {
		case 'm': a->model = optarg; break;
		case 'b': a->backend = optarg; break;
		case 'n':
			if (rh_cli_int("eval", "images", optarg, 1, 10000, &a->images))
				return rh_cli_usage_error("eval");
			break;
		case 'd': a->data = optarg; break;
		case 'S':
			if (rh_cli_num("eval", "min-sa", optarg, 0, 1, &a->min_sa))
				return rh_cli_usage_error("eval");
			break;
		case 'J': a->json = 1; break;
		case 'q': a->quiet = 1; break;
		case 'h': help(); return RH_EXIT_OK;
		default: return rh_cli_usage_error("eval");
		}
	}
	if (optind < argc) {
		rh_cli_error("eval", "unexpected argument '%s'", argv[optind]);
		return rh_cli_usage_error("eval");
	}
	if (!a->model) {
		rh_cli_error("eval", "-m MODEL is required");
		return rh_cli_usage_error("eval");
	}
	return -1;
}

/* Load the model and the test set and check that they fit each other and --images. 0, or a
 * library status after its message (nothing left to free). */
static int load_inputs(const struct eval_args *a, struct rh_model *m, struct rh_dataset *test, struct rh_err *err)
{
	int rc = rh_model_load(m, a->model, err);
	if (rc) {
		rh_cli_error("eval", "%s", err->msg);
		return rc;
	}
	rc = rh_dataset_load(test, a->data, RH_TEST, err);
	if (rc) {
		rh_model_free(m);
		rh_cli_error("eval", "%s", err->msg);
		return rc;
	}
	if (m->in_h != test->h || m->in_w != test->w || m->in_c != 1 || m->n_classes != 10) {
		rh_cli_error("eval", "%s takes %dx%dx%d inputs and %d classes; the data set has %dx%dx1 and 10",
		             a->model, m->in_h, m->in_w, m->in_c, m->n_classes, test->h, test->w);
		rc = RH_E_INVAL;
	} else if (a->images > test->n) {
		rc = rh_err_set(err, RH_E_INVAL, "--images %ld: the test set has %d images", a->images, test->n);
		rh_cli_error("eval", "%s", err->msg);
	}
	if (rc) {
		rh_model_free(m);
		rh_dataset_free(test);
	}
	return rc;
}

/* What a pass over the images found. */
struct eval_stats {
	int n; /* images */
	long correct, mismatches, hangs;
	uint64_t cycles;
	double seconds;
};

/* Classify the images on the back-end; with golden, hold every result to the reference model
 * (the first five mismatches named on stderr). 0, or a back-end status after its message. */
static int eval_images(const struct eval_args *a, const struct rh_model *m, const struct rh_dataset *test,
                       struct rh_backend *be, struct rh_ref *ref, int golden, struct eval_stats *st, struct rh_err *err)
{
	int n = a->images ? (int)a->images : test->n;
	int8_t x[28 * 28];
	int32_t want[RH_MAX_LOGITS];
	struct rh_result res;
	*st = (struct eval_stats){.n = n};
	double t0 = rh_now_s(), last = t0;
	for (int i = 0; i < n; i++) {
		rh_dataset_input(test, i, x);
		int rc = rh_backend_infer(be, x, &res, err);
		if (rc) {
			rh_cli_error("eval", "image %d: %s", i, err->msg);
			return rc;
		}
		st->correct += res.cls == test->labels[i];
		st->hangs += res.end == RH_RUN_HANG;
		st->cycles += res.cycles;
		if (golden) {
			int cls = rh_ref_infer(ref, x, want);
			if (res.end != RH_RUN_DONE || res.cls != cls ||
			    memcmp(res.logits, want, sizeof(int32_t) * (size_t)m->n_classes) != 0) {
				if (st->mismatches++ < 5)
					rh_cli_error("eval",
					             "image %d: %s gives class %d, logit[0] %d; reference %d, %d", i,
					             a->backend, res.cls, (int)res.logits[0], cls, (int)want[0]);
			}
		}
		double t = rh_now_s();
		if (!a->quiet && t - last > 2.0) {
			last = t;
			fprintf(stderr, "rahil eval: %d/%d images, %.1f/s, ETA %.0fs\n", i + 1, n, (i + 1) / (t - t0),
			        (t - t0) / (i + 1) * (n - i - 1));
		}
	}
	st->seconds = rh_now_s() - t0;
	return 0;
}

static void print_result(const struct eval_args *a, const struct rh_model *m, int golden, const struct eval_stats *st)
{
	int n = st->n;
	double lo, hi, sa = (double)st->correct / n;
	rh_wilson(st->correct, n, 1.96, &lo, &hi);
	if (!a->json) {
		printf("%s: sa %.2f%% (95%% CI %.2f..%.2f) on %d images, back-end %s", m->name, 100 * sa, 100 * lo,
		       100 * hi, n, a->backend);
		if (golden)
			printf(", %ld mismatches with the reference model, %.0f cycles per inference", st->mismatches,
			       (double)st->cycles / n);
		printf("\n");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "model", m->name);
	cJSON_AddStringToObject(o, "model_file", a->model);
	cJSON_AddStringToObject(o, "backend", a->backend);
	cJSON_AddNumberToObject(o, "images", n);
	cJSON_AddNumberToObject(o, "correct", (double)st->correct);
	cJSON_AddNumberToObject(o, "sa", sa);
	cJSON *ci = cJSON_AddArrayToObject(o, "ci95");
	cJSON_AddItemToArray(ci, cJSON_CreateNumber(lo));
	cJSON_AddItemToArray(ci, cJSON_CreateNumber(hi));
	if (golden) {
		cJSON_AddNumberToObject(o, "mismatches", (double)st->mismatches);
		cJSON_AddNumberToObject(o, "hangs", (double)st->hangs);
		cJSON_AddNumberToObject(o, "cycles_per_inference", (double)st->cycles / n);
	}
	cJSON_AddNumberToObject(o, "inferences_per_s", st->seconds > 0 ? n / st->seconds : 0);
	char *s = cJSON_Print(o);
	if (s)
		puts(s);
	free(s);
	cJSON_Delete(o);
}

/* The exit status of a finished pass: a golden mismatch, then --min-sa. */
static int verdict(const struct eval_args *a, const struct eval_stats *st)
{
	double sa = (double)st->correct / st->n;
	if (st->mismatches) {
		rh_cli_error("eval", "%ld of %d images differ from the reference model", st->mismatches, st->n);
		return rh_cli_exit_for(RH_E_MISMATCH);
	}
	if (a->min_sa >= 0 && sa < a->min_sa) {
		rh_cli_error("eval", "accuracy %.4f is below the requested %.4f", sa, a->min_sa);
		return RH_EXIT_ASSERT;
	}
	return RH_EXIT_OK;
}

int rh_cmd_eval(int argc, char **argv)
{
	struct eval_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct rh_err err = {0, ""};
	struct rh_model m;
	struct rh_dataset test;
	rc = load_inputs(&a, &m, &test, &err);
	if (rc)
		return rh_cli_exit_for(rc);
	/* Every back-end but sw is checked logit by logit against the reference model. */
	int golden = strcmp(a.backend, "sw") != 0;
	struct rh_backend be = {0};
	struct rh_ref ref = {0};
	struct eval_stats st;
	rc = rh_ref_init(&ref, &m, &err);
	if (!rc)
		rc = rh_backend_open(&be, a.backend, &m, NULL, &err);
	if (rc)
		rh_cli_error("eval", "%s", err.msg);
	else
		rc = eval_images(&a, &m, &test, &be, &ref, golden, &st, &err);
	int status = rh_cli_exit_for(rc);
	if (!rc) {
		print_result(&a, &m, golden, &st);
		status = verdict(&a, &st);
	}
	rh_backend_close(&be);
	rh_ref_free(&ref);
	rh_model_free(&m);
	rh_dataset_free(&test);
	return status;
}
