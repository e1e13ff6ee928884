/* rahil tests: the command line: usage errors, exit codes, corrupt inputs, JSON output. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "ffmap.h"
#include "harness.h"
#include "dataset.h"

static char out[65536], err[65536];

#define RUN(...) t_run(t, out, sizeof(out), err, sizeof(err), (const char *const[]){__VA_ARGS__, NULL})

static int cli_usage(struct test_ctx *t)
{
	int rc;
	CHECKF((rc = RUN("--help")) == 0 && strstr(out, "Exit codes"), "rc %d", rc);
	CHECKF((rc = t_run(t, out, sizeof(out), err, sizeof(err), (const char *const[]){NULL})) == 1,
	       "no command: rc %d", rc);
	CHECKF((rc = RUN("frobnicate")) == 1 && strstr(err, "unknown command"), "rc %d: %s", rc, err);
	const char *cmds[] = {"train", "eval", "sites", "predict", "campaign", "inject", "devices"};
	for (int i = 0; i < (int)(sizeof(cmds) / sizeof(cmds[0])); i++) {
		CHECKF((rc = RUN(cmds[i], "--help")) == 0 && strstr(out, "Exit codes"), "%s --help: rc %d", cmds[i],
		       rc);
		CHECKF((rc = RUN(cmds[i], "--no-such-option")) == 1 && strstr(err, "Try 'rahil"), "%s: rc %d: %s",
		       cmds[i], rc, err);
	}
	CHECKF((rc = RUN("train", "-o", "x.rmod")) == 1 && strstr(err, "--arch"), "rc %d: %s", rc, err);
	CHECKF((rc = RUN("train", "--arch", "rnn", "-o", "x.rmod")) == 1 && strstr(err, "unknown architecture"),
	       "rc %d: %s", rc, err);
	CHECKF((rc = RUN("train", "--arch", "mlp")) == 1 && strstr(err, "-o MODEL"), "rc %d: %s", rc, err);
	CHECKF((rc = RUN("train", "--arch", "mlp", "--epochs", "zero", "-o", "x")) == 1 && strstr(err, "--epochs"),
	       "rc %d: %s", rc, err);
	CHECKF((rc = RUN("eval")) == 1 && strstr(err, "-m MODEL"), "rc %d: %s", rc, err);
	CHECKF((rc = RUN("campaign", "-m", "models/mlp.rmod", "--n", "10")) == 1 && strstr(err, "--sampler"),
	       "rc %d: %s", rc, err);
	CHECKF((rc = RUN("campaign", "-m", "models/mlp.rmod", "--sampler", "stratified", "--n", "10")) == 1 &&
	           strstr(err, "not available") && strstr(err, "isb"),
	       "rc %d: %s", rc, err);
	CHECKF((rc = RUN("campaign", "-m", "models/mlp.rmod", "--sampler", "uniform", "--n", "0")) == 1, "rc %d: %s",
	       rc, err);
	CHECKF((rc = RUN("eval", "-m", "models/mlp.rmod", "--backend", "bogus")) == 1 && strstr(err, "bogus"),
	       "rc %d: %s", rc, err);
	CHECKF((rc = RUN("eval", "-m", "models/mlp.rmod", "--images", "-3")) == 1, "rc %d: %s", rc, err);
	CHECKF((rc = RUN("eval", "-m", "models/mlp.rmod", "stray")) == 1 && strstr(err, "stray"), "rc %d: %s", rc, err);
	return T_PASS;
}

static int cli_bad_inputs(struct test_ctx *t)
{
	char p[512], dir[512];
	int rc;
	/* A corrupt model: one byte of the committed MLP changed. */
	FILE *f = fopen("models/mlp.rmod", "rb");
	CHECK(f != NULL);
	static unsigned char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	CHECK(n > 1000);
	buf[n / 2] ^= 0x01;
	snprintf(p, sizeof(p), "%s/corrupt.rmod", t->tmpdir);
	CHECK(t_write_file(p, buf, n) == 0);
	CHECKF((rc = RUN("eval", "-m", p)) == 1 && strstr(err, "CRC-32 mismatch") && strstr(err, p), "rc %d: %s", rc,
	       err);
	snprintf(p, sizeof(p), "%s/no-such.rmod", t->tmpdir);
	CHECKF((rc = RUN("eval", "-m", p)) == 1 && strstr(err, "No such file"), "rc %d: %s", rc, err);
	/* A data directory without Fashion-MNIST, and one with a truncated label file. */
	snprintf(dir, sizeof(dir), "%s/empty-data", t->tmpdir);
	CHECKF((rc = RUN("eval", "-m", "models/mlp.rmod", "--data", dir)) == 1 && strstr(err, "--data"), "rc %d: %s",
	       rc, err);
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	snprintf(dir, sizeof(dir), "%s/trunc-data", t->tmpdir);
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
	         "mkdir -p '%s' && cp " RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz '%s'/ && "
	         "zcat " RH_DEFAULT_DATA_DIR "/t10k-labels-idx1-ubyte.gz | head -c 5000 > '%s'/t10k-labels-idx1-ubyte",
	         dir, dir, dir);
	CHECK(system(cmd) == 0);
	CHECKF((rc = RUN("eval", "-m", "models/mlp.rmod", "--data", dir)) == 1 && strstr(err, "truncated data"),
	       "rc %d: %s", rc, err);
	return T_PASS;
}

