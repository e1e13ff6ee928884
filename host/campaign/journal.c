/* rahil: the campaign journal (host/campaign/journal.h). */
#include "journal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "model.h"
#include "outcome.h"

/* 3: the head names the shard; 2 (no shard) is still read, as a whole campaign. 2: runs start
 * from the canonical start state and may crash (outcome 4); a version 1 journal recorded other
 * semantics and is refused. */
#define JOURNAL_MAGIC   "rahil-journal "
#define JOURNAL_VERSION 3
#define LINE_MAX_LEN    512

void rh_journal_shard_range(long n, int shard, int shards, long *lo, long *hi)
{
	if (shards <= 1) {
		*lo = 0;
		*hi = n;
		return;
	}
	*lo = (long)((long long)shard * n / shards);
	*hi = (long)((long long)(shard + 1) * n / shards);
}

/* The head line of a version 3 (or, unsharded, version 2) journal. */
static int format_head(char *out, size_t cap, const struct rh_journal_head *h, int version)
{
	int n = snprintf(out, cap,
	                 JOURNAL_MAGIC "%d model=%s model_hash=%08" PRIx32 " sampler=%s n=%ld images=%d seed=%ld "
	                               "chain_len=%" PRIu32 " golden_cycles=%" PRIu32 " ffmap=%08" PRIx32,
	                 version, h->model, h->model_hash, h->sampler, h->n, h->images, h->seed, h->chain_len,
	                 h->golden_cycles, h->ffmap_hash);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	/* version 3 adds the shard, then (when not the default) the first image and the FIT rates */
	char first[32] = "", calib[32] = "";
	if (h->first_image > 0)
		snprintf(first, sizeof(first), " first_image=%d", h->first_image);
	if (h->calib_hash)
		snprintf(calib, sizeof(calib), " calib=%08" PRIx32, h->calib_hash);
	int fit = version >= 3 && h->fit && h->fit[0];
	int m = version >= 3
	            ? snprintf(out + n, cap - (size_t)n, " shard=%d/%d%s%s%s%s\n", h->shards > 1 ? h->shard : 0,
	                       h->shards > 1 ? h->shards : 1, first, fit ? " fit=" : "", fit ? h->fit : "", calib)
	            : snprintf(out + n, cap - (size_t)n, "\n");
	return m < 0 || (size_t)(n + m) >= cap ? -1 : n + m;
}

int rh_journal_head_text(char *out, size_t cap, const struct rh_journal_head *h)
{
	return format_head(out, cap, h, JOURNAL_VERSION);
}

static uint32_t line_crc(const char *s, size_t n)
{
	return (uint32_t)crc32(0L, (const Bytef *)s, (uInt)n);
}

/* "<index> <image> <bit> <cycle> <outcome> <cls> <weight> <crc>\n"; the CRC covers the text
 * before its separating space. */
static int format_rec(char *out, size_t cap, const struct rh_journal_rec *r)
{
	int n = snprintf(out, cap, "%ld %d %" PRIu32 " %" PRIu32 " %d %d %.17g", r->index, r->image, r->bit, r->cycle,
	                 r->outcome, r->cls, r->weight);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	int m = snprintf(out + n, cap - (size_t)n, " %08" PRIx32 "\n", line_crc(out, (size_t)n));
	return m < 0 || (size_t)(n + m) >= cap ? -1 : n + m;
}

/* Parse one complete line (without its newline). */
static int parse_rec(const char *line, size_t len, struct rh_journal_rec *r)
{
	const char *sp = NULL; /* the last space: the CRC follows it */
	for (size_t i = len; i-- > 0 && !sp;)
		if (line[i] == ' ')
			sp = line + i;
	if (!sp || line + len - sp != 9)
		return -1;
	char crc_txt[9], body[LINE_MAX_LEN], *end;
	memcpy(crc_txt, sp + 1, 8);
	crc_txt[8] = 0;
	unsigned long crc = strtoul(crc_txt, &end, 16);
	if (*end || crc != line_crc(line, (size_t)(sp - line)) || (size_t)(sp - line) >= sizeof(body))
		return -1;
	memcpy(body, line, (size_t)(sp - line));
	body[sp - line] = 0;
	char tail;
	if (sscanf(body, "%ld %d %" SCNu32 " %" SCNu32 " %d %d %lf %c", &r->index, &r->image, &r->bit, &r->cycle,
	           &r->outcome, &r->cls, &r->weight, &tail) != 7)
		return -1;
	if (r->outcome < 0 || r->outcome >= RH_OUT_COUNT || r->cls < -1 || r->image < 0 || !(r->weight >= 0))
		return -1;
	return 0;
}

