/* rahil: --jobs, the extra simulators of campaign and compare (host/cli/cli.h). Apart from
 * cli_util.c, which the link tests link without the back-ends. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "cli.h"
#include "error.h"

int rh_cli_jobs_open(struct rh_cli_jobs *j, long jobs, const char *backend, const struct rh_model *m,
                     const struct rh_backend_opts *bo, struct rh_err *err)
{
	int is_sim = strncmp(backend, "sim", 3) == 0 && (backend[3] == 0 || backend[3] == ':');
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	*j = (struct rh_cli_jobs){NULL, 0};
	if (!jobs)
		jobs = !is_sim ? 1 : cores < 1 ? 1 : cores > RH_CLI_JOBS_MAX ? RH_CLI_JOBS_MAX : cores;
	if (jobs > 1 && !is_sim)
		return rh_err_set(err, RH_E_INVAL,
		                  "--jobs %ld: only the simulator runs several instances (sim, sim:GEOMETRY); split a "
		                  "campaign across boards with --shard (docs/scale.md)",
		                  jobs);
	if (jobs < 2)
		return 0;
	if (!(j->workers = calloc((size_t)jobs - 1, sizeof(*j->workers))))
		return rh_err_set(err, RH_E_NOMEM, "out of memory for %ld simulators", jobs);
	for (long q = 0; q + 1 < jobs; q++) {
		struct rh_backend *b = calloc(1, sizeof(*b));
		int rc = b ? rh_backend_open(b, backend, m, bo, err)
		           : rh_err_set(err, RH_E_NOMEM, "out of memory for %ld simulators", jobs);
		if (rc) {
			free(b);
			return rc;
		}
		j->workers[j->n++] = b;
	}
	return 0;
}

void rh_cli_jobs_close(struct rh_cli_jobs *j)
{
	for (int q = 0; q < j->n; q++) {
		rh_backend_close(j->workers[q]);
		free(j->workers[q]);
	}
	free(j->workers);
	*j = (struct rh_cli_jobs){NULL, 0};
}
