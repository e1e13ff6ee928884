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

int rh_cmd_eval(int argc, char **argv)
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
	const char *model = NULL, *backend = "sw", *data = NULL;
	long images = 0;
	double min_sa = -1;
	int json = 0, quiet = 0, c;
	optind = 1;
	while ((c = rh_cli_getopt("eval", argc, argv, "m:qh", opts)) != -1) {
		switch (c) {
		case 'm': model = optarg; break;
		case 'b': backend = optarg; break;
		case 'n':
			if (rh_cli_int("eval", "images", optarg, 1, 10000, &images))
				return rh_cli_usage_error("eval");
			break;
		case 'd': data = optarg; break;
		case 'S':
			if (rh_cli_num("eval", "min-sa", optarg, 0, 1, &min_sa))
				return rh_cli_usage_error("eval");
			break;
		case 'J': json = 1; break;
		case 'q': quiet = 1; break;
		case 'h': help(); return RH_EXIT_OK;
		default: return rh_cli_usage_error("eval");
		}
	}
	if (optind < argc) {
		rh_cli_error("eval", "unexpected argument '%s'", argv[optind]);
		return rh_cli_usage_error("eval");
	}
	if (!model) {
		rh_cli_error("eval", "-m MODEL is required");
		return rh_cli_usage_error("eval");
	}
	struct rh_err err = {0, ""};
	struct rh_model m;
	struct rh_dataset test;
	struct rh_backend be = {0};
	struct rh_ref ref = {0};
	int rc = rh_model_load(&m, model, &err);
	if (rc) {
		rh_cli_error("eval", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	rc = rh_dataset_load(&test, data, RH_TEST, &err);
	if (rc) {
		rh_model_free(&m);
		rh_cli_error("eval", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	if (m.in_h != test.h || m.in_w != test.w || m.in_c != 1 || m.n_classes != 10) {
		rh_cli_error("eval", "%s takes %dx%dx%d inputs and %d classes; the data set has %dx%dx1 and 10", model,
		             m.in_h, m.in_w, m.in_c, m.n_classes, test.h, test.w);
		rc = RH_E_INVAL;
		goto out;
	}
	if (images > test.n) {
		rc = rh_err_set(&err, RH_E_INVAL, "--images %ld: the test set has %d images", images, test.n);
		rh_cli_error("eval", "%s", err.msg);
		goto out;
	}
	/* Every back-end but sw is checked logit by logit against the reference model. */
	int golden = strcmp(backend, "sw") != 0;
	rc = rh_ref_init(&ref, &m, &err);
	if (!rc)
		rc = rh_backend_open(&be, backend, &m, NULL, &err);
	if (rc) {
		rh_cli_error("eval", "%s", err.msg);
		goto out;
	}
	int n = images ? (int)images : test.n;
	long correct = 0, mismatches = 0, hangs = 0;
	uint64_t cycles = 0;
	int8_t x[28 * 28];
	int32_t want[RH_MAX_LOGITS];
	struct rh_result res;
	double t0 = rh_now_s(), last = t0;
	for (int i = 0; i < n; i++) {
		rh_dataset_input(&test, i, x);
		rc = rh_backend_infer(&be, x, &res, &err);
		if (rc) {
			rh_cli_error("eval", "image %d: %s", i, err.msg);
			goto out;
		}
		correct += res.cls == test.labels[i];
		hangs += res.end == RH_RUN_HANG;
		cycles += res.cycles;
		if (golden) {
			int cls = rh_ref_infer(&ref, x, want);
			if (res.end != RH_RUN_DONE || res.cls != cls ||
			    memcmp(res.logits, want, sizeof(int32_t) * (size_t)m.n_classes) != 0) {
				if (mismatches++ < 5)
					rh_cli_error("eval",
					             "image %d: %s gives class %d, logit[0] %d; reference %d, %d", i,
					             backend, res.cls, (int)res.logits[0], cls, (int)want[0]);
			}
		}
		double t = rh_now_s();
		if (!quiet && t - last > 2.0) {
			last = t;
			fprintf(stderr, "rahil eval: %d/%d images, %.1f/s, ETA %.0fs\n", i + 1, n, (i + 1) / (t - t0),
			        (t - t0) / (i + 1) * (n - i - 1));
		}
	}
	double dt = rh_now_s() - t0;
	double lo, hi, sa = (double)correct / n;
	rh_wilson(correct, n, 1.96, &lo, &hi);
	if (json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "model", m.name);
		cJSON_AddStringToObject(o, "model_file", model);
		cJSON_AddStringToObject(o, "backend", backend);
		cJSON_AddNumberToObject(o, "images", n);
		cJSON_AddNumberToObject(o, "correct", (double)correct);
		cJSON_AddNumberToObject(o, "sa", sa);
		cJSON *ci = cJSON_AddArrayToObject(o, "ci95");
		cJSON_AddItemToArray(ci, cJSON_CreateNumber(lo));
		cJSON_AddItemToArray(ci, cJSON_CreateNumber(hi));
		if (golden) {
			cJSON_AddNumberToObject(o, "mismatches", (double)mismatches);
			cJSON_AddNumberToObject(o, "hangs", (double)hangs);
			cJSON_AddNumberToObject(o, "cycles_per_inference", (double)cycles / n);
		}
		cJSON_AddNumberToObject(o, "inferences_per_s", dt > 0 ? n / dt : 0);
		char *s = cJSON_Print(o);
		if (s)
			puts(s);
		free(s);
		cJSON_Delete(o);
	} else {
		printf("%s: sa %.2f%% (95%% CI %.2f..%.2f) on %d images, back-end %s", m.name, 100 * sa, 100 * lo,
		       100 * hi, n, backend);
		if (golden)
			printf(", %ld mismatches with the reference model, %.0f cycles per inference", mismatches,
			       (double)cycles / n);
		printf("\n");
	}
	if (mismatches) {
		rh_cli_error("eval", "%ld of %d images differ from the reference model", mismatches, n);
		rc = RH_E_MISMATCH;
	} else if (min_sa >= 0 && sa < min_sa) {
		rh_cli_error("eval", "accuracy %.4f is below the requested %.4f", sa, min_sa);
		rh_backend_close(&be);
		rh_ref_free(&ref);
		rh_model_free(&m);
		rh_dataset_free(&test);
		return RH_EXIT_ASSERT;
	}
out:
	rh_backend_close(&be);
	rh_ref_free(&ref);
	rh_model_free(&m);
	rh_dataset_free(&test);
	return rh_cli_exit_for(rc);
}
