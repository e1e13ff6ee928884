/* rahil tests: the campaign journal (host/campaign/journal.h): a journal cut at any byte reopens with
 * exactly the records completed before the cut, and damage or another campaign's journal is
 * refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "harness.h"
#include "journal.h"

#define N_RECS 20

static const struct rh_journal_head head = {"mlp", 0x1234abcdu, "uniform", 100, 5,    7, 733,
                                            51407, 0x366a6b84u, 0,         1,   NULL, 0, 0};

static struct rh_journal_rec rec(long i)
{
	return (struct rh_journal_rec){i,
	                               (int)(i % 5),
	                               (uint32_t)(i * 37 % 733),
	                               (uint32_t)(i * 2477 % 51407),
	                               (int)(i % 4),
	                               i % 4 == 3 ? -1 : (int)(i % 10),
	                               i % 3 ? 1.0 : 0.1 + i / 7.0};
}

static int same(const struct rh_journal_rec *a, const struct rh_journal_rec *b)
{
	return a->index == b->index && a->image == b->image && a->bit == b->bit && a->cycle == b->cycle &&
	       a->outcome == b->outcome && a->cls == b->cls && a->weight == b->weight;
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long)st.st_size;
}

static char *read_all(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *b = malloc(1 << 16);
	*len = b ? (long)fread(b, 1, 1 << 16, f) : 0;
	fclose(f);
	return b;
}

/* Write a journal of N_RECS records (appended in three calls) at tmpdir/name; return its
 * path, bytes and the length of its head line. */
static int make_journal(struct test_ctx *t, const char *name, char *path, size_t cap, char **bytes, long *len,
                        long *head_len)
{
	snprintf(path, cap, "%s/%s", t->tmpdir, name);
	struct rh_journal j;
	struct rh_journal_rec *got, r[N_RECS];
	size_t n;
	struct rh_err err;
	remove(path);
	CHECKF(rh_journal_open(&j, path, &head, &got, &n, &err) == 0, "%s", err.msg);
	CHECK(n == 0);
	free(got);
	for (long i = 0; i < N_RECS; i++)
		r[i] = rec(i);
	CHECK(rh_journal_append(&j, r, 7, &err) == 0);
	CHECK(rh_journal_append(&j, r + 7, 1, &err) == 0);
	CHECK(rh_journal_append(&j, r + 8, N_RECS - 8, &err) == 0);
	rh_journal_close(&j);
	CHECK((*bytes = read_all(path, len)) != NULL);
	CHECK(strchr(*bytes, '\n') != NULL);
	*head_len = (long)(strchr(*bytes, '\n') - *bytes) + 1;
	return T_PASS;
}

/* Cut the journal at every byte: reopening keeps the records whose line is complete, cuts the
 * rest from the file, and appending the missing ones gives back the original bytes. */
static int t_cut_anywhere(struct test_ctx *t)
{
	char path[4096], *orig;
	long len, head_len;
	int r = make_journal(t, "cut.jnl", path, sizeof(path), &orig, &len, &head_len);
	if (r)
		return r;
	for (long cut = 0; cut <= len; cut++) {
		FILE *f = fopen(path, "wb");
		CHECK(f && fwrite(orig, 1, (size_t)cut, f) == (size_t)cut && fclose(f) == 0);
		/* complete record lines within the cut */
		size_t want = 0;
		long end = head_len;
		for (long p = head_len; p < cut; p++)
			if (orig[p] == '\n') {
				want++;
				end = p + 1;
			}
		struct rh_journal j;
		struct rh_journal_rec *got;
		size_t n;
		struct rh_err err;
		CHECKF(rh_journal_open(&j, path, &head, &got, &n, &err) == 0, "cut at %ld: %s", cut, err.msg);
		CHECKF(n == want, "cut at %ld: %zu records, expected %zu", cut, n, want);
		for (size_t i = 0; i < n; i++) {
			struct rh_journal_rec e = rec((long)i);
			CHECKF(same(&got[i], &e), "cut at %ld: record %zu differs", cut, i);
		}
		free(got);
		CHECKF(file_size(path) == end, "cut at %ld: file is %ld bytes, expected %ld", cut, file_size(path),
		       end);
		struct rh_journal_rec rest[N_RECS];
		for (size_t i = n; i < N_RECS; i++)
			rest[i - n] = rec((long)i);
		CHECK(rh_journal_append(&j, rest, N_RECS - n, &err) == 0);
		rh_journal_close(&j);
		long len2;
		char *again = read_all(path, &len2);
		int eq = again && len2 == len && memcmp(again, orig, (size_t)len) == 0;
		free(again);
		CHECKF(eq, "cut at %ld: resumed journal differs from the uninterrupted one", cut);
	}
	free(orig);
	return T_PASS;
}

