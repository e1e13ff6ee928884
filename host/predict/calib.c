/* rahil: calibration files (host/predict/calib.h), JSON. */
#include "calib.h"
#include "hash.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC     "rahil-calibration"
#define MAX_BYTES (1 << 20)

static cJSON *pair(const double v[2])
{
	cJSON *a = cJSON_CreateArray();
	cJSON_AddItemToArray(a, cJSON_CreateNumber(v[0]));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(v[1]));
	return a;
}

int rh_calib_write(const char *path, const struct rh_calib *c, struct rh_err *err)
{
	cJSON *j = cJSON_CreateObject(), *gs = cJSON_CreateObject();
	char hex[16];
	cJSON_AddNumberToObject(j, MAGIC, 1);
	cJSON_AddStringToObject(j, "model", c->model);
	snprintf(hex, sizeof(hex), "%08x", c->model_hash);
	cJSON_AddStringToObject(j, "model_hash", hex);
	snprintf(hex, sizeof(hex), "%08x", c->ffmap_hash);
	cJSON_AddStringToObject(j, "ffmap_hash", hex);
	cJSON_AddStringToObject(j, "backend", c->backend);
	cJSON_AddStringToObject(j, "sampler", c->sampler);
	cJSON_AddNumberToObject(j, "seed", (double)c->seed);
	cJSON_AddNumberToObject(j, "n", (double)c->n);
	cJSON_AddNumberToObject(j, "images", c->images);
	cJSON_AddNumberToObject(j, "first_image", c->first_image);
	for (int i = 0; i < RH_SG_COUNT; i++) {
		const struct rh_calib_group *g = &c->g[i];
		if (!g->have)
			continue;
		cJSON *o = cJSON_AddObjectToObject(gs, rh_site_group_name(i));
		cJSON_AddNumberToObject(o, "n_golden_correct", (double)g->n_g1);
		cJSON_AddNumberToObject(o, "n_golden_wrong", (double)g->n_g0);
		cJSON_AddNumberToObject(o, "fail", g->fail);
		cJSON_AddItemToObject(o, "ci95_fail", pair(g->ci_fail));
		cJSON_AddNumberToObject(o, "fix", g->fix);
		cJSON_AddItemToObject(o, "ci95_fix", pair(g->ci_fix));
	}
	cJSON_AddItemToObject(j, "groups", gs);
	char *s = cJSON_Print(j);
	cJSON_Delete(j);
	FILE *f = s ? fopen(path, "w") : NULL;
	int ok = f && fputs(s, f) >= 0 && fputc('\n', f) != EOF;
	ok = f ? (fclose(f) == 0 && ok) : 0;
	free(s);
	return ok ? 0 : rh_err_set(err, RH_E_IO, "%s: cannot write the calibration", path);
}

/* The number under key, within [lo, hi], or -1 with the error set. */
static int num(const cJSON *o, const char *key, double lo, double hi, double *v, const char *path, struct rh_err *err)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(x) || !(x->valuedouble >= lo && x->valuedouble <= hi))
		return rh_err_set(err, RH_E_FORMAT, "%s: '%s' is missing or outside [%g, %g]", path, key, lo, hi);
	*v = x->valuedouble;
	return 0;
}

static int text(const cJSON *o, const char *key, char *out, size_t cap, const char *path, struct rh_err *err)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsString(x) || strlen(x->valuestring) >= cap)
		return rh_err_set(err, RH_E_FORMAT, "%s: '%s' is missing or too long", path, key);
	strcpy(out, x->valuestring);
	return 0;
}

static int pair_in(const cJSON *o, const char *key, double v[2], const char *path, struct rh_err *err)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
	const cJSON *x = cJSON_GetArrayItem(a, 0), *y = cJSON_GetArrayItem(a, 1);
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != 2 || !cJSON_IsNumber(x) || !cJSON_IsNumber(y) ||
	    !(x->valuedouble >= 0 && x->valuedouble <= y->valuedouble && y->valuedouble <= 1))
		return rh_err_set(err, RH_E_FORMAT, "%s: '%s' is not an interval inside [0, 1]", path, key);
	v[0] = x->valuedouble;
	v[1] = y->valuedouble;
	return 0;
}

