/* rahil sites: the fault-site census of a model on an accelerator back-end. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "census.h"
#include "cli.h"
#include "cli_result.h"
#include "clock.h"
#include "dataset.h"
#include "model.h"
#include "rng.h"
#include "stats.h"

static const char *const phase_names[RH_CENSUS_PHASES] = {"start", "load", "linit", "setup", "feed", "drain"};

static void help(void)
{
	printf("Usage: rahil sites -m MODEL [--backend B] [--images K] [--measure N] [--json]\n\n"
	       "Census of the fault space: flip-flop bits by class and register group, cycles by\n"
	       "layer and phase, and for every (layer, class) the study's analytic fault\n"
	       "probability (layer's share of cycles x class's share of flip-flops x the tiles'\n"
	       "share of the array) beside the exact one: the share of all (chain bit, cycle)\n"
	       "cells of the run that hold a live value, from the controller's schedule and the\n"
	       "operands of the first K test images (docs/fault-model.md, section 6).\n\n"
	       "Options:\n"
	       "  -m, --model MODEL  the .rmod model file (required)\n"
	       "  --backend B        an accelerator back-end: sim (default, 8x8), sim:ice40 (the\n"
	       "                     iCEBreaker's 1x2), sim:2x4; sw has no flip-flops. This build\n"
	       "                     has: %s\n"
	       "  --images K         average the exact probabilities over the first K test images\n"
	       "                     (default 4)\n"
	       "  --measure N        also measure the occupancy on the simulator: N cells (chain\n"
	       "                     bit, cycle, one of the K images) drawn uniformly, each flipped\n"
	       "                     and run beside the golden run, compared after every clock:\n"
	       "                     live when the flip reaches a flip-flop of another class (or a\n"
	       "                     memory word) before it is gone, stored when it reaches a\n"
	       "                     memory word. Per (layer, class) both fractions with Wilson\n"
	       "                     intervals against the exact and the analytic utilisation,\n"
	       "                     Pearson r and largest relative error against the live one\n"
	       "                     (docs/fault-model.md, section 6.5)\n"
	       "  --seed S           the cells' seed (default 1)\n"
	       "  --csv FILE         with --measure: a line per cell (image, chain bit, flip-flop,\n"
	       "                     class, cycle, layer, live, stored, undecided: 0 or 1)\n"
	       "  --data DIR         Fashion-MNIST directory (default $RAHIL_DATA or %s)\n"
	       "  --json             print the census as JSON on stdout\n"
	       "  -q, --quiet        no progress lines\n"
	       "  -h, --help         this text\n\n",
	       rh_backend_names(), RH_DEFAULT_DATA_DIR);
	rh_cli_exit_codes(stdout);
}

static double total_of(const struct rh_census *c, double (*f)(const struct rh_census *, int, int))
{
	double s = 0;
	for (int l = 0; l < c->n_layers; l++)
		for (int k = 0; k < RH_CENSUS_CLASSES; k++)
			s += f(c, l, k);
	return s;
}

static double exact_util(const struct rh_census *c, int l, int k)
{
	double cells = (double)c->class_bits[k] * (double)rh_census_layer_cycles(c, l);
	return cells > 0 && c->images ? c->live[l][k] / (c->images * cells) : 0;
}

struct measured;
static void measured_json(cJSON *o, const struct rh_census *c, const struct measured *ms);

static void print_json(const struct rh_census *c, const struct rh_model *m, const char *model, const char *backend,
                       const struct measured *ms)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "model", m->name);
	cJSON_AddStringToObject(o, "model_file", model);
	cJSON_AddStringToObject(o, "backend", backend);
	cJSON_AddNumberToObject(o, "rows", c->geom.rows);
	cJSON_AddNumberToObject(o, "cols", c->geom.cols);
	cJSON_AddNumberToObject(o, "chain_len", c->bits);
	cJSON_AddNumberToObject(o, "cycles", (double)c->cycles);
	cJSON_AddNumberToObject(o, "images", c->images);
	cJSON *cl = cJSON_AddArrayToObject(o, "classes");
	for (int k = 0; k < RH_CENSUS_CLASSES; k++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", rh_ff_class_name(k));
		cJSON_AddNumberToObject(e, "bits", c->class_bits[k]);
		cJSON_AddNumberToObject(e, "share", (double)c->class_bits[k] / c->bits);
		cJSON_AddItemToArray(cl, e);
	}
	cJSON *gr = cJSON_AddArrayToObject(o, "groups");
	for (int g = 0; g < RH_SG_COUNT; g++) {
		if (!c->group_bits[g])
			continue;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", rh_site_group_name(g));
		cJSON_AddNumberToObject(e, "bits", c->group_bits[g]);
		cJSON *bc = cJSON_AddObjectToObject(e, "class_bits");
		for (int k = 0; k < RH_CENSUS_CLASSES; k++)
			cJSON_AddNumberToObject(bc, rh_ff_class_name(k), c->group_class_bits[g][k]);
		cJSON_AddBoolToObject(e, "modelled", c->group_modelled_bits[g] == c->group_bits[g]);
		cJSON_AddNumberToObject(e, "modelled_bits", c->group_modelled_bits[g]);
		double live = 0;
		for (int l = 0; l < c->n_layers; l++)
			live += c->group_live[l][g];
		cJSON_AddNumberToObject(
		    e, "exact", c->images ? live / ((double)c->images * (double)c->bits * (double)c->cycles) : 0);
		cJSON_AddItemToArray(gr, e);
	}
	cJSON *ls = cJSON_AddArrayToObject(o, "layers");
	for (int l = 0; l < c->n_layers; l++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "layer", l);
		cJSON_AddStringToObject(e, "op", m->layers[l].op == RH_OP_CONV ? "conv" : "fc");
		cJSON_AddNumberToObject(e, "cycles", (double)rh_census_layer_cycles(c, l));
		cJSON *ph = cJSON_AddObjectToObject(e, "phases");
		for (int p = 0; p < RH_CENSUS_PHASES; p++)
			cJSON_AddNumberToObject(ph, phase_names[p], (double)c->phase_cycles[l][p]);
		cJSON *pc = cJSON_AddObjectToObject(e, "classes");
		for (int k = 0; k < RH_CENSUS_CLASSES; k++) {
			cJSON *x = cJSON_AddObjectToObject(pc, rh_ff_class_name(k));
			cJSON_AddNumberToObject(x, "cycles", (double)rh_census_layer_cycles(c, l));
			cJSON_AddNumberToObject(x, "utilisation", rh_census_utilisation(c, l, k));
			cJSON_AddNumberToObject(x, "analytic", rh_census_analytic(c, l, k));
			cJSON_AddNumberToObject(x, "exact", rh_census_exact(c, l, k));
			cJSON_AddNumberToObject(x, "exact_utilisation", exact_util(c, l, k));
		}
		cJSON_AddItemToArray(ls, e);
	}
	cJSON_AddNumberToObject(o, "analytic_total", total_of(c, rh_census_analytic));
	cJSON_AddNumberToObject(o, "exact_total", total_of(c, rh_census_exact));
	if (ms)
		measured_json(o, c, ms);
	char *s = cJSON_Print(o);
	if (s)
		puts(s);
	free(s);
	cJSON_Delete(o);
}

static void print_human(const struct rh_census *c, const struct rh_model *m, const char *backend)
{
	printf("%s on %s (%dx%d): %u chain bits, %ld cycles; exact probabilities over %d image%s\n\n", m->name, backend,
	       c->geom.rows, c->geom.cols, c->bits, c->cycles, c->images, c->images == 1 ? "" : "s");
	printf("Flip-flop bits by class\n  %-11s %6s %7s\n", "class", "bits", "share");
	for (int k = 0; k < RH_CENSUS_CLASSES; k++)
		printf("  %-11s %6u %6.1f%%\n", rh_ff_class_name(k), c->class_bits[k],
		       100.0 * c->class_bits[k] / c->bits);
	printf("\nFlip-flop bits by register group (modelled: live cycles derived from the schedule;\n"
	       "otherwise counted live in every cycle)\n");
	printf("  %-11s %6s %9s %6s %10s %7s  %-8s %7s\n", "group", "bits", "input_act", "weight", "output_act",
	       "control", "modelled", "exact");
	for (int g = 0; g < RH_SG_COUNT; g++) {
		if (!c->group_bits[g])
			continue;
		double live = 0;
		for (int l = 0; l < c->n_layers; l++)
			live += c->group_live[l][g];
		const char *mod = c->group_modelled_bits[g] == c->group_bits[g] ? "yes"
		                  : c->group_modelled_bits[g]                   ? "partly"
		                                                                : "no";
		printf("  %-11s %6u %9u %6u %10u %7u  %-8s %7.4f\n", rh_site_group_name(g), c->group_bits[g],
		       c->group_class_bits[g][0], c->group_class_bits[g][1], c->group_class_bits[g][2],
		       c->group_class_bits[g][3], mod,
		       c->images ? live / ((double)c->images * (double)c->bits * (double)c->cycles) : 0);
	}
	printf("\nCycles by layer and phase\n  %-9s", "layer");
	for (int p = 0; p < RH_CENSUS_PHASES; p++)
		printf(" %7s", phase_names[p]);
	printf(" %8s %6s\n", "total", "share");
	for (int l = 0; l < c->n_layers; l++) {
		printf("  %d %-7s", l, m->layers[l].op == RH_OP_CONV ? "conv" : "fc");
		for (int p = 0; p < RH_CENSUS_PHASES; p++)
			printf(" %7ld", c->phase_cycles[l][p]);
		printf(" %8ld %5.1f%%\n", rh_census_layer_cycles(c, l),
		       100.0 * rh_census_layer_cycles(c, l) / c->cycles);
	}
	printf("\nFault probability by (layer, class): analytic = LP x TP x UF, exact = live cells / (B T)\n");
	printf("  %-9s %-11s %8s %6s %9s %9s %11s\n", "layer", "class", "cycles", "UF", "analytic", "exact",
	       "exact UF");
	for (int l = 0; l < c->n_layers; l++)
		for (int k = 0; k < RH_CENSUS_CLASSES; k++)
			printf("  %d %-7s %-11s %8ld %6.3f %9.5f %9.5f %11.4f\n", l,
			       m->layers[l].op == RH_OP_CONV ? "conv" : "fc", rh_ff_class_name(k),
			       rh_census_layer_cycles(c, l), rh_census_utilisation(c, l, k),
			       rh_census_analytic(c, l, k), rh_census_exact(c, l, k), exact_util(c, l, k));
	printf("  %-9s %-11s %8ld %6s %9.5f %9.5f\n", "all", "", c->cycles, "", total_of(c, rh_census_analytic),
	       total_of(c, rh_census_exact));
}

/* The command line. */
struct args {
	const char *model, *backend, *data, *csv;
	long images, measure, seed;
	int json, quiet;
};

