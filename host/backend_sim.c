/* rahil: the sim back-end: the verilated accelerator in-process (verilator/rh_sim.h). */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "backend_sim.h"
#include "rh_sim.h"

static int sim_open(struct rh_backend *b, const char *arg, const struct rh_model *m, struct rh_err *err)
{
	struct rh_sim *s = NULL;
	if (arg)
		return rh_err_set(err, RH_E_INVAL, "back-end sim takes no argument (got 'sim:%s')", arg);
	if (m->n_classes > RH_MAX_CLASSES)
		return rh_err_set(err, RH_E_INVAL, "%d classes, at most %d supported", m->n_classes, RH_MAX_CLASSES);
	int rc = rh_sim_create(&s, 0, err);
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
	struct rh_sim_result r;
	const struct rh_model *m = b->m;
	int rc = rh_sim_load_input(s, input, (size_t)(m->in_h * m->in_w * m->in_c));
	if (!rc)
		rc = rh_sim_run(s, NULL, 0, NULL, &r);
	if (rc)
		return rh_err_set(err, rc, "simulated run failed (%s)", rh_strerror(rc));
	memset(res, 0, sizeof(*res));
	res->cls = r.cls;
	res->hang = r.end == RH_SIM_HANG;
	res->cycles = r.cycles;
	for (int i = 0; i < r.n_logits && i < RH_MAX_CLASSES; i++)
		res->logits[i] = r.logits[i];
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
                          struct rh_result *out, struct rh_err *err)
{
	struct rh_sim *s = b->priv;
	const struct rh_model *m = b->m;
	struct rh_sim_fault *sf = malloc((n ? n : 1) * sizeof(*sf));
	struct rh_sim_result *r = malloc((n ? n : 1) * sizeof(*r));
	int rc = sf && r ? rh_sim_load_input(s, input, (size_t)(m->in_h * m->in_w * m->in_c)) : RH_E_NOMEM;
	for (size_t i = 0; !rc && i < n; i++)
		sf[i] = (struct rh_sim_fault){f[i].bit, f[i].cycle, 1, 0};
	static const int accel[] = {[RH_ACCEL_ALL] = RH_SIM_ACCEL_ALL,
	                            [RH_ACCEL_NONE] = RH_SIM_ACCEL_NONE,
	                            [RH_ACCEL_CHECKPOINTS] = RH_SIM_ACCEL_CHECKPOINTS};
	if (!rc && (b->accel < 0 || b->accel > RH_ACCEL_CHECKPOINTS))
		rc = RH_E_INVAL;
	if (!rc) /* from the canonical start state */
		rc = rh_sim_run_faults(s, sf, n, 0, accel[b->accel], r);
	for (size_t i = 0; !rc && i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].hang = r[i].end == RH_SIM_HANG;
		out[i].cls = out[i].hang ? -1 : r[i].cls;
		out[i].cycles = r[i].cycles;
		for (int k = 0; k < r[i].n_logits && k < RH_MAX_CLASSES; k++)
			out[i].logits[k] = r[i].logits[k];
	}
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
    .help = "the verilated accelerator (8x8 array), in-process",
    .open = sim_open,
    .infer = sim_infer,
    .close = sim_close,
    .info = sim_info,
    .run_faults = sim_run_faults,
};
