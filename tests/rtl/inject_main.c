/* rahil RTL tests: `rahil inject` and the sim back-end driven outside the main CLI (until it is wired in). */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "backend_sim.h"
#include "cli_inject.h"
#include "dataset.h"
#include "model.h"
#include "quant.h"
#include "refmodel.h"

/* rtl-inject inject ARGS...  |  rtl-inject eval MODEL N: the sim back-end against the reference */
int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "inject") == 0)
		return rh_cmd_inject(argc - 1, argv + 1);
	if (argc == 4 && strcmp(argv[1], "eval") == 0) {
		struct rh_err err = {0, ""};
		struct rh_model m;
		struct rh_dataset d;
		struct rh_backend b = {.ops = &rh_backend_sim_ops};
		struct rh_ref ref;
		struct rh_result r;
		int32_t want[RH_MAX_LOGITS];
		int8_t x[28 * 28];
		int n = 0, mism = 0, correct = 0;
		if (rh_model_load(&m, argv[2], &err) || rh_dataset_load(&d, NULL, RH_TEST, &err) ||
		    rh_ref_init(&ref, &m, &err)) {
			fprintf(stderr, "rtl-inject: %s\n", err.msg);
			return 1;
		}
		b.m = &m;
		if (b.ops->open(&b, NULL, &m, &err)) {
			fprintf(stderr, "rtl-inject: %s\n", err.msg);
			return 2;
		}
		sscanf(argv[3], "%d", &n);
		for (int i = 0; i < n; i++) {
			for (int j = 0; j < 28 * 28; j++)
				x[j] = rh_quant_pixel(d.pixels[(size_t)i * 784 + (size_t)j]);
			if (b.ops->infer(&b, x, &r, &err))
				return 2;
			int cls = rh_ref_infer(&ref, x, want);
			mism += r.end != RH_RUN_DONE || r.cls != cls ||
			        memcmp(r.logits, want, sizeof(int32_t) * (size_t)m.n_classes);
			correct += r.cls == d.labels[i];
		}
		b.ops->close(&b);
		printf("{\"images\": %d, \"mismatches\": %d, \"sa\": %.4f, \"cycles\": %llu}\n", n, mism,
		       (double)correct / n, (unsigned long long)r.cycles);
		return mism ? 3 : 0;
	}
	fprintf(stderr, "usage: rtl-inject inject ARGS... | rtl-inject eval MODEL N\n");
	return 1;
}