/* --measure: per (layer, class) the cells drawn, those whose flip reached another class (live)
 * and a memory word (stored; a lower bound of live: an accumulator bit the requantiser absorbs
 * was live), with Wilson intervals, and the comparisons. A model is inside where it lies
 * between the stored fraction's lower and the live fraction's upper 95% bound. */
struct measured {
	long n[RH_ACCEL_MAX_LAYERS][RH_CENSUS_CLASSES], live[RH_ACCEL_MAX_LAYERS][RH_CENSUS_CLASSES],
	    stored[RH_ACCEL_MAX_LAYERS][RH_CENSUS_CLASSES];
	double lo[RH_ACCEL_MAX_LAYERS][RH_CENSUS_CLASSES], hi[RH_ACCEL_MAX_LAYERS][RH_CENSUS_CLASSES];
	double s_lo[RH_ACCEL_MAX_LAYERS][RH_CENSUS_CLASSES], s_hi[RH_ACCEL_MAX_LAYERS][RH_CENSUS_CLASSES];
	double r_exact, err_exact, r_analytic, err_analytic;
	int pairs, inside_exact, inside_analytic; /* (layer, class) pairs with cells; model inside */
	long cells, undecided;
	double seconds;
};

/* Pearson's r of (x, y) over the pairs with cells, and the largest |x - y| / y (y > 0). */
static void agreement(const struct rh_census *c, const struct measured *ms,
                      double (*model)(const struct rh_census *, int, int), double *r, double *rel, int *inside)
{
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, k = 0;
	*rel = 0;
	*inside = 0;
	for (int l = 0; l < c->n_layers; l++)
		for (int j = 0; j < RH_CENSUS_CLASSES; j++) {
			if (!ms->n[l][j])
				continue;
			double x = model(c, l, j), y = (double)ms->live[l][j] / (double)ms->n[l][j];
			sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y, k++;
			if (y > 0 && fabs(x - y) / y > *rel)
				*rel = fabs(x - y) / y;
			*inside += x >= ms->s_lo[l][j] && x <= ms->hi[l][j];
		}
	double vx = sxx - sx * sx / k, vy = syy - sy * sy / k;
	*r = k > 1 && vx > 0 && vy > 0 ? (sxy - sx * sy / k) / sqrt(vx * vy) : NAN;
}

