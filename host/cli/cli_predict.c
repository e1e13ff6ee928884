/* rahil predict: RA_True, RA_True-nc or RA_SW from the software models, without the simulator. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_result.h"
#include "dataset.h"
#include "model.h"
#include "predict.h"

static void help(void)
{
	printf("Usage: rahil predict -m MODEL --formulation true|true-nc|sw [OPTIONS]\n\n"
	       "Predict the resiliency accuracy (RA: the accuracy given one transient single-bit fault)\n"
	       "from the software models alone, by uniform or importance sampling over the first K\n"
	       "test images or by enumerating every cell (docs/fault-model.md, sections 8 and 9), and\n"
	       "report SA (exact over the images), RA and the\n"
	       "drop SA - RA with 95%% intervals (the golden outcome as control variate), and the drop\n"
	       "contributed by each layer, class and bit position.\n\n"
	       "Formulations:\n"
	       "  true      RA_True: a (chain bit, cycle, image) cell uniformly, its result from the\n"
	       "            census and the fault-effect model; live control cells the model does not\n"
	       "            model count as never correct (no calibration)\n"
	       "  true-nc   the same over the datapath flip-flops only (no control)\n"
	       "  sw        RA_SW: a (variable, bit) site uniformly over every weight and every stored\n"
	       "            activation (each layer's input) and its 8 bits, the flipped value used\n"
	       "            wherever it is read, on the reference model\n\n"
	       "Options:\n"
	       "  -m, --model MODEL    the .rmod model file (required)\n"
	       "  --formulation F      true, true-nc or sw (required)\n"
	       "  --backend B          the geometry and flip-flop map: sim (default, 8x8) or\n"
	       "                       sim:ice40 (the iCEBreaker's 1x2); sw, sw:ice40 the same (the\n"
	       "                       simulator is never run)\n"
	       "  --sampler S          uniform (default); is: strata (layer, class, bit position)\n"
	       "                       by their live share; isb: is times a failure profile per\n"
	       "                       (class, bit position) learned from a uniform pilot. Both\n"
	       "                       keep the target in the proposal (--defensive), weigh each\n"
	       "                       sample P/q and give the weighted-variance interval\n"
	       "  --pilot N            isb: the pilot's samples, counted in --n (default: until 30\n"
	       "                       live samples changed the outcome, at most a quarter of --n)\n"
	       "  --defensive A        is, isb: the target's weight in the proposal, in (0, 1]\n"
	       "                       (default 0.1)\n"
	       "  --exhaustive         every cell (true, true-nc) or site (sw) of every image once:\n"
	       "                       exact for the images, for tiny configurations (at most 2e8)\n"
	       "  --occupancy O        exact (default): cells uniform, every site weighted by its\n"
	       "                       exact live share; analytic: the study's LP x TP x UF per\n"
	       "                       (layer, class), then a live cell of it\n"
	       "  --control C          model (default) or study: every control cell never correct\n"
	       "  --calibration FILE   live cells the effect model does not model take their\n"
	       "                       register group's rates measured by `rahil campaign\n"
	       "                       --calibration-out FILE` (same model and flip-flop map),\n"
	       "                       with their uncertainty in the interval\n"
	       "  --fit CLASS=RATE[,CLASS=RATE...]  true, true-nc: raw FIT rates per flip-flop\n"
	       "                       class (input_act, weight, output_act, control; default 1\n"
	       "                       each; repeatable): P strikes a bit in proportion to its\n"
	       "                       class's rate, as `rahil campaign --fit` draws\n"
	       "  --n N                samples (default 20000; with --ci or --rel-ci the cap)\n"
	       "  --ci H               stop once the RA interval's half-width is at most H\n"
	       "  --rel-ci R           stop once the drop interval's half-width is at most R x drop\n"
	       "  --check-every K      samples between stopping checks and trace points (1000)\n"
	       "  --images K           evaluation images: the first K test images (default 100)\n"
	       "  --seed S             random seed (default 1)\n"
	       "  --data DIR           Fashion-MNIST directory (default $RAHIL_DATA or %s)\n"
	       "  --json               print the result as JSON on stdout\n"
	       "  -h, --help           this text\n\n",
	       RH_DEFAULT_DATA_DIR);
	rh_cli_exit_codes(stdout);
}

struct args {
	const char *model, *data, *backend, *calib_path;
	struct rh_calib calib;
	struct rh_fit fit;
	struct rh_pred_opts o;
	long images;
	int have_form, json;
	const struct rh_ffmap *map;
};

/* The name's index in names[n], or -1 with a message naming the choices. */
static int choice(const char *opt, const char *arg, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return i;
	rh_cli_error("predict", "--%s %s: expected %s%s%s%s%s", opt, arg, names[0], n > 1 ? ", " : "",
	             n > 1 ? names[1] : "", n > 2 ? " or " : "", n > 2 ? names[2] : "");
	return -1;
}

