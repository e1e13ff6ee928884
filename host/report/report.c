/* rahil: the HTML report of a run directory (report.h, docs/report.md). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "report.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "census.h"
#include "ffmap.h"
#include "injlog.h"
#include "model.h"
#include "predict.h"
#include "stats.h"

#define N_CLASSES   4   /* enum rh_ff_class */
#define N_BITPOS    64  /* bit positions inside a register (RH_PRED_BITPOS) */
#define MAX_SERIES  8   /* measuring campaigns and predictions in one bucket plot */
#define CONV_POINTS 400 /* points of a convergence curve */

/* One injection of a CSV, what the report uses of it. */
struct inj {
	long draw;
	int cls, group, layer, bitpos; /* class, register group, layer (-1: none), bit inside its register */
	int failed;                    /* sdc, hang or crash */
	int d;                         /* golden correct - faulty correct: -1, 0 or 1 */
	double w;
};

/* One campaign's injections. */
struct camp {
	const struct rh_report_row *row;
	char csv[64];
	struct inj *v;
	long n;
};

/* Failures and drop by bucket: class, register group, layer, bit position. */
struct bucket {
	long n, fail;
	double wd;            /* sum of w d */
	double w, w2, w_fail; /* sums of w, w^2 and w over the failed injections */
};
struct buckets {
	struct bucket cls[N_CLASSES], group[RH_SG_COUNT], layer[RH_MAX_LAYERS], bit[N_BITPOS];
	int n_layers, n_bits;
	long total;
};

/* A prediction's drop by layer, class and bit position (predictions.csv). */
struct pred {
	const struct rh_report_row *row;
	double layer[RH_MAX_LAYERS], cls[N_CLASSES], bit[N_BITPOS];
	int have;
};

struct rep {
	const struct rh_report_in *in;
	struct camp camps[MAX_SERIES];
	int n_camps;
	struct pred preds[MAX_SERIES];
	int n_preds;
	struct buckets vuln;        /* the uniform campaign's, else the first campaign's */
	const struct camp *uniform; /* the uniform campaign, else the first */
	const char *table;          /* compare.json or campaign.json */
	int n_layers;               /* of the predicted against measured plot */
	char path[PATH_MAX];
};

const char *rh_report_csv_name(const char *row, char *out, unsigned n)
{
	if (strncmp(row, "RA_HW ", 6) != 0 || !row[6] || strchr(row + 6, '/') || strchr(row + 6, '.'))
		return NULL;
	snprintf(out, n, "%s.csv", row + 6);
	return out;
}

/* dir/name into r->path. */
static const char *in_dir(struct rep *r, const char *name)
{
	snprintf(r->path, sizeof(r->path), "%s/%s", r->in->dir, name);
	return r->path;
}

static int find_name(const char *s, const char *(*name)(int), int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, name(i)))
			return i;
	return -1;
}

/* The columns of the CSV header the report reads. */
enum col { C_DRAW, C_LABEL, C_FF_INDEX, C_FF_CLASS, C_GROUP, C_LAYER, C_OUTCOME, C_GOLDEN, C_CORRECT, C_WEIGHT, C_N };
static const char *const col_names[C_N] = {"draw",  "label",   "ff_index",     "ff_class", "group",
                                           "layer", "outcome", "golden_class", "correct",  "weight"};