static int read_group(const cJSON *o, struct rh_calib_group *g, const char *path, struct rh_err *err)
{
	double a = 0, b = 0;
	int rc = num(o, "n_golden_correct", 1, 1e15, &a, path, err);
	if (!rc)
		rc = num(o, "n_golden_wrong", 0, 1e15, &b, path, err);
	if (!rc)
		rc = num(o, "fail", 0, 1, &g->fail, path, err);
	if (!rc)
		rc = num(o, "fix", 0, 1, &g->fix, path, err);
	if (!rc)
		rc = pair_in(o, "ci95_fail", g->ci_fail, path, err);
	if (!rc)
		rc = pair_in(o, "ci95_fix", g->ci_fix, path, err);
	g->n_g1 = (long)a;
	g->n_g0 = (long)b;
	g->have = !rc;
	return rc;
}

static int read_hex(const cJSON *j, const char *key, uint32_t *v, const char *path, struct rh_err *err)
{
	char s[16], *end;
	int rc = text(j, key, s, sizeof(s), path, err);
	if (rc)
		return rc;
	*v = (uint32_t)strtoul(s, &end, 16);
	return *end || end == s ? rh_err_set(err, RH_E_FORMAT, "%s: '%s' is not a hex hash", path, key) : 0;
}

static int parse(const cJSON *j, struct rh_calib *c, const char *path, struct rh_err *err)
{
	double seed = 0, n = 0, images = 0, magic = 0;
	int rc = num(j, MAGIC, 1, 1, &magic, path, err);
	if (!rc)
		rc = text(j, "model", c->model, sizeof(c->model), path, err);
	if (!rc)
		rc = read_hex(j, "model_hash", &c->model_hash, path, err);
	if (!rc)
		rc = read_hex(j, "ffmap_hash", &c->ffmap_hash, path, err);
	if (!rc)
		rc = text(j, "backend", c->backend, sizeof(c->backend), path, err);
	if (!rc)
		rc = text(j, "sampler", c->sampler, sizeof(c->sampler), path, err);
	if (!rc)
		rc = num(j, "seed", 0, 9.2e18, &seed, path, err);
	if (!rc)
		rc = num(j, "n", 1, 1e15, &n, path, err);
	if (!rc)
		rc = num(j, "images", 1, 1e9, &images, path, err);
	double first = 0; /* written since the calibration could take other images than the first */
	if (!rc && cJSON_GetObjectItemCaseSensitive(j, "first_image"))
		rc = num(j, "first_image", 0, 1e9, &first, path, err);
	c->first_image = (int)first;
	const cJSON *gs = cJSON_GetObjectItemCaseSensitive(j, "groups");
	if (!rc && !cJSON_IsObject(gs))
		rc = rh_err_set(err, RH_E_FORMAT, "%s: no 'groups' object", path);
	for (int i = 0; !rc && i < RH_SG_COUNT; i++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(gs, rh_site_group_name(i));
		if (o)
			rc = read_group(o, &c->g[i], path, err);
	}
	c->seed = (long)seed;
	c->n = (long)n;
	c->images = (int)images;
	return rc;
}

int rh_calib_read(const char *path, struct rh_calib *c, struct rh_err *err)
{
	memset(c, 0, sizeof(*c));
	FILE *f = fopen(path, "rb");
	if (!f)
		return rh_err_set(err, RH_E_IO, "%s: cannot open the calibration file", path);
	char *buf = malloc(MAX_BYTES + 1);
	size_t len = buf ? fread(buf, 1, MAX_BYTES + 1, f) : 0;
	fclose(f);
	if (!buf)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for %s", path);
	if (len > MAX_BYTES) {
		free(buf);
		return rh_err_set(err, RH_E_FORMAT, "%s: larger than a calibration file can be", path);
	}
	buf[len] = 0;
	cJSON *j = cJSON_Parse(buf);
	free(buf);
	int rc = j ? parse(j, c, path, err) : rh_err_set(err, RH_E_FORMAT, "%s: not a JSON calibration file", path);
	cJSON_Delete(j);
	return rc;
}

uint32_t rh_calib_hash(const struct rh_calib *c)
{
	uint32_t h = RH_FNV1A_INIT;
	char line[256];
	for (int i = 0; i < RH_SG_COUNT; i++) {
		const struct rh_calib_group *g = &c->g[i];
		int n = snprintf(line, sizeof(line), "%d %d %ld %ld %.17g %.17g %.17g %.17g %.17g %.17g\n", i, g->have,
		                 g->n_g1, g->n_g0, g->fail, g->fix, g->ci_fail[0], g->ci_fail[1], g->ci_fix[0],
		                 g->ci_fix[1]);
		h = rh_fnv1a(h, line, n > 0 && (size_t)n < sizeof(line) ? (size_t)n : 0);
	}
	return h ? h : 1;
}