/* The flip-flop map a --backend names. */
static const struct rh_ffmap *backend_map(const char *b)
{
	static const char *const sim[] = {"sim", "sim:8x8", "sw", "sw:8x8"};
	static const char *const ice[] = {"sim:ice40", "sim:1x2", "sw:ice40", "sw:1x2"};
	for (int i = 0; i < 4; i++) {
		if (!strcmp(b, sim[i]))
			return &rh_ffmap_sim;
		if (!strcmp(b, ice[i]))
			return &rh_ffmap_ice40;
	}
	return NULL;
}

static int set_opt(struct args *a, int c)
{
	static const char *const forms[] = {"true", "true-nc", "sw"}, *const occs[] = {"exact", "analytic"},
	                         *const ctls[] = {"model", "study"}, *const samplers[] = {"uniform", "is", "isb"};
	long v;
	switch (c) {
	case 'm': a->model = optarg; return 0;
	case 'b': a->backend = optarg; return 0;
	case 'd': a->data = optarg; return 0;
	case 'J': a->json = 1; return 0;
	case 'f': a->have_form = 1; return (a->o.form = choice("formulation", optarg, forms, 3)) < 0;
	case 'o': return (a->o.occupancy = choice("occupancy", optarg, occs, 2)) < 0;
	case 'c': return (a->o.control = choice("control", optarg, ctls, 2)) < 0;
	case 'S': return (a->o.sampler = choice("sampler", optarg, samplers, 3)) < 0;
	case 'P': return rh_cli_int("predict", "pilot", optarg, 1, 100000000L, &a->o.pilot);
	case 'D': return rh_cli_num("predict", "defensive", optarg, 0.001, 1, &a->o.defensive);
	case 'E': a->o.exhaustive = 1; return 0;
	case 'L': a->calib_path = optarg; return 0;
	case 'F': return rh_cli_fit("predict", optarg, &a->fit);
	case 'n': return rh_cli_int("predict", "n", optarg, 1, 100000000L, &a->o.n);
	case 'k': return rh_cli_int("predict", "check-every", optarg, 1, 100000000L, &a->o.check_every);
	case 'i': return rh_cli_int("predict", "images", optarg, 1, 10000, &a->images);
	case 's':
		if (rh_cli_int("predict", "seed", optarg, 0, 0x7fffffffffffffffL, &v))
			return -1;
		a->o.seed = (uint64_t)v;
		return 0;
	case 'C': return rh_cli_num("predict", "ci", optarg, 1e-6, 1, &a->o.ci);
	case 'R': return rh_cli_num("predict", "rel-ci", optarg, 1e-6, 10, &a->o.rel_ci);
	default: return -1;
	}
}

