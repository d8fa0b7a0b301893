/*
 * s2sim — one simulation: a validated configuration and its workload, run
 * to completion on the event engine, with its statistics and output files.
 */
#ifndef S2SIM_SIM_H
#define S2SIM_SIM_H

#include <signal.h>

#include <s2sim/common.h>
#include <s2sim/config.h>
#include <s2sim/stats.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct s2sim_sim s2sim_sim;

/* Build a simulation from a validated configuration (the config is copied
 * by reference: it must outlive the simulation). */
S2SIM_API int s2sim_sim_create(s2sim_sim **out, const s2sim_config *cfg);
S2SIM_API void s2sim_sim_destroy(s2sim_sim *sim);
S2SIM_API const char *s2sim_sim_errmsg(const s2sim_sim *sim);

/* Run until the workload ends.  S2SIM_EINPUT if the workload is malformed
 * (the message names the record), S2SIM_ESIM if the model cannot go on. */
S2SIM_API int s2sim_sim_run(s2sim_sim *sim);

/* Progress of a running simulation, for a progress line. */
typedef struct s2sim_progress {
	s2sim_time_ps sim_time;     /* simulated time reached */
	uint64_t accesses;          /* guest accesses completed */
	uint64_t total_accesses;    /* of the whole workload; 0 if unknown */
	double host_seconds;        /* since s2sim_sim_run() started */
} s2sim_progress;

typedef void (*s2sim_progress_fn)(void *ctx, const s2sim_progress *p);

/* Call `fn` about every `interval_s` host seconds during s2sim_sim_run()
 * (NULL: never).  It does not change the simulation in any way. */
S2SIM_API void s2sim_sim_set_progress(s2sim_sim *sim, s2sim_progress_fn fn,
				      void *ctx, double interval_s);

/* Stop early when `*flag` becomes nonzero (a signal handler sets it; NULL:
 * never).  The run loop looks at it between slices of simulated time, a
 * safe point between two events, so s2sim_sim_run() returns S2SIM_EINTR
 * with every statistic consistent at the simulated time reached; the
 * phase in progress ends there.  s2sim_sim_write_outputs() then writes
 * the partial result (see there).  Looking at the flag does not change
 * the simulation. */
S2SIM_API void s2sim_sim_set_stop_flag(s2sim_sim *sim,
				       const volatile sig_atomic_t *flag);
/* Whether the run stopped early (s2sim_sim_run() returned S2SIM_EINTR). */
S2SIM_API int s2sim_sim_partial(const s2sim_sim *sim);

/* Simulated time reached, and the registry holding every statistic. */
S2SIM_API s2sim_time_ps s2sim_sim_time(const s2sim_sim *sim);
S2SIM_API s2sim_stats *s2sim_sim_stats(s2sim_sim *sim);

/* The i-th architecture-checker finding kept (the first 16 of each class,
 * in the order found; every finding is counted in check.findings.*), as
 * one line; NULL past the end. */
S2SIM_API const char *s2sim_sim_finding(s2sim_sim *sim, uint32_t i);
/* The class of the i-th kept finding: 0 break-before-make, 1 TLB conflict
 * abort, 2 stale translation, 3 page writable without its dirty bit (the
 * order of check.findings.*); -1 past the end. */
S2SIM_API int s2sim_sim_finding_class(s2sim_sim *sim, uint32_t i);

/* Write stats.json, timeline.csv and config.yaml into `dir` (created if
 * missing), each atomically, and remove the partial files of an earlier
 * stopped run.  After a stopped run (s2sim_sim_partial()), write instead
 * stats.partial.json (its "run" object holds "partial": true and
 * "sim_time_ps", the simulated time reached) and timeline.partial.csv,
 * and remove any stats.json and timeline.csv of an earlier run: a partial
 * result is never taken for a finished one (a sweep point has finished
 * when its stats.json exists). */
S2SIM_API int s2sim_sim_write_outputs(s2sim_sim *sim, const char *dir);

#ifdef __cplusplus
}
#endif
#endif
