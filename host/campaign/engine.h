/* rahil: the campaign engine: plan a fault list with a sampler, run it on a back-end in
 * batches (golden and null-injection self-checks, journal, progress, stop flag), and estimate
 * RA and the drop with their intervals (weighted by P / q under the importance samplers). The
 * command line (host/cli/cli_campaign.c) only parses options, handles signals and prints. docs/campaign.md describes
 * the campaign, docs/fault-model.md its estimators. */
#ifndef RAHIL_ENGINE_H
#define RAHIL_ENGINE_H

#include <signal.h>
#include <stdint.h>

#include "backend.h"
#include "calib.h"
#include "census.h"
#include "dataset.h"
#include "error.h"
#include "fit.h"
#include "journal.h"
#include "model.h"
#include "outcome.h"

/* One planned injection: a fault on an evaluation image, with its importance weight. */
struct rh_plan_item {
	int image;
	long draw;  /* position among the draws: keeps the order within an image fixed */
	long round; /* draw / the round size: rounds run one after another (sequential stopping) */
	struct rh_fault f;
	double weight; /* P / q (1 for the uniform sampler) */
};

/* What a sampler plans from: the fault space, the model and the evaluation images. */
struct rh_sampler_ctx {
	const struct rh_backend_info *info;
	const struct rh_model *m;
	const int8_t *inputs; /* images x in_len, quantised */
	const int *labels;
	int images;
	uint64_t seed;
	const struct rh_fit *fit;     /* P's raw FIT rates per flip-flop class; NULL: equal */
	const struct rh_calib *calib; /* isb's pilot: unmodelled cells at these rates; NULL: none */
};

/* A sampler: the campaign's fault list, deterministic for a seed, in draw order. uniform: the
 * physical distribution itself; is, isb: the predictor's proposals (host/predict/predict.h,
 * docs/fault-model.md section 9), each item weighted P / q. */
struct rh_sampler_ops {
	const char *name;
	int (*plan)(struct rh_plan_item *items, long n, const struct rh_sampler_ctx *c, struct rh_err *err);
};
/* The sampler of that name, or NULL; rh_sampler_names() lists them for messages. */
const struct rh_sampler_ops *rh_sampler_find(const char *name);
const char *rh_sampler_names(void);

/* One injection as it came back (for a CSV, a report). */
struct rh_campaign_injection {
	const struct rh_journal_rec *rec; /* index, image, bit, cycle, outcome, class, weight */
	const struct rh_result *res;      /* what the back-end returned */
	const struct rh_result *golden;   /* the back-end's golden run of that image */
	int label;
	long draw; /* its position among the sampler's draws (a prefix of the draws is a sample) */
};

/* Where a campaign stands, after every batch. */
struct rh_campaign_progress {
	long done, n;   /* injections counted (journaled ones included), of n */
	long ran;       /* of those, run by this call */
	double seconds; /* since this call started injecting */
	double ra, lo, hi;
};

struct rh_campaign_opts {
	const char *sampler;
	long n;
	int images;      /* the evaluation set: `images` test images from first_image on */
	int first_image; /* 0: the first ones */
	long seed;
	const char *journal; /* NULL: none */
	int shard, shards;   /* run only shard `shard` of `shards` (0 or 1: all of it; journal.h) */
	void (*progress)(const struct rh_campaign_progress *p, void *ctx);
	int (*on_injection)(const struct rh_campaign_injection *inj, void *ctx, struct rh_err *err);
	void *ctx;
	volatile sig_atomic_t *stop; /* when set (a signal): stop after the batch in flight */
	/* sequential stopping: after each round of draws (image by image within it), stop once the
	 * RA interval's half-width is at most ci, or the drop's at most rel_ci x drop (0: no
	 * target; n is then the cap); round: draws per round (0: 1000 with a target, else n) */
	double ci, rel_ci;
	long round;
	/* more back-ends of the same spec (opened and closed by the caller): with n_workers > 0 the
	 * engine runs up to 1 + n_workers batches (one image each) at a time, one per back-end, each
	 * on its own thread, and takes their results in the campaign's order: the result, the
	 * journal and resume are those of one back-end alone (--jobs, docs/scale.md) */
	struct rh_backend *const *workers;
	int n_workers;
	/* raw FIT rates per flip-flop class (host/accel/fit.h), the weights of P: uniform draws a
	 * bit of class c in proportion to its rate, is and isb weigh by that P; the journal's head
	 * records them. NULL or equal rates: P uniform over the chain */
	const struct rh_fit *fit;
	/* isb: the software pilot counts the cells the effect model does not model at a
	 * calibration's measured rates (host/predict/calib.h; its hash is in the journal's head)
	 * instead of never correct; NULL: none */
	const struct rh_calib *calib;
};