static int cell_by_image(const void *a, const void *b)
{
	const long *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1];
}

/* --measure N: the cells drawn, run image by image through the back-end's liveness harness. */
static int measure(const struct args *a, struct rh_backend *be, const struct rh_census *c,
                   const struct rh_dataset *test, struct measured *ms, struct rh_err *err)
{
	struct rh_rng rng;
	rh_rng_seed(&rng, (uint64_t)a->seed);
	long n = a->measure, (*cell)[3] = malloc(sizeof(*cell) * (size_t)n); /* image, draw, bit | cycle */
	struct rh_fault *f = malloc(sizeof(*f) * (size_t)n);
	int *live = malloc(sizeof(int) * (size_t)n);
	int rc = 0;
	if (!cell || !f || !live)
		rc = rh_err_set(err, RH_E_NOMEM, "out of memory for %ld cells", n);
	for (long i = 0; !rc && i < n; i++) {
		cell[i][0] = (long)rh_rng_below(&rng, (uint64_t)a->images);
		cell[i][1] = i;
		uint64_t bit = rh_rng_below(&rng, c->bits), cyc = rh_rng_below(&rng, (uint64_t)c->cycles);
		cell[i][2] = (long)(bit << 32 | cyc);
	}
	if (!rc)
		qsort(cell, (size_t)n, sizeof(*cell), cell_by_image);
	double t0 = rh_now_s(), last = t0;
	int8_t x[28 * 28];
	for (long i = 0, j; !rc && i < n; i = j) {
		for (j = i; j < n && cell[j][0] == cell[i][0]; j++)
			f[j - i] =
			    (struct rh_fault){.bit = (uint32_t)(cell[j][2] >> 32), .cycle = (uint32_t)cell[j][2]};
		rh_dataset_input(test, (int)cell[i][0], x);
		rc = rh_backend_liveness(be, x, f, (size_t)(j - i), (uint32_t)(2 * c->cycles), live + i, err);
		double now = rh_now_s();
		if (!a->quiet && now - last >= 2) {
			last = now;
			fprintf(stderr, "rahil sites: %ld/%ld cells measured, %.0f/s, ETA %.0fs\n", j, n,
			        j / (now - t0), (n - j) / (j / (now - t0)));
		}
	}
	FILE *csv = NULL;
	if (!rc && a->csv && !(csv = fopen(a->csv, "w")))
		rc = rh_err_set(err, RH_E_IO, "cannot write %s", a->csv);
	if (csv)
		fprintf(csv, "image,bit,ff,ff_index,class,cycle,layer,live,stored,undecided\n");
	for (long i = 0; !rc && i < n; i++) {
		uint32_t bit = (uint32_t)(cell[i][2] >> 32), cyc = (uint32_t)cell[i][2], idx = 0;
		int l = 0;
		while (l + 1 < c->n_layers && cyc >= (uint32_t)c->layer_start[l + 1])
			l++;
		int k = rh_ffmap_class_of(c->map, bit);
		ms->n[l][k]++;
		ms->live[l][k] += (live[i] & RH_LIVE_REACH) != 0;
		ms->stored[l][k] += (live[i] & RH_LIVE_STORE) != 0;
		ms->undecided += (live[i] & RH_LIVE_UNDECIDED) != 0;
		const struct rh_ffmap_reg *reg = rh_ffmap_find(c->map, bit, &idx);
		if (csv)
			fprintf(csv, "%ld,%u,%s,%u,%s,%u,%d,%d,%d,%d\n", cell[i][0], bit, reg ? reg->name : "?", idx,
			        rh_ff_class_name(k), cyc, l, (live[i] & RH_LIVE_REACH) != 0,
			        (live[i] & RH_LIVE_STORE) != 0, (live[i] & RH_LIVE_UNDECIDED) != 0);
	}
	if (csv && fclose(csv) != 0 && !rc)
		rc = rh_err_set(err, RH_E_IO, "cannot write %s", a->csv);
	ms->cells = n;
	ms->seconds = rh_now_s() - t0;
	for (int l = 0; l < c->n_layers; l++)
		for (int k = 0; k < RH_CENSUS_CLASSES; k++)
			if (ms->n[l][k]) {
				rh_wilson(ms->live[l][k], ms->n[l][k], RH_Z95, &ms->lo[l][k], &ms->hi[l][k]);
				rh_wilson(ms->stored[l][k], ms->n[l][k], RH_Z95, &ms->s_lo[l][k], &ms->s_hi[l][k]);
			}
	for (int l = 0; l < c->n_layers; l++)
		for (int k = 0; k < RH_CENSUS_CLASSES; k++)
			ms->pairs += ms->n[l][k] > 0;
	agreement(c, ms, exact_util, &ms->r_exact, &ms->err_exact, &ms->inside_exact);
	agreement(c, ms, rh_census_utilisation, &ms->r_analytic, &ms->err_analytic, &ms->inside_analytic);
	free(cell);
	free(f);
	free(live);
	return rc;
}