/* Split line at commas in place into at most max fields; the number of fields. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	line[strcspn(line, "\r\n")] = 0;
	for (char *p = line; n < max;) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = 0;
	}
	return n;
}

static int parse_inj(char **f, const int *at, struct inj *x)
{
	char *end;
	x->draw = strtol(f[at[C_DRAW]], &end, 10);
	if (*end)
		return -1;
	long label = strtol(f[at[C_LABEL]], NULL, 10), golden = strtol(f[at[C_GOLDEN]], NULL, 10);
	long correct = strtol(f[at[C_CORRECT]], NULL, 10);
	x->bitpos = (int)strtol(f[at[C_FF_INDEX]], NULL, 10);
	x->layer = (int)strtol(f[at[C_LAYER]], NULL, 10);
	x->w = strtod(f[at[C_WEIGHT]], &end);
	x->cls = find_name(f[at[C_FF_CLASS]], rh_ff_class_name, N_CLASSES);
	x->group = find_name(f[at[C_GROUP]], rh_site_group_name, RH_SG_COUNT);
	const char *o = f[at[C_OUTCOME]];
	x->failed = !strcmp(o, "sdc") || !strcmp(o, "hang") || !strcmp(o, "crash");
	x->d = (golden == label) - (correct != 0);
	if (*end || x->cls < 0 || x->group < 0 || x->layer < -1 || x->layer >= RH_MAX_LAYERS || x->bitpos < 0 ||
	    (strcmp(o, "masked") && strcmp(o, "benign") && !x->failed))
		return -1;
	return 0;
}

static int by_draw(const void *a, const void *b)
{
	const struct inj *x = a, *y = b;
	return (x->draw > y->draw) - (x->draw < y->draw);
}

/* A campaign's CSV: every line an injection, as many as its row counts. */
static int read_csv(struct rep *r, struct camp *c, struct rh_err *err)
{
	const char *path = in_dir(r, c->csv);
	FILE *f = fopen(path, "r");
	if (!f)
		return rh_err_set(err, RH_E_IO, "%s: %s (rahil compare --out DIR writes it)", path, strerror(errno));
	char line[4096], *fld[32];
	int at[C_N], rc = 0;
	long cap = c->row->n > 0 ? c->row->n : 1, lineno = 1;
	c->v = malloc((size_t)cap * sizeof(*c->v));
	if (!c->v)
		rc = rh_err_set(err, RH_E_NOMEM, "out of memory for %s", path);
	if (!rc && !fgets(line, sizeof(line), f))
		rc = rh_err_set(err, RH_E_FORMAT, "%s is empty: expected the header %s", path, RH_INJLOG_HEADER);
	int nf = rc ? 0 : split(line, fld, 32);
	for (int k = 0; !rc && k < C_N; k++) {
		at[k] = -1;
		for (int i = 0; i < nf; i++)
			if (!strcmp(fld[i], col_names[k]))
				at[k] = i;
		if (at[k] < 0)
			rc = rh_err_set(err, RH_E_FORMAT, "%s: no column '%s' in its header", path, col_names[k]);
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		lineno++;
		if (c->n == cap) {
			rc = rh_err_set(err, RH_E_FORMAT, "%s has more than the %ld injections %s counts for %s", path,
			                c->row->n, r->table, c->row->name);
			break;
		}
		int k = split(line, fld, 32);
		if (k != nf || parse_inj(fld, at, &c->v[c->n]))
			rc = rh_err_set(err, RH_E_FORMAT, "%s line %ld: not an injection of the header's %d columns",
			                path, lineno, nf);
		else
			c->n++;
	}
	if (!rc && c->n != c->row->n)
		rc = rh_err_set(err, RH_E_FORMAT, "%s has %ld injections, %s counts %ld for %s", path, c->n, r->table,
		                c->row->n, c->row->name);
	fclose(f);
	if (!rc)
		qsort(c->v, (size_t)c->n, sizeof(*c->v), by_draw);
	return rc;
}

/* predictions.csv: row,kind,key,drop,n. */
static int read_preds(struct rep *r, struct rh_err *err)
{
	const char *path = in_dir(r, "predictions.csv");
	FILE *f = fopen(path, "r");
	if (!f)
		return rh_err_set(err, RH_E_IO, "%s: %s (rahil compare --out DIR writes it)", path, strerror(errno));
	char line[512], *fld[8];
	long lineno = 0;
	int rc = 0;
	while (!rc && fgets(line, sizeof(line), f)) {
		if (lineno++ == 0)
			continue; /* the header */
		int nf = split(line, fld, 8);
		struct pred *p = NULL;
		for (int i = 0; nf == 5 && i < r->n_preds; i++)
			if (!strcmp(r->preds[i].row->name, fld[0]))
				p = &r->preds[i];
		char *end;
		double d = nf == 5 ? strtod(fld[3], &end) : 0;
		int key = nf == 5 ? (int)strtol(fld[2], NULL, 10) : -1;
		if (nf != 5 || !p || *end) {
			rc =
			    rh_err_set(err, RH_E_FORMAT,
			               "%s line %ld: expected row,kind,key,drop,n of a compare.json row", path, lineno);
			break;
		}
		if (!strcmp(fld[1], "class") && (key = find_name(fld[2], rh_ff_class_name, N_CLASSES)) >= 0)
			p->cls[key] = d;
		else if (!strcmp(fld[1], "layer") && key >= 0 && key < RH_MAX_LAYERS) {
			p->layer[key] = d;
			if (key + 1 > r->n_layers)
				r->n_layers = key + 1;
		} else if (!strcmp(fld[1], "bit") && key >= 0 && key < N_BITPOS)
			p->bit[key] = d;
		else
			rc = rh_err_set(err, RH_E_FORMAT, "%s line %ld: unknown bucket %s %s", path, lineno, fld[1],
			                fld[2]);
		p->have = 1;
	}
	fclose(f);
	return rc;
}

