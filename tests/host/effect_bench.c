/* rahil-effect-check: the software fault-effect model against the verilated core at a larger
 * scale than the host tests (make bench): live PE, skew, drain-stage and argmax cells of both networks on the 8x8 and
 * the iCEBreaker's 1x2, on several images; every cell whose results differ is listed; exits 1
 * when any does. With --json FILE it writes, per network and geometry, the software model's
 * cells per second, the RTL's on the same cells and their ratio (sw_injections_per_s,
 * rtl_injections_per_s, sw_over_rtl), for rahil-bench to merge into build/bench.json. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "effect_check.h"

int main(int argc, char **argv)
{
	long cells = 1000, images = 2;
	const char *json = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--cells") == 0)
			cells = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--images") == 0)
			images = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--json") == 0)
			json = argv[i + 1];
	}
	static const char *const keys[2][2] = {{"mlp", "mlp_ice40"}, {"cnn", "cnn_ice40"}};
	cJSON *root = cJSON_CreateObject();
	cJSON *sw_rate = cJSON_AddObjectToObject(root, "sw_injections_per_s");
	cJSON *rtl_rate = cJSON_AddObjectToObject(root, "rtl_injections_per_s");
	cJSON *ratio = cJSON_AddObjectToObject(root, "sw_over_rtl");
	static const char *const models[2] = {"models/mlp.rmod", "models/cnn.rmod"};
	static const char *const backends[2] = {"sim", "sim:ice40"};
	long bad = 0;
	for (int mi = 0; mi < 2; mi++)
		for (int bi = 0; bi < 2; bi++) {
			struct effect_check tot;
			memset(&tot, 0, sizeof(tot));
			for (long im = 0; im < images; im++) {
				struct effect_check s;
				char why[300];
				if (effect_check_run(models[mi], backends[bi], (int)im, cells,
				                     2000 + (uint64_t)(4 * im + 2 * mi + bi), stdout, &s, why,
				                     sizeof(why))) {
					fprintf(stderr, "rahil-effect-check: %s\n", why);
					return 2;
				}
				tot.cells += s.cells;
				tot.equal += s.equal;
				tot.changed += s.changed;
				tot.sdc += s.sdc;
				tot.sw_s += s.sw_s;
				tot.rtl_s += s.rtl_s;
				for (int k = 0; k < EFFECT_CHECK_GROUPS; k++) {
					tot.cells_by_group[k] += s.cells_by_group[k];
					tot.changed_by_group[k] += s.changed_by_group[k];
				}
			}
			printf(
			    "%s on %s, %ld images: %ld live cells, %ld changed the result (%ld the class), %ld of %ld "
			    "equal to the RTL's; %.2f s software, %.2f s RTL\n ",
			    models[mi], backends[bi], images, tot.cells, tot.changed, tot.sdc, tot.equal, tot.cells,
			    tot.sw_s, tot.rtl_s);
			for (int k = 0; k < EFFECT_CHECK_GROUPS; k++)
				printf(" %s %ld (%ld changed)", effect_check_group_names[k], tot.cells_by_group[k],
				       tot.changed_by_group[k]);
			printf("\n");
			double sw = tot.sw_s > 0 ? (double)tot.cells / tot.sw_s : 0;
			double rtl = tot.rtl_s > 0 ? (double)tot.cells / tot.rtl_s : 0;
			printf("  %s: %.0f software fault effects/s, %.0f RTL injections/s on the same cells: "
			       "sw_over_rtl %.0f\n",
			       keys[mi][bi], sw, rtl, rtl > 0 ? sw / rtl : 0);
			cJSON_AddNumberToObject(sw_rate, keys[mi][bi], sw);
			cJSON_AddNumberToObject(rtl_rate, keys[mi][bi], rtl);
			cJSON_AddNumberToObject(ratio, keys[mi][bi], rtl > 0 ? sw / rtl : 0);
			fflush(stdout);
			bad += tot.cells - tot.equal;
		}
	printf("%s: %ld cells where the software result differs from the RTL's\n", bad ? "FAIL" : "ok", bad);
	char *s = cJSON_Print(root);
	FILE *f = json ? fopen(json, "wb") : NULL;
	if (json && (!f || !s || fputs(s, f) < 0 || fclose(f) != 0)) {
		fprintf(stderr, "rahil-effect-check: cannot write %s\n", json);
		bad = bad ? bad : 1;
	}
	free(s);
	cJSON_Delete(root);
	return bad ? 1 : 0;
}
