/* rahil tests: run every host test; starts with "declared: N tests", ends with "N passed, N
 * failed, N skipped". */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

int t_fail(struct test_ctx *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(t->why, sizeof(t->why), "%s:%d: ", file, line);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(t->why))
		vsnprintf(t->why + n, sizeof(t->why) - (size_t)n, fmt, ap);
	va_end(ap);
	return T_FAIL;
}

int t_skip(struct test_ctx *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
	return T_SKIP;
}

int t_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(data, 1, len, f);
	return fclose(f) == 0 && n == len ? 0 : -1;
}

static int read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	char sink[4096];
	for (;;) {
		ssize_t n;
		if (got + 1 < cap)
			n = read(fd, buf + got, cap - 1 - got);
		else
			n = read(fd, sink, sizeof(sink));
		if (n <= 0)
			break;
		if (got + 1 < cap)
			got += (size_t)n;
	}
	if (cap)
		buf[got] = 0;
	return 0;
}

int t_run(struct test_ctx *t, char *out, size_t out_cap, char *errbuf, size_t err_cap, const char *const *args)
{
	char *argv[64];
	int n = 0, po[2], pe[2];
	argv[n++] = (char *)(uintptr_t)t->rahil;
	for (; args[n - 1] && n < 63; n++)
		argv[n] = (char *)(uintptr_t)args[n - 1];
	argv[n] = NULL;
	if (pipe(po) || pipe(pe))
		return -1;
	/* stderr is read after stdout; keep outputs small enough for pipe buffers. */
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		close(po[1]);
		close(pe[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	static char scratch[1];
	read_all(po[0], out ? out : scratch, out ? out_cap : 0);
	read_all(pe[0], errbuf ? errbuf : scratch, errbuf ? err_cap : 0);
	close(po[0]);
	close(pe[0]);
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static const struct test_case *const tables[] = {idx_tests,   model_tests,  quant_tests,   ref_tests,
                                                 stats_tests, ffmap_tests,  journal_tests, engine_tests,
                                                 sites_tests, effect_tests, predict_tests, cli_tests};

int main(int argc, char **argv)
{
	struct test_ctx t;
	const char *filter = NULL;
	const char *tmp = getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof(tmpl), "%s/rahil-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	memset(&t, 0, sizeof(t));
	t.rahil = "build/rahil";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rahil") == 0 && i + 1 < argc)
			t.rahil = argv[++i];
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("Usage: rahil-tests [--rahil PATH] [FILTER]\nRuns the host tests whose name contains "
			       "FILTER.\n");
			return 0;
		} else
			filter = argv[i];
	}
	if (!mkdtemp(tmpl)) {
		perror("rahil-tests: mkdtemp");
		return 1;
	}
	t.tmpdir = tmpl;
	/* The tests about to run, from the tables: tests/run-suites.sh compares this line with the
	 * summary line. */
	int pass = 0, fail = 0, skip = 0, declared = 0;
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++)
		for (const struct test_case *c = tables[k]; c->name; c++)
			declared += !filter || strstr(c->name, filter);
	printf("declared: %d tests\n", declared);
	fflush(stdout);
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
		for (const struct test_case *c = tables[k]; c->name; c++) {
			if (filter && !strstr(c->name, filter))
				continue;
			t.why[0] = 0;
			int r = c->fn(&t);
			if (r == T_PASS) {
				printf("ok    %s\n", c->name);
				pass++;
			} else if (r == T_SKIP) {
				printf("skip  %s: %s\n", c->name, t.why);
				skip++;
			} else {
				printf("FAIL  %s: %s\n", c->name, t.why);
				fail++;
			}
			fflush(stdout);
		}
	}
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		fprintf(stderr, "rahil-tests: could not remove %s\n", tmpl);
	printf("%d passed, %d failed, %d skipped\n", pass, fail, skip);
	return fail ? 1 : 0;
}
