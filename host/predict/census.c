/* rahil: the fault-site census (census.h); the formulas are derived in docs/fault-model.md,
 * section 6. */
#include "census.h"

#include <stdlib.h>
#include <string.h>

#include "refmodel.h"

/* How a register's live cycles are derived. */
enum live_kind {
	LK_ALWAYS = 0, /* live in every cycle (not modelled) */
	LK_PE_ACT,     /* a = row, b = column */
	LK_PE_WGT,
	LK_PE_ACC,
	LK_SKEW_ACT, /* a = row, b = stage */
	LK_SKEW_WGT, /* a = column, b = stage */
	LK_DESC,     /* a = descriptor word */
	LK_ITER,
	LK_ROWREG,    /* a = row */
	LK_STAGE,     /* a = drain pipeline stage */
	LK_ARGMAX,    /* best logit and its index: from the last layer's first comparison */
	LK_FEED_POS,  /* im2col position and weight pointer: feed cycles 0 .. K-1 */
	LK_FEED_MASK, /* operand masks: feed cycles 1 .. K */
};

/* The register groups by the leaf of the hierarchical name: the first entry whose leaf equals
 * the register's (or, with prefix set, starts it) decides. u_q, the skew registers, go by class.
 * A register missing here lands in RH_SG_OTHER, live every cycle. */
static const struct {
	const char *leaf;
	int prefix;
	int group;
	int kind;
	int arg;
} leaf_table[] = {
    {"u_act", 0, RH_SG_PE_ACT, LK_PE_ACT, 0},
    {"u_wgt", 0, RH_SG_PE_WGT, LK_PE_WGT, 0},
    {"u_acc", 0, RH_SG_PE_ACC, LK_PE_ACC, 0},
    {"u_q", 0, RH_SG_SKEW_ACT, LK_SKEW_ACT, 0}, /* RH_SG_SKEW_WGT, LK_SKEW_WGT when of class weight */
    {"u_st", 0, RH_SG_FSM, LK_ALWAYS, 0},
    {"u_lidx", 0, RH_SG_COUNTER, LK_ALWAYS, 0},
    {"u_cnt", 0, RH_SG_COUNTER, LK_ALWAYS, 0},
    {"u_cfl", 0, RH_SG_DESC, LK_DESC, 0},
    {"u_c_k", 0, RH_SG_DESC, LK_DESC, 1},
    {"u_c_cs", 0, RH_SG_DESC, LK_DESC, 1},
    {"u_c_ss", 0, RH_SG_DESC, LK_DESC, 1},
    {"u_c_pad", 0, RH_SG_DESC, LK_DESC, 1},
    {"u_c_inh", 0, RH_SG_DESC, LK_DESC, 2},
    {"u_c_inw", 0, RH_SG_DESC, LK_DESC, 3},
    {"u_c_inc", 0, RH_SG_DESC, LK_DESC, 4},
    {"u_c_outh", 0, RH_SG_DESC, LK_DESC, 5},
    {"u_c_outw", 0, RH_SG_DESC, LK_DESC, 6},
    {"u_c_outc", 0, RH_SG_DESC, LK_DESC, 7},
    {"u_c_kk", 0, RH_SG_DESC, LK_DESC, 8},
    {"u_c_jump", 0, RH_SG_DESC, LK_DESC, 9},
    {"u_c_cx", 0, RH_SG_DESC, LK_DESC, 10},
    {"u_c_cy", 0, RH_SG_DESC, LK_DESC, 11},
    {"u_c_sx", 0, RH_SG_DESC, LK_DESC, 12},
    {"u_c_sy", 0, RH_SG_DESC, LK_DESC, 13},
    {"u_c_base0", 0, RH_SG_DESC, LK_DESC, 14},
    {"u_c_wbase", 0, RH_SG_DESC, LK_DESC, 15},
    {"u_c_pbase", 0, RH_SG_DESC, LK_DESC, 15},
    {"u_it_", 1, RH_SG_ITER, LK_ITER, 0},
    {"u_vf", 0, RH_SG_ROWREG, LK_ROWREG, 0},
    {"u_iy0", 0, RH_SG_ROWREG, LK_ROWREG, 0},
    {"u_ix0", 0, RH_SG_ROWREG, LK_ROWREG, 0},
    {"u_abase", 0, RH_SG_ROWREG, LK_ROWREG, 0},
    {"u_obase", 0, RH_SG_ROWREG, LK_ROWREG, 0},
    {"u_t_", 1, RH_SG_TILE, LK_ALWAYS, 0},
    {"u_sidx", 0, RH_SG_TILE, LK_ALWAYS, 0},
    {"u_kc", 0, RH_SG_FEED, LK_FEED_POS, 0},
    {"u_kx", 0, RH_SG_FEED, LK_FEED_POS, 0},
    {"u_ky", 0, RH_SG_FEED, LK_FEED_POS, 0},
    {"u_kofs", 0, RH_SG_FEED, LK_FEED_POS, 0},
    {"u_wptr", 0, RH_SG_FEED, LK_FEED_POS, 0},
    {"u_rmask", 0, RH_SG_FEED, LK_FEED_MASK, 0},
    {"u_wmask", 0, RH_SG_FEED, LK_FEED_MASK, 0},
    {"u_dr", 0, RH_SG_DRAIN, LK_ALWAYS, 0},
    {"u_dc", 0, RH_SG_DRAIN, LK_ALWAYS, 0},
    {"u_d_issue", 0, RH_SG_DRAIN, LK_ALWAYS, 0},
    {"u_s1_v", 0, RH_SG_DRAIN, LK_ALWAYS, 0},
    {"u_s2_v", 0, RH_SG_DRAIN, LK_ALWAYS, 0},
    {"u_s3_v", 0, RH_SG_DRAIN, LK_ALWAYS, 0},
    {"u_f_", 1, RH_SG_DRAIN, LK_ALWAYS, 0},
    {"u_s1_", 1, RH_SG_DRAIN, LK_STAGE, 1},
    {"u_s2_", 1, RH_SG_DRAIN, LK_STAGE, 2},
    {"u_s3_", 1, RH_SG_DRAIN, LK_STAGE, 3},
    {"u_a_v", 0, RH_SG_ARGMAX, LK_ALWAYS, 0},
    {"u_a_val", 0, RH_SG_ARGMAX, LK_ARGMAX, 0},
    {"u_a_idx", 0, RH_SG_ARGMAX, LK_ARGMAX, 0},
};

