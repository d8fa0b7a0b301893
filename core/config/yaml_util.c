/*
 * libfyaml helpers for the config loader (see yaml_util.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <s2sim/common.h>
#include "core/config/yaml_util.h"

/* Config files are small; refuse anything absurd before reading it. */
#define YAML_MAX_FILE (16u << 20)

/* Grow `*buf` (capacity `*cap`) to hold at least `need` bytes. */
static int grow(char **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 4096;
	char *p;

	while (n < need)
		n *= 2;
	if (n == *cap)
		return 0;
	p = realloc(*buf, n);
	if (!p)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

static int read_all(const char *path, char **out, struct s2sim_errbuf *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got = 1;
	int e = 0;

	if (!f) {
		e = errno;
		return s2sim_err(err, S2SIM_EIO, "%s: cannot open: %s", path,
				 strerror(e));
	}
	while (got && len <= YAML_MAX_FILE) {
		if (grow(&buf, &cap, len + 4096 + 1)) {
			fclose(f);
			free(buf);
			return s2sim_err(err, S2SIM_ENOMEM, "out of memory");
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
	}
	e = ferror(f) ? errno : 0;
	fclose(f);
	if (e || len > YAML_MAX_FILE) {
		free(buf);
		if (e)
			return s2sim_err(err, S2SIM_EIO, "%s: cannot read: %s",
					 path, strerror(e));
		return s2sim_err(err, S2SIM_ELIMIT, "%s: larger than %u MiB",
				 path, YAML_MAX_FILE >> 20);
	}
	buf[len] = '\0';
	*out = buf;
	return S2SIM_OK;
}

/* Whether `text` has anything but blank lines, comments and markers, i.e.
 * whether a NULL document from libfyaml can only mean an error. */
static int has_content(const char *text)
{
	for (const char *p = text; *p;) {
		p += strspn(p, " \t\r");
		if (*p != '#' && *p != '\n' && *p && strncmp(p, "---", 3) &&
		    strncmp(p, "...", 3))
			return 1;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return 0;
}

static struct fy_diag *quiet_diag(void)
{
	struct fy_diag_cfg dcfg;
	struct fy_diag *diag;

	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = NULL;
	diag = fy_diag_create(&dcfg);
	if (diag)
		fy_diag_set_collect_errors(diag, true);
	return diag;
}

/* Report the first error `diag` collected, if any. */
static int diag_error(struct fy_diag *diag, const char *label, int with_line,
		      struct s2sim_errbuf *err)
{
	void *it = NULL;
	struct fy_diag_error *e = fy_diag_errors_iterate(diag, &it);

	if (!e)
		return S2SIM_OK;
	if (with_line)
		return s2sim_err(err, S2SIM_EINPUT, "%s:%d: YAML syntax error: %s",
				 label, e->line > 0 ? e->line : 1,
				 e->msg ? e->msg : "?");
	return s2sim_err(err, S2SIM_EINPUT, "%s: YAML syntax error: %s", label,
			 e->msg ? e->msg : "?");
}

/* A configuration is one YAML document: refuse a second, non-empty one
 * rather than ignore its keys. */
static int no_second_document(struct s2sim_yaml_doc *yd, const char *label,
			      int with_line, struct s2sim_errbuf *err)
{
	struct fy_document *extra = fy_parse_load_document(yd->fyp);
	struct fy_node *root = extra ? fy_document_root(extra) : NULL;
	bool empty = s2sim_yaml_is_null(root);
	int line = s2sim_yaml_line(root, 1);

	if (extra)
		fy_parse_document_destroy(yd->fyp, extra);
	if (empty)
		return S2SIM_OK;
	if (with_line)
		return s2sim_err(err, S2SIM_EINPUT, "%s:%d: a configuration holds "
				 "one YAML document; a second one starts here",
				 label, line);
	return s2sim_err(err, S2SIM_EINPUT, "%s: more than one YAML document",
			 label);
}

/* Length of the UTF-8 sequence at `p` (1..4), or 0 if it is not valid
 * (a stray continuation byte, a truncated or overlong sequence, a
 * surrogate or a code point past U+10FFFF). */
static size_t utf8_len(const unsigned char *p)
{
	unsigned c = p[0], need, min;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 1, min = 0x80, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2, min = 0x800, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	for (unsigned i = 1; i <= need; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return need + 1;
}

/* YAML text must be UTF-8; libfyaml 0.7 loops forever on some invalid
 * sequences (in a directive line), so check before parsing. */
static int check_utf8(const char *text, const char *label, int with_line,
		      struct s2sim_errbuf *err)
{
	const unsigned char *p = (const unsigned char *)text;
	int line = 1;

	while (*p) {
		size_t n = utf8_len(p);

		if (n == 0 && with_line)
			return s2sim_err(err, S2SIM_EINPUT, "%s:%d: not valid UTF-8 "
					 "(byte 0x%02x)", label, line, *p);
		if (n == 0)
			return s2sim_err(err, S2SIM_EINPUT, "%s: not valid UTF-8 "
					 "(byte 0x%02x)", label, *p);
		line += *p == '\n';
		p += n;
	}
	return S2SIM_OK;
}

/* Parse yd->text into yd->doc (NULL for an empty stream). */
static int parse(struct s2sim_yaml_doc *yd, const char *label, int with_line,
		 struct s2sim_errbuf *err)
{
	struct fy_parse_cfg pcfg = { 0 };
	struct fy_diag *diag = quiet_diag();
	int rc = S2SIM_OK;

	/* Duplicate keys are allowed here so that the loader can report them
	 * with the full key path and both lines; for the same reason aliases
	 * are followed by the loader (s2sim_yaml_deref()) rather than by
	 * FYPCF_RESOLVE_DOCUMENT, which rejects duplicates without a path. */
	pcfg.flags = FYPCF_QUIET | FYPCF_ALLOW_DUPLICATE_KEYS;
	pcfg.diag = diag;
	rc = check_utf8(yd->text, label, with_line, err);
	if (rc != S2SIM_OK) {
		if (diag)
			fy_diag_destroy(diag);
		return rc;
	}
	yd->fyp = diag ? fy_parser_create(&pcfg) : NULL;
	if (!yd->fyp || fy_parser_set_string(yd->fyp, yd->text, strlen(yd->text)))
		rc = s2sim_err(err, S2SIM_ENOMEM, "out of memory");
	if (rc == S2SIM_OK)
		yd->doc = fy_parse_load_document(yd->fyp);
	if (rc == S2SIM_OK && yd->doc)
		rc = no_second_document(yd, label, with_line, err);
	if (rc == S2SIM_OK)
		rc = diag_error(diag, label, with_line, err);
	if (rc == S2SIM_OK && !yd->doc && has_content(yd->text))
		rc = s2sim_err(err, S2SIM_EINPUT, "%s%s: YAML syntax error", label,
			       with_line ? ":1" : "");
	if (diag)
		fy_diag_destroy(diag);
	return rc;
}

int s2sim_yaml_read_file(struct s2sim_yaml_doc *yd, const char *path,
			 struct s2sim_errbuf *err)
{
	int rc;

	memset(yd, 0, sizeof(*yd));
	rc = read_all(path, &yd->text, err);
	if (rc == S2SIM_OK)
		rc = parse(yd, path, 1, err);
	if (rc != S2SIM_OK)
		s2sim_yaml_doc_free(yd);
	return rc;
}

int s2sim_yaml_parse_string(struct s2sim_yaml_doc *yd, const char *text,
			    const char *label, struct s2sim_errbuf *err)
{
	int rc;

	memset(yd, 0, sizeof(*yd));
	yd->text = strdup(text);
	if (!yd->text)
		return s2sim_err(err, S2SIM_ENOMEM, "out of memory");
	rc = parse(yd, label, 0, err);
	if (rc != S2SIM_OK)
		s2sim_yaml_doc_free(yd);
	return rc;
}

void s2sim_yaml_doc_free(struct s2sim_yaml_doc *yd)
{
	if (yd->doc)
		fy_parse_document_destroy(yd->fyp, yd->doc);
	if (yd->fyp)
		fy_parser_destroy(yd->fyp);
	free(yd->text);
	yd->doc = NULL;
	yd->fyp = NULL;
	yd->text = NULL;
}

int s2sim_yaml_line(struct fy_node *node, int fallback)
{
	struct fy_token *t;
	const struct fy_mark *m;
	void *it = NULL;

	if (!node)
		return fallback;
	if (fy_node_is_scalar(node)) {
		t = fy_node_get_scalar_token(node);
		m = t ? fy_token_start_mark(t) : NULL;
		/* libfyaml marks count lines from 0. */
		return m ? m->line + 1 : fallback;
	}
	/* Collections have no start mark in this API: use the first child. */
	if (fy_node_is_mapping(node)) {
		struct fy_node_pair *p = fy_node_mapping_iterate(node, &it);

		return p ? s2sim_yaml_line(fy_node_pair_key(p), fallback) : fallback;
	}
	return s2sim_yaml_line(fy_node_sequence_iterate(node, &it), fallback);
}

struct fy_node *s2sim_yaml_deref(struct fy_node *node)
{
	struct fy_node *target;

	if (!node || !fy_node_is_alias(node))
		return node;
	target = fy_node_resolve_alias(node);
	return target ? target : node;
}

bool s2sim_yaml_is_null(struct fy_node *node)
{
	const char *s;

	if (!node)
		return true;
	if (!fy_node_is_scalar(node) || fy_node_get_style(node) != FYNS_PLAIN)
		return false;
	s = fy_node_get_scalar0(node);
	return !s || !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
	       !strcmp(s, "Null") || !strcmp(s, "NULL");
}

const char *s2sim_yaml_scalar_text(struct fy_node *node)
{
	const char *s;

	if (s2sim_yaml_is_null(node))
		return "";
	s = fy_node_get_scalar0(node);
	return s ? s : "";
}

const char *s2sim_yaml_kind(struct fy_node *node, char *buf, size_t n)
{
	const char *s;

	if (node && fy_node_is_mapping(node))
		return "a mapping";
	if (node && fy_node_is_sequence(node))
		return "a sequence";
	s = s2sim_yaml_scalar_text(node);
	if (!*s)
		return "an empty value";
	if (strlen(s) > 60)
		snprintf(buf, n, "'%.57s...'", s);
	else
		snprintf(buf, n, "'%s'", s);
	return buf;
}