static void bucket_add(struct bucket *b, const struct inj *x)
{
	b->n++;
	b->fail += x->failed;
	b->wd += x->w * x->d;
	b->w += x->w;
	b->w2 += x->w * x->w;
	b->w_fail += x->failed ? x->w : 0;
}

static void tally(struct buckets *b, const struct camp *c)
{
	memset(b, 0, sizeof(*b));
	for (long i = 0; i < c->n; i++) {
		const struct inj *x = &c->v[i];
		bucket_add(&b->cls[x->cls], x);
		bucket_add(&b->group[x->group], x);
		if (x->layer >= 0) {
			bucket_add(&b->layer[x->layer], x);
			if (x->layer + 1 > b->n_layers)
				b->n_layers = x->layer + 1;
		}
		if (x->bitpos < N_BITPOS) {
			bucket_add(&b->bit[x->bitpos], x);
			if (x->bitpos + 1 > b->n_bits)
				b->n_bits = x->bitpos + 1;
		}
	}
	b->total = c->n;
}

static FILE *create(struct rep *r, const char *name, struct rh_err *err)
{
	FILE *f = fopen(in_dir(r, name), "w");
	if (!f)
		rh_err_set(err, RH_E_IO, "cannot write %s: %s", r->path, strerror(errno));
	return f;
}

static int finish(struct rep *r, FILE *f, const char *name, struct rh_err *err)
{
	if (ferror(f) | (fclose(f) != 0))
		return rh_err_set(err, RH_E_IO, "cannot write %s: %s", in_dir(r, name), strerror(errno));
	return 0;
}

/* The running drop of campaign c in draw order, in points, with its 95% interval: the paired
 * score interval (uniform) or the weighted-variance normal interval, as the engine gives them.
 * The final estimate must be the table's. */
static int convergence(struct rep *r, const struct camp *c, const char *name, struct rh_err *err)
{
	int weighted = strcmp(c->row->name, "RA_HW uniform") != 0;
	struct rh_wmean m = {0};
	long n10 = 0, n01 = 0, step = c->n / CONV_POINTS > 1 ? c->n / CONV_POINTS : 1;
	FILE *f = create(r, name, err);
	if (!f)
		return err->code;
	fprintf(f, "# injections drop lo hi (points; %s, in draw order)\n", c->row->name);
	for (long k = 1; k <= c->n; k++) {
		const struct inj *x = &c->v[k - 1];
		rh_wmean_add(&m, x->w, x->d);
		n10 += x->d > 0;
		n01 += x->d < 0;
		if (k < 10 || (k % step && k != c->n))
			continue;
		double d = rh_wmean_mean(&m), lo, hi;
		if (weighted) {
			double h = rh_wmean_halfwidth(&m, RH_Z95);
			lo = fmax(-1, d - h), hi = fmin(1, d + h);
		} else
			rh_paired_diff_ci(k, n10, n01, RH_Z95, &lo, &hi);
		fprintf(f, "%ld %.6f %.6f %.6f\n", k, 100 * d, 100 * lo, 100 * hi);
	}
	int rc = finish(r, f, name, err);
	double d = rh_wmean_mean(&m);
	if (!rc && fabs(d - c->row->drop) > 1e-9)
		rc = rh_err_set(err, RH_E_FORMAT, "%s gives the drop %.9f, %s %.9f for %s", c->csv, d, r->table,
		                c->row->drop, c->row->name);
	return rc;
}

/* The compare rows: RA with its interval. */
static int rows_dat(struct rep *r, struct rh_err *err)
{
	FILE *f = create(r, "report-rows.dat", err);
	if (!f)
		return err->code;
	fprintf(f, "# row ra lo hi (percent)\n");
	for (int i = 0; i < r->in->n_rows; i++) {
		const struct rh_report_row *w = &r->in->rows[i];
		fprintf(f, "\"%s\" %.6f %.6f %.6f\n", w->name, 100 * w->ra, 100 * w->ci95[0], 100 * w->ci95[1]);
	}
	return finish(r, f, "report-rows.dat", err);
}

