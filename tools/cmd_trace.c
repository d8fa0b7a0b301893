/*
 * `s2sim trace`: inspect (info, dump), convert and generate traces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <s2sim/trace.h>
#include <s2sim/workload.h>

#include "tools/cli.h"
#include "workloads/trace_tools.h"

static const char trace_usage[] =
	"usage: s2sim trace info TRACE\n"
	"       s2sim trace dump TRACE\n"
	"       s2sim trace convert IN OUT [--format binary|zstd|text]\n"
	"       s2sim trace generate [CONFIG.yaml] [--set KEY=VALUE]... -o OUT\n"
	"                            [--format binary|zstd|text]\n"
	"\n"
	"  info      header, records per kind, reads/writes, accesses per vCPU,\n"
	"            memslots (reads the whole trace, validating it)\n"
	"  dump      the trace in its text form on stdout\n"
	"  convert   rewrite a trace in another format (default binary)\n"
	"  generate  write the workload a configuration describes (the\n"
	"            dirty-log generator) as a trace file; CONFIG defaults to\n"
	"            configs/t2a-48.yaml\n"
	"The input format (binary, zstd, text) is detected from the content.\n"
	"Traces are specified in docs/trace-format.md.\n";

static int take_format(const char *arg, enum s2sim_trace_format *f)
{
	if (s2sim_trace_format_parse(arg, f) != 0) {
		cli_error("trace", "unknown format '%s' (binary, zstd or text)", arg);
		return EXIT_S2SIM_USAGE;
	}
	return EXIT_S2SIM_OK;
}

static int report(int rc, const char *err)
{
	if (rc == S2SIM_OK)
		return EXIT_S2SIM_OK;
	cli_error("trace", "%s", err);
	return cli_input_exit(rc);
}

static int trace_convert(int argc, char **argv)
{
	enum s2sim_trace_format f = S2SIM_TRACE_BINARY;
	const char *paths[2] = { NULL, NULL };
	char err[1024] = "";
	int np = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			if (take_format(argv[++i], &f) != EXIT_S2SIM_OK)
				return EXIT_S2SIM_USAGE;
		} else if (argv[i][0] != '-' && np < 2) {
			paths[np++] = argv[i];
		} else {
			cli_error("trace", "convert: unexpected argument '%s'", argv[i]);
			return EXIT_S2SIM_USAGE;
		}
	}
	if (np != 2) {
		cli_error("trace", "convert needs IN and OUT\n\n%s", trace_usage);
		return EXIT_S2SIM_USAGE;
	}
	return report(s2sim_trace_convert(paths[0], paths[1], f, err, sizeof(err)),
		      err);
}

/* Stream the configured workload into a trace writer. */
static int generate_to(s2sim_config *cfg, const char *out,
		       enum s2sim_trace_format f)
{
	s2sim_workload *wl = NULL;
	s2sim_trace_writer *w = NULL;
	s2sim_record recs[4096];
	size_t n = 0;
	int rc = s2sim_workload_from_config(&wl, cfg);

	if (rc != S2SIM_OK) {
		cli_error("trace", "%s", s2sim_workload_errmsg(wl));
		s2sim_workload_destroy(wl);
		return cli_input_exit(rc);
	}
	rc = s2sim_trace_writer_create(&w, out, f, s2sim_workload_vcpus(wl));
	while (rc == S2SIM_OK) {
		int rrc = s2sim_workload_read(wl, recs, 4096, &n);

		for (size_t i = 0; i < n && rc == S2SIM_OK; i++)
			rc = s2sim_trace_write(w, &recs[i]);
		if (rc != S2SIM_OK)
			break;
		if (rrc == S2SIM_DONE) {
			rc = s2sim_trace_writer_finish(w);
			break;
		}
		if (rrc != S2SIM_ROW) {
			/* the workload itself is bad: an input error */
			cli_error("trace", "%s", s2sim_workload_errmsg(wl));
			s2sim_trace_writer_destroy(w);
			s2sim_workload_destroy(wl);
			return cli_input_exit(rrc);
		}
	}
	if (rc != S2SIM_OK)
		cli_error("trace", "%s: %s", out,
			  w ? s2sim_trace_writer_errmsg(w) : "out of memory");
	s2sim_trace_writer_destroy(w);
	s2sim_workload_destroy(wl);
	return rc == S2SIM_OK ? EXIT_S2SIM_OK : EXIT_S2SIM_INTERNAL;
}

static int trace_generate(int argc, char **argv)
{
	enum s2sim_trace_format f = S2SIM_TRACE_BINARY;
	struct cli_config_opts o = { 0 };
	const char *out = NULL;
	s2sim_config *cfg = NULL;
	int rc = EXIT_S2SIM_OK;

	for (int i = 1; i < argc && rc == EXIT_S2SIM_OK; i++) {
		int taken = cli_take_set("trace", &o, argc, argv, &i);

		if (taken < 0)
			rc = EXIT_S2SIM_USAGE;
		else if (taken)
			continue;
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--format") && i + 1 < argc)
			rc = take_format(argv[++i], &f);
		else if (argv[i][0] != '-' && !o.path)
			o.path = argv[i];
		else {
			cli_error("trace", "generate: unexpected argument '%s'", argv[i]);
			rc = EXIT_S2SIM_USAGE;
		}
	}
	if (rc == EXIT_S2SIM_OK && !out) {
		cli_error("trace", "generate needs -o OUT");
		rc = EXIT_S2SIM_USAGE;
	}
	if (rc == EXIT_S2SIM_OK)
		rc = cli_load_config("trace", &o, &cfg);
	if (rc == EXIT_S2SIM_OK)
		rc = generate_to(cfg, out, f);
	s2sim_config_destroy(cfg);
	free(o.sets);
	return rc;
}

int s2sim_cmd_trace(int argc, char **argv)
{
	char err[1024] = "";

	if (argc < 2) {
		fputs(trace_usage, stderr);
		return EXIT_S2SIM_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(trace_usage, stdout);
		return EXIT_S2SIM_OK;
	}
	if (!strcmp(argv[1], "convert"))
		return trace_convert(argc - 1, argv + 1);
	if (!strcmp(argv[1], "generate"))
		return trace_generate(argc - 1, argv + 1);
	if ((!strcmp(argv[1], "info") || !strcmp(argv[1], "dump")) && argc == 3) {
		int rc = argv[1][0] == 'i'
				 ? s2sim_trace_info_print(argv[2], stdout, err, sizeof(err))
				 : s2sim_trace_dump(argv[2], stdout, err, sizeof(err));
		return report(rc, err);
	}
	cli_error("trace", "bad arguments\n\n%s", trace_usage);
	return EXIT_S2SIM_USAGE;
}