/* Another campaign's journal, a damaged record and records out of order are refused. */
static int t_refused(struct test_ctx *t)
{
	char path[4096], *orig;
	long len, head_len;
	int r = make_journal(t, "bad.jnl", path, sizeof(path), &orig, &len, &head_len);
	if (r)
		return r;
	struct rh_journal j;
	struct rh_journal_rec *got;
	size_t n;
	struct rh_err err;
	struct rh_journal_head other = head;
	other.seed = 8;
	CHECK(rh_journal_open(&j, path, &other, &got, &n, &err) == RH_E_INVAL);
	CHECKF(strstr(err.msg, "seed=7") && strstr(err.msg, "seed=8"), "%s", err.msg);
	other = head;
	other.ffmap_hash ^= 1;
	CHECK(rh_journal_open(&j, path, &other, &got, &n, &err) == RH_E_INVAL);
	/* flip one character of every record line in turn: each is caught */
	for (long p = head_len; p < len; p++) {
		if (orig[p] == '\n')
			continue;
		char *b = malloc((size_t)len);
		CHECK(b != NULL);
		memcpy(b, orig, (size_t)len);
		b[p] = b[p] == '1' ? '2' : '1';
		FILE *f = fopen(path, "wb");
		CHECK(f && fwrite(b, 1, (size_t)len, f) == (size_t)len && fclose(f) == 0);
		free(b);
		got = NULL;
		int rc = rh_journal_open(&j, path, &head, &got, &n, &err);
		free(got);
		if (rc == 0)
			rh_journal_close(&j);
		CHECKF(rc == RH_E_FORMAT, "byte %ld changed: open returned %d", p, rc);
	}
	/* two lines swapped: out of order */
	char *nl1 = strchr(orig + head_len, '\n'), *nl2 = strchr(nl1 + 1, '\n');
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	fwrite(orig, 1, (size_t)head_len, f);
	fwrite(nl1 + 1, 1, (size_t)(nl2 - nl1), f);
	fwrite(orig + head_len, 1, (size_t)(nl1 + 1 - (orig + head_len)), f);
	fwrite(nl2 + 1, 1, (size_t)(orig + len - (nl2 + 1)), f);
	fclose(f);
	CHECK(rh_journal_open(&j, path, &head, &got, &n, &err) == RH_E_FORMAT);
	free(orig);
	return T_PASS;
}

/* A shard's journal (shard 1 of 3 of 100: injections 33 .. 65) holds its own range only, is
 * another campaign's to the other shards, and reads back whole with rh_journal_read. */
