/* rahil-sites-check: the census's dead cells against the verilated core at a larger scale than
 * the host test (make bench): both networks on the 8x8 and the iCEBreaker's 1x2, several images;
 * exits 1 when a dead cell changed a result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sites_check.h"

int main(int argc, char **argv)
{
	long n_dead = 2000, n_live = 500, images = 2;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--dead") == 0)
			n_dead = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--live") == 0)
			n_live = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--images") == 0)
			images = atol(argv[i + 1]);
	}
	static const char *const models[2] = {"models/mlp.rmod", "models/cnn.rmod"};
	static const char *const backends[2] = {"sim", "sim:ice40"};
	long bad = 0;
	for (int mi = 0; mi < 2; mi++)
		for (int bi = 0; bi < 2; bi++)
			for (long im = 0; im < images; im++) {
				struct sites_check s;
				char why[300];
				if (sites_check_run(models[mi], backends[bi], (int)im, n_dead, n_live,
				                    1000 + (uint64_t)(4 * im + 2 * mi + bi), &s, why, sizeof(why))) {
					fprintf(stderr, "rahil-sites-check: %s\n", why);
					return 2;
				}
				printf(
				    "%s on %s, image %ld: %ld dead cells (input_act %ld, weight %ld, output_act %ld, "
				    "control %ld), %ld with the golden result; %ld live cells, %ld of them masked\n",
				    models[mi], backends[bi], im, s.dead, s.dead_by_class[0], s.dead_by_class[1],
				    s.dead_by_class[2], s.dead_by_class[3], s.dead_masked, s.live, s.live_masked);
				if (s.dead_masked != s.dead) {
					printf("  FAIL: first dead cell with another result: %s\n", s.first_bad);
					bad += s.dead - s.dead_masked;
				}
				fflush(stdout);
			}
	printf("%s: %ld dead cells changed a result\n", bad ? "FAIL" : "ok", bad);
	return bad ? 1 : 0;
}
