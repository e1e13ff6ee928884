/* rahil tests: the IDX reader and the Fashion-MNIST loader, good and corrupt inputs. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "harness.h"
#include "dataset.h"

/* Build an IDX byte array: magic for ndim unsigned-byte dims, then the data. */
static size_t make_idx(uint8_t *buf, int ndim, const uint32_t *dims, uint8_t fill)
{
	size_t n = 0, items = 1;
	buf[n++] = 0;
	buf[n++] = 0;
	buf[n++] = 8;
	buf[n++] = (uint8_t)ndim;
	for (int i = 0; i < ndim; i++) {
		buf[n++] = (uint8_t)(dims[i] >> 24);
		buf[n++] = (uint8_t)(dims[i] >> 16);
		buf[n++] = (uint8_t)(dims[i] >> 8);
		buf[n++] = (uint8_t)dims[i];
		items *= dims[i];
	}
	for (size_t i = 0; i < items; i++)
		buf[n++] = (uint8_t)(fill + i);
	return n;
}

static int write_gz(const char *path, const void *data, size_t len)
{
	gzFile f = gzopen(path, "wb");
	if (!f)
		return -1;
	int n = gzwrite(f, data, (unsigned)len);
	return gzclose(f) == Z_OK && n == (int)len ? 0 : -1;
}

static uint8_t big[28 * 28 * 4 + 64];

static int idx_good_plain_and_gz(struct test_ctx *t)
{
	char p[512];
	uint32_t dims[3] = {3, 4, 5};
	size_t n = make_idx(big, 3, dims, 7);
	struct rh_idx x;
	struct rh_err e;
	snprintf(p, sizeof(p), "%s/good.idx", t->tmpdir);
	CHECK(t_write_file(p, big, n) == 0);
	CHECKF(rh_idx_read(&x, p, 3, &e) == 0, "plain: %s", e.msg);
	CHECK(x.dims[0] == 3 && x.dims[1] == 4 && x.dims[2] == 5 && x.size == 60);
	CHECK(x.data[0] == 7 && x.data[59] == (uint8_t)(7 + 59));
	rh_idx_free(&x);
	snprintf(p, sizeof(p), "%s/good.idx.gz", t->tmpdir);
	CHECK(write_gz(p, big, n) == 0);
	CHECKF(rh_idx_read(&x, p, 3, &e) == 0, "gz: %s", e.msg);
	CHECK(x.size == 60 && x.data[59] == (uint8_t)(7 + 59));
	rh_idx_free(&x);
	return T_PASS;
}

/* Expect rh_idx_read to fail with code and a message containing needle. */
static int expect_fail(struct test_ctx *t, const char *p, int ndim, int code, const char *needle)
{
	struct rh_idx x;
	struct rh_err e = {0, ""};
	int rc = rh_idx_read(&x, p, ndim, &e);
	CHECKF(rc == code, "%s: got %d (%s), expected %d", p, rc, e.msg, code);
	CHECKF(strstr(e.msg, needle) != NULL, "message '%s' lacks '%s'", e.msg, needle);
	CHECK(x.data == NULL);
	return T_PASS;
}

static int idx_corrupt(struct test_ctx *t)
{
	char p[512];
	uint32_t dims[3] = {2, 3, 3};
	size_t n = make_idx(big, 3, dims, 0);
	int r;

	snprintf(p, sizeof(p), "%s/missing.idx", t->tmpdir);
	if ((r = expect_fail(t, p, 3, RH_E_IO, "No such file")))
		return r;

	/* Wrong magic: a 1-d file read as images; a non-byte type code. */
	snprintf(p, sizeof(p), "%s/c.idx", t->tmpdir);
	CHECK(t_write_file(p, big, n) == 0);
	if ((r = expect_fail(t, p, 1, RH_E_FORMAT, "bad IDX magic")))
		return r;
	big[2] = 0x0d;
	CHECK(t_write_file(p, big, n) == 0);
	if ((r = expect_fail(t, p, 3, RH_E_FORMAT, "bad IDX magic")))
		return r;
	big[2] = 0x08;

	/* Truncated in the header, in the dimensions and in the data, plain and gz. */
	CHECK(t_write_file(p, big, 3) == 0);
	if ((r = expect_fail(t, p, 3, RH_E_FORMAT, "truncated header")))
		return r;
	CHECK(t_write_file(p, big, 9) == 0);
	if ((r = expect_fail(t, p, 3, RH_E_FORMAT, "truncated dimensions")))
		return r;
	CHECK(t_write_file(p, big, n - 1) == 0);
	if ((r = expect_fail(t, p, 3, RH_E_FORMAT, "truncated data")))
		return r;
	snprintf(p, sizeof(p), "%s/c.idx.gz", t->tmpdir);
	CHECK(write_gz(p, big, n - 5) == 0);
	if ((r = expect_fail(t, p, 3, RH_E_FORMAT, "truncated data")))
		return r;

	/* Trailing bytes after the data. */
	snprintf(p, sizeof(p), "%s/c.idx", t->tmpdir);
	CHECK(t_write_file(p, big, n + 1) == 0);
	if ((r = expect_fail(t, p, 3, RH_E_FORMAT, "trailing bytes")))
		return r;

	/* A zero and an absurd dimension. */
	uint32_t zero[3] = {0, 3, 3};
	n = make_idx(big, 3, zero, 0);
	CHECK(t_write_file(p, big, n) == 0);
	if ((r = expect_fail(t, p, 3, RH_E_FORMAT, "impossible dimension")))
		return r;
	/* 0x7f7f7f7f items of 0x7f7f7f7f x 0x7f7f7f7f bytes: header only. */
	memcpy(big, "\0\0\x08\x03", 4);
	memset(big + 4, 0x7f, 12);
	CHECK(t_write_file(p, big, 16) == 0);
	if ((r = expect_fail(t, p, 3, RH_E_FORMAT, "impossible dimension")))
		return r;

	/* A gzip stream with damaged compressed data. */
	uint32_t d2[3] = {4, 28, 28};
	n = make_idx(big, 3, d2, 3);
	snprintf(p, sizeof(p), "%s/bad.idx.gz", t->tmpdir);
	CHECK(write_gz(p, big, n) == 0);
	FILE *f = fopen(p, "r+b");
	CHECK(f != NULL);
	CHECK(fseek(f, 0, SEEK_END) == 0);
	long sz = ftell(f);
	CHECK(sz > 40);
	CHECK(fseek(f, sz - 6, SEEK_SET) == 0); /* inside the CRC-32 trailer */
	fputc(0x55, f);
	fputc(0xaa, f);
	fclose(f);
	struct rh_idx x;
	struct rh_err e = {0, ""};
	CHECKF(rh_idx_read(&x, p, 3, &e) == RH_E_FORMAT, "damaged gzip accepted");
	return T_PASS;
}

