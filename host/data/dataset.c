/* rahil: IDX reader through zlib (reads plain files as well as .gz). */
#include "dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "quant.h"

/* Largest array accepted: far above Fashion-MNIST's 47 MB, far below trouble. */
#define IDX_MAX_BYTES (512u << 20)

static int read_exact(gzFile f, void *buf, size_t len, const char *path, const char *what, struct rh_err *err)
{
	size_t got = 0;
	while (got < len) {
		unsigned chunk = len - got > (1u << 30) ? (1u << 30) : (unsigned)(len - got);
		int n = gzread(f, (uint8_t *)buf + got, chunk);
		if (n < 0) {
			int zerr;
			const char *msg = gzerror(f, &zerr);
			return rh_err_set(err, RH_E_FORMAT, "%s: reading %s: %s", path, what, msg);
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != len)
		return rh_err_set(err, RH_E_FORMAT, "%s: truncated %s: read %zu bytes, expected %zu", path, what, got,
		                  len);
	return 0;
}

int rh_idx_read(struct rh_idx *x, const char *path, int ndim, struct rh_err *err)
{
	int rc;
	uint8_t hdr[4], dimb[16], extra;
	memset(x, 0, sizeof(*x));
	gzFile f = gzopen(path, "rb");
	if (!f)
		return rh_err_set(err, RH_E_IO, "%s: %s", path, errno ? strerror(errno) : "cannot open");
	rc = read_exact(f, hdr, 4, path, "header", err);
	if (rc)
		goto out;
	if (hdr[0] != 0 || hdr[1] != 0 || hdr[2] != 0x08 || hdr[3] != ndim) {
		rc = rh_err_set(
		    err, RH_E_FORMAT,
		    "%s: bad IDX magic %02x %02x %02x %02x (expected 00 00 08 %02x: unsigned bytes, %d dimensions)",
		    path, hdr[0], hdr[1], hdr[2], hdr[3], ndim, ndim);
		goto out;
	}
	rc = read_exact(f, dimb, 4u * (unsigned)ndim, path, "dimensions", err);
	if (rc)
		goto out;
	size_t size = 1;
	x->ndim = ndim;
	for (int i = 0; i < ndim; i++) {
		const uint8_t *p = dimb + 4 * i;
		x->dims[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
		if (x->dims[i] == 0 || x->dims[i] > IDX_MAX_BYTES || size * x->dims[i] > IDX_MAX_BYTES) {
			rc = rh_err_set(err, RH_E_FORMAT, "%s: impossible dimension %d = %u", path, i,
			                (unsigned)x->dims[i]);
			goto out;
		}
		size *= x->dims[i];
	}
	x->data = malloc(size);
	if (!x->data) {
		rc = rh_err_set(err, RH_E_NOMEM, "%s: cannot allocate %zu bytes", path, size);
		goto out;
	}
	x->size = size;
	rc = read_exact(f, x->data, size, path, "data", err);
	if (rc)
		goto out;
	if (gzread(f, &extra, 1) != 0) {
		rc = rh_err_set(err, RH_E_FORMAT, "%s: trailing bytes after %zu bytes of data", path, size);
		goto out;
	}
out:
	gzclose(f);
	if (rc)
		rh_idx_free(x);
	return rc;
}

void rh_idx_free(struct rh_idx *x)
{
	free(x->data);
	memset(x, 0, sizeof(*x));
}

const char *rh_dataset_dir(const char *dir)
{
	if (dir && *dir)
		return dir;
	const char *env = getenv("RAHIL_DATA");
	return env && *env ? env : RH_DEFAULT_DATA_DIR;
}

/* dir/base.gz if it exists, else dir/base. */
static void data_path(char *out, size_t len, const char *dir, const char *base)
{
	snprintf(out, len, "%s/%s.gz", dir, base);
	if (access(out, R_OK) != 0)
		snprintf(out, len, "%s/%s", dir, base);
}

int rh_dataset_load(struct rh_dataset *d, const char *dir, enum rh_split split, struct rh_err *err)
{
	char ip[4096], lp[4096];
	const char *pre = split == RH_TRAIN ? "train" : "t10k";
	char base[64];
	memset(d, 0, sizeof(*d));
	dir = rh_dataset_dir(dir);
	snprintf(base, sizeof(base), "%s-images-idx3-ubyte", pre);
	data_path(ip, sizeof(ip), dir, base);
	snprintf(base, sizeof(base), "%s-labels-idx1-ubyte", pre);
	data_path(lp, sizeof(lp), dir, base);
	int rc = rh_idx_read(&d->img, ip, 3, err);
	if (rc) {
		if (rc == RH_E_IO && err) {
			char why[sizeof(err->msg)];
			memcpy(why, err->msg, sizeof(why)); /* rh_err_set writes err->msg */
			rh_err_set(err, RH_E_IO,
			           "cannot read Fashion-MNIST from %.200s (%.200s); install the Debian package "
			           "dataset-fashion-mnist or give --data DIR",
			           dir, why);
		}
		return rc;
	}
	rc = rh_idx_read(&d->lab, lp, 1, err);
	if (rc) {
		rh_idx_free(&d->img);
		return rc;
	}
	if (d->img.dims[0] != d->lab.dims[0]) {
		rc = rh_err_set(err, RH_E_FORMAT, "%s has %u images but %s has %u labels", ip, (unsigned)d->img.dims[0],
		                lp, (unsigned)d->lab.dims[0]);
		goto fail;
	}
	if (d->img.dims[1] != 28 || d->img.dims[2] != 28) {
		rc = rh_err_set(err, RH_E_FORMAT, "%s: images are %ux%u, expected 28x28", ip, (unsigned)d->img.dims[1],
		                (unsigned)d->img.dims[2]);
		goto fail;
	}
	for (size_t i = 0; i < d->lab.size; i++)
		if (d->lab.data[i] > 9) {
			rc = rh_err_set(err, RH_E_FORMAT, "%s: label %u of item %zu is not a class 0..9", lp,
			                (unsigned)d->lab.data[i], i);
			goto fail;
		}
	d->n = (int)d->img.dims[0];
	d->h = 28;
	d->w = 28;
	d->pixels = d->img.data;
	d->labels = d->lab.data;
	return 0;
fail:
	rh_dataset_free(d);
	return rc;
}

void rh_dataset_input(const struct rh_dataset *d, int i, int8_t *x)
{
	const uint8_t *p = d->pixels + (size_t)i * (size_t)(d->h * d->w);
	for (int j = 0; j < d->h * d->w; j++)
		x[j] = rh_quant_pixel(p[j]);
}

void rh_dataset_free(struct rh_dataset *d)
{
	rh_idx_free(&d->img);
	rh_idx_free(&d->lab);
	memset(d, 0, sizeof(*d));
}