static int t_shard(struct test_ctx *t)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/shard.jnl", t->tmpdir);
	struct rh_journal_head h = head;
	h.shard = 1;
	h.shards = 3;
	long lo, hi;
	rh_journal_shard_range(h.n, h.shard, h.shards, &lo, &hi);
	CHECKF(lo == 33 && hi == 66, "shard 1/3 of 100 is %ld .. %ld", lo, hi - 1);
	struct rh_journal j;
	struct rh_journal_rec *got, r[8];
	size_t n;
	struct rh_err err;
	CHECKF(rh_journal_open(&j, path, &h, &got, &n, &err) == 0 && n == 0, "%s", err.msg);
	for (int i = 0; i < 8; i++)
		r[i] = rec(lo + i);
	CHECK(rh_journal_append(&j, r, 8, &err) == 0);
	rh_journal_close(&j);
	struct rh_journal_head other = h;
	other.shard = 2;
	CHECK(rh_journal_open(&j, path, &other, &got, &n, &err) == RH_E_INVAL);
	struct rh_journal_file jf;
	CHECKF(rh_journal_read(path, &jf, &err) == 0, "%s", err.msg);
	CHECK(jf.head.shard == 1 && jf.head.shards == 3 && jf.head.n == 100 && jf.n_recs == 8 && !jf.cut);
	CHECK(!strcmp(jf.head.model, "mlp") && jf.head.ffmap_hash == head.ffmap_hash && same(&jf.recs[7], &r[7]));
	rh_journal_file_free(&jf);
	/* a record of shard 0 in shard 1's journal is damage */
	CHECKF(rh_journal_open(&j, path, &h, &got, &n, &err) == 0 && n == 8, "%s", err.msg);
	free(got);
	r[0] = rec(0);
	CHECK(rh_journal_append(&j, r, 1, &err) == 0);
	rh_journal_close(&j);
	got = NULL;
	CHECK(rh_journal_open(&j, path, &h, &got, &n, &err) == RH_E_FORMAT);
	free(got);
	CHECK(rh_journal_read(path, &jf, &err) == RH_E_FORMAT);
	return T_PASS;
}

/* The optional fields (first image, FIT rates) read back; a head without them, or with others,
 * is another campaign's. */
static int t_optional_fields(struct test_ctx *t)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/opt.jnl", t->tmpdir);
	remove(path);
	struct rh_journal_head h = head;
	h.sampler = "isb";
	h.first_image = 250;
	h.fit = "input_act=1,weight=1,output_act=1,control=0.33300000000000002";
	h.calib_hash = 0x0badf00du;
	struct rh_journal j;
	struct rh_journal_rec *got = NULL, r[4];
	size_t n;
	struct rh_err err;
	CHECKF(rh_journal_open(&j, path, &h, &got, &n, &err) == 0, "%s", err.msg);
	free(got);
	for (long i = 0; i < 4; i++)
		r[i] = rec(i);
	CHECK(rh_journal_append(&j, r, 4, &err) == 0);
	rh_journal_close(&j);
	struct rh_journal_file jf;
	CHECKF(rh_journal_read(path, &jf, &err) == 0, "%s", err.msg);
	CHECK(jf.head.first_image == 250 && !strcmp(jf.head.fit, h.fit) && jf.head.calib_hash == h.calib_hash &&
	      jf.n_recs == 4);
	rh_journal_file_free(&jf);
	CHECKF(rh_journal_open(&j, path, &h, &got, &n, &err) == 0 && n == 4, "%s", err.msg);
	free(got);
	rh_journal_close(&j);
	struct rh_journal_head other[5] = {h, h, h, h, h};
	other[0].first_image = 0;
	other[1].fit = NULL;
	other[2].fit = "input_act=1,weight=1,output_act=1,control=0.5";
	other[3].calib_hash = 0;
	other[4].calib_hash = 0x0badf00eu;
	for (int i = 0; i < 5; i++) {
		got = NULL;
		CHECKF(rh_journal_open(&j, path, &other[i], &got, &n, &err) == RH_E_INVAL, "head %d", i);
		free(got);
	}
	return T_PASS;
}

const struct test_case journal_tests[] = {
    {"journal_optional_fields", t_optional_fields},
    {"journal_cut_anywhere", t_cut_anywhere},
    {"journal_refused", t_refused},
    {"journal_shard", t_shard},
    {NULL, NULL},
};
