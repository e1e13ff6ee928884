/* rahil: helpers shared by the commands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
