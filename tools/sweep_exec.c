/*
 * Local execution of sweep points: fork/exec of /proc/self/exe with a
 * bounded number of children, reaped with waitpid().
 */
#define _GNU_SOURCE /* prctl's PR_SET_PDEATHSIG, dprintf */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <s2sim/common.h>

#include "tools/sweep_dir.h"
#include "tools/sweep_exec.h"

struct running {
	pid_t pid;
	int task;
	double start;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int sweep_self_exe(char *buf, size_t n, struct s2sim_errbuf *err)
{
	ssize_t len = readlink("/proc/self/exe", buf, n - 1);

	if (len < 0 || (size_t)len >= n - 1)
		return s2sim_err(err, S2SIM_EIO, "/proc/self/exe: cannot read: %s",
				 len < 0 ? strerror(errno) : "path too long");
	buf[len] = '\0';
	return S2SIM_OK;
}

/* In the child: die with the parent, redirect, exec `s2sim run`. */
static void exec_run(const char *exe, const char *dir, const char *cfg,
		     int logfd, pid_t parent)
{
	char arg0[] = "s2sim", arg1[] = "run", arg3[] = "--out";
	char *argv[] = { arg0, arg1, (char *)cfg, arg3, (char *)dir, NULL };
	int devnull = open("/dev/null", O_RDONLY);

	/* PR_SET_PDEATHSIG: a sweep killed by SIGKILL takes its runs with it,
	 * so nothing can write a point after the sweep is gone. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
	if (devnull >= 0)
		dup2(devnull, STDIN_FILENO);
	dup2(logfd, STDOUT_FILENO);
	dup2(logfd, STDERR_FILENO);
	execv(exe, argv);
	dprintf(STDERR_FILENO, "s2sim sweep: cannot run %s: %s\n", exe,
		strerror(errno));
	_exit(127);
}

/* Clean the point, open its run.log and fork the run; 0 or -1. */
static int start(const char *exe, struct sweep_task *t, struct running *r)
{
	struct s2sim_errbuf err = { 0 };
	char log[SWEEP_PATH_MAX], cfg[SWEEP_PATH_MAX];
	pid_t parent = getpid();
	int fd;

	if (sweep_point_clean(t->dir, &err) != S2SIM_OK ||
	    sweep_join(log, sizeof(log), t->dir, SWEEP_RUN_LOG, &err) != S2SIM_OK ||
	    sweep_join(cfg, sizeof(cfg), t->dir, SWEEP_POINT_CONFIG, &err) != S2SIM_OK) {
		fprintf(stderr, "s2sim sweep: %s\n", s2sim_err_msg(&err));
		return -1;
	}
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		fprintf(stderr, "s2sim sweep: %s: cannot create: %s\n", log,
			strerror(errno));
		return -1;
	}
	dprintf(fd, "# %s run %s --out %s\n", exe, cfg, t->dir);
	fflush(stdout); /* nothing buffered may be written twice */
	r->start = now_seconds();
	r->pid = fork();
	if (r->pid == 0)
		exec_run(exe, t->dir, cfg, fd, parent);
	close(fd);
	if (r->pid < 0) {
		fprintf(stderr, "s2sim sweep: fork: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void report(const struct sweep_task *t, int done, int n)
{
	char what[32];

	if (t->status == 0)
		snprintf(what, sizeof(what), "ok");
	else if (t->status > 128)
		snprintf(what, sizeof(what), "FAILED (signal %d)", t->status - 128);
	else
		snprintf(what, sizeof(what), "FAILED (exit %d)", t->status);
	printf("[%*d/%d] %-8s %8.2f s  %s\n", n >= 1000 ? 4 : n >= 100 ? 3 : 2,
	       done, n, what, t->seconds, t->name);
	fflush(stdout);
}

/* Wait for one child; its slot in `r`, or -1 if none is left. */
static int reap(struct running *r, int nrun, struct sweep_task *t)
{
	int st;
	pid_t pid;

	do
		pid = waitpid(-1, &st, 0);
	while (pid < 0 && errno == EINTR);
	if (pid < 0)
		return -1;
	for (int i = 0; i < nrun; i++) {
		struct sweep_task *x = &t[r[i].task];

		if (r[i].pid != pid)
			continue;
		x->seconds = now_seconds() - r[i].start;
		x->status = WIFEXITED(st) ? WEXITSTATUS(st)
			  : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		return i;
	}
	return reap(r, nrun, t); /* not ours */
}

/* Start tasks until `jobs` run or none is left; returns the new count of
 * running children.  A task that cannot start counts as failed. */
static int fill(const char *exe, struct sweep_task *t, int n, int *next,
		struct running *r, int nrun, int jobs, int *failed)
{
	while (*next < n && nrun < jobs) {
		r[nrun].task = *next;
		if (start(exe, &t[(*next)++], &r[nrun]) == 0)
			nrun++;
		else
			(*failed)++;
	}
	return nrun;
}

int sweep_exec(const char *exe, struct sweep_task *t, int n, int jobs,
	       int quiet)
{
	struct running *r = calloc((size_t)jobs, sizeof(*r));
	int next = 0, nrun = 0, done = 0, failed = 0, slot;

	if (!r)
		return n;
	for (int i = 0; i < n; i++)
		t[i].status = -1;
	for (;;) {
		nrun = fill(exe, t, n, &next, r, nrun, jobs, &failed);
		if (nrun == 0)
			break;
		slot = reap(r, nrun, t);
		if (slot < 0)
			break;
		failed += t[r[slot].task].status != 0;
		if (!quiet)
			report(&t[r[slot].task], ++done, n);
		r[slot] = r[--nrun];
	}
	free(r);
	return failed;
}
