#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <s2sim/common.h>

#include "tools/cli.h"

int cli_input_exit(int rc)
{
	switch (rc) {
	case S2SIM_EINPUT:
	case S2SIM_ELIMIT:
	case S2SIM_EIO:
	case S2SIM_ENOTFOUND:
		return EXIT_S2SIM_INPUT;
	case S2SIM_ESIM:
		return EXIT_S2SIM_SIM;
	default:
		return EXIT_S2SIM_INTERNAL;
	}
}

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "s2sim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *cli_default_config(void)
{
	static const char local[] = "configs/t2a-48.yaml";

	if (access(local, R_OK) == 0)
		return local;
	return S2SIM_INSTALL_DATADIR "/s2sim/configs/t2a-48.yaml";
}

int cli_take_set(const char *cmd, struct cli_config_opts *o, int argc,
		 char **argv, int *i)
{
	const char *arg = argv[*i], *value;
	const char **n;

	if (!strncmp(arg, "--set=", 6)) {
		value = arg + 6;
	} else if (!strcmp(arg, "--set")) {
		if (*i + 1 >= argc) {
			cli_error(cmd, "--set needs KEY=VALUE");
			return -1;
		}
		value = argv[++*i];
	} else {
		return 0;
	}
	n = realloc(o->sets, (size_t)(o->nsets + 1) * sizeof(*n));
	if (!n) {
		cli_error(cmd, "out of memory");
		return -1;
	}
	o->sets = n;
	o->sets[o->nsets++] = value;
	return 1;
}

int cli_load_config(const char *cmd, const struct cli_config_opts *o,
		    s2sim_config **out)
{
	const char *path = o->path ? o->path : cli_default_config();
	s2sim_config *cfg = NULL;
	int rc = s2sim_config_create(&cfg);

	*out = NULL;
	if (rc == S2SIM_OK)
		rc = s2sim_config_load(cfg, path);
	for (int i = 0; i < o->nsets && rc == S2SIM_OK; i++)
		rc = s2sim_config_set(cfg, o->sets[i]);
	if (rc == S2SIM_OK)
		rc = s2sim_config_validate(cfg);
	if (rc != S2SIM_OK) {
		cli_error(cmd, "%s", cfg ? s2sim_config_errmsg(cfg) : "out of memory");
		s2sim_config_destroy(cfg);
		return cli_input_exit(rc);
	}
	*out = cfg;
	return EXIT_S2SIM_OK;
}
