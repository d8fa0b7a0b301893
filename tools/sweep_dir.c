/*
 * The point directories of a sweep: creation, state, cleaning, locking.
 */
/* nftw() is XSI. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <s2sim/common.h>

#include "tools/sweep_dir.h"
#include "tools/sweep_point.h"

int sweep_join(char *buf, size_t n, const char *a, const char *b,
	       struct s2sim_errbuf *err)
{
	int len = snprintf(buf, n, "%s/%s", a, b);

	if (len < 0 || (size_t)len >= n)
		return s2sim_err(err, S2SIM_ELIMIT, "%s/%s: path too long", a, b);
	return S2SIM_OK;
}

int sweep_mkdirs(const char *path, struct s2sim_errbuf *err)
{
	char buf[SWEEP_PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return s2sim_err(err, S2SIM_ELIMIT, "'%s': bad directory name", path);
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return s2sim_err(err, S2SIM_EIO, "%s: cannot create: %s", buf,
					 strerror(errno));
		buf[i] = i < len ? '/' : '\0';
	}
	return S2SIM_OK;
}

int sweep_point_done(const char *dir)
{
	char path[SWEEP_PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/" SWEEP_DONE_FILE, dir) >= (int)sizeof(path))
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int sweep_point_clean(const char *dir, struct s2sim_errbuf *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[SWEEP_PATH_MAX];
	int rc = S2SIM_OK;

	if (!d)
		return s2sim_err(err, S2SIM_EIO, "%s: cannot open: %s", dir,
				 strerror(errno));
	while (rc == S2SIM_OK && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, SWEEP_POINT_CONFIG))
			continue;
		rc = sweep_join(path, sizeof(path), dir, e->d_name, err);
		if (rc == S2SIM_OK && unlink(path) != 0 &&
		    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
			rc = s2sim_err(err, S2SIM_EIO, "%s: cannot remove: %s", path,
				       strerror(errno));
	}
	closedir(d);
	return rc;
}

/* Digest of the configuration in `path`; 0 with *ok = 0 if unreadable. */
static uint64_t file_digest(const char *path, int *ok)
{
	s2sim_config *cfg = NULL;
	uint64_t h = 0;

	*ok = 0;
	if (access(path, R_OK) != 0 || s2sim_config_create(&cfg) != S2SIM_OK)
		return 0;
	if (s2sim_config_load(cfg, path) == S2SIM_OK) {
		h = sweep_config_digest(cfg);
		*ok = 1;
	}
	s2sim_config_destroy(cfg);
	return h;
}

int sweep_point_prepare(const char *dir, const s2sim_config *cfg,
			enum sweep_state *state, struct s2sim_errbuf *err)
{
	char path[SWEEP_PATH_MAX];
	uint64_t old;
	int same, ok, rc;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return s2sim_err(err, S2SIM_EIO, "%s: cannot create: %s", dir,
				 strerror(errno));
	rc = sweep_join(path, sizeof(path), dir, SWEEP_POINT_CONFIG, err);
	if (rc != S2SIM_OK)
		return rc;
	old = file_digest(path, &ok);
	same = ok && old == sweep_config_digest(cfg);
	*state = sweep_point_done(dir) ? SWEEP_DONE : SWEEP_PENDING;
	if (same)
		return S2SIM_OK;
	if (*state == SWEEP_DONE) {
		*state = SWEEP_STALE;
		rc = sweep_point_clean(dir, err);
	}
	if (rc == S2SIM_OK && s2sim_config_write_yaml(cfg, path) != S2SIM_OK)
		rc = s2sim_err(err, S2SIM_EIO, "%s", s2sim_config_errmsg(cfg));
	return rc;
}

int sweep_lock(const char *out, struct s2sim_errbuf *err)
{
	char path[SWEEP_PATH_MAX];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd, rc = sweep_join(path, sizeof(path), out, ".sweep.lock", err);

	if (rc != S2SIM_OK)
		return rc;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return s2sim_err(err, S2SIM_EIO, "%s: cannot open: %s", path,
				 strerror(errno));
	if (fcntl(fd, F_SETLK, &fl) == 0)
		return S2SIM_OK; /* fd stays open: the lock lives with us */
	fl.l_type = F_WRLCK;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		rc = s2sim_err(err, S2SIM_EIO, "%s: another s2sim sweep (pid %ld) "
			       "is using this directory", out, (long)fl.l_pid);
	else
		rc = s2sim_err(err, S2SIM_EIO, "%s: cannot lock: %s", path,
			       strerror(errno));
	close(fd);
	return rc;
}