/* A data directory with 2 train and 2 test images, optionally broken. */
static int make_dataset(struct test_ctx *t, const char *dir, int n_img, int n_lab, int side, uint8_t label)
{
	char p[600];
	uint32_t di[3] = {(uint32_t)n_img, (uint32_t)side, (uint32_t)side}, dl[1] = {(uint32_t)n_lab};
	mkdir(dir, 0700);
	const char *pre[2] = {"train", "t10k"};
	for (int k = 0; k < 2; k++) {
		size_t n = make_idx(big, 3, di, 1);
		snprintf(p, sizeof(p), "%s/%s-images-idx3-ubyte.gz", dir, pre[k]);
		if (write_gz(p, big, n))
			return t_fail(t, __FILE__, __LINE__, "cannot write %s", p);
		n = make_idx(big, 1, dl, 0);
		for (int i = 0; i < n_lab; i++)
			big[8 + i] = label;
		snprintf(p, sizeof(p), "%s/%s-labels-idx1-ubyte", dir, pre[k]);
		if (t_write_file(p, big, n))
			return t_fail(t, __FILE__, __LINE__, "cannot write %s", p);
	}
	return T_PASS;
}

static int dataset_checks(struct test_ctx *t)
{
	char dir[512];
	struct rh_dataset d;
	struct rh_err e = {0, ""};
	int r;
	snprintf(dir, sizeof(dir), "%s/ds-good", t->tmpdir);
	if ((r = make_dataset(t, dir, 2, 2, 28, 9)))
		return r;
	CHECKF(rh_dataset_load(&d, dir, RH_TEST, &e) == 0, "%s", e.msg);
	CHECK(d.n == 2 && d.labels[1] == 9 && d.pixels[0] == 1);
	rh_dataset_free(&d);

	snprintf(dir, sizeof(dir), "%s/ds-count", t->tmpdir);
	if ((r = make_dataset(t, dir, 2, 3, 28, 1)))
		return r;
	CHECK(rh_dataset_load(&d, dir, RH_TRAIN, &e) == RH_E_FORMAT);
	CHECKF(strstr(e.msg, "has 2 images but") != NULL, "message: %s", e.msg);

	snprintf(dir, sizeof(dir), "%s/ds-side", t->tmpdir);
	if ((r = make_dataset(t, dir, 2, 2, 27, 1)))
		return r;
	CHECK(rh_dataset_load(&d, dir, RH_TRAIN, &e) == RH_E_FORMAT);
	CHECKF(strstr(e.msg, "expected 28x28") != NULL, "message: %s", e.msg);

	snprintf(dir, sizeof(dir), "%s/ds-label", t->tmpdir);
	if ((r = make_dataset(t, dir, 2, 2, 28, 10)))
		return r;
	CHECK(rh_dataset_load(&d, dir, RH_TEST, &e) == RH_E_FORMAT);
	CHECKF(strstr(e.msg, "not a class") != NULL, "message: %s", e.msg);

	snprintf(dir, sizeof(dir), "%s/ds-none", t->tmpdir);
	CHECK(rh_dataset_load(&d, dir, RH_TEST, &e) == RH_E_IO);
	CHECKF(strstr(e.msg, "dataset-fashion-mnist") != NULL, "message: %s", e.msg);
	return T_PASS;
}

static int dataset_debian(struct test_ctx *t)
{
	struct rh_dataset d;
	struct rh_err e = {0, ""};
	if (rh_dataset_load(&d, NULL, RH_TEST, &e) == RH_E_IO)
		return t_fail(t, __FILE__, __LINE__, "%s: %s", NEED_DATA, e.msg);
	CHECKF(e.code == 0, "%s", e.msg);
	CHECK(d.n == 10000 && d.h == 28 && d.w == 28);
	int count[10] = {0};
	for (int i = 0; i < d.n; i++)
		count[d.labels[i]]++;
	for (int c = 0; c < 10; c++)
		CHECKF(count[c] == 1000, "class %d has %d test images, expected 1000", c, count[c]);
	rh_dataset_free(&d);
	CHECKF(rh_dataset_load(&d, NULL, RH_TRAIN, &e) == 0, "%s", e.msg);
	CHECK(d.n == 60000);
	rh_dataset_free(&d);
	return T_PASS;
}

const struct test_case idx_tests[] = {
    {"idx/good-plain-and-gz", idx_good_plain_and_gz},
    {"idx/corrupt", idx_corrupt},
    {"idx/dataset-checks", dataset_checks},
    {"idx/dataset-debian", dataset_debian},
    {NULL, NULL},
};
