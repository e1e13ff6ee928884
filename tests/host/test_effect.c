/* rahil tests: the software fault-effect model (host/predict/effect.h) against the verilated core:
 * on both reference networks and both geometries, live PE, skew, drain-stage and argmax cells must
 * give exactly the RTL's result. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "effect.h"
#include "effect_check.h"
#include "harness.h"
#include "model.h"

static int t_rtl(struct test_ctx *t)
{
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	static const char *const models[2] = {"models/mlp.rmod", "models/cnn.rmod"};
	static const char *const backends[2] = {"sim", "sim:ice40"};
	static const long cells[2][2] = {{90, 90}, {90, 90}};
	for (int mi = 0; mi < 2; mi++)
		for (int bi = 0; bi < 2; bi++) {
			struct effect_check s;
			char why[300];
			int rc = effect_check_run(models[mi], backends[bi], mi + 2 * bi, cells[mi][bi],
			                          500 + (uint64_t)(2 * mi + bi), NULL, &s, why, sizeof(why));
			CHECKF(rc == 0, "%s", why);
			printf("  %s on %s: %ld live cells, %ld changed the result (%ld the class), %ld equal to the "
			       "RTL's; %.2f s software, %.2f s RTL\n",
			       models[mi], backends[bi], s.cells, s.changed, s.sdc, s.equal, s.sw_s, s.rtl_s);
			CHECKF(s.cells == cells[mi][bi], "%s on %s: %ld live cells drawn, %ld asked", models[mi],
			       backends[bi], s.cells, cells[mi][bi]);
			CHECKF(s.equal == s.cells, "%s on %s: %ld of %ld cells differ from the RTL, the first %s",
			       models[mi], backends[bi], s.cells - s.equal, s.cells, s.first_bad);
			CHECKF(s.changed > 0, "%s on %s: no cell changed the result, the check compares nothing",
			       models[mi], backends[bi]);
		}
	return T_PASS;
}

/* What the model claims without the RTL: a dead cell of any register is modelled with the golden
 * result; a live controller cell is not modelled (and gets the golden result, flagged); a bit or
 * cycle outside the run is an error. */
static int t_modelled(struct test_ctx *t)
{
	if (access(RH_DEFAULT_DATA_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
		return t_fail(t, __FILE__, __LINE__, NEED_DATA);
	struct rh_err e = {0, ""};
	struct rh_model m;
	struct rh_dataset te;
	struct rh_effect ef;
	CHECKF(rh_model_load(&m, "models/mlp.rmod", &e) == 0, "%s", e.msg);
	CHECKF(rh_dataset_load(&te, NULL, RH_TEST, &e) == 0, "%s", e.msg);
	CHECKF(rh_effect_init(&ef, &m, &rh_ffmap_sim, &rh_accel_geom_sim, &e) == 0, "%s", e.msg);
	int8_t x[784];
	rh_dataset_input(&te, 0, x);
	rh_dataset_free(&te);
	struct rh_result g, r;
	int md = -1, ok = 1;
	uint32_t st, acc;
	CHECKF(rh_ffmap_lookup(&rh_ffmap_sim, "u_ctl.u_fsm.u_st:0", &st, &e) == 0, "%s", e.msg);
	CHECKF(rh_ffmap_lookup(&rh_ffmap_sim, "gen_row[0].gen_col[0].u_pe.u_acc:31", &acc, &e) == 0, "%s", e.msg);
	/* cycle 0: the accumulators hold nothing yet (dead); the state register is live */
	ok &= rh_effect_run(&ef, x, acc, 0, &g, &md, &e) == 0 && md == 1 && g.end == RH_RUN_DONE;
	ok &= g.cycles == (uint32_t)ef.c.cycles && g.n_logits == m.n_classes;
	ok &= rh_effect_run(&ef, x, st, 0, &r, &md, &e) == 0 && md == 0;
	ok &= r.cls == g.cls && memcmp(r.logits, g.logits, sizeof(g.logits)) == 0;
	ok &= rh_effect_run(&ef, x, ef.c.bits, 0, &r, &md, &e) == RH_E_INVAL && md == 0;
	ok &= rh_effect_run(&ef, x, 0, (uint32_t)ef.c.cycles, &r, &md, &e) == RH_E_INVAL;
	rh_effect_free(&ef);
	rh_model_free(&m);
	CHECKF(ok, "modelled %d: %s", md, e.msg);
	return T_PASS;
}

const struct test_case effect_tests[] = {
    {"effect/modelled", t_modelled},
    {"effect/rtl", t_rtl},
    {NULL, NULL},
};