static int cli_eval_json(struct test_ctx *t)
{
	int rc;
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	CHECKF((rc = RUN("eval", "-m", "models/cnn.rmod", "--backend", "sw", "--images", "500", "--json")) == 0,
	       "rc %d: %s", rc, err);
	cJSON *j = cJSON_Parse(out);
	CHECKF(j != NULL, "not JSON: %s", out);
	const cJSON *sa = cJSON_GetObjectItem(j, "sa"), *im = cJSON_GetObjectItem(j, "images"),
	            *k = cJSON_GetObjectItem(j, "correct"), *ci = cJSON_GetObjectItem(j, "ci95");
	int ok = cJSON_IsNumber(sa) && cJSON_IsNumber(im) && im->valuedouble == 500 && cJSON_IsNumber(k) &&
	         k->valuedouble >= 0 && k->valuedouble <= 500 && k->valuedouble == (int)k->valuedouble &&
	         cJSON_IsArray(ci) && cJSON_GetArraySize(ci) == 2 && cJSON_IsNumber(cJSON_GetArrayItem(ci, 0)) &&
	         cJSON_IsNumber(cJSON_GetArrayItem(ci, 1));
	double got_sa = ok ? sa->valuedouble : 0, n_k = ok ? k->valuedouble : 0;
	double got_lo = ok ? cJSON_GetArrayItem(ci, 0)->valuedouble : 0;
	double got_hi = ok ? cJSON_GetArrayItem(ci, 1)->valuedouble : 0;
	cJSON_Delete(j);
	CHECKF(ok, "unexpected JSON: %s", out);
	/* sa is correct / images, and ci95 the Wilson score interval at z = 1.96 for those counts,
	 * computed here in its closed form (k + z^2/2 +- z sqrt(k (n - k) / n + z^2/4)) / (n + z^2),
	 * not with rh_wilson; both to 1e-9. */
	double z = 1.96, nn = 500, half = z * sqrt(n_k * (nn - n_k) / nn + z * z / 4);
	double want_lo = (n_k + z * z / 2 - half) / (nn + z * z), want_hi = (n_k + z * z / 2 + half) / (nn + z * z);
	CHECKF(fabs(got_sa - n_k / nn) < 1e-9, "sa %.12f, expected %g / 500 = %.12f", got_sa, n_k, n_k / nn);
	CHECKF(fabs(got_lo - want_lo) < 1e-9 && fabs(got_hi - want_hi) < 1e-9,
	       "ci95 [%.12f, %.12f], expected the Wilson interval of %g / 500: [%.12f, %.12f]", got_lo, got_hi, n_k,
	       want_lo, want_hi);
	CHECKF(got_sa > 0.8, "sa %.4f on the committed CNN", got_sa);
	/* An assertion requested on the command line that fails: exit 4. */
	CHECKF((rc = RUN("eval", "-m", "models/mlp.rmod", "--images", "200", "--min-sa", "0.999")) == 4 &&
	           strstr(err, "below"),
	       "rc %d: %s", rc, err);
	CHECKF((rc = RUN("eval", "-m", "models/mlp.rmod", "--images", "200", "--min-sa", "0.5")) == 0, "rc %d: %s", rc,
	       err);
	return T_PASS;
}

