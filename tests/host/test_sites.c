/* rahil tests: the fault-site census (host/predict/census.h): bit and cycle bookkeeping, bounds,
 * the per-cell form against the counted one, and dead cells against the verilated core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "census.h"
#include "dataset.h"
#include "harness.h"
#include "model.h"
#include "rng.h"
#include "sites_check.h"

static const char *const models[2] = {"models/mlp.rmod", "models/cnn.rmod"};
static const char *const backends[2] = {"sim", "sim:ice40"};

/* Group bits add up to the chain; per class they are the map's, counted here bit by bit. */
static int t_groups(struct test_ctx *t)
{
	const struct rh_ffmap *maps[2] = {&rh_ffmap_sim, &rh_ffmap_ice40};
	for (int i = 0; i < 2; i++) {
		const struct rh_ffmap *map = maps[i];
		const struct rh_accel_geom *g = rh_accel_geom_find(map->rows, map->cols);
		CHECK(g != NULL);
		struct rh_model m;
		struct rh_err e = {0, ""};
		CHECKF(rh_model_load(&m, models[0], &e) == 0, "%s", e.msg);
		struct rh_census c;
		int rc = rh_census_init(&c, &m, map, g, &e);
		CHECKF(rc == 0, "%s", e.msg);
		uint32_t per_class[4] = {0}, sum = 0, sum_class[4] = {0};
		for (uint32_t b = 0; b < map->chain_len; b++)
			per_class[rh_ffmap_class_of(map, b) & 3]++;
		for (int s = 0; s < RH_SG_COUNT; s++) {
			sum += c.group_bits[s];
			for (int k = 0; k < 4; k++)
				sum_class[k] += c.group_class_bits[s][k];
		}
		uint32_t other = c.group_bits[RH_SG_OTHER], acc = c.group_bits[RH_SG_PE_ACC], cen_class[4];
		memcpy(cen_class, c.class_bits, sizeof(cen_class));
		rh_census_free(&c);
		rh_model_free(&m);
		CHECKF(sum == map->chain_len, "%dx%d: groups hold %u bits, the chain %u", map->rows, map->cols, sum,
		       map->chain_len);
		for (int k = 0; k < 4; k++)
			CHECKF(sum_class[k] == per_class[k] && cen_class[k] == per_class[k],
			       "%dx%d %s: groups %u, census %u, map %u", map->rows, map->cols, rh_ff_class_name(k),
			       sum_class[k], cen_class[k], per_class[k]);
		/* every register has a group: a renamed leaf shows up here */
		CHECKF(other == 0, "%dx%d: %u bits in no group", map->rows, map->cols, other);
		CHECK(acc == 32u * (uint32_t)(map->rows * map->cols));
	}
	return T_PASS;
}

/* Layer cycles add up to the back-end's golden run; probabilities are in [0, 1] and add up to at
 * most 1; a (layer, class) never has more live cells than cells. */
static int t_bounds(struct test_ctx *t)
{
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	struct rh_dataset te;
	struct rh_err e = {0, ""};
	CHECKF(rh_dataset_load(&te, NULL, RH_TEST, &e) == 0, "%s", e.msg);
	int8_t x[784];
	int fail = 0;
	char why[300] = "";
	for (int mi = 0; mi < 2 && !fail; mi++)
		for (int bi = 0; bi < 2 && !fail; bi++) {
			struct rh_model m;
			struct rh_backend be = {0};
			struct rh_backend_info info;
			struct rh_census c = {0};
			if (rh_model_load(&m, models[mi], &e)) {
				snprintf(why, sizeof(why), "%s", e.msg);
				fail = 1;
				break;
			}
			if (rh_backend_open(&be, backends[bi], &m, NULL, &e) || rh_backend_info(&be, &info, &e) ||
			    rh_census_init(&c, &m, info.ffmap, rh_accel_geom_find(info.rows, info.cols), &e)) {
				snprintf(why, sizeof(why), "%s on %s: %s", models[mi], backends[bi], e.msg);
				fail = 1;
			}
			for (int i = 0; i < 2 && !fail; i++) {
				rh_dataset_input(&te, i, x);
				if (rh_census_add_image(&c, x, &e)) {
					snprintf(why, sizeof(why), "%s", e.msg);
					fail = 1;
				}
			}
			long cyc = 0;
			double pa = 0, pe = 0;
			for (int l = 0; l < c.n_layers && !fail; l++) {
				cyc += rh_census_layer_cycles(&c, l);
				for (int k = 0; k < 4; k++) {
					double a = rh_census_analytic(&c, l, k), x_ = rh_census_exact(&c, l, k);
					double cells =
					    (double)c.class_bits[k] * rh_census_layer_cycles(&c, l) * c.images;
					pa += a;
					pe += x_;
					if (!(a >= 0 && a <= 1 && x_ >= 0 && x_ <= 1 && c.live[l][k] <= cells)) {
						snprintf(why, sizeof(why),
						         "%s on %s, layer %d %s: analytic %g, exact %g, live %g of %g",
						         models[mi], backends[bi], l, rh_ff_class_name(k), a, x_,
						         c.live[l][k], cells);
						fail = 1;
					}
				}
			}
			if (!fail && (cyc != (long)info.golden_cycles || c.cycles != (long)info.golden_cycles ||
			              c.bits != info.chain_len || pa > 1 + 1e-12 || pe > 1 + 1e-12)) {
				snprintf(why, sizeof(why),
				         "%s on %s: layers %ld cycles, schedule %ld, golden %u; %u bits, chain %u; "
				         "sums %g %g",
				         models[mi], backends[bi], cyc, c.cycles, info.golden_cycles, c.bits,
				         info.chain_len, pa, pe);
				fail = 1;
			}
			rh_census_free(&c);
			rh_backend_close(&be);
			rh_model_free(&m);
		}
	rh_dataset_free(&te);
	CHECKF(!fail, "%s", why);
	return T_PASS;
}

