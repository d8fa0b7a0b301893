/*
 * Timelines: per-interval sums.  Row r covers simulated time
 * [r * interval, (r + 1) * interval); each column is one named series (one
 * per vCPU, say).  Rows are allocated as time advances (doubling), up to
 * the limits of stats_internal.h; the add on the hot path is a division, a
 * bounds check and an add.  A run that outlasts the limit does not fail:
 * the timeline coarsens, merging pairs of rows into rows of twice the
 * interval (sums stay exact), as often as it takes.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats/stats_internal.h"

/* Column names become CSV header fields: no separators, quotes or
 * blanks, so they never need quoting. */
static bool colname_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == ',' || *s == '"' ||
		    *s == 0x7f)
			return false;
	return true;
}

void s2sim_timeline_free(struct s2sim_timeline *tl)
{
	if (!tl)
		return;
	for (unsigned i = 0; tl->colnames && i < tl->ncols; i++)
		free(tl->colnames[i]);
	free(tl->colnames);
	free(tl->cells);
	free(tl);
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

struct s2sim_timeline *s2sim_timeline_new(s2sim_time_ps interval,
					  unsigned ncols,
					  const char *const *colnames,
					  uint64_t max_rows)
{
	struct s2sim_timeline *tl = calloc(1, sizeof(*tl));

	if (!tl)
		return NULL;
	tl->interval = interval;
	tl->max_rows = max_rows;
	tl->colnames = calloc(ncols, sizeof(*tl->colnames));
	if (!tl->colnames) {
		free(tl);
		return NULL;
	}
	tl->ncols = ncols;
	for (unsigned i = 0; i < ncols; i++) {
		tl->colnames[i] = dup_str(colnames[i]);
		if (!tl->colnames[i]) {
			s2sim_timeline_free(tl);
			return NULL;
		}
	}
	return tl;
}

static s2sim_timeline *bad_timeline(s2sim_stats *st, const char *name,
				    const char *why)
{
	s2sim_err(&st->err, S2SIM_EMISUSE, "timeline %s: %s",
		  name ? name : "(null)", why);
	return NULL;
}

s2sim_timeline *s2sim_stats_timeline(s2sim_stats *st, const char *name,
				     const char *unit, s2sim_time_ps interval,
				     unsigned ncols,
				     const char *const *colnames)
{
	struct s2sim_timeline *tl;
	struct s2sim_stat *s;
	uint64_t max_rows;

	if (!st)
		return NULL;
	if (interval == 0)
		return bad_timeline(st, name, "interval is 0");
	if (ncols == 0 || !colnames || ncols > S2SIM_TIMELINE_MAX_CELLS)
		return bad_timeline(st, name, "needs 1 to 4194304 columns");
	for (unsigned i = 0; i < ncols; i++)
		if (!colname_ok(colnames[i]))
			return bad_timeline(st, name, "a column name is empty or "
					    "holds a blank, comma or quote");
	max_rows = S2SIM_TIMELINE_MAX_CELLS / ncols;
	if (max_rows > st->timeline_max_rows)
		max_rows = st->timeline_max_rows;
	tl = s2sim_timeline_new(interval, ncols, colnames, max_rows);
	if (!tl) {
		s2sim_err(&st->err, S2SIM_ENOMEM, "%s: out of memory",
			  name ? name : "(null)");
		return NULL;
	}
	s = s2sim_stats_add(st, S2SIM_STAT_TIMELINE, name, unit, "");
	if (!s) {
		s2sim_timeline_free(tl);
		return NULL;
	}
	s->u.tl = tl;
	return tl;
}

static void timeline_fail(struct s2sim_timeline *tl, int rc, const char *fmt,
			  ...) __attribute__((format(printf, 3, 4)));

/* Keep the first error: later ones are usually its consequences. */
static void timeline_fail(struct s2sim_timeline *tl, int rc, const char *fmt,
			  ...)
{
	va_list ap;

	if (tl->bad_rc)
		return;
	tl->bad_rc = rc;
	va_start(ap, fmt);
	vsnprintf(tl->bad_msg, sizeof(tl->bad_msg), fmt, ap);
	va_end(ap);
}

/* Make room for `row`; false (and the timeline failed) if it cannot. */
static bool timeline_grow(struct s2sim_timeline *tl, uint64_t row)
{
	uint64_t cap = tl->cap_rows ? tl->cap_rows * 2 : 16;
	uint64_t *cells;

	if (row >= tl->max_rows) {
		timeline_fail(tl, S2SIM_ELIMIT,
			      "interval %" PRIu64 " is past the limit of %" PRIu64
			      " intervals of %" PRIu64 " ps (use a longer "
			      "interval)", row, tl->max_rows, tl->interval);
		return false;
	}
	if (cap <= row)
		cap = row + 1;
	if (cap > tl->max_rows)
		cap = tl->max_rows;
	cells = realloc(tl->cells, cap * tl->ncols * sizeof(*cells));
	if (!cells) {
		timeline_fail(tl, S2SIM_ENOMEM, "out of memory at interval %" PRIu64
			      " (%u columns)", row, tl->ncols);
		return false;
	}
	memset(cells + tl->cap_rows * tl->ncols, 0,
	       (cap - tl->cap_rows) * tl->ncols * sizeof(*cells));
	tl->cells = cells;
	tl->cap_rows = cap;
	return true;
}

/* Double the interval: row r becomes the sum of rows 2r and 2r + 1. */
static bool timeline_coarsen(struct s2sim_timeline *tl)
{
	unsigned nc = tl->ncols;

	if (tl->interval > UINT64_MAX / 2)
		return false;
	for (uint64_t r = 0; r < (tl->nrows + 1) / 2; r++)
		for (unsigned c = 0; c < nc; c++) {
			uint64_t hi = 2 * r + 1 < tl->nrows ? tl->cells[(2 * r + 1) * nc + c] : 0;

			tl->cells[r * nc + c] = tl->cells[2 * r * nc + c] + hi;
		}
	tl->nrows = (tl->nrows + 1) / 2;
	if (tl->cells)
		memset(tl->cells + tl->nrows * nc, 0,
		       (tl->cap_rows - tl->nrows) * nc * sizeof(*tl->cells));
	tl->interval *= 2;
	return true;
}

void s2sim_timeline_add(s2sim_timeline *tl, s2sim_time_ps t, unsigned col,
			uint64_t value)
{
	uint64_t row = t / tl->interval;

	while (row >= tl->max_rows && timeline_coarsen(tl))
		row = t / tl->interval;
	if (col >= tl->ncols) {
		timeline_fail(tl, S2SIM_EMISUSE,
			      "column %u out of range (%u columns)",
			      col, tl->ncols);
		return;
	}
	if (row >= tl->cap_rows && !timeline_grow(tl, row))
		return;
	tl->cells[row * tl->ncols + col] += value;
	if (row >= tl->nrows)
		tl->nrows = row + 1;
}

int s2sim_timeline_status(const struct s2sim_timeline *tl, const char **msg)
{
	*msg = tl->bad_msg;
	return tl->bad_rc;
}

int s2sim_stats_check_timelines(s2sim_stats *st)
{
	for (size_t i = 0; i < st->nitems; i++) {
		const struct s2sim_stat *s = &st->items[i];
		const char *msg;
		int rc;

		if (s->kind != S2SIM_STAT_TIMELINE)
			continue;
		rc = s2sim_timeline_status(s->u.tl, &msg);
		if (rc != S2SIM_OK)
			return s2sim_err(&st->err, rc, "timeline %s: %s",
					 s->name, msg);
	}
	return S2SIM_OK;
}
