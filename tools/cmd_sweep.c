/*
 * `s2sim sweep`: expand a sweep spec into points, validate every point's
 * configuration, then run the unfinished points locally (--jobs), or
 * emit a Slurm job array / GNU parallel job list, and collect
 * results.csv.  See docs/sweeps.md.
 */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <s2sim/common.h>

#include "tools/cli.h"
#include "tools/sweep_collect.h"
#include "tools/sweep_dir.h"
#include "tools/sweep_emit.h"
#include "tools/sweep_exec.h"
#include "tools/sweep_point.h"
#include "tools/sweep_spec.h"

#define SWEEP_MAX_JOBS 1024

static const char sweep_usage[] =
	"usage: s2sim sweep SPEC.yaml [--jobs N] [--out DIR] [--emit slurm|parallel]\n"
	"                   [--dry-run] [--collect-only] [--quiet]\n"
	"\n"
	"Run one simulation per point of a sweep spec: a base configuration,\n"
	"fixed overrides (set:) and a grid: of values or a list of points:\n"
	"(docs/sweeps.md).  Every point's configuration is validated before\n"
	"anything runs.  Each point runs in DIR/NNNN-<values>/; a point whose\n"
	"stats.json exists has finished and is skipped, so an interrupted sweep\n"
	"resumes where it stopped.  DIR/results.csv collects the results.\n"
	"\n"
	"  --jobs N         run up to N points at once (default: the CPUs online)\n"
	"  --out DIR        output directory (default s2sim-sweep)\n"
	"  --emit slurm     write DIR/sweep.slurm (a job array, one task per point)\n"
	"                   and DIR/collect.slurm instead of running; print the\n"
	"                   sbatch commands\n"
	"  --emit parallel  write DIR/jobs.txt, one command per point, for GNU parallel\n"
	"  --dry-run        list the points and check their configurations only\n"
	"  --collect-only   only (re)write DIR/results.csv from finished points\n"
	"  --quiet          print nothing but errors\n"
	"\n"
	"exit codes: 0 ok, 1 internal or output error, 2 usage, 3 bad spec or\n"
	"configuration, 4 some points failed or (--collect-only) have not run.\n";

struct sweep_opts {
	const char *spec, *out, *emit;
	int jobs, jobs_given, dry_run, collect_only, quiet;
};

/* The state of one sweep invocation. */
struct sweep {
	struct sweep_opts o;
	struct sweep_spec spec;
	char (*names)[SWEEP_NAME_MAX];
	s2sim_config **cfgs;
	enum sweep_state *state;
	struct s2sim_errbuf err;
};

static int parse_jobs(const char *text, struct sweep_opts *o)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*end || end == text || v < 1 || v > SWEEP_MAX_JOBS) {
		cli_error("sweep", "--jobs: expected a number from 1 to %d, got '%s'",
			  SWEEP_MAX_JOBS, text);
		return EXIT_S2SIM_USAGE;
	}
	o->jobs = (int)v;
	o->jobs_given = 1;
	return EXIT_S2SIM_OK;
}

/* One option at argv[*i]; EXIT_S2SIM_OK, a usage error, or -1 (--help). */
static int parse_one(int argc, char **argv, int *i, struct sweep_opts *o)
{
	const char *a = argv[*i];
	int has_arg = *i + 1 < argc;

	if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
		fputs(sweep_usage, stdout);
		return -1;
	}
	if ((!strcmp(a, "--jobs") || !strcmp(a, "-j")) && has_arg)
		return parse_jobs(argv[++*i], o);
	if (!strcmp(a, "--out") && has_arg)
		o->out = argv[++*i];
	else if (!strcmp(a, "--emit") && has_arg)
		o->emit = argv[++*i];
	else if (!strcmp(a, "--dry-run"))
		o->dry_run = 1;
	else if (!strcmp(a, "--collect-only"))
		o->collect_only = 1;
	else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
		o->quiet = 1;
	else if (a[0] != '-' && !o->spec)
		o->spec = a;
	else {
		cli_error("sweep", "unexpected argument '%s'\n\n%s", a, sweep_usage);
		return EXIT_S2SIM_USAGE;
	}
	return EXIT_S2SIM_OK;
}

static int parse_sweep(int argc, char **argv, struct sweep_opts *o)
{
	for (int i = 1; i < argc; i++) {
		int rc = parse_one(argc, argv, &i, o);

		if (rc != EXIT_S2SIM_OK)
			return rc;
	}
	if (!o->spec) {
		cli_error("sweep", "no SPEC.yaml given\n\n%s", sweep_usage);
		return EXIT_S2SIM_USAGE;
	}
	if (o->emit && strcmp(o->emit, "slurm") && strcmp(o->emit, "parallel")) {
		cli_error("sweep", "--emit: expected 'slurm' or 'parallel', got '%s'",
			  o->emit);
		return EXIT_S2SIM_USAGE;
	}
	if (o->collect_only + o->dry_run + !!o->emit > 1) {
		cli_error("sweep", "--emit, --dry-run and --collect-only exclude "
			  "each other");
		return EXIT_S2SIM_USAGE;
	}
	return EXIT_S2SIM_OK;
}

