/* rahil merge: the journals of a campaign's shards (rahil campaign --shard I/N) combined into
 * the result the unsharded campaign prints; the estimate is the campaign engine's
 * (rh_campaign_tally), from the records in campaign order. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_result.h"
#include "dataset.h"
#include "engine.h"
#include "ffmap.h"
#include "merge.h"
#include "model.h"

static void help(void)
{
	printf("Usage: rahil merge [-m MODEL] [--data DIR] [--json] JOURNAL...\n\n"
	       "Combine the journals of the shards of one campaign (rahil campaign --shard I/N\n"
	       "--journal FILE, docs/scale.md) and print the result the campaign run whole prints:\n"
	       "SA, RA, the drop and their intervals, the outcomes, by flip-flop class, computed\n"
	       "from the records in campaign order by the campaign's own estimator. Every shard\n"
	       "must be given once, complete; journals of different campaigns (model, sampler,\n"
	       "n, images, seed, fault space, number of shards) are refused (exit 1).\n\n"
	       "Options:\n"
	       "  -m, --model MODEL   the .rmod model file the campaign ran (default\n"
	       "                      models/NAME.rmod, NAME from the journals); its hash must be\n"
	       "                      the journals'\n"
	       "  --data DIR          Fashion-MNIST directory (default $RAHIL_DATA or %s)\n"
	       "  --json              print the result as JSON on stdout (the keys of rahil\n"
	       "                      campaign --json without those of the run itself: backend,\n"
	       "                      self_check, rates, round trips; with journals and shards)\n"
	       "  -h, --help          this text\n\n",
	       RH_DEFAULT_DATA_DIR);
	rh_cli_exit_codes(stdout);
}

struct args {
	const char *model, *data;
	int json;
};

/* Parse argv into *a; -1 to go on (the journals are argv[optind ..]), else the exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
	    {"model", required_argument, NULL, 'm'},
	    {"data", required_argument, NULL, 'd'},
	    {"json", no_argument, NULL, 'J'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	*a = (struct args){0};
	int c;
	optind = 1;
	while ((c = rh_cli_getopt("merge", argc, argv, "m:h", opts)) != -1) {
		switch (c) {
		case 'm': a->model = optarg; break;
		case 'd': a->data = optarg; break;
		case 'J': a->json = 1; break;
		case 'h': help(); return RH_EXIT_OK;
		default: return rh_cli_usage_error("merge");
		}
	}
	if (optind >= argc) {
		rh_cli_error("merge", "no JOURNAL given");
		return rh_cli_usage_error("merge");
	}
	return -1;
}

static void print_json(const struct rh_cli_campaign_id *id, const struct rh_campaign_result *r,
                       const struct rh_merge *mg, const struct rh_fit *fit, char **paths)
{
	cJSON *j = rh_cli_result_json(id, NULL, r);
	rh_cli_fit_json(j, fit);
	cJSON_AddNumberToObject(j, "shards", mg->head.shards);
	cJSON *a = cJSON_AddArrayToObject(j, "journals");
	for (size_t i = 0; i < mg->n_files; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(paths[i]));
	char *s = cJSON_Print(j);
	if (s)
		puts(s);
	free(s);
	cJSON_Delete(j);
}

/* The model and the fault space the journals name, then the estimate. */
static int tally(const struct args *a, const struct rh_merge *mg, const struct rh_model *m,
                 struct rh_campaign_result *r, struct rh_err *err)
{
	const struct rh_journal_head *h = &mg->head;
	if (strcmp(m->name, h->model) != 0 || rh_model_hash(m) != h->model_hash)
		return rh_err_set(err, RH_E_INVAL,
		                  "%s is model %s (hash %08x); the journals are of model %s (hash %08x)", a->model,
		                  m->name, rh_model_hash(m), h->model, h->model_hash);
	struct rh_backend_info info = {.chain_len = h->chain_len,
	                               .golden_cycles = h->golden_cycles,
	                               .ffmap_hash = h->ffmap_hash,
	                               .ffmap = rh_ffmap_by_hash(h->ffmap_hash)};
	if (!info.ffmap || info.ffmap->chain_len != h->chain_len)
		return rh_err_set(err, RH_E_INVAL,
		                  "the journals' flip-flop map %08x (%u chain bits) is not one this rahil knows",
		                  h->ffmap_hash, h->chain_len);
	info.rows = info.ffmap->rows; /* the geometry: register groups and layers (by_group, by_layer) */
	info.cols = info.ffmap->cols;
	struct rh_dataset test;
	int rc = rh_dataset_load(&test, a->data, RH_TEST, err);
	if (rc)
		return rc;
	struct rh_campaign_opts o = {
	    .sampler = h->sampler, .n = h->n, .images = h->images, .first_image = h->first_image, .seed = h->seed};
	rc = rh_campaign_tally(&o, m, &test, &info, mg->recs, mg->n_recs, r, err);
	rh_dataset_free(&test);
	return rc;
}

int rh_cmd_merge(int argc, char **argv)
{
	struct args a;
	int ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	struct rh_err err = {0, ""};
	struct rh_merge mg;
	int rc = rh_merge_journals((const char *const *)(argv + optind), (size_t)(argc - optind), &mg, &err);
	if (rc) {
		rh_cli_error("merge", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	char def[256];
	snprintf(def, sizeof(def), "models/%s.rmod", mg.head.model);
	if (!a.model)
		a.model = def;
	struct rh_model m;
	struct rh_campaign_result r;
	struct rh_fit fit; /* the rates the journals' heads name */
	rh_fit_default(&fit);
	if (mg.head.fit && mg.head.fit[0] && rh_fit_parse(&fit, mg.head.fit, &err) != 0)
		rc = rh_err_set(&err, RH_E_FORMAT, "the journals' FIT rates '%s': %.400s", mg.head.fit, err.msg);
	if (!rc)
		rc = rh_model_load(&m, a.model, &err);
	if (!rc) {
		rc = tally(&a, &mg, &m, &r, &err);
		rh_model_free(&m);
	}
	struct rh_cli_campaign_id id = {mg.head.model, a.model,      mg.head.sampler,    mg.head.images,
	                                mg.head.n,     mg.head.seed, mg.head.first_image};
	if (rc)
		rh_cli_error("merge", "%s", err.msg);
	else if (a.json)
		print_json(&id, &r, &mg, &fit, argv + optind);
	else {
		printf("%s: %ld injections over test images %d to %d, seed %ld", id.model, id.n, id.first_image,
		       id.first_image + id.images - 1, id.seed);
		rh_cli_fit_human(", ", &fit, "");
		printf(", merged from %zu shard journals\n", mg.n_files);
		rh_cli_result_human(&id, &r);
	}
	rh_merge_free(&mg);
	return rh_cli_exit_for(rc);
}