static const char *const group_names[RH_SG_COUNT] = {
    "pe_act",   "pe_wgt",   "pe_acc", "skew_act", "skew_wgt", "fsm",    "counter", "descriptor",
    "iterator", "row_regs", "tile",   "feed",     "drain",    "argmax", "other",
};

const char *rh_site_group_name(int group)
{
	return group >= 0 && group < RH_SG_COUNT ? group_names[group] : "unknown";
}

/* The number in "KEY[N]" in name, or -1. */
static int index_after(const char *name, const char *key)
{
	const char *p = strstr(name, key);
	if (!p)
		return -1;
	return atoi(p + strlen(key));
}

static void classify(const struct rh_ffmap_reg *reg, struct rh_census_reg *out)
{
	const char *dot = strrchr(reg->name, '.');
	const char *leaf = dot ? dot + 1 : reg->name;
	*out = (struct rh_census_reg){.group = RH_SG_OTHER, .kind = LK_ALWAYS, .a = 0, .b = 0};
	for (size_t i = 0; i < sizeof(leaf_table) / sizeof(leaf_table[0]); i++) {
		size_t n = strlen(leaf_table[i].leaf);
		if (leaf_table[i].prefix ? strncmp(leaf, leaf_table[i].leaf, n) != 0
		                         : strcmp(leaf, leaf_table[i].leaf) != 0)
			continue;
		out->group = leaf_table[i].group;
		out->kind = leaf_table[i].kind;
		out->a = leaf_table[i].arg;
		break;
	}
	switch (out->kind) {
	case LK_PE_ACT:
	case LK_PE_WGT:
	case LK_PE_ACC:
		out->a = index_after(reg->name, "gen_row[");
		out->b = index_after(reg->name, "gen_col[");
		break;
	case LK_SKEW_ACT:
		if (reg->cls == RH_FF_WEIGHT) {
			out->group = RH_SG_SKEW_WGT;
			out->kind = LK_SKEW_WGT;
			out->a = index_after(reg->name, "gen_cskew[");
		} else
			out->a = index_after(reg->name, "gen_rskew[");
		out->b = index_after(reg->name, "gen_stage[");
		break;
	case LK_ROWREG: out->a = index_after(reg->name, "gen_rowreg["); break;
	default: break;
	}
	/* a PE or skew register whose coordinates the name does not give is not modelled */
	if ((out->kind >= LK_PE_ACT && out->kind <= LK_SKEW_WGT && (out->a < 0 || out->b < 0)) ||
	    (out->kind == LK_ROWREG && out->a < 0)) {
		out->group = RH_SG_OTHER;
		out->kind = LK_ALWAYS;
	}
}

