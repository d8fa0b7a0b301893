/*
 * The configuration handle: built-in defaults, assignment of one key with
 * its origin, and reads by key path.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "core/config/config_handle.h"
#include "core/config/config_internal.h"
#include "core/config/value.h"

struct s2sim_errbuf *s2sim_config_errbuf(const s2sim_config *cfg)
{
	return (struct s2sim_errbuf *)&cfg->err;
}

int s2sim_config_assign(s2sim_config *cfg, const struct s2sim_cfg_key *k,
			const char *text, const char *origin)
{
	union s2sim_cfg_value v;
	char why[512];
	char *copy = NULL;
	size_t i = s2sim_cfg_index(k);

	if (s2sim_cfg_parse_value(k, text, &v, why, sizeof(why)))
		return s2sim_err(&cfg->err, S2SIM_EINPUT, "%s: key '%s': %s",
				 origin ? origin : "default", k->path, why);
	if (origin && !(copy = strdup(origin)))
		return s2sim_err(&cfg->err, S2SIM_ENOMEM, "out of memory");
	s2sim_cfg_store(k, &cfg->values, &v);
	free(cfg->origin[i]);
	cfg->origin[i] = copy;
	return S2SIM_OK;
}

const char *s2sim_config_origin_of(const s2sim_config *cfg,
				   const struct s2sim_cfg_key *k)
{
	const char *o = cfg->origin[s2sim_cfg_index(k)];

	return o ? o : "default";
}

bool s2sim_config_is_default(const s2sim_config *cfg,
			     const struct s2sim_cfg_key *k)
{
	return cfg->origin[s2sim_cfg_index(k)] == NULL;
}

static void free_origins(char **origin, size_t n)
{
	for (size_t i = 0; origin && i < n; i++)
		free(origin[i]);
	free(origin);
}

int s2sim_config_save(s2sim_config *cfg, struct s2sim_config_saved *s)
{
	s->values = cfg->values;
	s->origin = calloc(cfg->nkeys, sizeof(*s->origin));
	for (size_t i = 0; s->origin && i < cfg->nkeys; i++) {
		if (cfg->origin[i] && !(s->origin[i] = strdup(cfg->origin[i]))) {
			free_origins(s->origin, cfg->nkeys);
			s->origin = NULL;
		}
	}
	if (!s->origin)
		return s2sim_err(&cfg->err, S2SIM_ENOMEM, "out of memory");
	return S2SIM_OK;
}

void s2sim_config_restore(s2sim_config *cfg, struct s2sim_config_saved *s)
{
	cfg->values = s->values;
	free_origins(cfg->origin, cfg->nkeys);
	cfg->origin = s->origin;
	s->origin = NULL;
}

void s2sim_config_saved_free(const s2sim_config *cfg,
			     struct s2sim_config_saved *s)
{
	free_origins(s->origin, cfg->nkeys);
	s->origin = NULL;
}

/* Apply every row's default through the same parser as files use. */
static int apply_defaults(s2sim_config *cfg)
{
	size_t n;
	const struct s2sim_cfg_key *k = s2sim_cfg_schema(&n);

	for (size_t i = 0; i < n; i++) {
		if (s2sim_config_assign(cfg, &k[i], k[i].def, NULL) != S2SIM_OK)
			return s2sim_err(&cfg->err, S2SIM_EMISUSE,
					 "built-in default of key '%s' is invalid: %s",
					 k[i].path, s2sim_err_msg(&cfg->err));
	}
	return S2SIM_OK;
}

int s2sim_config_create(s2sim_config **out)
{
	s2sim_config *cfg = calloc(1, sizeof(*cfg));

	*out = cfg;
	if (!cfg)
		return S2SIM_ENOMEM;
	s2sim_cfg_schema(&cfg->nkeys);
	cfg->origin = calloc(cfg->nkeys, sizeof(*cfg->origin));
	if (!cfg->origin)
		return s2sim_err(&cfg->err, S2SIM_ENOMEM, "out of memory");
	return apply_defaults(cfg);
}

void s2sim_config_destroy(s2sim_config *cfg)
{
	if (!cfg)
		return;
	free_origins(cfg->origin, cfg->nkeys);
	free(cfg);
}

const char *s2sim_config_errmsg(const s2sim_config *cfg)
{
	return s2sim_err_msg(cfg ? &cfg->err : NULL);
}

const struct s2sim_cfg *s2sim_config_values(const s2sim_config *cfg)
{
	return &cfg->values;
}

const char *s2sim_config_origin(const s2sim_config *cfg, const char *key)
{
	const struct s2sim_cfg_key *k = s2sim_cfg_find(key);

	return k ? s2sim_config_origin_of(cfg, k) : NULL;
}

/* The row of `key` if it has one of the types `mask` (bit per type). */
static int lookup(const s2sim_config *cfg, const char *key, unsigned mask,
		  const char *reader, const struct s2sim_cfg_key **out)
{
	const struct s2sim_cfg_key *k = s2sim_cfg_find(key);

	*out = k;
	if (!k)
		return s2sim_err(s2sim_config_errbuf(cfg), S2SIM_ENOTFOUND,
				 "no configuration key '%s'", key);
	if (!(mask & (1u << k->type)))
		return s2sim_err(s2sim_config_errbuf(cfg), S2SIM_EMISUSE,
				 "key '%s' is of type %s: %s cannot read it",
				 key, s2sim_cfg_type_name(k), reader);
	return S2SIM_OK;
}

int s2sim_config_get_u64(const s2sim_config *cfg, const char *key,
			 uint64_t *value)
{
	const struct s2sim_cfg_key *k;
	unsigned mask = 1u << S2SIM_CFG_U32 | 1u << S2SIM_CFG_U64 |
			1u << S2SIM_CFG_SIZE | 1u << S2SIM_CFG_BOOL;
	int rc = lookup(cfg, key, mask, "s2sim_config_get_u64", &k);

	if (rc == S2SIM_OK)
		*value = s2sim_cfg_read_u64(k, &cfg->values);
	return rc;
}

int s2sim_config_get_double(const s2sim_config *cfg, const char *key,
			    double *value)
{
	const struct s2sim_cfg_key *k;
	int rc = lookup(cfg, key, 1u << S2SIM_CFG_DOUBLE,
			"s2sim_config_get_double", &k);

	if (rc == S2SIM_OK)
		*value = s2sim_cfg_read_double(k, &cfg->values);
	return rc;
}

int s2sim_config_get_string(const s2sim_config *cfg, const char *key,
			    const char **value)
{
	const struct s2sim_cfg_key *k;
	int rc = lookup(cfg, key,
			1u << S2SIM_CFG_ENUM | 1u << S2SIM_CFG_STRING |
				1u << S2SIM_CFG_POLICY,
			"s2sim_config_get_string", &k);

	if (rc == S2SIM_OK)
		*value = s2sim_cfg_read_text(k, &cfg->values);
	return rc;
}
