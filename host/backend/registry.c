/* rahil: the back-end table: --backend names to back-ends. It lives above the back-ends (it is
 * linked with the simulator library, which holds the sim back-end), so that the host library
 * below does not refer to the simulator. */
#include <string.h>

#include "backend.h"
#include "backend_sim.h"

static const struct rh_backend_ops *const backends[] = {
    &rh_backend_sw_ops,
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

int rh_backend_open(struct rh_backend *b, const char *spec, const struct rh_model *m, const struct rh_backend_opts *o,
                    struct rh_err *err)
{
	memset(b, 0, sizeof(*b));
	if (o)
		b->opts = *o;
	if (b->opts.replay < RH_REPLAY_FAST || b->opts.replay > RH_REPLAY_CHECKPOINTS)
		return rh_err_set(err, RH_E_INVAL, "replay mode %d out of range %d..%d", b->opts.replay, RH_REPLAY_FAST,
		                  RH_REPLAY_CHECKPOINTS);
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