struct collect {
	struct rh_census *c;
	long cap;
	int fail;
};

static void collect_seg(const struct rh_accel_seg *s, void *ctx)
{
	struct collect *k = ctx;
	struct rh_census *c = k->c;
	if (k->fail)
		return;
	if (c->n_segs == k->cap) {
		long cap = k->cap ? 2 * k->cap : 256;
		void *p = realloc(c->segs, (size_t)cap * sizeof(*c->segs));
		if (!p) {
			k->fail = 1;
			return;
		}
		c->segs = p;
		k->cap = cap;
	}
	const struct rh_layer *l = &c->m->layers[s->layer];
	struct rh_census_seg *e = &c->segs[c->n_segs++];
	*e = (struct rh_census_seg){.s = *s, .kk = 0, .nz = 0};
	if (s->phase == RH_PH_FEED) {
		e->kk = (long)l->k * l->k * l->in_c;
		e->nz = c->n_nz;
		c->n_nz += e->kk;
	}
}

void rh_census_free(struct rh_census *c)
{
	free(c->regs);
	free(c->segs);
	free(c->last_col);
	free(c->last_row);
	free(c->acts);
	free(c->act_ofs);
	memset(c, 0, sizeof(*c));
}

/* The end of the pixel tile that segment i belongs to: the start of the next SETUP or LOAD. */
static long tile_end(const struct rh_census *c, long i)
{
	for (long j = i + 1; j < c->n_segs; j++)
		if (c->segs[j].s.phase == RH_PH_SETUP || c->segs[j].s.phase == RH_PH_LOAD)
			return c->segs[j].s.start;
	return c->cycles;
}

int rh_census_init(struct rh_census *c, const struct rh_model *m, const struct rh_ffmap *map,
                   const struct rh_accel_geom *g, struct rh_err *err)
{
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->map = map;
	c->geom = *g;
	c->n_layers = m->n_layers;
	c->bits = map->chain_len;
	if (map->rows != g->rows || map->cols != g->cols)
		return rh_err_set(err, RH_E_INVAL, "flip-flop map of a %dx%d array, geometry %dx%d", map->rows,
		                  map->cols, g->rows, g->cols);
	struct collect k = {.c = c, .cap = 0, .fail = 0};
	c->cycles = rh_accel_schedule(m, g, collect_seg, &k);
	if (c->cycles < 0 || k.fail) {
		int rc = c->cycles < 0 ? (int)c->cycles : RH_E_NOMEM;
		rh_census_free(c);
		return rh_err_set(err, rc, "%s: no schedule on a %dx%d array", m->name, g->rows, g->cols);
	}
	c->regs = calloc(map->n_regs ? map->n_regs : 1, sizeof(*c->regs));
	c->last_col = calloc((size_t)c->n_nz + 1, sizeof(*c->last_col));
	c->last_row = calloc((size_t)c->n_nz + 1, sizeof(*c->last_row));
	c->act_ofs = calloc((size_t)m->n_layers + 1, sizeof(*c->act_ofs));
	if (!c->regs || !c->last_col || !c->last_row || !c->act_ofs) {
		rh_census_free(c);
		return rh_err_set(err, RH_E_NOMEM, "out of memory for the census");
	}
	for (size_t i = 0; i < map->n_regs; i++) {
		const struct rh_ffmap_reg *r = &map->regs[i];
		classify(r, &c->regs[i]);
		int cls = r->cls >= 0 && r->cls < RH_CENSUS_CLASSES ? r->cls : RH_FF_CONTROL;
		c->class_bits[cls] += r->width;
		c->group_bits[c->regs[i].group] += r->width;
		c->group_class_bits[c->regs[i].group][cls] += r->width;
		if (c->regs[i].kind != LK_ALWAYS)
			c->group_modelled_bits[c->regs[i].group] += r->width;
	}
	/* layers, phases, the study's utilisation, and each feed's last non-zero weight column */
	long tiles[RH_ACCEL_MAX_LAYERS] = {0}, used[RH_ACCEL_MAX_LAYERS] = {0};
	for (long i = 0; i < c->n_segs; i++) {
		const struct rh_census_seg *e = &c->segs[i];
		const struct rh_accel_seg *s = &e->s;
		c->phase_cycles[s->layer][s->phase] += s->len;
		if (s->phase == RH_PH_LOAD) {
			c->load_start[s->layer] = c->layer_start[s->layer] = s->start;
			if (s->layer == 0)
				c->layer_start[0] = 0; /* the start edge counts to layer 0 */
		}
		if (s->phase == RH_PH_LINIT)
			c->linit_start[s->layer] = s->start;
		if (s->phase == RH_PH_DRAIN && s->layer == m->n_layers - 1 && !c->last_drain0)
			c->last_drain0 = s->start;
		if (s->phase != RH_PH_FEED)
			continue;
		tiles[s->layer]++;
		used[s->layer] += (long)s->nrows * s->ncols;
		const struct rh_layer *l = &m->layers[s->layer];
		for (long kx = 0; kx < e->kk; kx++) {
			int last = -1;
			for (int col = 0; col < s->ncols; col++)
				if (rh_accel_operand_w(l, (long)s->oc_tile * g->cols + col, kx))
					last = col;
			c->last_col[e->nz + kx] = (int16_t)last;
		}
	}
	c->layer_start[m->n_layers] = c->cycles;
	for (int l = 0; l < m->n_layers; l++)
		c->uf[l] = tiles[l] ? (double)used[l] / ((double)tiles[l] * g->rows * g->cols) : 0;
	/* every layer's input, then the last layer's output */
	long total = 0;
	for (int l = 0; l < m->n_layers; l++) {
		c->act_ofs[l] = total;
		total += (long)m->layers[l].in_h * m->layers[l].in_w * m->layers[l].in_c;
	}
	c->act_ofs[m->n_layers] = total;
	c->acts = calloc((size_t)total + 1, 1);
	if (!c->acts) {
		rh_census_free(c);
		return rh_err_set(err, RH_E_NOMEM, "out of memory for the census");
	}
	return 0;
}