static int cli_train_small(struct test_ctx *t)
{
	char p[512];
	int rc;
	if (access(RH_DEFAULT_DATA_DIR "/train-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	snprintf(p, sizeof(p), "%s/small.rmod", t->tmpdir);
	CHECKF((rc = RUN("train", "--arch", "mlp", "--epochs", "1", "--train-images", "2000", "--test-images", "500",
	                 "-q", "--json", "-o", p)) == 0,
	       "rc %d: %s", rc, err);
	cJSON *j = cJSON_Parse(out);
	CHECKF(j != NULL, "not JSON: %s", out);
	double acc = cJSON_GetNumberValue(cJSON_GetObjectItem(j, "sa"));
	const char *mf = cJSON_GetStringValue(cJSON_GetObjectItem(j, "model_file"));
	const char *mn = cJSON_GetStringValue(cJSON_GetObjectItem(j, "model"));
	int names = mf && !strcmp(mf, p) && mn && !strcmp(mn, "mlp");
	cJSON_Delete(j);
	CHECKF(acc > 0.6, "int8 accuracy %.3f", acc);
	CHECKF(names, "model and model_file: %s", out);
	CHECKF((rc = RUN("eval", "-m", p, "--images", "500")) == 0 && strstr(out, "sa "), "rc %d: %s", rc, err);
	return T_PASS;
}

/* rahil inject --ff NAME:INDEX strikes the named flip-flop: the bit the host's map gives. */
static int cli_inject_by_name(struct test_ctx *t)
{
	int rc;
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	const char *name = "gen_row[1].gen_col[2].u_pe.u_acc:30";
	uint32_t want;
	struct rh_err e;
	CHECKF(rh_ffmap_lookup(&rh_ffmap_sim, name, &want, &e) == 0, "%s", e.msg);
	CHECKF((rc = RUN("inject", "-m", "models/mlp.rmod", "--image", "2", "--ff", name, "--cycle", "9000",
	                 "--json")) == 0,
	       "rc %d: %s", rc, err);
	cJSON *j = cJSON_Parse(out);
	CHECKF(j != NULL, "not JSON: %s", out);
	double bit = cJSON_GetNumberValue(cJSON_GetObjectItem(j, "bit"));
	const cJSON *ff = cJSON_GetObjectItem(j, "ff");
	const char *reg = cJSON_GetStringValue(cJSON_GetObjectItem(ff, "name"));
	int ok = bit == want && reg && strstr(reg, "gen_row[1].gen_col[2].u_pe.u_acc");
	cJSON_Delete(j);
	CHECKF(ok, "bit %.0f (want %u), register %s", bit, want, reg ? reg : "?");
	CHECKF((rc = RUN("inject", "-m", "models/mlp.rmod", "--image", "2", "--ff", "u_acc:30", "--cycle", "9")) == 1 &&
	           strstr(err, "registers"),
	       "ambiguous name: rc %d: %s", rc, err);
	CHECKF((rc = RUN("inject", "-m", "models/mlp.rmod", "--image", "2", "--ff",
	                 "gen_row[1].gen_col[2].u_pe.u_acc:32", "--cycle", "9")) == 1 &&
	           strstr(err, "32 bits"),
	       "index past the width: rc %d: %s", rc, err);
	CHECKF((rc = RUN("inject", "-m", "models/mlp.rmod", "--image", "2", "--ff", "u_pe", "--cycle", "9")) == 1 &&
	           strstr(err, "NAME:INDEX"),
	       "no index: rc %d: %s", rc, err);
	return T_PASS;
}

/* rahil inject --backend sw gives the simulator's output for a modelled cell (JSON equal but for
 * "backend"), and exits 1 on a live cell it does not model. */
static int cli_inject_sw(struct test_ctx *t)
{
	int rc;
	static char sim_out[65536];
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	const char *ff = "gen_row[0].gen_col[1].u_pe.u_acc:30";
	CHECKF((rc = RUN("inject", "-m", "models/cnn.rmod", "--backend", "sim:ice40", "--image", "3", "--ff", ff,
	                 "--cycle", "100000", "--json")) == 0,
	       "sim: rc %d: %s", rc, err);
	memcpy(sim_out, out, sizeof(sim_out));
	CHECKF((rc = RUN("inject", "-m", "models/cnn.rmod", "--backend", "sw:ice40", "--image", "3", "--ff", ff,
	                 "--cycle", "100000", "--json")) == 0,
	       "sw: rc %d: %s", rc, err);
	cJSON *a = cJSON_Parse(sim_out), *b = cJSON_Parse(out);
	const char *oc = cJSON_GetStringValue(cJSON_GetObjectItem(a, "outcome"));
	const char *be = cJSON_GetStringValue(cJSON_GetObjectItem(b, "backend"));
	int changed = oc && strcmp(oc, "masked") != 0, named = be && !strcmp(be, "sw:ice40");
	cJSON_DeleteItemFromObject(a, "backend");
	cJSON_DeleteItemFromObject(b, "backend");
	int same = a && b && cJSON_Compare(a, b, 1);
	cJSON_Delete(a);
	cJSON_Delete(b);
	CHECKF(same && named, "sim and sw differ:\n%s\n%s", sim_out, out);
	CHECKF(changed, "the cell is masked, the comparison shows little: %s", sim_out);
	CHECKF((rc = RUN("inject", "-m", "models/mlp.rmod", "--backend", "sw", "--image", "0", "--ff",
	                 "u_ctl.u_fsm.u_st:1", "--cycle", "2000")) == 1 &&
	           strstr(err, "does not model"),
	       "a control cell: rc %d: %s", rc, err);
	CHECKF((rc = RUN("inject", "-m", "models/mlp.rmod", "--backend", "sw:2x4", "--image", "0", "--bit", "5",
	                 "--cycle", "1")) == 1 &&
	           strstr(err, "sw:ice40"),
	       "an unknown geometry: rc %d: %s", rc, err);
	return T_PASS;
}

/* A run that ends without writing its logits is a crash, never correct: flipping the "last
 * layer" flag of the first layer's descriptor (u_desc.u_cfl bit 3, RH_AF_LAST) on the iCEBreaker core
 * ends the run after that layer, which writes activations, not logits. And a cycle the
 * fault-free run never reaches is a usage error, not "masked". */
static int cli_inject_crash(struct test_ctx *t)
{
	int rc;
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	CHECKF((rc = RUN("inject", "-m", "models/mlp.rmod", "--backend", "sim:ice40", "--image", "0", "--ff",
	                 "u_ctl.u_desc.u_cfl:3", "--cycle", "805", "--json")) == 0,
	       "rc %d: %s", rc, err);
	cJSON *j = cJSON_Parse(out);
	CHECKF(j != NULL, "not JSON: %s", out);
	const char *oc = cJSON_GetStringValue(cJSON_GetObjectItem(j, "outcome"));
	const char *be = cJSON_GetStringValue(cJSON_GetObjectItem(j, "backend"));
	double cycles = cJSON_GetNumberValue(cJSON_GetObjectItem(j, "cycles"));
	double golden = cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "golden"), "cycles"));
	int ok = oc && !strcmp(oc, "crash") && be && !strcmp(be, "sim:ice40") && cycles < golden;
	cJSON_Delete(j);
	CHECKF(ok, "outcome %s on %s, %.0f of %.0f cycles: %s", oc ? oc : "?", be ? be : "?", cycles, golden, out);
	CHECKF((rc = RUN("inject", "-m", "models/mlp.rmod", "--image", "0", "--bit", "5", "--cycle", "13333")) == 1 &&
	           strstr(err, "never reaches") && strstr(err, "0 .. 13332"),
	       "cycle past the end: rc %d: %s", rc, err);
	CHECKF((rc = RUN("inject", "-m", "models/mlp.rmod", "--backend", "serial:/dev/null", "--image", "0", "--bit",
	                 "5", "--cycle", "1")) == 1 &&
	           strstr(err, "--backend serial:/dev/null"),
	       "a link back-end: rc %d: %s", rc, err);
	return T_PASS;
}