/* Parse argv into *a; -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
	    {"model", required_argument, NULL, 'm'},
	    {"backend", required_argument, NULL, 'b'},
	    {"formulation", required_argument, NULL, 'f'},
	    {"sampler", required_argument, NULL, 'S'},
	    {"pilot", required_argument, NULL, 'P'},
	    {"defensive", required_argument, NULL, 'D'},
	    {"exhaustive", no_argument, NULL, 'E'},
	    {"calibration", required_argument, NULL, 'L'},
	    {"fit", required_argument, NULL, 'F'},
	    {"occupancy", required_argument, NULL, 'o'},
	    {"control", required_argument, NULL, 'c'},
	    {"n", required_argument, NULL, 'n'},
	    {"ci", required_argument, NULL, 'C'},
	    {"rel-ci", required_argument, NULL, 'R'},
	    {"check-every", required_argument, NULL, 'k'},
	    {"images", required_argument, NULL, 'i'},
	    {"seed", required_argument, NULL, 's'},
	    {"data", required_argument, NULL, 'd'},
	    {"json", no_argument, NULL, 'J'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	*a = (struct args){.backend = "sim", .images = 100, .o = {.n = 20000, .seed = 1}};
	rh_fit_default(&a->fit);
	int c;
	optind = 1;
	while ((c = rh_cli_getopt("predict", argc, argv, "m:h", opts)) != -1) {
		if (c == 'h') {
			help();
			return RH_EXIT_OK;
		}
		if (set_opt(a, c))
			return rh_cli_usage_error("predict");
	}
	if (optind < argc) {
		rh_cli_error("predict", "unexpected argument '%s'", argv[optind]);
		return rh_cli_usage_error("predict");
	}
	if (!a->model || !a->have_form) {
		rh_cli_error("predict", "-m MODEL and --formulation true|true-nc|sw are required");
		return rh_cli_usage_error("predict");
	}
	if (!(a->map = backend_map(a->backend))) {
		rh_cli_error("predict",
		             "--backend %s: predict takes the geometry of sim, sim:8x8, sim:ice40, sim:1x2 or "
		             "the same as sw:...",
		             a->backend);
		return rh_cli_usage_error("predict");
	}
	if (a->o.form == RH_PF_SW && (a->o.occupancy || a->o.control)) {
		rh_cli_error("predict", "--occupancy and --control are for true and true-nc; sw samples variables");
		return rh_cli_usage_error("predict");
	}
	if (a->o.ci > 0 && a->o.rel_ci > 0) {
		rh_cli_error("predict", "--ci and --rel-ci: give one target");
		return rh_cli_usage_error("predict");
	}
	if (a->o.exhaustive && (a->o.sampler || a->o.ci > 0 || a->o.rel_ci > 0 || a->o.pilot || a->o.occupancy)) {
		rh_cli_error("predict", "--exhaustive enumerates every cell: no --sampler, --ci, --rel-ci, --pilot "
		                        "or --occupancy analytic with it");
		return rh_cli_usage_error("predict");
	}
	if (a->calib_path && (a->o.form == RH_PF_SW || a->o.control == RH_PC_STUDY)) {
		rh_cli_error("predict", "--calibration is for true and true-nc with --control model");
		return rh_cli_usage_error("predict");
	}
	if ((a->o.pilot || a->o.defensive > 0) && a->o.sampler == RH_PS_UNIFORM) {
		rh_cli_error("predict", "--pilot and --defensive are for --sampler is or isb");
		return rh_cli_usage_error("predict");
	}
	if (a->o.form == RH_PF_SW && !rh_fit_uniform(&a->fit)) {
		rh_cli_error("predict", "--fit weighs flip-flops: it is for true and true-nc; sw samples variables");
		return rh_cli_usage_error("predict");
	}
	if ((a->o.ci > 0 || a->o.rel_ci > 0) && !a->o.check_every)
		a->o.check_every = 1000;
	a->o.fit = &a->fit;
	return -1;
}

static cJSON *array(const double *v, int n)
{
	cJSON *o = cJSON_CreateArray();
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(o, cJSON_CreateNumber(v[i]));
	return o;
}

static void add_common(cJSON *o, const struct args *a, const struct rh_model *m, const struct rh_pred_result *r)
{
	cJSON_AddStringToObject(o, "model", m->name);
	cJSON_AddStringToObject(o, "model_file", a->model);
	cJSON_AddStringToObject(o, "backend", a->backend);
	cJSON_AddStringToObject(o, "formulation", rh_pred_form_name(a->o.form));
	cJSON_AddStringToObject(o, "sampler", a->o.exhaustive ? "exhaustive" : rh_pred_sampler_name(a->o.sampler));
	cJSON_AddNumberToObject(o, "pilot", (double)r->pilot);
	cJSON_AddNumberToObject(o, "max_weight", r->max_weight);
	cJSON_AddStringToObject(o, "occupancy", a->o.form == RH_PF_SW ? "none" : rh_pred_occ_name(a->o.occupancy));
	cJSON_AddStringToObject(o, "control", a->o.form == RH_PF_TRUE ? rh_pred_ctl_name(a->o.control) : "none");
	cJSON_AddNumberToObject(o, "images", (double)a->images);
	cJSON_AddNumberToObject(o, "seed", (double)a->o.seed);
	rh_cli_fit_json(o, a->o.fit);
	cJSON_AddNumberToObject(o, "sa", r->sa);
	cJSON_AddNumberToObject(o, "ra", r->ra);
	cJSON_AddNumberToObject(o, "drop", r->drop);
	rh_cli_json_pair(o, "ci95", r->ci95);
	rh_cli_json_pair(o, "ci95_drop", r->ci95_drop);
	cJSON_AddNumberToObject(o, "n", (double)r->n);
	cJSON_AddNumberToObject(o, "ess", r->ess);
	cJSON_AddNumberToObject(o, "unmodelled", (double)r->unmodelled);
	cJSON_AddNumberToObject(o, "calibrated", (double)r->calibrated);
	if (a->o.calib)
		cJSON_AddStringToObject(o, "calibration", a->calib_path);
	cJSON_AddNumberToObject(o, "unused", (double)r->unused);
	cJSON_AddNumberToObject(o, "no_live", (double)r->no_live);
}

static void print_json(const struct args *a, const struct rh_model *m, const struct rh_pred_result *r)
{
	cJSON *o = cJSON_CreateObject(), *cls = cJSON_CreateObject(), *tr = cJSON_CreateArray();
	add_common(o, a, m, r);
	cJSON_AddItemToObject(o, "layer_drop", array(r->layer_drop, r->n_layers));
	for (int c = 0; c <= RH_FF_CONTROL; c++)
		cJSON_AddNumberToObject(cls, rh_ff_class_name(c), r->class_drop[c]);
	cJSON_AddItemToObject(o, "class_drop", cls);
	cJSON_AddItemToObject(o, "bit_drop", array(r->bit_drop, r->n_bitpos));
	for (long i = 0; i < r->n_trace; i++) {
		const struct rh_pred_point *p = &r->trace[i];
		cJSON *t = cJSON_CreateObject();
		cJSON_AddNumberToObject(t, "n", (double)p->n);
		cJSON_AddNumberToObject(t, "ra", p->ra);
		rh_cli_json_pair(t, "ci95", p->ci95);
		cJSON_AddNumberToObject(t, "drop", p->drop);
		rh_cli_json_pair(t, "ci95_drop", p->ci95_drop);
		cJSON_AddItemToArray(tr, t);
	}
	cJSON_AddItemToObject(o, "trace", tr);
	char *s = cJSON_Print(o);
	if (s)
		printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
}

static void print_human(const struct args *a, const struct rh_model *m, const struct rh_pred_result *r)
{
	printf("%s on %s: RA_%s, %s, occupancy %s, %ld images, seed %llu\n", m->name, a->backend,
	       a->o.form == RH_PF_TRUE      ? "True"
	       : a->o.form == RH_PF_TRUE_NC ? "True-nc"
	                                    : "SW",
	       a->o.exhaustive ? "exhaustive" : rh_pred_sampler_name(a->o.sampler),
	       a->o.form == RH_PF_SW ? "none" : rh_pred_occ_name(a->o.occupancy), a->images,
	       (unsigned long long)a->o.seed);
	rh_cli_fit_human("P weighted by ", &a->fit, "\n");
	if (a->o.calib)
		printf("calibration: %s (campaign on %s, %s, %ld injections, seed %ld, test images %d to %d)\n",
		       a->calib_path, a->calib.backend, a->calib.sampler, a->calib.n, a->calib.seed,
		       a->calib.first_image, a->calib.first_image + a->calib.images - 1);
	else if (a->o.form == RH_PF_TRUE)
		printf("control: %s\n", a->o.control == RH_PC_STUDY ? "every cell never correct (the study's rule)"
		                                                    : "never correct (no calibration)");
	if (a->o.form != RH_PF_SW)
		printf("live cells the effect model does not model: %ld of %ld samples, %ld of them calibrated, the "
		       "rest counted never correct\n",
		       r->unmodelled, r->n, r->calibrated);
	if (a->o.occupancy == RH_PO_ANALYTIC)
		printf("unused-register draws %ld (correct at SA), no live cell %ld\n", r->unused, r->no_live);
	if (a->o.sampler != RH_PS_UNIFORM)
		printf("importance sampling: pilot %ld samples (uniform), largest weight %.3g, defensive %.3g\n",
		       r->pilot, r->max_weight, a->o.defensive > 0 ? a->o.defensive : 0.1);
	printf("SA   %.4f\nRA   %.4f  [%.4f, %.4f]\ndrop %.4f  [%.4f, %.4f]\nn    %ld  ess %.0f\n\n", r->sa, r->ra,
	       r->ci95[0], r->ci95[1], r->drop, r->ci95_drop[0], r->ci95_drop[1], r->n, r->ess);
	printf("layer  samples   drop\n");
	for (int l = 0; l < r->n_layers; l++)
		printf("%5d  %7ld  %.5f\n", l, r->layer_n[l], r->layer_drop[l]);
	printf("\nclass        samples   drop\n");
	for (int c = 0; c <= RH_FF_CONTROL; c++)
		printf("%-11s  %7ld  %.5f\n", rh_ff_class_name(c), r->class_n[c], r->class_drop[c]);
	printf("\nbit  samples   drop\n");
	for (int b = 0; b < r->n_bitpos; b++)
		if (r->bit_n[b])
			printf("%3d  %7ld  %.5f\n", b, r->bit_n[b], r->bit_drop[b]);
}

/* The first a->images test images and their labels. */
static int load_images(const struct args *a, const struct rh_model *m, int8_t **x, int **labels, struct rh_err *err)
{
	struct rh_dataset test;
	int rc = rh_dataset_load(&test, a->data, RH_TEST, err);
	if (rc)
		return rc;
	long len = (long)test.h * test.w;
	if (m->in_h != test.h || m->in_w != test.w || m->in_c != 1)
		rc = rh_err_set(err, RH_E_INVAL, "%s takes %dx%dx%d inputs; the data set has %dx%dx1", a->model,
		                m->in_h, m->in_w, m->in_c, test.h, test.w);
	else if (a->images > test.n)
		rc = rh_err_set(err, RH_E_INVAL, "--images %ld: the test set has %d images", a->images, test.n);
	else if (!(*x = malloc((size_t)(len * a->images))) || !(*labels = malloc(sizeof(int) * (size_t)a->images)))
		rc = rh_err_set(err, RH_E_NOMEM, "out of memory for %ld images", a->images);
	for (long i = 0; !rc && i < a->images; i++) {
		rh_dataset_input(&test, (int)i, *x + i * len);
		(*labels)[i] = test.labels[i];
	}
	rh_dataset_free(&test);
	return rc;
}