/* A small network with zero weights and activations here and there: conv 3x3 (pad 1) with
 * pooling, a second conv that leaves partial tiles, and a fully connected layer. */
static int tiny_model(struct rh_model *m, uint64_t seed, struct rh_err *e)
{
	const struct rh_layer_spec spec[3] = {
	    {.op = RH_OP_CONV,
	     .flags = RH_F_RELU | RH_F_POOL | RH_F_REQUANT,
	     .k = 3,
	     .stride = 1,
	     .pad = 1,
	     .out_c = 3},
	    {.op = RH_OP_CONV, .flags = RH_F_RELU | RH_F_REQUANT, .k = 2, .stride = 1, .pad = 0, .out_c = 5},
	    {.op = RH_OP_FC, .flags = 0, .k = 1, .stride = 1, .pad = 0, .out_c = 4},
	};
	int rc = rh_model_build(m, "tiny", 6, 6, 2, spec, 3, e);
	if (rc)
		return rc;
	struct rh_rng r;
	rh_rng_seed(&r, seed);
	for (int l = 0; l < m->n_layers; l++) {
		struct rh_layer *ly = &m->layers[l];
		for (size_t i = 0; i < rh_layer_weights(ly); i++)
			ly->w[i] = rh_rng_below(&r, 3) ? (int8_t)((int)rh_rng_below(&r, 31) - 15) : 0;
		for (int i = 0; i < ly->out_c; i++)
			ly->bias[i] = (int32_t)rh_rng_below(&r, 64) - 32;
	}
	return 0;
}

/* The per-cell form (rh_census_cell_live) summed over every cell of the run equals the counted
 * one (rh_census_add_image) for every (layer, class), on the 8x8 and 1x2 maps. */
static int t_cell_sum(struct test_ctx *t)
{
	const struct rh_ffmap *maps[2] = {&rh_ffmap_sim, &rh_ffmap_ice40};
	for (int i = 0; i < 2; i++) {
		struct rh_model m;
		struct rh_err e = {0, ""};
		CHECKF(tiny_model(&m, 7 + (uint64_t)i, &e) == 0, "%s", e.msg);
		struct rh_census c;
		CHECKF(rh_census_init(&c, &m, maps[i], rh_accel_geom_find(maps[i]->rows, maps[i]->cols), &e) == 0, "%s",
		       e.msg);
		int8_t x[72];
		struct rh_rng r;
		rh_rng_seed(&r, 99);
		for (int k = 0; k < 72; k++)
			x[k] = rh_rng_below(&r, 3) ? (int8_t)((int)rh_rng_below(&r, 200) - 100) : 0;
		CHECKF(rh_census_add_image(&c, x, &e) == 0, "%s", e.msg);
		double sum[RH_ACCEL_MAX_LAYERS][4] = {{0}};
		for (long tt = 0; tt < c.cycles; tt++) {
			int l = rh_census_layer_of(&c, tt);
			for (uint32_t b = 0; b < c.bits; b++)
				if (rh_census_cell_live(&c, b, tt))
					sum[l][rh_ffmap_class_of(maps[i], b) & 3]++;
		}
		int bad_l = -1, bad_k = 0;
		for (int l = 0; l < c.n_layers; l++)
			for (int k = 0; k < 4; k++)
				if (sum[l][k] != c.live[l][k] && bad_l < 0) {
					bad_l = l;
					bad_k = k;
				}
		double got = bad_l >= 0 ? sum[bad_l][bad_k] : 0, want = bad_l >= 0 ? c.live[bad_l][bad_k] : 0;
		long cycles = c.cycles;
		rh_census_free(&c);
		rh_model_free(&m);
		CHECKF(bad_l < 0, "%dx%d layer %d %s: cells %.0f live one by one, %.0f counted", maps[i]->rows,
		       maps[i]->cols, bad_l, rh_ff_class_name(bad_k), got, want);
		CHECK(cycles > 100);
	}
	return T_PASS;
}

/* The independent check: cells the census calls dead, injected into the verilated core, leave
 * the result exactly the golden one; both networks, the 8x8 and the iCEBreaker's 1x2. */
static int t_dead_masked(struct test_ctx *t)
{
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	for (int mi = 0; mi < 2; mi++)
		for (int bi = 0; bi < 2; bi++) {
			struct sites_check s;
			char why[300];
			CHECKF(sites_check_run(models[mi], backends[bi], 0, 100, 0, 11 + (uint64_t)(2 * mi + bi), &s,
			                       why, sizeof(why)) == 0,
			       "%s", why);
			CHECKF(s.dead == 100, "%s on %s: %ld dead cells found in %ld draws", models[mi], backends[bi],
			       s.dead, s.draws);
			CHECKF(s.dead_masked == s.dead, "%s on %s: %ld of %ld dead cells changed the result; first %s",
			       models[mi], backends[bi], s.dead - s.dead_masked, s.dead, s.first_bad);
		}
	return T_PASS;
}

const struct test_case sites_tests[] = {
    {"sites/groups", t_groups},
    {"sites/bounds", t_bounds},
    {"sites/cell-sum", t_cell_sum},
    {"sites/dead-masked", t_dead_masked},
    {NULL, NULL},
};
