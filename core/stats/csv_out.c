/*
 * Timeline CSV: a header "time_ps,<col>,..." then one line per interval
 * from time 0 to the last interval anything was added to, each starting
 * with the interval's start time in picoseconds.  Written atomically.
 */
#include <inttypes.h>
#include <stdio.h>

#include "core/stats/stats_internal.h"
#include "core/util/atomic_file.h"

static void write_rows(const struct s2sim_timeline *tl, FILE *fp)
{
	fputs("time_ps", fp);
	for (unsigned c = 0; c < tl->ncols; c++)
		fprintf(fp, ",%s", tl->colnames[c]);
	fputc('\n', fp);
	for (uint64_t r = 0; r < tl->nrows; r++) {
		const uint64_t *cells = tl->cells + r * tl->ncols;

		fprintf(fp, "%" PRIu64, r * tl->interval);
		for (unsigned c = 0; c < tl->ncols; c++)
			fprintf(fp, ",%" PRIu64, cells[c]);
		fputc('\n', fp);
	}
}

int s2sim_stats_write_timeline_csv(s2sim_stats *st, const char *name,
				   const char *path)
{
	const struct s2sim_stat *s;
	struct s2sim_atomic_file af;
	const char *msg;
	int rc;

	if (!st || !name || !path)
		return S2SIM_EMISUSE;
	s = s2sim_stats_find(st, name);
	if (!s || s->kind != S2SIM_STAT_TIMELINE)
		return s2sim_err(&st->err, S2SIM_ENOTFOUND,
				 "no timeline called %s", name);
	rc = s2sim_timeline_status(s->u.tl, &msg);
	if (rc != S2SIM_OK)
		return s2sim_err(&st->err, rc, "timeline %s: %s", name, msg);
	rc = s2sim_atomic_open(&af, path, &st->err);
	if (rc != S2SIM_OK)
		return rc;
	write_rows(s->u.tl, af.fp);
	return s2sim_atomic_commit(&af, &st->err);
}
