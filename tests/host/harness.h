/* rahil tests: a small in-tree harness. A test returns T_PASS, T_FAIL or T_SKIP. */
#ifndef RAHIL_TEST_HARNESS_H
#define RAHIL_TEST_HARNESS_H

#include <stdio.h>

enum { T_PASS = 0, T_FAIL = 1, T_SKIP = 2 };

struct test_ctx {
	const char *rahil;  /* path of the rahil binary, for command-line tests */
	const char *tmpdir; /* a fresh directory for this run */
	char why[512];      /* failure or skip reason */
};

struct test_case {
	const char *name;
	int (*fn)(struct test_ctx *t);
};

int t_fail(struct test_ctx *t, const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int t_skip(struct test_ctx *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond))                                                                                           \
			return t_fail(t, __FILE__, __LINE__, "check failed: %s", #cond);                               \
	} while (0)
#define CHECKF(cond, ...)                                                                                              \
	do {                                                                                                           \
		if (!(cond))                                                                                           \
			return t_fail(t, __FILE__, __LINE__, __VA_ARGS__);                                             \
	} while (0)

/* Each test file exports its table. */
extern const struct test_case idx_tests[], model_tests[], quant_tests[], ref_tests[], cli_tests[], stats_tests[],
    ffmap_tests[], journal_tests[], engine_tests[], sites_tests[], effect_tests[], predict_tests[];

/* The test images are a dependency (scripts/install-deps.sh installs the package): a test that
 * needs them fails without them. */
#define NEED_DATA "the Fashion-MNIST test set (Debian package dataset-fashion-mnist)"

/* Helpers shared by test files. */
int t_write_file(const char *path, const void *data, size_t len);
/* Run argv[0]=rahil with args; capture stdout and stderr (each truncated to cap bytes).
 * Returns the exit status, or -1 if it could not run or died from a signal. */
int t_run(struct test_ctx *t, char *out, size_t out_cap, char *errbuf, size_t err_cap, const char *const *args);

#endif
