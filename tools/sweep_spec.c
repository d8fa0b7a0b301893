/*
 * Parse a sweep specification (libfyaml, through core/config's helpers)
 * and expand it into points.  Keys inside set:, grid: and each point may
 * be dotted paths (`workload.vcpus: 4`) or nested mappings
 * (`workload: {vcpus: 4}`); both flatten to the same key path.  The YAML
 * parser accepts duplicate keys so that we can report them with a path
 * and both lines, as the config loader does.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <s2sim/common.h>

#include "core/config/schema.h"
#include "core/config/yaml_util.h"
#include "tools/sweep_spec.h"

struct spec_ctx {
	struct sweep_spec *s;
	struct s2sim_errbuf *err;
	const char *section; /* "set", "grid", "points[3]": for messages */
	int point;           /* the point being parsed (points:) */
};

typedef int (*leaf_fn)(struct spec_ctx *c, const char *key,
		       struct fy_node *v, int line);

static int spec_err(struct spec_ctx *c, int rc, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "spec.yaml:LINE: " before the message. */
static int spec_err(struct spec_ctx *c, int rc, int line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return s2sim_err(c->err, rc, "%s:%d: %s", c->s->path, line, msg);
}

static char *dup_text(const char *t)
{
	return strdup(t ? t : "");
}

/* The key must be a configuration key (not a section, not unknown). */
static int check_key(struct spec_ctx *c, const char *key, int line)
{
	char buf[256];
	const char *hint;

	if (s2sim_cfg_find(key))
		return S2SIM_OK;
	if (s2sim_cfg_is_section(key))
		return spec_err(c, S2SIM_EINPUT, line, "%s: key '%s' is a section "
				"of the configuration: name one of its keys (see "
				"docs/config.md)", c->section, key);
	hint = s2sim_cfg_suggest(key, buf, sizeof(buf));
	if (hint)
		return spec_err(c, S2SIM_EINPUT, line, "%s: unknown configuration "
				"key '%s' (did you mean '%s'?)", c->section, key,
				hint);
	return spec_err(c, S2SIM_EINPUT, line, "%s: unknown configuration key "
			"'%s' (see s2sim config keys)", c->section, key);
}

/* A leaf that must hold one scalar value. */
static int check_scalar(struct spec_ctx *c, const char *key,
			struct fy_node *v, int line)
{
	char kind[80];

	if (v && fy_node_is_alias(v))
		return spec_err(c, S2SIM_EINPUT, line, "%s: key '%s': alias "
				"names no anchor", c->section, key);
	if (v && !fy_node_is_scalar(v))
		return spec_err(c, S2SIM_EINPUT, line, "%s: key '%s': expected "
				"one value, got %s", c->section, key,
				s2sim_yaml_kind(v, kind, sizeof(kind)));
	if (strlen(s2sim_yaml_scalar_text(v)) >= SWEEP_MAX_TEXT)
		return spec_err(c, S2SIM_ELIMIT, line, "%s: key '%s': value "
				"longer than %d bytes", c->section, key,
				SWEEP_MAX_TEXT - 1);
	return S2SIM_OK;
}

/* Call `fn` on every leaf of `map`, nested mappings flattened to dotted
 * key paths under `prefix`. */
static int walk(struct spec_ctx *c, struct fy_node *map, const char *prefix,
		leaf_fn fn)
{
	struct fy_node_pair *p;
	void *it = NULL;
	char path[SWEEP_MAX_TEXT], kind[80];
	int rc = S2SIM_OK;

	while (rc == S2SIM_OK && (p = fy_node_mapping_iterate(map, &it))) {
		struct fy_node *k = s2sim_yaml_deref(fy_node_pair_key(p));
		struct fy_node *v = s2sim_yaml_deref(fy_node_pair_value(p));
		int line = s2sim_yaml_line(k, s2sim_yaml_line(map, 1)), n;

		if (!k || !fy_node_is_scalar(k))
			return spec_err(c, S2SIM_EINPUT, line, "%s: expected a key "
					"name, got %s", c->section,
					s2sim_yaml_kind(k, kind, sizeof(kind)));
		n = snprintf(path, sizeof(path), "%s%s%s", prefix,
			     prefix[0] ? "." : "", fy_node_get_scalar0(k));
		if (n < 0 || (size_t)n >= sizeof(path))
			return spec_err(c, S2SIM_ELIMIT, line, "%s: key path "
					"too long", c->section);
		if (v && fy_node_is_mapping(v))
			rc = walk(c, v, path, fn);
		else
			rc = fn(c, path, v, line);
	}
	return rc;
}

static int need_mapping(struct spec_ctx *c, struct fy_node *v, int line,
			const char *what)
{
	char kind[80];

	if (v && fy_node_is_mapping(v))
		return S2SIM_OK;
	return spec_err(c, S2SIM_EINPUT, s2sim_yaml_line(v, line), "key '%s': "
			"expected %s, got %s", c->section, what,
			s2sim_yaml_kind(v, kind, sizeof(kind)));
}

/* ---- base: and set: ---- */

/* `base` relative to the directory of the spec (as `include:` is). */
static int parse_base(struct spec_ctx *c, struct fy_node *v, int line)
{
	const char *spec = c->s->path, *slash = strrchr(spec, '/');
	const char *text;
	char kind[80];
	size_t n;

	if (!v || !fy_node_is_scalar(v) || s2sim_yaml_is_null(v))
		return spec_err(c, S2SIM_EINPUT, line, "key 'base': expected the "
				"path of a configuration file, got %s",
				s2sim_yaml_kind(v, kind, sizeof(kind)));
	text = s2sim_yaml_scalar_text(v);
	n = strlen(spec) + strlen(text) + 2;
	c->s->base = malloc(n);
	if (!c->s->base)
		return s2sim_err(c->err, S2SIM_ENOMEM, "out of memory");
	if (text[0] == '/' || !slash)
		snprintf(c->s->base, n, "%s", text);
	else
		snprintf(c->s->base, n, "%.*s/%s", (int)(slash - spec), spec, text);
	c->s->base_line = s2sim_yaml_line(v, line);
	if (access(c->s->base, R_OK) != 0)
		return spec_err(c, S2SIM_EINPUT, c->s->base_line, "key 'base': "
				"cannot read '%s': %s", c->s->base, strerror(errno));
	return S2SIM_OK;
}

static int set_leaf(struct spec_ctx *c, const char *key, struct fy_node *v,
		    int line)
{
	struct sweep_spec *s = c->s;
	struct sweep_set *e;
	int rc = check_key(c, key, line);

	if (rc == S2SIM_OK)
		rc = check_scalar(c, key, v, line);
	for (int i = 0; rc == S2SIM_OK && i < s->nsets; i++)
		if (!strcmp(s->sets[i].key, key))
			return spec_err(c, S2SIM_EINPUT, line, "set: key '%s' given "
					"twice (first at line %d)", key,
					s->sets[i].key_line);
	if (rc != S2SIM_OK)
		return rc;
	if (s->nsets >= SWEEP_MAX_SETS)
		return spec_err(c, S2SIM_ELIMIT, line, "set: more than %d keys",
				SWEEP_MAX_SETS);
	e = &s->sets[s->nsets];
	e->key = dup_text(key);
	e->value.text = dup_text(s2sim_yaml_scalar_text(v));
	e->value.line = s2sim_yaml_line(v, line);
	e->key_line = line;
	s->nsets++;
	return e->key && e->value.text ? S2SIM_OK
		: s2sim_err(c->err, S2SIM_ENOMEM, "out of memory");
}

static int parse_set(struct spec_ctx *c, struct fy_node *v, int line)
{
	int rc;

	if (s2sim_yaml_is_null(v))
		return S2SIM_OK;
	c->section = "set";
	rc = need_mapping(c, v, line, "a mapping of configuration keys to values");
	if (rc == S2SIM_OK)
		c->s->sets = calloc(SWEEP_MAX_SETS, sizeof(*c->s->sets));
	if (rc == S2SIM_OK && !c->s->sets)
		rc = s2sim_err(c->err, S2SIM_ENOMEM, "out of memory");
	return rc == S2SIM_OK ? walk(c, v, "", set_leaf) : rc;
}

/* ---- swept keys and values ---- */

/* Index of `key` among the swept keys, adding it if new; -1 on error. */
static int find_or_add_key(struct spec_ctx *c, const char *key, int line)
{
	struct sweep_spec *s = c->s;

	for (int i = 0; i < s->nkeys; i++)
		if (!strcmp(s->keys[i].path, key))
			return i;
	if (s->nkeys >= SWEEP_MAX_KEYS) {
		spec_err(c, S2SIM_ELIMIT, line, "%s: key '%s': more than %d swept "
			 "keys", c->section, key, SWEEP_MAX_KEYS);
		return -1;
	}
	s->keys[s->nkeys].path = dup_text(key);
	if (!s->keys[s->nkeys].path) {
		s2sim_err(c->err, S2SIM_ENOMEM, "out of memory");
		return -1;
	}
	s->keys[s->nkeys].line = line;
	return s->nkeys++;
}

/* Append a value; its index, or -1 on error. */
static int add_value(struct spec_ctx *c, struct fy_node *v, int line)
{
	struct sweep_spec *s = c->s;

	if (s->nvalues == s->cap_values) {
		int cap = s->cap_values ? 2 * s->cap_values : 64;
		struct sweep_value *n = realloc(s->values, (size_t)cap * sizeof(*n));

		if (!n) {
			s2sim_err(c->err, S2SIM_ENOMEM, "out of memory");
			return -1;
		}
		s->values = n;
		s->cap_values = cap;
	}
	s->values[s->nvalues].text = dup_text(s2sim_yaml_scalar_text(v));
	s->values[s->nvalues].line = s2sim_yaml_line(v, line);
	if (!s->values[s->nvalues].text) {
		s2sim_err(c->err, S2SIM_ENOMEM, "out of memory");
		return -1;
	}
	return s->nvalues++;
}

const struct sweep_value *sweep_cell(const struct sweep_spec *s, int p, int k)
{
	int i = s->cells[p * SWEEP_MAX_KEYS + k];

	return i < 0 ? NULL : &s->values[i];
}

/* ---- grid: ---- */

static int grid_value(struct spec_ctx *c, const char *key, int k,
		      struct fy_node *item, int line)
{
	struct sweep_spec *s = c->s;
	int rc = check_scalar(c, key, item, s2sim_yaml_line(item, line));
	const char *text;

	if (rc != S2SIM_OK)
		return rc;
	text = s2sim_yaml_scalar_text(item);
	for (int i = s->keys[k].first; i < s->nvalues; i++)
		if (!strcmp(s->values[i].text, text))
			return spec_err(c, S2SIM_EINPUT, s2sim_yaml_line(item, line),
					"grid: key '%s': value '%s' listed twice "
					"(first at line %d)", key, text,
					s->values[i].line);
	return add_value(c, item, line) < 0 ? c->err->rc : S2SIM_OK;
}

static int grid_leaf(struct spec_ctx *c, const char *key, struct fy_node *v,
		     int line)
{
	struct sweep_spec *s = c->s;
	struct fy_node *item;
	void *it = NULL;
	char kind[80];
	int rc = check_key(c, key, line), k;

	if (rc != S2SIM_OK)
		return rc;
	if (!v || !fy_node_is_sequence(v) || fy_node_sequence_item_count(v) < 1)
		return spec_err(c, S2SIM_EINPUT, line, "grid: key '%s': expected "
				"a non-empty list of values, got %s", key,
				s2sim_yaml_kind(v, kind, sizeof(kind)));
	for (k = 0; k < s->nkeys; k++)
		if (!strcmp(s->keys[k].path, key))
			return spec_err(c, S2SIM_EINPUT, line, "grid: key '%s' "
					"given twice (first at line %d)", key,
					s->keys[k].line);
	k = find_or_add_key(c, key, line);
	if (k < 0)
		return c->err->rc;
	s->keys[k].first = s->nvalues;
	while (rc == S2SIM_OK && (item = fy_node_sequence_iterate(v, &it)))
		rc = grid_value(c, key, k, s2sim_yaml_deref(item), line);
	s->keys[k].count = s->nvalues - s->keys[k].first;
	return rc;
}

/* The cartesian product in spec order, the last key varying fastest (as
 * nested loops written in the order of the keys): point p's value of key
 * k is digit k of p in the mixed radix of the keys' value counts. */
static int expand_grid(struct spec_ctx *c, int line)
{
	struct sweep_spec *s = c->s;
	long n = 1;

	for (int k = 0; k < s->nkeys; k++) {
		n *= s->keys[k].count;
		if (n > SWEEP_MAX_POINTS)
			return spec_err(c, S2SIM_ELIMIT, line, "grid: more than %d "
					"points (the product of the list lengths, "
					"up to key '%s')", SWEEP_MAX_POINTS,
					s->keys[k].path);
	}
	s->npoints = (int)n;
	s->cells = malloc((size_t)n * SWEEP_MAX_KEYS * sizeof(*s->cells));
	if (!s->cells)
		return s2sim_err(c->err, S2SIM_ENOMEM, "out of memory");
	for (int p = 0; p < s->npoints; p++) {
		int rem = p;

		for (int k = s->nkeys - 1; k >= 0; k--) {
			s->cells[p * SWEEP_MAX_KEYS + k] =
				s->keys[k].first + rem % s->keys[k].count;
			rem /= s->keys[k].count;
		}
	}
	return S2SIM_OK;
}

static int parse_grid(struct spec_ctx *c, struct fy_node *v, int line)
{
	int rc;

	c->section = "grid";
	rc = need_mapping(c, v, line, "a mapping of configuration keys to lists "
			  "of values");
	if (rc == S2SIM_OK && fy_node_mapping_item_count(v) < 1)
		rc = spec_err(c, S2SIM_EINPUT, line, "grid: no keys to sweep");
	if (rc == S2SIM_OK)
		rc = walk(c, v, "", grid_leaf);
	return rc == S2SIM_OK ? expand_grid(c, line) : rc;
}

/* ---- points: ---- */

static int point_leaf(struct spec_ctx *c, const char *key, struct fy_node *v,
		      int line)
{
	struct sweep_spec *s = c->s;
	int rc = check_key(c, key, line), k, *cell;

	if (rc == S2SIM_OK)
		rc = check_scalar(c, key, v, line);
	if (rc != S2SIM_OK)
		return rc;
	k = find_or_add_key(c, key, line);
	if (k < 0)
		return c->err->rc;
	cell = &s->cells[c->point * SWEEP_MAX_KEYS + k];
	if (*cell >= 0)
		return spec_err(c, S2SIM_EINPUT, line, "%s: key '%s' given twice "
				"(first at line %d)", c->section, key,
				s->values[*cell].line);
	*cell = add_value(c, v, line);
	return *cell < 0 ? c->err->rc : S2SIM_OK;
}

static int parse_point(struct spec_ctx *c, struct fy_node *item, int line)
{
	char section[32];

	snprintf(section, sizeof(section), "points[%d]", c->point);
	c->section = section;
	line = s2sim_yaml_line(item, line);
	if (s2sim_yaml_is_null(item))
		return S2SIM_OK; /* "- " alone: the base configuration */
	if (need_mapping(c, item, line, "a mapping of configuration keys to "
			 "values") != S2SIM_OK)
		return c->err->rc;
	return walk(c, item, "", point_leaf);
}

static int parse_points(struct spec_ctx *c, struct fy_node *v, int line)
{
	struct sweep_spec *s = c->s;
	struct fy_node *item;
	void *it = NULL;
	char kind[80];
	int n = v && fy_node_is_sequence(v) ? fy_node_sequence_item_count(v) : 0;
	int rc = S2SIM_OK;

	if (n < 1)
		return spec_err(c, S2SIM_EINPUT, s2sim_yaml_line(v, line), "key "
				"'points': expected a non-empty list of mappings, "
				"got %s", s2sim_yaml_kind(v, kind, sizeof(kind)));
	if (n > SWEEP_MAX_POINTS)
		return spec_err(c, S2SIM_ELIMIT, line, "points: %d points, more "
				"than %d", n, SWEEP_MAX_POINTS);
	s->cells = malloc((size_t)n * SWEEP_MAX_KEYS * sizeof(*s->cells));
	if (!s->cells)
		return s2sim_err(c->err, S2SIM_ENOMEM, "out of memory");
	for (int i = 0; i < n * SWEEP_MAX_KEYS; i++)
		s->cells[i] = -1;
	s->npoints = n;
	for (c->point = 0; rc == S2SIM_OK &&
	     (item = fy_node_sequence_iterate(v, &it)); c->point++)
		rc = parse_point(c, s2sim_yaml_deref(item), line);
	c->section = "points"; /* parse_point()'s name is out of scope */
	return rc;
}

/* ---- the document ---- */

static int parse_top(struct spec_ctx *c, const char *name, struct fy_node *v,
		     int line)
{
	if (!strcmp(name, "base"))
		return parse_base(c, v, line);
	if (!strcmp(name, "set"))
		return parse_set(c, v, line);
	if (!strcmp(name, "grid") || !strcmp(name, "points")) {
		if (c->s->list_line)
			return spec_err(c, S2SIM_EINPUT, line, "key '%s': a spec has "
					"either grid: or points:, not both (the "
					"other is at line %d)", name,
					c->s->list_line);
		c->s->list_line = line;
		c->s->is_grid = name[0] == 'g';
		return c->s->is_grid ? parse_grid(c, v, line)
				     : parse_points(c, v, line);
	}
	return spec_err(c, S2SIM_EINPUT, line, "unknown key '%s' (a sweep spec "
			"has base:, set:, and grid: or points:)", name);
}

/* A grid key is swept, so a fixed value for it under set: is a mistake.
 * (A point may override set:, which then acts as the points' default.) */
static int check_overlap(struct spec_ctx *c)
{
	struct sweep_spec *s = c->s;

	for (int i = 0; s->is_grid && i < s->nsets; i++)
		for (int k = 0; k < s->nkeys; k++)
			if (!strcmp(s->sets[i].key, s->keys[k].path))
				return spec_err(c, S2SIM_EINPUT, s->sets[i].key_line,
						"set: key '%s' is also swept by "
						"grid: (line %d)", s->keys[k].path,
						s->keys[k].line);
	return S2SIM_OK;
}

static int parse_root(struct spec_ctx *c, struct fy_node *root)
{
	struct fy_node_pair *p;
	void *it = NULL;
	char kind[80];
	int rc = S2SIM_OK, seen[4] = { 0 };
	static const char *const names[4] = { "base", "set", "grid", "points" };

	if (!root || !fy_node_is_mapping(root))
		return spec_err(c, S2SIM_EINPUT, s2sim_yaml_line(root, 1), "expected "
				"a mapping with base:, set:, and grid: or points:, "
				"got %s", s2sim_yaml_kind(root, kind, sizeof(kind)));
	while (rc == S2SIM_OK && (p = fy_node_mapping_iterate(root, &it))) {
		struct fy_node *k = s2sim_yaml_deref(fy_node_pair_key(p));
		const char *name = k && fy_node_is_scalar(k) ? fy_node_get_scalar0(k) : "";
		int line = s2sim_yaml_line(k, 1);

		for (int i = 0; i < 4; i++) {
			if (strcmp(name, names[i]))
				continue;
			if (seen[i])
				return spec_err(c, S2SIM_EINPUT, line, "key '%s' given "
						"twice (first at line %d)", name, seen[i]);
			seen[i] = line;
		}
		rc = parse_top(c, name, s2sim_yaml_deref(fy_node_pair_value(p)), line);
	}
	if (rc == S2SIM_OK && !c->s->base)
		rc = spec_err(c, S2SIM_EINPUT, 1, "missing key 'base' (the "
			      "configuration file every point starts from)");
	if (rc == S2SIM_OK && !c->s->list_line)
		rc = spec_err(c, S2SIM_EINPUT, 1, "missing key 'grid' or 'points' "
			      "(what to sweep)");
	return rc == S2SIM_OK ? check_overlap(c) : rc;
}

int sweep_spec_load(struct sweep_spec *s, const char *path,
		    struct s2sim_errbuf *err)
{
	struct spec_ctx c = { .s = s, .err = err, .section = "" };
	struct s2sim_yaml_doc yd;
	int rc;

	memset(s, 0, sizeof(*s));
	s->path = strdup(path);
	if (!s->path)
		return s2sim_err(err, S2SIM_ENOMEM, "out of memory");
	rc = s2sim_yaml_read_file(&yd, path, err);
	if (rc != S2SIM_OK)
		return rc;
	rc = parse_root(&c, yd.doc ? s2sim_yaml_deref(fy_document_root(yd.doc))
				   : NULL);
	s2sim_yaml_doc_free(&yd);
	return rc;
}

void sweep_spec_free(struct sweep_spec *s)
{
	for (int i = 0; i < s->nsets; i++) {
		free(s->sets[i].key);
		free(s->sets[i].value.text);
	}
	for (int k = 0; k < s->nkeys; k++)
		free(s->keys[k].path);
	for (int i = 0; i < s->nvalues; i++)
		free(s->values[i].text);
	free(s->sets);
	free(s->values);
	free(s->cells);
	free(s->base);
	free(s->path);
	memset(s, 0, sizeof(*s));
}
