/* rahil inject: one inference on the simulated accelerator with one bit flip, optionally traced;
 * or, with --backend sw, the software fault-effect model's answer for the same cell. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "backend_sim.h"
#include "cli_inject.h"
#include "dataset.h"
#include "effect.h"
#include "model.h"
#include "outcome.h"
#include "quant.h"
#include "rh_sim.h"

static void help(void)
{
	printf("Usage: rahil inject -m MODEL --image I (--bit K | --ff NAME:INDEX) --cycle T [OPTIONS]\n\n"
	       "Run test image I on the simulated accelerator twice, each from the canonical start\n"
	       "state (docs/campaign.md): fault-free, then with chain bit K inverted at core cycle T\n"
	       "(counted from the run's start; T below the fault-free run's cycles). Report the class,\n"
	       "logits, cycles and outcome (masked: logits identical; benign: logits differ, class the\n"
	       "same; sdc: class changed; hang: the watchdog ended the run; crash: the run finished\n"
	       "without writing all its logits) and the struck flip-flop.\n\n"
	       "Options:\n"
	       "  -m, --model MODEL  the .rmod model file (required)\n"
	       "  --backend B        sim (default, 8x8), sim:ice40 (the iCEBreaker's 1x2) or sim:2x4;\n"
	       "                     or sw, sw:ice40: no simulation, the software fault-effect model\n"
	       "                     (docs/fault-model.md, section 7) with the flip-flop map and cycles\n"
	       "                     of sim, sim:ice40 (sw:8x8, sw:1x2 the same); it models the PE and\n"
	       "                     skew registers, the drain's sum and product, the argmax's best\n"
	       "                     value and index, and every cell the census calls dead, and exits\n"
	       "                     1 on any other cell; no --trace or --budget\n"
	       "  --image I          test image index (required)\n"
	       "  --bit K            scan chain bit, 0 .. chain length - 1\n"
	       "  --ff NAME:INDEX    or the flip-flop by name: bit INDEX of the register whose\n"
	       "                     name ends in NAME, e.g. gen_row[0].gen_col[0].u_pe.u_acc:31\n"
	       "                     (the names: docs/scan-chain.md)\n"
	       "  --cycle T          core cycle of the flip (required)\n"
	       "  --budget N         watchdog budget in cycles (default 2 x golden + 1024)\n"
	       "  --trace FILE.fst   FST waveform of the faulty run (GTKWave)\n"
	       "  --data DIR         Fashion-MNIST directory (default $RAHIL_DATA or %s)\n"
	       "  --json             print the result as JSON on stdout\n"
	       "  -h, --help         this text\n\n",
	       RH_DEFAULT_DATA_DIR);
	rh_cli_exit_codes(stdout);
}

static enum rh_outcome outcome(const struct rh_result *g, const struct rh_result *f)
{
	return rh_outcome_classify(f, g->cls, g->logits, g->n_logits);
}

static cJSON *logits_json(const struct rh_result *r)
{
	cJSON *a = cJSON_CreateArray();
	if (r->end == RH_RUN_DONE || r->end == RH_RUN_CRASH)
		for (int i = 0; i < r->n_logits; i++)
			cJSON_AddItemToArray(a, cJSON_CreateNumber(r->logits[i]));
	return a;
}

/* The command line. */
struct args {
	const char *model, *trace, *data, *ff_name, *backend;
	long image, bit, cycle, budget;
	int json;
};