/* Read the whole file into memory. */
static int slurp(FILE *f, char **buf, size_t *len, const char *path, struct rh_err *err)
{
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	if (!b)
		return rh_err_set(err, RH_E_NOMEM, "out of memory reading %s", path);
	for (;;) {
		if (n == cap) {
			char *nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				return rh_err_set(err, RH_E_NOMEM, "out of memory reading %s", path);
			}
			b = nb;
		}
		size_t k = fread(b + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	if (ferror(f)) {
		free(b);
		return rh_err_set(err, RH_E_IO, "%s: read error", path);
	}
	*buf = b;
	*len = n;
	return 0;
}

/* Write the head into an empty (or emptied) file. */
static int write_head(FILE *f, const char *want, const char *path, struct rh_err *err)
{
	rewind(f);
	if (ftruncate(fileno(f), 0) || fputs(want, f) == EOF || fflush(f) || fsync(fileno(f)))
		return rh_err_set(err, RH_E_IO, "%s: cannot write: %s", path, strerror(errno));
	return 0;
}

/* The file's first line (first bytes, with its newline) is not the head wanted: say what it
 * starts with, printable (a damaged or foreign file is not echoed raw). */
static int head_mismatch(const char *buf, size_t first, const char *want, const char *path, struct rh_err *err)
{
	char seen[201];
	size_t show = 0;
	for (; show < first && show < sizeof(seen) - 1 && buf[show] != '\n'; show++)
		seen[show] = buf[show] >= 0x20 && buf[show] < 0x7f ? buf[show] : '.';
	seen[show] = 0;
	if (strncmp(buf, JOURNAL_MAGIC, strlen(JOURNAL_MAGIC)) != 0)
		return rh_err_set(err, RH_E_INVAL,
		                  "%s is not a rahil journal (it starts with '%.60s'): use another --journal file",
		                  path, seen);
	return rh_err_set(err, RH_E_INVAL,
	                  "%s belongs to another campaign (or an older rahil):\n  it has:   %s\n  this is:  %s"
	                  "  use another --journal file, or the options it was written with",
	                  path, seen, want);
}

/* The records after the head (buf[first .. len)), indices lo, lo + 1, ... below hi: complete lines; a cut-short last
 * line is dropped, and *good_end receives where the complete lines end. *recs (malloc'd) receives them, also on an
 * error. */
static int parse_records(const char *buf, size_t len, size_t first, long lo, long hi, const char *path,
                         struct rh_journal_rec **recs, size_t *n_recs, size_t *good_end, struct rh_err *err)
{
	size_t cap = 0, n = 0, pos = first;
	struct rh_journal_rec *r = NULL;
	long lineno = 1;
	int rc = 0;
	*good_end = first;
	while (pos < len) {
		const char *e = memchr(buf + pos, '\n', len - pos);
		lineno++;
		if (!e)
			break; /* no newline: the writer stopped mid-line */
		size_t ll = (size_t)(e - (buf + pos));
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			struct rh_journal_rec *nr = realloc(r, cap * sizeof(*r));
			if (!nr) {
				rc = rh_err_set(err, RH_E_NOMEM, "out of memory reading %s", path);
				break;
			}
			r = nr;
		}
		if (parse_rec(buf + pos, ll, &r[n]) || r[n].index != lo + (long)n || r[n].index >= hi) {
			rc = rh_err_set(err, RH_E_FORMAT,
			                "%s, line %ld: damaged record (CRC, fields or order); the journal cannot be "
			                "trusted past it",
			                path, lineno);
			break;
		}
		n++;
		pos += ll + 1;
		*good_end = pos;
	}
	*recs = r;
	*n_recs = n;
	return rc;
}

