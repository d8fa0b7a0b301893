/*
 * The s2sim command-line front end: shared definitions of the subcommands.
 */
#ifndef S2SIM_TOOLS_CLI_H
#define S2SIM_TOOLS_CLI_H

#include <s2sim/config.h>

/* Exit codes (documented in README.md and docs/errors.md). */
enum {
	EXIT_S2SIM_OK = 0,
	EXIT_S2SIM_INTERNAL = 1, /* out of memory, cannot write outputs, bug */
	EXIT_S2SIM_USAGE = 2,    /* bad command line */
	EXIT_S2SIM_INPUT = 3,    /* bad input: config, trace, workload */
	EXIT_S2SIM_SIM = 4,      /* the simulation could not go on */
};

int s2sim_cmd_run(int argc, char **argv);
int s2sim_cmd_trace(int argc, char **argv);
int s2sim_cmd_config(int argc, char **argv);
int s2sim_cmd_plot(int argc, char **argv);
int s2sim_cmd_sweep(int argc, char **argv);

/* Exit code for an error that happened while reading input. */
int cli_input_exit(int rc);

/* Print "s2sim <cmd>: <msg>" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The default configuration: configs/t2a-48.yaml under the current
 * directory if present, else the installed copy. */
const char *cli_default_config(void);

/* Options shared by commands that take a configuration. */
struct cli_config_opts {
	const char *path;       /* NULL: cli_default_config() */
	const char **sets;      /* --set assignments, in order */
	int nsets;
};

/* Consume "--set K=V" / "--set=K=V" at argv[*i]; returns 1 if consumed,
 * 0 if not a --set, -1 on a usage error (message printed). */
int cli_take_set(const char *cmd, struct cli_config_opts *o, int argc,
		 char **argv, int *i);
/* Create, load, override and validate; on failure prints the message and
 * returns the exit code (the config is destroyed). */
int cli_load_config(const char *cmd, const struct cli_config_opts *o,
		    s2sim_config **out);

#endif
