/*
 * `s2sim sweep`: the files of a sweep's output directory.
 *
 *   OUT/.sweep.lock         held (fcntl) by the sweep using OUT
 *   OUT/NNNN-slug/point.yaml  the point's resolved configuration (input)
 *   OUT/NNNN-slug/run.log     stdout and stderr of `s2sim run`
 *   OUT/NNNN-slug/stats.json  written atomically, last, by `s2sim run`:
 *                             its presence is what marks a point finished
 *   OUT/results.csv         the collected results
 */
#ifndef S2SIM_TOOLS_SWEEP_DIR_H
#define S2SIM_TOOLS_SWEEP_DIR_H

#include <stddef.h>

#include <s2sim/config.h>

#include "core/util/errbuf.h"

#define SWEEP_POINT_CONFIG "point.yaml"
#define SWEEP_RUN_LOG "run.log"
#define SWEEP_DONE_FILE "stats.json"
#define SWEEP_PATH_MAX 4096

enum sweep_state {
	SWEEP_PENDING, /* not finished: to run */
	SWEEP_DONE,    /* finished with this configuration: skipped */
	SWEEP_STALE,   /* was finished with another configuration: to run again */
};

/* "a/b" into buf; S2SIM_ELIMIT (message in err) if it does not fit. */
int sweep_join(char *buf, size_t n, const char *a, const char *b,
	       struct s2sim_errbuf *err);
/* mkdir -p. */
int sweep_mkdirs(const char *path, struct s2sim_errbuf *err);
/* Whether dir/stats.json exists. */
int sweep_point_done(const char *dir);
/* Remove everything in dir but point.yaml: a killed run's leftovers
 * (temporary files, a timeline of a run that never finished, old logs). */
int sweep_point_clean(const char *dir, struct s2sim_errbuf *err);
/* Make dir hold point.yaml for `cfg` (rewritten only if its values
 * differ) and tell the point's state; a finished point whose
 * configuration changed is cleaned (SWEEP_STALE). */
int sweep_point_prepare(const char *dir, const s2sim_config *cfg,
			enum sweep_state *state, struct s2sim_errbuf *err);
/* Take OUT/.sweep.lock so that two sweeps never run the same points;
 * the lock lasts until the process exits.  S2SIM_EIO naming the holder. */
int sweep_lock(const char *out, struct s2sim_errbuf *err);

#endif
