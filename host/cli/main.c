/* rahil: command dispatcher. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_inject.h"
#include "devices.h"
#include "version.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"train", rh_cmd_train, "train a reference network on Fashion-MNIST and quantise it to int8"},
    {"eval", rh_cmd_eval, "measure a model's standard accuracy on a back-end"},
    {"inject", rh_cmd_inject, "one inference on the simulated accelerator with one bit flip"},
    {"campaign", rh_cmd_campaign, "inject sampled bit flips and estimate the resiliency accuracy"},
    {"merge", rh_cmd_merge, "combine the journals of a campaign's shards into the whole campaign's result"},
    {"sites", rh_cmd_sites, "census of the fault space: flip-flops, cycles, analytic and exact fault probabilities"},
    {"predict", rh_cmd_predict,
     "predict the resiliency accuracy from the software models (RA_True, RA_True-nc, RA_SW)"},
    {"compare", rh_cmd_compare, "measured RA against the predictions, in one table"},
    {"report", rh_cmd_report, "the HTML report of a run directory (rahil compare --out DIR), plots by gnuplot"},
    {"devices", rh_cmd_devices, "list attached FTDI boards and whether they can be opened"},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: rahil COMMAND [OPTIONS]\n\n"
	           "rahil measures how a DNN accelerator behaves when a transient bit flip hits it.\n\n"
	           "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'rahil COMMAND --help' for a command's options.\n"
	           "Options: -h, --help  this text;  --version  print the version\n\n");
	rh_cli_exit_codes(f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return RH_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return RH_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("rahil %s\n", RAHIL_VERSION);
		return RH_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "rahil: unknown command '%s'\nTry 'rahil --help'\n", argv[1]);
	return RH_EXIT_USAGE;
}
