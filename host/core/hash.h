/* rahil: FNV-1a 32, the hash of a model's identity (host/data/model.h) and of a flip-flop map
 * (host/accel/ffmap.h, verilator/ffmap_hash.c), which a board reports in IDENTIFY. */
#ifndef RAHIL_HASH_H
#define RAHIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define RH_FNV1A_INIT 2166136261u

/* Continue hash h over n bytes (start with RH_FNV1A_INIT). */
static inline uint32_t rh_fnv1a(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n--) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}

#endif
