/* rahil: the C API of verilator/rh_sim.h: each call goes to the handle's parameter set. */
#include "rh_sim.h"

const char *rh_sim_set_name(const struct rh_sim_set *set)
{
	return set->name;
}

int rh_sim_create(struct rh_sim **out, const struct rh_sim_set *set, int flags, struct rh_err *err)
{
	return set->create(out, flags, err);
}

void rh_sim_destroy(struct rh_sim *s)
{
	if (s)
		s->set->destroy(s);
}

void rh_sim_geom(const struct rh_sim *s, struct rh_accel_geom *g)
{
	s->set->geom(s, g);
}

uint32_t rh_sim_chain_len(const struct rh_sim *s)
{
	return s->set->chain_len(s);
}

const struct rh_ffmap *rh_sim_ffmap(const struct rh_sim *s)
{
	return s->set->ffmap(s);
}

int rh_sim_load_model(struct rh_sim *s, const struct rh_model *m, struct rh_err *err)
{
	return s->set->load_model(s, m, err);
}

long rh_sim_model_cycles(const struct rh_sim *s)
{
	return s->set->model_cycles(s);
}

int rh_sim_load_input(struct rh_sim *s, const int8_t *x, size_t n)
{
	return s->set->load_input(s, x, n);
}

int rh_sim_run(struct rh_sim *s, const struct rh_fault *fault, int hold, uint32_t budget, uint8_t *state,
               struct rh_result *res)
{
	return s->set->run(s, fault, hold, budget, state, res);
}

int rh_sim_run_faults(struct rh_sim *s, const struct rh_fault *f, size_t n, uint32_t budget, int replay,
                      struct rh_result *golden, struct rh_result *res)
{
	return s->set->run_faults(s, f, n, budget, replay, golden, res);
}

int rh_sim_check_direct(struct rh_sim *s, const struct rh_fault *f)
{
	return s->set->check_direct(s, f);
}

int rh_sim_liveness(struct rh_sim *s, const struct rh_fault *f, uint32_t max, uint32_t *clocks)
{
	return s->set->liveness(s, f, max, clocks);
}

int rh_sim_resume(struct rh_sim *s, struct rh_result *res)
{
	return s->set->resume(s, res);
}

int rh_sim_read_state(struct rh_sim *s, uint8_t *state)
{
	return s->set->read_state(s, state);
}

int rh_sim_trace_open(struct rh_sim *s, const char *path, struct rh_err *err)
{
	return s->set->trace_open(s, path, err);
}

void rh_sim_trace_close(struct rh_sim *s)
{
	s->set->trace_close(s);
}
