/* rahil: merging the journals of a campaign's shards (host/campaign/merge.h). */
#include "merge.h"

#include <stdlib.h>
#include <string.h>

/* The head without its shard index: what every shard of one campaign shares. */
static int campaign_text(char *out, size_t cap, const struct rh_journal_head *h)
{
	struct rh_journal_head c = *h;
	c.shard = 0;
	return rh_journal_head_text(out, cap, &c);
}

/* Every file is of the first file's campaign, and holds a shard no other file holds. */
static int check_heads(const char *const *paths, const struct rh_merge *mg, struct rh_err *err)
{
	char a[512], b[512];
	campaign_text(a, sizeof(a), &mg->files[0].head);
	for (size_t i = 1; i < mg->n_files; i++) {
		campaign_text(b, sizeof(b), &mg->files[i].head);
		if (strcmp(a, b) != 0)
			return rh_err_set(err, RH_E_INVAL,
			                  "%s and %s belong to different campaigns:\n  %s: %.*s\n  %s: %.*s", paths[0],
			                  paths[i], paths[0], (int)strlen(a) - 1, a, paths[i], (int)strlen(b) - 1, b);
	}
	for (size_t i = 0; i < mg->n_files; i++)
		for (size_t j = 0; j < i; j++)
			if (mg->files[i].head.shard == mg->files[j].head.shard)
				return rh_err_set(err, RH_E_INVAL, "%s and %s both hold shard %d/%d", paths[j],
				                  paths[i], mg->files[i].head.shard, mg->files[i].head.shards);
	return 0;
}

/* Every shard is there and complete. */
static int check_shards(const char *const *paths, const struct rh_merge *mg, struct rh_err *err)
{
	const struct rh_journal_head *h = &mg->head;
	for (size_t i = 0; i < mg->n_files; i++) {
		const struct rh_journal_file *f = &mg->files[i];
		long lo, hi;
		rh_journal_shard_range(h->n, f->head.shard, h->shards, &lo, &hi);
		if ((long)f->n_recs != hi - lo || f->cut)
			return rh_err_set(err, RH_E_INVAL,
			                  "%s: shard %d/%d is incomplete (%zu of its %ld injections%s): run its "
			                  "campaign command again to finish it",
			                  paths[i], f->head.shard, h->shards, f->n_recs, hi - lo,
			                  f->cut ? ", the last line cut short" : "");
	}
	if (mg->n_files < (size_t)h->shards) /* no duplicates: so some shard is missing */
		for (int s = 0; s < h->shards; s++) {
			size_t i = 0;
			while (i < mg->n_files && mg->files[i].head.shard != s)
				i++;
			if (i == mg->n_files)
				return rh_err_set(
				    err, RH_E_INVAL,
				    "shard %d/%d of the campaign of %s is missing (%zu of %d journals given)", s,
				    h->shards, paths[0], mg->n_files, h->shards);
		}
	return 0;
}

/* The records of shard 0, 1, ... one after another: the campaign order. */
static int concat(struct rh_merge *mg, struct rh_err *err)
{
	mg->recs = malloc(sizeof(*mg->recs) * (size_t)mg->head.n);
	if (!mg->recs)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for %ld injections", mg->head.n);
	for (int s = 0; s < mg->head.shards; s++)
		for (size_t i = 0; i < mg->n_files; i++)
			if (mg->files[i].head.shard == s) {
				memcpy(mg->recs + mg->n_recs, mg->files[i].recs,
				       sizeof(*mg->recs) * mg->files[i].n_recs);
				mg->n_recs += (long)mg->files[i].n_recs;
			}
	for (long q = 0; q < mg->n_recs; q++) /* what the checks above imply, checked */
		if (mg->recs[q].index != q)
			return rh_err_set(err, RH_E_INVAL, "the merged journals hold injection %ld where %ld belongs",
			                  mg->recs[q].index, q);
	return mg->n_recs == mg->head.n ? 0
	                                : rh_err_set(err, RH_E_INVAL, "the merged journals hold %ld of %ld injections",
	                                             mg->n_recs, mg->head.n);
}

int rh_merge_journals(const char *const *paths, size_t k, struct rh_merge *mg, struct rh_err *err)
{
	memset(mg, 0, sizeof(*mg));
	if (k == 0)
		return rh_err_set(err, RH_E_INVAL, "no journal to merge");
	mg->files = calloc(k, sizeof(*mg->files));
	if (!mg->files)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for %zu journals", k);
	int rc = 0;
	for (size_t i = 0; i < k && !rc; i++, mg->n_files++)
		rc = rh_journal_read(paths[i], &mg->files[i], err);
	if (!rc) {
		mg->head = mg->files[0].head;
		mg->head.shard = 0;
		rc = check_heads(paths, mg, err);
	}
	if (!rc)
		rc = check_shards(paths, mg, err);
	if (!rc)
		rc = concat(mg, err);
	if (!rc) /* the head points into files[0], which stays until rh_merge_free */
		return 0;
	rh_merge_free(mg);
	return rc;
}

void rh_merge_free(struct rh_merge *mg)
{
	for (size_t i = 0; i < mg->n_files; i++)
		rh_journal_file_free(&mg->files[i]);
	free(mg->files);
	free(mg->recs);
	memset(mg, 0, sizeof(*mg));
}