/* A small campaign's JSON on the CNN: every key the contract names, RA and its interval in
 * [0, 1] with low <= ra <= high and a nonzero width even when few failures are seen, the drop's
 * own interval around it, ESS = n (uniform), outcomes adding up to n, and the self-checks. */
static int cli_campaign_json(struct test_ctx *t)
{
	int rc;
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	CHECKF((rc = RUN("campaign", "-m", "models/cnn.rmod", "--sampler", "uniform", "--n", "10", "--images", "5",
	                 "--seed", "3", "--json", "-q")) == 0,
	       "rc %d: %s", rc, err);
	cJSON *j = cJSON_Parse(out);
	CHECKF(j != NULL, "not JSON: %s", out);
	const cJSON *ci = cJSON_GetObjectItem(j, "ci95"), *cd = cJSON_GetObjectItem(j, "ci95_drop");
	const cJSON *oc = cJSON_GetObjectItem(j, "outcomes"), *sc = cJSON_GetObjectItem(j, "self_check");
	double sa = cJSON_GetNumberValue(cJSON_GetObjectItem(j, "sa")),
	       ra = cJSON_GetNumberValue(cJSON_GetObjectItem(j, "ra"));
	double drop = cJSON_GetNumberValue(cJSON_GetObjectItem(j, "drop")),
	       n = cJSON_GetNumberValue(cJSON_GetObjectItem(j, "n"));
	double ess = cJSON_GetNumberValue(cJSON_GetObjectItem(j, "ess"));
	int ok = cJSON_GetArraySize(ci) == 2 && cJSON_GetArraySize(cd) == 2 && cJSON_IsObject(oc) && cJSON_IsObject(sc);
	double lo = ok ? cJSON_GetArrayItem(ci, 0)->valuedouble : -1,
	       hi = ok ? cJSON_GetArrayItem(ci, 1)->valuedouble : -1;
	double dlo = ok ? cJSON_GetArrayItem(cd, 0)->valuedouble : 2,
	       dhi = ok ? cJSON_GetArrayItem(cd, 1)->valuedouble : -2;
	double sum = 0;
	static const char *const names[] = {"masked", "benign", "sdc", "hang", "crash"};
	for (int i = 0; ok && i < 5; i++) {
		const cJSON *x = cJSON_GetObjectItem(oc, names[i]);
		ok = cJSON_IsNumber(x);
		sum += ok ? x->valuedouble : 0;
	}
	double golden = cJSON_GetNumberValue(cJSON_GetObjectItem(sc, "golden_runs"));
	double nulls = cJSON_GetNumberValue(cJSON_GetObjectItem(sc, "null_injections"));
	const char *mf = cJSON_GetStringValue(cJSON_GetObjectItem(j, "model_file"));
	const char *be = cJSON_GetStringValue(cJSON_GetObjectItem(j, "backend"));
	ok = ok && mf && !strcmp(mf, "models/cnn.rmod") && be && !strcmp(be, "sim");
	cJSON_Delete(j);
	CHECKF(ok, "keys missing: %s", out);
	CHECKF(n == 10 && sum == 10 && ess == 10, "n %g, outcomes add up to %g, ess %g", n, sum, ess);
	CHECKF(0 <= lo && lo <= ra && ra <= hi && hi <= 1 && hi - lo > 0.05, "ra %g, ci95 [%g, %g]", ra, lo, hi);
	CHECKF(dlo <= drop && drop <= dhi && dhi - dlo > 0.05 && fabs(sa - drop - ra) < 1e-12,
	       "sa %g, drop %g in [%g, %g], ra %g", sa, drop, dlo, dhi, ra);
	CHECKF(golden >= 1 && golden <= 5 && nulls >= 1, "self-checks: %g golden runs, %g null injections", golden,
	       nulls);
	return T_PASS;
}

