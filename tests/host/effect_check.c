/* rahil tests: the software fault-effect model against the verilated core (effect_check.h). */
#include "effect_check.h"

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "clock.h"
#include "dataset.h"
#include "effect.h"
#include "model.h"
#include "rng.h"

/* A census group, or -1 and the register's leaf. */
static const struct {
	int group;
	const char *leaf;
} check_groups[EFFECT_CHECK_GROUPS] = {
    {RH_SG_PE_ACT, NULL}, {RH_SG_PE_WGT, NULL}, {RH_SG_PE_ACC, NULL}, {RH_SG_SKEW_ACT, NULL}, {RH_SG_SKEW_WGT, NULL},
    {-1, "u_s2_sum"},     {-1, "u_s3_prod"},    {-1, "u_a_val"},      {-1, "u_a_idx"},
};

const char *const effect_check_group_names[EFFECT_CHECK_GROUPS] = {
    "pe_act", "pe_wgt", "pe_acc", "skew_act", "skew_wgt", "s2_sum", "s3_prod", "a_val", "a_idx",
};

static int in_group(int k, const struct rh_census_reg *cr, const char *name)
{
	if (check_groups[k].group >= 0)
		return cr->group == check_groups[k].group;
	const char *dot = strrchr(name, '.');
	return !strcmp(dot ? dot + 1 : name, check_groups[k].leaf);
}

static int same_result(const struct rh_result *a, const struct rh_result *b)
{
	return a->end == b->end && a->cls == b->cls && a->n_logits == b->n_logits && a->cycles == b->cycles &&
	       memcmp(a->logits, b->logits, sizeof(int32_t) * (size_t)a->n_logits) == 0;
}

static void cell_name(const struct rh_ffmap *map, const struct rh_fault *f, char *buf, size_t len)
{
	uint32_t idx = 0;
	const struct rh_ffmap_reg *reg = rh_ffmap_find(map, f->bit, &idx);
	snprintf(buf, len, "%s:%u at cycle %u", reg ? reg->name : "?", idx, f->cycle);
}

int effect_check_run(const char *model, const char *backend, int image, long n, uint64_t seed, FILE *list,
                     struct effect_check *out, char *why, size_t why_len)
{
	struct rh_err e = {0, ""};
	struct rh_model m;
	struct rh_dataset te;
	struct rh_backend be = {0};
	struct rh_effect ef = {0};
	struct rh_backend_info info;
	struct rh_fault *f = NULL;
	struct rh_result *res = NULL, *sw = NULL, golden;
	uint32_t *bits[EFFECT_CHECK_GROUPS] = {NULL};
	long n_bits[EFFECT_CHECK_GROUPS] = {0};
	int *grp = NULL;
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
	if (rh_effect_init(&ef, &m, info.ffmap, g, &e))
		goto fail;
	int8_t x[784];
	rh_dataset_input(&te, image, x);
	f = calloc((size_t)n + 1, sizeof(*f));
	res = calloc((size_t)n + 1, sizeof(*res));
	sw = calloc((size_t)n + 1, sizeof(*sw));
	grp = calloc((size_t)n + 1, sizeof(*grp));
	int nomem = !f || !res || !sw || !grp;
	for (int k = 0; k < EFFECT_CHECK_GROUPS; k++)
		nomem |= !(bits[k] = calloc((size_t)info.chain_len, sizeof(uint32_t)));
	if (nomem) {
		rh_err_set(&e, RH_E_NOMEM, "out of memory");
		goto fail;
	}
	/* a fault-free run first: the census's cells refer to this image */
	int modelled;
	struct rh_result gsw;
	if (rh_effect_run(&ef, x, 0, 0, &gsw, &modelled, &e))
		goto fail;
	for (size_t i = 0; i < info.ffmap->n_regs; i++)
		for (int k = 0; k < EFFECT_CHECK_GROUPS; k++)
			if (in_group(k, &ef.c.regs[i], info.ffmap->regs[i].name))
				for (uint32_t b = 0; b < info.ffmap->regs[i].width; b++)
					bits[k][n_bits[k]++] = info.ffmap->regs[i].ofs + b;
	struct rh_rng r;
	rh_rng_seed(&r, seed);
	long got = 0, draws = 0;
	for (int k = 0; got < n && draws < 100000 * (n + 1); k = (k + 1) % EFFECT_CHECK_GROUPS) {
		if (!n_bits[k])
			continue;
		for (int tries = 0; tries < 100000; tries++) {
			draws++;
			uint32_t bit = bits[k][rh_rng_below(&r, (uint64_t)n_bits[k])];
			uint32_t t = (uint32_t)rh_rng_below(&r, info.golden_cycles);
			if (!rh_census_cell_live(&ef.c, bit, t))
				continue;
			grp[got] = k;
			f[got++] = (struct rh_fault){.bit = bit, .cycle = t, .no_flip = 0};
			break;
		}
	}
	double t0 = rh_now_s();
	for (long i = 0; i < got; i++) {
		if (rh_effect_run(&ef, x, f[i].bit, f[i].cycle, &sw[i], &modelled, &e))
			goto fail;
		if (!modelled)
			sw[i].end = -1; /* never equal to the RTL's */
	}
	double t1 = rh_now_s();
	if (rh_backend_run_faults(&be, x, f, (size_t)got, &golden, res, &e))
		goto fail;
	out->sw_s = t1 - t0;
	out->rtl_s = rh_now_s() - t1;
	if (!same_result(&golden, &gsw)) {
		rh_err_set(&e, RH_E_INVAL, "the golden runs differ: class %d (RTL) and %d (software)", golden.cls,
		           gsw.cls);
		goto fail;
	}
	for (long i = 0; i < got; i++) {
		int k = grp[i];
		int changed = memcmp(res[i].logits, golden.logits, sizeof(int32_t) * (size_t)m.n_classes) != 0 ||
		              res[i].end != RH_RUN_DONE || res[i].cls != golden.cls;
		out->cells++;
		out->cells_by_group[k]++;
		out->changed += changed;
		out->changed_by_group[k] += changed;
		out->sdc += res[i].end == RH_RUN_DONE && res[i].cls != golden.cls;
		if (same_result(&sw[i], &res[i])) {
			out->equal++;
			continue;
		}
		char name[160];
		cell_name(info.ffmap, &f[i], name, sizeof(name));
		if (!out->first_bad[0])
			snprintf(out->first_bad, sizeof(out->first_bad), "%s", name);
		if (list) {
			fprintf(list,
			        "  differs: %s on %s, image %d, %s: RTL end %d class %d, software end %d class %d\n",
			        model, backend, image, name, res[i].end, res[i].cls, sw[i].end, sw[i].cls);
			for (int j = 0; j < m.n_classes; j++)
				if (res[i].logits[j] != sw[i].logits[j])
					fprintf(list, "    logit %d: RTL %d, software %d (golden %d)\n", j,
					        res[i].logits[j], sw[i].logits[j], golden.logits[j]);
		}
	}
	rc = 0;
	goto out;
fail:
	snprintf(why, why_len, "%s on %s: %s", model, backend, e.msg);
out:
	for (int k = 0; k < EFFECT_CHECK_GROUPS; k++)
		free(bits[k]);
	free(grp);
	free(f);
	free(res);
	free(sw);
	rh_effect_free(&ef);
	rh_backend_close(&be);
	if (have_te)
		rh_dataset_free(&te);
	if (have_m)
		rh_model_free(&m);
	return rc;
}
