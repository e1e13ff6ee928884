/* rahil: float training of the reference networks and their int8 post-training quantisation. */
#ifndef RAHIL_TRAIN_H
#define RAHIL_TRAIN_H

#include <stdint.h>

#include "dataset.h"
#include "model.h"

/* Where a training run stands, after every minibatch. */
struct rh_train_progress {
	const char *arch;
	int epoch, epochs;   /* the current epoch (from 1), of epochs */
	long batch, batches; /* the minibatch within the epoch (from 1), of the epoch's */
	long step, steps;    /* minibatches so far, of the whole run's */
	double loss;         /* mean loss over the epoch's images so far */
	int correct, seen;   /* of the epoch's images so far, those classified right */
	double seconds;      /* since the run started */
	int epoch_done;      /* this was the epoch's last minibatch */
};

struct rh_train_opts {
	const char *arch; /* "mlp" or "cnn" */
	int epochs;
	uint64_t seed;
	int batch;     /* minibatch size */
	float lr;      /* Adam's initial learning rate, cosine-decayed to 0 */
	int max_train; /* use at most this many training images (0: all) */
	int max_test;  /* evaluate on at most this many test images (0: all) */
	int calib;     /* calibration images for activation ranges */
	int threads;   /* worker threads; results do not depend on it */
	/* called after every minibatch (NULL: not); the library prints nothing */
	void (*progress)(const struct rh_train_progress *p, void *ctx);
	void *ctx;
};

struct rh_train_report {
	double float_acc; /* on the evaluated test images */
	double int8_acc;
	int test_images;
	double seconds;
};

void rh_train_defaults(struct rh_train_opts *o, const char *arch);
/* Layer specification of a named architecture; returns the layer count or -1. */
int rh_arch_spec(const char *arch, struct rh_layer_spec *spec);

/* Train on train, quantise, evaluate on test; out receives the int8 model. */
int rh_train(const struct rh_train_opts *o, const struct rh_dataset *train, const struct rh_dataset *test,
             struct rh_model *out, struct rh_train_report *rep, struct rh_err *err);

#endif