int rh_journal_open(struct rh_journal *j, const char *path, const struct rh_journal_head *head,
                    struct rh_journal_rec **recs, size_t *n_recs, struct rh_err *err)
{
	char want[LINE_MAX_LEN], want2[LINE_MAX_LEN];
	int hl = format_head(want, sizeof(want), head, JOURNAL_VERSION);
	/* a version 2 journal has no shards, equal FIT rates, the first images and no calibration */
	int hl2 = head->shards > 1 || (head->fit && head->fit[0]) || head->first_image > 0 || head->calib_hash
	              ? -1
	              : format_head(want2, sizeof(want2), head, 2);
	memset(j, 0, sizeof(*j));
	*recs = NULL;
	*n_recs = 0;
	if (hl < 0 || (size_t)hl >= sizeof(want))
		return rh_err_set(err, RH_E_INVAL, "journal head too long");
	snprintf(j->path, sizeof(j->path), "%s", path);
	FILE *f = fopen(path, "r+");
	if (!f && errno == ENOENT)
		f = fopen(path, "w+");
	if (!f)
		return rh_err_set(err, RH_E_IO, "%s: %s", path, strerror(errno));
	j->f = f;
	char *buf = NULL;
	size_t len = 0;
	int rc = slurp(f, &buf, &len, path, err);
	if (rc)
		goto fail;
	/* A new journal, or one whose head was cut short while being written. */
	if (len == 0 || (!memchr(buf, '\n', len) && len < (size_t)hl && memcmp(buf, want, len) == 0)) {
		free(buf);
		rc = write_head(f, want, path, err);
		if (rc)
			goto fail;
		return 0;
	}
	const char *nl = memchr(buf, '\n', len);
	size_t first = nl ? (size_t)(nl - buf) + 1 : len;
	int v2 = hl2 > 0 && first == (size_t)hl2 && memcmp(buf, want2, first) == 0; /* a version 2 journal */
	if (!v2 && (first != (size_t)hl || memcmp(buf, want, first) != 0)) {
		rc = head_mismatch(buf, first, want, path, err);
		free(buf);
		goto fail;
	}
	struct rh_journal_rec *r;
	size_t n, good_end;
	long lo, hi;
	rh_journal_shard_range(head->n, head->shard, head->shards, &lo, &hi);
	rc = parse_records(buf, len, first, lo, hi, path, &r, &n, &good_end, err);
	free(buf);
	if (!rc && good_end < len && (fflush(f) || ftruncate(fileno(f), (off_t)good_end)))
		rc = rh_err_set(err, RH_E_IO, "%s: cannot cut the partial last line: %s", path, strerror(errno));
	if (!rc && fseek(f, 0, SEEK_END))
		rc = rh_err_set(err, RH_E_IO, "%s: %s", path, strerror(errno));
	if (rc) {
		free(r);
		goto fail;
	}
	*recs = r;
	*n_recs = n;
	return 0;
fail:
	fclose(f);
	j->f = NULL;
	return rc;
}

int rh_journal_append(struct rh_journal *j, const struct rh_journal_rec *r, size_t n, struct rh_err *err)
{
	char line[LINE_MAX_LEN];
	for (size_t i = 0; i < n; i++) {
		int len = format_rec(line, sizeof(line), &r[i]);
		if (len < 0)
			return rh_err_set(err, RH_E_INVAL, "journal record too long");
		if (fwrite(line, 1, (size_t)len, j->f) != (size_t)len)
			return rh_err_set(err, RH_E_IO, "%s: cannot write: %s", j->path, strerror(errno));
	}
	if (fflush(j->f) || fsync(fileno(j->f)))
		return rh_err_set(err, RH_E_IO, "%s: cannot write: %s", j->path, strerror(errno));
	return 0;
}

