/* rahil-sites-check: the census's checks at a larger scale than the host tests (make bench), on
 * both networks on the 8x8 and the iCEBreaker's 1x2: the per-cell form summed over every cell
 * against the counted one, and dead cells against the verilated core on several images; exits 1
 * on a failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "dataset.h"
#include "model.h"
#include "sites_check.h"

/* The per-cell form summed over every cell of a reference network's run against the counted one,
 * per (layer, class); returns the number of (layer, class) pairs that differ, or -1. */
static int cell_sum(const char *model, const struct rh_ffmap *map, const struct rh_dataset *te)
{
	struct rh_model m;
	struct rh_census c;
	struct rh_err e = {0, ""};
	if (rh_model_load(&m, model, &e) || rh_census_init(&c, &m, map, rh_accel_geom_find(map->rows, map->cols), &e)) {
		fprintf(stderr, "rahil-sites-check: %s\n", e.msg);
		return -1;
	}
	int8_t x[784];
	rh_dataset_input(te, 0, x);
	if (rh_census_add_image(&c, x, &e)) {
		fprintf(stderr, "rahil-sites-check: %s\n", e.msg);
		return -1;
	}
	static double sum[RH_ACCEL_MAX_LAYERS][4];
	memset(sum, 0, sizeof(sum));
	for (long t = 0; t < c.cycles; t++) {
		int l = rh_census_layer_of(&c, t);
		for (uint32_t b = 0; b < c.bits; b++)
			if (rh_census_cell_live(&c, b, t))
				sum[l][rh_ffmap_class_of(map, b) & 3]++;
	}
	int bad = 0;
	for (int l = 0; l < c.n_layers; l++)
		for (int k = 0; k < 4; k++)
			if (sum[l][k] != c.live[l][k]) {
				printf("  FAIL: %s on %dx%d, layer %d %s: %.0f cells live one by one, %.0f counted\n",
				       model, map->rows, map->cols, l, rh_ff_class_name(k), sum[l][k], c.live[l][k]);
				bad++;
			}
	printf("%s on %dx%d: per-cell and counted live cells %s over %ld x %u cells\n", model, map->rows, map->cols,
	       bad ? "differ" : "agree", c.cycles, c.bits);
	rh_census_free(&c);
	rh_model_free(&m);
	return bad;
}

int main(int argc, char **argv)
{
	long n_dead = 2000, n_live = 500, images = 2;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--dead") == 0)
			n_dead = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--live") == 0)
			n_live = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--images") == 0)
			images = atol(argv[i + 1]);
	}
	static const char *const models[2] = {"models/mlp.rmod", "models/cnn.rmod"};
	static const char *const backends[2] = {"sim", "sim:ice40"};
	long bad = 0;
	struct rh_dataset te;
	struct rh_err e = {0, ""};
	if (rh_dataset_load(&te, NULL, RH_TEST, &e)) {
		fprintf(stderr, "rahil-sites-check: %s\n", e.msg);
		return 2;
	}
	const struct rh_ffmap *maps[2] = {&rh_ffmap_sim, &rh_ffmap_ice40};
	for (int mi = 0; mi < 2; mi++)
		for (int bi = 0; bi < 2; bi++) {
			int r = cell_sum(models[mi], maps[bi], &te);
			if (r < 0)
				return 2;
			bad += r;
		}
	rh_dataset_free(&te);
	for (int mi = 0; mi < 2; mi++)
		for (int bi = 0; bi < 2; bi++)
			for (long im = 0; im < images; im++) {
				struct sites_check s;
				char why[300];
				if (sites_check_run(models[mi], backends[bi], (int)im, n_dead, n_live,
				                    1000 + (uint64_t)(4 * im + 2 * mi + bi), &s, why, sizeof(why))) {
					fprintf(stderr, "rahil-sites-check: %s\n", why);
					return 2;
				}
				printf(
				    "%s on %s, image %ld: %ld dead cells (input_act %ld, weight %ld, output_act %ld, "
				    "control %ld), %ld with the golden result; %ld live cells, %ld of them masked\n",
				    models[mi], backends[bi], im, s.dead, s.dead_by_class[0], s.dead_by_class[1],
				    s.dead_by_class[2], s.dead_by_class[3], s.dead_masked, s.live, s.live_masked);
				if (s.dead_masked != s.dead) {
					printf("  FAIL: first dead cell with another result: %s\n", s.first_bad);
					bad += s.dead - s.dead_masked;
				}
				fflush(stdout);
			}
	printf("%s: %ld failures (differing (layer, class) sums, dead cells that changed a result)\n",
	       bad ? "FAIL" : "ok", bad);
	return bad ? 1 : 0;
}
