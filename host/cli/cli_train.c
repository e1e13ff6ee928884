/* rahil train: train a reference network and write its int8 model. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dataset.h"
#include "train.h"

static void help(void)
{
	printf("Usage: rahil train --arch mlp|cnn [OPTIONS] -o MODEL\n\n"
	       "Train a network on Fashion-MNIST in float, quantise it to int8 (docs/quantisation.md)\n"
	       "and write the model file. Deterministic for a given seed.\n\n"
	       "Options:\n"
	       "  --arch mlp|cnn     network: mlp = 784-128-10, cnn = conv8-pool-conv16-pool-fc64-fc10\n"
	       "  --epochs N         passes over the training set (default: mlp 20, cnn 12)\n"
	       "  --seed S           random seed (default 1)\n"
	       "  --batch N          minibatch size (default 64)\n"
	       "  --lr X             Adam learning rate, cosine-decayed (default 0.002)\n"
	       "  --train-images N   use only the first N training images (default all 60000)\n"
	       "  --test-images N    evaluate on the first N test images (default all 10000)\n"
	       "  --threads N        worker threads, 1 or 2 (default 2; results do not depend on it)\n"
	       "  --data DIR         Fashion-MNIST directory (default $RAHIL_DATA or %s)\n"
	       "  -o, --output MODEL where to write the .rmod file (required)\n"
	       "  --json             print the result as JSON on stdout\n"
	       "  -q, --quiet        no progress line\n"
	       "  -h, --help         this text\n\n",
	       RH_DEFAULT_DATA_DIR);
	rh_cli_exit_codes(stdout);
}

/* Before the training: -o names a file in a directory that can be written (else a message,
 * and 1). */
static int out_unwritable(const char *out)
{
	char dir[4096];
	struct stat st;
	snprintf(dir, sizeof(dir), "%s", out);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = 0;
	else if (slash)
		*slash = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) {
		rh_cli_error("train", "-o %s is a directory: name the model file", out);
		return 1;
	}
	if (access(dir, W_OK) != 0) {
		rh_cli_error("train", "-o %s: cannot write into %s: %s", out, dir, strerror(errno));
		return 1;
	}
	return 0;
}

/* The progress line on stderr: rewritten in place every 50 minibatches on a terminal, and
 * ended at the end of every epoch. ctx points to "stderr is a terminal". */
static void progress(const struct rh_train_progress *p, void *ctx)
{
	int tty = *(const int *)ctx;
	if ((tty && p->step % 50 == 0) || p->epoch_done) {
		double eta = p->seconds / (double)p->step * (double)(p->steps - p->step);
		fprintf(stderr,
		        "%srahil train: %s: epoch %d/%d  batch %ld/%ld  loss %.4f  acc %.2f%%  ETA "
		        "%.0fs   ",
		        tty ? "\r" : "", p->arch, p->epoch, p->epochs, p->batch, p->batches, p->loss,
		        100.0 * p->correct / p->seen, eta);
	}
	if (p->epoch_done)
		fprintf(stderr, "\n");
}

