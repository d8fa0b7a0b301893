/*
 * s2sim — the statistics registry.
 *
 * Components register what they count under dotted names
 * ("pe.3.tlb.l1d.hits").  Every statistic carries a unit ("accesses", "ps",
 * "cycles", "bytes", ...) and a one-line description, and stats.json carries
 * both.
 *
 *  - counters: the component owns a uint64_t and increments it directly on
 *    its hot path; the registry only keeps a pointer and reads it on output.
 *  - histograms: owned by the registry; power-of-two buckets with exact
 *    count/sum/min/max, and percentiles interpolated within a bucket.
 *  - timelines: a per-interval series (one row per interval of simulated
 *    time, one column per named series, e.g. one per vCPU) written as CSV.
 *
 * Names must be unique; registration after output has started is allowed.
 */
#ifndef S2SIM_STATS_H
#define S2SIM_STATS_H

#include <stdio.h>
#include <s2sim/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct s2sim_stats s2sim_stats;
typedef struct s2sim_hist s2sim_hist;
typedef struct s2sim_timeline s2sim_timeline;

S2SIM_API int s2sim_stats_create(s2sim_stats **out);
S2SIM_API void s2sim_stats_destroy(s2sim_stats *st);
S2SIM_API const char *s2sim_stats_errmsg(const s2sim_stats *st);

/* Register a counter owned by the caller; it must outlive the registry's
 * last output.  S2SIM_EMISUSE on a duplicate name. */
S2SIM_API int s2sim_stats_counter(s2sim_stats *st, const char *name,
				  const char *unit, const char *desc,
				  const uint64_t *value);
/* Register a floating-point value owned by the caller (ratios, rates). */
S2SIM_API int s2sim_stats_gauge(s2sim_stats *st, const char *name,
				const char *unit, const char *desc,
				const double *value);
/* Look up a registered counter's current value. */
S2SIM_API int s2sim_stats_get(const s2sim_stats *st, const char *name,
			      uint64_t *value);

/* A registered histogram by name, or NULL. */
S2SIM_API const s2sim_hist *s2sim_stats_find_hist(const s2sim_stats *st,
						  const char *name);
/* Create a histogram owned by the registry (NULL on duplicate name/OOM). */
S2SIM_API s2sim_hist *s2sim_stats_hist(s2sim_stats *st, const char *name,
				       const char *unit, const char *desc);
S2SIM_API void s2sim_hist_add(s2sim_hist *h, uint64_t value);
/* Add `n` samples of `value` (same result as n calls of s2sim_hist_add). */
S2SIM_API void s2sim_hist_add_n(s2sim_hist *h, uint64_t value, uint64_t n);
S2SIM_API uint64_t s2sim_hist_count(const s2sim_hist *h);
S2SIM_API uint64_t s2sim_hist_max(const s2sim_hist *h);
/* Percentile p in [0,100]; 0 when empty. */
S2SIM_API uint64_t s2sim_hist_percentile(const s2sim_hist *h, double p);

/* Create a timeline with `ncols` named columns sampled every `interval`
 * picoseconds (NULL on duplicate name/OOM/bad arguments). */
S2SIM_API s2sim_timeline *s2sim_stats_timeline(s2sim_stats *st,
					       const char *name,
					       const char *unit,
					       s2sim_time_ps interval,
					       unsigned ncols,
					       const char *const *colnames);
/* Add `value` to column `col` of the interval that contains time `t`.
 * A timeline holds at most 2^20 intervals and 2^22 cells (intervals x
 * columns); a value past that (or a column out of range) is dropped and
 * both write functions then fail with S2SIM_ELIMIT (S2SIM_EMISUSE) naming
 * the timeline: use a longer interval. */
S2SIM_API void s2sim_timeline_add(s2sim_timeline *tl, s2sim_time_ps t,
				  unsigned col, uint64_t value);

/* Write every statistic as JSON to `path` atomically (temp file + rename).
 * `meta_json` is an optional JSON object text merged under "run". */
S2SIM_API int s2sim_stats_write_json(s2sim_stats *st, const char *path,
				     const char *meta_json);
/* Write the named timeline as CSV to `path` atomically. */
S2SIM_API int s2sim_stats_write_timeline_csv(s2sim_stats *st,
					     const char *name,
					     const char *path);

#ifdef __cplusplus
}
#endif
#endif