/* Wilson's score interval for a rate p from n samples (n need not be whole). */
static void wilson(double p, double n, double *lo, double *hi)
{
	double z2 = RH_Z95 * RH_Z95, den = 1 + z2 / n, mid = (p + z2 / (2 * n)) / den;
	double h = RH_Z95 * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / den;
	*lo = fmax(0, mid - h);
	*hi = fmin(1, mid + h);
}

/* Failure rate (sdc, hang, crash) of one kind of bucket, in percent: the weighted share
 * sum w failed / sum w (the plain share under the uniform sampler) with Wilson's interval on
 * Kish's effective sample size (sum w)^2 / sum w^2 (the plain count under the uniform sampler). */
static void vuln_lines(FILE *f, const struct bucket *b, int n, const char *(*label)(int, char *, size_t))
{
	char buf[48];
	fprintf(f, "# bucket rate lo hi n (percent)\n");
	for (int i = 0; i < n; i++) {
		if (b[i].n == 0 || b[i].w <= 0)
			continue;
		double p = b[i].w_fail / b[i].w, lo, hi;
		wilson(p, b[i].w * b[i].w / b[i].w2, &lo, &hi);
		fprintf(f, "\"%s\" %.6f %.6f %.6f %ld\n", label(i, buf, sizeof(buf)), 100 * p, 100 * lo, 100 * hi,
		        b[i].n);
	}
}

static const char *class_label(int i, char *buf, size_t n)
{
	snprintf(buf, n, "%s", rh_ff_class_name(i));
	return buf;
}
static const char *group_label(int i, char *buf, size_t n)
{
	snprintf(buf, n, "%s", rh_site_group_name(i));
	return buf;
}
static const char *layer_label(int i, char *buf, size_t n)
{
	snprintf(buf, n, "L%d", i);
	return buf;
}
static const char *bit_label(int i, char *buf, size_t n)
{
	snprintf(buf, n, "%d", i);
	return buf;
}

enum kind { K_CLASS, K_GROUP, K_LAYER, K_BIT, K_N };
static const char *const kind_names[K_N] = {"class", "group", "layer", "bit"};

static int vuln_dat(struct rep *r, enum kind k, struct rh_err *err)
{
	char name[64];
	snprintf(name, sizeof(name), "report-vuln-%s.dat", kind_names[k]);
	FILE *f = create(r, name, err);
	if (!f)
		return err->code;
	const struct buckets *b = &r->vuln;
	switch (k) {
	case K_CLASS: vuln_lines(f, b->cls, N_CLASSES, class_label); break;
	case K_GROUP: vuln_lines(f, b->group, RH_SG_COUNT, group_label); break;
	case K_LAYER: vuln_lines(f, b->layer, b->n_layers, layer_label); break;
	case K_BIT: vuln_lines(f, b->bit, b->n_bits, bit_label); break;
	case K_N: break;
	}
	return finish(r, f, name, err);
}

/* The drop by layer or by class, in points: each measuring campaign's (sum of w d over the
 * bucket / n) beside each prediction's. */
static int pvm_dat(struct rep *r, enum kind k, struct rh_err *err)
{
	char name[64], buf[48];
	snprintf(name, sizeof(name), "report-pvm-%s.dat", kind_names[k]);
	FILE *f = create(r, name, err);
	if (!f)
		return err->code;
	struct buckets b[MAX_SERIES];
	fprintf(f, "\"%s\"", kind_names[k]);
	for (int i = 0; i < r->n_camps; i++) {
		tally(&b[i], &r->camps[i]);
		fprintf(f, " \"%s\"", r->camps[i].row->name);
	}
	for (int i = 0; i < r->n_preds; i++)
		if (r->preds[i].have)
			fprintf(f, " \"%s\"", r->preds[i].row->name);
	fprintf(f, "\n");
	int n = k == K_LAYER ? r->n_layers : N_CLASSES;
	for (int j = 0; j < n; j++) {
		fprintf(f, "\"%s\"",
		        k == K_LAYER ? layer_label(j, buf, sizeof(buf)) : class_label(j, buf, sizeof(buf)));
		for (int i = 0; i < r->n_camps; i++) {
			const struct bucket *x = k == K_LAYER ? &b[i].layer[j] : &b[i].cls[j];
			fprintf(f, " %.6f", b[i].total ? 100 * x->wd / (double)b[i].total : 0);
		}
		for (int i = 0; i < r->n_preds; i++)
			if (r->preds[i].have)
				fprintf(f, " %.6f", 100 * (k == K_LAYER ? r->preds[i].layer[j] : r->preds[i].cls[j]));
		fprintf(f, "\n");
	}
	return finish(r, f, name, err);
}

