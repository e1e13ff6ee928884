/* rahil: a small deterministic PRNG (splitmix64 seeding xoshiro256**), one state per user. */
#ifndef RAHIL_RNG_H
#define RAHIL_RNG_H

#include <stdint.h>

struct rh_rng {
	uint64_t s[4];
};

static inline uint64_t rh_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline void rh_rng_seed(struct rh_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = rh_splitmix64(&seed);
}

static inline uint64_t rh_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rh_rng_next(struct rh_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rh_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rh_rotl(s[3], 45);
	return out;
}

/* Uniform double in [0, 1). */
static inline double rh_rng_unif(struct rh_rng *r)
{
	return (double)(rh_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [0, n), unbiased. */
static inline uint64_t rh_rng_below(struct rh_rng *r, uint64_t n)
{
	uint64_t lim = -n % n, x;
	do
		x = rh_rng_next(r);
	while (x < lim);
	return x % n;
}

#endif