void rh_journal_close(struct rh_journal *j)
{
	if (j->f)
		fclose(j->f);
	j->f = NULL;
}

/* Parse the head line buf[0 .. first) into jf->head; it must read back as the same text. */
static int parse_head(const char *buf, size_t first, struct rh_journal_file *jf, const char *path, struct rh_err *err)
{
	struct rh_journal_head *h = &jf->head;
	char line[LINE_MAX_LEN], again[LINE_MAX_LEN];
	int version = 0, used = 0;
	if (first >= sizeof(line) || strncmp(buf, JOURNAL_MAGIC, strlen(JOURNAL_MAGIC)) != 0)
		return rh_err_set(err, RH_E_INVAL, "%s is not a rahil journal", path);
	memcpy(line, buf, first);
	line[first] = 0;
	*h = (struct rh_journal_head){.model = jf->model, .sampler = jf->sampler, .shards = 1, .fit = jf->fit};
	if (sscanf(line, JOURNAL_MAGIC "%d%n", &version, &used) != 1 || (version != 2 && version != 3))
		return rh_err_set(err, RH_E_FORMAT, "%s: a version %d journal; this rahil reads versions 2 and 3", path,
		                  version);
	int tail = 0;
	int k = sscanf(line + used,
	               " model=%63s model_hash=%" SCNx32 " sampler=%31s n=%ld images=%d seed=%ld chain_len=%" SCNu32
	               " golden_cycles=%" SCNu32 " ffmap=%" SCNx32 " shard=%d/%d%n",
	               jf->model, &h->model_hash, jf->sampler, &h->n, &h->images, &h->seed, &h->chain_len,
	               &h->golden_cycles, &h->ffmap_hash, &h->shard, &h->shards, &tail);
	if (version == 3 && k == 11) { /* the optional fields, read back below as the same text */
		const char *t = line + used + tail;
		int at = 0;
		if (sscanf(t, " first_image=%d%n", &h->first_image, &at) == 1)
			t += at;
		if (sscanf(t, " fit=%159s%n", jf->fit, &at) == 1)
			t += at;
		else
			jf->fit[0] = 0;
		if (sscanf(t, " calib=%" SCNx32, &h->calib_hash) != 1)
			h->calib_hash = 0;
	}
	int ok = k == (version == 3 ? 11 : 9) && h->n > 0 && h->shards >= 1 && h->shard >= 0 && h->shard < h->shards &&
	         h->first_image >= 0;
	if (!ok || format_head(again, sizeof(again), h, version) != (int)first || memcmp(again, line, first) != 0)
		return rh_err_set(err, RH_E_FORMAT, "%s: damaged journal head", path);
	return 0;
}

int rh_journal_read(const char *path, struct rh_journal_file *jf, struct rh_err *err)
{
	memset(jf, 0, sizeof(*jf));
	FILE *f = fopen(path, "r");
	if (!f)
		return rh_err_set(err, RH_E_IO, "%s: %s", path, strerror(errno));
	char *buf = NULL;
	size_t len = 0, good_end = 0;
	int rc = slurp(f, &buf, &len, path, err);
	fclose(f);
	if (rc)
		return rc;
	const char *nl = memchr(buf, '\n', len);
	if (!nl)
		rc = rh_err_set(err, RH_E_FORMAT, "%s: no complete journal head", path);
	if (!rc)
		rc = parse_head(buf, (size_t)(nl - buf) + 1, jf, path, err);
	if (!rc) {
		long lo, hi;
		rh_journal_shard_range(jf->head.n, jf->head.shard, jf->head.shards, &lo, &hi);
		rc = parse_records(buf, len, (size_t)(nl - buf) + 1, lo, hi, path, &jf->recs, &jf->n_recs, &good_end,
		                   err);
		jf->cut = good_end < len;
	}
	free(buf);
	if (rc)
		rh_journal_file_free(jf);
	return rc;
}

void rh_journal_file_free(struct rh_journal_file *jf)
{
	free(jf->recs);
	jf->recs = NULL;
	jf->n_recs = 0;
}
