/* rahil: the back-end table and the software (reference model) back-end. */
#include "backend.h"

#include <stdlib.h>
#include <string.h>

#include "backend_sim.h"
#include "refmodel.h"

static int sw_open(struct rh_backend *b, const char *arg, const struct rh_model *m, struct rh_err *err)
{
	if (arg)
		return rh_err_set(err, RH_E_INVAL, "back-end sw takes no argument (got 'sw:%s')", arg);
	if (m->n_classes > RH_MAX_CLASSES)
		return rh_err_set(err, RH_E_INVAL, "%d classes, at most %d supported", m->n_classes, RH_MAX_CLASSES);
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
	res->cls = rh_ref_infer(b->priv, input, res->logits);
	return 0;
}

static void sw_close(struct rh_backend *b)
{
	rh_ref_free(b->priv);
	free(b->priv);
}

static const struct rh_backend_ops sw_ops = {
    .name = "sw",
    .help = "the integer reference model in C",
    .open = sw_open,
    .infer = sw_infer,
    .close = sw_close,
};

static const struct rh_backend_ops *const backends[] = {
    &sw_ops,
    &rh_backend_sim_ops,
    &rh_backend_serial_ops,
    &rh_backend_ftdi_ops,
};

const char *rh_backend_names(void)
{
	static char names[256];
	if (!names[0])
		for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
			if (i)
				strcat(names, ", ");
			strcat(names, backends[i]->name);
		}
	return names;
}

int rh_backend_open(struct rh_backend *b, const char *spec, const struct rh_model *m, struct rh_err *err)
{
	memset(b, 0, sizeof(*b));
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		if (strlen(backends[i]->name) != len || strncmp(spec, backends[i]->name, len) != 0)
			continue;
		b->ops = backends[i];
		b->m = m;
		int rc = b->ops->open(b, colon ? colon + 1 : NULL, m, err);
		if (rc)
			b->ops = NULL;
		return rc;
	}
	return rh_err_set(err, RH_E_INVAL, "unknown back-end '%s' (this build has: %s)", spec, rh_backend_names());
}

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

int rh_backend_run_faults(struct rh_backend *b, const int8_t *input, const struct rh_fault_spec *f, size_t n,
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