int rh_census_layer_of(const struct rh_census *c, long t)
{
	int l = 0;
	while (l + 1 < c->n_layers && t >= c->layer_start[l + 1])
		l++;
	return l;
}

long rh_census_layer_cycles(const struct rh_census *c, int layer)
{
	return c->layer_start[layer + 1] - c->layer_start[layer];
}

/* Live cycles of a register that is not in the array, per layer, counted interval by interval
 * (the per-cell form is in rh_census_cell_live). */
static void control_live(const struct rh_census *c, const struct rh_census_reg *r, long *per_layer)
{
	for (int l = 0; l < c->n_layers; l++)
		per_layer[l] = 0;
	switch (r->kind) {
	case LK_DESC:
		for (int l = 0; l < c->n_layers; l++)
			per_layer[l] = c->layer_start[l + 1] - (c->load_start[l] + r->a + 2);
		break;
	case LK_ITER:
		for (int l = 0; l < c->n_layers; l++)
			per_layer[l] = c->layer_start[l + 1] - (c->linit_start[l] + 1);
		break;
	case LK_ROWREG:
		for (long i = 0; i < c->n_segs; i++)
			if (c->segs[i].s.phase == RH_PH_SETUP && r->a < c->geom.rows)
				per_layer[c->segs[i].s.layer] += tile_end(c, i) - (c->segs[i].s.start + r->a + 1);
		break;
	case LK_STAGE:
		for (long i = 0; i < c->n_segs; i++)
			if (c->segs[i].s.phase == RH_PH_DRAIN)
				per_layer[c->segs[i].s.layer] += (long)c->segs[i].s.nrows * c->segs[i].s.ncols;
		break;
	case LK_ARGMAX: per_layer[c->n_layers - 1] = c->cycles - (c->last_drain0 + 3); break;
	case LK_FEED_POS:
	case LK_FEED_MASK:
		for (long i = 0; i < c->n_segs; i++)
			if (c->segs[i].s.phase == RH_PH_FEED)
				per_layer[c->segs[i].s.layer] += c->segs[i].kk;
		break;
	case LK_ALWAYS:
	case LK_PE_ACT:
	case LK_PE_WGT:
	case LK_PE_ACC:
	case LK_SKEW_ACT:
	case LK_SKEW_WGT:
	default:
		for (int l = 0; l < c->n_layers; l++)
			per_layer[l] = rh_census_layer_cycles(c, l);
		break;
	}
}

