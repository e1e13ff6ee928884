/* rahil tests: the software fault-effect model (host/predict/effect.h) against the verilated core:
 * on both reference networks and both geometries, live PE, skew, drain-stage and argmax cells must
 * give exactly the RTL's result. */
#include <stdio.h>
#include <unistd.h>

#include "dataset.h"
#include "effect_check.h"
#include "harness.h"

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

const struct test_case effect_tests[] = {
    {"effect/rtl", t_rtl},
    {NULL, NULL},
};
