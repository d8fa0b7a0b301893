/*
 * s2sim — command-line entry point: dispatches to the subcommands.
 */
#include <stdio.h>
#include <string.h>

#include <s2sim/common.h>

#include "tools/cli.h"

static const char usage[] =
	"usage: s2sim <command> [options]\n"
	"\n"
	"A cycle-approximate simulator of the Arm stage-2 MMU and the\n"
	"inner-shareable interconnect, driven by KVM dirty-logging workloads.\n"
	"\n"
	"commands:\n"
	"  run      run one simulation of a configuration\n"
	"  trace    inspect, convert and generate workload traces\n"
	"  config   show the resolved configuration or the key reference\n"
	"  plot     render PNG/SVG figures of run directories\n"
	"  sweep    run a grid or list of configurations (locally, Slurm, parallel)\n"
	"\n"
	"`s2sim <command> --help` describes each command.\n"
	"exit codes: 0 ok, 1 internal or output error, 2 usage, 3 bad input,\n"
	"4 simulation error.\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_S2SIM_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return EXIT_S2SIM_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("s2sim %s\n", s2sim_version());
		return EXIT_S2SIM_OK;
	}
	if (!strcmp(argv[1], "run"))
		return s2sim_cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "trace"))
		return s2sim_cmd_trace(argc - 1, argv + 1);
	if (!strcmp(argv[1], "config"))
		return s2sim_cmd_config(argc - 1, argv + 1);
	if (!strcmp(argv[1], "plot"))
		return s2sim_cmd_plot(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sweep"))
		return s2sim_cmd_sweep(argc - 1, argv + 1);
	fprintf(stderr, "s2sim: unknown command '%s'\n\n%s", argv[1], usage);
	return EXIT_S2SIM_USAGE;
}