/* The injections of one register group or one layer: raw outcome counts and weighted sums, from
 * which the bucket's share of the drop (w_drop / done) and the calibration's failure rates
 * (w_10 / w_g1, w_01 / w_g0) follow. */
struct rh_campaign_bucket {
	long n, outcomes[RH_OUT_COUNT];
	double w, w_drop;  /* sum of w; sum of w (golden correct - faulty correct) */
	double w_g1, w_10; /* golden correct: sum of w; of those, faulty wrong */
	double w_g0, w_01; /* golden wrong: sum of w; of those, faulty correct */
	long n_g1, n_10, n_g0, n_01;
};

struct rh_campaign_result {
	struct rh_backend_info info; /* the fault space */
	double sa;                   /* exact, over the evaluation images */
	double ra, drop, ci95[2], ci95_drop[2], ess;
	long n, done, resumed;           /* planned (in this shard), counted, taken from the journal */
	long outcomes[RH_OUT_COUNT];     /* raw counts */
	double w_outcomes[RH_OUT_COUNT]; /* weighted: each injection's share of P (sum w / n) */
	long by_class[4][RH_OUT_COUNT];  /* by flip-flop class of the struck bit */
	/* by register group of the struck bit and by the layer active at the fault's cycle (from
	 * the schedule; have_buckets 0 when the back-end's geometry has none) */
	int have_buckets, n_layers;
	struct rh_campaign_bucket by_group[RH_SG_COUNT], by_layer[RH_MAX_LAYERS];
	long golden_runs, null_injections;
	double seconds;                /* injecting, this call */
	struct rh_backend_stats link;  /* round trips and retries of the injections (set-up excluded) */
	struct rh_backend_stats setup; /* those of opening the back-end and loading the model */
	int stopped;                   /* the stop flag ended it before the last injection */
	int target_met;                /* sequential stopping ended it (n is then the injections counted) */
};

/* Run the campaign on an open back-end. 0 with *r filled; RH_E_INTERRUPTED when the stop flag
 * ended it early (r->done counted, all journaled); RH_E_MISMATCH when a self-check failed
 * (the message names the image); other errors from the back-end or the journal, with r->done
 * the injections journaled before. */
int rh_campaign_run(const struct rh_campaign_opts *o, const struct rh_model *m, const struct rh_dataset *test,
                    struct rh_backend *be, struct rh_campaign_result *r, struct rh_err *err);

/* The calibration a finished campaign gives (docs/fault-model.md, section 10): per register
 * group struck on a golden-correct image, the rates at which an injection turned a correct class
 * wrong and a wrong one right (weighted by P / q; Wilson intervals on the raw counts, widened to
 * hold a weighted rate). RH_E_INVAL when the campaign had no register groups. */
int rh_campaign_calibration(const struct rh_campaign_result *r, const struct rh_campaign_opts *o,
                            const struct rh_model *m, const char *backend, struct rh_calib *out, struct rh_err *err);

/* The estimate from finished injections instead of a back-end (rahil merge): records
 * recs[0 .. n_recs) in campaign order, of the campaign o describes (o->n, o->images, o->sampler)
 * on the fault space info, tallied and estimated exactly as rh_campaign_run does. */
int rh_campaign_tally(const struct rh_campaign_opts *o, const struct rh_model *m, const struct rh_dataset *test,
                      const struct rh_backend_info *info, const struct rh_journal_rec *recs, long n_recs,
                      struct rh_campaign_result *r, struct rh_err *err);

#endif
