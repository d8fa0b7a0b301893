/*
 * The statistics registry's internals, shared by the files of core/stats/
 * (registry, histograms, timelines, JSON/CSV output, summary), plus the two
 * internal entry points other modules use: the CLI's readable summary and
 * the timeline size limit (which tests lower).
 *
 * Every statistic is one entry of st->items, found by name through an
 * open-addressing hash index.  Counters and gauges are pointers to values
 * the registering component owns; histograms and timelines are allocated
 * here and freed with the registry.
 */
#ifndef S2SIM_CORE_STATS_STATS_INTERNAL_H
#define S2SIM_CORE_STATS_STATS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <s2sim/stats.h>
#include "core/util/errbuf.h"

/* Histogram buckets: bucket 0 holds the value 0, bucket k (1..64) holds
 * [2^(k-1), 2^k). */
#define S2SIM_HIST_BUCKETS 65

/*
 * Timeline size limits.  A timeline holds one row per interval from time 0
 * to the last interval anything was added to, so its memory grows with the
 * simulated time.  Adding past either limit drops the value and marks the
 * timeline failed: both output functions then return S2SIM_ELIMIT naming it
 * (the cure is a longer interval).  The cell limit bounds the memory of
 * the stats.json tree too (about 50 bytes a cell while it is written).
 */
#define S2SIM_TIMELINE_MAX_ROWS (UINT64_C(1) << 20)  /* intervals */
#define S2SIM_TIMELINE_MAX_CELLS (UINT64_C(1) << 22) /* intervals x columns */

enum s2sim_stat_kind {
	S2SIM_STAT_COUNTER,
	S2SIM_STAT_GAUGE,
	S2SIM_STAT_HIST,
	S2SIM_STAT_TIMELINE,
};

struct s2sim_hist {
	uint64_t count;
	uint64_t sum;        /* saturates at UINT64_MAX (sum_saturated) */
	uint64_t min;        /* UINT64_MAX while empty */
	uint64_t max;
	bool sum_saturated;
	uint64_t buckets[S2SIM_HIST_BUCKETS];
};

struct s2sim_timeline {
	s2sim_time_ps interval;
	unsigned ncols;
	char **colnames;
	uint64_t *cells;     /* row-major: cells[row * ncols + col] */
	uint64_t nrows;      /* rows in use: last row added to + 1 */
	uint64_t cap_rows;   /* rows allocated */
	uint64_t max_rows;   /* the limit for this timeline */
	int bad_rc;          /* sticky: S2SIM_OK, ELIMIT, EMISUSE or ENOMEM */
	char bad_msg[256];
};

struct s2sim_stat {
	enum s2sim_stat_kind kind;
	char *name;
	char *unit;
	char *desc;
	union {
		const uint64_t *counter;
		const double *gauge;
		struct s2sim_hist *hist;
		struct s2sim_timeline *tl;
	} u;
};

struct s2sim_stats {
	struct s2sim_errbuf err;
	struct s2sim_stat *items;  /* in registration order */
	size_t nitems;
	size_t cap;
	uint32_t *index;           /* hash slots: item index + 1, 0 = empty */
	size_t index_cap;          /* a power of two, >= 2 * nitems */
	uint64_t timeline_max_rows;
};

/* registry.c: add a named entry (copies the strings); the new item or NULL
 * with st->err set (duplicate name, bad name, out of memory). */
struct s2sim_stat *s2sim_stats_add(s2sim_stats *st, enum s2sim_stat_kind kind,
				   const char *name, const char *unit,
				   const char *desc);
/* The entry called `name`, or NULL. */
const struct s2sim_stat *s2sim_stats_find(const s2sim_stats *st,
					  const char *name);
/* Entries sorted by name (malloc'ed array of pointers; NULL on OOM). */
const struct s2sim_stat **s2sim_stats_sorted(const s2sim_stats *st);

/* hist.c */
void s2sim_hist_bucket_range(unsigned b, uint64_t *lo, uint64_t *hi_incl);
double s2sim_hist_mean(const struct s2sim_hist *h);

/* timeline.c */
struct s2sim_timeline *s2sim_timeline_new(s2sim_time_ps interval,
					  unsigned ncols,
					  const char *const *colnames,
					  uint64_t max_rows);
void s2sim_timeline_free(struct s2sim_timeline *tl);
/* S2SIM_OK, or the sticky error (message in *msg). */
int s2sim_timeline_status(const struct s2sim_timeline *tl, const char **msg);
/* Check every timeline of `st`; sets st->err on the first failed one. */
int s2sim_stats_check_timelines(s2sim_stats *st);

/*
 * Lower (or restore) the row limit of timelines created from now on; at
 * most S2SIM_TIMELINE_MAX_ROWS.  For tests of the limit.
 */
void s2sim_stats_set_timeline_limit(s2sim_stats *st, uint64_t max_rows);

/*
 * Print a readable summary of the counters, gauges and histograms whose
 * names start with `prefix` (NULL or "" = all), sorted by name, one per line:
 * "  name  value unit".  Returns the number of lines printed.
 */
size_t s2sim_stats_print_summary(const s2sim_stats *st, FILE *out,
				 const char *prefix);

#endif
