/* rahil: the back-end operations, dispatched through a back-end's table (host/backend/backend.h);
 * the table of back-ends by name is host/backend/registry.c. */
#include "backend.h"

#include <string.h>

int rh_backend_infer(struct rh_backend *b, const int8_t *input, struct rh_result *res, struct rh_err *err)
{
	return b->ops->infer(b, input, res, err);
}

void rh_backend_close(struct rh_backend *b)
{
	if (b->ops)
		b->ops->close(b);
	memset(b, 0, sizeof(*b));
}

int rh_backend_info(struct rh_backend *b, struct rh_backend_info *info, struct rh_err *err)
{
	if (!b->ops->info)
		return rh_err_set(err, RH_E_UNSUPPORTED, "back-end %s has no fault-injection port", b->ops->name);
	return b->ops->info(b, info, err);
}

int rh_backend_run_faults(struct rh_backend *b, const int8_t *input, const struct rh_fault *f, size_t n,
                          struct rh_result *golden, struct rh_result *out, struct rh_err *err)
{
	if (!b->ops->run_faults)
		return rh_err_set(err, RH_E_UNSUPPORTED, "back-end %s has no fault-injection port", b->ops->name);
	return b->ops->run_faults(b, input, f, n, golden, out, err);
}

void rh_backend_stats(struct rh_backend *b, struct rh_backend_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (b->ops->stats)
		b->ops->stats(b, st);
}

int rh_backend_liveness(struct rh_backend *b, const int8_t *input, const struct rh_fault *f, size_t n, uint32_t max,
                        int *live, struct rh_err *err)
{
	if (!b->ops->liveness)
		return rh_err_set(err, RH_E_UNSUPPORTED,
		                  "back-end %s cannot tell a live value from a dead one: that takes the simulator, "
		                  "which runs the faulty and the golden run side by side (--backend sim...)",
		                  b->ops->name);
	return b->ops->liveness(b, input, f, n, max, live, err);
}