int rh_census_add_image(struct rh_census *c, const int8_t *input, struct rh_err *err)
{
	const struct rh_model *m = c->m;
	const struct rh_accel_geom *g = &c->geom;
	long acc_len = 1, out_len = 1;
	for (int l = 0; l < m->n_layers; l++) {
		const struct rh_layer *ly = &m->layers[l];
		long a = (long)ly->conv_h * ly->conv_w * ly->out_c, o = (long)ly->out_h * ly->out_w * ly->out_c;
		acc_len = a > acc_len ? a : acc_len;
		out_len = o > out_len ? o : out_len;
	}
	int32_t *acc = malloc((size_t)acc_len * sizeof(int32_t)), *logits = malloc((size_t)out_len * sizeof(int32_t));
	if (!acc || !logits) {
		free(acc);
		free(logits);
		return rh_err_set(err, RH_E_NOMEM, "out of memory for the census");
	}
	memcpy(c->acts, input, (size_t)c->act_ofs[1]);
	for (int l = 0; l < m->n_layers; l++) {
		const struct rh_layer *ly = &m->layers[l];
		void *out = l + 1 < m->n_layers ? (void *)(c->acts + c->act_ofs[l + 1]) : (void *)logits;
		rh_ref_layer(ly, c->acts + c->act_ofs[l], acc, out);
	}
	free(acc);
	free(logits);

	/* the array: per FEED, closed forms over the operand index k (docs/fault-model.md 6.3) */
	for (long i = 0; i < c->n_segs; i++) {
		struct rh_census_seg *e = &c->segs[i];
		const struct rh_accel_seg *s = &e->s;
		long nr = s->nrows, nc = s->ncols, n = nr * nc;
		int ly = s->layer;
		if (s->phase == RH_PH_DRAIN) {
			double a = 32.0 * ((double)n * (double)(n - 1) / 2 + 2.0 * (double)n);
			c->live[ly][RH_FF_OUTPUT_ACT] += a;
			c->group_live[ly][RH_SG_PE_ACC] += a;
			continue;
		}
		if (s->phase != RH_PH_FEED)
			continue;
		const struct rh_layer *l = &m->layers[ly];
		const int8_t *in = c->acts + c->act_ofs[ly];
		double act = 0, wgt = 0, rsk = 0, csk = 0;
		for (long k = 0; k < e->kk; k++) {
			int last = -1;
			for (int row = 0; row < nr; row++)
				if (rh_accel_operand_x(l, in, (long)s->pixel_tile * g->rows + row, k))
					last = row;
			c->last_row[e->nz + k] = (int16_t)last;
			act += c->last_col[e->nz + k] + 1;
			wgt += last + 1;
			rsk += c->last_col[e->nz + k] >= 0;
			csk += last >= 0;
		}
		act *= 8.0 * (double)nr;
		wgt *= 8.0 * (double)nc;
		rsk *= 8.0 * (double)(nr * (nr - 1) / 2);
		csk *= 8.0 * (double)(nc * (nc - 1) / 2);
		double a = 32.0 * (double)n * (double)(s->len - 1);
		c->live[ly][RH_FF_INPUT_ACT] += act + rsk;
		c->live[ly][RH_FF_WEIGHT] += wgt + csk;
		c->live[ly][RH_FF_OUTPUT_ACT] += a;
		c->group_live[ly][RH_SG_PE_ACT] += act;
		c->group_live[ly][RH_SG_PE_WGT] += wgt;
		c->group_live[ly][RH_SG_SKEW_ACT] += rsk;
		c->group_live[ly][RH_SG_SKEW_WGT] += csk;
		c->group_live[ly][RH_SG_PE_ACC] += a;
	}
	/* the controller, register by register */
	long per_layer[RH_ACCEL_MAX_LAYERS];
	for (size_t i = 0; i < c->map->n_regs; i++) {
		const struct rh_census_reg *r = &c->regs[i];
		if (r->kind >= LK_PE_ACT && r->kind <= LK_SKEW_WGT)
			continue;
		int cls = c->map->regs[i].cls >= 0 && c->map->regs[i].cls < RH_CENSUS_CLASSES ? c->map->regs[i].cls
		                                                                              : RH_FF_CONTROL;
		control_live(c, r, per_layer);
		for (int l = 0; l < c->n_layers; l++) {
			double v = (double)c->map->regs[i].width * (double)per_layer[l];
			c->live[l][cls] += v;
			c->group_live[l][r->group] += v;
		}
	}
	c->images++;
	return 0;
}

