/*
 * s2sim_config_load(): apply a YAML file (libfyaml document API) on top of
 * a configuration.  A top-level `include:` (a file or a list of files,
 * relative to the including file) is applied first, recursively; then the
 * file's own keys.  Every leaf must be a key of the schema.  Every error
 * names the file, the 1-based line and the key.
 */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "core/config/config_handle.h"
#include "core/config/value.h"
#include "core/config/yaml_util.h"

#define CONFIG_MAX_INCLUDE_DEPTH 16
#define CONFIG_MAX_PATH 4096

/* One file of the chain of includes being loaded (for cycle errors). */
struct include_frame {
	const char *real;    /* realpath(), to detect cycles */
	const char *display; /* path as the user wrote it, for messages */
	const struct include_frame *parent;
	int depth;
};

struct load_ctx {
	s2sim_config *cfg;
	const struct include_frame *frame;
};

static int load_file(s2sim_config *cfg, const char *path,
		     const struct include_frame *parent, const char *from);

static int walk_mapping(struct load_ctx *lc, struct fy_node *map,
			const char *prefix);

static int err_at(struct load_ctx *lc, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* S2SIM_EINPUT with "file:line: " before the message. */
static int err_at(struct load_ctx *lc, int line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return s2sim_err(&lc->cfg->err, S2SIM_EINPUT, "%s:%d: %s",
			 lc->frame->display, line, msg);
}

/* "a.yaml -> b.yaml -> a.yaml" for an include cycle ending in `again`. */
static void describe_cycle(const struct include_frame *f, const char *again,
			   char *buf, size_t n)
{
	const struct include_frame *chain[CONFIG_MAX_INCLUDE_DEPTH + 1];
	int len = 0;
	size_t o = 0;

	for (; f && len <= CONFIG_MAX_INCLUDE_DEPTH; f = f->parent)
		chain[len++] = f;
	buf[0] = '\0';
	while (len-- > 0 && o < n)
		o += (size_t)snprintf(buf + o, n - o, "%s -> ",
				      chain[len]->display);
	if (o < n)
		snprintf(buf + o, n - o, "%s", again);
}

static int check_include(s2sim_config *cfg, const char *real,
			 const char *path, const struct include_frame *parent,
			 const char *from)
{
	char chain[1024];

	if (parent && parent->depth >= CONFIG_MAX_INCLUDE_DEPTH)
		return s2sim_err(&cfg->err, S2SIM_EINPUT,
				 "%s: includes nested deeper than %d files",
				 from, CONFIG_MAX_INCLUDE_DEPTH);
	for (const struct include_frame *f = parent; f; f = f->parent) {
		if (strcmp(f->real, real))
			continue;
		describe_cycle(parent, path, chain, sizeof(chain));
		return s2sim_err(&cfg->err, S2SIM_EINPUT,
				 "%s: include cycle: %s", from, chain);
	}
	return S2SIM_OK;
}

/* `inc` relative to the directory of the including file `from_path`. */
static int include_path(const char *from_path, const char *inc, char *buf,
			size_t n)
{
	const char *slash = strrchr(from_path, '/');
	int len;

	if (inc[0] == '/' || !slash)
		len = snprintf(buf, n, "%s", inc);
	else
		len = snprintf(buf, n, "%.*s/%s", (int)(slash - from_path),
			       from_path, inc);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

static int apply_include(struct load_ctx *lc, struct fy_node *item,
			 int line)
{
	char path[CONFIG_MAX_PATH], from[CONFIG_MAX_PATH + 64], kind[80];

	if (!item || !fy_node_is_scalar(item) || s2sim_yaml_is_null(item))
		return err_at(lc, s2sim_yaml_line(item, line),
			      "key 'include': expected a file name or a list of "
			      "file names, got %s",
			      s2sim_yaml_kind(item, kind, sizeof(kind)));
	line = s2sim_yaml_line(item, line);
	if (include_path(lc->frame->display, s2sim_yaml_scalar_text(item),
			 path, sizeof(path)))
		return err_at(lc, line, "key 'include': file name too long");
	snprintf(from, sizeof(from), "%s:%d: key 'include'",
		 lc->frame->display, line);
	return load_file(lc->cfg, path, lc->frame, from);
}

/* Apply the top-level `include:` of a document, before its other keys. */
static int apply_includes(struct load_ctx *lc, struct fy_node *root)
{
	struct fy_node_pair *p;
	void *it = NULL;

	while ((p = fy_node_mapping_iterate(root, &it))) {
		struct fy_node *k = s2sim_yaml_deref(fy_node_pair_key(p));
		struct fy_node *v = s2sim_yaml_deref(fy_node_pair_value(p));
		int line = s2sim_yaml_line(k, 1), rc = S2SIM_OK;
		void *sit = NULL;
		struct fy_node *item;

		if (!fy_node_is_scalar(k) || strcmp(fy_node_get_scalar0(k), "include"))
			continue;
		if (s2sim_yaml_is_null(v))
			continue;
		if (!fy_node_is_sequence(v))
			rc = apply_include(lc, v, line);
		while (rc == S2SIM_OK && fy_node_is_sequence(v) &&
		       (item = fy_node_sequence_iterate(v, &sit)))
			rc = apply_include(lc, s2sim_yaml_deref(item), line);
		if (rc != S2SIM_OK)
			return rc;
	}
	return S2SIM_OK;
}

/* A key whose value is a scalar. */
static int apply_leaf(struct load_ctx *lc, const struct s2sim_cfg_key *k,
		      struct fy_node *v, int line)
{
	char origin[CONFIG_MAX_PATH + 32], desc[256], kind[80];

	if (v && fy_node_is_alias(v))
		return err_at(lc, line, "key '%s': alias '*%s' names no anchor",
			      k->path, s2sim_yaml_scalar_text(v));
	if (v && !fy_node_is_scalar(v)) {
		s2sim_cfg_describe_type(k, desc, sizeof(desc));
		return err_at(lc, line, "key '%s': expected %s, got %s", k->path,
			      desc, s2sim_yaml_kind(v, kind, sizeof(kind)));
	}
	snprintf(origin, sizeof(origin), "%s:%d", lc->frame->display, line);
	return s2sim_config_assign(lc->cfg, k, s2sim_yaml_scalar_text(v),
				   origin);
}

/* A key that names a section: its value must be a mapping (or empty). */
static int apply_section(struct load_ctx *lc, const char *path,
			 struct fy_node *v, int line)
{
	char kind[80];

	if (s2sim_yaml_is_null(v))
		return S2SIM_OK;
	if (fy_node_is_mapping(v))
		return walk_mapping(lc, v, path);
	return err_at(lc, line, "key '%s' is a section: expected a mapping of "
		      "its keys, got %s", path,
		      s2sim_yaml_kind(v, kind, sizeof(kind)));
}

static int unknown_key(struct load_ctx *lc, const char *path, int line)
{
	char buf[256];
	const char *hint = s2sim_cfg_suggest(path, buf, sizeof(buf));

	if (hint)
		return err_at(lc, line, "unknown key '%s' (did you mean '%s'?)",
			      path, hint);
	return err_at(lc, line, "unknown key '%s'", path);
}

/* The line of an earlier key `name` of mapping `map` than pair `upto`. */
static int earlier_key_line(struct fy_node *map, struct fy_node_pair *upto,
			    const char *name)
{
	struct fy_node_pair *p;
	void *it = NULL;

	while ((p = fy_node_mapping_iterate(map, &it)) && p != upto) {
		struct fy_node *k = s2sim_yaml_deref(fy_node_pair_key(p));

		if (fy_node_is_scalar(k) && !strcmp(fy_node_get_scalar0(k), name))
			return s2sim_yaml_line(k, 0);
	}
	return 0;
}

static int walk_pair(struct load_ctx *lc, struct fy_node *map,
		     struct fy_node_pair *p, const char *prefix)
{
	struct fy_node *kn = s2sim_yaml_deref(fy_node_pair_key(p));
	struct fy_node *v = s2sim_yaml_deref(fy_node_pair_value(p));
	int line = s2sim_yaml_line(kn, s2sim_yaml_line(v, 1)), first;
	const char *name = kn && fy_node_is_scalar(kn) ? fy_node_get_scalar0(kn) : NULL;
	char path[256];
	const struct s2sim_cfg_key *k;

	if (!name || !*name)
		return err_at(lc, line, "keys of '%s' must be plain names",
			      *prefix ? prefix : "the top level");
	snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", name);
	first = earlier_key_line(map, p, name);
	if (first)
		return err_at(lc, line, "key '%s': duplicate key (first at line %d)",
			      path, first);
	if (!*prefix && !strcmp(name, "include"))
		return S2SIM_OK; /* applied first, by apply_includes() */
	if (strchr(name, '.'))
		return err_at(lc, line, "unknown key '%s' (write nested mappings: "
			      "a dot is not a path separator in files)", path);
	k = s2sim_cfg_find(path);
	if (k)
		return apply_leaf(lc, k, v, line);
	if (s2sim_cfg_is_section(path))
		return apply_section(lc, path, v, line);
	return unknown_key(lc, path, line);
}

static int walk_mapping(struct load_ctx *lc, struct fy_node *map,
			const char *prefix)
{
	struct fy_node_pair *p;
	void *it = NULL;

	while ((p = fy_node_mapping_iterate(map, &it))) {
		int rc = walk_pair(lc, map, p, prefix);

		if (rc != S2SIM_OK)
			return rc;
	}
	return S2SIM_OK;
}

static int apply_document(s2sim_config *cfg, struct fy_document *doc,
			  const struct include_frame *frame)
{
	struct load_ctx lc = { .cfg = cfg, .frame = frame };
	struct fy_node *root = doc ? fy_document_root(doc) : NULL;
	char kind[80];
	int rc;

	if (s2sim_yaml_is_null(root))
		return S2SIM_OK;
	if (!fy_node_is_mapping(root))
		return err_at(&lc, s2sim_yaml_line(root, 1),
			      "the top level must be a mapping of sections "
			      "(platform, hypervisor, workload, sim), got %s",
			      s2sim_yaml_kind(root, kind, sizeof(kind)));
	rc = apply_includes(&lc, root);
	if (rc == S2SIM_OK)
		rc = walk_mapping(&lc, root, "");
	return rc;
}

static int load_file(s2sim_config *cfg, const char *path,
		     const struct include_frame *parent, const char *from)
{
	struct include_frame frame = { .display = path, .parent = parent,
				       .depth = parent ? parent->depth + 1 : 0 };
	struct s2sim_yaml_doc yd;
	char *real = realpath(path, NULL);
	int rc;

	if (!real) {
		int e = errno;

		return s2sim_err(&cfg->err, S2SIM_EIO, "%s%s%s: cannot open: %s",
				 from ? from : "", from ? ": " : "", path, strerror(e));
	}
	frame.real = real;
	rc = parent ? check_include(cfg, real, path, parent, from) : S2SIM_OK;
	if (rc == S2SIM_OK)
		rc = s2sim_yaml_read_file(&yd, path, &cfg->err);
	if (rc == S2SIM_OK) {
		rc = apply_document(cfg, yd.doc, &frame);
		s2sim_yaml_doc_free(&yd);
	}
	free(real);
	return rc;
}

int s2sim_config_load(s2sim_config *cfg, const char *path)
{
	struct s2sim_config_saved saved;
	int rc;

	if (!cfg || !path)
		return cfg ? s2sim_err(&cfg->err, S2SIM_EMISUSE,
				       "s2sim_config_load: no path")
			   : S2SIM_EMISUSE;
	s2sim_err_clear(&cfg->err);
	/* A failed load leaves the configuration as it was. */
	rc = s2sim_config_save(cfg, &saved);
	if (rc != S2SIM_OK)
		return rc;
	rc = load_file(cfg, path, NULL, NULL);
	if (rc != S2SIM_OK)
		s2sim_config_restore(cfg, &saved);
	else
		s2sim_config_saved_free(cfg, &saved);
	return rc;
}
