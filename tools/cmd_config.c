/*
 * `s2sim config`: the resolved configuration, or the key reference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <s2sim/config.h>

#include "tools/cli.h"

static const char config_usage[] =
	"usage: s2sim config show [CONFIG.yaml] [--set KEY=VALUE]... [--out FILE]\n"
	"       s2sim config keys\n"
	"\n"
	"  show   validate a configuration and write it fully resolved as YAML\n"
	"         (every key, defaults included) to FILE or stdout\n"
	"  keys   print the Markdown reference of every key (docs/config.md)\n";

static int config_show(int argc, char **argv)
{
	struct cli_config_opts o = { 0 };
	const char *out = NULL;
	s2sim_config *cfg = NULL;
	int rc = EXIT_S2SIM_OK;

	for (int i = 1; i < argc && rc == EXIT_S2SIM_OK; i++) {
		int taken = cli_take_set("config", &o, argc, argv, &i);

		if (taken < 0)
			rc = EXIT_S2SIM_USAGE;
		else if (taken)
			continue;
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] != '-' && !o.path)
			o.path = argv[i];
		else {
			cli_error("config", "unexpected argument '%s'", argv[i]);
			rc = EXIT_S2SIM_USAGE;
		}
	}
	if (rc == EXIT_S2SIM_OK)
		rc = cli_load_config("config", &o, &cfg);
	if (rc == EXIT_S2SIM_OK &&
	    (out ? s2sim_config_write_yaml(cfg, out)
		 : s2sim_config_print_yaml(cfg, stdout)) != S2SIM_OK) {
		cli_error("config", "%s", s2sim_config_errmsg(cfg));
		rc = EXIT_S2SIM_INTERNAL;
	}
	s2sim_config_destroy(cfg);
	free(o.sets);
	return rc;
}

int s2sim_cmd_config(int argc, char **argv)
{
	if (argc < 2) {
		fputs(config_usage, stderr);
		return EXIT_S2SIM_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(config_usage, stdout);
		return EXIT_S2SIM_OK;
	}
	if (!strcmp(argv[1], "show"))
		return config_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "keys"))
		return s2sim_config_write_reference(stdout) == S2SIM_OK
			       ? EXIT_S2SIM_OK
			       : EXIT_S2SIM_INTERNAL;
	cli_error("config", "unknown subcommand '%s'\n\n%s", argv[1], config_usage);
	return EXIT_S2SIM_USAGE;
}
