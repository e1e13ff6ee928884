/* rahil: helpers shared by the commands. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"

void rh_cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "rahil %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int rh_cli_usage_error(const char *cmd)
{
	fprintf(stderr, "Try 'rahil %s --help'\n", cmd);
	return RH_EXIT_USAGE;
}

void rh_cli_exit_codes(FILE *f)
{
	fprintf(f, "Exit codes:\n"
	           "  0  success\n"
	           "  1  usage or input error\n"
	           "  2  transport or hardware error\n"
	           "  3  golden mismatch (accelerator disagrees with the reference model)\n"
	           "  4  an assertion requested on the command line failed\n");
}

int rh_cli_int(const char *cmd, const char *name, const char *arg, long min, long max, long *out)
{
	long v = rh_cli_parse_long(arg, min, max);
	if (v < 0) { /* every range starts at 0 or above */
		rh_cli_error(cmd, "--%s wants an integer from %ld to %ld, got '%s'", name, min, max, arg);
		return -1;
	}
	*out = v;
	return 0;
}

int rh_cli_num(const char *cmd, const char *name, const char *arg, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= min && v <= max)) {
		rh_cli_error(cmd, "--%s wants a number from %g to %g, got '%s'", name, min, max, arg);
		return -1;
	}
	*out = v;
	return 0;
}

int rh_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	char spec[64];
	snprintf(spec, sizeof(spec), ":%s", shortopts); /* ':' first: a missing value returns ':' */
	opterr = 0;
	int c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c == '?' || c == ':') {
		const char *what = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
		char shortname[3] = {'-', (char)optopt, 0};
		/* a short option's own character, else the argument as written */
		if (optopt && strncmp(what, "--", 2) != 0)
			what = shortname;
		if (c == '?')
			rh_cli_error(cmd, "unknown option '%s'", what);
		else
			rh_cli_error(cmd, "option '%s' needs a value", what);
		return '?';
	}
	return c;
}

long rh_cli_parse_long(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	return v;
}

int rh_cli_exit_for(int status)
{
	switch ((enum rh_status)status) {
	case RH_OK: return RH_EXIT_OK;
	case RH_E_TRANSPORT:
	case RH_E_BOARD:
	case RH_E_TIMEOUT: return RH_EXIT_HW;
	case RH_E_INTERRUPTED: return RH_EXIT_INTERRUPTED;
	case RH_E_MISMATCH: return RH_EXIT_GOLDEN;
	case RH_E_IO:
	case RH_E_FORMAT:
	case RH_E_NOMEM:
	case RH_E_INVAL:
	case RH_E_VERSION:
	case RH_E_CRC:
	case RH_E_UNSUPPORTED: return RH_EXIT_USAGE;
	}
	return RH_EXIT_USAGE;
}
