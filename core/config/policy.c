/*
 * Parsing and normalising the hypervisor policy string "LOCK[+FEATURE]...".
 * The names are the config's; which kernel each stands for is documented
 * with the key (schema.c) and in enum s2sim_lock_policy / S2SIM_POLF_*.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/config/policy.h"

#define POLICY_NAME_MAX 32

/* Indexed by enum s2sim_lock_policy. */
static const char *const lock_names[] = {
	[S2SIM_LOCKPOL_BASELINE] = "baseline",
	[S2SIM_LOCKPOL_RDLOCK_WP] = "rdlock-wp",
	[S2SIM_LOCKPOL_RDLOCK_ALL] = "rdlock-all",
};
#define NLOCKS (sizeof(lock_names) / sizeof(lock_names[0]))

/* In the order of the normalised text (the order of the bits). */
static const struct {
	const char *name;
	uint32_t bit;
} feature_table[] = {
	{ "nsh-relax", S2SIM_POLF_NSH_RELAX },
	{ "eager-split", S2SIM_POLF_EAGER_SPLIT },
	{ "tlbi-range", S2SIM_POLF_TLBI_RANGE },
	{ "bbml2", S2SIM_POLF_BBML2 },
	{ "unsafe-no-bbm", S2SIM_POLF_UNSAFE_NO_BBM },
};
#define NFEATURES (sizeof(feature_table) / sizeof(feature_table[0]))

void s2sim_policy_lock_names(char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NLOCKS && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "",
				      lock_names[i]);
}

void s2sim_policy_feature_names(char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NFEATURES && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "",
				      feature_table[i].name);
}

void s2sim_policy_format(enum s2sim_lock_policy lock, uint32_t features,
			 char *buf, size_t n)
{
	size_t o;

	snprintf(buf, n, "%s",
		 (size_t)lock < NLOCKS ? lock_names[lock] : "?");
	o = strlen(buf);
	for (size_t i = 0; i < NFEATURES && o < n; i++) {
		if (features & feature_table[i].bit)
			o += (size_t)snprintf(buf + o, n - o, "+%s",
					      feature_table[i].name);
	}
}

/* The policy text in a message: quoted, shortened to stay on one line. */
static void quote(const char *text, char *buf, size_t n)
{
	if (strlen(text) > 60)
		snprintf(buf, n, "'%.57s...'", text);
	else
		snprintf(buf, n, "'%s'", text);
}

static int unknown(const char *name, const char *text, char *why, size_t n)
{
	char locks[128], features[256], q[80];

	s2sim_policy_lock_names(locks, sizeof(locks));
	s2sim_policy_feature_names(features, sizeof(features));
	quote(text, q, sizeof(q));
	snprintf(why, n, "unknown name '%s' in policy %s: a policy is "
		 "LOCK[+FEATURE]... with LOCK one of %s (baseline if omitted) "
		 "and FEATUREs from %s, e.g. rdlock-all+nsh-relax",
		 name, q, locks, features);
	return -1;
}

/* Copy the token [s, e) without surrounding spaces, '_' read as '-'.
 * A token too long for any name is cut and ends in "..." (so it matches
 * no name and the message shows its start). */
static void token(const char *s, const char *e, char *buf, size_t n)
{
	size_t len = 0;

	while (s < e && *s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	for (; s < e && len + 4 < n; s++)
		buf[len++] = *s == '_' ? '-' : *s;
	if (s < e) {
		memcpy(buf + len, "...", 3);
		len += 3;
	}
	buf[len] = '\0';
}

static int find_lock(const char *name)
{
	for (size_t i = 0; i < NLOCKS; i++) {
		if (!strcmp(name, lock_names[i]))
			return (int)i;
	}
	return -1;
}

static uint32_t find_feature(const char *name)
{
	for (size_t i = 0; i < NFEATURES; i++) {
		if (!strcmp(name, feature_table[i].name))
			return feature_table[i].bit;
	}
	return 0;
}

/* Apply one name to *lock (-1 while none is given) and *features. */
static int add_name(const char *name, const char *text, int *lock,
		    uint32_t *features, char *why, size_t n)
{
	int l = find_lock(name);
	uint32_t f = find_feature(name);
	char q[80];

	quote(text, q, sizeof(q));
	if (l >= 0 && *lock >= 0) {
		snprintf(why, n, "policy %s names two locks, '%s' and '%s': "
			 "give at most one", q, lock_names[*lock], name);
		return -1;
	}
	if (l >= 0) {
		*lock = l;
		return 0;
	}
	if (!f)
		return unknown(name, text, why, n);
	if (*features & f) {
		snprintf(why, n, "policy %s names '%s' twice", q, name);
		return -1;
	}
	*features |= f;
	return 0;
}

int s2sim_policy_parse(const char *text, enum s2sim_lock_policy *lock,
		       uint32_t *features, char *why, size_t n)
{
	char name[POLICY_NAME_MAX], q[80];
	const char *s = text;
	int l = -1;
	uint32_t f = 0;

	for (;;) {
		const char *e = strchr(s, '+');

		if (!e)
			e = s + strlen(s);
		token(s, e, name, sizeof(name));
		if (!name[0]) {
			quote(text, q, sizeof(q));
			snprintf(why, n, "policy %s has an empty name: write "
				 "LOCK[+FEATURE]..., e.g. rdlock-all+nsh-relax",
				 q);
			return -1;
		}
		if (add_name(name, text, &l, &f, why, n))
			return -1;
		if (!*e)
			break;
		s = e + 1;
	}
	/* Both drop the break of break-before-make: one is the architected
	 * BBML2 sequence, the other the deliberately broken one. */
	if ((f & S2SIM_POLF_BBML2) && (f & S2SIM_POLF_UNSAFE_NO_BBM)) {
		quote(text, q, sizeof(q));
		snprintf(why, n, "policy %s: bbml2 and unsafe-no-bbm exclude "
			 "each other (both replace the break of "
			 "break-before-make)", q);
		return -1;
	}
	*lock = l < 0 ? S2SIM_LOCKPOL_BASELINE : (enum s2sim_lock_policy)l;
	*features = f;
	return 0;
}
