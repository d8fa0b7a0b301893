/*
 * stats.json: every statistic with its unit, written with libjansson.
 *
 *   { "s2sim_version": "0.1.0",
 *     "run": { ...the caller's meta object... },
 *     "counters":   { name: { "value", "unit", "desc" } },
 *     "gauges":     { name: { "value", "unit", "desc" } },
 *     "histograms": { name: { "unit", "desc", "count", "sum", "min", "max",
 *                             "mean", "p50", "p90", "p99",
 *                             "buckets": [[lo, hi, count], ...] } },
 *     "timelines":  { name: { "unit", "interval_ps",
 *                             "columns": ["time_ps", col...],
 *                             "rows": [[time_ps, v...], ...] } } }
 *
 * Buckets are half-open [lo, hi) and only non-empty ones are listed.
 * Integers above INT64_MAX (JSON libraries' usual limit) are written as
 * reals; non-finite gauges as null.  Keys are sorted and the layout fixed,
 * so the same statistics give byte-identical files.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/stats/stats_internal.h"
#include "core/util/atomic_file.h"

static json_t *json_u64(uint64_t v)
{
	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	return json_real((double)v);
}

static json_t *json_dbl(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* json_object_set_new() steals `v` (even NULL or on failure): -1 on error. */
static int put(json_t *obj, const char *key, json_t *v)
{
	return json_object_set_new(obj, key, v);
}

