#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <s2sim/common.h>
#include "core/util/atomic_file.h"

static void atomic_free(struct s2sim_atomic_file *af)
{
	free(af->path);
	free(af->tmp_path);
	af->path = NULL;
	af->tmp_path = NULL;
	af->fp = NULL;
}

int s2sim_atomic_open(struct s2sim_atomic_file *af, const char *path,
		      struct s2sim_errbuf *err)
{
	size_t n = strlen(path) + 32;

	memset(af, 0, sizeof(*af));
	af->path = strdup(path);
	af->tmp_path = malloc(n);
	if (!af->path || !af->tmp_path) {
		atomic_free(af);
		return s2sim_err(err, S2SIM_ENOMEM, "out of memory");
	}
	snprintf(af->tmp_path, n, "%s.tmp.%ld", path, (long)getpid());
	af->fp = fopen(af->tmp_path, "wb");
	if (!af->fp) {
		int e = errno;
		s2sim_err(err, S2SIM_EIO, "%s: cannot create: %s", af->tmp_path,
			  strerror(e));
		atomic_free(af);
		return S2SIM_EIO;
	}
	return S2SIM_OK;
}

int s2sim_atomic_commit(struct s2sim_atomic_file *af, struct s2sim_errbuf *err)
{
	int rc = S2SIM_OK;
	int failed = ferror(af->fp) || fflush(af->fp) != 0 ||
		     fsync(fileno(af->fp)) != 0;
	int e = errno;

	if (fclose(af->fp) != 0 && !failed) {
		failed = 1;
		e = errno;
	}
	if (failed) {
		rc = s2sim_err(err, S2SIM_EIO, "%s: write failed: %s",
			       af->tmp_path, strerror(e));
		unlink(af->tmp_path);
	} else if (rename(af->tmp_path, af->path) != 0) {
		e = errno;
		rc = s2sim_err(err, S2SIM_EIO, "%s: cannot rename into place: %s",
			       af->path, strerror(e));
		unlink(af->tmp_path);
	}
	atomic_free(af);
	return rc;
}

void s2sim_atomic_abort(struct s2sim_atomic_file *af)
{
	if (af->fp) {
		fclose(af->fp);
		unlink(af->tmp_path);
	}
	atomic_free(af);
}
