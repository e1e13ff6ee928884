/* rahil: a minimal test runner for the board-path tests: a table of tests, each ok, fail or
 * skip, starting with the line "declared: N tests" and ending with the line "N passed, N
 * failed, N skipped". */
#ifndef RAHIL_TB_H
#define RAHIL_TB_H

#include <stdio.h>
#include <string.h>

enum tb_result { TB_PASS, TB_FAIL, TB_SKIP };

struct tb_case {
	const char *name;
	enum tb_result (*fn)(void);
};

/* Fail the current test, saying where and what. */
#define TB_CHECK(cond)                                                                                                 \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                     \
			return TB_FAIL;                                                                                \
		}                                                                                                      \
	} while (0)

#define TB_CHECK_EQ(a, b)                                                                                              \
	do {                                                                                                           \
		long long tb_a_ = (long long)(a), tb_b_ = (long long)(b);                                              \
		if (tb_a_ != tb_b_) {                                                                                  \
			fprintf(stderr, "  %s:%d: %s is %lld, expected %s = %lld\n", __FILE__, __LINE__, #a, tb_a_,    \
			        #b, tb_b_);                                                                            \
			return TB_FAIL;                                                                                \
		}                                                                                                      \
	} while (0)

#define TB_SKIP_BECAUSE(...)                                                                                           \
	do {                                                                                                           \
		fprintf(stderr, "  skip: " __VA_ARGS__);                                                               \
		fprintf(stderr, "\n");                                                                                 \
		return TB_SKIP;                                                                                        \
	} while (0)

/* Run the cases whose name contains filter (all when NULL); returns the exit status. First
 * prints "declared: N tests", N from the table, which tests/run-suites.sh compares with the
 * summary line. */
static inline int tb_run(const char *suite, const struct tb_case *cases, size_t n, const char *filter)
{
	unsigned pass = 0, fail = 0, skip = 0, declared = 0;
	for (size_t i = 0; i < n; i++)
		declared += !filter || strstr(cases[i].name, filter);
	printf("declared: %u tests\n", declared);
	fflush(stdout);
	for (size_t i = 0; i < n; i++) {
		if (filter && !strstr(cases[i].name, filter))
			continue;
		enum tb_result r = cases[i].fn();
		const char *tag = r == TB_PASS ? "ok" : r == TB_SKIP ? "skip" : "FAIL";
		printf("%-4s %s/%s\n", tag, suite, cases[i].name);
		fflush(stdout);
		if (r == TB_PASS)
			pass++;
		else if (r == TB_SKIP)
			skip++;
		else
			fail++;
	}
	printf("%u passed, %u failed, %u skipped\n", pass, fail, skip);
	return fail ? 1 : 0;
}

#endif
