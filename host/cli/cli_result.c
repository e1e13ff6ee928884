/* rahil: a campaign's estimate, printed (host/cli/cli_result.h). */
#include "cli_result.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "outcome.h"

void rh_cli_json_pair(cJSON *o, const char *key, const double v[2])
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	cJSON_AddItemToArray(a, cJSON_CreateNumber(v[0]));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(v[1]));
}

static void json_outcomes(cJSON *j, const struct rh_campaign_result *r)
{
	cJSON *oc = cJSON_AddObjectToObject(j, "outcomes"), *wc = cJSON_AddObjectToObject(j, "outcomes_weighted");
	for (int q = 0; q < RH_OUT_COUNT; q++) {
		cJSON_AddNumberToObject(oc, rh_outcome_name((enum rh_outcome)q), (double)r->outcomes[q]);
		cJSON_AddNumberToObject(wc, rh_outcome_name((enum rh_outcome)q), r->w_outcomes[q]);
	}
	cJSON *bc = cJSON_AddObjectToObject(j, "by_class");
	for (int q = 0; q < 4; q++) {
		cJSON *x = cJSON_AddObjectToObject(bc, rh_ff_class_name(q));
		long tot = 0;
		for (int k = 0; k < RH_OUT_COUNT; k++) {
			cJSON_AddNumberToObject(x, rh_outcome_name((enum rh_outcome)k), (double)r->by_class[q][k]);
			tot += r->by_class[q][k];
		}
		cJSON_AddNumberToObject(x, "n", (double)tot);
	}
}

static cJSON *bucket(const struct rh_campaign_bucket *b, long done)
{
	cJSON *x = cJSON_CreateObject();
	cJSON_AddNumberToObject(x, "n", (double)b->n);
	for (int k = 0; k < RH_OUT_COUNT; k++)
		cJSON_AddNumberToObject(x, rh_outcome_name((enum rh_outcome)k), (double)b->outcomes[k]);
	cJSON_AddNumberToObject(x, "drop", done ? b->w_drop / (double)done : 0);
	return x;
}

/* by_group (register group of the struck bit) and by_layer (the layer active at its cycle): raw
 * outcomes and each bucket's share of the drop. */
static void json_buckets(cJSON *j, const struct rh_campaign_result *r)
{
	cJSON *g = cJSON_AddObjectToObject(j, "by_group"), *l = cJSON_AddArrayToObject(j, "by_layer");
	for (int i = 0; i < RH_SG_COUNT; i++)
		if (r->by_group[i].n)
			cJSON_AddItemToObject(g, rh_site_group_name(i), bucket(&r->by_group[i], r->done));
	for (int i = 0; i < r->n_layers; i++)
		cJSON_AddItemToArray(l, bucket(&r->by_layer[i], r->done));
}

cJSON *rh_cli_result_json(const struct rh_cli_campaign_id *id, const char *backend, const struct rh_campaign_result *r)
{
	cJSON *j = cJSON_CreateObject();
	char hash[16];
	cJSON_AddStringToObject(j, "model", id->model);
	cJSON_AddStringToObject(j, "model_file", id->model_file);
	if (backend)
		cJSON_AddStringToObject(j, "backend", backend);
	cJSON_AddStringToObject(j, "sampler", id->sampler);
	cJSON_AddNumberToObject(j, "images", id->images);
	cJSON_AddNumberToObject(j, "first_image", id->first_image);
	cJSON_AddNumberToObject(j, "n", (double)id->n);
	cJSON_AddNumberToObject(j, "seed", (double)id->seed);
	cJSON_AddNumberToObject(j, "chain_len", r->info.chain_len);
	snprintf(hash, sizeof(hash), "%08x", r->info.ffmap_hash);
	cJSON_AddStringToObject(j, "ffmap_hash", hash);
	cJSON_AddNumberToObject(j, "golden_cycles", r->info.golden_cycles);
	cJSON_AddNumberToObject(j, "sa", r->sa);
	cJSON_AddNumberToObject(j, "ra", r->ra);
	cJSON_AddNumberToObject(j, "drop", r->drop);
	rh_cli_json_pair(j, "ci95", r->ci95);
	rh_cli_json_pair(j, "ci95_drop", r->ci95_drop);
	cJSON_AddNumberToObject(j, "ess", r->ess);
	cJSON_AddBoolToObject(j, "target_met", r->target_met);
	json_outcomes(j, r);
	if (r->have_buckets)
		json_buckets(j, r);
	return j;
}

