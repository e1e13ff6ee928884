/* rahil: the int8 network model (.rmod): layer program, quantisation parameters, weights. */
#ifndef RAHIL_MODEL_H
#define RAHIL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define RH_MODEL_MAGIC   "RMOD"
#define RH_MODEL_VERSION 1
#define RH_MAX_LAYERS    16
#define RH_NAME_LEN      16

/* Layer operations. A fully connected layer is defined as a convolution whose kernel covers
 * the whole (unpadded) input: k == in_h == in_w, stride 1, pad 0, out 1x1xout_c. The two are
 * kept apart only so that programs and reports read naturally. */
enum rh_op {
	RH_OP_CONV = 1, /* k x k convolution, stride, zero padding */
	RH_OP_FC = 2,   /* fully connected over the HWC-flattened input */
};

/* Layer flags (on disk as one byte). */
enum rh_layer_flag {
	RH_F_RELU = 1u << 0,    /* clamp the requantised value at 0 */
	RH_F_POOL = 1u << 1,    /* 2x2 max pooling, stride 2, after requantisation */
	RH_F_REQUANT = 1u << 2, /* requantise to int8; clear only on the last layer (int32 logits) */
};

/* One layer of the program. Activations are int8 in HWC order (channel fastest). Weights are
 * int8 in [out_c][ky][kx][in_c] order. Per output channel: bias (int32, added to the
 * accumulator), multiplier and shift of the requantiser (see docs/quantisation.md). */
struct rh_layer {
	enum rh_op op;
	unsigned flags;
	int k, stride, pad;
	int in_h, in_w, in_c;
	int conv_h, conv_w;      /* convolution output size, before pooling */
	int out_h, out_w, out_c; /* layer output size, after pooling */
	int8_t *w;               /* out_c * k * k * in_c */
	int32_t *bias;           /* out_c */
	int32_t *mult;           /* out_c; in [RH_MULT_MIN, RH_MULT_MAX] */
	int32_t *shift;          /* out_c; in [RH_SHIFT_MIN, RH_SHIFT_MAX] */
};

struct rh_model {
	char name[RH_NAME_LEN]; /* "mlp", "cnn", ... NUL-terminated */
	int in_h, in_w, in_c;
	int n_classes;
	int n_layers;
	struct rh_layer layers[RH_MAX_LAYERS];
	/* Provenance, informational only. */
	uint32_t train_seed;
	uint32_t train_epochs;
	uint32_t float_acc_ppm; /* float test accuracy, parts per million; 0 when unknown */
	/* One allocation holds every weight and parameter array. */
	void *blob;
	size_t blob_size;
};

size_t rh_layer_weights(const struct rh_layer *l);
long rh_layer_macs(const struct rh_layer *l);
long rh_model_macs(const struct rh_model *m);
size_t rh_model_weight_bytes(const struct rh_model *m);
size_t rh_model_max_act_bytes(const struct rh_model *m);

/* Build an empty model with the given layer shapes; fills derived sizes and allocates the
 * blob (weights zero, mult/shift set to the identity 1 << 14, 14). shapes: op, flags, k,
 * stride, pad, out_c per layer; input is in_h x in_w x in_c. */
struct rh_layer_spec {
	enum rh_op op;
	unsigned flags;
	int k, stride, pad, out_c;
};
int rh_model_build(struct rh_model *m, const char *name, int in_h, int in_w, int in_c, const struct rh_layer_spec *spec,
                   int n_layers, struct rh_err *err);
void rh_model_free(struct rh_model *m);

/* Check shapes, chaining and parameter ranges. */
int rh_model_validate(const struct rh_model *m, struct rh_err *err);

int rh_model_save(const struct rh_model *m, const char *path, struct rh_err *err);
int rh_model_load(struct rh_model *m, const char *path, struct rh_err *err);
/* Serialise to / parse from memory (the file is exactly these bytes). */
int rh_model_encode(const struct rh_model *m, uint8_t **buf, size_t *len, struct rh_err *err);
int rh_model_decode(struct rh_model *m, const uint8_t *buf, size_t len, struct rh_err *err);

/* A model's identity: FNV-1a 32 over its layer shapes, weights and parameters (a campaign's
 * journal records it). */
uint32_t rh_model_hash(const struct rh_model *m);

#endif
