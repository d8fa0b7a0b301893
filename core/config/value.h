/*
 * Typed values of configuration keys: parsing a YAML scalar's text by the
 * key's schema type (with range checks), storing it into struct s2sim_cfg,
 * and formatting it back as YAML.  The same rules serve files and `--set`.
 */
#ifndef S2SIM_CORE_CONFIG_VALUE_H
#define S2SIM_CORE_CONFIG_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "core/config/cfg.h"
#include "core/config/schema.h"

union s2sim_cfg_value {
	uint64_t u;    /* U32, U64, SIZE, BOOL (0/1), ENUM (index) */
	double d;      /* DOUBLE */
	const char *s; /* STRING: points into the parsed text */
	struct {
		enum s2sim_lock_policy lock;
		uint32_t features;
	} policy;      /* POLICY */
};

/* Parse `text` for key `k`.  0 on success; -1 with the reason in `why`
 * ("expected an unsigned integer, got 'abc'", "150 is out of range
 * [0, 100]"), which the caller prefixes with file, line and key. */
int s2sim_cfg_parse_value(const struct s2sim_cfg_key *k, const char *text,
			  union s2sim_cfg_value *v, char *why, size_t n);

/* What a value of `k` looks like: "an unsigned integer", "one of a, b". */
void s2sim_cfg_describe_type(const struct s2sim_cfg_key *k, char *buf,
			     size_t n);
/* Short type name for the reference: "u32", "size", "enum", ... */
const char *s2sim_cfg_type_name(const struct s2sim_cfg_key *k);
/* The valid range or values of `k` as text: "[0, 100]", "4KiB, 2MiB". */
void s2sim_cfg_describe_range(const struct s2sim_cfg_key *k, char *buf,
			      size_t n);

void s2sim_cfg_store(const struct s2sim_cfg_key *k, struct s2sim_cfg *cfg,
		     const union s2sim_cfg_value *v);
/* The value of `k` in `cfg` as YAML scalar text (strings double-quoted). */
void s2sim_cfg_format(const struct s2sim_cfg_key *k,
		      const struct s2sim_cfg *cfg, char *buf, size_t n);

/* Raw reads of a field. */
uint64_t s2sim_cfg_read_u64(const struct s2sim_cfg_key *k,
			    const struct s2sim_cfg *cfg);
double s2sim_cfg_read_double(const struct s2sim_cfg_key *k,
			     const struct s2sim_cfg *cfg);
/* Enum name or string contents. */
const char *s2sim_cfg_read_text(const struct s2sim_cfg_key *k,
				const struct s2sim_cfg *cfg);

/* A byte count in the largest binary unit that divides it: "2MiB". */
void s2sim_cfg_format_size(uint64_t bytes, char *buf, size_t n);

#endif
