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

/* What the command line asks for. */
struct train_args {
	const char *arch, *out, *data;
	long epochs, seed, batch, ntrain, ntest, threads;
	double lr;
	int json, quiet;
};

/* Parse the command line into *a. Returns -1 to go on, else the exit status to end with
 * (--help, or a usage error after its message). */
static int parse_args(int argc, char **argv, struct train_args *a)
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
	int c;
	*a = (struct train_args){.epochs = -1, .seed = 1, .batch = 64, .threads = 2, .lr = 2e-3};
	optind = 1;
	while ((c = rh_cli_getopt("train", argc, argv, "o:qh", opts)) != -1) {
		int bad = 0;
		switch (c) {
		case 'a': a->arch = optarg; break;
		case 'e': bad = rh_cli_int("train", "epochs", optarg, 1, 1000, &a->epochs); break;
		case 's': bad = rh_cli_int("train", "seed", optarg, 0, 0x7fffffffL, &a->seed); break;
		case 'b': bad = rh_cli_int("train", "batch", optarg, 2, 60000, &a->batch); break;
		case 'l': bad = rh_cli_num("train", "lr", optarg, 1e-9, 0.999999, &a->lr); break;
		case 'T': bad = rh_cli_int("train", "train-images", optarg, 1, 60000, &a->ntrain); break;
		case 't': bad = rh_cli_int("train", "test-images", optarg, 1, 10000, &a->ntest); break;
		case 'j': bad = rh_cli_int("train", "threads", optarg, 1, 2, &a->threads); break;
		case 'd': a->data = optarg; break;
		case 'o': a->out = optarg; break;
		case 'J': a->json = 1; break;
		case 'q': a->quiet = 1; break;
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
	if (!a->arch || (strcmp(a->arch, "mlp") != 0 && strcmp(a->arch, "cnn") != 0)) {
		rh_cli_error("train", a->arch ? "unknown architecture '%s' (expected mlp or cnn)" : "%s",
		             a->arch ? a->arch : "--arch mlp|cnn is required");
		return rh_cli_usage_error("train");
	}
	if (!a->out) {
		rh_cli_error("train", "-o MODEL is required");
		return rh_cli_usage_error("train");
	}
	return -1;
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

/* Load the data sets, train and save the model; *name receives its name. 0 or a library
 * status, with the message in *err. */
static int train_and_save(const struct rh_train_opts *o, const struct train_args *a, char *name, size_t name_cap,
                          struct rh_train_report *rep, struct rh_err *err)
{
	struct rh_dataset train, test;
	struct rh_model m;
	int rc = rh_dataset_load(&train, a->data, RH_TRAIN, err);
	if (rc)
		return rc;
	rc = rh_dataset_load(&test, a->data, RH_TEST, err);
	if (rc) {
		rh_dataset_free(&train);
		return rc;
	}
	rc = rh_train(o, &train, &test, &m, rep, err);
	if (!rc) {
		snprintf(name, name_cap, "%s", m.name);
		rc = rh_model_save(&m, a->out, err);
		rh_model_free(&m);
	}
	rh_dataset_free(&train);
	rh_dataset_free(&test);
	return rc;
}

static void print_result(const struct train_args *a, const struct rh_train_opts *o, const struct rh_train_report *rep,
                         const char *name)
{
	if (!a->json) {
		fprintf(stderr, "rahil train: %s: float %.2f%%, int8 %.2f%% on %d test images (%.0f s) -> %s\n",
		        a->arch, 100 * rep->float_acc, 100 * rep->int8_acc, rep->test_images, rep->seconds, a->out);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "arch", a->arch);
	cJSON_AddNumberToObject(j, "seed", (double)a->seed);
	cJSON_AddNumberToObject(j, "epochs", o->epochs);
	cJSON_AddNumberToObject(j, "images", rep->test_images);
	cJSON_AddNumberToObject(j, "sa", rep->int8_acc);
	cJSON_AddNumberToObject(j, "sa_float", rep->float_acc);
	cJSON_AddNumberToObject(j, "seconds", rep->seconds);
	cJSON_AddStringToObject(j, "model", name);
	cJSON_AddStringToObject(j, "model_file", a->out);
	char *s = cJSON_Print(j);
	if (s)
		puts(s);
	free(s);
	cJSON_Delete(j);
}

int rh_cmd_train(int argc, char **argv)
{
	struct train_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;

	struct rh_train_opts o;
	int tty = isatty(2);
	rh_train_defaults(&o, a.arch);
	if (a.epochs > 0)
		o.epochs = (int)a.epochs;
	o.seed = (uint64_t)a.seed;
	o.batch = (int)a.batch;
	o.lr = (float)a.lr;
	o.max_train = (int)a.ntrain;
	o.max_test = (int)a.ntest;
	o.threads = (int)a.threads;
	o.progress = a.quiet ? NULL : progress;
	o.ctx = &tty;

	if (out_unwritable(a.out))
		return rh_cli_usage_error("train");
	struct rh_err err = {0, ""};
	struct rh_train_report rep;
	char name[RH_NAME_LEN] = "";
	rc = train_and_save(&o, &a, name, sizeof(name), &rep, &err);
	if (rc) {
		rh_cli_error("train", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	print_result(&a, &o, &rep, name);
	return RH_EXIT_OK;
}