/* The plots: one PNG each, their names in `plots`. */
static const struct plot {
	const char *file, *title, *about;
	const char *alone; /* the title without predictions (NULL: the same) */
} plots[] = {
    {"report-convergence.png", "Convergence of the measured drop",
     "The running estimate of the drop SA - RA (points) of each measuring campaign against the injections "
     "counted, in the sampler's draw order, with its 95% interval as a band; the dashed line is RA_True "
     "(exact)'s predicted drop.",
     NULL},
    {"report-rows.png", "RA by formulation",
     "The table: SA, the RA each campaign measured and, from a compare run, each prediction's RA, with "
     "95% intervals.",
     "RA measured"},
    {"report-vuln-class.png", "Failure rate by flip-flop class",
     "Share of the injections into each flip-flop class that ended in sdc, hang or crash, from the uniform "
     "campaign (without one, the campaign's, weighted P/q), with Wilson 95% intervals (on Kish's effective "
     "sample size when weighted).",
     NULL},
    {"report-vuln-group.png", "Failure rate by register group",
     "The same by register group of the struck bit (docs/fault-model.md, section 6.1).", NULL},
    {"report-vuln-layer.png", "Failure rate by layer", "The same by the layer active at the fault's cycle.", NULL},
    {"report-vuln-bit.png", "Failure rate by bit position",
     "The same by the struck bit's position inside its register.", NULL},
    {"report-pvm-layer.png", "Predicted against measured, by layer",
     "Each layer's share of the drop (points): the probability that a fault lands in the layer's cycles and "
     "turns a correct classification wrong, less the reverse; measured by each campaign (weighted P/q) and "
     "predicted by each formulation. The bars of one series add up to its drop.",
     "Measured share of the drop, by layer"},
    {"report-pvm-class.png", "Predicted against measured, by flip-flop class",
     "The same by the class of the struck flip-flop.", "Measured share of the drop, by flip-flop class"},
};
#define N_PLOTS (int)(sizeof(plots) / sizeof(plots[0]))

static const char *title(const struct rep *r, int i)
{
	return !r->n_preds && plots[i].alone ? plots[i].alone : plots[i].title;
}

static void gp_bars(FILE *f, const char *png, const char *dat, const char *title, const char *xlabel)
{
	fprintf(f,
	        "set output '%s'\nset title '%s'\nset xlabel '%s'\nset ylabel 'failure rate (%%)'\n"
	        "set style fill solid 0.6 border -1\nset boxwidth 0.7\nset yrange [0:*]\nset xtics rotate by -40\n"
	        "plot '%s' using 0:2:xtic(1) with boxes lc rgb '#4477aa' notitle, \\\n"
	        "     '' using 0:2:3:4 with yerrorbars lc rgb 'black' pt 0 notitle\n"
	        "set xtics norotate\nset yrange [*:*]\n\n",
	        png, title, xlabel, dat);
}

static void gp_pvm(FILE *f, const char *png, const char *dat, const char *title, int series)
{
	fprintf(f,
	        "set output '%s'\nset title '%s'\nset xlabel ''\nset ylabel 'share of the drop (points)'\n"
	        "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.7 border -1\n"
	        "set boxwidth 0.9\nset key outside right top\nset offsets 0, 0, graph 0.08, 0\n"
	        "plot for [c=2:%d] '%s' using c:xtic(1) title columnhead(c)\n"
	        "set style data points\nset key inside\nset offsets 0, 0, 0, 0\n\n",
	        png, title, series + 1, dat);
}