/* One convention for bad input, as a new user meets it: the message names the command, the
 * option and its range or the reason, exit 1 (2 for a device that is not there), and nothing
 * is simulated or trained first. */
static int cli_messages(struct test_ctx *t)
{
	int rc;
	char p[600];
	static const struct {
		const char *args[13]; /* NULL-terminated */
		int rc;
		const char *want[2];
	} cases[] = {
	    {{"inject", "-m", "models/mlp.rmod", "--image", "abc", "--bit", "1", "--cycle", "5"},
	     1,
	     {"rahil inject: --image wants an integer from 0 to 9999, got 'abc'", "Try 'rahil inject --help'"}},
	    {{"inject", "-m", "models/mlp.rmod", "--image", "1", "--bit", "-1", "--cycle", "5"},
	     1,
	     {"--bit wants an integer from 0 to", "got '-1'"}},
	    {{"inject", "-m", "models/mlp.rmod", "--image", "1", "--bit", "1", "--cycle", "1e3"},
	     1,
	     {"--cycle wants an integer from 0 to", "got '1e3'"}},
	    {{"campaign", "-m", "models/mlp.rmod", "--sampler", "uniform", "--n", "5", "--images", "99999"},
	     1,
	     {"rahil campaign: --images wants an integer from 1 to 10000, got '99999'", NULL}},
	    {{"eval", "-m", "models/mlp.rmod", "--images", "99999"},
	     1,
	     {"--images wants an integer from 1 to 10000", NULL}},
	    {{"eval", "--bogus"}, 1, {"rahil eval: unknown option '--bogus'", "Try 'rahil eval --help'"}},
	    {{"campaign", "-m"}, 1, {"rahil campaign: option '-m' needs a value", NULL}},
	    {{"eval", "-m", "models"}, 1, {"rahil eval: models: a directory, not a model file", NULL}},
	    {{"inject", "-m", "models/mlp.rmod", "--image", "1", "--bit", "1", "--cycle", "5", "--trace", "x.vcd"},
	     1,
	     {"traces are FST files", NULL}},
	    {{"inject", "-m", "models/mlp.rmod", "--image", "1", "--bit", "1", "--cycle", "5", "--trace",
	      "/nonexistent/x.fst"},
	     1,
	     {"--trace /nonexistent/x.fst: No such file or directory", NULL}},
	    {{"eval", "-m", "models/mlp.rmod", "--backend", "serial:/nonexistent", "--images", "2"},
	     2,
	     {"cannot open /nonexistent", NULL}},
	    {{"train", "--arch", "mlp", "-o", "/nonexistent/x.rmod"}, 1, {"cannot write into /nonexistent", NULL}},
	    {{"train", "--arch", "mlp", "-o", "models"}, 1, {"-o models is a directory", NULL}},
	    {{"train", "--arch", "mlp", "--lr", "2", "-o", "x.rmod"}, 1, {"--lr wants a number from", "got '2'"}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].args;
		rc = t_run(t, out, sizeof(out), err, sizeof(err), a);
		CHECKF(rc == cases[i].rc, "rahil %s %s ...: exit %d, expected %d: %s", a[0], a[1], rc, cases[i].rc,
		       err);
		for (int k = 0; k < 2; k++)
			CHECKF(!cases[i].want[k] || strstr(err, cases[i].want[k]), "rahil %s %s ...: '%s' not in: %s",
			       a[0], a[1], cases[i].want[k], err);
	}
	/* a journal that is not one is named, not echoed: no control bytes on the terminal */
	snprintf(p, sizeof(p), "%s/garbage.journal", t->tmpdir);
	CHECK(t_write_file(p, "\x01\x02garbage\xff\x1b[2J\n", 15) == 0);
	CHECKF((rc = RUN("campaign", "-m", "models/mlp.rmod", "--sampler", "uniform", "--n", "5", "--images", "2",
	                 "--journal", p)) == 1 &&
	           strstr(err, "is not a rahil journal") && !strchr(err, '\x1b') && !strchr(err, '\x01'),
	       "garbage journal: rc %d: %s", rc, err);
	return T_PASS;
}

