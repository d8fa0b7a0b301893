/*
 * `s2sim sweep`: run points locally, up to --jobs at a time, each as a
 * child `s2sim run DIR/point.yaml --out DIR` of this very binary.
 */
#ifndef S2SIM_TOOLS_SWEEP_EXEC_H
#define S2SIM_TOOLS_SWEEP_EXEC_H

#include <stddef.h>

#include "core/util/errbuf.h"

struct sweep_task {
	const char *dir;  /* the point directory */
	const char *name; /* its name, for progress lines */
	int status;       /* exit code of `s2sim run`; 128+N if killed by
			   * signal N; -1 if it could not start */
	double seconds;   /* wall-clock time of the run */
};

/* This executable's absolute path (/proc/self/exe). */
int sweep_self_exe(char *buf, size_t n, struct s2sim_errbuf *err);

/* Run every task; `jobs` >= 1 at a time.  Before a run the point
 * directory is cleaned of everything but point.yaml; stdout and stderr go
 * to DIR/run.log.  Each child dies with the sweep (PR_SET_PDEATHSIG), so
 * a killed sweep leaves no run behind that could finish later.  Returns
 * the number of tasks whose status is not 0; progress lines on stdout
 * unless `quiet`. */
int sweep_exec(const char *exe, struct sweep_task *t, int n, int jobs,
	       int quiet);

#endif