/* Parse argv into *a; -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
	    {"model", required_argument, NULL, 'm'},  {"backend", required_argument, NULL, 'b'},
	    {"image", required_argument, NULL, 'i'},  {"bit", required_argument, NULL, 'k'},
	    {"ff", required_argument, NULL, 'f'},     {"cycle", required_argument, NULL, 't'},
	    {"budget", required_argument, NULL, 'B'}, {"trace", required_argument, NULL, 'T'},
	    {"data", required_argument, NULL, 'd'},   {"json", no_argument, NULL, 'J'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	*a = (struct args){.backend = "sim", .image = -1, .bit = -1, .cycle = -1};
	int c;
	optind = 1;
	while ((c = rh_cli_getopt("inject", argc, argv, "m:h", opts)) != -1) {
		switch (c) {
		case 'm': a->model = optarg; break;
		case 'b': a->backend = optarg; break;
		case 'i':
			if (rh_cli_int("inject", "image", optarg, 0, 9999, &a->image))
				return rh_cli_usage_error("inject");
			break;
		case 'k':
			if (rh_cli_int("inject", "bit", optarg, 0, 0x7fffffffL, &a->bit))
				return rh_cli_usage_error("inject");
			break;
		case 'f': a->ff_name = optarg; break;
		case 't':
			if (rh_cli_int("inject", "cycle", optarg, 0, 0x7fffffffL, &a->cycle))
				return rh_cli_usage_error("inject");
			break;
		case 'B':
			if (rh_cli_int("inject", "budget", optarg, 1, 0x7fffffffL, &a->budget))
				return rh_cli_usage_error("inject");
			break;
		case 'T': a->trace = optarg; break;
		case 'd': a->data = optarg; break;
		case 'J': a->json = 1; break;
		case 'h': help(); return RH_EXIT_OK;
		default: return rh_cli_usage_error("inject");
		}
	}
	if (optind < argc) {
		rh_cli_error("inject", "unexpected argument '%s'", argv[optind]);
		return rh_cli_usage_error("inject");
	}
	if (!a->model || a->image < 0 || (a->bit < 0) == !a->ff_name || a->cycle < 0) {
		rh_cli_error("inject", "-m MODEL, --image I, --cycle T and one of --bit K or --ff NAME:INDEX are "
		                       "required");
		return rh_cli_usage_error("inject");
	}
	return -1;
}

/* Before any simulation: the trace's name says FST, and the file can be written. */
static int check_trace(const char *trace)
{
	size_t tl = strlen(trace);
	int fst = tl > 4 && !strcmp(trace + tl - 4, ".fst");
	FILE *tf = fst ? fopen(trace, "wb") : NULL;
	if (tf) {
		fclose(tf);
		return 0;
	}
	if (fst)
		rh_cli_error("inject", "--trace %s: %s", trace, strerror(errno));
	else
		rh_cli_error("inject", "--trace %s: traces are FST files: give the name a .fst ending", trace);
	return RH_EXIT_USAGE;
}

/* What the two runs return. */
struct runs {
	struct rh_result gold, res;
	uint32_t bit; /* the struck chain bit */
};

/* The chain bit a names, in the simulator's map; 0 or the exit code. */
static int resolve_bit(struct rh_sim *sim, const struct args *a, uint32_t *bit)
{
	struct rh_err err = {0, ""};
	if (a->ff_name && rh_ffmap_lookup(rh_sim_ffmap(sim), a->ff_name, bit, &err)) {
		rh_cli_error("inject", "--ff %s", err.msg);
		return RH_EXIT_USAGE;
	}
	if (!a->ff_name)
		*bit = (uint32_t)a->bit;
	if (*bit >= rh_sim_chain_len(sim)) {
		rh_cli_error("inject", "--bit %u: the chain has %u bits", *bit, rh_sim_chain_len(sim));
		return RH_EXIT_USAGE;
	}
	return 0;
}

