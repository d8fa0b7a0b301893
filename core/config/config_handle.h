/*
 * The configuration handle, shared by the files of core/config: the resolved
 * values plus, for every key, where it was last set (for messages).
 */
#ifndef S2SIM_CORE_CONFIG_CONFIG_HANDLE_H
#define S2SIM_CORE_CONFIG_CONFIG_HANDLE_H

#include <s2sim/config.h>
#include "core/config/cfg.h"
#include "core/config/schema.h"
#include "core/util/errbuf.h"

struct s2sim_config {
	struct s2sim_cfg values;
	struct s2sim_errbuf err;
	/* Per schema row: "file:line" or "--set key=value"; NULL while the
	 * key holds its built-in default. */
	char **origin;
	size_t nkeys;
};

/* Parse `text` as the value of `k` and store it, recording `origin`.  On
 * error: S2SIM_EINPUT, message "<origin>: key '<path>': <reason>". */
int s2sim_config_assign(s2sim_config *cfg, const struct s2sim_cfg_key *k,
			const char *text, const char *origin);

/* Where `k` was last set: "file:line", "--set k=v" or "default". */
const char *s2sim_config_origin_of(const s2sim_config *cfg,
				   const struct s2sim_cfg_key *k);
bool s2sim_config_is_default(const s2sim_config *cfg,
			     const struct s2sim_cfg_key *k);

/* A copy of a configuration's values and origins. */
struct s2sim_config_saved {
	struct s2sim_cfg values;
	char **origin;
};

int s2sim_config_save(s2sim_config *cfg, struct s2sim_config_saved *s);
/* Put the saved state back (and free it). */
void s2sim_config_restore(s2sim_config *cfg, struct s2sim_config_saved *s);
void s2sim_config_saved_free(const s2sim_config *cfg,
			     struct s2sim_config_saved *s);

/* The error buffer of a handle the API passes as const (the last-error
 * message is not part of the configuration's value). */
struct s2sim_errbuf *s2sim_config_errbuf(const s2sim_config *cfg);

#endif
