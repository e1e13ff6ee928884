/* rahil: the per-injection CSV of a run directory (docs/report.md): one line per injection, with
 * the flip-flop it struck, that flip-flop's class and register group and the layer active at the
 * fault's cycle, written from the campaign engine's on_injection hook (host/campaign/engine.h). */
#ifndef RAHIL_INJLOG_H
#define RAHIL_INJLOG_H

#include <stdio.h>

#include "backend.h"
#include "census.h"
#include "engine.h"
#include "error.h"
#include "model.h"

/* The columns, in order (the first line of the file). */
#define RH_INJLOG_HEADER                                                                                               \
	"index,draw,image,label,bit,ff,ff_index,ff_class,group,layer,cycle,outcome,class,golden_class,correct,"        \
	"weight"

struct rh_injlog {
	FILE *f;
	char *path;
	const struct rh_ffmap *map;
	struct rh_census census; /* register groups and layers, when have_census */
	int have_census;
	long lines; /* injections written */
};

/* Create path and write the header; the fault space is the back-end's (info), model m's
 * schedule names the layers. Without a schedule for the geometry, group is "other" and layer -1. */
int rh_injlog_open(struct rh_injlog *l, const char *path, const struct rh_model *m, const struct rh_backend_info *info,
                   struct rh_err *err);
/* One line: an on_injection hook, ctx the struct rh_injlog. */
int rh_injlog_add(const struct rh_campaign_injection *inj, void *ctx, struct rh_err *err);
/* Create the run directory dir, or take it when it is one already; RH_E_IO naming it. */
int rh_injlog_mkdir(const char *dir, struct rh_err *err);

/* Close the file (0, or RH_E_IO naming it when a write failed); safe on a log never opened. */
int rh_injlog_close(struct rh_injlog *l, struct rh_err *err);

#endif
