/* rahil: the sim back-end: the verilated accelerator in-process (verilator/rh_sim.h), in each
 * parameter set the build verilates: sim (8 x 8), sim:ice40 (the iCEBreaker bitstream's 1 x 2),
 * sim:2x4. */
#include <string.h>

#include "backend.h"
#include "backend_sim.h"
#include "rh_sim.h"

static const struct {
	const char *arg;
	const struct rh_sim_set *set;
} geometries[] = {
    {"8x8", &rh_sim_set_sim},
    {"ice40", &rh_sim_set_ice40},
    {"1x2", &rh_sim_set_ice40},
    {"2x4", &rh_sim_set_board},
};

static const struct rh_sim_set *set_for(const char *arg)
{
	if (!arg)
		return &rh_sim_set_sim;
	for (size_t i = 0; i < sizeof(geometries) / sizeof(geometries[0]); i++)
		if (!strcmp(arg, geometries[i].arg))
			return geometries[i].set;
	return NULL;
}

const struct rh_sim_set *rh_backend_sim_set(const char *spec)
{
	if (!strcmp(spec, "sim"))
		return set_for(NULL);
	return strncmp(spec, "sim:", 4) ? NULL : set_for(spec + 4);
}

static int sim_open(struct rh_backend *b, const char *arg, const struct rh_model *m, struct rh_err *err)
{
	const struct rh_sim_set *set = set_for(arg);
	if (!set)
		return rh_err_set(err, RH_E_INVAL,
		                  "unknown geometry 'sim:%s', expected sim, sim:8x8, sim:ice40 (or 1x2) or sim:2x4",
		                  arg);
	if (m->n_classes > RH_MAX_LOGITS)
		return rh_err_set(err, RH_E_INVAL, "%d classes, at most %d supported", m->n_classes, RH_MAX_LOGITS);
	struct rh_sim *s = NULL;
	int rc = rh_sim_create(&s, set, 0, err);
	if (rc)
		return rc;
	rc = rh_sim_load_model(s, m, err);
	if (rc) {
		rh_sim_destroy(s);
		return rc;
	}
	b->priv = s;
	return 0;
}

static int sim_infer(struct rh_backend *b, const int8_t *input, struct rh_result *res, struct rh_err *err)
{
	struct rh_sim *s = b->priv;
	const struct rh_model *m = b->m;
	int rc = rh_sim_load_input(s, input, (size_t)(m->in_h * m->in_w * m->in_c));
	if (!rc)
		rc = rh_sim_run(s, NULL, 0, 0, NULL, res);
	if (rc)
		return rh_err_set(err, rc, "simulated run failed (%s)", rh_strerror(rc));
	return 0;
}

static int sim_info(struct rh_backend *b, struct rh_backend_info *info, struct rh_err *err)
{
	struct rh_sim *s = b->priv;
	struct rh_accel_geom g;
	(void)err;
	rh_sim_geom(s, &g);
	info->chain_len = rh_sim_chain_len(s);
	info->golden_cycles = (uint32_t)rh_sim_model_cycles(s);
	info->rows = g.rows;
	info->cols = g.cols;
	info->ffmap = rh_sim_ffmap(s);
	info->ffmap_hash = rh_ffmap_hash(info->ffmap);
	return 0;
}

static int sim_run_faults(struct rh_backend *b, const int8_t *input, const struct rh_fault *f, size_t n,
                          struct rh_result *golden, struct rh_result *out, struct rh_err *err)
{
	struct rh_sim *s = b->priv;
	const struct rh_model *m = b->m;
	int rc = rh_sim_load_input(s, input, (size_t)(m->in_h * m->in_w * m->in_c));
	if (!rc) /* from the canonical start state */
		rc = rh_sim_run_faults(s, f, n, 0, b->opts.replay, golden, out);
	if (rc)
		return rh_err_set(err, rc, "simulated run failed (%s)", rh_strerror(rc));
	return 0;
}

static int sim_liveness(struct rh_backend *b, const int8_t *input, const struct rh_fault *f, size_t n, uint32_t max,
                        int *live, struct rh_err *err)
{
	struct rh_sim *s = b->priv;
	const struct rh_model *m = b->m;
	int rc = rh_sim_load_input(s, input, (size_t)(m->in_h * m->in_w * m->in_c));
	for (size_t i = 0; !rc && i < n; i++) {
		uint32_t clocks = 0;
		int v = rh_sim_liveness(s, &f[i], max, &clocks);
		if (v < 0)
			rc = v;
		else
			live[i] = v;
	}
	if (rc)
		return rh_err_set(err, rc, "the liveness run failed (%s)", rh_strerror(rc));
	return 0;
}

static void sim_close(struct rh_backend *b)
{
	rh_sim_destroy(b->priv);
	b->priv = NULL;
}

const struct rh_backend_ops rh_backend_sim_ops = {
    .name = "sim",
    .help = "the verilated accelerator in-process: sim (8x8), sim:ice40 (the iCEBreaker's 1x2), sim:2x4",
    .open = sim_open,
    .infer = sim_infer,
    .close = sim_close,
    .info = sim_info,
    .run_faults = sim_run_faults,
    .liveness = sim_liveness,
};
