/* rahil: error codes and a message buffer that says what was expected and what came. */
#ifndef RAHIL_ERROR_H
#define RAHIL_ERROR_H

/* Library functions return 0 or one of these (negative). Only main() exits. */
enum rh_status {
	RH_OK = 0,
	RH_E_IO = -1,           /* open, read or write failed */
	RH_E_FORMAT = -2,       /* malformed input file or frame */
	RH_E_NOMEM = -3,        /* allocation failed */
	RH_E_INVAL = -4,        /* invalid argument */
	RH_E_VERSION = -5,      /* file or protocol from a newer version */
	RH_E_CRC = -6,          /* checksum mismatch */
	RH_E_TRANSPORT = -7,    /* link to the accelerator failed */
	RH_E_TIMEOUT = -8,      /* no answer in time */
	RH_E_MISMATCH = -9,     /* golden comparison failed */
	RH_E_UNSUPPORTED = -10, /* feature not built in or not available */
	RH_E_BOARD = -11,       /* the board is not the design the host expects */
	RH_E_INTERRUPTED = -12, /* stopped by a signal (Ctrl-C) */
};

struct rh_err {
	int code;
	char msg[512];
};

const char *rh_strerror(int code);
/* Record a message and return code, so callers can write `return rh_err_set(err, ...)`.
 * err may be NULL. */
int rh_err_set(struct rh_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
