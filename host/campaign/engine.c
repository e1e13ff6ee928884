/* rahil: the campaign engine (host/campaign/engine.h). */
#include "engine.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "predict.h"
#include "refmodel.h"
#include "rng.h"
#include "stats.h"

/* Faults per back-end call: the journal is written, and the stop flag noticed, between calls
 * (link back-ends split a call into batches of what the board takes). */
#define CHUNK 256
/* Null injections (a rotation that inverts nothing): one in each of the first NULL_BATCHES
 * batches a run makes; each must return the golden result. */
#define NULL_BATCHES 4

/* With --fit: chain bit b's cumulative share of P (cum[b] = shares of bits 0 .. b). */
static double *fit_cum(const struct rh_sampler_ctx *c, struct rh_err *err)
{
	const struct rh_backend_info *info = c->info;
	if (!info->ffmap || info->ffmap->chain_len != info->chain_len) {
		rh_err_set(err, RH_E_INVAL, "--fit: the back-end's %dx%d geometry has no flip-flop map", info->rows,
		           info->cols);
		return NULL;
	}
	double *cum = malloc(sizeof(double) * info->chain_len);
	if (!cum) {
		rh_err_set(err, RH_E_NOMEM, "out of memory for %u chain bits", info->chain_len);
		return NULL;
	}
	if (rh_fit_bit_shares(c->fit, info->ffmap, cum, err) != 0) {
		free(cum);
		return NULL;
	}
	for (uint32_t b = 1; b < info->chain_len; b++)
		cum[b] += cum[b - 1];
	return cum;
}

