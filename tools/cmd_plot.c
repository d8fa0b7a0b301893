/*
 * s2sim plot: hands the command line to the Python plotter
 * (tools/plot/s2sim_plot.py, matplotlib), which does all the work; see
 * docs/plots.md.  This file only finds the script and an interpreter.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/cli.h"

/* Set by tools/CMakeLists.txt; the fallbacks keep the file compilable alone. */
#ifndef S2SIM_PLOT_SCRIPT
#define S2SIM_PLOT_SCRIPT ""
#endif
#ifndef S2SIM_PLOT_PYTHON
#define S2SIM_PLOT_PYTHON "python3"
#endif

/*
 * The plotter: $S2SIM_PLOT_SCRIPT, else the source tree's copy (a build
 * tree binary), else the installed one.
 */
static const char *plot_script(void)
{
	static const char installed[] =
		S2SIM_INSTALL_DATADIR "/s2sim/plot/s2sim_plot.py";
	const char *env = getenv("S2SIM_PLOT_SCRIPT");

	if (env && *env)
		return env;
	if (*S2SIM_PLOT_SCRIPT && access(S2SIM_PLOT_SCRIPT, R_OK) == 0)
		return S2SIM_PLOT_SCRIPT;
	if (access(installed, R_OK) == 0)
		return installed;
	return NULL;
}

/*
 * The interpreter: $S2SIM_PYTHON, else the one found at configure time
 * (Debian's /usr/bin/python3, where python3-matplotlib installs; a python3
 * earlier on PATH, such as pyenv's, may lack it), else python3 on PATH.
 */
static const char *plot_python(void)
{
	const char *env = getenv("S2SIM_PYTHON");

	if (env && *env)
		return env;
	if (strchr(S2SIM_PLOT_PYTHON, '/') && access(S2SIM_PLOT_PYTHON, X_OK) != 0)
		return "python3";
	return S2SIM_PLOT_PYTHON;
}

int s2sim_cmd_plot(int argc, char **argv)
{
	const char *script = plot_script();
	const char *python = plot_python();
	char **args;

	if (!script) {
		cli_error("plot", "cannot find s2sim_plot.py (looked in %s and %s)",
			  *S2SIM_PLOT_SCRIPT ? S2SIM_PLOT_SCRIPT : "(no source tree)",
			  S2SIM_INSTALL_DATADIR "/s2sim/plot");
		return EXIT_S2SIM_INTERNAL;
	}
	/* python script argv[1..argc-1] NULL; argv[0] is "plot". */
	args = calloc((size_t)argc + 2, sizeof(*args));
	if (!args) {
		cli_error("plot", "out of memory");
		return EXIT_S2SIM_INTERNAL;
	}
	args[0] = (char *)python;
	args[1] = (char *)script;
	for (int i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	fflush(NULL);
	execvp(python, args);
	cli_error("plot", "cannot run %s: %s (install python3-matplotlib, or set "
		  "S2SIM_PYTHON)", python, strerror(errno));
	free(args);
	return EXIT_S2SIM_INTERNAL;
}
