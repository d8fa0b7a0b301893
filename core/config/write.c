/*
 * The fully resolved configuration as YAML: every key, nested by section,
 * with a comment naming where each non-default value was set.  Loading the
 * output gives back the identical configuration.
 */
#include <stdio.h>
#include <string.h>

#include "core/config/config_handle.h"
#include "core/config/value.h"
#include "core/util/atomic_file.h"

#define WRITE_MAX_DEPTH 8

/* Components of a key path: "a.b.c" -> {"a", "b", "c"} with lengths. */
struct path_parts {
	const char *s[WRITE_MAX_DEPTH];
	int len[WRITE_MAX_DEPTH];
	int n;
};

static void split_path(const char *path, struct path_parts *pp)
{
	pp->n = 0;
	while (pp->n < WRITE_MAX_DEPTH) {
		const char *dot = strchr(path, '.');

		pp->s[pp->n] = path;
		pp->len[pp->n] = dot ? (int)(dot - path) : (int)strlen(path);
		pp->n++;
		if (!dot)
			break;
		path = dot + 1;
	}
}

/* How many leading sections two keys share. */
static int common_sections(const struct path_parts *a,
			   const struct path_parts *b)
{
	int i = 0;

	while (i < a->n - 1 && i < b->n - 1 && a->len[i] == b->len[i] &&
	       !strncmp(a->s[i], b->s[i], (size_t)a->len[i]))
		i++;
	return i;
}

/* An origin in a comment: no line breaks or control characters. */
static void print_origin(FILE *out, const char *origin)
{
	fputs("  # ", out);
	for (const char *p = origin; *p; p++)
		fputc((unsigned char)*p < 0x20 ? '?' : *p, out);
}

static void print_key(FILE *out, const s2sim_config *cfg,
		      const struct s2sim_cfg_key *k, const struct path_parts *pp,
		      int shared)
{
	char value[8192];

	for (int d = shared; d < pp->n - 1; d++)
		fprintf(out, "%*s%.*s:\n", 2 * d, "", pp->len[d], pp->s[d]);
	s2sim_cfg_format(k, &cfg->values, value, sizeof(value));
	fprintf(out, "%*s%.*s: %s", 2 * (pp->n - 1), "", pp->len[pp->n - 1],
		pp->s[pp->n - 1], value);
	if (!s2sim_config_is_default(cfg, k))
		print_origin(out, s2sim_config_origin_of(cfg, k));
	fputc('\n', out);
}

int s2sim_config_print_yaml(const s2sim_config *cfg, FILE *out)
{
	size_t n;
	const struct s2sim_cfg_key *k = s2sim_cfg_schema(&n);
	struct path_parts prev = { .n = 0 }, cur;

	if (!cfg || !out)
		return S2SIM_EMISUSE;
	fprintf(out, "# s2sim %s: fully resolved configuration (every key; "
		"comments name where a value was set).\n", s2sim_version());
	for (size_t i = 0; i < n; i++) {
		split_path(k[i].path, &cur);
		print_key(out, cfg, &k[i], &cur, common_sections(&prev, &cur));
		prev = cur;
	}
	if (ferror(out))
		return s2sim_err(s2sim_config_errbuf(cfg), S2SIM_EIO,
				 "cannot write the configuration");
	return S2SIM_OK;
}

int s2sim_config_write_yaml(const s2sim_config *cfg, const char *path)
{
	struct s2sim_atomic_file af;
	struct s2sim_errbuf *err;
	int rc;

	if (!cfg || !path)
		return S2SIM_EMISUSE;
	err = s2sim_config_errbuf(cfg);
	rc = s2sim_atomic_open(&af, path, err);
	if (rc != S2SIM_OK)
		return rc;
	rc = s2sim_config_print_yaml(cfg, af.fp);
	if (rc != S2SIM_OK) {
		s2sim_atomic_abort(&af);
		return rc;
	}
	return s2sim_atomic_commit(&af, err);
}
