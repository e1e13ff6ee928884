/* rahil report: the HTML report of a run directory that rahil compare --out DIR left
 * (host/report/report.h, docs/report.md): compare.json read here, the rest in the library. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "report.h"

static void help(void)
{
	printf("Usage: rahil report RUN_DIR [--out FILE.html]\n\n"
	       "Draw the report of a run directory that `rahil compare --out RUN_DIR` wrote: from its\n"
	       "table (compare.json), the per-injection CSVs of its campaigns and the predictions'\n"
	       "buckets (predictions.csv), data files and a gnuplot script (report.gp) in RUN_DIR,\n"
	       "the plots gnuplot draws from them (PNG) and one static HTML page showing them with\n"
	       "the table and links to the CSVs (docs/report.md): the convergence of each measuring\n"
	       "campaign's drop with its 95%% interval, RA by formulation, the failure rate by\n"
	       "flip-flop class, register group, layer and bit position, and the predicted against\n"
	       "the measured drop by layer and by class. A directory of `rahil campaign --out`\n"
	       "(campaign.json and one CSV) gives the same page for one campaign, without the\n"
	       "predictions. Each CSV must hold one line per injection the table counts and give\n"
	       "the table's drop. Needs gnuplot (gnuplot-nox) on PATH.\n\n"
	       "Options:\n"
	       "  --out FILE      the page to write (default RUN_DIR/report.html)\n"
	       "  -q, --quiet     do not print the page's path\n"
	       "  -h, --help      this text\n\n");
	rh_cli_exit_codes(stdout);
}

struct args {
	const char *dir, *out;
	int quiet;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	*a = (struct args){0};
	int c;
	optind = 1;
	while ((c = rh_cli_getopt("report", argc, argv, "qh", opts)) != -1) {
		switch (c) {
		case 'o': a->out = optarg; break;
		case 'q': a->quiet = 1; break;
		case 'h': help(); return RH_EXIT_OK;
		default: return rh_cli_usage_error("report");
		}
	}
	if (optind + 1 != argc) {
		rh_cli_error("report", optind >= argc ? "no RUN_DIR given" : "one RUN_DIR, got more");
		return rh_cli_usage_error("report");
	}
	a->dir = argv[optind];
	return -1;
}

/* The whole of a file, NUL-terminated (malloc'ed), or NULL with errno set. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *s = malloc(cap);
	while (s) {
		n += fread(s + n, 1, cap - n - 1, f);
		if (n < cap - 1)
			break;
		char *t = realloc(s, cap *= 2);
		if (!t)
			free(s);
		s = t;
	}
	int bad = ferror(f);
	fclose(f);
	if (s && bad) {
		free(s);
		errno = EIO;
		return NULL;
	}
	if (s)
		s[n] = 0;
	return s;
}

static int num(const cJSON *o, const char *key, double *out)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(x))
		return -1;
	*out = x->valuedouble;
	return 0;
}

static int pair(const cJSON *o, const char *key, double out[2])
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsArray(x) || cJSON_GetArraySize(x) != 2 || !cJSON_IsNumber(cJSON_GetArrayItem(x, 0)) ||
	    !cJSON_IsNumber(cJSON_GetArrayItem(x, 1)))
		return -1;
	out[0] = cJSON_GetArrayItem(x, 0)->valuedouble;
	out[1] = cJSON_GetArrayItem(x, 1)->valuedouble;
	return 0;
}

static void str(const cJSON *o, const char *key, char *out, size_t n)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	snprintf(out, n, "%s", cJSON_IsString(x) ? x->valuestring : "?");
}

/* One row of the table; -1 when it lacks a key. */
static int read_row(const cJSON *o, struct rh_report_row *w)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
	const cJSON *inside = cJSON_GetObjectItemCaseSensitive(o, "inside");
	double n;
	if (!cJSON_IsString(name) || num(o, "ra", &w->ra) || pair(o, "ci95", w->ci95) || num(o, "drop", &w->drop) ||
	    pair(o, "ci95_drop", w->ci95_drop) || num(o, "n", &n))
		return -1;
	snprintf(w->name, sizeof(w->name), "%s", name->valuestring);
	w->n = (long)n;
	w->pred = cJSON_IsBool(inside);
	if (w->pred) {
		w->inside = cJSON_IsTrue(inside);
		if (num(o, "drop_diff", &w->drop_diff) || num(o, "drop_rel_err", &w->drop_rel_err))
			return -1;
	}
	return 0;
}

