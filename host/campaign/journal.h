/* rahil: the campaign journal, an append-only text file that lets an interrupted campaign
 * resume without losing or double-counting an injection (docs/campaign.md).
 *
 * Line 1 is the head: the campaign's identity (model, sampler, size, seed, fault space, and FIT
 * rates and the first image when they are not the default). Every
 * further line is one finished injection, in campaign order, with a CRC-32 of its text. An
 * injection is journaled only after its outcome is known, and the file is synced after each
 * batch, so a campaign stopped at any point has journaled exactly the injections it counted. */
#ifndef RAHIL_JOURNAL_H
#define RAHIL_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

/* What a journal belongs to; resuming requires an identical head. */
struct rh_journal_head {
	const char *model;      /* model name */
	uint32_t model_hash;    /* rh_model_hash() of the model (host/data/model.h) */
	const char *sampler;    /* "uniform", ... */
	long n;                 /* injections in the whole campaign */
	int images;             /* evaluation images */
	long seed;              /* sampler seed */
	uint32_t chain_len;     /* fault space: scan chain bits */
	uint32_t golden_cycles; /* fault space: cycles of the golden run */
	uint32_t ffmap_hash;    /* fault space: the flip-flop map (host/accel/ffmap.h) */
	int shard, shards;      /* this journal holds shard `shard` of `shards` (0 or 1: all of it) */
	const char *fit;        /* P's raw FIT rates (rh_fit_text, host/accel/fit.h); NULL or "":
	                         * equal rates, and the head says nothing of them */
	int first_image;        /* the evaluation set's first test image (0: the head says nothing) */
	uint32_t calib_hash;    /* isb's calibration (rh_calib_hash); 0: none, the head says nothing */
};

/* Shard I of N is the contiguous range [lo, hi) of the campaign's n injections in campaign
 * order: lo = I * n / N, hi = (I + 1) * n / N (shards <= 1: the whole campaign). */
void rh_journal_shard_range(long n, int shard, int shards, long *lo, long *hi);
/* The head's line as a journal starts with it (with its newline); its length, or -1. */
int rh_journal_head_text(char *out, size_t cap, const struct rh_journal_head *h);

/* One finished injection. */
struct rh_journal_rec {
	long index;     /* its position in the campaign's order, 0 .. n - 1 */
	int image;      /* evaluation image */
	uint32_t bit;   /* chain bit */
	uint32_t cycle; /* core cycle */
	int outcome;    /* enum rh_outcome (host/campaign/outcome.h) */
	int cls;        /* returned class; -1 on a hang */
	double weight;  /* importance weight (1 for the uniform sampler) */
};

struct rh_journal {
	FILE *f;
	char path[1024];
};

/* Open the journal at path. A missing or empty file is created with the head, and *n_recs is
 * 0. An existing one must have exactly this head (else RH_E_INVAL, naming both; a version 2
 * journal, which has no shard, is this head's when the head is unsharded); its
 * records are returned in *recs (malloc'd, caller frees) in file order. A last line cut
 * short (no newline: the writer was stopped mid-line) is dropped and cut from the file; a
 * damaged complete line (bad CRC, bad fields, out of order, outside the shard: record k of
 * shard I has index lo + k) is RH_E_FORMAT. */
int rh_journal_open(struct rh_journal *j, const char *path, const struct rh_journal_head *head,
                    struct rh_journal_rec **recs, size_t *n_recs, struct rh_err *err);
/* A journal read whole, without opening it for writing (rahil merge). */
struct rh_journal_file {
	struct rh_journal_head head; /* model and sampler point into the buffers below */
	char model[64], sampler[32], fit[160];
	struct rh_journal_rec *recs; /* malloc'd; rh_journal_file_free */
	size_t n_recs;
	int cut; /* the last line had no newline (its writer was stopped): it is not in recs */
};
/* Read the journal at path: its head (a version 2 journal is read as shard 0 of 1) and its
 * records, checked as rh_journal_open checks them. RH_E_FORMAT when the head or a record is
 * damaged, RH_E_INVAL when the file is not a journal. */
int rh_journal_read(const char *path, struct rh_journal_file *out, struct rh_err *err);
void rh_journal_file_free(struct rh_journal_file *jf);

/* Append records and sync them to disk before returning. */
int rh_journal_append(struct rh_journal *j, const struct rh_journal_rec *r, size_t n, struct rh_err *err);
void rh_journal_close(struct rh_journal *j);

#endif
