/*
 * `s2sim sweep`: collect the points' stats.json into OUT/results.csv (one
 * row per point, written atomically) and a table on stdout.
 */
#ifndef S2SIM_TOOLS_SWEEP_COLLECT_H
#define S2SIM_TOOLS_SWEEP_COLLECT_H

#include "core/util/errbuf.h"
#include "tools/sweep_point.h"
#include "tools/sweep_spec.h"

#define SWEEP_MAX_ITER 64 /* phase.iteration_N columns, N = 1..64 */

/* names[p] is point p's directory under `out`.  *missing receives the
 * number of points without stats.json (rows with status "missing").
 * S2SIM_EINPUT if a stats.json cannot be parsed; S2SIM_EIO if
 * results.csv cannot be written. */
int sweep_collect(const struct sweep_spec *s, const char *out,
		  char (*names)[SWEEP_NAME_MAX], int print_table, int *missing,
		  struct s2sim_errbuf *err);

#endif
