/* rahil: IDX files (the MNIST family's format), plain or gzip-compressed, and Fashion-MNIST. */
#ifndef RAHIL_DATASET_H
#define RAHIL_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define RH_DEFAULT_DATA_DIR "/usr/share/datasets/fashion-mnist"

/* An unsigned-byte IDX array: dims[0] items, each dims[1] * ... bytes. */
struct rh_idx {
	int ndim;
	uint32_t dims[4];
	uint8_t *data;
	size_t size; /* bytes of data */
};

/* Read an IDX file of unsigned bytes with ndim dimensions (1 for labels, 3 for images). */
int rh_idx_read(struct rh_idx *x, const char *path, int ndim, struct rh_err *err);
void rh_idx_free(struct rh_idx *x);

/* A labelled image set: n images of h x w pixels (uint8), labels 0..9. */
struct rh_dataset {
	int n, h, w;
	uint8_t *pixels; /* n * h * w */
	uint8_t *labels; /* n */
	struct rh_idx img, lab;
};

enum rh_split { RH_TRAIN, RH_TEST };

/* Load a split from dir (NULL: $RAHIL_DATA, else RH_DEFAULT_DATA_DIR). Files are
 * {train,t10k}-{images-idx3,labels-idx1}-ubyte, with or without .gz. */
int rh_dataset_load(struct rh_dataset *d, const char *dir, enum rh_split split, struct rh_err *err);
void rh_dataset_free(struct rh_dataset *d);
/* Image i as the network's int8 input (docs/quantisation.md: pixel >> 1), h * w bytes. */
void rh_dataset_input(const struct rh_dataset *d, int i, int8_t *x);
const char *rh_dataset_dir(const char *dir);

#endif
