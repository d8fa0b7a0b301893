/*
 * Storing, reading and formatting configuration values, and describing a
 * key's type and range for messages and the reference.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config/policy.h"
#include "core/config/value.h"

static void *field(const struct s2sim_cfg_key *k, struct s2sim_cfg *cfg)
{
	return (char *)cfg + k->offset;
}

static const void *cfield(const struct s2sim_cfg_key *k,
			  const struct s2sim_cfg *cfg)
{
	return (const char *)cfg + k->offset;
}

/* The policy key owns three fields: its normalised text (the row's own
 * field) and the parsed lock and features it feeds. */
static void store_policy(const struct s2sim_cfg_key *k, struct s2sim_cfg *cfg,
			 const union s2sim_cfg_value *v)
{
	char text[S2SIM_POLICY_TEXT_MAX];
	size_t len;

	s2sim_policy_format(v->policy.lock, v->policy.features, text,
			    sizeof(text));
	len = strlen(text);
	if (len >= k->size)
		len = k->size - 1;
	memset(field(k, cfg), 0, k->size);
	memcpy(field(k, cfg), text, len);
	cfg->hypervisor.lock_policy = v->policy.lock;
	cfg->hypervisor.features = v->policy.features;
}

void s2sim_cfg_store(const struct s2sim_cfg_key *k, struct s2sim_cfg *cfg,
		     const union s2sim_cfg_value *v)
{
	uint32_t u32 = (uint32_t)v->u;
	bool b = v->u != 0;
	int e = (int)v->u;

	switch (k->type) {
	case S2SIM_CFG_U32:
		memcpy(field(k, cfg), &u32, sizeof(u32));
		break;
	case S2SIM_CFG_U64:
	case S2SIM_CFG_SIZE:
		memcpy(field(k, cfg), &v->u, sizeof(v->u));
		break;
	case S2SIM_CFG_DOUBLE:
		memcpy(field(k, cfg), &v->d, sizeof(v->d));
		break;
	case S2SIM_CFG_BOOL:
		memcpy(field(k, cfg), &b, sizeof(b));
		break;
	case S2SIM_CFG_ENUM:
		memcpy(field(k, cfg), &e, sizeof(e));
		break;
	case S2SIM_CFG_STRING:
		/* Zero the whole buffer so equal configs compare equal. */
		memset(field(k, cfg), 0, k->size);
		memcpy(field(k, cfg), v->s, strlen(v->s));
		break;
	case S2SIM_CFG_POLICY:
		store_policy(k, cfg, v);
		break;
	}
}

uint64_t s2sim_cfg_read_u64(const struct s2sim_cfg_key *k,
			    const struct s2sim_cfg *cfg)
{
	uint32_t u32;
	uint64_t u64;
	bool b;
	int e;

	switch (k->type) {
	case S2SIM_CFG_U32:
		memcpy(&u32, cfield(k, cfg), sizeof(u32));
		return u32;
	case S2SIM_CFG_U64:
	case S2SIM_CFG_SIZE:
		memcpy(&u64, cfield(k, cfg), sizeof(u64));
		return u64;
	case S2SIM_CFG_BOOL:
		memcpy(&b, cfield(k, cfg), sizeof(b));
		return b;
	case S2SIM_CFG_ENUM:
		memcpy(&e, cfield(k, cfg), sizeof(e));
		return (uint64_t)e;
	default:
		return 0;
	}
}

double s2sim_cfg_read_double(const struct s2sim_cfg_key *k,
			     const struct s2sim_cfg *cfg)
{
	double d = 0;

	if (k->type == S2SIM_CFG_DOUBLE)
		memcpy(&d, cfield(k, cfg), sizeof(d));
	return d;
}

const char *s2sim_cfg_read_text(const struct s2sim_cfg_key *k,
				const struct s2sim_cfg *cfg)
{
	if (k->type == S2SIM_CFG_STRING || k->type == S2SIM_CFG_POLICY)
		return cfield(k, cfg);
	if (k->type == S2SIM_CFG_ENUM)
		return k->names[s2sim_cfg_read_u64(k, cfg)];
	return NULL;
}

void s2sim_cfg_format_size(uint64_t bytes, char *buf, size_t n)
{
	static const char *const units[] = { "TiB", "GiB", "MiB", "KiB" };

	for (int i = 0; i < 4 && bytes; i++) {
		unsigned shift = 10u * (unsigned)(4 - i);

		if (!(bytes & ((1ull << shift) - 1))) {
			snprintf(buf, n, "%llu%s",
				 (unsigned long long)(bytes >> shift), units[i]);
			return;
		}
	}
	snprintf(buf, n, "%llu", (unsigned long long)bytes);
}

/* The shortest %g text that reads back as exactly `d`, preferring plain
 * notation ("3000", not "3e+03"). */
static void format_double(double d, char *buf, size_t n)
{
	int exp_prec = 0;

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, d);
		if (strtod(buf, NULL) != d)
			continue;
		if (!strchr(buf, 'e'))
			return;
		if (!exp_prec)
			exp_prec = prec;
	}
	snprintf(buf, n, "%.*g", exp_prec ? exp_prec : 17, d);
}

