/* rahil: the sim back-end: the verilated accelerator in-process (verilator/rh_sim.h), in each
 * parameter set the build verilates: sim (8 x 8), sim:ice40 (the iCEBreaker bitstream's 1 x 2),
 * sim:2x4. */
#include <stdlib.h>
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
	if (m->n_classes > RH_MAX_CLASSES)
		return rh_err_set(err, RH_E_INVAL, "%d classes, at most %d supported", m->n_classes, RH_MAX_CLASSES);
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

static void to_result(const struct rh_sim_result *r, struct rh_result *res)
{
	memset(res, 0, sizeof(*res));
	res->hang = r->end == RH_SIM_HANG;
	res->crash = r->end == RH_SIM_CRASH;
	res->cls = r->end == RH_SIM_DONE ? r->cls : -1;
	res->cycles = r->cycles;
	for (int i = 0; i < r->n_logits && i < RH_MAX_CLASSES; i++)
		res->logits[i] = r->logits[i];
}

static int sim_infer(struct rh_backend *b, const int8_t *input, struct rh_result *res, struct rh_err *err)
{
	struct rh_sim *s = b->priv;
	struct rh_sim_result r;
	const struct rh_model *m = b->m;
	int rc = rh_sim_load_input(s, input, (size_t)(m->in_h * m->in_w * m->in_c));
	if (!rc)
		rc = rh_sim_run(s, NULL, 0, NULL, &r);
	if (rc)
		return rh_err_set(err, rc, "simulated run failed (%s)", rh_strerror(rc));
	to_result(&r, res);
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

static int sim_run_faults(struct rh_backend *b, const int8_t *input, const struct rh_fault_spec *f, size_t n,
                          struct rh_result *golden, struct rh_result *out, struct rh_err *err)
{
	struct rh_sim *s = b->priv;
	const struct rh_model *m = b->m;
	struct rh_sim_fault *sf = malloc((n ? n : 1) * sizeof(*sf));
	struct rh_sim_result *r = malloc((n ? n : 1) * sizeof(*r));
	struct rh_sim_result g;
	int rc = sf && r ? rh_sim_load_input(s, input, (size_t)(m->in_h * m->in_w * m->in_c)) : RH_E_NOMEM;
	for (size_t i = 0; !rc && i < n; i++)
		sf[i] = (struct rh_sim_fault){.bit = f[i].bit, .cycle = f[i].cycle, .flip = !f[i].no_flip, .hold = 0};
	static const int accel[] = {[RH_REPLAY_FAST] = RH_SIM_ACCEL_ALL,
	                            [RH_REPLAY_NAIVE] = RH_SIM_ACCEL_NONE,
	                            [RH_REPLAY_CHECKPOINTS] = RH_SIM_ACCEL_CHECKPOINTS};
	if (!rc && (b->replay < 0 || b->replay > RH_REPLAY_CHECKPOINTS))
		rc = RH_E_INVAL;
	if (!rc) /* from the canonical start state */
		rc = rh_sim_run_faults(s, sf, n, 0, accel[b->replay], &g, r);
	if (!rc)
		to_result(&g, golden);
	for (size_t i = 0; !rc && i < n; i++)
		to_result(&r[i], &out[i]);
	free(sf);
	free(r);
	if (rc)
		return rh_err_set(err, rc, "simulated run failed (%s)", rh_strerror(rc));
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
};
