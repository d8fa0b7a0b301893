/*
 * s2sim-soak: run a scenario under every hypervisor policy back to back in
 * one process (create, run, write outputs, destroy), then the first policy
 * once more, and check that
 *  - the memory the process holds after each run (VmRSS, after
 *    malloc_trim) does not grow from run to run: nothing leaks or piles up;
 *  - the repeated run's stats.json is byte-identical to the first one's,
 *    and (with --cli) to that of a separate `s2sim run` process: no state
 *    survives from one simulation to the next.
 * Prints one line per run (host seconds, peak RSS of the run, RSS after
 * it).  docs/errors.md and README describe it; tools/soak.sh wraps it.
 *
 *   s2sim-soak [CONFIG.yaml] [--set K=V]... [--out DIR] [--cli S2SIM]
 */
#define _GNU_SOURCE /* malloc_trim */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <s2sim/sim.h>

#define MAX_SETS 32
#define RSS_SLACK_KIB (32u * 1024u) /* growth tolerated between runs */

/* The policies of configs/sweeps/fixes.yaml, with the keys each needs. */
static const char *const policies[][2] = {
	{ "baseline", NULL },
	{ "rdlock-wp", NULL },
	{ "rdlock-all", NULL },
	{ "rdlock-all+nsh-relax", NULL },
	{ "rdlock-all+nsh-relax+eager-split", "workload.eager_split_chunk=2MiB" },
	{ "rdlock-all+nsh-relax+bbml2", "platform.feat_bbm=2" },
};
#define NPOLICIES (sizeof(policies) / sizeof(policies[0]))

struct soak_opts {
	const char *config, *out, *cli;
	const char *sets[MAX_SETS];
	int nsets;
};

/* A field of /proc/self/status in KiB ("VmRSS:", "VmHWM:"). */
static long status_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			v = strtol(line + strlen(field), NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* Reset VmHWM to the current RSS (Linux >= 4.0). */
static void reset_peak(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	if (f) {
		fputs("5", f);
		fclose(f);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int configure(const struct soak_opts *o, int p, s2sim_config **out)
{
	char policy[128];
	int rc = s2sim_config_create(out);

	snprintf(policy, sizeof(policy), "hypervisor.policy=%s", policies[p][0]);
	if (rc == S2SIM_OK)
		rc = s2sim_config_load(*out, o->config);
	for (int i = 0; rc == S2SIM_OK && i < o->nsets; i++)
		rc = s2sim_config_set(*out, o->sets[i]);
	if (rc == S2SIM_OK)
		rc = s2sim_config_set(*out, policy);
	if (rc == S2SIM_OK && policies[p][1])
		rc = s2sim_config_set(*out, policies[p][1]);
	if (rc == S2SIM_OK)
		rc = s2sim_config_validate(*out);
	if (rc != S2SIM_OK)
		fprintf(stderr, "s2sim-soak: %s\n", s2sim_config_errmsg(*out));
	return rc;
}

/* One simulation in this process; its outputs in `dir`. */
static int run_one(const struct soak_opts *o, int p, const char *dir)
{
	s2sim_config *cfg = NULL;
	s2sim_sim *sim = NULL;
	double t0 = now_s();
	int rc = configure(o, p, &cfg);

	reset_peak();
	if (rc == S2SIM_OK)
		rc = s2sim_sim_create(&sim, cfg);
	if (rc == S2SIM_OK)
		rc = s2sim_sim_run(sim);
	if (rc == S2SIM_OK)
		rc = s2sim_sim_write_outputs(sim, dir);
	if (rc != S2SIM_OK && sim)
		fprintf(stderr, "s2sim-soak: %s: %s\n", policies[p][0], s2sim_sim_errmsg(sim));
	s2sim_sim_destroy(sim);
	s2sim_config_destroy(cfg);
	malloc_trim(0);
	printf("%-34s %7.1f s  peak RSS %7ld MiB  RSS after %6ld MiB\n",
	       policies[p][0], now_s() - t0, status_kib("VmHWM:") / 1024,
	       status_kib("VmRSS:") / 1024);
	fflush(stdout);
	return rc;
}

/* The whole file (malloc'd), or NULL. */
static char *slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	if (f && fseek(f, 0, SEEK_END) == 0 && (*len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)*len + 1)) &&
	    fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
		free(buf);
		buf = NULL;
	}
	if (f)
		fclose(f);
	return buf;
}

static int same_file(const char *a, const char *b)
{
	long la = -1, lb = -2;
	char *x = slurp(a, &la), *y = slurp(b, &lb);
	int same = x && y && la == lb && !memcmp(x, y, (size_t)la);

	free(x);
	free(y);
	printf("%s %s %s\n", a, same ? "==" : "DIFFERS FROM", b);
	return same;
}

/* The first policy as a separate `s2sim run` process. */
static int run_cli(const struct soak_opts *o, const char *dir)
{
	char cmd[8192];
	size_t n = (size_t)snprintf(cmd, sizeof(cmd), "'%s' run '%s' --quiet --out '%s'"
				    " --set hypervisor.policy=%s", o->cli, o->config,
				    dir, policies[0][0]);

	for (int i = 0; i < o->nsets && n < sizeof(cmd); i++)
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, " --set '%s'", o->sets[i]);
	return n < sizeof(cmd) && system(cmd) == 0 ? 0 : 1;
}

static int parse(int argc, char **argv, struct soak_opts *o)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--set") && i + 1 < argc && o->nsets < MAX_SETS)
			o->sets[o->nsets++] = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			o->out = argv[++i];
		else if (!strcmp(argv[i], "--cli") && i + 1 < argc)
			o->cli = argv[++i];
		else if (argv[i][0] != '-')
			o->config = argv[i];
		else {
			fprintf(stderr, "usage: s2sim-soak [CONFIG.yaml] [--set K=V]... "
				"[--out DIR] [--cli S2SIM]\n");
			return 2;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct soak_opts o = { .config = "configs/t2a-48.yaml", .out = "soak-out" };
	long rss[NPOLICIES + 1];
	char dir[4096], first[4200], again[4200];
	int rc = parse(argc, argv, &o), bad = 0;

	if (rc)
		return rc;
	mkdir(o.out, 0777);
	for (size_t p = 0; p <= NPOLICIES && !bad; p++) {
		snprintf(dir, sizeof(dir), "%s/%zu-%s", o.out, p, policies[p % NPOLICIES][0]);
		bad = run_one(&o, (int)(p % NPOLICIES), dir) != S2SIM_OK;
		rss[p] = status_kib("VmRSS:");
	}
	if (bad)
		return 4;
	snprintf(first, sizeof(first), "%s/0-%s/stats.json", o.out, policies[0][0]);
	snprintf(again, sizeof(again), "%s/%zu-%s/stats.json", o.out, NPOLICIES,
		 policies[0][0]);
	bad |= !same_file(first, again);
	for (size_t p = 1; p <= NPOLICIES; p++)
		if (rss[p] > rss[0] + (long)RSS_SLACK_KIB) {
			printf("RSS grew: %ld MiB after run 1, %ld MiB after run %zu\n",
			       rss[0] / 1024, rss[p] / 1024, p + 1);
			bad = 1;
		}
	if (o.cli) {
		snprintf(dir, sizeof(dir), "%s/cli-%s", o.out, policies[0][0]);
		snprintf(again, sizeof(again), "%s/stats.json", dir);
		bad |= run_cli(&o, dir) || !same_file(first, again);
	}
	printf("soak: %s\n", bad ? "FAILED" : "ok (RSS flat, results identical)");
	return bad ? 1 : 0;
}
