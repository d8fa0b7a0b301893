/*
 * Parsing, storing and formatting the typed value of one configuration key.
 *
 * Values are typed by the schema, not by YAML tags: `4096`, `"4096"` and
 * `4KiB` are the same size.  Integers are decimal or 0x-hex; sizes take a
 * binary unit (B, K/KiB, M/MiB, G/GiB, T/TiB, case-insensitive) as the KVM
 * selftests' parse_size() does; decimal units (KB, MB, GB) are refused as
 * ambiguous.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config/policy.h"
#include "core/config/value.h"

_Static_assert(sizeof(enum s2sim_repl) == sizeof(int) &&
	       sizeof(((struct s2sim_cfg *)0)->fabric.snoop_filter) ==
		       sizeof(int) &&
	       sizeof(enum s2sim_conflict_policy) == sizeof(int) &&
	       sizeof(enum s2sim_workload_source) == sizeof(int) &&
	       sizeof(enum s2sim_access_order) == sizeof(int),
	       "enum fields are stored as int");

struct size_unit {
	const char *name;
	uint64_t bytes;
};

static const struct size_unit size_units[] = {
	{ "", 1 },           { "b", 1 },
	{ "k", 1ull << 10 }, { "kib", 1ull << 10 },
	{ "m", 1ull << 20 }, { "mib", 1ull << 20 },
	{ "g", 1ull << 30 }, { "gib", 1ull << 30 },
	{ "t", 1ull << 40 }, { "tib", 1ull << 40 },
};

/* Quote user text in a message, shortened so messages stay one line. */
static void quote_text(const char *text, char *buf, size_t n)
{
	if (!*text)
		snprintf(buf, n, "an empty value");
	else if (strlen(text) > 60)
		snprintf(buf, n, "'%.57s...'", text);
	else
		snprintf(buf, n, "'%s'", text);
}

static int expected(const struct s2sim_cfg_key *k, const char *text,
		    char *why, size_t n)
{
	char desc[256], got[80];

	s2sim_cfg_describe_type(k, desc, sizeof(desc));
	quote_text(text, got, sizeof(got));
	snprintf(why, n, "expected %s, got %s", desc, got);
	return -1;
}

/* Value of digit `c` in `base` (10 or 16), or -1. */
static int digit_value(char c, int base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && isxdigit((unsigned char)c))
		return tolower((unsigned char)c) - 'a' + 10;
	return -1;
}

/* Digits of an unsigned integer (decimal or 0x-hex) at *s; advances *s. */
static int parse_digits(const char **s, uint64_t *out, bool *overflow)
{
	const char *p = *s;
	int base = 10, d;
	uint64_t v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2], 16) >= 0) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p, base) < 0)
		return -1;
	*overflow = false;
	for (; (d = digit_value(*p, base)) >= 0; p++) {
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			*overflow = true;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	*s = p;
	return 0;
}

static int parse_uint(const struct s2sim_cfg_key *k, const char *text,
		      uint64_t *v, char *why, size_t n)
{
	const char *p = text;
	bool overflow;

	if (parse_digits(&p, v, &overflow) || *p)
		return expected(k, text, why, n);
	if (overflow) {
		snprintf(why, n, "%s does not fit in 64 bits", text);
		return -1;
	}
	return 0;
}

static const struct size_unit *find_unit(const char *u)
{
	for (size_t i = 0; i < sizeof(size_units) / sizeof(size_units[0]); i++) {
		const char *a = size_units[i].name, *b = u;

		while (*a && *b && *a == tolower((unsigned char)*b)) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return &size_units[i];
	}
	return NULL;
}

static int parse_size(const struct s2sim_cfg_key *k, const char *text,
		      uint64_t *v, char *why, size_t n)
{
	const char *p = text;
	const struct size_unit *unit;
	bool overflow;

	if (parse_digits(&p, v, &overflow))
		return expected(k, text, why, n);
	while (*p == ' ')
		p++;
	unit = find_unit(p);
	if (!unit) {
		if (strlen(p) == 2 && tolower((unsigned char)p[1]) == 'b' &&
		    strchr("kmgt", tolower((unsigned char)p[0]))) {
			snprintf(why, n, "unit '%s' in '%s' is ambiguous: write %ciB "
				 "(binary) or the number of bytes", p, text,
				 toupper((unsigned char)p[0]));
			return -1;
		}
		return expected(k, text, why, n);
	}
	if (overflow || (*v && unit->bytes > UINT64_MAX / *v)) {
		snprintf(why, n, "%s does not fit in 64 bits", text);
		return -1;
	}
	*v *= unit->bytes;
	return 0;
}