/* RUN_DIR/campaign.json (rahil campaign --out) as a table of two rows: SA and the campaign's. */
static int read_campaign(const char *path, const char *text, struct rh_report_in *in, struct rh_err *err)
{
	cJSON *j = cJSON_Parse(text);
	const cJSON *sampler = cJSON_GetObjectItemCaseSensitive(j, "sampler");
	struct rh_report_row *sa = &in->rows[0], *w = &in->rows[1];
	double images = 0, seed = 0, n = 0;
	int rc = 0;
	if (!cJSON_IsString(sampler) || num(j, "images", &images) || num(j, "seed", &seed) || num(j, "n", &n) ||
	    num(j, "sa", &sa->ra) || num(j, "ra", &w->ra) || pair(j, "ci95", w->ci95) || num(j, "drop", &w->drop) ||
	    pair(j, "ci95_drop", w->ci95_drop))
		rc = rh_err_set(err, RH_E_FORMAT,
		                "%s is not a campaign's result (rahil campaign --json): no sampler, "
		                "images, seed, n, sa, ra, ci95, drop or ci95_drop",
		                path);
	if (!rc) {
		str(j, "model", in->model, sizeof(in->model));
		str(j, "backend", in->backend, sizeof(in->backend));
		in->images = (long)images;
		in->seed = (long)seed;
		in->campaign = 1;
		snprintf(sa->name, sizeof(sa->name), "SA");
		sa->ci95[0] = sa->ci95[1] = sa->ra;
		sa->n = in->images;
		snprintf(w->name, sizeof(w->name), "RA_HW %.20s", sampler->valuestring);
		w->n = (long)n;
		in->n_rows = 2;
	}
	cJSON_Delete(j);
	return rc;
}

/* RUN_DIR/compare.json, or else RUN_DIR/campaign.json, into *in. */
static int read_table(const char *dir, struct rh_report_in *in, struct rh_err *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/compare.json", dir);
	char *text = slurp(path);
	if (!text && errno == ENOENT) {
		char other[4096];
		snprintf(other, sizeof(other), "%s/campaign.json", dir);
		if ((text = slurp(other)) != NULL) {
			int rc = read_campaign(other, text, in, err);
			free(text);
			return rc;
		}
		errno = ENOENT;
	}
	if (!text)
		return rh_err_set(err, RH_E_IO,
		                  "%s: %s (rahil compare --out %s writes it; rahil campaign --out writes "
		                  "campaign.json instead)",
		                  path, strerror(errno), dir);
	cJSON *j = cJSON_Parse(text);
	free(text);
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(j, "rows");
	double images = 0, seed = 0, calib_n = 0;
	int rc = 0;
	if (!cJSON_IsArray(rows) || num(j, "images", &images) || num(j, "seed", &seed) ||
	    num(j, "calibration_n", &calib_n) || !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(j, "agree")))
		rc = rh_err_set(err, RH_E_FORMAT,
		                "%s is not a compare table (rahil compare --json): no rows, images, "
		                "seed, calibration_n or agree",
		                path);
	if (!rc) {
		str(j, "model", in->model, sizeof(in->model));
		str(j, "backend", in->backend, sizeof(in->backend));
		in->images = (long)images;
		in->seed = (long)seed;
		in->calibration_n = (long)calib_n;
		in->agree = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "agree"));
	}
	const cJSON *o;
	cJSON_ArrayForEach(o, rows)
	{
		if (rc)
			break;
		if (in->n_rows == RH_REPORT_MAX_ROWS)
			rc = rh_err_set(err, RH_E_FORMAT, "%s: more than %d rows", path, RH_REPORT_MAX_ROWS);
		else if (read_row(o, &in->rows[in->n_rows]))
			rc = rh_err_set(err, RH_E_FORMAT, "%s: row %d lacks name, ra, ci95, drop, ci95_drop or n", path,
			                in->n_rows + 1);
		else
			in->n_rows++;
	}
	cJSON_Delete(j);
	return rc;
}

int rh_cmd_report(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct rh_report_in *in = calloc(1, sizeof(*in));
	char html[4096];
	struct rh_err err = {0, ""};
	if (!in) {
		rh_cli_error("report", "out of memory");
		return RH_EXIT_USAGE;
	}
	snprintf(html, sizeof(html), "%s/report.html", a.dir);
	in->dir = a.dir;
	in->html = a.out ? a.out : html;
	rc = read_table(a.dir, in, &err);
	if (!rc)
		rc = rh_report_write(in, &err);
	if (rc)
		rh_cli_error("report", "%s", err.msg);
	else if (!a.quiet)
		printf("%s\n", in->html);
	free(in);
	return rh_cli_exit_for(rc);
}
