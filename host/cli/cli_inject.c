/* rahil inject: one inference on the simulated accelerator with one bit flip, optionally traced. */
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
	       "  --backend B        sim (default, 8x8), sim:ice40 (the iCEBreaker's 1x2) or sim:2x4\n"
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

static enum rh_outcome outcome(const struct rh_sim_result *g, const struct rh_sim_result *f)
{
	return rh_outcome_classify(f->end == RH_SIM_HANG, f->end == RH_SIM_CRASH, f->cls, f->logits, g->cls, g->logits,
	                           g->n_logits);
}

static cJSON *logits_json(const struct rh_sim_result *r)
{
	cJSON *a = cJSON_CreateArray();
	if (r->end == RH_SIM_DONE || r->end == RH_SIM_CRASH)
		for (int i = 0; i < r->n_logits; i++)
			cJSON_AddItemToArray(a, cJSON_CreateNumber(r->logits[i]));
	return a;
}

int rh_cmd_inject(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"model", required_argument, NULL, 'm'},  {"backend", required_argument, NULL, 'b'},
	    {"image", required_argument, NULL, 'i'},  {"bit", required_argument, NULL, 'k'},
	    {"ff", required_argument, NULL, 'f'},     {"cycle", required_argument, NULL, 't'},
	    {"budget", required_argument, NULL, 'B'}, {"trace", required_argument, NULL, 'T'},
	    {"data", required_argument, NULL, 'd'},   {"json", no_argument, NULL, 'J'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	const char *model = NULL, *trace = NULL, *data = NULL, *ff_name = NULL, *backend = "sim";
	long image = -1, bit = -1, cycle = -1, budget = 0;
	int json = 0, c;
	optind = 1;
	while ((c = rh_cli_getopt("inject", argc, argv, "m:h", opts)) != -1) {
		switch (c) {
		case 'm': model = optarg; break;
		case 'b': backend = optarg; break;
		case 'i':
			if (rh_cli_int("inject", "image", optarg, 0, 9999, &image))
				return rh_cli_usage_error("inject");
			break;
		case 'k':
			if (rh_cli_int("inject", "bit", optarg, 0, 0x7fffffffL, &bit))
				return rh_cli_usage_error("inject");
			break;
		case 'f': ff_name = optarg; break;
		case 't':
			if (rh_cli_int("inject", "cycle", optarg, 0, 0x7fffffffL, &cycle))
				return rh_cli_usage_error("inject");
			break;
		case 'B':
			if (rh_cli_int("inject", "budget", optarg, 1, 0x7fffffffL, &budget))
				return rh_cli_usage_error("inject");
			break;
		case 'T': trace = optarg; break;
		case 'd': data = optarg; break;
		case 'J': json = 1; break;
		case 'h': help(); return RH_EXIT_OK;
		default: return rh_cli_usage_error("inject");
		}
	}
	if (optind < argc) {
		rh_cli_error("inject", "unexpected argument '%s'", argv[optind]);
		return rh_cli_usage_error("inject");
	}
	if (!model || image < 0 || (bit < 0) == !ff_name || cycle < 0) {
		rh_cli_error("inject", "-m MODEL, --image I, --cycle T and one of --bit K or --ff NAME:INDEX are "
		                       "required");
		return rh_cli_usage_error("inject");
	}
	if (trace) { /* before any simulation: the name says FST, and the file can be written */
		size_t tl = strlen(trace);
		FILE *tf = tl > 4 && !strcmp(trace + tl - 4, ".fst") ? fopen(trace, "wb") : NULL;
		if (!tf) {
			if (tl > 4 && !strcmp(trace + tl - 4, ".fst"))
				rh_cli_error("inject", "--trace %s: %s", trace, strerror(errno));
			else
				rh_cli_error("inject", "--trace %s: traces are FST files: give the name a .fst ending",
				             trace);
			return RH_EXIT_USAGE;
		}
		fclose(tf);
	}
	const struct rh_sim_set *set = rh_backend_sim_set(backend);
	if (!set) {
		rh_cli_error("inject", "--backend %s: inject runs on the simulator: sim, sim:8x8, sim:ice40 or sim:2x4",
		             backend);
		return rh_cli_usage_error("inject");
	}

	struct rh_err err = {0, ""};
	struct rh_model m;
	struct rh_dataset test;
	struct rh_sim *sim = NULL;
	struct rh_sim_result gold, res;
	int8_t x[4096];
	int rc = rh_model_load(&m, model, &err), ret = RH_EXIT_OK;
	if (rc) {
		rh_cli_error("inject", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	rc = rh_dataset_load(&test, data, RH_TEST, &err);
	if (rc) {
		rh_model_free(&m);
		rh_cli_error("inject", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	if (image >= test.n || m.in_h != test.h || m.in_w != test.w || m.in_c != 1) {
		rh_cli_error("inject", "image %ld of %d, model input %dx%dx%d, data %dx%dx1", image, test.n, m.in_h,
		             m.in_w, m.in_c, test.h, test.w);
		ret = RH_EXIT_USAGE;
		goto out;
	}
	rh_dataset_input(&test, image, x);

	rc = rh_sim_create(&sim, set, trace ? RH_SIM_TRACEABLE : 0, &err);
	if (!rc)
		rc = rh_sim_load_model(sim, &m, &err);
	if (rc) {
		rh_cli_error("inject", "%s", err.msg);
		ret = rh_cli_exit_for(rc);
		goto out;
	}
	if (ff_name) {
		uint32_t b;
		if ((rc = rh_ffmap_lookup(rh_sim_ffmap(sim), ff_name, &b, &err))) {
			rh_cli_error("inject", "--ff %s", err.msg);
			ret = RH_EXIT_USAGE;
			goto out;
		}
		bit = (long)b;
	}
	if ((uint32_t)bit >= rh_sim_chain_len(sim)) {
		rh_cli_error("inject", "--bit %ld: the chain has %u bits", bit, rh_sim_chain_len(sim));
		ret = RH_EXIT_USAGE;
		goto out;
	}
	rc = rh_sim_load_input(sim, x, (size_t)(test.h * test.w));
	if (!rc)
		rc = rh_sim_run(sim, NULL, 0, NULL, &gold);
	if (rc || gold.end != RH_SIM_DONE) {
		rh_cli_error("inject", "the fault-free run failed");
		ret = RH_EXIT_HW;
		goto out;
	}
	if ((uint32_t)cycle >= gold.cycles) {
		rh_cli_error("inject",
		             "--cycle %ld: the fault-free run takes %u cycles, so it never reaches that one "
		             "(0 .. %u)",
		             cycle, gold.cycles, gold.cycles - 1);
		ret = RH_EXIT_USAGE;
		goto out;
	}
	if (trace && (rc = rh_sim_trace_open(sim, trace, &err)) != 0) {
		rh_cli_error("inject", "%s", err.msg);
		ret = rh_cli_exit_for(rc);
		goto out;
	}
	struct rh_sim_fault f = {(uint32_t)bit, (uint32_t)cycle, 1, 0};
	rc = rh_sim_load_input(sim, x, (size_t)(test.h * test.w));
	if (!rc)
		rc = rh_sim_run(sim, &f, (uint32_t)budget, NULL, &res);
	rh_sim_trace_close(sim);
	if (rc) {
		rh_cli_error("inject", "the faulty run failed (%s)", rh_strerror(rc));
		ret = RH_EXIT_HW;
		goto out;
	}

	uint32_t index = 0;
	const struct rh_ffmap_reg *reg = rh_ffmap_find(rh_sim_ffmap(sim), (uint32_t)bit, &index);
	const char *oc = rh_outcome_name(outcome(&gold, &res));
	if (json) {
		cJSON *o = cJSON_CreateObject(), *ff = cJSON_CreateObject(), *g = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "model", m.name);
		cJSON_AddStringToObject(o, "model_file", model);
		cJSON_AddStringToObject(o, "backend", backend);
		char hash[16];
		snprintf(hash, sizeof(hash), "%08x", rh_ffmap_hash(rh_sim_ffmap(sim)));
		cJSON_AddStringToObject(o, "ffmap_hash", hash);
		cJSON_AddNumberToObject(o, "image", (double)image);
		cJSON_AddNumberToObject(o, "label", test.labels[image]);
		cJSON_AddNumberToObject(o, "bit", (double)bit);
		cJSON_AddNumberToObject(o, "cycle", (double)cycle);
		cJSON_AddStringToObject(ff, "name", reg ? reg->name : "?");
		cJSON_AddNumberToObject(ff, "index", index);
		cJSON_AddStringToObject(ff, "class", reg ? rh_ff_class_name(reg->cls) : "?");
		cJSON_AddItemToObject(o, "ff", ff);
		cJSON_AddNumberToObject(o, "class", res.cls);
		cJSON_AddItemToObject(o, "logits", logits_json(&res));
		cJSON_AddNumberToObject(o, "cycles", res.cycles);
		cJSON_AddStringToObject(o, "outcome", oc);
		cJSON_AddNumberToObject(g, "class", gold.cls);
		cJSON_AddItemToObject(g, "logits", logits_json(&gold));
		cJSON_AddNumberToObject(g, "cycles", gold.cycles);
		cJSON_AddItemToObject(o, "golden", g);
		cJSON_AddNumberToObject(o, "chain_len", rh_sim_chain_len(sim));
		if (trace)
			cJSON_AddStringToObject(o, "trace", trace);
		char *s = cJSON_Print(o);
		if (s)
			printf("%s\n", s);
		free(s);
		cJSON_Delete(o);
	} else {
		printf("flip-flop  %s[%u] (%s), chain bit %ld of %u\n", reg ? reg->name : "?", index,
		       reg ? rh_ff_class_name(reg->cls) : "?", bit, rh_sim_chain_len(sim));
		printf("golden     class %d, %u cycles, logits", gold.cls, gold.cycles);
		for (int i = 0; i < gold.n_logits; i++)
			printf(" %d", gold.logits[i]);
		printf("\nfaulty     class %d, %u cycles", res.cls, res.cycles);
		if (res.end != RH_SIM_HANG) {
			printf(", logits");
			for (int i = 0; i < res.n_logits; i++)
				printf(" %d", res.logits[i]);
		}
		if (res.end == RH_SIM_CRASH)
			printf(" (%d of %d written)", res.n_written, res.n_logits);
		printf("\n");
		printf("outcome    %s (label %d)\n", oc, test.labels[image]);
		if (trace)
			printf("trace      %s\n", trace);
	}
out:
	rh_sim_destroy(sim);
	rh_dataset_free(&test);
	rh_model_free(&m);
	return ret;
}