void rh_cli_result_human(const struct rh_cli_campaign_id *id, const struct rh_campaign_result *r)
{
	const long *c = r->outcomes;
	printf("  sa %.2f%% (exact, those images)  ra %.2f%% (95%% CI %.2f..%.2f)\n", 100 * r->sa, 100 * r->ra,
	       100 * r->ci95[0], 100 * r->ci95[1]);
	printf("  drop %.3f points (95%% CI %.3f..%.3f)\n", 100 * r->drop, 100 * r->ci95_drop[0],
	       100 * r->ci95_drop[1]);
	printf("  masked %ld  benign %ld  sdc %ld  hang %ld  crash %ld\n", c[RH_OUT_MASKED], c[RH_OUT_BENIGN],
	       c[RH_OUT_SDC], c[RH_OUT_HANG], c[RH_OUT_CRASH]);
	if (strcmp(id->sampler, "uniform") != 0) {
		const double *w = r->w_outcomes;
		printf(
		    "  weighted (shares of P): masked %.4f  benign %.4f  sdc %.4f  hang %.4f  crash %.4f; ess %.0f\n",
		    w[RH_OUT_MASKED], w[RH_OUT_BENIGN], w[RH_OUT_SDC], w[RH_OUT_HANG], w[RH_OUT_CRASH], r->ess);
	}
	printf("  by flip-flop class of the struck bit (masked/benign/sdc/hang/crash):\n");
	for (int q = 0; q < 4; q++) {
		const long *b = r->by_class[q];
		printf("    %-10s %ld/%ld/%ld/%ld/%ld\n", rh_ff_class_name(q), b[RH_OUT_MASKED], b[RH_OUT_BENIGN],
		       b[RH_OUT_SDC], b[RH_OUT_HANG], b[RH_OUT_CRASH]);
	}
	if (r->have_buckets) {
		printf("  by register group (injections, sdc/hang/crash, share of the drop in points):\n");
		for (int q = 0; q < RH_SG_COUNT; q++) {
			const struct rh_campaign_bucket *b = &r->by_group[q];
			if (b->n)
				printf("    %-10s %6ld  %ld/%ld/%ld  %.3f\n", rh_site_group_name(q), b->n,
				       b->outcomes[RH_OUT_SDC], b->outcomes[RH_OUT_HANG], b->outcomes[RH_OUT_CRASH],
				       100 * b->w_drop / (double)r->done);
		}
	}
}

int rh_cli_fit(const char *cmd, const char *arg, struct rh_fit *fit)
{
	struct rh_err err = {0, ""};
	if (rh_fit_parse(fit, arg, &err) == 0)
		return 0;
	rh_cli_error(cmd, "--fit: %s", err.msg);
	return -1;
}

void rh_cli_fit_json(cJSON *o, const struct rh_fit *fit)
{
	if (!fit || rh_fit_uniform(fit))
		return;
	cJSON *f = cJSON_AddObjectToObject(o, "fit");
	for (int c = 0; c < RH_FIT_CLASSES; c++)
		cJSON_AddNumberToObject(f, rh_ff_class_name(c), fit->rate[c]);
}

void rh_cli_fit_human(const char *before, const struct rh_fit *fit, const char *after)
{
	if (!fit || rh_fit_uniform(fit))
		return;
	printf("%sFIT rates", before);
	for (int c = 0; c < RH_FIT_CLASSES; c++)
		printf("%s %s=%g", c ? "," : "", rh_ff_class_name(c), fit->rate[c]);
	printf("%s", after);
}
