/* rahil tests: the flip-flop maps the host carries (host/accel/ffmap.h) and their hash. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "ffmap.h"
#include "harness.h"

/* FNV-1a 32, written out again so the test does not trust the code it checks. */
static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 0x01000193u;
	}
	return h;
}

static int hash_of_file(const char *path, uint32_t *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	unsigned char buf[4096];
	uint32_t h = 0x811c9dc5u;
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		h = fnv(h, buf, n);
	fclose(f);
	*out = h;
	return 0;
}

/* The hash is that of the TSV text, line for line. */
static int t_hash_of_text(struct test_ctx *t)
{
	static const struct rh_ffmap_reg regs[] = {{0, 2, RH_FF_INPUT_ACT, "top.a"}, {2, 1, RH_FF_CONTROL, "top.b"}};
	const struct rh_ffmap map = {regs, 2, 3, 1, 1};
	static const char text[] = "bit\tname\tindex\tclass\n"
	                           "0\ttop.a\t0\tinput_act\n"
	                           "1\ttop.a\t1\tinput_act\n"
	                           "2\ttop.b\t0\tcontrol\n";
	uint32_t want = fnv(0x811c9dc5u, (const unsigned char *)text, sizeof(text) - 1);
	CHECKF(rh_ffmap_hash(&map) == want, "hash %08x, FNV-1a of the text %08x", rh_ffmap_hash(&map), want);
	static const struct rh_ffmap_reg other[] = {{0, 2, RH_FF_INPUT_ACT, "top.a"}, {2, 1, RH_FF_WEIGHT, "top.b"}};
	const struct rh_ffmap map2 = {other, 2, 3, 1, 1};
	CHECKF(rh_ffmap_hash(&map2) != want, "a class change leaves the hash at %08x", want);
	return T_PASS;
}

/* The compiled-in maps hash like the TSV files the build wrote next to rahil. */
static int t_hash_matches_build(struct test_ctx *t)
{
	static const struct {
		const char *set;
		const struct rh_ffmap *map;
	} sets[] = {{"sim", &rh_ffmap_sim}, {"ice40", &rh_ffmap_ice40}};
	char dir[4096], path[4200];
	snprintf(dir, sizeof(dir), "%s", t->rahil);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		uint32_t h;
		snprintf(path, sizeof(path), "%s/ffmap_%s.tsv", dir, sets[i].set);
		CHECKF(hash_of_file(path, &h) == 0, "cannot read %s (built with rahil)", path);
		CHECKF(rh_ffmap_hash(sets[i].map) == h, "%s: compiled-in map hashes to %08x, the file to %08x", path,
		       rh_ffmap_hash(sets[i].map), h);
	}
	CHECK(rh_ffmap_hash(&rh_ffmap_sim) != rh_ffmap_hash(&rh_ffmap_ice40));
	return T_PASS;
}

/* Every chain bit belongs to exactly one register; bits past the chain to none. */
static int t_find_tiles(struct test_ctx *t)
{
	const struct rh_ffmap *maps[] = {&rh_ffmap_sim, &rh_ffmap_ice40};
	for (size_t m = 0; m < 2; m++) {
		const struct rh_ffmap *map = maps[m];
		uint32_t next = 0;
		for (size_t r = 0; r < map->n_regs; r++) {
			CHECKF(map->regs[r].ofs == next, "register %s at %u, expected %u", map->regs[r].name,
			       map->regs[r].ofs, next);
			next += map->regs[r].width;
		}
		CHECK(next == map->chain_len);
		for (uint32_t b = 0; b < map->chain_len; b++) {
			uint32_t idx;
			const struct rh_ffmap_reg *reg = rh_ffmap_find(map, b, &idx);
			CHECKF(reg && reg->ofs + idx == b && idx < reg->width, "bit %u", b);
		}
		CHECK(rh_ffmap_find(map, map->chain_len, NULL) == NULL);
	}
	return T_PASS;
}