static void measured_json(cJSON *o, const struct rh_census *c, const struct measured *ms)
{
	cJSON *m = cJSON_AddObjectToObject(o, "measured");
	cJSON_AddNumberToObject(m, "cells", (double)ms->cells);
	cJSON_AddNumberToObject(m, "undecided", (double)ms->undecided);
	cJSON_AddNumberToObject(m, "cells_per_s", ms->seconds > 0 ? ms->cells / ms->seconds : 0);
	cJSON *ls = cJSON_AddArrayToObject(m, "layers");
	for (int l = 0; l < c->n_layers; l++)
		for (int k = 0; k < RH_CENSUS_CLASSES; k++) {
			if (!ms->n[l][k])
				continue;
			cJSON *e = cJSON_CreateObject();
			cJSON_AddNumberToObject(e, "layer", l);
			cJSON_AddStringToObject(e, "class", rh_ff_class_name(k));
			cJSON_AddNumberToObject(e, "n", (double)ms->n[l][k]);
			cJSON_AddNumberToObject(e, "live", (double)ms->live[l][k]);
			cJSON_AddNumberToObject(e, "fraction", (double)ms->live[l][k] / (double)ms->n[l][k]);
			rh_cli_json_pair(e, "ci95", (double[2]){ms->lo[l][k], ms->hi[l][k]});
			cJSON_AddNumberToObject(e, "stored", (double)ms->stored[l][k]);
			cJSON_AddNumberToObject(e, "stored_fraction", (double)ms->stored[l][k] / (double)ms->n[l][k]);
			rh_cli_json_pair(e, "stored_ci95", (double[2]){ms->s_lo[l][k], ms->s_hi[l][k]});
			double x = exact_util(c, l, k);
			cJSON_AddNumberToObject(e, "exact_utilisation", x);
			cJSON_AddNumberToObject(e, "analytic_utilisation", rh_census_utilisation(c, l, k));
			cJSON_AddBoolToObject(e, "exact_inside", x >= ms->s_lo[l][k] && x <= ms->hi[l][k]);
			cJSON_AddItemToArray(ls, e);
		}
	cJSON_AddNumberToObject(o, "pearson_r_exact", ms->r_exact);
	cJSON_AddNumberToObject(o, "max_rel_err_exact", ms->err_exact);
	cJSON_AddNumberToObject(o, "pearson_r_analytic", ms->r_analytic);
	cJSON_AddNumberToObject(o, "max_rel_err_analytic", ms->err_analytic);
	cJSON_AddNumberToObject(o, "exact_inside", ms->inside_exact);
	cJSON_AddNumberToObject(o, "analytic_inside", ms->inside_analytic);
	cJSON_AddNumberToObject(o, "measured_pairs", ms->pairs);
}

