/*
 * `s2sim sweep --emit slurm|parallel`: hand the points to an existing
 * scheduler instead of running them here.  Both write OUT/run-point.sh,
 * which runs one point unless it has finished (the same rule as a local
 * sweep: stats.json present), cleaning a killed run's leftovers first.
 */
#ifndef S2SIM_TOOLS_SWEEP_EMIT_H
#define S2SIM_TOOLS_SWEEP_EMIT_H

#include "core/util/errbuf.h"
#include "tools/sweep_point.h"

struct sweep_emit {
	const char *exe;  /* absolute path of s2sim */
	const char *spec; /* absolute path of the spec */
	const char *out;  /* absolute path of OUT */
	const char *cwd;  /* absolute working directory of the runs */
	char (*names)[SWEEP_NAME_MAX];
	int n;
	int jobs;         /* at most this many tasks at once; 0: no limit */
};

/* OUT/run-point.sh, OUT/sweep.slurm (a job array, one task per point)
 * and OUT/collect.slurm; prints the sbatch commands. */
int sweep_emit_slurm(const struct sweep_emit *e, struct s2sim_errbuf *err);
/* OUT/run-point.sh and OUT/jobs.txt (one command per point, for GNU
 * parallel); prints the parallel commands. */
int sweep_emit_parallel(const struct sweep_emit *e, struct s2sim_errbuf *err);

#endif
