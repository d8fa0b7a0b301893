/*
 * The configuration schema: one row per key of struct s2sim_cfg (cfg.h)
 * giving its YAML path, type, field, range, default, unit and documentation.
 * The loader, `--set`, the YAML writer and the Markdown reference all read
 * this one table, so they cannot disagree.
 */
#ifndef S2SIM_CORE_CONFIG_SCHEMA_H
#define S2SIM_CORE_CONFIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum s2sim_cfg_type {
	S2SIM_CFG_U32,    /* unsigned integer, uint32_t field */
	S2SIM_CFG_U64,    /* unsigned integer, uint64_t field */
	S2SIM_CFG_DOUBLE, /* number, double field */
	S2SIM_CFG_BOOL,   /* true / false, bool field */
	S2SIM_CFG_SIZE,   /* bytes with optional binary unit (4KiB, 2MiB, 4GiB) */
	S2SIM_CFG_ENUM,   /* one of `names`, stored as an int-sized enum */
	S2SIM_CFG_STRING, /* text, char[size] field */
	S2SIM_CFG_POLICY, /* "LOCK[+FEATURE]..." (policy.h): the normalised
			   * text in the char[size] field, and the parsed
			   * hypervisor.lock_policy and .features */
};

struct s2sim_cfg_key {
	const char *path;          /* "platform.l2_tlb.entries" */
	enum s2sim_cfg_type type;
	size_t offset;             /* offsetof(struct s2sim_cfg, ...) */
	size_t size;               /* sizeof the field (string: buffer) */
	uint64_t min, max;         /* integers and sizes, inclusive */
	double dmin, dmax;         /* doubles, inclusive */
	const uint64_t *allowed;   /* integers/sizes: the only valid values */
	size_t nallowed;
	const char *const *names;  /* enums: name of each value, NULL-ended */
	const char *def;           /* default: scalar text as in a YAML file */
	const char *unit;          /* "cycles", "bytes", ... ("" if none) */
	const char *doc;           /* one line */
};

/* A top-level section and the paragraph the reference prints for it. */
struct s2sim_cfg_section {
	const char *name;
	const char *doc;
};

/* The rows, in the order of the YAML writer and the reference. */
const struct s2sim_cfg_key *s2sim_cfg_schema(size_t *count);
const struct s2sim_cfg_section *s2sim_cfg_sections(size_t *count);

/* The row of a key path, or NULL. */
const struct s2sim_cfg_key *s2sim_cfg_find(const char *path);
/* Index of a row in the table. */
size_t s2sim_cfg_index(const struct s2sim_cfg_key *key);
/* Whether `path` names a mapping of keys ("platform", "platform.l2_tlb"). */
bool s2sim_cfg_is_section(const char *path);
/* The same for the first `n` bytes of `path`. */
bool s2sim_cfg_is_section_n(const char *path, size_t n);
/* The closest existing key or section to a misspelt `path`, or NULL. */
const char *s2sim_cfg_suggest(const char *path, char *buf, size_t n);

#endif
