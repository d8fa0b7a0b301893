/*
 * `s2sim sweep`: the sweep specification (SPEC.yaml) and its expansion
 * into points.  A spec names a base configuration, optional fixed
 * overrides (`set:`) and either a `grid:` (key -> list of values, expanded
 * as a cartesian product) or an explicit list of `points:`.  See
 * docs/sweeps.md.
 */
#ifndef S2SIM_TOOLS_SWEEP_SPEC_H
#define S2SIM_TOOLS_SWEEP_SPEC_H

#include "core/util/errbuf.h"

#define SWEEP_MAX_KEYS 16     /* swept keys (grid keys, or keys of points) */
#define SWEEP_MAX_POINTS 4096 /* points of one sweep */
#define SWEEP_MAX_SETS 256    /* fixed overrides under set: */
#define SWEEP_MAX_TEXT 1024   /* bytes of one key path or value */

/* One value as written in the spec. */
struct sweep_value {
	char *text; /* scalar text (YAML quoting removed) */
	int line;   /* 1-based line in the spec */
};

/* A fixed override under `set:`. */
struct sweep_set {
	char *key;
	struct sweep_value value;
	int key_line;
};

/* A swept key, in the order of first appearance in the spec. */
struct sweep_key {
	char *path;
	int line;
	int first, count; /* grid: its values are values[first .. +count) */
};

struct sweep_spec {
	char *path;  /* the spec file as given on the command line */
	char *base;  /* the base config, relative to the spec's directory */
	int base_line;
	struct sweep_set *sets;
	int nsets;
	int is_grid; /* 1: grid:, 0: points: */
	int list_line; /* line of grid: or points: */
	struct sweep_key keys[SWEEP_MAX_KEYS];
	int nkeys;
	struct sweep_value *values; /* every grid / point value */
	int nvalues, cap_values;
	int *cells; /* [point * SWEEP_MAX_KEYS + key]: index in values or -1 */
	int npoints;
};

/* Parse and expand `path`.  S2SIM_EINPUT "path:line: section: key 'k':
 * why" on a malformed spec; S2SIM_EIO if unreadable; S2SIM_ELIMIT past
 * the limits above.  Config keys are checked against the schema here;
 * their values are checked when each point's configuration is built. */
int sweep_spec_load(struct sweep_spec *s, const char *path,
		    struct s2sim_errbuf *err);
void sweep_spec_free(struct sweep_spec *s);

/* The value point `p` gives key `k`, or NULL if the point leaves the key
 * at the base configuration (possible only with points:). */
const struct sweep_value *sweep_cell(const struct sweep_spec *s, int p, int k);

#endif
