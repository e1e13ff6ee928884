/* rahil: the per-injection CSV of a run directory (injlog.h). */
#include "injlog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "outcome.h"

int rh_injlog_open(struct rh_injlog *l, const char *path, const struct rh_model *m, const struct rh_backend_info *info,
                   struct rh_err *err)
{
	*l = (struct rh_injlog){.map = info->ffmap};
	const struct rh_accel_geom *g = rh_accel_geom_find(info->rows, info->cols);
	struct rh_err ignored = {0, ""};
	if (g && info->ffmap && rh_census_init(&l->census, m, info->ffmap, g, &ignored) == 0)
		l->have_census = 1;
	l->path = strdup(path);
	if (!l->path)
		return rh_err_set(err, RH_E_NOMEM, "out of memory for %s", path);
	l->f = fopen(path, "w");
	if (!l->f)
		return rh_err_set(err, RH_E_IO, "cannot write %s: %s", path, strerror(errno));
	fprintf(l->f, "%s\n", RH_INJLOG_HEADER);
	return 0;
}

int rh_injlog_add(const struct rh_campaign_injection *inj, void *ctx, struct rh_err *err)
{
	struct rh_injlog *l = ctx;
	const struct rh_journal_rec *r = inj->rec;
	uint32_t index = 0;
	const struct rh_ffmap_reg *reg = l->map ? rh_ffmap_find(l->map, r->bit, &index) : NULL;
	int group = RH_SG_OTHER, layer = -1;
	if (l->have_census) {
		if (reg)
			group = l->census.regs[reg - l->map->regs].group;
		layer = rh_census_layer_of(&l->census, r->cycle);
	}
	enum rh_outcome o = (enum rh_outcome)r->outcome;
	fprintf(l->f, "%ld,%ld,%d,%d,%u,%s,%u,%s,%s,%d,%u,%s,%d,%d,%d,%.17g\n", r->index, inj->draw, r->image,
	        inj->label, r->bit, reg ? reg->name : "?", index,
	        rh_ff_class_name(l->map ? rh_ffmap_class_of(l->map, r->bit) : 0), rh_site_group_name(group), layer,
	        r->cycle, rh_outcome_name(o), r->cls, inj->golden->cls, rh_outcome_correct(o, r->cls, inj->label),
	        r->weight);
	if (ferror(l->f))
		return rh_err_set(err, RH_E_IO, "cannot write %s: %s", l->path, strerror(errno));
	l->lines++;
	return 0;
}

int rh_injlog_close(struct rh_injlog *l, struct rh_err *err)
{
	int rc = 0;
	if (l->f && fclose(l->f) != 0)
		rc = rh_err_set(err, RH_E_IO, "cannot write %s: %s", l->path, strerror(errno));
	l->f = NULL;
	if (l->have_census)
		rh_census_free(&l->census);
	l->have_census = 0;
	free(l->path);
	l->path = NULL;
	return rc;
}

int rh_injlog_mkdir(const char *dir, struct rh_err *err)
{
	struct stat st;
	if (mkdir(dir, 0777) == 0)
		return 0;
	int e = errno;
	if (e == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return rh_err_set(err, RH_E_IO, "--out %s: cannot create the directory: %s", dir,
	                  e == EEXIST ? "a file of that name is there" : strerror(e));
}