static void measured_human(const struct rh_census *c, const struct rh_model *m, const struct measured *ms)
{
	printf("\nMeasured occupancy: %ld cells on the simulator, each flipped beside the golden run (%.0f cells/s)\n",
	       ms->cells, ms->seconds > 0 ? ms->cells / ms->seconds : 0);
	printf("  live: the flip reached a flip-flop of another class or a memory word; stored: a memory word\n");
	printf("  %-9s %-11s %6s %8s %17s %8s %17s %8s %8s  %s\n", "layer", "class", "cells", "live", "95% CI",
	       "stored", "95% CI", "exact", "analytic", "exact inside");
	for (int l = 0; l < c->n_layers; l++)
		for (int k = 0; k < RH_CENSUS_CLASSES; k++) {
			if (!ms->n[l][k])
				continue;
			double x = exact_util(c, l, k), n = (double)ms->n[l][k];
			printf("  %d %-7s %-11s %6ld %8.4f [%.4f, %.4f] %8.4f [%.4f, %.4f] %8.4f %8.4f  %s\n", l,
			       m->layers[l].op == RH_OP_CONV ? "conv" : "fc", rh_ff_class_name(k), ms->n[l][k],
			       (double)ms->live[l][k] / n, ms->lo[l][k], ms->hi[l][k], (double)ms->stored[l][k] / n,
			       ms->s_lo[l][k], ms->s_hi[l][k], x, rh_census_utilisation(c, l, k),
			       x >= ms->s_lo[l][k] && x <= ms->hi[l][k] ? "yes" : "no");
		}
	if (ms->undecided)
		printf("  %ld cells undecided (held to the clock limit)\n", ms->undecided);
	printf("  inside: between the stored fraction's lower and the live fraction's upper 95%% bound\n");
	printf("  exact:    inside %d of %d, Pearson r %.4f, largest relative error %.1f%% (against live)\n",
	       ms->inside_exact, ms->pairs, ms->r_exact, 100 * ms->err_exact);
	printf("  analytic: inside %d of %d, Pearson r %.4f, largest relative error %.1f%% (against live)\n",
	       ms->inside_analytic, ms->pairs, ms->r_analytic, 100 * ms->err_analytic);
}

