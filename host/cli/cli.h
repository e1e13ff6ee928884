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
/* --jobs N (campaign, compare): the simulators a campaign runs beside its back-end, one
 * batch each at a time (host/campaign/engine.h, workers). jobs 0 is the default: the cores
 * online (at most RH_CLI_JOBS_MAX) for a simulator back-end, 1 for a board, which refuses more
 * (the message names the option). rh_cli_jobs_open opens jobs - 1 more of the back-end;
 * rh_cli_jobs_close closes what it opened. */
#define RH_CLI_JOBS_MAX 64
struct rh_backend;
struct rh_backend_opts;
struct rh_model;
struct rh_err;
struct rh_cli_jobs {
	struct rh_backend **workers;
	int n;
};
int rh_cli_jobs_open(struct rh_cli_jobs *j, long jobs, const char *backend, const struct rh_model *m,
                     const struct rh_backend_opts *bo, struct rh_err *err);
void rh_cli_jobs_close(struct rh_cli_jobs *j);
/* A number in [min, max], the same way. */
int rh_cli_num(const char *cmd, const char *name, const char *arg, double min, double max, double *out);
struct option;
/* getopt_long with rahil's messages ("rahil CMD: unknown option '--x'", "rahil CMD: option
 * '--n' needs a value"); returns what getopt_long returns, '?' for both errors. */
int rh_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts);
/* Map a library status to an exit code. */
int rh_cli_exit_for(int status);

#endif
