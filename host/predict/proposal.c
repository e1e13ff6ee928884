/* rahil: defensive-mixture proposals over strata (docs/fault-model.md, section 9). */
#include "proposal.h"

#include <math.h>
#include <stdlib.h>

static void cumulate(struct rh_proposal *p)
{
	double s = 0;
	for (int i = 0; i < p->n; i++) {
		s += p->q[i];
		p->cum[i] = s;
	}
	p->cum[p->n - 1] = 1.0; /* rounding: every draw lands in a stratum */
}

int rh_proposal_init(struct rh_proposal *p, int n, const double *share, struct rh_err *err)
{
	*p = (struct rh_proposal){.n = n};
	double sum = 0;
	for (int i = 0; i < n; i++) {
		if (!(share[i] >= 0) || !isfinite(share[i]))
			return rh_err_set(err, RH_E_INVAL, "stratum %d has share %g", i, share[i]);
		sum += share[i];
	}
	if (n < 1 || !(sum > 0))
		return rh_err_set(err, RH_E_INVAL, "a fault space of %d strata and no share", n);
	p->target = malloc(sizeof(double) * (size_t)n);
	p->q = malloc(sizeof(double) * (size_t)n);
	p->cum = malloc(sizeof(double) * (size_t)n);
	if (!p->target || !p->q || !p->cum) {
		rh_proposal_free(p);
		return rh_err_set(err, RH_E_NOMEM, "out of memory for %d strata", n);
	}
	for (int i = 0; i < n; i++)
		p->target[i] = p->q[i] = share[i] / sum;
	cumulate(p);
	return 0;
}

void rh_proposal_free(struct rh_proposal *p)
{
	free(p->target);
	free(p->q);
	free(p->cum);
	*p = (struct rh_proposal){.n = 0};
}

void rh_proposal_mix(struct rh_proposal *p, const double *g, double a)
{
	double z = 0;
	for (int i = 0; i < p->n; i++)
		z += p->target[i] * (g[i] > 0 ? g[i] : 0);
	for (int i = 0; i < p->n; i++)
		p->q[i] = z > 0 ? a * p->target[i] + (1 - a) * p->target[i] * (g[i] > 0 ? g[i] : 0) / z : p->target[i];
	cumulate(p);
}

int rh_proposal_draw(const struct rh_proposal *p, struct rh_rng *r)
{
	double u = rh_rng_unif(r);
	int lo = 0, hi = p->n - 1;
	while (lo < hi) { /* the first stratum whose cumulative q exceeds u */
		int mid = (lo + hi) / 2;
		if (p->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

double rh_proposal_weight(const struct rh_proposal *p, int s)
{
	return p->q[s] > 0 ? p->target[s] / p->q[s] : 0;
}
