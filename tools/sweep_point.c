/*
 * A sweep point: directory name, configuration and its digest.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include <s2sim/common.h>

#include "core/config/config_handle.h"
#include "core/config/value.h"
#include "tools/sweep_point.h"

/* The last component of a key path. */
static const char *last_part(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? dot + 1 : path;
}

/* Key k's label in names: its last component unless another swept key
 * ends the same way. */
static const char *key_label(const struct sweep_spec *s, int k)
{
	const char *mine = last_part(s->keys[k].path);

	for (int j = 0; j < s->nkeys; j++)
		if (j != k && !strcmp(mine, last_part(s->keys[j].path)))
			return s->keys[k].path;
	return mine;
}

/* Append `text` to buf[*o .. lim), characters outside [A-Za-z0-9._-]
 * (or, with `value`, outside [A-Za-z0-9.-]) mapped to '-', runs of '-'
 * collapsed. */
static void append_clean(char *buf, size_t *o, size_t lim, const char *text,
			 int value)
{
	for (const char *p = text; *p && *o < lim; p++) {
		char ch = *p;
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
			 (!value && ch == '_');

		if (!ok)
			ch = '-';
		if (ch == '-' && *o > 0 && buf[*o - 1] == '-')
			continue;
		buf[(*o)++] = ch;
	}
}

void sweep_point_name(const struct sweep_spec *s, int p, char *buf, size_t n)
{
	size_t o, lim;
	int first = 1;

	snprintf(buf, n, "%04d-", p);
	o = strlen(buf);
	lim = o + SWEEP_SLUG_MAX < n ? o + SWEEP_SLUG_MAX : n - 1;
	for (int k = 0; k < s->nkeys; k++) {
		const struct sweep_value *v = sweep_cell(s, p, k);

		if (!v)
			continue;
		if (!first && o < lim)
			buf[o++] = '_';
		append_clean(buf, &o, lim, key_label(s, k), 0);
		if (o < lim)
			buf[o++] = '=';
		append_clean(buf, &o, lim, v->text[0] ? v->text : "empty", 1);
		first = 0;
	}
	if (first && o < lim)
		append_clean(buf, &o, lim, "base", 1);
	while (o > 0 && (buf[o - 1] == '-' || buf[o - 1] == '_' || buf[o - 1] == '='))
		o--;
	buf[o] = '\0';
}

/* Assign one spec value to `key`, recording "spec:line" as its origin so
 * that type and cross-key errors point into the spec. */
static int assign(s2sim_config *cfg, const struct sweep_spec *s,
		  const char *key, const struct sweep_value *v)
{
	char origin[4200];
	const struct s2sim_cfg_key *k = s2sim_cfg_find(key);

	if (!k) /* sweep_spec_load() checked every key */
		return s2sim_err(&cfg->err, S2SIM_EINPUT, "%s:%d: unknown key '%s'",
				 s->path, v->line, key);
	snprintf(origin, sizeof(origin), "%s:%d", s->path, v->line);
	return s2sim_config_assign(cfg, k, v->text, origin);
}

static int apply_point(s2sim_config *cfg, const struct sweep_spec *s, int p)
{
	int rc = s2sim_config_load(cfg, s->base);

	for (int i = 0; rc == S2SIM_OK && i < s->nsets; i++)
		rc = assign(cfg, s, s->sets[i].key, &s->sets[i].value);
	for (int k = 0; rc == S2SIM_OK && k < s->nkeys; k++) {
		const struct sweep_value *v = sweep_cell(s, p, k);

		if (v)
			rc = assign(cfg, s, s->keys[k].path, v);
	}
	if (rc == S2SIM_OK)
		rc = s2sim_config_validate(cfg);
	return rc;
}

int sweep_point_config(const struct sweep_spec *s, int p, s2sim_config **out,
		       struct s2sim_errbuf *err)
{
	s2sim_config *cfg = NULL;
	char name[SWEEP_NAME_MAX];
	int rc = s2sim_config_create(&cfg);

	*out = NULL;
	if (rc != S2SIM_OK)
		return s2sim_err(err, rc, "out of memory");
	rc = apply_point(cfg, s, p);
	if (rc != S2SIM_OK) {
		sweep_point_name(s, p, name, sizeof(name));
		s2sim_err(err, rc, "point %s: %s", name, s2sim_config_errmsg(cfg));
		s2sim_config_destroy(cfg);
		return rc;
	}
	*out = cfg;
	return S2SIM_OK;
}

uint64_t sweep_config_digest(const s2sim_config *cfg)
{
	size_t count = 0;
	const struct s2sim_cfg_key *keys = s2sim_cfg_schema(&count);
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a offset basis */
	char buf[1200];

	for (size_t i = 0; i < count; i++) {
		snprintf(buf, sizeof(buf), "%s=", keys[i].path);
		s2sim_cfg_format(&keys[i], &cfg->values, buf + strlen(buf),
				 sizeof(buf) - strlen(buf));
		for (const char *q = buf; *q; q++)
			h = (h ^ (unsigned char)*q) * 0x100000001b3ull;
		h = (h ^ '\n') * 0x100000001b3ull;
	}
	return h;
}

void sweep_config_value(const s2sim_config *cfg, const char *key, char *buf,
			size_t n)
{
	const struct s2sim_cfg_key *k = s2sim_cfg_find(key);

	buf[0] = '\0';
	if (!k || !cfg)
		return;
	if (k->type == S2SIM_CFG_STRING)
		snprintf(buf, n, "%s", s2sim_cfg_read_text(k, &cfg->values));
	else
		s2sim_cfg_format(k, &cfg->values, buf, n);
}
