/* rahil tests: dead cells of the census against the verilated core (sites_check.h). */
#include "sites_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "census.h"
#include "dataset.h"
#include "model.h"
#include "rng.h"

int sites_check_run(const char *model, const char *backend, int image, long n_dead, long n_live, uint64_t seed,
                    struct sites_check *out, char *why, size_t why_len)
{
	struct rh_err e = {0, ""};
	struct rh_model m;
	struct rh_dataset te;
	struct rh_backend be = {0};
	struct rh_census c = {0};
	struct rh_backend_info info;
	struct rh_fault *f = NULL;
	struct rh_result *res = NULL, golden;
	int rc = -1, have_m = 0, have_te = 0;
	memset(out, 0, sizeof(*out));
	if (rh_model_load(&m, model, &e))
		goto fail;
	have_m = 1;
	if (rh_dataset_load(&te, NULL, RH_TEST, &e))
		goto fail;
	have_te = 1;
	if (rh_backend_open(&be, backend, &m, NULL, &e) || rh_backend_info(&be, &info, &e))
		goto fail;
	const struct rh_accel_geom *g = rh_accel_geom_find(info.rows, info.cols);
	if (!g) {
		rh_err_set(&e, RH_E_INVAL, "no geometry %dx%d", info.rows, info.cols);
		goto fail;
	}
	if (rh_census_init(&c, &m, info.ffmap, g, &e))
		goto fail;
	int8_t x[784];
	rh_dataset_input(&te, image, x);
	if (rh_census_add_image(&c, x, &e))
		goto fail;
	/* the array's bits: those of the PE and skew registers, the chain's first ones */
	uint32_t array_bits = 0;
	for (size_t i = 0; i < info.ffmap->n_regs; i++)
		if (c.regs[i].group <= RH_SG_SKEW_WGT)
			array_bits = info.ffmap->regs[i].ofs + info.ffmap->regs[i].width;
	long n = n_dead + n_live, got_dead = 0, got_live = 0;
	f = calloc((size_t)n + 1, sizeof(*f));
	res = calloc((size_t)n + 1, sizeof(*res));
	if (!f || !res) {
		rh_err_set(&e, RH_E_NOMEM, "out of memory");
		goto fail;
	}
	struct rh_rng r;
	rh_rng_seed(&r, seed);
	long k = 0;
	while ((got_dead < n_dead || got_live < n_live) && out->draws < 1000 * (n + 1)) {
		out->draws++;
		uint32_t bit;
		switch (out->draws % 3) {
		case 0: bit = (uint32_t)rh_rng_below(&r, info.chain_len); break;
		case 1: bit = (uint32_t)rh_rng_below(&r, array_bits); break;
		default: bit = array_bits + (uint32_t)rh_rng_below(&r, info.chain_len - array_bits); break;
		}
		long t = (long)rh_rng_below(&r, info.golden_cycles);
		int live = rh_census_cell_live(&c, bit, t);
		if (live ? got_live >= n_live : got_dead >= n_dead)
			continue;
		got_live += live;
		got_dead += !live;
		f[k++] = (struct rh_fault){.bit = bit, .cycle = (uint32_t)t, .no_flip = 0};
	}
	if (rh_backend_run_faults(&be, x, f, (size_t)k, &golden, res, &e))
		goto fail;
	for (long i = 0; i < k; i++) {
		int live = rh_census_cell_live(&c, f[i].bit, f[i].cycle);
		int same = res[i].cls == golden.cls && res[i].end == RH_RUN_DONE &&
		           memcmp(res[i].logits, golden.logits, sizeof(int32_t) * (size_t)m.n_classes) == 0;
		if (live) {
			out->live++;
			out->live_masked += same;
			continue;
		}
		out->dead++;
		out->dead_masked += same;
		out->dead_by_class[rh_ffmap_class_of(info.ffmap, f[i].bit) & 3]++;
		if (!same && !out->first_bad[0]) {
			uint32_t idx;
			const struct rh_ffmap_reg *reg = rh_ffmap_find(info.ffmap, f[i].bit, &idx);
			snprintf(out->first_bad, sizeof(out->first_bad), "%s:%u at cycle %u", reg ? reg->name : "?",
			         idx, f[i].cycle);
		}
	}
	rc = 0;
	goto out;
fail:
	snprintf(why, why_len, "%s on %s: %s", model, backend, e.msg);
out:
	free(f);
	free(res);
	rh_census_free(&c);
	rh_backend_close(&be);
	if (have_te)
		rh_dataset_free(&te);
	if (have_m)
		rh_model_free(&m);
	return rc;
}
