/*
 * The hypervisor policy string, "LOCK[+FEATURE]...": a lock discipline
 * (enum s2sim_lock_policy) and a set of S2SIM_POLF_* features, both in
 * cfg.h.  schema.c documents which Linux version or series each name
 * stands for.
 */
#ifndef S2SIM_CORE_CONFIG_POLICY_H
#define S2SIM_CORE_CONFIG_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "core/config/cfg.h"

/* Longest normalised policy text, with its NUL. */
#define S2SIM_POLICY_TEXT_MAX 128

/*
 * Parse `text`.  The lock is optional (baseline when absent) and may stand
 * anywhere; each feature may be named once; names are joined by '+' with
 * optional spaces around it; '_' may be written for '-' ("rdlock_all").
 * 0 on success; -1 with the reason in `why` (which names the offending
 * name and lists the valid ones).
 */
int s2sim_policy_parse(const char *text, enum s2sim_lock_policy *lock,
		       uint32_t *features, char *why, size_t n);

/* The normalised text: the lock, then the features in the order of the
 * S2SIM_POLF_* bits ("rdlock-all+nsh-relax+tlbi-range"). */
void s2sim_policy_format(enum s2sim_lock_policy lock, uint32_t features,
			 char *buf, size_t n);

/* "baseline, rdlock-wp, rdlock-all" and "nsh-relax, eager-split, ...". */
void s2sim_policy_lock_names(char *buf, size_t n);
void s2sim_policy_feature_names(char *buf, size_t n);

#endif
