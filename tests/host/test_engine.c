/* Tests of the campaign engine (host/campaign/engine.h) on the in-process iCEBreaker core: the
 * stop flag (what SIGINT and SIGTERM set in rahil campaign) ends a campaign between batches, and
 * one set after the last injection leaves a finished campaign with its result. */
#include <signal.h>
#include <string.h>

#include "backend.h"
#include "dataset.h"
#include "engine.h"
#include "harness.h"
#include "model.h"

struct stopper {
	volatile sig_atomic_t flag;
	long calls, stop_at; /* set the flag in call stop_at (1-based) */
};

static int on_injection(const struct rh_campaign_injection *inj, void *ctx, struct rh_err *err)
{
	struct stopper *s = ctx;
	(void)inj;
	(void)err;
	if (++s->calls == s->stop_at)
		s->flag = 1;
	return 0;
}

/* An MLP campaign of n injections over the first `images` images on sim:ice40, the stop flag set
 * in the stop_at-th injection's callback. */
static int campaign(struct test_ctx *t, long n, int images, long stop_at, struct rh_campaign_result *r, int *rc)
{
	struct rh_err e = {0, ""};
	struct rh_model m;
	struct rh_dataset test;
	struct rh_backend be;
	if (rh_dataset_load(&test, NULL, RH_TEST, &e))
		return t_fail(t, __FILE__, __LINE__, "%s: %s", NEED_DATA, e.msg);
	if (rh_model_load(&m, "models/mlp.rmod", &e)) {
		rh_dataset_free(&test);
		return t_fail(t, __FILE__, __LINE__, "models/mlp.rmod: %s", e.msg);
	}
	if (rh_backend_open(&be, "sim:ice40", &m, NULL, &e)) {
		rh_model_free(&m);
		rh_dataset_free(&test);
		return t_fail(t, __FILE__, __LINE__, "sim:ice40: %s", e.msg);
	}
	struct stopper s = {.stop_at = stop_at};
	struct rh_campaign_opts o = {.sampler = "uniform",
	                             .n = n,
	                             .images = images,
	                             .seed = 5,
	                             .on_injection = on_injection,
	                             .ctx = &s,
	                             .stop = &s.flag};
	*rc = rh_campaign_run(&o, &m, &test, &be, r, &e);
	rh_backend_close(&be);
	rh_model_free(&m);
	rh_dataset_free(&test);
	return T_PASS;
}

static int t_stop_after_last(struct test_ctx *t)
{
	struct rh_campaign_result r;
	int rc, st = campaign(t, 6, 1, 6, &r, &rc);
	if (st != T_PASS)
		return st;
	CHECKF(rc == 0, "a stop after the last injection made the campaign return %d", rc);
	CHECKF(r.done == 6 && !r.stopped, "%ld of 6 done, stopped %d", r.done, r.stopped);
	CHECKF(r.ra >= r.ci95[0] && r.ra <= r.ci95[1], "no result: ra %g outside [%g, %g]", r.ra, r.ci95[0], r.ci95[1]);
	return T_PASS;
}

/* The control: the same flag in the first injection of a campaign over three images (three
 * batches) stops it after the first batch. */
static int t_stop_mid(struct test_ctx *t)
{
	struct rh_campaign_result r;
	int rc, st = campaign(t, 9, 3, 1, &r, &rc);
	if (st != T_PASS)
		return st;
	CHECKF(rc == RH_E_INTERRUPTED, "a stop in the first batch returned %d, not interrupted", rc);
	CHECKF(r.done > 0 && r.done < 9 && r.stopped, "%ld of 9 done, stopped %d", r.done, r.stopped);
	return T_PASS;
}

const struct test_case engine_tests[] = {
    {"engine/stop-after-last", t_stop_after_last},
    {"engine/stop-mid", t_stop_mid},
    {NULL, NULL},
};