/* --calibration: the file, of this model and this flip-flop map. */
static int load_calib(struct args *a, const struct rh_model *m, struct rh_err *err)
{
	int rc = rh_calib_read(a->calib_path, &a->calib, err);
	if (rc)
		return rc;
	if (a->calib.model_hash != rh_model_hash(m))
		return rh_err_set(err, RH_E_INVAL, "%s calibrates model %s (hash %08x), not %s (hash %08x)",
		                  a->calib_path, a->calib.model, a->calib.model_hash, m->name, rh_model_hash(m));
	if (a->calib.ffmap_hash != rh_ffmap_hash(a->map))
		return rh_err_set(err, RH_E_INVAL, "%s was measured on flip-flop map %08x, --backend %s has %08x",
		                  a->calib_path, a->calib.ffmap_hash, a->backend, rh_ffmap_hash(a->map));
	a->o.calib = &a->calib;
	return 0;
}

int rh_cmd_predict(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct rh_err err = {0, ""};
	struct rh_model m;
	struct rh_pred_result r = {.n = 0};
	int8_t *x = NULL;
	int *labels = NULL;
	if ((rc = rh_model_load(&m, a.model, &err)) != 0) {
		rh_cli_error("predict", "%s", err.msg);
		return rh_cli_exit_for(rc);
	}
	rc = load_images(&a, &m, &x, &labels, &err);
	if (!rc && a.calib_path)
		rc = load_calib(&a, &m, &err);
	if (!rc)
		rc = rh_predict(&m, a.map, rh_accel_geom_find(a.map->rows, a.map->cols), x, labels, (int)a.images, &a.o,
		                &r, &err);
	if (rc)
		rh_cli_error("predict", "%s", err.msg);
	else if (a.json)
		print_json(&a, &m, &r);
	else
		print_human(&a, &m, &r);
	rh_pred_result_free(&r);
	free(x);
	free(labels);
	rh_model_free(&m);
	return rh_cli_exit_for(rc);
}
