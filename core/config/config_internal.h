/* Internal access to a configuration's resolved values. */
#ifndef S2SIM_CORE_CONFIG_CONFIG_INTERNAL_H
#define S2SIM_CORE_CONFIG_CONFIG_INTERNAL_H

#include <s2sim/config.h>
#include "core/config/cfg.h"

/* The values of `cfg`; valid until `cfg` is changed or destroyed. */
const struct s2sim_cfg *s2sim_config_values(const s2sim_config *cfg);

/* Where key `key` was last set: "file:line", "--set key=value" or
 * "default"; NULL if there is no such key.  For messages of other modules
 * that reject a configured value. */
const char *s2sim_config_origin(const s2sim_config *cfg, const char *key);

#endif