static json_t *value_entry(const struct s2sim_stat *s, json_t *value)
{
	json_t *o = json_object();

	if (!o) {
		json_decref(value);
		return NULL;
	}
	if (put(o, "value", value) || put(o, "unit", json_string(s->unit)) ||
	    put(o, "desc", json_string(s->desc))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* [lo, hi, count] with hi exclusive: the last bucket's 2^64 is a real. */
static json_t *bucket_row(unsigned b, uint64_t count)
{
	json_t *row = json_array();
	uint64_t lo, hi;

	s2sim_hist_bucket_range(b, &lo, &hi);
	if (!row || json_array_append_new(row, json_u64(lo)) ||
	    json_array_append_new(row, b == 64 ? json_real(18446744073709551616.0)
						: json_u64(hi + 1)) ||
	    json_array_append_new(row, json_u64(count))) {
		json_decref(row);
		return NULL;
	}
	return row;
}

static json_t *hist_buckets(const struct s2sim_hist *h)
{
	json_t *a = json_array();

	for (unsigned b = 0; a && b < S2SIM_HIST_BUCKETS; b++) {
		if (h->buckets[b] &&
		    json_array_append_new(a, bucket_row(b, h->buckets[b]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *hist_entry(const struct s2sim_stat *s)
{
	const struct s2sim_hist *h = s->u.hist;
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (put(o, "unit", json_string(s->unit)) ||
	    put(o, "desc", json_string(s->desc)) ||
	    put(o, "count", json_u64(h->count)) ||
	    put(o, "sum", json_u64(h->sum)) ||
	    put(o, "min", json_u64(h->count ? h->min : 0)) ||
	    put(o, "max", json_u64(h->max)) ||
	    put(o, "mean", json_real(s2sim_hist_mean(h))) ||
	    put(o, "p50", json_u64(s2sim_hist_percentile(h, 50))) ||
	    put(o, "p90", json_u64(s2sim_hist_percentile(h, 90))) ||
	    put(o, "p99", json_u64(s2sim_hist_percentile(h, 99))) ||
	    put(o, "buckets", hist_buckets(h)) ||
	    (h->sum_saturated && put(o, "sum_saturated", json_true()))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *timeline_columns(const struct s2sim_timeline *tl)
{
	json_t *a = json_array();

	if (a && json_array_append_new(a, json_string("time_ps")))
		goto fail;
	for (unsigned c = 0; a && c < tl->ncols; c++)
		if (json_array_append_new(a, json_string(tl->colnames[c])))
			goto fail;
	return a;
fail:
	json_decref(a);
	return NULL;
}

static json_t *timeline_rows(const struct s2sim_timeline *tl)
{
	json_t *rows = json_array();

	for (uint64_t r = 0; rows && r < tl->nrows; r++) {
		json_t *row = json_array();
		const uint64_t *cells = tl->cells + r * tl->ncols;

		if (json_array_append_new(rows, row) ||
		    json_array_append_new(row, json_u64(r * tl->interval)))
			goto fail;
		for (unsigned c = 0; c < tl->ncols; c++)
			if (json_array_append_new(row, json_u64(cells[c])))
				goto fail;
	}
	return rows;
fail:
	json_decref(rows);
	return NULL;
}

static json_t *timeline_entry(const struct s2sim_stat *s)
{
	const struct s2sim_timeline *tl = s->u.tl;
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (put(o, "unit", json_string(s->unit)) ||
	    put(o, "interval_ps", json_u64(tl->interval)) ||
	    put(o, "columns", timeline_columns(tl)) ||
	    put(o, "rows", timeline_rows(tl))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *stat_entry(const struct s2sim_stat *s)
{
	switch (s->kind) {
	case S2SIM_STAT_COUNTER:
		return value_entry(s, json_u64(*s->u.counter));
	case S2SIM_STAT_GAUGE:
		return value_entry(s, json_dbl(*s->u.gauge));
	case S2SIM_STAT_HIST:
		return hist_entry(s);
	case S2SIM_STAT_TIMELINE:
		return timeline_entry(s);
	}
	return NULL;
}

static const char *const section_names[] = {
	[S2SIM_STAT_COUNTER] = "counters",
	[S2SIM_STAT_GAUGE] = "gauges",
	[S2SIM_STAT_HIST] = "histograms",
	[S2SIM_STAT_TIMELINE] = "timelines",
};

/* The whole document, or NULL when memory ran out. */
static json_t *stats_doc(const s2sim_stats *st, json_t *meta)
{
	json_t *root = json_object();
	json_t *sec[4];

	if (!root || put(root, "s2sim_version", json_string(s2sim_version())) ||
	    (meta && put(root, "run", json_incref(meta))))
		goto fail;
	for (int k = 0; k < 4; k++) {
		sec[k] = json_object();
		if (put(root, section_names[k], sec[k]))
			goto fail;
	}
	for (size_t i = 0; i < st->nitems; i++) {
		const struct s2sim_stat *s = &st->items[i];

		if (put(sec[s->kind], s->name, stat_entry(s)))
			goto fail;
	}
	return root;
fail:
	json_decref(root);
	return NULL;
}

static int parse_meta(s2sim_stats *st, const char *meta_json, json_t **out)
{
	json_error_t jerr;

	*out = NULL;
	if (!meta_json)
		return S2SIM_OK;
	*out = json_loads(meta_json, JSON_REJECT_DUPLICATES, &jerr);
	if (!*out)
		return s2sim_err(&st->err, S2SIM_EINPUT,
				 "run metadata: %s (line %d, column %d)",
				 jerr.text, jerr.line, jerr.column);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return s2sim_err(&st->err, S2SIM_EINPUT,
				 "run metadata is not a JSON object");
	}
	return S2SIM_OK;
}

static int write_text(s2sim_stats *st, const char *path, const char *text)
{
	struct s2sim_atomic_file af;
	int rc = s2sim_atomic_open(&af, path, &st->err);

	if (rc != S2SIM_OK)
		return rc;
	fputs(text, af.fp);
	fputc('\n', af.fp);
	return s2sim_atomic_commit(&af, &st->err);
}

int s2sim_stats_write_json(s2sim_stats *st, const char *path,
			   const char *meta_json)
{
	json_t *meta, *doc;
	char *text;
	int rc;

	if (!st || !path)
		return S2SIM_EMISUSE;
	rc = s2sim_stats_check_timelines(st);
	if (rc == S2SIM_OK)
		rc = parse_meta(st, meta_json, &meta);
	if (rc != S2SIM_OK)
		return rc;
	doc = stats_doc(st, meta);
	json_decref(meta);
	text = doc ? json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(2)) : NULL;
	json_decref(doc);
	if (!text)
		return s2sim_err(&st->err, S2SIM_ENOMEM,
				 "%s: out of memory", path);
	rc = write_text(st, path, text);
	free(text);
	return rc;
}
