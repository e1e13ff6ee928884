/* rahil: the HTML report of a run directory (docs/report.md): from the compare table and the
 * per-injection CSVs that `rahil compare --out DIR` leaves (or the result and the CSV of
 * `rahil campaign --out DIR`), data files and a gnuplot script in
 * DIR, the plots gnuplot draws from them (PNG, pngcairo) and one static page that shows them. */
#ifndef RAHIL_REPORT_H
#define RAHIL_REPORT_H

#include "error.h"

#define RH_REPORT_MAX_ROWS 16

/* One row of the compare table (docs/compare.md). */
struct rh_report_row {
	char name[32];
	int pred; /* a prediction */
	double ra, ci95[2], drop, ci95_drop[2];
	long n;
	double drop_diff, drop_rel_err;
	int inside;
};

/* What the report is made from: the table (compare.json) and where it lives. */
struct rh_report_in {
	const char *dir;  /* the run directory */
	const char *html; /* the page to write */
	char model[64], backend[64];
	long images, seed, calibration_n;
	int agree;
	int campaign; /* one campaign (rahil campaign --out: campaign.json), no predictions */
	struct rh_report_row rows[RH_REPORT_MAX_ROWS];
	int n_rows;
};

/* The per-injection CSV of the measuring campaign named by row `name` ("RA_HW uniform" ->
 * "uniform.csv"), into out (size n); NULL when the row is not a measuring campaign's. */
const char *rh_report_csv_name(const char *row, char *out, unsigned n);

/* Write the data files, the script and the plots into in->dir and the page to in->html. Every
 * measuring row of the table needs its CSV with one line per injection, whose estimate must be
 * the table's; predictions.csv gives the predictions' drop by layer, class and bit position.
 * RH_E_IO naming the file that is missing or unwritable, RH_E_FORMAT naming the file that does
 * not hold what it should, RH_E_UNSUPPORTED when gnuplot is not on PATH. */
int rh_report_write(const struct rh_report_in *in, struct rh_err *err);

#endif
