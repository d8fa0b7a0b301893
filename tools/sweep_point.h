/*
 * `s2sim sweep`: one point of a sweep: its directory name and its
 * configuration (base, then set:, then the point's values), validated
 * through the C API before anything runs.
 */
#ifndef S2SIM_TOOLS_SWEEP_POINT_H
#define S2SIM_TOOLS_SWEEP_POINT_H

#include <stddef.h>
#include <stdint.h>

#include <s2sim/config.h>

#include "tools/sweep_spec.h"

#define SWEEP_NAME_MAX 96 /* bytes of a point directory's name, with NUL */
#define SWEEP_SLUG_MAX 64 /* bytes of the slug after "NNNN-" */

/* Point p's directory name: "NNNN-" then key=value pairs joined by '_'
 * ("0003-vcpus=2_policy=rdlock-all-nsh-relax"), each key named by its
 * last component (its full path when two swept keys share it), values
 * reduced to [A-Za-z0-9.-], the slug cut at SWEEP_SLUG_MAX bytes.  The
 * index alone makes the name unique; the slug is for people. */
void sweep_point_name(const struct sweep_spec *s, int p, char *buf, size_t n);

/* Build and validate point p's configuration.  Errors are S2SIM_EINPUT
 * (S2SIM_EIO for an unreadable base) and name the file, line and key:
 * the spec's line for values from set: and from the point. */
int sweep_point_config(const struct sweep_spec *s, int p, s2sim_config **out,
		       struct s2sim_errbuf *err);

/* A 64-bit digest (FNV-1a) of every key's resolved value: equal for
 * equal configurations, whatever file and line set each value. */
uint64_t sweep_config_digest(const s2sim_config *cfg);

/* The resolved value of `key` as text (strings unquoted); "" if unknown. */
void sweep_config_value(const s2sim_config *cfg, const char *key, char *buf,
			size_t n);

#endif
