/*
 * The statistics registry: named entries (counters, gauges, histograms,
 * timelines) in registration order, with a hash index on the name so that
 * duplicate checks and lookups stay O(1) when every PE registers dozens of
 * statistics.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "core/stats/stats_internal.h"

#define STATS_NAME_MAX 256

int s2sim_stats_create(s2sim_stats **out)
{
	s2sim_stats *st = calloc(1, sizeof(*st));

	*out = st;
	if (!st)
		return S2SIM_ENOMEM;
	st->timeline_max_rows = S2SIM_TIMELINE_MAX_ROWS;
	return S2SIM_OK;
}

static void stat_free(struct s2sim_stat *s)
{
	if (s->kind == S2SIM_STAT_HIST)
		free(s->u.hist);
	else if (s->kind == S2SIM_STAT_TIMELINE)
		s2sim_timeline_free(s->u.tl);
	free(s->name);
	free(s->unit);
	free(s->desc);
}

void s2sim_stats_destroy(s2sim_stats *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->nitems; i++)
		stat_free(&st->items[i]);
	free(st->items);
	free(st->index);
	free(st);
}

const char *s2sim_stats_errmsg(const s2sim_stats *st)
{
	return st ? s2sim_err_msg(&st->err) : "out of memory";
}

void s2sim_stats_set_timeline_limit(s2sim_stats *st, uint64_t max_rows)
{
	if (max_rows == 0 || max_rows > S2SIM_TIMELINE_MAX_ROWS)
		max_rows = S2SIM_TIMELINE_MAX_ROWS;
	st->timeline_max_rows = max_rows;
}

/* FNV-1a: short dotted names, no adversary. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The index slot holding `name`, or the empty slot where it would go. */
static size_t index_slot(const s2sim_stats *st, const char *name)
{
	size_t mask = st->index_cap - 1;
	size_t i = name_hash(name) & mask;

	while (st->index[i] && strcmp(st->items[st->index[i] - 1].name, name))
		i = (i + 1) & mask;
	return i;
}

const struct s2sim_stat *s2sim_stats_find(const s2sim_stats *st,
					  const char *name)
{
	size_t i;

	if (!st->index_cap || !name)
		return NULL;
	i = index_slot(st, name);
	return st->index[i] ? &st->items[st->index[i] - 1] : NULL;
}

/* Keep the index at most half full, so probes stay short. */
static int index_grow(s2sim_stats *st)
{
	size_t cap = st->index_cap ? st->index_cap * 2 : 64;
	uint32_t *old = st->index;
	size_t old_cap = st->index_cap;

	st->index = calloc(cap, sizeof(*st->index));
	if (!st->index) {
		st->index = old;
		return S2SIM_ENOMEM;
	}
	st->index_cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i])
			st->index[index_slot(st, st->items[old[i] - 1].name)] = old[i];
	free(old);
	return S2SIM_OK;
}

static int items_reserve(s2sim_stats *st)
{
	struct s2sim_stat *p;
	size_t cap;

	if (2 * (st->nitems + 1) > st->index_cap && index_grow(st) != S2SIM_OK)
		return S2SIM_ENOMEM;
	if (st->nitems < st->cap)
		return S2SIM_OK;
	cap = st->cap ? st->cap * 2 : 32;
	p = realloc(st->items, cap * sizeof(*p));
	if (!p)
		return S2SIM_ENOMEM;
	st->items = p;
	st->cap = cap;
	return S2SIM_OK;
}

/* Names are what stats.json keys and the summary show: printable, no
 * blanks, bounded. */
static bool name_ok(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++)
		if ((unsigned char)name[n] <= ' ' || name[n] == 0x7f)
			return false;
	return n > 0 && n < STATS_NAME_MAX;
}

static const char *const kind_names[] = {
	[S2SIM_STAT_COUNTER] = "counter",
	[S2SIM_STAT_GAUGE] = "gauge",
	[S2SIM_STAT_HIST] = "histogram",
	[S2SIM_STAT_TIMELINE] = "timeline",
};

