/*
 * Atomic output files: write to "<path>.tmp.<pid>", fsync, then rename over
 * <path>, so that a reader (or a killed run) never sees a truncated result.
 */
#ifndef S2SIM_CORE_UTIL_ATOMIC_FILE_H
#define S2SIM_CORE_UTIL_ATOMIC_FILE_H

#include <stdio.h>
#include "core/util/errbuf.h"

struct s2sim_atomic_file {
	FILE *fp;
	char *path;
	char *tmp_path;
};

/* Open the temp file for writing ("wb").  S2SIM_EIO with a message on error. */
int s2sim_atomic_open(struct s2sim_atomic_file *af, const char *path,
		      struct s2sim_errbuf *err);
/* Flush, fsync, close and rename into place.  Frees `af` either way. */
int s2sim_atomic_commit(struct s2sim_atomic_file *af, struct s2sim_errbuf *err);
/* Close and delete the temp file; the destination is left untouched. */
void s2sim_atomic_abort(struct s2sim_atomic_file *af);

#endif