static int script(struct rep *r, struct rh_err *err)
{
	FILE *f = create(r, "report.gp", err);
	if (!f)
		return err->code;
	double pred = NAN;
	for (int i = 0; i < r->in->n_rows; i++)
		if (!strcmp(r->in->rows[i].name, "RA_True exact"))
			pred = 100 * r->in->rows[i].drop;
	fprintf(f, "# rahil report: the plots of this run directory (docs/report.md); gnuplot report.gp\n"
	           "set terminal pngcairo size 900,480 noenhanced font 'sans,10'\nset grid ytics\n\n");
	/* convergence: a band and a line per measuring campaign */
	static const char *const colours[] = {"#4477aa", "#ee6677", "#228833", "#ccbb44"};
	fprintf(
	    f,
	    "set output 'report-convergence.png'\nset title '%s'\nset xlabel 'injections'\n"
	    "set ylabel 'drop SA - RA (points)'\nset key top right\nset style fill transparent solid 0.2 noborder\n",
	    plots[0].title);
	fprintf(f, "plot ");
	for (int i = 0; i < r->n_camps; i++) {
		const char *c = colours[i % 4];
		fprintf(f,
		        "'report-conv-%d.dat' using 1:3:4 with filledcurves lc rgb '%s' title '%s 95%% interval', \\\n"
		        "     '' using 1:2 with lines lw 2 lc rgb '%s' title '%s', \\\n     ",
		        i, c, r->camps[i].row->name, c, r->camps[i].row->name);
	}
	if (isfinite(pred))
		fprintf(f, "%.6f with lines dt 2 lw 2 lc rgb 'black' title 'RA_True exact (predicted)'\n\n", pred);
	else
		fprintf(f, "0 with lines lc rgb 'gray' notitle\n\n");
	fprintf(f,
	        "set output 'report-rows.png'\nset title '%s'\nset xlabel ''\nset ylabel 'RA (%%)'\nunset key\n"
	        "set xtics rotate by -25\nset offsets 0.5, 0.5, 0, 0\n"
	        "plot 'report-rows.dat' using 0:2:3:4:xtic(1) with yerrorbars pt 7 ps 1.5 lc rgb '#4477aa'\n"
	        "set xtics norotate\nset offsets 0, 0, 0, 0\n\n",
	        title(r, 1));
	gp_bars(f, "report-vuln-class.png", "report-vuln-class.dat", title(r, 2), "flip-flop class");
	gp_bars(f, "report-vuln-group.png", "report-vuln-group.dat", title(r, 3), "register group");
	gp_bars(f, "report-vuln-layer.png", "report-vuln-layer.dat", title(r, 4), "layer");
	gp_bars(f, "report-vuln-bit.png", "report-vuln-bit.dat", title(r, 5), "bit position in the register");
	int series = r->n_camps;
	for (int i = 0; i < r->n_preds; i++)
		series += r->preds[i].have;
	gp_pvm(f, "report-pvm-layer.png", "report-pvm-layer.dat", title(r, 6), series);
	gp_pvm(f, "report-pvm-class.png", "report-pvm-class.dat", title(r, 7), series);
	return finish(r, f, "report.gp", err);
}

/* gnuplot on PATH, as execvp would find it. */
static int have_gnuplot(void)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	if (!path || !*path)
		path = "/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof(buf), "%.*s/gnuplot", (int)n, n ? p : ".");
		if (access(buf, X_OK) == 0)
			return 1;
		p += n;
		if (*p == ':')
			p++;
	}
	return 0;
}

