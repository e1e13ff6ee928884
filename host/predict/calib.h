/* rahil: calibration of the predictor by a hardware campaign (docs/fault-model.md, section 10):
 * per register group, the measured rate at which an injection into the group turned a correct
 * classification wrong (and a wrong one right), with Wilson intervals, written by
 * `rahil campaign --calibration-out FILE` and read by `rahil predict --calibration FILE`. */
#ifndef RAHIL_CALIB_H
#define RAHIL_CALIB_H

#include <stdint.h>

#include "census.h"
#include "error.h"

struct rh_calib_group {
	int have;         /* the campaign struck the group with golden-correct images */
	long n_g1, n_g0;  /* injections on golden-correct and golden-wrong images */
	double fail, fix; /* P(faulty wrong | golden correct), P(faulty correct | golden wrong) */
	double ci_fail[2], ci_fix[2];
};

struct rh_calib {
	char model[64];
	uint32_t model_hash, ffmap_hash;
	char sampler[16], backend[64];
	long seed, n;
	int images;      /* the campaign's evaluation images: `images` test images */
	int first_image; /* from this one on */
	struct rh_calib_group g[RH_SG_COUNT];
};

int rh_calib_write(const char *path, const struct rh_calib *c, struct rh_err *err);
/* Read a calibration file; RH_E_FORMAT (naming the file and the field) when it is not one. */
int rh_calib_read(const char *path, struct rh_calib *c, struct rh_err *err);
/* FNV-1a 32 of the rates and counts (what a proposal built from them depends on), never 0. */
uint32_t rh_calib_hash(const struct rh_calib *c);

#endif
