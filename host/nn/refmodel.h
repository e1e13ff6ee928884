/* rahil: the integer reference inference, the golden model the accelerator must match. */
#ifndef RAHIL_REFMODEL_H
#define RAHIL_REFMODEL_H

#include <stdint.h>

#include "model.h"

/* Scratch space for one inference: two activation buffers of the model's largest layer. */
struct rh_ref {
	const struct rh_model *m;
	int8_t *buf[2];
	int32_t *acc; /* conv output accumulators of the largest layer, before pooling */
	size_t buf_len, acc_len;
};

int rh_ref_init(struct rh_ref *r, const struct rh_model *m, struct rh_err *err);
void rh_ref_free(struct rh_ref *r);

/* Run one image (in_h * in_w * in_c int8, HWC). Writes n_classes int32 logits and returns
 * the class (argmax, lowest index on ties). */
int rh_ref_infer(struct rh_ref *r, const int8_t *input, int32_t *logits);

/* Run one layer: in is in_h*in_w*in_c int8; out is out_h*out_w*out_c int8, or int32 logits
 * when the layer does not requantise. Exposed for tests and for the fault-effect model. */
void rh_ref_layer(const struct rh_layer *l, const int8_t *in, int32_t *acc, void *out);

/* Run layers first .. n_layers - 1 on `in` (the input of layer `first`, not one of r's buffers),
 * with *l0 in place of layer `first` when l0 is not NULL (a layer with one weight flipped, say).
 * Writes the logits and returns the class, as rh_ref_infer. */
int rh_ref_infer_from(struct rh_ref *r, int first, const struct rh_layer *l0, const int8_t *in, int32_t *logits);

int rh_argmax(const int32_t *v, int n);

#endif