static int check_new(s2sim_stats *st, const char *name, const char *unit)
{
	const struct s2sim_stat *old;

	if (!name || !name_ok(name))
		return s2sim_err(&st->err, S2SIM_EMISUSE,
				 "bad name '%s' (1 to %d printable "
				 "characters, no blanks)", name ? name : "(null)",
				 STATS_NAME_MAX - 1);
	if (!unit)
		return s2sim_err(&st->err, S2SIM_EMISUSE,
				 "%s: no unit", name);
	if ((old = s2sim_stats_find(st, name)))
		return s2sim_err(&st->err, S2SIM_EMISUSE,
				 "%s: registered twice (already a %s; names are "
				 "unique across kinds)", name, kind_names[old->kind]);
	return S2SIM_OK;
}

struct s2sim_stat *s2sim_stats_add(s2sim_stats *st, enum s2sim_stat_kind kind,
				   const char *name, const char *unit,
				   const char *desc)
{
	struct s2sim_stat *s;

	if (check_new(st, name, unit) != S2SIM_OK)
		return NULL;
	if (items_reserve(st) != S2SIM_OK)
		goto oom;
	s = &st->items[st->nitems];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->name = strdup(name);
	s->unit = strdup(unit);
	s->desc = strdup(desc ? desc : "");
	if (!s->name || !s->unit || !s->desc) {
		stat_free(s);
		goto oom;
	}
	st->index[index_slot(st, name)] = (uint32_t)(st->nitems + 1);
	st->nitems++;
	return s;
oom:
	s2sim_err(&st->err, S2SIM_ENOMEM, "%s: out of memory", name);
	return NULL;
}

int s2sim_stats_counter(s2sim_stats *st, const char *name, const char *unit,
			const char *desc, const uint64_t *value)
{
	struct s2sim_stat *s;

	if (!st)
		return S2SIM_EMISUSE;
	if (!value)
		return s2sim_err(&st->err, S2SIM_EMISUSE,
				 "%s: no value", name ? name : "(null)");
	s = s2sim_stats_add(st, S2SIM_STAT_COUNTER, name, unit, desc);
	if (!s)
		return st->err.rc;
	s->u.counter = value;
	return S2SIM_OK;
}

int s2sim_stats_gauge(s2sim_stats *st, const char *name, const char *unit,
		      const char *desc, const double *value)
{
	struct s2sim_stat *s;

	if (!st)
		return S2SIM_EMISUSE;
	if (!value)
		return s2sim_err(&st->err, S2SIM_EMISUSE,
				 "%s: no value", name ? name : "(null)");
	s = s2sim_stats_add(st, S2SIM_STAT_GAUGE, name, unit, desc);
	if (!s)
		return st->err.rc;
	s->u.gauge = value;
	return S2SIM_OK;
}

int s2sim_stats_get(const s2sim_stats *st, const char *name, uint64_t *value)
{
	const struct s2sim_stat *s;

	if (!st || !value)
		return S2SIM_EMISUSE;
	s = s2sim_stats_find(st, name);
	if (!s || s->kind != S2SIM_STAT_COUNTER)
		return S2SIM_ENOTFOUND;
	*value = *s->u.counter;
	return S2SIM_OK;
}

const s2sim_hist *s2sim_stats_find_hist(const s2sim_stats *st,
					const char *name)
{
	const struct s2sim_stat *s = st ? s2sim_stats_find(st, name) : NULL;

	return s && s->kind == S2SIM_STAT_HIST ? s->u.hist : NULL;
}

static int by_name(const void *a, const void *b)
{
	const struct s2sim_stat *x = *(const struct s2sim_stat *const *)a;
	const struct s2sim_stat *y = *(const struct s2sim_stat *const *)b;

	return strcmp(x->name, y->name);
}

const struct s2sim_stat **s2sim_stats_sorted(const s2sim_stats *st)
{
	const struct s2sim_stat **v = malloc((st->nitems + 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < st->nitems; i++)
		v[i] = &st->items[i];
	qsort(v, st->nitems, sizeof(*v), by_name);
	return v;
}
