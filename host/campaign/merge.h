/* rahil: the journals of a campaign's shards put back together (rahil merge, docs/scale.md):
 * every shard of one campaign exactly once, each complete, its records in campaign order. */
#ifndef RAHIL_MERGE_H
#define RAHIL_MERGE_H

#include <stddef.h>

#include "error.h"
#include "journal.h"

struct rh_merge {
	struct rh_journal_file *files; /* as read, in the order given */
	size_t n_files;
	struct rh_journal_head head; /* the campaign's (the first file's; its shard fields say nothing) */
	struct rh_journal_rec *recs; /* all n injections, in campaign order */
	long n_recs;
};

/* Read the journals at paths[0 .. k) and merge them. RH_E_INVAL, naming the files, when two
 * belong to different campaigns (model, sampler, n, images, seed, fault space or number of
 * shards differ), two hold the same shard, a shard is missing or a shard's journal is
 * incomplete; the errors of rh_journal_read otherwise. */
int rh_merge_journals(const char *const *paths, size_t k, struct rh_merge *mg, struct rh_err *err);
void rh_merge_free(struct rh_merge *mg);

#endif
