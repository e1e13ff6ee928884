/* rahil: the sw back-end: the integer reference model in C (host/nn/refmodel.h), no
 * fault-injection port. */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "refmodel.h"

static int sw_open(struct rh_backend *b, const char *arg, const struct rh_model *m, struct rh_err *err)
{
	if (arg)
		return rh_err_set(err, RH_E_INVAL, "back-end sw takes no argument (got 'sw:%s')", arg);
	if (m->n_classes > RH_MAX_LOGITS)
		return rh_err_set(err, RH_E_INVAL, "%d classes, at most %d supported", m->n_classes, RH_MAX_LOGITS);
	struct rh_ref *r = malloc(sizeof(*r));
	if (!r)
		return rh_err_set(err, RH_E_NOMEM, "cannot allocate the reference model");
	int rc = rh_ref_init(r, m, err);
	if (rc) {
		free(r);
		return rc;
	}
	b->priv = r;
	return 0;
}

static int sw_infer(struct rh_backend *b, const int8_t *input, struct rh_result *res, struct rh_err *err)
{
	(void)err;
	memset(res, 0, sizeof(*res));
	res->end = RH_RUN_DONE;
	res->n_logits = b->m->n_classes;
	res->cls = rh_ref_infer(b->priv, input, res->logits);
	return 0;
}

static void sw_close(struct rh_backend *b)
{
	rh_ref_free(b->priv);
	free(b->priv);
}

const struct rh_backend_ops rh_backend_sw_ops = {
    .name = "sw",
    .help = "the integer reference model in C",
    .open = sw_open,
    .infer = sw_infer,
    .close = sw_close,
};
