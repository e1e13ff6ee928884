/* rahil: error strings and the error message buffer. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

const char *rh_strerror(int code)
{
	switch ((enum rh_status)code) {
	case RH_OK: return "success";
	case RH_E_IO: return "input/output error";
	case RH_E_FORMAT: return "malformed input";
	case RH_E_NOMEM: return "out of memory";
	case RH_E_INVAL: return "invalid argument";
	case RH_E_VERSION: return "unsupported version";
	case RH_E_CRC: return "checksum mismatch";
	case RH_E_TRANSPORT: return "transport error";
	case RH_E_TIMEOUT: return "timeout";
	case RH_E_MISMATCH: return "golden mismatch";
	case RH_E_UNSUPPORTED: return "unsupported";
	case RH_E_BOARD: return "unexpected board design";
	case RH_E_INTERRUPTED: return "interrupted";
	}
	return "unknown error";
}

int rh_err_set(struct rh_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}
