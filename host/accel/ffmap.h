/* rahil: the flip-flop map, generated from the RTL by the build (docs/scan-chain.md): which
 * register and class every scan-chain bit belongs to, and its FNV-1a 32 hash, which a board
 * reports in IDENTIFY. */
#ifndef RAHIL_FFMAP_H
#define RAHIL_FFMAP_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Flip-flop classes, as in the FF map. */
enum rh_ff_class {
	RH_FF_INPUT_ACT = 0,
	RH_FF_WEIGHT = 1,
	RH_FF_OUTPUT_ACT = 2,
	RH_FF_CONTROL = 3,
};

/* One register of the FF map: chain positions [ofs, ofs + width), bit b at ofs + b. */
struct rh_ffmap_reg {
	uint32_t ofs;
	uint32_t width;
	int cls;          /* enum rh_ff_class */
	const char *name; /* hierarchical name, e.g. "rh_fi.u_core.u_array.gen_row[0]..." */
};

/* The map of one RTL parameter set (rtl/rtl.mk), registers in chain order. */
struct rh_ffmap {
	const struct rh_ffmap_reg *regs;
	size_t n_regs;
	uint32_t chain_len;
	int rows, cols;
};

/* The maps this host was built with: the simulator's (8 x 8) and the iCEBreaker bitstream's. */
extern const struct rh_ffmap rh_ffmap_sim;
extern const struct rh_ffmap rh_ffmap_ice40;

const char *rh_ff_class_name(int cls);
/* The register holding chain bit `bit`, and the bit's index in it; NULL when out of range. */
const struct rh_ffmap_reg *rh_ffmap_find(const struct rh_ffmap *map, uint32_t bit, uint32_t *index);
/* The class of chain bit `bit` (enum rh_ff_class; control when the map does not know it). */
int rh_ffmap_class_of(const struct rh_ffmap *map, uint32_t bit);
/* The value of register reg in a state readout (state[p] = chain position p, one byte per
 * bit), sign-extended when sign is set. */
int64_t rh_ffmap_reg_value(const uint8_t *state, const struct rh_ffmap_reg *reg, int sign);
/* FNV-1a 32 of the map's TSV form, byte for byte the file the build writes
 * (build/ffmap_<set>.tsv): a header line "bit\tname\tindex\tclass", then one line per chain
 * bit. */
uint32_t rh_ffmap_hash(const struct rh_ffmap *map);
/* The chain bit of "NAME:INDEX": bit INDEX of the register whose hierarchical name is NAME or
 * ends in ".NAME" (e.g. "gen_row[0].gen_col[0].u_pe.u_acc:31"). RH_E_INVAL, with candidates,
 * when no register or more than one matches, or INDEX is past its width. */
int rh_ffmap_lookup(const struct rh_ffmap *map, const char *spec, uint32_t *bit, struct rh_err *err);
/* The known map with this hash, or NULL. */
const struct rh_ffmap *rh_ffmap_by_hash(uint32_t hash);
/* The known map a board describes in IDENTIFY (hash, array, chain length): *out on success;
 * RH_E_BOARD with the fix in the message when no known map has that hash, or when the
 * one that has it disagrees on the array or the chain (fault sites would not mean the same
 * flip-flops). */
int rh_ffmap_match(uint32_t hash, int rows, int cols, uint32_t chain_len, const struct rh_ffmap **out,
                   struct rh_err *err);

#endif
