/*
 * `s2sim run`: one simulation of a configuration.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <s2sim/sim.h>

#include "tools/cli.h"
#include "tools/run_report.h"
#include "tools/run_signal.h"

static const char run_usage[] =
	"usage: s2sim run [CONFIG.yaml] [--set KEY=VALUE]... [--out DIR]\n"
	"                 [--trace-window W] [--quiet]\n"
	"\n"
	"Run one simulation.  CONFIG defaults to configs/t2a-48.yaml (the\n"
	"48-vCPU Ampere Altra dirty-logging scenario).  Every key of the\n"
	"configuration can be overridden with --set (see docs/config.md).\n"
	"\n"
	"  --set KEY=VALUE  override one configuration key (repeatable)\n"
	"  --out DIR        output directory (default s2sim-out); receives\n"
	"                   stats.json, timeline.csv, config.yaml and trace.json\n"
	"  --trace-window W trace.json's window (= --set sim.trace_window=W):\n"
	"                   auto (default: 2 ms from the first write-protection),\n"
	"                   auto:LEN, START:END in simulated s (10ms:12ms), off\n"
	"  --quiet          print nothing but errors\n"
	"\n"
	"SIGINT or SIGTERM stops the run at the next safe point and writes a\n"
	"partial result (stats.partial.json, timeline.partial.csv); a second\n"
	"signal exits at once.\n"
	"\n"
	"exit codes: 0 ok, 1 internal or output error, 2 usage, 3 bad input,\n"
	"4 simulation error, 130 / 143 stopped by SIGINT / SIGTERM.\n";

struct run_opts {
	struct cli_config_opts cfg;
	const char *out;
	int quiet;
	char trace_set[160];     /* --trace-window as a --set */
};

/* --trace-window W: a --set of sim.trace_window, in order with the
 * others, quoted so that "0.1:" stays a YAML string. */
static int take_trace_window(struct run_opts *o, const char *w)
{
	const char **n;

	if (strchr(w, '\'') || (size_t)snprintf(o->trace_set, sizeof(o->trace_set),
						"sim.trace_window='%s'", w) >=
					       sizeof(o->trace_set)) {
		cli_error("run", "--trace-window: bad window '%s'", w);
		return -1;
	}
	n = realloc(o->cfg.sets, (size_t)(o->cfg.nsets + 1) * sizeof(*n));
	if (!n) {
		cli_error("run", "out of memory");
		return -1;
	}
	o->cfg.sets = n;
	o->cfg.sets[o->cfg.nsets++] = o->trace_set;
	return 0;
}

static int parse_run(int argc, char **argv, struct run_opts *o)
{
	for (int i = 1; i < argc; i++) {
		int taken = cli_take_set("run", &o->cfg, argc, argv, &i);

		if (taken < 0)
			return EXIT_S2SIM_USAGE;
		if (taken)
			continue;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(run_usage, stdout);
			return -1;
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			o->out = argv[++i];
		} else if (!strcmp(argv[i], "--trace-window") && i + 1 < argc) {
			if (take_trace_window(o, argv[++i]) != 0)
				return EXIT_S2SIM_USAGE;
		} else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
			o->quiet = 1;
		} else if (argv[i][0] != '-' && !o->cfg.path) {
			o->cfg.path = argv[i];
		} else {
			cli_error("run", "unexpected argument '%s'\n\n%s", argv[i],
				  run_usage);
			return EXIT_S2SIM_USAGE;
		}
	}
	return EXIT_S2SIM_OK;
}

static double host_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The progress line: only on a terminal, rewritten in place. */
static void show_progress(void *ctx, const s2sim_progress *p)
{
	double rate = p->host_seconds > 0 ? (double)p->accesses / p->host_seconds : 0;

	(void)ctx;
	printf("\r  %.6f s simulated", (double)p->sim_time * 1e-12);
	if (p->total_accesses) {
		double left = (double)(p->total_accesses - p->accesses);

		printf("  %5.1f%% of the workload", 100.0 * (double)p->accesses /
							   (double)p->total_accesses);
		if (rate > 0)
			printf("  ETA %.0f s", left / rate);
	}
	printf("  %.2f M accesses/s  ", rate * 1e-6);
	fflush(stdout);
}

/* Stopped by a signal: write the partial result; 128 + the signal. */
static int run_stopped(const struct run_opts *o, s2sim_sim *sim)
{
	int sig = run_signal_received();

	if (s2sim_sim_write_outputs(sim, o->out) != S2SIM_OK) {
		cli_error("run", "%s", s2sim_sim_errmsg(sim));
		return EXIT_S2SIM_INTERNAL;
	}
	cli_error("run", "interrupted by %s: %s; partial result in %s/stats.partial.json",
		  run_signal_name(sig), s2sim_sim_errmsg(sim), o->out);
	return run_signal_exit_code(sig);
}

static int run_sim(const struct run_opts *o, s2sim_config *cfg)
{
	s2sim_sim *sim = NULL;
	double t0 = host_seconds();
	int rc = s2sim_sim_create(&sim, cfg);

	if (rc == S2SIM_OK && !o->quiet && isatty(STDOUT_FILENO))
		s2sim_sim_set_progress(sim, show_progress, NULL, 0.5);
	if (rc == S2SIM_OK) {
		s2sim_sim_set_stop_flag(sim, run_signal_flag());
		rc = s2sim_sim_run(sim);
		if (!o->quiet && isatty(STDOUT_FILENO))
			printf("\r%80s\r", "");
	}
	if (rc == S2SIM_EINTR) {
		rc = run_stopped(o, sim);
		s2sim_sim_destroy(sim);
		return rc;
	}
	if (rc != S2SIM_OK) {
		cli_error("run", "%s", s2sim_sim_errmsg(sim));
		s2sim_sim_destroy(sim);
		return cli_input_exit(rc);
	}
	rc = s2sim_sim_write_outputs(sim, o->out);
	if (rc != S2SIM_OK) {
		cli_error("run", "%s", s2sim_sim_errmsg(sim));
		s2sim_sim_destroy(sim);
		return EXIT_S2SIM_INTERNAL;
	}
	if (!o->quiet) {
		const char *policy = "?";
		uint64_t checker = 1;

		s2sim_config_get_string(cfg, "hypervisor.policy", &policy);
		s2sim_config_get_u64(cfg, "hypervisor.check", &checker);
		s2sim_print_run_report(sim, o->cfg.path ? o->cfg.path : cli_default_config(),
				       policy, checker != 0, o->out, host_seconds() - t0);
	}
	s2sim_sim_destroy(sim);
	return EXIT_S2SIM_OK;
}

int s2sim_cmd_run(int argc, char **argv)
{
	struct run_opts o = { .out = "s2sim-out" };
	s2sim_config *cfg = NULL;
	int rc = parse_run(argc, argv, &o);

	if (rc == EXIT_S2SIM_OK) {
		run_signal_install();
		rc = cli_load_config("run", &o.cfg, &cfg);
	}
	if (rc == EXIT_S2SIM_OK)
		rc = run_sim(&o, cfg);
	run_signal_restore();
	s2sim_config_destroy(cfg);
	free(o.cfg.sets);
	return rc < 0 ? EXIT_S2SIM_OK : rc;
}
