/*
 * libFuzzer harness of the configuration loader (core/config): the input
 * is a YAML file, optionally followed by a NUL byte and `--set`
 * assignments separated by NUL bytes ("workload.vcpus=4\0sim.seed=2").
 * The file is loaded, the assignments applied, the result validated; a
 * configuration that validates is printed as YAML, and that text must load
 * and validate again to the same resolved values (what `s2sim run` relies
 * on when it writes config.yaml).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <s2sim/config.h>

#include "fuzz/fuzz_util.h"

#define MAX_SETS 16

/* The resolved configuration as YAML text (malloc'd). */
static char *print_config(const s2sim_config *cfg, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f || s2sim_config_print_yaml(cfg, f) != S2SIM_OK)
		abort();
	fclose(f);
	return text;
}

/* Values only: drop the "# set at FILE:LINE" comments of the printout. */
static void strip_comments(char *text)
{
	char *out = text;

	for (char *p = text; *p;) {
		char *hash = strstr(p, "  # ");
		char *eol = strchr(p, '\n');

		if (!eol)
			eol = p + strlen(p);
		if (hash && hash < eol)
			eol = hash;
		memmove(out, p, (size_t)(eol - p));
		out += eol - p;
		p = eol;
		while (*p && *p != '\n')
			p++;
		if (*p)
			*out++ = *p++;
	}
	*out = '\0';
}

/* A configuration that validated, printed and loaded again, must
 * validate again and print the same values. */
static void check_reload(const s2sim_config *cfg)
{
	s2sim_config *again = NULL;
	char path[512], *a, *b;
	size_t alen, blen;

	a = print_config(cfg, &alen);
	fuzz_path(path, sizeof(path), "printed.yaml");
	fuzz_write_file(path, a, alen);
	if (s2sim_config_create(&again) != S2SIM_OK ||
	    s2sim_config_load(again, path) != S2SIM_OK ||
	    s2sim_config_validate(again) != S2SIM_OK) {
		fprintf(stderr, "printed configuration rejected: %s\n%s\n",
			s2sim_config_errmsg(again), a);
		abort();
	}
	b = print_config(again, &blen);
	strip_comments(a);
	strip_comments(b);
	if (strcmp(a, b)) {
		fprintf(stderr, "reloaded configuration differs:\n%s\n---\n%s\n", a, b);
		abort();
	}
	free(a);
	free(b);
	s2sim_config_destroy(again);
}

/* Apply the NUL-separated assignments after the YAML text. */
static int apply_sets(s2sim_config *cfg, const char *p, const char *end)
{
	int rc = S2SIM_OK;

	for (int i = 0; p < end && i < MAX_SETS && rc == S2SIM_OK; i++) {
		rc = s2sim_config_set(cfg, p);
		p += strlen(p) + 1;
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), path[512];
	const char *nul;
	s2sim_config *cfg = NULL;
	size_t ylen;
	int rc;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	nul = memchr(copy, '\0', size);
	ylen = nul ? (size_t)(nul - copy) : size;
	fuzz_path(path, sizeof(path), "config.yaml");
	fuzz_write_file(path, copy, ylen);
	if (s2sim_config_create(&cfg) != S2SIM_OK)
		abort();
	rc = s2sim_config_load(cfg, path);
	if (rc == S2SIM_OK && nul)
		rc = apply_sets(cfg, nul + 1, copy + size);
	if (rc == S2SIM_OK)
		rc = s2sim_config_validate(cfg);
	if (rc == S2SIM_OK)
		check_reload(cfg);
	else if (strlen(s2sim_config_errmsg(cfg)) == 0)
		abort();
	s2sim_config_destroy(cfg);
	free(copy);
	return 0;
}