/* rahil sites: the census's JSON on the iCEBreaker geometry, and sw (no fault space) refused. */
static int cli_sites_json(struct test_ctx *t)
{
	int rc;
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	CHECKF((rc = RUN("sites", "-m", "models/cnn.rmod", "--backend", "sw")) == 1 && strstr(err, "no fault space"),
	       "rc %d: %s", rc, err);
	CHECKF((rc = RUN("sites", "-m", "models/cnn.rmod", "--images", "0")) == 1 && strstr(err, "--images"),
	       "rc %d: %s", rc, err);
	CHECKF((rc = RUN("sites", "-m", "models/cnn.rmod", "--backend", "sim:ice40", "--images", "1", "--json")) == 0,
	       "rc %d: %s", rc, err);
	cJSON *j = cJSON_Parse(out);
	CHECKF(j != NULL, "not JSON: %.200s", out);
	const cJSON *name = cJSON_GetObjectItem(j, "model"), *file = cJSON_GetObjectItem(j, "model_file"),
	            *be = cJSON_GetObjectItem(j, "backend"), *chain = cJSON_GetObjectItem(j, "chain_len"),
	            *cyc = cJSON_GetObjectItem(j, "cycles"), *cl = cJSON_GetObjectItem(j, "classes"),
	            *gr = cJSON_GetObjectItem(j, "groups"), *ls = cJSON_GetObjectItem(j, "layers");
	int ok = cJSON_IsString(name) && strcmp(name->valuestring, "cnn") == 0 && cJSON_IsString(file) &&
	         strcmp(file->valuestring, "models/cnn.rmod") == 0 && cJSON_IsString(be) &&
	         strcmp(be->valuestring, "sim:ice40") == 0 && cJSON_IsNumber(chain) &&
	         chain->valuedouble == rh_ffmap_ice40.chain_len && cJSON_IsNumber(cyc) && cyc->valuedouble > 0 &&
	         cJSON_IsArray(cl) && cJSON_GetArraySize(cl) == 4 && cJSON_IsArray(gr) && cJSON_IsArray(ls) &&
	         cJSON_GetArraySize(ls) > 0;
	double group_bits = 0, layer_cycles = 0, sum = 0;
	for (const cJSON *g = ok ? gr->child : NULL; g; g = g->next) {
		const cJSON *b = cJSON_GetObjectItem(g, "bits");
		ok = ok && cJSON_IsNumber(b) && cJSON_IsBool(cJSON_GetObjectItem(g, "modelled"));
		group_bits += ok ? b->valuedouble : 0;
	}
	for (const cJSON *l = ok ? ls->child : NULL; l && ok; l = l->next) {
		const cJSON *c = cJSON_GetObjectItem(l, "cycles"), *pc = cJSON_GetObjectItem(l, "classes");
		ok = cJSON_IsNumber(c) && cJSON_IsObject(pc);
		layer_cycles += ok ? c->valuedouble : 0;
		for (int k = 0; k < 4 && ok; k++) {
			const cJSON *e = cJSON_GetObjectItem(pc, rh_ff_class_name(k));
			const cJSON *ec = cJSON_GetObjectItem(e, "cycles"), *u = cJSON_GetObjectItem(e, "utilisation"),
			            *a = cJSON_GetObjectItem(e, "analytic"), *x = cJSON_GetObjectItem(e, "exact");
			ok = cJSON_IsNumber(ec) && cJSON_IsNumber(u) && cJSON_IsNumber(a) && cJSON_IsNumber(x) &&
			     u->valuedouble >= 0 && u->valuedouble <= 1 && a->valuedouble >= 0 && a->valuedouble <= 1 &&
			     x->valuedouble >= 0 && x->valuedouble <= 1;
			sum += ok ? x->valuedouble : 0;
		}
	}
	double want_bits = ok ? chain->valuedouble : -1, want_cycles = ok ? cyc->valuedouble : -1;
	cJSON_Delete(j);
	CHECKF(ok, "unexpected JSON: %.300s", out);
	CHECKF(group_bits == want_bits, "groups hold %g bits, chain_len %g", group_bits, want_bits);
	CHECKF(layer_cycles == want_cycles, "layers take %g cycles, cycles %g", layer_cycles, want_cycles);
	CHECKF(sum > 0 && sum <= 1, "exact probabilities sum to %g", sum);
	return T_PASS;
}

const struct test_case cli_tests[] = {
    {"cli/usage", cli_usage},
    {"cli/bad-inputs", cli_bad_inputs},
    {"cli/eval-json", cli_eval_json},
    {"cli/train-small", cli_train_small},
    {"cli/inject-by-name", cli_inject_by_name},
    {"cli/inject-crash", cli_inject_crash},
    {"cli/inject-sw", cli_inject_sw},
    {"cli/campaign-json", cli_campaign_json},
    {"cli/messages", cli_messages},
    {"cli/sites-json", cli_sites_json},
    {NULL, NULL},
};