int rh_cmd_train(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"arch", required_argument, NULL, 'a'},
	    {"epochs", required_argument, NULL, 'e'},
	    {"seed", required_argument, NULL, 's'},
	    {"batch", required_argument, NULL, 'b'},
	    {"lr", required_argument, NULL, 'l'},
	    {"train-images", required_argument, NULL, 'T'},
	    {"test-images", required_argument, NULL, 't'},
	    {"threads", required_argument, NULL, 'j'},
	    {"data", required_argument, NULL, 'd'},
	    {"output", required_argument, NULL, 'o'},
	    {"json", no_argument, NULL, 'J'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *arch = NULL, *out = NULL, *data = NULL;
	long epochs = -1, seed = 1, batch = 64, ntrain = 0, ntest = 0, threads = 2;
	double lr = 2e-3;
	int json = 0, quiet = 0, c;
	optind = 1;
	while ((c = rh_cli_getopt("train", argc, argv, "o:qh", opts)) != -1) {
		int bad = 0;
		switch (c) {
		case 'a': arch = optarg; break;
		case 'e': bad = rh_cli_int("train", "epochs", optarg, 1, 1000, &epochs); break;
		case 's': bad = rh_cli_int("train", "seed", optarg, 0, 0x7fffffffL, &seed); break;
		case 'b': bad = rh_cli_int("train", "batch", optarg, 2, 60000, &batch); break;
		case 'l': bad = rh_cli_num("train", "lr", optarg, 1e-9, 0.999999, &lr); break;
		case 'T': bad = rh_cli_int("train", "train-images", optarg, 1, 60000, &ntrain); break;
		case 't': bad = rh_cli_int("train", "test-images", optarg, 1, 10000, &ntest); break;
		case 'j': bad = rh_cli_int("train", "threads", optarg, 1, 2, &threads); break;
		case 'd': data = optarg; break;
		case 'o': out = optarg; break;
		case 'J': json = 1; break;
		case 'q': quiet = 1; break;
		case 'h': help(); return RH_EXIT_OK;
		default: return rh_cli_usage_error("train");
		}
		if (bad)
			return rh_cli_usage_error("train");
	}
	if (optind < argc) {
		rh_cli_error("train", "unexpected argument '%s'", argv[optind]);
		return rh_cli_usage_error("train");
	}
	if (!arch || (strcmp(arch, "mlp") != 0 && strcmp(arch, "cnn") != 0)) {
		rh_cli_error("train", arch ? "unknown architecture '%s' (expected mlp or cnn)" : "%s",
		             arch ? arch : "--arch mlp|cnn is required");
		return rh_cli_usage_error("train");
	}
	if (!out) {
		rh_cli_error("train", "-o MODEL is required");
		return rh_cli_usage_error("train");
	}

	struct rh_train_opts o;
	int tty = isatty(2);
	rh_train_defaults(&o, arch);
	if (epochs > 0)
		o.epochs = (int)epochs;
	o.seed = (uint64_t)seed;
	o.batch = (int)batch;
	o.lr = (float)lr;
	o.max_train = (int)ntrain;
	o.max_test = (int)ntest;
	o.threads = (int)threads;
	o.progress = quiet ? NULL : progress;
	o.ctx = &tty;

	if (out_unwritable(out))
		return rh_cli_usage_error("train");
	struct rh_err err = {0, ""};
	struct rh_dataset train, test;
	struct rh_model m;
	struct rh_train_report rep;
	int rc = rh_dataset_load(&train, data, RH_TRAIN, &err);
	if (rc) {
		rh_cli_error("train", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	rc = rh_dataset_load(&test, data, RH_TEST, &err);
	if (rc) {
		rh_dataset_free(&train);
		rh_cli_error("train", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	char name[sizeof(m.name)] = "";
	rc = rh_train(&o, &train, &test, &m, &rep, &err);
	if (!rc) {
		snprintf(name, sizeof(name), "%s", m.name);
		rc = rh_model_save(&m, out, &err);
		rh_model_free(&m);
	}
	rh_dataset_free(&train);
	rh_dataset_free(&test);
	if (rc) {
		rh_cli_error("train", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	if (json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "arch", arch);
		cJSON_AddNumberToObject(j, "seed", (double)seed);
		cJSON_AddNumberToObject(j, "epochs", o.epochs);
		cJSON_AddNumberToObject(j, "images", rep.test_images);
		cJSON_AddNumberToObject(j, "sa", rep.int8_acc);
		cJSON_AddNumberToObject(j, "sa_float", rep.float_acc);
		cJSON_AddNumberToObject(j, "seconds", rep.seconds);
		cJSON_AddStringToObject(j, "model", name);
		cJSON_AddStringToObject(j, "model_file", out);
		char *s = cJSON_Print(j);
		if (s)
			puts(s);
		free(s);
		cJSON_Delete(j);
	} else
		fprintf(stderr, "rahil train: %s: float %.2f%%, int8 %.2f%% on %d test images (%.0f s) -> %s\n", arch,
		        100 * rep.float_acc, 100 * rep.int8_acc, rep.test_images, rep.seconds, out);
	return RH_EXIT_OK;
}