/* A YAML double-quoted scalar (YAML 1.2 section 5.7 escapes). */
static void format_string(const char *s, char *buf, size_t n)
{
	size_t o = 0;

	if (n < 3) {
		buf[0] = '\0';
		return;
	}
	buf[o++] = '"';
	for (; *s && o + 6 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, n - o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

void s2sim_cfg_format(const struct s2sim_cfg_key *k,
		      const struct s2sim_cfg *cfg, char *buf, size_t n)
{
	switch (k->type) {
	case S2SIM_CFG_U32:
	case S2SIM_CFG_U64:
		snprintf(buf, n, "%llu",
			 (unsigned long long)s2sim_cfg_read_u64(k, cfg));
		break;
	case S2SIM_CFG_SIZE:
		s2sim_cfg_format_size(s2sim_cfg_read_u64(k, cfg), buf, n);
		break;
	case S2SIM_CFG_DOUBLE:
		format_double(s2sim_cfg_read_double(k, cfg), buf, n);
		break;
	case S2SIM_CFG_BOOL:
		snprintf(buf, n, "%s", s2sim_cfg_read_u64(k, cfg) ? "true" : "false");
		break;
	case S2SIM_CFG_ENUM:
		snprintf(buf, n, "%s", s2sim_cfg_read_text(k, cfg));
		break;
	case S2SIM_CFG_STRING:
		format_string(s2sim_cfg_read_text(k, cfg), buf, n);
		break;
	case S2SIM_CFG_POLICY:
		/* Names and '+' only: a plain YAML scalar. */
		snprintf(buf, n, "%s", s2sim_cfg_read_text(k, cfg));
		break;
	}
}

static void join_names(const char *const *names, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; names[i] && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "",
				      names[i]);
}

void s2sim_cfg_describe_type(const struct s2sim_cfg_key *k, char *buf,
			     size_t n)
{
	static const char *const desc[] = {
		[S2SIM_CFG_U32] = "an unsigned integer",
		[S2SIM_CFG_U64] = "an unsigned integer",
		[S2SIM_CFG_DOUBLE] = "a number",
		[S2SIM_CFG_BOOL] = "true or false",
		[S2SIM_CFG_SIZE] = "a size such as 4096, 64KiB, 2MiB or 4GiB",
		[S2SIM_CFG_ENUM] = "one of",
		[S2SIM_CFG_STRING] = "a string",
		[S2SIM_CFG_POLICY] = "a policy LOCK[+FEATURE]... such as "
				     "rdlock-all+nsh-relax",
	};
	char names[256];

	if (k->type != S2SIM_CFG_ENUM) {
		snprintf(buf, n, "%s", desc[k->type]);
		return;
	}
	join_names(k->names, names, sizeof(names));
	snprintf(buf, n, "one of %s", names);
}

const char *s2sim_cfg_type_name(const struct s2sim_cfg_key *k)
{
	static const char *const name[] = {
		[S2SIM_CFG_U32] = "integer",  [S2SIM_CFG_U64] = "integer",
		[S2SIM_CFG_DOUBLE] = "number", [S2SIM_CFG_BOOL] = "bool",
		[S2SIM_CFG_SIZE] = "size",    [S2SIM_CFG_ENUM] = "enum",
		[S2SIM_CFG_STRING] = "string", [S2SIM_CFG_POLICY] = "policy",
	};

	return name[k->type];
}

static void join_allowed(const struct s2sim_cfg_key *k, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < k->nallowed && o < n; i++) {
		char v[32];

		if (k->type == S2SIM_CFG_SIZE)
			s2sim_cfg_format_size(k->allowed[i], v, sizeof(v));
		else
			snprintf(v, sizeof(v), "%llu",
				 (unsigned long long)k->allowed[i]);
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "", v);
	}
}

static void describe_policy(char *buf, size_t n)
{
	char locks[128], features[256];

	s2sim_policy_lock_names(locks, sizeof(locks));
	s2sim_policy_feature_names(features, sizeof(features));
	snprintf(buf, n, "LOCK: %s (default baseline); FEATUREs, each at most "
		 "once: %s", locks, features);
}

void s2sim_cfg_describe_range(const struct s2sim_cfg_key *k, char *buf,
			      size_t n)
{
	char a[32], b[32];

	if (k->allowed) {
		join_allowed(k, buf, n);
	} else if (k->type == S2SIM_CFG_ENUM) {
		join_names(k->names, buf, n);
	} else if (k->type == S2SIM_CFG_BOOL) {
		snprintf(buf, n, "true, false");
	} else if (k->type == S2SIM_CFG_POLICY) {
		describe_policy(buf, n);
	} else if (k->type == S2SIM_CFG_STRING) {
		snprintf(buf, n, "at most %zu bytes", k->size - 1);
	} else if (k->type == S2SIM_CFG_DOUBLE) {
		snprintf(buf, n, "[%g, %g]", k->dmin, k->dmax);
	} else {
		if (k->type == S2SIM_CFG_SIZE) {
			s2sim_cfg_format_size(k->min, a, sizeof(a));
			s2sim_cfg_format_size(k->max, b, sizeof(b));
		} else {
			snprintf(a, sizeof(a), "%llu", (unsigned long long)k->min);
			snprintf(b, sizeof(b), "%llu", (unsigned long long)k->max);
		}
		snprintf(buf, n, "[%s, %s]", a, b);
	}
}