/* Parse argv into *a; -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
	    {"model", required_argument, NULL, 'm'},
	    {"backend", required_argument, NULL, 'b'},
	    {"images", required_argument, NULL, 'n'},
	    {"data", required_argument, NULL, 'd'},
	    {"json", no_argument, NULL, 'J'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"measure", required_argument, NULL, 'M'},
	    {"seed", required_argument, NULL, 'S'},
	    {"csv", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	*a = (struct args){.backend = "sim", .images = 4, .seed = 1};
	int c;
	optind = 1;
	while ((c = rh_cli_getopt("sites", argc, argv, "m:qh", opts)) != -1) {
		switch (c) {
		case 'm': a->model = optarg; break;
		case 'b': a->backend = optarg; break;
		case 'n':
			if (rh_cli_int("sites", "images", optarg, 1, 10000, &a->images))
				return rh_cli_usage_error("sites");
			break;
		case 'M':
			if (rh_cli_int("sites", "measure", optarg, 1, 100000000L, &a->measure))
				return rh_cli_usage_error("sites");
			break;
		case 'S':
			if (rh_cli_int("sites", "seed", optarg, 0, 0x7fffffffL, &a->seed))
				return rh_cli_usage_error("sites");
			break;
		case 'C': a->csv = optarg; break;
		case 'd': a->data = optarg; break;
		case 'J': a->json = 1; break;
		case 'q': a->quiet = 1; break;
		case 'h': help(); return RH_EXIT_OK;
		default: return rh_cli_usage_error("sites");
		}
	}
	if (optind < argc) {
		rh_cli_error("sites", "unexpected argument '%s'", argv[optind]);
		return rh_cli_usage_error("sites");
	}
	if (!a->model) {
		rh_cli_error("sites", "-m MODEL is required");
		return rh_cli_usage_error("sites");
	}
	if (a->csv && !a->measure) {
		rh_cli_error("sites", "--csv lists the cells of --measure N: give both");
		return rh_cli_usage_error("sites");
	}
	if (strcmp(a->backend, "sw") == 0) {
		rh_cli_error("sites",
		             "--backend sw is the reference model in C: it has no flip-flops, so no fault space; "
		             "use sim, sim:ice40 or sim:2x4");
		return RH_EXIT_USAGE;
	}
	return -1;
}

/* The census of model m on the open back-end, over the first a->images test images. */
static int build_census(const struct args *a, struct rh_backend *be, const struct rh_model *m,
                        const struct rh_dataset *test, struct rh_census *cen, struct rh_err *err)
{
	struct rh_backend_info info;
	int rc = rh_backend_info(be, &info, err);
	if (rc == RH_E_UNSUPPORTED)
		return rh_err_set(err, RH_E_UNSUPPORTED, "back-end %s has no fault-injection port, so no fault space",
		                  a->backend);
	if (rc)
		return rc;
	const struct rh_accel_geom *g = rh_accel_geom_find(info.rows, info.cols);
	if (!g || !info.ffmap)
		return rh_err_set(err, RH_E_UNSUPPORTED,
		                  "back-end %s: no known parameter set or flip-flop map for a %dx%d array", a->backend,
		                  info.rows, info.cols);
	if ((rc = rh_census_init(cen, m, info.ffmap, g, err)))
		return rc;
	if (cen->cycles != (long)info.golden_cycles || cen->bits != info.chain_len)
		return rh_err_set(err, RH_E_MISMATCH,
		                  "the schedule gives %ld cycles and the map %u bits; back-end %s runs %u "
		                  "cycles on a %u-bit chain",
		                  cen->cycles, cen->bits, a->backend, info.golden_cycles, info.chain_len);
	int8_t x[28 * 28];
	for (long i = 0; i < a->images; i++) {
		rh_dataset_input(test, (int)i, x);
		if ((rc = rh_census_add_image(cen, x, err)))
			return rc;
		if (!a->quiet && a->images > 1 && (i + 1) % 100 == 0)
			fprintf(stderr, "rahil sites: %ld/%ld images\n", i + 1, a->images);
	}
	return 0;
}