/* Print the error recorded in sw->err; the exit code for it. */
static int fail(struct sweep *sw)
{
	cli_error("sweep", "%s", s2sim_err_msg(&sw->err));
	return cli_input_exit(sw->err.rc);
}

/* Expand the spec and name the points. */
static int load_spec(struct sweep *sw)
{
	int rc = sweep_spec_load(&sw->spec, sw->o.spec, &sw->err);
	int n = sw->spec.npoints;

	if (rc != S2SIM_OK)
		return fail(sw);
	sw->names = calloc((size_t)n, sizeof(*sw->names));
	sw->cfgs = calloc((size_t)n, sizeof(*sw->cfgs));
	sw->state = calloc((size_t)n, sizeof(*sw->state));
	if (!sw->names || !sw->cfgs || !sw->state) {
		cli_error("sweep", "out of memory");
		return EXIT_S2SIM_INTERNAL;
	}
	for (int p = 0; p < n; p++)
		sweep_point_name(&sw->spec, p, sw->names[p], sizeof(sw->names[p]));
	return EXIT_S2SIM_OK;
}

/* Every point's configuration, before anything is written or run. */
static int build_configs(struct sweep *sw)
{
	for (int p = 0; p < sw->spec.npoints; p++)
		if (sweep_point_config(&sw->spec, p, &sw->cfgs[p], &sw->err) != S2SIM_OK)
			return fail(sw);
	return EXIT_S2SIM_OK;
}

static void print_dry_run(const struct sweep *sw)
{
	printf("%s: %d points, configurations valid; would run in %s/:\n",
	       sw->o.spec, sw->spec.npoints, sw->o.out);
	for (int p = 0; p < sw->spec.npoints; p++)
		printf("  %s\n", sw->names[p]);
}

/* Create OUT, lock it and write each point's point.yaml. */
static int prepare(struct sweep *sw, int *todo)
{
	char dir[SWEEP_PATH_MAX];
	int stale = 0;

	if (sweep_mkdirs(sw->o.out, &sw->err) != S2SIM_OK ||
	    sweep_lock(sw->o.out, &sw->err) != S2SIM_OK) {
		cli_error("sweep", "%s", s2sim_err_msg(&sw->err));
		return EXIT_S2SIM_INTERNAL;
	}
	*todo = 0;
	for (int p = 0; p < sw->spec.npoints; p++) {
		if (sweep_join(dir, sizeof(dir), sw->o.out, sw->names[p], &sw->err) ||
		    sweep_point_prepare(dir, sw->cfgs[p], &sw->state[p], &sw->err)) {
			cli_error("sweep", "%s", s2sim_err_msg(&sw->err));
			return EXIT_S2SIM_INTERNAL;
		}
		*todo += sw->state[p] != SWEEP_DONE;
		stale += sw->state[p] == SWEEP_STALE;
	}
	if (!sw->o.quiet)
		printf("%s: %d points in %s/: %d finished, %d to run%s\n", sw->o.spec,
		       sw->spec.npoints, sw->o.out, sw->spec.npoints - *todo, *todo,
		       stale ? " (some finished with an older configuration)" : "");
	return EXIT_S2SIM_OK;
}

static int collect(struct sweep *sw)
{
	int missing = 0;

	if (sweep_collect(&sw->spec, sw->o.out, sw->names, !sw->o.quiet, &missing,
			  &sw->err) != S2SIM_OK) {
		if (sw->err.rc != S2SIM_EIO) /* EIO: results.csv not written */
			return fail(sw);
		cli_error("sweep", "%s", s2sim_err_msg(&sw->err));
		return EXIT_S2SIM_INTERNAL;
	}
	if (missing) {
		cli_error("sweep", "%d of %d points have no results yet (rows with "
			  "status 'missing' in %s/results.csv)", missing,
			  sw->spec.npoints, sw->o.out);
		return EXIT_S2SIM_SIM;
	}
	return EXIT_S2SIM_OK;
}

