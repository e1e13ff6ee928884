/* rahil: a campaign's estimate printed the same way by `rahil campaign` and `rahil merge`. */
#ifndef RAHIL_CLI_RESULT_H
#define RAHIL_CLI_RESULT_H

#include <cjson/cJSON.h>

#include "engine.h"

/* What a campaign is: the model's name, the options that define its fault list. */
struct rh_cli_campaign_id {
	const char *model, *model_file, *sampler;
	int images;
	long n, seed;
	int first_image; /* the evaluation set's first test image */
};

/* A JSON object with the campaign's identity and its estimate (sa, ra, drop, ci95, ci95_drop,
 * ess, outcomes, outcomes_weighted, by_class, by_group, by_layer): the caller adds its own keys
 * and prints it. */
cJSON *rh_cli_result_json(const struct rh_cli_campaign_id *id, const char *backend, const struct rh_campaign_result *r);
/* o[key] = [v[0], v[1]], an interval. */
void rh_cli_json_pair(cJSON *o, const char *key, const double v[2]);
/* --fit CLASS=RATE[,...] over *fit (commands that take it); -1 with a message naming the
 * option and the classes. */
int rh_cli_fit(const char *cmd, const char *arg, struct rh_fit *fit);
/* o["fit"] = {class: rate, ...} when the rates are not all equal (fit NULL: nothing). */
void rh_cli_fit_json(cJSON *o, const struct rh_fit *fit);
/* before, "FIT rates input_act=R, ...", after on stdout when the rates are not all equal. */
void rh_cli_fit_human(const char *before, const struct rh_fit *fit, const char *after);
/* The estimate's lines of the human output (sa .. by register group). */
void rh_cli_result_human(const struct rh_cli_campaign_id *id, const struct rh_campaign_result *r);

#endif