int rh_cmd_sites(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct rh_err err = {0, ""};
	struct rh_model m;
	struct rh_dataset test;
	struct rh_backend be = {0};
	struct rh_census cen = {0};
	struct measured *ms = NULL;
	int have_test = 0;
	rc = rh_model_load(&m, a.model, &err);
	if (rc) {
		rh_cli_error("sites", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	rc = rh_dataset_load(&test, a.data, RH_TEST, &err);
	have_test = !rc;
	if (!rc && (m.in_h != test.h || m.in_w != test.w || m.in_c != 1 || test.h * test.w > 28 * 28))
		rc = rh_err_set(&err, RH_E_INVAL, "%s takes %dx%dx%d inputs; the data set has %dx%dx1", a.model, m.in_h,
		                m.in_w, m.in_c, test.h, test.w);
	if (!rc && a.images > test.n)
		rc = rh_err_set(&err, RH_E_INVAL, "--images %ld: the test set has %d images", a.images, test.n);
	if (!rc)
		rc = rh_backend_open(&be, a.backend, &m, NULL, &err);
	if (!rc)
		rc = build_census(&a, &be, &m, &test, &cen, &err);
	if (!rc && a.measure && !(ms = calloc(1, sizeof(*ms))))
		rc = rh_err_set(&err, RH_E_NOMEM, "out of memory");
	if (!rc && ms)
		rc = measure(&a, &be, &cen, &test, ms, &err);
	if (rc)
		rh_cli_error("sites", "%s", err.msg);
	else if (a.json)
		print_json(&cen, &m, a.model, a.backend, ms);
	else {
		print_human(&cen, &m, a.backend);
		if (ms)
			measured_human(&cen, &m, ms);
	}
	free(ms);
	rh_census_free(&cen);
	rh_backend_close(&be);
	if (have_test)
		rh_dataset_free(&test);
	rh_model_free(&m);
	return rh_cli_exit_for(rc);
}