/* gnuplot report.gp, run in the run directory: no path reaches a shell or the script. */
static int run_gnuplot(struct rep *r, struct rh_err *err)
{
	if (!have_gnuplot())
		return rh_err_set(err, RH_E_UNSUPPORTED,
		                  "gnuplot is not on PATH: install gnuplot-nox (scripts/install-deps.sh), then run "
		                  "rahil report again");
	pid_t pid = fork();
	if (pid < 0)
		return rh_err_set(err, RH_E_IO, "cannot start gnuplot: %s", strerror(errno));
	if (pid == 0) {
		char *const argv[] = {(char[]){"gnuplot"}, (char[]){"report.gp"}, NULL};
		if (chdir(r->in->dir) == 0)
			execvp("gnuplot", argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return rh_err_set(err, RH_E_IO, "waiting for gnuplot: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return rh_err_set(err, RH_E_IO, "gnuplot %s failed (%s %d)", in_dir(r, "report.gp"),
		                  WIFEXITED(status) ? "exit" : "signal",
		                  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	for (int i = 0; i < N_PLOTS; i++) {
		struct stat st;
		if (stat(in_dir(r, plots[i].file), &st) != 0 || st.st_size == 0)
			return rh_err_set(err, RH_E_IO, "gnuplot did not draw %s", r->path);
	}
	return 0;
}

static void html_text(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
}

/* What the page's links start with: nothing when the page is in the run directory, else the
 * run directory's absolute path. */
static void link_prefix(const struct rh_report_in *in, char *out, size_t n)
{
	char dir[PATH_MAX], page[PATH_MAX], html_dir[PATH_MAX];
	snprintf(html_dir, sizeof(html_dir), "%s", in->html);
	char *slash = strrchr(html_dir, '/');
	if (slash)
		slash[slash == html_dir ? 1 : 0] = 0;
	else
		snprintf(html_dir, sizeof(html_dir), ".");
	out[0] = 0;
	if (!realpath(in->dir, dir) || !realpath(html_dir, page) || !strcmp(dir, page))
		return;
	snprintf(out, n, "%s/", dir);
}

static void html_link(FILE *f, const char *prefix, const char *file)
{
	fputs("<a href=\"", f);
	html_text(f, prefix);
	html_text(f, file);
	fputs("\">", f);
	html_text(f, file);
	fputs("</a>", f);
}

static int html(struct rep *r, struct rh_err *err)
{
	const struct rh_report_in *in = r->in;
	char prefix[PATH_MAX + 1];
	link_prefix(in, prefix, sizeof(prefix));
	FILE *f = fopen(in->html, "w");
	if (!f)
		return rh_err_set(err, RH_E_IO, "cannot write %s: %s", in->html, strerror(errno));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>rahil report: ", f);
	html_text(f, in->model);
	fputs(" on ", f);
	html_text(f, in->backend);
	fputs("</title>\n<style>\nbody { font-family: sans-serif; max-width: 960px; margin: 2em auto; }\n"
	      "table { border-collapse: collapse; }\nth, td { padding: 0.2em 0.6em; border-bottom: 1px solid #ccc; "
	      "text-align: right; }\nth:first-child, td:first-child { text-align: left; }\nimg { max-width: 100%; }\n"
	      "</style>\n</head>\n<body>\n<h1>rahil report: ",
	      f);
	html_text(f, in->model);
	fputs(" on ", f);
	html_text(f, in->backend);
	if (in->campaign)
		fprintf(f, "</h1>\n<p>One campaign (docs/campaign.md) on the first %ld test images, seed %ld.</p>\n",
		        in->images, in->seed);
	else
		fprintf(
		    f,
		    "</h1>\n<p>Measured against predicted resiliency accuracy (docs/compare.md) on the first %ld test "
		    "images, seed %ld; calibration from %ld injections. agree (RA_True exact inside the combined "
		    "interval of the measured drop): <b>%s</b>.</p>\n",
		    in->images, in->seed, in->calibration_n, in->agree ? "yes" : "no");
	fputs("<table>\n<tr><th>row</th><th>RA</th><th>95% CI</th><th>drop (points)</th><th>95% CI</th><th>n</th>"
	      "<th>vs measured</th><th>inside</th></tr>\n",
	      f);
	for (int i = 0; i < in->n_rows; i++) {
		const struct rh_report_row *w = &in->rows[i];
		fputs("<tr><td>", f);
		html_text(f, w->name);
		fprintf(f, "</td><td>%.4f</td><td>[%.4f, %.4f]</td><td>%.3f</td><td>[%.3f, %.3f]</td><td>%ld</td>",
		        w->ra, w->ci95[0], w->ci95[1], 100 * w->drop, 100 * w->ci95_drop[0], 100 * w->ci95_drop[1],
		        w->n);
		if (w->pred)
			fprintf(f, "<td>%+.1f%%</td><td>%s</td></tr>\n", 100 * w->drop_rel_err,
			        w->inside ? "yes" : "no");
		else
			fputs("<td></td><td></td></tr>\n", f);
	}
	fputs("</table>\n", f);
	for (int i = 0; i < N_PLOTS; i++) {
		fputs("<h2>", f);
		html_text(f, title(r, i));
		fputs("</h2>\n<p>", f);
		html_text(f, plots[i].about);
		fputs("</p>\n<img src=\"", f);
		html_text(f, prefix);
		html_text(f, plots[i].file);
		fputs("\" alt=\"", f);
		html_text(f, title(r, i));
		fputs("\">\n", f);
	}
	fputs("<h2>Files</h2>\n<ul>\n<li>", f);
	html_link(f, prefix, r->table);
	fputs(in->campaign ? ": the campaign's result</li>\n" : ": the table</li>\n", f);
	struct stat st;
	if (!in->campaign && stat(in_dir(r, "calibration.csv"), &st) == 0) {
		fputs("<li>", f);
		html_link(f, prefix, "calibration.csv");
		fprintf(f, ": the calibration campaign, one line per injection (%ld)</li>\n", in->calibration_n);
	}
	for (int i = 0; i < r->n_camps; i++) {
		fputs("<li>", f);
		html_link(f, prefix, r->camps[i].csv);
		fputs(": ", f);
		html_text(f, r->camps[i].row->name);
		fprintf(f, ", one line per injection (%ld)</li>\n", r->camps[i].n);
	}
	if (r->n_preds) {
		fputs("<li>", f);
		html_link(f, prefix, "predictions.csv");
		fputs(": each prediction's drop by layer, class and bit position</li>\n", f);
	}
	fputs("<li>", f);
	html_link(f, prefix, "report.gp");
	fputs(": the gnuplot script that drew the plots from the report-*.dat files</li>\n</ul>\n</body>\n</html>\n",
	      f);
	if (ferror(f) | (fclose(f) != 0))
		return rh_err_set(err, RH_E_IO, "cannot write %s: %s", in->html, strerror(errno));
	return 0;
}

/* A row name goes into the data files and the script: letters, digits, space, _ + - only, so
 * that no table can close a quoted string there. */
static int plain_name(const char *s)
{
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') && !(*s >= '0' && *s <= '9') &&
		    !strchr(" _+-", *s))
			return 0;
	return 1;
}

int rh_report_write(const struct rh_report_in *in, struct rh_err *err)
{
	struct rep *r = calloc(1, sizeof(*r));
	if (!r)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for the report");
	r->in = in;
	r->table = in->campaign ? "campaign.json" : "compare.json";
	int rc = 0;
	for (int i = 0; !rc && i < in->n_rows; i++) {
		const struct rh_report_row *w = &in->rows[i];
		char csv[64];
		if (!plain_name(w->name)) {
			rc = rh_err_set(err, RH_E_FORMAT, "%s/%s: row name '%s' is not one rahil writes", in->dir,
			                r->table, w->name);
			break;
		}
		if (w->pred && r->n_preds < MAX_SERIES)
			r->preds[r->n_preds++].row = w;
		else if (rh_report_csv_name(w->name, csv, sizeof(csv)) && r->n_camps < MAX_SERIES) {
			struct camp *c = &r->camps[r->n_camps++];
			c->row = w;
			snprintf(c->csv, sizeof(c->csv), "%s", csv);
			if (!strcmp(w->name, "RA_HW uniform"))
				r->uniform = c;
		}
	}
	if (!rc && !r->uniform && !in->campaign)
		rc = rh_err_set(err, RH_E_FORMAT, "%s/%s has no row 'RA_HW uniform'", in->dir, r->table);
	else if (!rc && !r->n_camps)
		rc = rh_err_set(err, RH_E_FORMAT, "%s/%s has no measuring campaign", in->dir, r->table);
	if (!rc && !r->uniform)
		r->uniform = &r->camps[0];
	for (int i = 0; !rc && i < r->n_camps; i++)
		rc = read_csv(r, &r->camps[i], err);
	if (!rc && r->n_preds)
		rc = read_preds(r, err); /* r->n_layers: the predictions' layers */
	if (!rc) {
		tally(&r->vuln, r->uniform);
		if (r->vuln.n_layers > r->n_layers)
			r->n_layers = r->vuln.n_layers;
	}
	for (int i = 0; !rc && i < r->n_camps; i++) {
		char name[64];
		snprintf(name, sizeof(name), "report-conv-%d.dat", i);
		rc = convergence(r, &r->camps[i], name, err);
	}
	if (!rc)
		rc = rows_dat(r, err);
	for (int k = 0; !rc && k < K_N; k++)
		rc = vuln_dat(r, (enum kind)k, err);
	if (!rc)
		rc = pvm_dat(r, K_LAYER, err);
	if (!rc)
		rc = pvm_dat(r, K_CLASS, err);
	if (!rc)
		rc = script(r, err);
	if (!rc)
		rc = run_gnuplot(r, err);
	if (!rc)
		rc = html(r, err);
	for (int i = 0; i < r->n_camps; i++)
		free(r->camps[i].v);
	free(r);
	return rc;
}
