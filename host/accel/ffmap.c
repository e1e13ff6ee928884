/* rahil: flip-flop map lookups and the map's hash (host/accel/ffmap.h). */
#include "hash.h"
#include "ffmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *rh_ff_class_name(int cls)
{
	switch (cls) {
	case RH_FF_INPUT_ACT: return "input_act";
	case RH_FF_WEIGHT: return "weight";
	case RH_FF_OUTPUT_ACT: return "output_act";
	case RH_FF_CONTROL: return "control";
	default: return "unknown";
	}
}

const struct rh_ffmap_reg *rh_ffmap_find(const struct rh_ffmap *map, uint32_t bit, uint32_t *index)
{
	size_t lo = 0, hi = map->n_regs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct rh_ffmap_reg *r = &map->regs[mid];
		if (bit < r->ofs)
			hi = mid;
		else if (bit >= r->ofs + r->width)
			lo = mid + 1;
		else {
			if (index)
				*index = bit - r->ofs;
			return r;
		}
	}
	return NULL;
}

static int name_matches(const char *name, const char *want, size_t wl)
{
	size_t nl = strlen(name);
	return nl >= wl && memcmp(name + nl - wl, want, wl) == 0 && (nl == wl || name[nl - wl - 1] == '.');
}

int rh_ffmap_lookup(const struct rh_ffmap *map, const char *spec, uint32_t *bit, struct rh_err *err)
{
	const char *colon = strrchr(spec, ':');
	char *end;
	if (!colon || colon == spec || !colon[1])
		return rh_err_set(err, RH_E_INVAL, "'%s': expected NAME:INDEX, e.g. u_pe.u_acc:31", spec);
	unsigned long index = strtoul(colon + 1, &end, 10);
	if (*end || colon[1] == '-')
		return rh_err_set(err, RH_E_INVAL, "'%s': the bit index '%s' is not a number", spec, colon + 1);
	size_t wl = (size_t)(colon - spec);
	const struct rh_ffmap_reg *hit = NULL;
	size_t hits = 0;
	for (size_t r = 0; r < map->n_regs; r++)
		if (name_matches(map->regs[r].name, spec, wl)) {
			if (!hits)
				hit = &map->regs[r];
			hits++;
		}
	if (hits == 0)
		return rh_err_set(err, RH_E_INVAL,
		                  "no flip-flop register is named '%.*s' (names: build/ffmap_<set>.tsv, e.g. %s)",
		                  (int)wl, spec, map->n_regs ? map->regs[0].name : "");
	if (hits > 1)
		return rh_err_set(err, RH_E_INVAL,
		                  "'%.*s' names %zu registers (the first is %s): give more of the name", (int)wl, spec,
		                  hits, hit->name);
	if (index >= hit->width)
		return rh_err_set(err, RH_E_INVAL, "%s has %u bits, index %lu is past them", hit->name, hit->width,
		                  index);
	*bit = hit->ofs + (uint32_t)index;
	return 0;
}

uint32_t rh_ffmap_hash(const struct rh_ffmap *map)
{
	static const char header[] = "bit\tname\tindex\tclass\n";
	char line[512];
	uint32_t h = rh_fnv1a(RH_FNV1A_INIT, header, sizeof(header) - 1);
	for (size_t r = 0; r < map->n_regs; r++) {
		const struct rh_ffmap_reg *reg = &map->regs[r];
		for (uint32_t b = 0; b < reg->width; b++) {
			int n = snprintf(line, sizeof(line), "%u\t%s\t%u\t%s\n", reg->ofs + b, reg->name, b,
			                 rh_ff_class_name(reg->cls));
			h = rh_fnv1a(h, line, n > 0 && (size_t)n < sizeof(line) ? (size_t)n : 0);
		}
	}
	return h;
}

const struct rh_ffmap *rh_ffmap_by_hash(uint32_t hash)
{
	static const struct rh_ffmap *const known[] = {&rh_ffmap_sim, &rh_ffmap_ice40};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (rh_ffmap_hash(known[i]) == hash)
			return known[i];
	return NULL;
}

int rh_ffmap_match(uint32_t hash, int rows, int cols, uint32_t chain_len, const struct rh_ffmap **out,
                   struct rh_err *err)
{
	const struct rh_ffmap *map = rh_ffmap_by_hash(hash);
	if (!map)
		return rh_err_set(err, RH_E_BOARD,
		                  "the board's flip-flop map (hash %08x; %dx%d array, %u-bit chain) is not one this "
		                  "rahil was built with (%08x for the %dx%d bitstream, %08x for the simulator): "
		                  "build the bitstream and rahil from the same tree (make bitstream BOARD=icebreaker)",
		                  hash, rows, cols, chain_len, rh_ffmap_hash(&rh_ffmap_ice40), rh_ffmap_ice40.rows,
		                  rh_ffmap_ice40.cols, rh_ffmap_hash(&rh_ffmap_sim));
	if (map->rows != rows || map->cols != cols || map->chain_len != chain_len)
		return rh_err_set(err, RH_E_BOARD,
		                  "the board reports a %dx%d array with a %u-bit chain, but its flip-flop map "
		                  "(hash %08x) is of a %dx%d array with a %u-bit chain",
		                  rows, cols, chain_len, hash, map->rows, map->cols, map->chain_len);
	*out = map;
	return 0;
}

int64_t rh_ffmap_reg_value(const uint8_t *state, const struct rh_ffmap_reg *reg, int sign)
{
	uint64_t v = 0;
	for (uint32_t b = 0; b < reg->width && b < 64; b++)
		v |= (uint64_t)(state[reg->ofs + b] & 1u) << b;
	if (sign && reg->width < 64 && (v >> (reg->width - 1)) & 1u)
		return (int64_t)(v | (~(uint64_t)0 << reg->width));
	return (int64_t)v;
}

int rh_ffmap_class_of(const struct rh_ffmap *map, uint32_t bit)
{
	const struct rh_ffmap_reg *reg = map ? rh_ffmap_find(map, bit, NULL) : NULL;
	return reg && reg->cls >= RH_FF_INPUT_ACT && reg->cls <= RH_FF_CONTROL ? reg->cls : RH_FF_CONTROL;
}
