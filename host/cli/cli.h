/* rahil: the command-line commands, one function per command, and their shared helpers. */
#ifndef RAHIL_CLI_H
#define RAHIL_CLI_H

#include <stdio.h>

/* Exit codes (also listed by every --help). */
enum rh_exit {
	RH_EXIT_OK = 0,
	RH_EXIT_USAGE = 1,         /* usage or input error */
	RH_EXIT_HW = 2,            /* transport or hardware error */
	RH_EXIT_GOLDEN = 3,        /* golden mismatch */
	RH_EXIT_ASSERT = 4,        /* an assertion requested on the command line failed */
	RH_EXIT_INTERRUPTED = 130, /* stopped by Ctrl-C (128 + SIGINT, as a shell reports it) */
};

int rh_cmd_train(int argc, char **argv);
int rh_cmd_eval(int argc, char **argv);
int rh_cmd_campaign(int argc, char **argv);
int rh_cmd_sites(int argc, char **argv);
int rh_cmd_predict(int argc, char **argv);
int rh_cmd_compare(int argc, char **argv);
int rh_cmd_merge(int argc, char **argv);
int rh_cmd_report(int argc, char **argv);

/* Print "rahil CMD: message" on stderr. */
void rh_cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For getopt failures: the "Try 'rahil CMD --help'" line; returns RH_EXIT_USAGE. */
int rh_cli_usage_error(const char *cmd);
void rh_cli_exit_codes(FILE *f);
/* Parse a non-negative integer option; -1 on error. */
long rh_cli_parse_long(const char *s, long min, long max);
/* The value of option --NAME: an integer in [min, max] into *out (0), or a message naming the
 * option, its range and what came ("rahil CMD: --NAME wants an integer from MIN to MAX, got
 * 'ARG'") and -1. */
int rh_cli_int(const char *cmd, const char *name, const char *arg, long min, long max, long *out);
/* The number of cores online, from 1 to max. */
long rh_cli_cores(long max);
/* A number in [min, max], the same way. */
int rh_cli_num(const char *cmd, const char *name, const char *arg, double min, double max, double *out);
struct option;
/* getopt_long with rahil's messages ("rahil CMD: unknown option '--x'", "rahil CMD: option
 * '--n' needs a value"); returns what getopt_long returns, '?' for both errors. */
int rh_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts);
/* Map a library status to an exit code. */
int rh_cli_exit_for(int status);

#endif