/* IDENTIFY's description of a board is accepted only when it is a map this host knows. */
static int t_match(struct test_ctx *t)
{
	const struct rh_ffmap *ice = &rh_ffmap_ice40, *got = NULL;
	uint32_t h = rh_ffmap_hash(ice);
	struct rh_err err;
	CHECK(rh_ffmap_match(h, ice->rows, ice->cols, ice->chain_len, &got, &err) == 0 && got == ice);
	CHECK(rh_ffmap_by_hash(rh_ffmap_hash(&rh_ffmap_sim)) == &rh_ffmap_sim);
	got = NULL;
	CHECK(rh_ffmap_match(0, ice->rows, ice->cols, ice->chain_len, &got, &err) == RH_E_BOARD && !got);
	CHECKF(strstr(err.msg, "make bitstream"), "message without the fix: %s", err.msg);
	CHECK(rh_ffmap_match(h ^ 1u, ice->rows, ice->cols, ice->chain_len, &got, &err) == RH_E_BOARD);
	CHECK(rh_ffmap_match(h, ice->rows, ice->cols, ice->chain_len + 1, &got, &err) == RH_E_BOARD);
	CHECK(rh_ffmap_match(h, ice->cols, ice->rows + 1, ice->chain_len, &got, &err) == RH_E_BOARD);
	CHECKF(strstr(err.msg, "array"), "%s", err.msg);
	return T_PASS;
}

/* NAME:INDEX names a flip-flop by the end of its register's name, at a '.' boundary. */
static int t_lookup(struct test_ctx *t)
{
	static const struct rh_ffmap_reg regs[] = {{0, 8, RH_FF_INPUT_ACT, "top.u_pe.u_act"},
	                                           {8, 32, RH_FF_OUTPUT_ACT, "top.u_pe.u_acc"},
	                                           {40, 4, RH_FF_CONTROL, "top.u_ctl.u_acc"}};
	const struct rh_ffmap map = {regs, 3, 44, 1, 1};
	uint32_t bit = 99;
	struct rh_err err;
	CHECK(rh_ffmap_lookup(&map, "u_pe.u_acc:31", &bit, &err) == 0 && bit == 39);
	CHECK(rh_ffmap_lookup(&map, "top.u_ctl.u_acc:0", &bit, &err) == 0 && bit == 40);
	CHECK(rh_ffmap_lookup(&map, "u_act:7", &bit, &err) == 0 && bit == 7);
	CHECK(rh_ffmap_lookup(&map, "u_acc:1", &bit, &err) == RH_E_INVAL && strstr(err.msg, "2 registers"));
	CHECK(rh_ffmap_lookup(&map, "acc:1", &bit, &err) == RH_E_INVAL); /* not at a '.' boundary */
	CHECK(rh_ffmap_lookup(&map, "u_ctl.u_acc:4", &bit, &err) == RH_E_INVAL && strstr(err.msg, "4 bits"));
	const char *bad[] = {"u_act", ":3", "u_act:", "u_act:-1", "u_act:1a", "u_act:x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECKF(rh_ffmap_lookup(&map, bad[i], &bit, &err) == RH_E_INVAL, "'%s' accepted", bad[i]);
	/* the real map: the name the demo uses is PE (0,0)'s accumulator sign bit */
	CHECK(rh_ffmap_lookup(&rh_ffmap_sim, "gen_row[0].gen_col[0].u_pe.u_acc:31", &bit, &err) == 0);
	uint32_t idx;
	const struct rh_ffmap_reg *reg = rh_ffmap_find(&rh_ffmap_sim, bit, &idx);
	CHECK(reg && idx == 31 && strstr(reg->name, "gen_row[0].gen_col[0].u_pe.u_acc") &&
	      reg->cls == RH_FF_OUTPUT_ACT);
	return T_PASS;
}

const struct test_case ffmap_tests[] = {
    {"ffmap_hash_of_text", t_hash_of_text},
    {"ffmap_hash_matches_build", t_hash_matches_build},
    {"ffmap_find_tiles", t_find_tiles},
    {"ffmap_match", t_match},
    {"ffmap_lookup", t_lookup},
    {NULL, NULL},
};