/* The first bit whose cumulative share exceeds u (the last bit of positive share at most). */
static uint32_t fit_bit(const double *cum, uint32_t len, double u)
{
	uint32_t lo = 0, hi = len - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (u < cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	while (lo > 0 && cum[lo] == cum[lo - 1]) /* past the end of the shares: back to a bit of share > 0 */
		lo--;
	return lo;
}

/* Uniform over images x chain bits x cycles of the golden run; with --fit the bit drawn from
 * its class's share of P (docs/fault-model.md, section 2). The draws are P's: weight 1. */
static int uniform_plan(struct rh_plan_item *items, long n, const struct rh_sampler_ctx *c, struct rh_err *err)
{
	const struct rh_backend_info *info = c->info;
	double *cum = NULL;
	if (c->fit && !rh_fit_uniform(c->fit) && !(cum = fit_cum(c, err)))
		return err->code;
	struct rh_rng rng;
	rh_rng_seed(&rng, c->seed);
	for (long i = 0; i < n; i++) {
		items[i].image = (int)rh_rng_below(&rng, (uint64_t)c->images);
		items[i].draw = i;
		uint32_t bit = cum ? fit_bit(cum, info->chain_len, rh_rng_unif(&rng))
		                   : (uint32_t)rh_rng_below(&rng, info->chain_len);
		items[i].f = (struct rh_fault){.bit = bit, .cycle = (uint32_t)rh_rng_below(&rng, info->golden_cycles)};
		items[i].weight = 1.0;
	}
	free(cum);
	return 0;
}

/* The predictor's proposal over the whole chain (RA_True's fault space), its control cells
 * counted never correct where the effect model does not model them: that puts the draws on
 * the control registers, where the hardware's failures are. */
static int proposal_plan(struct rh_plan_item *items, long n, int sampler, const struct rh_sampler_ctx *c,
                         struct rh_err *err)
{
	const struct rh_backend_info *info = c->info;
	const struct rh_accel_geom *g = rh_accel_geom_find(info->rows, info->cols);
	if (!g || !info->ffmap || info->ffmap->chain_len != info->chain_len)
		return rh_err_set(err, RH_E_INVAL, "the back-end's %dx%d geometry has no schedule or flip-flop map",
		                  info->rows, info->cols);
	struct rh_pred_cell *cells = malloc(sizeof(*cells) * (size_t)n);
	if (!cells)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for %ld cells", n);
	struct rh_pred_opts po = {
	    .form = RH_PF_TRUE, .sampler = sampler, .seed = c->seed, .fit = c->fit, .calib = c->calib};
	int rc = rh_pred_propose_cells(c->m, info->ffmap, g, c->inputs, c->labels, c->images, &po, n, cells, err);
	for (long i = 0; !rc && i < n; i++) {
		if (cells[i].cycle >= info->golden_cycles) {
			rc = rh_err_set(err, RH_E_MISMATCH,
			                "the schedule's cycle %u is beyond the back-end's golden run (%u)",
			                cells[i].cycle, info->golden_cycles);
			break;
		}
		items[i] = (struct rh_plan_item){.image = cells[i].image,
		                                 .draw = i,
		                                 .f = {.bit = cells[i].bit, .cycle = cells[i].cycle},
		                                 .weight = cells[i].w};
	}
	free(cells);
	return rc;
}

static int is_plan(struct rh_plan_item *items, long n, const struct rh_sampler_ctx *c, struct rh_err *err)
{
	return proposal_plan(items, n, RH_PS_IS, c, err);
}

static int isb_plan(struct rh_plan_item *items, long n, const struct rh_sampler_ctx *c, struct rh_err *err)
{
	return proposal_plan(items, n, RH_PS_ISB, c, err);
}

static const struct rh_sampler_ops samplers[] = {
    {"uniform", uniform_plan},
    {"is", is_plan},
    {"isb", isb_plan},
};

const struct rh_sampler_ops *rh_sampler_find(const char *name)
{
	for (size_t i = 0; i < sizeof(samplers) / sizeof(samplers[0]); i++)
		if (!strcmp(samplers[i].name, name))
			return &samplers[i];
	return NULL;
}

const char *rh_sampler_names(void)
{
	return "uniform, is, isb";
}

/* One batch in flight: injections plan[i .. j) of one image (and a null injection), run on one
 * back-end, on its own thread when several are in flight. */
struct slot {
	long i, j;
	int with_null;
	struct rh_backend *be;
	const int8_t *input;
	struct rh_fault batch[CHUNK + 1];
	struct rh_result res[CHUNK + 1], g;
	int rc;
	struct rh_err err;
};

/* Everything one run of the engine holds. */
struct state {
	const struct rh_campaign_opts *o;
	const struct rh_model *m;
	const struct rh_dataset *test;
	struct rh_backend *be;
	struct rh_campaign_result *r;
	struct rh_plan_item *plan;
	int8_t *inputs; /* the evaluation images, quantised */
	size_t in_len;
	int32_t (*golden)[RH_MAX_LOGITS]; /* the reference model's logits and class per image */
	int *golden_cls;
	int *labels;        /* the evaluation images' labels, for the predictor's proposals */
	struct slot *slots; /* one per back-end: the batches in flight together (run_all) */
	int n_slots;
	struct rh_journal_rec recs[CHUNK];
	struct rh_journal jr;
	long n10, n01; /* discordant pairs: golden right and faulty wrong, and the reverse */
	int weighted;  /* an importance sampler: the weighted interval */
	double w_outcomes[RH_OUT_COUNT];
	struct rh_census census; /* register groups and layers, when r->have_buckets */
	struct rh_wmean drop;
	struct rh_rng null_rng;
	long lo, hi; /* the shard this run makes: plan[lo .. hi) */
};

static int by_image(const void *a, const void *b)
{
	const struct rh_plan_item *x = a, *y = b;
	if (x->round != y->round)
		return (x->round > y->round) - (x->round < y->round);
	if (x->image != y->image)
		return (x->image > y->image) - (x->image < y->image);
	return (x->draw > y->draw) - (x->draw < y->draw);
}

/* The back-end's fault-free run of image img must be the reference model's, bit for bit. */
static int check_golden(const struct state *s, const struct rh_result *g, int img, struct rh_err *err)
{
	int n = s->m->n_classes;
	if (g->end != RH_RUN_DONE)
		return rh_err_set(err, RH_E_MISMATCH, "image %d: the back-end's fault-free run ended in a %s", img,
		                  g->end == RH_RUN_HANG ? "hang" : "crash");
	for (int i = 0; i < n; i++)
		if (g->logits[i] != s->golden[img][i])
			return rh_err_set(err, RH_E_MISMATCH,
			                  "image %d: the back-end's fault-free run differs from the reference model "
			                  "(logit %d: %d, expected %d; class %d, expected %d)",
			                  img, i, g->logits[i], s->golden[img][i], g->cls, s->golden_cls[img]);
	if (g->cls != s->golden_cls[img])
		return rh_err_set(err, RH_E_MISMATCH,
		                  "image %d: the back-end's fault-free run returned class %d, the reference model %d",
		                  img, g->cls, s->golden_cls[img]);
	return 0;
}

/* A null injection must return the golden run's result, cycles included. */
static int check_null(const struct rh_result *r, const struct rh_result *g, const struct rh_fault *f, int img, int n,
                      struct rh_err *err)
{
	if (r->end != g->end || r->cls != g->cls || r->cycles != g->cycles ||
	    memcmp(r->logits, g->logits, sizeof(int32_t) * (size_t)n))
		return rh_err_set(err, RH_E_MISMATCH,
		                  "image %d: a null injection (chain bit %u, cycle %u, nothing inverted) returned "
		                  "class %d in %llu cycles, the golden run class %d in %llu",
		                  img, f->bit, f->cycle, r->cls, (unsigned long long)r->cycles, g->cls,
		                  (unsigned long long)g->cycles);
	return 0;
}

static void bucket_add(struct rh_campaign_bucket *b, enum rh_outcome o, int g, int ok, double w)
{
	b->n++;
	b->outcomes[o]++;
	b->w += w;
	b->w_drop += w * (g - ok);
	b->w_g1 += g ? w : 0;
	b->w_10 += g && !ok ? w : 0;
	b->w_g0 += g ? 0 : w;
	b->w_01 += !g && ok ? w : 0;
	b->n_g1 += g;
	b->n_10 += g && !ok;
	b->n_g0 += !g;
	b->n_01 += !g && ok;
}

/* Count one injection, of weight w = P / q, into the estimate (the control variate: the golden
 * outcome) and its group's and layer's buckets. */
static void tally(struct state *s, int img, uint32_t bit, uint32_t cycle, enum rh_outcome o, int cls, double w)
{
	int label = s->labels[img];
	int ok = rh_outcome_correct(o, cls, label), g = s->golden_cls[img] == label;
	if (s->r->have_buckets) {
		uint32_t idx;
		const struct rh_ffmap_reg *reg = rh_ffmap_find(s->r->info.ffmap, bit, &idx);
		int grp = reg ? s->census.regs[reg - s->r->info.ffmap->regs].group : RH_SG_OTHER;
		bucket_add(&s->r->by_group[grp], o, g, ok, w);
		bucket_add(&s->r->by_layer[rh_census_layer_of(&s->census, cycle)], o, g, ok, w);
	}
	s->r->outcomes[o]++;
	s->w_outcomes[o] += w;
	s->r->by_class[rh_ffmap_class_of(s->r->info.ffmap, bit)][o]++;
	s->n10 += g && !ok;
	s->n01 += !g && ok;
	rh_wmean_add(&s->drop, w, (double)(g - ok));
	s->r->done++;
}

/* RA, the drop and their intervals from what is counted (docs/fault-model.md, section 3). */
static double clip01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

static void estimate(struct state *s)
{
	struct rh_campaign_result *r = s->r;
	double d = rh_wmean_mean(&s->drop), dlo, dhi;
	if (s->weighted) { /* the weighted-variance normal interval (docs/fault-model.md, 9.3) */
		double h = rh_wmean_halfwidth(&s->drop, RH_Z95);
		dlo = d - h < -1 ? -1 : d - h;
		dhi = d + h > 1 ? 1 : d + h;
	} else
		rh_paired_diff_ci(r->done, s->n10, s->n01, RH_Z95, &dlo, &dhi);
	r->drop = d;
	r->ci95_drop[0] = dlo;
	r->ci95_drop[1] = dhi;
	r->ra = clip01(r->sa - d); /* RA and its bounds lie in [0, 1], lo <= ra <= hi */
	r->ci95[0] = clip01(r->sa - dhi);
	r->ci95[1] = clip01(r->sa - dlo);
	r->ess = rh_wmean_ess(&s->drop);
	for (int o = 0; o < RH_OUT_COUNT; o++)
		r->w_outcomes[o] = r->done ? s->w_outcomes[o] / (double)r->done : 0;
}

/* The evaluation images and their golden runs, from the reference model (which the accelerator
 * matches bit for bit: every batch checks it). */
static int prepare(struct state *s, struct rh_err *err)
{
	int k = s->o->images;
	struct rh_ref ref;
	s->in_len = (size_t)s->test->h * (size_t)s->test->w;
	s->plan = malloc((size_t)s->o->n * sizeof(*s->plan));
	s->inputs = malloc((size_t)k * s->in_len);
	s->golden = malloc((size_t)k * sizeof(*s->golden));
	s->golden_cls = malloc((size_t)k * sizeof(*s->golden_cls));
	s->labels = malloc((size_t)k * sizeof(*s->labels));
	if (!s->plan || !s->inputs || !s->golden || !s->golden_cls || !s->labels)
		return rh_err_set(err, RH_E_NOMEM, "cannot allocate %ld injections", s->o->n);
	int rc = rh_ref_init(&ref, s->m, err);
	if (rc)
		return rc;
	long correct = 0;
	for (int i = 0; i < k; i++) {
		int t = s->o->first_image + i; /* the test set's image */
		rh_dataset_input(s->test, t, s->inputs + (size_t)i * s->in_len);
		s->golden_cls[i] = rh_ref_infer(&ref, s->inputs + (size_t)i * s->in_len, s->golden[i]);
		s->labels[i] = s->test->labels[t];
		correct += s->golden_cls[i] == s->labels[i];
	}
	rh_ref_free(&ref);
	s->r->sa = (double)correct / k;
	return 0;
}

/* At the end of a round: whether the stopping target is met (docs/campaign.md); at least 10
 * changed outcomes first, as the intervals mean little before. */
static int round_end(const struct state *s, long q)
{
	return q + 1 == s->o->n || s->plan[q + 1].round != s->plan[q].round;
}

static int target_met(struct state *s)
{
	const struct rh_campaign_opts *o = s->o;
	if (!(o->ci > 0 || o->rel_ci > 0) || s->n10 + s->n01 < 10)
		return 0;
	estimate(s);
	const struct rh_campaign_result *r = s->r;
	if (o->ci > 0)
		return (r->ci95[1] - r->ci95[0]) / 2 <= o->ci;
	return r->drop > 0 && (r->ci95_drop[1] - r->ci95_drop[0]) / 2 <= o->rel_ci * r->drop;
}

/* The journal's injections are the first ones of the plan: check and count them. */
static int replay_journal(struct state *s, struct rh_err *err)
{
	const struct rh_campaign_opts *o = s->o;
	const struct rh_backend_info *info = &s->r->info;
	char fit[160] = "";
	if (o->fit && !rh_fit_uniform(o->fit) && rh_fit_text(o->fit, fit, sizeof(fit)) < 0)
		return rh_err_set(err, RH_E_INVAL, "the FIT rates do not fit in a journal head");
	struct rh_journal_head head = {.model = s->m->name,
	                               .model_hash = rh_model_hash(s->m),
	                               .sampler = o->sampler,
	                               .n = o->n,
	                               .images = o->images,
	                               .seed = o->seed,
	                               .chain_len = info->chain_len,
	                               .golden_cycles = info->golden_cycles,
	                               .ffmap_hash = info->ffmap_hash,
	                               .shard = o->shard,
	                               .shards = o->shards,
	                               .fit = fit,
	                               .first_image = o->first_image,
	                               .calib_hash = o->calib ? rh_calib_hash(o->calib) : 0};
	struct rh_journal_rec *done = NULL;
	size_t n_done = 0;
	int rc = rh_journal_open(&s->jr, o->journal, &head, &done, &n_done, err);
	for (size_t q = 0; !rc && q < n_done; q++) {
		const struct rh_plan_item *p = &s->plan[s->lo + (long)q];
		if (done[q].image != p->image || done[q].bit != p->f.bit || done[q].cycle != p->f.cycle ||
		    done[q].weight != p->weight)
			rc = rh_err_set(err, RH_E_FORMAT, "%s: injection %ld is not this campaign's", o->journal,
			                s->lo + (long)q);
		else {
			tally(s, p->image, p->f.bit, p->f.cycle, (enum rh_outcome)done[q].outcome, done[q].cls,
			      p->weight);
			if (round_end(s, s->lo + (long)q) && target_met(s)) {
				s->r->target_met = 1; /* a finished campaign's journal ends here */
				n_done = q + 1;
			}
		}
	}
	s->r->resumed = (long)n_done;
	free(done);
	return rc;
}

/* Batch plan[i .. j) (one image) into slot b, with a null injection if it will be one of the
 * first NULL_BATCHES golden runs (earlier, the number of batches in flight before it). */
static void batch_prepare(struct state *s, struct slot *b, long i, long j, long earlier)
{
	const struct rh_backend_info *info = &s->r->info;
	b->i = i;
	b->j = j;
	b->input = s->inputs + (size_t)s->plan[i].image * s->in_len;
	for (long q = i; q < j; q++)
		b->batch[q - i] = s->plan[q].f;
	b->with_null = s->r->golden_runs + earlier < NULL_BATCHES;
	if (b->with_null)
		b->batch[j - i] = (struct rh_fault){.bit = (uint32_t)rh_rng_below(&s->null_rng, info->chain_len),
		                                    .cycle = (uint32_t)rh_rng_below(&s->null_rng, info->golden_cycles),
		                                    .no_flip = 1};
}

static void batch_exec(struct slot *b)
{
	b->err = (struct rh_err){0, ""};
	b->rc = rh_backend_run_faults(b->be, b->input, b->batch, (size_t)(b->j - b->i) + (size_t)b->with_null, &b->g,
	                              b->res, &b->err);
}

static void *batch_thread(void *arg)
{
	batch_exec(arg);
	return NULL;
}

/* A batch's results, in the campaign's order: checked, counted, handed on, journaled. */
static int batch_take(struct state *s, const struct slot *b, struct rh_err *err)
{
	long i = b->i, j = b->j;
	int img = s->plan[i].image, n = s->m->n_classes, rc = b->rc;
	size_t nb = (size_t)(j - i);
	if (rc) {
		rh_err_set(err, rc, "image %d: %.400s", img, b->err.msg);
		return rc;
	}
	s->r->golden_runs++;
	if ((rc = check_golden(s, &b->g, img, err)))
		return rc;
	if (b->with_null) {
		s->r->null_injections++;
		if ((rc = check_null(&b->res[nb], &b->g, &b->batch[nb], img, n, err)))
			return rc;
	}
	for (long q = 0; q < j - i; q++) {
		const struct rh_result *x = &b->res[q];
		enum rh_outcome o = rh_outcome_classify(x, s->golden_cls[img], s->golden[img], n);
		int cls = o == RH_OUT_HANG || o == RH_OUT_CRASH ? -1 : x->cls;
		s->recs[q] = (struct rh_journal_rec){.index = i + q,
		                                     .image = img,
		                                     .bit = s->plan[i + q].f.bit,
		                                     .cycle = s->plan[i + q].f.cycle,
		                                     .outcome = (int)o,
		                                     .cls = cls,
		                                     .weight = s->plan[i + q].weight};
		struct rh_campaign_injection inj = {&s->recs[q], x, &b->g, s->labels[img], s->plan[i + q].draw};
		if (s->o->on_injection && (rc = s->o->on_injection(&inj, s->o->ctx, err)))
			return rc;
	}
	if (s->o->journal && (rc = rh_journal_append(&s->jr, s->recs, nb, err)))
		return rc;
	for (long q = 0; q < j - i; q++) /* counted once journaled: a resume sees the same */
		tally(s, img, s->recs[q].bit, s->recs[q].cycle, (enum rh_outcome)s->recs[q].outcome, s->recs[q].cls,
		      s->recs[q].weight);
	return 0;
}

/* Run the k prepared slots, on threads of their own but the first. */
static void batches_exec(struct state *s, int k)
{
	pthread_t th[k > 1 ? k - 1 : 1];
	int started[k > 1 ? k - 1 : 1];
	for (int q = 1; q < k; q++)
		started[q - 1] = pthread_create(&th[q - 1], NULL, batch_thread, &s->slots[q]) == 0;
	batch_exec(&s->slots[0]);
	for (int q = 1; q < k; q++) {
		if (started[q - 1])
			pthread_join(th[q - 1], NULL);
		else
			batch_exec(&s->slots[q]); /* no thread: run it here */
	}
}

static void stats_sum(struct state *s, struct rh_backend_stats *sum)
{
	*sum = (struct rh_backend_stats){0, 0};
	for (int q = 0; q < s->n_slots; q++) {
		struct rh_backend_stats st;
		rh_backend_stats(s->slots[q].be, &st);
		sum->round_trips += st.round_trips;
		sum->retries += st.retries;
	}
}

static int run_all(struct state *s, struct rh_err *err)
{
	const struct rh_campaign_opts *o = s->o;
	struct rh_backend_stats setup, st;
	stats_sum(s, &setup); /* loading the model is set-up */
	s->r->setup = setup;
	double t0 = rh_now_s();
	long n0 = s->r->done;
	int rc = 0;
	for (long i = s->lo + s->r->done; i < s->hi && !rc && !s->r->target_met;) {
		if (o->stop && *o->stop) {
			s->r->stopped = 1;
			rc = RH_E_INTERRUPTED;
			break;
		}
		/* the next batches, one per back-end, in the campaign's order */
		int k = 0;
		long next = i;
		while (k < s->n_slots && next < s->hi) {
			long j = next;
			while (j < s->hi && j - next < CHUNK && s->plan[j].image == s->plan[next].image &&
			       s->plan[j].round == s->plan[next].round)
				j++;
			batch_prepare(s, &s->slots[k], next, j, k);
			k++;
			next = j;
		}
		batches_exec(s, k);
		/* taken in order; after the target is met the rest are dropped, as if never run */
		for (int q = 0; q < k && !rc && !s->r->target_met; q++) {
			rc = batch_take(s, &s->slots[q], err);
			if (!rc && round_end(s, s->slots[q].j - 1) && target_met(s))
				s->r->target_met = 1;
			if (!rc && o->progress) {
				estimate(s);
				struct rh_campaign_progress p = {s->r->done,      s->r->n,  s->r->done - n0,
				                                 rh_now_s() - t0, s->r->ra, s->r->ci95[0],
				                                 s->r->ci95[1]};
				o->progress(&p, o->ctx);
			}
		}
		i = next;
	}
	s->r->seconds = rh_now_s() - t0;
	stats_sum(s, &st);
	s->r->link.round_trips = st.round_trips - setup.round_trips;
	s->r->link.retries = st.retries - setup.retries;
	return rc;
}

/* The census of the back-end's geometry names each bit's register group and each cycle's layer;
 * without a schedule for it (or a map) the campaign has no group or layer buckets. */
static void buckets_init(struct state *s)
{
	const struct rh_backend_info *info = &s->r->info;
	const struct rh_accel_geom *g = rh_accel_geom_find(info->rows, info->cols);
	struct rh_err ignored = {0, ""};
	if (g && info->ffmap && info->ffmap->chain_len == info->chain_len &&
	    rh_census_init(&s->census, s->m, info->ffmap, g, &ignored) == 0) {
		s->r->have_buckets = 1;
		s->r->n_layers = s->m->n_layers;
	}
}

static void state_free(struct state *s)
{
	rh_journal_close(&s->jr);
	if (s->r->have_buckets)
		rh_census_free(&s->census);
	free(s->plan);
	free(s->inputs);
	free(s->golden);
	free(s->golden_cls);
	free(s->labels);
	free(s->slots);
	free(s);
}

/* One slot per back-end; every extra one must show the fault space of the first. */
static int slots_init(struct state *s, struct rh_backend *be, struct rh_err *err)
{
	s->n_slots = 1 + s->o->n_workers;
	s->slots = calloc((size_t)s->n_slots, sizeof(*s->slots));
	if (!s->slots)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for %d back-ends' batches", s->n_slots);
	s->slots[0].be = be;
	for (int q = 1; q < s->n_slots; q++) {
		struct rh_backend_info w;
		int rc = rh_backend_info(s->o->workers[q - 1], &w, err);
		if (rc)
			return rc;
		if (w.chain_len != s->r->info.chain_len || w.golden_cycles != s->r->info.golden_cycles ||
		    w.ffmap_hash != s->r->info.ffmap_hash)
			return rh_err_set(err, RH_E_INVAL, "back-end %d is not the first one's: chain %u, %u cycles", q,
			                  w.chain_len, w.golden_cycles);
		s->slots[q].be = s->o->workers[q - 1];
	}
	return 0;
}

int rh_campaign_run(const struct rh_campaign_opts *o, const struct rh_model *m, const struct rh_dataset *test,
                    struct rh_backend *be, struct rh_campaign_result *r, struct rh_err *err)
{
	struct state *s = calloc(1, sizeof(*s));
	const struct rh_sampler_ops *sampler = rh_sampler_find(o->sampler);
	memset(r, 0, sizeof(*r));
	r->n = o->n;
	if (!s)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for the campaign");
	*s = (struct state){.o = o, .m = m, .test = test, .be = be, .r = r};
	int rc = 0;
	if (!sampler)
		rc = rh_err_set(err, RH_E_INVAL, "sampler '%s' is not available (this version has: %s)", o->sampler,
		                rh_sampler_names());
	else if (o->images < 1 || o->first_image < 0 || o->first_image > test->n - o->images || o->n < 1)
		rc = rh_err_set(err, RH_E_INVAL, "%d images from image %d of %d, %ld injections", o->images,
		                o->first_image, test->n, o->n);
	else if (o->shards > 1 && (o->shard < 0 || o->shard >= o->shards || o->shards > o->n))
		rc = rh_err_set(err, RH_E_INVAL, "shard %d of %d of %ld injections", o->shard, o->shards, o->n);
	else if (o->shards > 1 && (o->ci > 0 || o->rel_ci > 0)) /* the target is the whole campaign's */
		rc = rh_err_set(err, RH_E_INVAL, "a shard cannot stop at a precision target");
	else if (o->calib && (!sampler || strcmp(sampler->name, "isb") != 0))
		rc = rh_err_set(err, RH_E_INVAL, "a calibration shapes isb's proposal only, not %s's", o->sampler);
	else if (o->n_workers < 0 || (o->n_workers > 0 && !o->workers))
		rc = rh_err_set(err, RH_E_INVAL, "%d extra back-ends", o->n_workers);
	if (!rc)
		rc = prepare(s, err);
	if (!rc)
		rc = rh_backend_info(be, &r->info, err);
	if (!rc)
		rc = slots_init(s, be, err);
	if (!rc)
		buckets_init(s);
	struct rh_sampler_ctx ctx = {&r->info, m, s->inputs, s->labels, o->images, (uint64_t)o->seed, o->fit, o->calib};
	s->weighted = sampler && strcmp(sampler->name, "uniform") != 0;
	if (!rc)
		rc = sampler->plan(s->plan, o->n, &ctx, err);
	if (!rc) {
		long round = o->round > 0 ? o->round : o->ci > 0 || o->rel_ci > 0 ? 1000 : o->n;
		for (long q = 0; q < o->n; q++)
			s->plan[q].round = s->plan[q].draw / round;
		qsort(s->plan, (size_t)o->n, sizeof(*s->plan), by_image);
		/* a shard runs a slice of the sorted plan: the campaign order and indices stay the whole one's */
		rh_journal_shard_range(o->n, o->shard, o->shards, &s->lo, &s->hi);
		r->n = s->hi - s->lo;
		/* null injections come from their own stream: the campaign's draws do not depend on them */
		rh_rng_seed(&s->null_rng, (uint64_t)o->seed ^ 0x6e756c6cull);
		if (o->journal)
			rc = replay_journal(s, err);
	}
	if (!rc)
		rc = run_all(s, err);
	estimate(s);
	if (r->target_met)
		r->n = r->done;
	state_free(s);
	return rc;
}

int rh_campaign_tally(const struct rh_campaign_opts *o, const struct rh_model *m, const struct rh_dataset *test,
                      const struct rh_backend_info *info, const struct rh_journal_rec *recs, long n_recs,
                      struct rh_campaign_result *r, struct rh_err *err)
{
	struct state *s = calloc(1, sizeof(*s));
	memset(r, 0, sizeof(*r));
	r->n = o->n;
	r->info = *info;
	if (!s)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for the campaign");
	*s = (struct state){.o = o, .m = m, .test = test, .r = r, .weighted = strcmp(o->sampler, "uniform") != 0};
	int rc = 0;
	if (o->images < 1 || o->first_image < 0 || o->first_image > test->n - o->images || o->n < 1 || n_recs > o->n)
		rc = rh_err_set(err, RH_E_INVAL, "%d images from image %d of %d, %ld records of %ld injections",
		                o->images, o->first_image, test->n, n_recs, o->n);
	if (!rc)
		rc = prepare(s, err);
	if (!rc)
		buckets_init(s);
	for (long q = 0; !rc && q < n_recs; q++) {
		const struct rh_journal_rec *x = &recs[q];
		if (x->image >= o->images || x->bit >= info->chain_len || x->cycle >= info->golden_cycles)
			rc = rh_err_set(err, RH_E_FORMAT,
			                "injection %ld (image %d, bit %u, cycle %u) is outside the campaign", x->index,
			                x->image, x->bit, x->cycle);
		else
			tally(s, x->image, x->bit, x->cycle, (enum rh_outcome)x->outcome, x->cls, x->weight);
	}
	estimate(s);
	state_free(s);
	return rc;
}

int rh_campaign_calibration(const struct rh_campaign_result *r, const struct rh_campaign_opts *o,
                            const struct rh_model *m, const char *backend, struct rh_calib *out, struct rh_err *err)
{
	if (!r->have_buckets)
		return rh_err_set(err, RH_E_INVAL, "--calibration-out: the back-end's geometry has no register groups");
	struct rh_calib c = {.model_hash = rh_model_hash(m),
	                     .ffmap_hash = r->info.ffmap_hash,
	                     .seed = o->seed,
	                     .n = r->done,
	                     .images = o->images,
	                     .first_image = o->first_image};
	snprintf(c.model, sizeof(c.model), "%s", m->name);
	snprintf(c.sampler, sizeof(c.sampler), "%s", o->sampler);
	snprintf(c.backend, sizeof(c.backend), "%s", backend);
	for (int i = 0; i < RH_SG_COUNT; i++) {
		const struct rh_campaign_bucket *b = &r->by_group[i];
		struct rh_calib_group *g = &c.g[i];
		if (b->n_g1 == 0)
			continue;
		*g = (struct rh_calib_group){.have = 1, .n_g1 = b->n_g1, .n_g0 = b->n_g0};
		g->fail = b->w_g1 > 0 ? fmin(1, b->w_10 / b->w_g1) : 0;
		g->fix = b->w_g0 > 0 ? fmin(1, b->w_01 / b->w_g0) : 0;
		rh_wilson(b->n_10, b->n_g1, RH_Z95, &g->ci_fail[0], &g->ci_fail[1]);
		rh_wilson(b->n_01, b->n_g0, RH_Z95, &g->ci_fix[0], &g->ci_fix[1]);
		if (b->n_g0 == 0)
			g->ci_fix[0] = 0, g->ci_fix[1] = 1;
		/* weighted rates (is, isb) against intervals from the raw counts: keep each inside */
		g->ci_fail[0] = fmin(g->ci_fail[0], g->fail), g->ci_fail[1] = fmax(g->ci_fail[1], g->fail);
		g->ci_fix[0] = fmin(g->ci_fix[0], g->fix), g->ci_fix[1] = fmax(g->ci_fix[1], g->fix);
	}
	*out = c;
	return 0;
}