static int parse_double(const struct s2sim_cfg_key *k, const char *text,
			double *v, char *why, size_t n)
{
	char *end;

	/* strtod also takes "inf", "nan" and hex floats: not YAML numbers. */
	if (!strchr("0123456789.+-", text[0]) || !text[0] ||
	    strpbrk(text, "xXnN"))
		return expected(k, text, why, n);
	errno = 0;
	*v = strtod(text, &end);
	if (*end || end == text || errno == ERANGE || !isfinite(*v))
		return expected(k, text, why, n);
	return 0;
}

static int parse_bool(const struct s2sim_cfg_key *k, const char *text,
		      uint64_t *v, char *why, size_t n)
{
	/* The YAML 1.2 core schema's booleans. */
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };

	for (size_t i = 0; i < 3; i++) {
		if (!strcmp(text, yes[i])) {
			*v = 1;
			return 0;
		}
		if (!strcmp(text, no[i])) {
			*v = 0;
			return 0;
		}
	}
	return expected(k, text, why, n);
}

static int parse_enum(const struct s2sim_cfg_key *k, const char *text,
		      uint64_t *v, char *why, size_t n)
{
	for (size_t i = 0; k->names[i]; i++) {
		if (!strcmp(text, k->names[i])) {
			*v = i;
			return 0;
		}
	}
	return expected(k, text, why, n);
}

/* Format an integer of key `k` in the key's own syntax. */
static void format_int(const struct s2sim_cfg_key *k, uint64_t v, char *buf,
		       size_t n)
{
	if (k->type == S2SIM_CFG_SIZE)
		s2sim_cfg_format_size(v, buf, n);
	else
		snprintf(buf, n, "%llu", (unsigned long long)v);
}

static int check_uint(const struct s2sim_cfg_key *k, uint64_t v, char *why,
		      size_t n)
{
	char a[32], b[32], range[512];

	if (k->allowed) {
		for (size_t i = 0; i < k->nallowed; i++) {
			if (k->allowed[i] == v)
				return 0;
		}
		format_int(k, v, a, sizeof(a));
		s2sim_cfg_describe_range(k, range, sizeof(range));
		snprintf(why, n, "%s is not one of %s", a, range);
		return -1;
	}
	if (v >= k->min && v <= k->max)
		return 0;
	format_int(k, v, a, sizeof(a));
	format_int(k, k->min, b, sizeof(b));
	format_int(k, k->max, range, sizeof(range));
	snprintf(why, n, "%s is out of range [%s, %s]", a, b, range);
	return -1;
}

int s2sim_cfg_parse_value(const struct s2sim_cfg_key *k, const char *text,
			  union s2sim_cfg_value *v, char *why, size_t n)
{
	switch (k->type) {
	case S2SIM_CFG_U32:
	case S2SIM_CFG_U64:
		if (parse_uint(k, text, &v->u, why, n))
			return -1;
		return check_uint(k, v->u, why, n);
	case S2SIM_CFG_SIZE:
		if (parse_size(k, text, &v->u, why, n))
			return -1;
		return check_uint(k, v->u, why, n);
	case S2SIM_CFG_DOUBLE:
		if (parse_double(k, text, &v->d, why, n))
			return -1;
		if (v->d < k->dmin || v->d > k->dmax) {
			snprintf(why, n, "%s is out of range [%g, %g]", text,
				 k->dmin, k->dmax);
			return -1;
		}
		return 0;
	case S2SIM_CFG_BOOL:
		return parse_bool(k, text, &v->u, why, n);
	case S2SIM_CFG_ENUM:
		return parse_enum(k, text, &v->u, why, n);
	case S2SIM_CFG_STRING:
		if (strlen(text) >= k->size) {
			snprintf(why, n, "text of %zu bytes is too long (at most %zu)",
				 strlen(text), k->size - 1);
			return -1;
		}
		v->s = text;
		return 0;
	case S2SIM_CFG_POLICY:
		return s2sim_policy_parse(text, &v->policy.lock,
					  &v->policy.features, why, n);
	}
	return expected(k, text, why, n);
}
