/*
 * Small helpers over libfyaml's document API for the config loader: parse a
 * file or a string into a document with line-numbered syntax errors, and
 * read nodes (1-based line, null test, scalar text, kind for messages).
 */
#ifndef S2SIM_CORE_CONFIG_YAML_UTIL_H
#define S2SIM_CORE_CONFIG_YAML_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <libfyaml.h>

#include "core/util/errbuf.h"

struct s2sim_yaml_doc {
	char *text;               /* the source, alive as long as `doc` */
	struct fy_parser *fyp;    /* owns `doc` */
	struct fy_document *doc;  /* NULL for an empty stream */
};

/* Read and parse `path`.  S2SIM_EIO if unreadable; S2SIM_EINPUT
 * "path:line: YAML syntax error: ..." if malformed. */
int s2sim_yaml_read_file(struct s2sim_yaml_doc *yd, const char *path,
			 struct s2sim_errbuf *err);
/* Parse `text`; errors are prefixed with `label` (no line). */
int s2sim_yaml_parse_string(struct s2sim_yaml_doc *yd, const char *text,
			    const char *label, struct s2sim_errbuf *err);
void s2sim_yaml_doc_free(struct s2sim_yaml_doc *yd);

/* The node an alias (*name) refers to; other nodes unchanged. */
struct fy_node *s2sim_yaml_deref(struct fy_node *node);
/* 1-based line where `node` starts, or `fallback` if unknown. */
int s2sim_yaml_line(struct fy_node *node, int fallback);
/* A missing node, or a plain scalar "", "~" or "null" (YAML 1.2 core). */
bool s2sim_yaml_is_null(struct fy_node *node);
/* Scalar contents; "" for a null node. */
const char *s2sim_yaml_scalar_text(struct fy_node *node);
/* For messages: "a mapping", "a sequence" or the quoted scalar. */
const char *s2sim_yaml_kind(struct fy_node *node, char *buf, size_t n);

#endif
