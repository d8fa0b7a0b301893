/*
 * s2sim — configuration: YAML files, `--set key.path=value` overrides, and
 * validation.  Every key is documented in docs/config.md, which is generated
 * from the same schema table the loader uses (`s2sim config keys`).
 *
 * A configuration starts from built-in defaults; s2sim_config_load() applies a
 * YAML file on top (a file may first `include:` others, relative to itself),
 * s2sim_config_set() applies one override, and s2sim_config_validate() checks
 * the cross-key rules.  Every error names the file, the line and the key.
 */
#ifndef S2SIM_CONFIG_H
#define S2SIM_CONFIG_H

#include <stdio.h>
#include <s2sim/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct s2sim_config s2sim_config;

/* A configuration holding the built-in defaults. */
S2SIM_API int s2sim_config_create(s2sim_config **out);
S2SIM_API void s2sim_config_destroy(s2sim_config *cfg);
S2SIM_API const char *s2sim_config_errmsg(const s2sim_config *cfg);

/* Apply a YAML file.  S2SIM_EINPUT (message: "FILE:LINE: key 'a.b': ...")
 * on unknown keys, wrong types, out-of-range values. S2SIM_EIO if unreadable. */
S2SIM_API int s2sim_config_load(s2sim_config *cfg, const char *path);
/* Apply one "key.path=value" override (value in YAML scalar syntax). */
S2SIM_API int s2sim_config_set(s2sim_config *cfg, const char *assignment);
/* Check the rules that involve several keys (TLB sets a power of two,
 * vCPUs <= PEs, ...).  The message names the key and where it was set. */
S2SIM_API int s2sim_config_validate(s2sim_config *cfg);

/* Read a value by key path.  Integers, sizes and booleans read as u64;
 * enums and strings as text (valid until the config changes). */
S2SIM_API int s2sim_config_get_u64(const s2sim_config *cfg, const char *key,
				   uint64_t *value);
S2SIM_API int s2sim_config_get_double(const s2sim_config *cfg,
				      const char *key, double *value);
S2SIM_API int s2sim_config_get_string(const s2sim_config *cfg,
				      const char *key, const char **value);

/* Write the fully resolved configuration as YAML, atomically. */
S2SIM_API int s2sim_config_write_yaml(const s2sim_config *cfg,
				      const char *path);
/* Print the fully resolved configuration as YAML to a stream. */
S2SIM_API int s2sim_config_print_yaml(const s2sim_config *cfg, FILE *out);
/* Write the Markdown reference of every key (docs/config.md). */
S2SIM_API int s2sim_config_write_reference(FILE *out);

#ifdef __cplusplus
}
#endif
#endif