/* The segment holding cycle t. */
static long seg_of(const struct rh_census *c, long t)
{
	long lo = 0, hi = c->n_segs;
	while (hi - lo > 1) {
		long mid = (lo + hi) / 2;
		if (c->segs[mid].s.start <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int rh_census_cell_live(const struct rh_census *c, uint32_t bit, long t)
{
	uint32_t idx;
	const struct rh_ffmap_reg *reg = rh_ffmap_find(c->map, bit, &idx);
	if (!reg || t < 0 || t >= c->cycles)
		return 0;
	const struct rh_census_reg *r = &c->regs[reg - c->map->regs];
	long si = seg_of(c, t);
	const struct rh_census_seg *e = &c->segs[si];
	const struct rh_accel_seg *s = &e->s;
	long tau = t - s->start;
	int ly = rh_census_layer_of(c, t);
	switch (r->kind) {
	case LK_PE_ACT:
	case LK_PE_WGT:
	case LK_SKEW_ACT:
	case LK_SKEW_WGT: {
		if (s->phase != RH_PH_FEED)
			return 0;
		/* the operand index the register holds: PE (a, b) holds k = tau - 2 - a - b, a skew stage
		 * b holds k = tau - 2 - b */
		long k = tau - 2 - r->b - (r->kind == LK_PE_ACT || r->kind == LK_PE_WGT ? r->a : 0);
		if (k < 0 || k >= e->kk)
			return 0;
		int lc = c->last_col[e->nz + k], lr = c->last_row[e->nz + k];
		switch (r->kind) {
		case LK_PE_ACT:
			return r->a < s->nrows && r->b <= lc; /* some column from b on multiplies it by w != 0 */
		case LK_PE_WGT: return r->b < s->ncols && r->a <= lr; /* some row from a on multiplies it by x != 0 */
		case LK_SKEW_ACT: return r->a < s->nrows && lc >= 0;
		default: return r->a < s->ncols && lr >= 0;
		}
	}
	case LK_PE_ACC: {
		if (r->a >= s->nrows || r->b >= s->ncols)
			return 0;
		if (s->phase == RH_PH_FEED)
			return tau >= 1; /* cleared by the edge out of feed cycle 0 */
		if (s->phase == RH_PH_DRAIN)
			return tau <= (long)r->a * s->ncols + r->b + 1; /* read in stage 1 of its drain item */
		return 0;
	}
	case LK_DESC: return t >= c->load_start[ly] + r->a + 2;
	case LK_ITER: return t >= c->linit_start[ly] + 1;
	case LK_ROWREG: {
		long j = si;
		while (j >= 0 && c->segs[j].s.phase != RH_PH_SETUP && c->segs[j].s.phase != RH_PH_LOAD &&
		       c->segs[j].s.phase != RH_PH_LINIT && c->segs[j].s.phase != RH_PH_START)
			j--;
		if (j < 0 || c->segs[j].s.phase != RH_PH_SETUP)
			return 0;
		return t >= c->segs[j].s.start + r->a + 1;
	}
	case LK_STAGE: return s->phase == RH_PH_DRAIN && tau >= r->a && tau < r->a + (long)s->nrows * s->ncols;
	case LK_ARGMAX: return c->last_drain0 && t >= c->last_drain0 + 3;
	case LK_FEED_POS: return s->phase == RH_PH_FEED && tau < e->kk;
	case LK_FEED_MASK: return s->phase == RH_PH_FEED && tau >= 1 && tau <= e->kk;
	case LK_ALWAYS:
	default: return 1;
	}
}

double rh_census_utilisation(const struct rh_census *c, int layer, int cls)
{
	return cls == RH_FF_CONTROL ? 1.0 : c->uf[layer];
}

double rh_census_analytic(const struct rh_census *c, int layer, int cls)
{
	if (!c->cycles || !c->bits)
		return 0;
	return (double)rh_census_layer_cycles(c, layer) / (double)c->cycles * c->class_bits[cls] / (double)c->bits *
	       rh_census_utilisation(c, layer, cls);
}

double rh_census_exact(const struct rh_census *c, int layer, int cls)
{
	if (!c->images || !c->cycles || !c->bits)
		return 0;
	return c->live[layer][cls] / ((double)c->images * (double)c->bits * (double)c->cycles);
}