/* The fault-free run, then the faulty one (traced when asked); 0 or the exit code. */
static int run_both(struct rh_sim *sim, const struct args *a, const int8_t *x, size_t n, struct runs *r)
{
	struct rh_err err = {0, ""};
	int rc = resolve_bit(sim, a, &r->bit);
	if (rc)
		return rc;
	rc = rh_sim_load_input(sim, x, n);
	if (!rc)
		rc = rh_sim_run(sim, NULL, 0, 0, NULL, &r->gold);
	if (rc || r->gold.end != RH_RUN_DONE) {
		rh_cli_error("inject", "the fault-free run failed");
		return RH_EXIT_HW;
	}
	if ((uint32_t)a->cycle >= r->gold.cycles) {
		rh_cli_error("inject",
		             "--cycle %ld: the fault-free run takes %u cycles, so it never reaches that one "
		             "(0 .. %u)",
		             a->cycle, r->gold.cycles, r->gold.cycles - 1);
		return RH_EXIT_USAGE;
	}
	if (a->trace && (rc = rh_sim_trace_open(sim, a->trace, &err)) != 0) {
		rh_cli_error("inject", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	struct rh_fault f = {.bit = r->bit, .cycle = (uint32_t)a->cycle};
	rc = rh_sim_load_input(sim, x, n);
	if (!rc)
		rc = rh_sim_run(sim, &f, 0, (uint32_t)a->budget, NULL, &r->res);
	rh_sim_trace_close(sim);
	if (rc) {
		rh_cli_error("inject", "the faulty run failed (%s)", rh_strerror(rc));
		return RH_EXIT_HW;
	}
	return 0;
}

static void print_json(const struct args *a, const struct rh_model *m, int label, const struct rh_ffmap *map,
                       const struct runs *r)
{
	uint32_t index = 0;
	const struct rh_ffmap_reg *reg = rh_ffmap_find(map, r->bit, &index);
	cJSON *o = cJSON_CreateObject(), *ff = cJSON_CreateObject(), *g = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "model", m->name);
	cJSON_AddStringToObject(o, "model_file", a->model);
	cJSON_AddStringToObject(o, "backend", a->backend);
	char hash[16];
	snprintf(hash, sizeof(hash), "%08x", rh_ffmap_hash(map));
	cJSON_AddStringToObject(o, "ffmap_hash", hash);
	cJSON_AddNumberToObject(o, "image", (double)a->image);
	cJSON_AddNumberToObject(o, "label", label);
	cJSON_AddNumberToObject(o, "bit", r->bit);
	cJSON_AddNumberToObject(o, "cycle", (double)a->cycle);
	cJSON_AddStringToObject(ff, "name", reg ? reg->name : "?");
	cJSON_AddNumberToObject(ff, "index", index);
	cJSON_AddStringToObject(ff, "class", reg ? rh_ff_class_name(reg->cls) : "?");
	cJSON_AddItemToObject(o, "ff", ff);
	cJSON_AddNumberToObject(o, "class", r->res.cls);
	cJSON_AddItemToObject(o, "logits", logits_json(&r->res));
	cJSON_AddNumberToObject(o, "cycles", r->res.cycles);
	cJSON_AddStringToObject(o, "outcome", rh_outcome_name(outcome(&r->gold, &r->res)));
	cJSON_AddNumberToObject(g, "class", r->gold.cls);
	cJSON_AddItemToObject(g, "logits", logits_json(&r->gold));
	cJSON_AddNumberToObject(g, "cycles", r->gold.cycles);
	cJSON_AddItemToObject(o, "golden", g);
	cJSON_AddNumberToObject(o, "chain_len", map->chain_len);
	if (a->trace)
		cJSON_AddStringToObject(o, "trace", a->trace);
	char *s = cJSON_Print(o);
	if (s)
		printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
}

static void print_human(const struct args *a, int label, const struct rh_ffmap *map, const struct runs *r)
{
	uint32_t index = 0;
	const struct rh_ffmap_reg *reg = rh_ffmap_find(map, r->bit, &index);
	printf("flip-flop  %s[%u] (%s), chain bit %u of %u\n", reg ? reg->name : "?", index,
	       reg ? rh_ff_class_name(reg->cls) : "?", r->bit, map->chain_len);
	printf("golden     class %d, %u cycles, logits", r->gold.cls, r->gold.cycles);
	for (int i = 0; i < r->gold.n_logits; i++)
		printf(" %d", r->gold.logits[i]);
	printf("\nfaulty     class %d, %u cycles", r->res.cls, r->res.cycles);
	if (r->res.end != RH_RUN_HANG) {
		printf(", logits");
		for (int i = 0; i < r->res.n_logits; i++)
			printf(" %d", r->res.logits[i]);
	}
	if (r->res.end == RH_RUN_CRASH)
		printf(" (not every logit written)");
	printf("\n");
	printf("outcome    %s (label %d)\n", rh_outcome_name(outcome(&r->gold, &r->res)), label);
	if (a->trace)
		printf("trace      %s\n", a->trace);
}

/* The flip-flop map a "sw" or "sw:GEOMETRY" --backend string names (that of sim[:GEOMETRY]), or
 * NULL. */
static const struct rh_ffmap *sw_map(const char *backend)
{
	if (!strcmp(backend, "sw") || !strcmp(backend, "sw:8x8"))
		return &rh_ffmap_sim;
	if (!strcmp(backend, "sw:ice40") || !strcmp(backend, "sw:1x2"))
		return &rh_ffmap_ice40;
	return NULL;
}

/* The golden result and the software fault-effect model's for the cell on test image x; 0 or the
 * exit code. */
static int sw_runs(const struct args *a, const struct rh_model *m, const struct rh_ffmap *map, const int8_t *x,
                   struct runs *r)
{
	struct rh_err err = {0, ""};
	struct rh_effect e;
	int modelled = 0, ret = 0;
	if (a->ff_name && rh_ffmap_lookup(map, a->ff_name, &r->bit, &err)) {
		rh_cli_error("inject", "--ff %s", err.msg);
		return RH_EXIT_USAGE;
	}
	if (!a->ff_name)
		r->bit = (uint32_t)a->bit;
	if (r->bit >= map->chain_len) {
		rh_cli_error("inject", "--bit %u: the chain has %u bits", r->bit, map->chain_len);
		return RH_EXIT_USAGE;
	}
	int rc = rh_effect_init(&e, m, map, rh_accel_geom_find(map->rows, map->cols), &err);
	if (rc) {
		rh_cli_error("inject", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	if (a->cycle >= e.c.cycles) {
		rh_cli_error("inject",
		             "--cycle %ld: the fault-free run takes %ld cycles, so it never reaches that one "
		             "(0 .. %ld)",
		             a->cycle, e.c.cycles, e.c.cycles - 1);
		ret = RH_EXIT_USAGE;
		goto out;
	}
	rc = rh_effect_run(&e, x, r->bit, (uint32_t)a->cycle, &r->res, &modelled, &err);
	if (rc) {
		rh_cli_error("inject", "%s", err.msg);
		ret = rh_cli_exit_for(rc);
		goto out;
	}
	r->gold = (struct rh_result){
	    .end = RH_RUN_DONE, .cls = e.cls, .n_logits = m->n_classes, .cycles = (uint32_t)e.c.cycles};
	memcpy(r->gold.logits, e.logits, sizeof(r->gold.logits));
	if (!modelled) {
		uint32_t index = 0;
		const struct rh_ffmap_reg *reg = rh_ffmap_find(map, r->bit, &index);
		rh_cli_error("inject",
		             "%s[%u] at cycle %ld: a live cell of a register (group %s) the software model does "
		             "not model (docs/fault-model.md, section 7.4); use --backend sim",
		             reg->name, index, a->cycle, rh_site_group_name(e.c.regs[reg - map->regs].group));
		ret = RH_EXIT_USAGE;
	}
out:
	rh_effect_free(&e);
	return ret;
}

/* rahil inject --backend sw[:GEOMETRY]: the same output as on the simulator, from the software
 * fault-effect model. */
static int inject_sw(const struct args *a)
{
	const struct rh_ffmap *map = sw_map(a->backend);
	if (!map) {
		rh_cli_error("inject", "--backend %s: the software model runs as sw, sw:8x8, sw:ice40 or sw:1x2",
		             a->backend);
		return rh_cli_usage_error("inject");
	}
	if (a->trace || a->budget) {
		rh_cli_error("inject", "--%s: the software model has no %s; use --backend sim",
		             a->trace ? "trace" : "budget", a->trace ? "waveform" : "watchdog");
		return rh_cli_usage_error("inject");
	}
	struct rh_err err = {0, ""};
	struct rh_model m;
	struct rh_dataset test;
	struct runs r;
	int8_t x[4096];
	int ret = 0, rc = rh_model_load(&m, a->model, &err);
	if (rc) {
		rh_cli_error("inject", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	rc = rh_dataset_load(&test, a->data, RH_TEST, &err);
	if (rc) {
		rh_model_free(&m);
		rh_cli_error("inject", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	if (a->image >= test.n || m.in_h != test.h || m.in_w != test.w || m.in_c != 1) {
		rh_cli_error("inject", "image %ld of %d, model input %dx%dx%d, data %dx%dx1", a->image, test.n, m.in_h,
		             m.in_w, m.in_c, test.h, test.w);
		ret = RH_EXIT_USAGE;
		goto out;
	}
	rh_dataset_input(&test, a->image, x);
	if ((ret = sw_runs(a, &m, map, x, &r)) != 0)
		goto out;
	if (a->json)
		print_json(a, &m, test.labels[a->image], map, &r);
	else
		print_human(a, test.labels[a->image], map, &r);
out:
	rh_dataset_free(&test);
	rh_model_free(&m);
	return ret;
}

int rh_cmd_inject(int argc, char **argv)
{
	struct args a;
	int ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	if (!strncmp(a.backend, "sw", 2))
		return inject_sw(&a);
	if (a.trace && (ret = check_trace(a.trace)))
		return ret;
	const struct rh_sim_set *set = rh_backend_sim_set(a.backend);
	if (!set) {
		rh_cli_error("inject", "--backend %s: inject runs on the simulator: sim, sim:8x8, sim:ice40 or sim:2x4",
		             a.backend);
		return rh_cli_usage_error("inject");
	}
	struct rh_err err = {0, ""};
	struct rh_model m;
	struct rh_dataset test;
	struct rh_sim *sim = NULL;
	struct runs r;
	int8_t x[4096];
	int rc = rh_model_load(&m, a.model, &err);
	if (rc) {
		rh_cli_error("inject", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	rc = rh_dataset_load(&test, a.data, RH_TEST, &err);
	if (rc) {
		rh_model_free(&m);
		rh_cli_error("inject", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	if (a.image >= test.n || m.in_h != test.h || m.in_w != test.w || m.in_c != 1) {
		rh_cli_error("inject", "image %ld of %d, model input %dx%dx%d, data %dx%dx1", a.image, test.n, m.in_h,
		             m.in_w, m.in_c, test.h, test.w);
		ret = RH_EXIT_USAGE;
		goto out;
	}
	rh_dataset_input(&test, a.image, x);
	rc = rh_sim_create(&sim, set, a.trace ? RH_SIM_TRACEABLE : 0, &err);
	if (!rc)
		rc = rh_sim_load_model(sim, &m, &err);
	if (rc) {
		rh_cli_error("inject", "%s", err.msg);
		ret = rh_cli_exit_for(rc);
		goto out;
	}
	if ((ret = run_both(sim, &a, x, (size_t)(test.h * test.w), &r)) != 0)
		goto out;
	if (a.json)
		print_json(&a, &m, test.labels[a.image], rh_sim_ffmap(sim), &r);
	else
		print_human(&a, test.labels[a.image], rh_sim_ffmap(sim), &r);
out:
	rh_sim_destroy(sim);
	rh_dataset_free(&test);
	rh_model_free(&m);
	return ret;
}
