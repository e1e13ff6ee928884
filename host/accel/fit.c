/* rahil: raw FIT rates per flip-flop class (host/accel/fit.h). */
#include "fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RATE 1e6

void rh_fit_default(struct rh_fit *f)
{
	for (int c = 0; c < RH_FIT_CLASSES; c++)
		f->rate[c] = 1;
}

int rh_fit_uniform(const struct rh_fit *f)
{
	for (int c = 1; c < RH_FIT_CLASSES; c++)
		if (f->rate[c] != f->rate[0])
			return 0;
	return 1;
}

static int class_of_name(const char *s, size_t n)
{
	for (int c = 0; c < RH_FIT_CLASSES; c++) {
		const char *name = rh_ff_class_name(c);
		if (strlen(name) == n && !strncmp(s, name, n))
			return c;
	}
	return -1;
}

int rh_fit_parse(struct rh_fit *f, const char *text, struct rh_err *err)
{
	struct rh_fit out = *f;
	const char *p = text;
	for (;;) {
		const char *eq = strchr(p, '='), *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		if (!eq || eq > end)
			return rh_err_set(err, RH_E_INVAL,
			                  "'%.*s' is not CLASS=RATE (classes: input_act, weight, output_act, control)",
			                  (int)(end - p), p);
		int c = class_of_name(p, (size_t)(eq - p));
		if (c < 0)
			return rh_err_set(
			    err, RH_E_INVAL,
			    "unknown flip-flop class '%.*s' (classes: input_act, weight, output_act, control)",
			    (int)(eq - p), p);
		char num[64], *tail = NULL;
		size_t len = (size_t)(end - eq - 1);
		if (len == 0 || len >= sizeof(num))
			return rh_err_set(err, RH_E_INVAL, "%s: the rate is missing or too long", rh_ff_class_name(c));
		memcpy(num, eq + 1, len);
		num[len] = 0;
		double v = strtod(num, &tail);
		if (*tail || !isfinite(v) || v < 0 || v > MAX_RATE)
			return rh_err_set(err, RH_E_INVAL, "%s=%s: the rate must be a number in [0, %g]",
			                  rh_ff_class_name(c), num, MAX_RATE);
		out.rate[c] = v;
		if (!comma)
			break;
		p = comma + 1;
	}
	*f = out;
	return 0;
}

int rh_fit_text(const struct rh_fit *f, char *out, size_t cap)
{
	size_t at = 0;
	for (int c = 0; c < RH_FIT_CLASSES; c++) {
		int n = snprintf(out + at, cap - at, "%s%s=%.17g", c ? "," : "", rh_ff_class_name(c), f->rate[c]);
		if (n < 0 || (size_t)n >= cap - at)
			return -1;
		at += (size_t)n;
	}
	return (int)at;
}

int rh_fit_bit_shares(const struct rh_fit *f, const struct rh_ffmap *map, double *share, struct rh_err *err)
{
	double sum = 0;
	for (uint32_t b = 0; b < map->chain_len; b++)
		sum += share[b] = f->rate[rh_ffmap_class_of(map, b)];
	if (!(sum > 0))
		return rh_err_set(err, RH_E_INVAL, "every flip-flop of the %dx%d map has FIT rate 0", map->rows,
		                  map->cols);
	for (uint32_t b = 0; b < map->chain_len; b++)
		share[b] /= sum;
	return 0;
}