static void report_failures(const struct sweep_task *t, int n, int failed)
{
	int shown = 0;

	for (int i = 0; i < n && shown < 10; i++) {
		if (t[i].status == 0)
			continue;
		cli_error("sweep", "%s failed (%s %d): see %s/" SWEEP_RUN_LOG,
			  t[i].name, t[i].status > 128 ? "signal" : "exit",
			  t[i].status > 128 ? t[i].status - 128 : t[i].status,
			  t[i].dir);
		shown++;
	}
	if (failed > shown)
		cli_error("sweep", "... and %d more failed points", failed - shown);
}

/* Run the unfinished points here; the number that failed, or -1. */
static int run_local(struct sweep *sw, int todo)
{
	struct sweep_task *t = calloc((size_t)todo, sizeof(*t));
	char exe[PATH_MAX], dir[SWEEP_PATH_MAX];
	int n = 0, failed = -1;

	if (!t || sweep_self_exe(exe, sizeof(exe), &sw->err) != S2SIM_OK) {
		cli_error("sweep", "%s", t ? s2sim_err_msg(&sw->err) : "out of memory");
		free(t);
		return -1;
	}
	for (int p = 0; p < sw->spec.npoints; p++) {
		if (sw->state[p] == SWEEP_DONE)
			continue;
		sweep_join(dir, sizeof(dir), sw->o.out, sw->names[p], &sw->err);
		t[n].name = sw->names[p];
		t[n].dir = strdup(dir);
		if (!t[n++].dir)
			goto out;
	}
	failed = sweep_exec(exe, t, n, sw->o.jobs, sw->o.quiet);
	report_failures(t, n, failed);
out:
	for (int i = 0; i < n; i++)
		free((char *)t[i].dir);
	free(t);
	return failed;
}

/* Absolute paths for scripts that run anywhere on a shared file system. */
static int emit(struct sweep *sw)
{
	char exe[PATH_MAX], spec[PATH_MAX], out[PATH_MAX], cwd[PATH_MAX];
	struct sweep_emit e = {
		.exe = exe, .spec = spec, .out = out, .cwd = cwd,
		.names = sw->names, .n = sw->spec.npoints,
		.jobs = sw->o.jobs_given ? sw->o.jobs : 0,
	};
	int rc;

	if (sweep_self_exe(exe, sizeof(exe), &sw->err) != S2SIM_OK)
		return fail(sw);
	if (!realpath(sw->o.spec, spec) || !realpath(sw->o.out, out) ||
	    !getcwd(cwd, sizeof(cwd))) {
		cli_error("sweep", "cannot resolve the paths of %s and %s",
			  sw->o.spec, sw->o.out);
		return EXIT_S2SIM_INTERNAL;
	}
	if (!strcmp(sw->o.emit, "slurm"))
		rc = sweep_emit_slurm(&e, &sw->err);
	else
		rc = sweep_emit_parallel(&e, &sw->err);
	return rc == S2SIM_OK ? EXIT_S2SIM_OK : fail(sw);
}

static int sweep_main(struct sweep *sw)
{
	int rc, todo = 0, failed = 0;

	if (sw->o.collect_only) {
		if (sweep_lock(sw->o.out, &sw->err) != S2SIM_OK) {
			cli_error("sweep", "%s", s2sim_err_msg(&sw->err));
			return EXIT_S2SIM_INTERNAL;
		}
		return collect(sw);
	}
	rc = build_configs(sw);
	if (rc == EXIT_S2SIM_OK && sw->o.dry_run) {
		if (!sw->o.quiet)
			print_dry_run(sw);
		return EXIT_S2SIM_OK;
	}
	if (rc == EXIT_S2SIM_OK)
		rc = prepare(sw, &todo);
	if (rc != EXIT_S2SIM_OK)
		return rc;
	if (sw->o.emit)
		return emit(sw);
	if (todo)
		failed = run_local(sw, todo);
	if (failed < 0)
		return EXIT_S2SIM_INTERNAL;
	rc = collect(sw);
	return failed ? EXIT_S2SIM_SIM : rc;
}

int s2sim_cmd_sweep(int argc, char **argv)
{
	struct sweep sw = { .o = { .out = "s2sim-sweep" } };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	sw.o.jobs = cpus < 1 ? 1 : cpus > SWEEP_MAX_JOBS ? SWEEP_MAX_JOBS : (int)cpus;
	rc = parse_sweep(argc, argv, &sw.o);
	if (rc == EXIT_S2SIM_OK)
		rc = load_spec(&sw);
	if (rc == EXIT_S2SIM_OK)
		rc = sweep_main(&sw);
	for (int p = 0; sw.cfgs && p < sw.spec.npoints; p++)
		s2sim_config_destroy(sw.cfgs[p]);
	free(sw.cfgs);
	free(sw.names);
	free(sw.state);
	sweep_spec_free(&sw.spec);
	return rc < 0 ? EXIT_S2SIM_OK : rc;
}
