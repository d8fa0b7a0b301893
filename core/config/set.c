/*
 * s2sim_config_set(): one "key.path=value" override from the command line.
 * The value is parsed as a YAML scalar (so quoting works as in a file) and
 * typed by the key exactly as a file's value is.  Errors start with
 * "--set key=value:".
 */
#include <stdio.h>
#include <string.h>

#include <libfyaml.h>

#include "core/config/config_handle.h"
#include "core/config/value.h"
#include "core/config/yaml_util.h"

#define SET_MAX_KEY 256

static int set_unknown(s2sim_config *cfg, const char *origin, const char *key)
{
	char buf[SET_MAX_KEY];
	const char *hint;

	if (s2sim_cfg_is_section(key))
		return s2sim_err(&cfg->err, S2SIM_EINPUT,
				 "%s: key '%s' is a section: set one of its keys "
				 "(see docs/config.md)", origin, key);
	hint = s2sim_cfg_suggest(key, buf, sizeof(buf));
	if (hint)
		return s2sim_err(&cfg->err, S2SIM_EINPUT,
				 "%s: unknown key '%s' (did you mean '%s'?)",
				 origin, key, hint);
	return s2sim_err(&cfg->err, S2SIM_EINPUT, "%s: unknown key '%s'", origin,
			 key);
}

/* Parse `value` as a YAML scalar and assign it to `k`. */
static int set_value(s2sim_config *cfg, const struct s2sim_cfg_key *k,
		     const char *value, const char *origin)
{
	struct s2sim_yaml_doc yd;
	struct fy_node *root;
	char label[SET_MAX_KEY + 4300 + 16], desc[256], kind[80];
	int rc;

	snprintf(label, sizeof(label), "%s: key '%s'", origin, k->path);
	rc = s2sim_yaml_parse_string(&yd, value, label, &cfg->err);
	if (rc != S2SIM_OK)
		return rc;
	root = yd.doc ? s2sim_yaml_deref(fy_document_root(yd.doc)) : NULL;
	if (root && !fy_node_is_scalar(root)) {
		s2sim_cfg_describe_type(k, desc, sizeof(desc));
		rc = s2sim_err(&cfg->err, S2SIM_EINPUT,
			       "%s: expected %s, got %s (quote the value if it "
			       "contains ': ' or starts with '[' or '{')", label,
			       desc, s2sim_yaml_kind(root, kind, sizeof(kind)));
	} else {
		rc = s2sim_config_assign(cfg, k, s2sim_yaml_scalar_text(root),
					 origin);
	}
	s2sim_yaml_doc_free(&yd);
	return rc;
}

int s2sim_config_set(s2sim_config *cfg, const char *assignment)
{
	const char *eq;
	char key[SET_MAX_KEY], origin[SET_MAX_KEY + 4300];
	const struct s2sim_cfg_key *k;

	if (!cfg || !assignment)
		return cfg ? s2sim_err(&cfg->err, S2SIM_EMISUSE,
				       "s2sim_config_set: no assignment")
			   : S2SIM_EMISUSE;
	s2sim_err_clear(&cfg->err);
	snprintf(origin, sizeof(origin), "--set %s", assignment);
	eq = strchr(assignment, '=');
	if (!eq || eq == assignment)
		return s2sim_err(&cfg->err, S2SIM_EINPUT,
				 "%s: expected key.path=value", origin);
	if ((size_t)(eq - assignment) >= sizeof(key))
		return s2sim_err(&cfg->err, S2SIM_EINPUT, "%s: key too long",
				 origin);
	memcpy(key, assignment, (size_t)(eq - assignment));
	key[eq - assignment] = '\0';
	k = s2sim_cfg_find(key);
	if (!k)
		return set_unknown(cfg, origin, key);
	return set_value(cfg, k, eq + 1, origin);
}
