/*
 * Text form of traces: one record per line, `#` comments.
 *
 *   s2trace 1 vcpus=4
 *   memslot 0 base=0x40000000 size=4GiB backing=2MiB
 *   phase populate
 *   access 0 w 0x40000000 8 delta=100
 *   dirty_log_enable 0 manual_protect initially_set
 *   clear_dirty_log 0 first=0 pages=512
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "workloads/trace_record.h"
#include "workloads/trace_text.h"

#define MAX_TOKENS 8

struct tokens {
	int n;
	char *v[MAX_TOKENS];
};

static int fail(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return S2SIM_TEXT_ERROR;
}

/* Cut the comment and split on blanks.  -1 if there are too many tokens. */
static int tokenize(char *line, struct tokens *t)
{
	char *hash = strchr(line, '#');
	char *p = line;

	if (hash)
		*hash = '\0';
	t->n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			return 0;
		if (t->n == MAX_TOKENS)
			return -1;
		t->v[t->n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

/* Unsigned decimal or 0x-hex prefix of s; *end is past it.  -1 on no
 * digits or overflow. */
static int parse_u64_prefix(const char *s, uint64_t *out, const char **end)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *digits = p;

	for (;; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	if (p == digits)
		return -1;
	*out = v;
	*end = p;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	const char *end;

	return parse_u64_prefix(s, out, &end) == 0 && *end == '\0' ? 0 : -1;
}

/* A byte count with an optional binary unit: 4096, 4K, 4KiB, 2MiB, 1G... */
static int parse_bytes(const char *s, uint64_t *out)
{
	static const char *const units[] = { "K", "M", "G", "T" };
	const char *end;
	uint64_t v;
	unsigned i;

	if (parse_u64_prefix(s, &v, &end) != 0)
		return -1;
	if (*end == '\0') {
		*out = v;
		return 0;
	}
	for (i = 0; i < 4; i++) {
		unsigned shift = 10 * (i + 1);

		if (end[0] != units[i][0] ||
		    (end[1] != '\0' && strcmp(end + 1, "iB") != 0))
			continue;
		if (v > (UINT64_MAX >> shift))
			return -1;
		*out = v << shift;
		return 0;
	}
	return -1;
}

void s2sim_trace_format_bytes(uint64_t v, char *buf, size_t size)
{
	static const char *const units[] = { "TiB", "GiB", "MiB", "KiB" };
	unsigned i;

	for (i = 0; i < 4 && v; i++) {
		unsigned shift = 10 * (4 - i);

		if ((v & ((1ull << shift) - 1)) == 0) {
			snprintf(buf, size, "%" PRIu64 "%s", v >> shift, units[i]);
			return;
		}
	}
	snprintf(buf, size, "%" PRIu64, v);
}

int s2sim_trace_text_header(char *line, uint32_t *vcpus, char *msg,
			    size_t size)
{
	struct tokens t;
	uint64_t ver, n;

	if (tokenize(line, &t) != 0)
		return fail(msg, size, "malformed header line");
	if (t.n == 0)
		return S2SIM_TEXT_BLANK;
	if (strcmp(t.v[0], S2SIM_TRACE_TEXT_TAG) != 0)
		return S2SIM_TEXT_NOT_TRACE;
	if (t.n != 3 || strncmp(t.v[2], "vcpus=", 6) != 0)
		return fail(msg, size, "header must be `s2trace 1 vcpus=N`");
	if (parse_u64(t.v[1], &ver) != 0 || ver != S2SIM_TRACE_VERSION)
		return fail(msg, size, "unknown trace version %s (this build reads version %u)",
			    t.v[1], S2SIM_TRACE_VERSION);
	if (parse_u64(t.v[2] + 6, &n) != 0 || n == 0 || n > S2SIM_TRACE_MAX_VCPUS)
		return fail(msg, size, "vcpus must be 1..%u, not %s",
			    S2SIM_TRACE_MAX_VCPUS, t.v[2] + 6);
	*vcpus = (uint32_t)n;
	return S2SIM_TEXT_ITEM;
}

/* A numbered id (vCPU or slot) that must fit 16 bits. */
static int parse_id(const char *s, const char *what, uint16_t *out,
		    char *msg, size_t size)
{
	uint64_t v;

	if (parse_u64(s, &v) != 0 || v > UINT16_MAX)
		return fail(msg, size, "bad %s `%s`", what, s);
	*out = (uint16_t)v;
	return 0;
}

/* key=value arguments, each required exactly once.  values[i] receives the
 * value text of keys[i]. */
static int parse_kv(const struct tokens *t, int first, const char *const *keys,
		    int nkeys, const char **values, char *msg, size_t size)
{
	int i, k;

	for (k = 0; k < nkeys; k++)
		values[k] = NULL;
	for (i = first; i < t->n; i++) {
		const char *eq = strchr(t->v[i], '=');

		for (k = 0; k < nkeys; k++)
			if (eq && (size_t)(eq - t->v[i]) == strlen(keys[k]) &&
			    strncmp(t->v[i], keys[k], strlen(keys[k])) == 0)
				break;
		if (k == nkeys)
			return fail(msg, size, "%s: unexpected argument `%s`",
				    t->v[0], t->v[i]);
		if (values[k])
			return fail(msg, size, "%s: %s given twice", t->v[0], keys[k]);
		values[k] = eq + 1;
	}
	for (k = 0; k < nkeys; k++)
		if (!values[k])
			return fail(msg, size, "%s: missing %s=", t->v[0], keys[k]);
	return 0;
}

static int parse_access(const struct tokens *t, s2sim_record *r, char *msg,
			size_t size)
{
	uint64_t bytes, delta = 0;
	static const char *const keys[] = { "delta" };
	const char *val;

	if (t->n != 5 && t->n != 6)
		return fail(msg, size, "access: expected `access VCPU r|w IPA SIZE [delta=N]`");
	if (parse_id(t->v[1], "vcpu", &r->vcpu, msg, size))
		return -1;
	if (strcmp(t->v[2], "w") == 0)
		r->flags = S2SIM_ACCESS_WRITE;
	else if (strcmp(t->v[2], "r") != 0)
		return fail(msg, size, "access: expected r or w, not `%s`", t->v[2]);
	if (parse_u64(t->v[3], &r->addr) != 0)
		return fail(msg, size, "access: bad IPA `%s`", t->v[3]);
	if (parse_u64(t->v[4], &bytes) != 0 || bytes == 0 || bytes > 64 ||
	    (bytes & (bytes - 1)))
		return fail(msg, size, "access: size `%s` is not a power of two "
			    "from 1 to 64 bytes", t->v[4]);
	r->size_log2 = (uint8_t)__builtin_ctzll(bytes);
	if (t->n == 6) {
		if (parse_kv(t, 5, keys, 1, &val, msg, size))
			return -1;
		if (parse_u64(val, &delta) != 0 || delta > UINT32_MAX)
			return fail(msg, size, "access: bad delta `%s`", val);
	}
	r->delta = (uint32_t)delta;
	return 0;
}

static int parse_memslot(const struct tokens *t, s2sim_record *r, char *msg,
			 size_t size)
{
	static const char *const keys[] = { "base", "size", "backing" };
	const char *val[3];
	uint64_t backing;

	if (t->n < 2)
		return fail(msg, size, "memslot: expected `memslot SLOT base=IPA size=BYTES backing=4KiB|2MiB|1GiB`");
	if (parse_id(t->v[1], "slot", &r->slot, msg, size) ||
	    parse_kv(t, 2, keys, 3, val, msg, size))
		return -1;
	if (parse_u64(val[0], &r->addr) != 0)
		return fail(msg, size, "memslot: bad base `%s`", val[0]);
	if (parse_bytes(val[1], &r->len) != 0)
		return fail(msg, size, "memslot: bad size `%s`", val[1]);
	if (parse_bytes(val[2], &backing) != 0 ||
	    (backing != 1ull << 12 && backing != 1ull << 21 && backing != 1ull << 30))
		return fail(msg, size, "memslot: backing `%s` is not 4KiB, 2MiB or 1GiB",
			    val[2]);
	r->size_log2 = (uint8_t)__builtin_ctzll(backing);
	return 0;
}

static int parse_enable(const struct tokens *t, s2sim_record *r, char *msg,
			size_t size)
{
	int i;

	if (t->n < 2)
		return fail(msg, size, "dirty_log_enable: expected a slot");
	if (parse_id(t->v[1], "slot", &r->slot, msg, size))
		return -1;
	for (i = 2; i < t->n; i++) {
		uint8_t bit;

		if (strcmp(t->v[i], "manual_protect") == 0)
			bit = S2SIM_DLOG_MANUAL_PROTECT;
		else if (strcmp(t->v[i], "initially_set") == 0)
			bit = S2SIM_DLOG_INITIALLY_SET;
		else
			return fail(msg, size, "dirty_log_enable: unknown option `%s`",
				    t->v[i]);
		if (r->flags & bit)
			return fail(msg, size, "dirty_log_enable: %s given twice", t->v[i]);
		r->flags |= bit;
	}
	return 0;
}

static int parse_clear(const struct tokens *t, s2sim_record *r, char *msg,
		       size_t size)
{
	static const char *const keys[] = { "first", "pages" };
	const char *val[2];

	if (t->n < 2)
		return fail(msg, size, "clear_dirty_log: expected `clear_dirty_log SLOT first=N pages=N`");
	if (parse_id(t->v[1], "slot", &r->slot, msg, size) ||
	    parse_kv(t, 2, keys, 2, val, msg, size))
		return -1;
	if (parse_u64(val[0], &r->addr) != 0)
		return fail(msg, size, "clear_dirty_log: bad first `%s`", val[0]);
	if (parse_u64(val[1], &r->len) != 0)
		return fail(msg, size, "clear_dirty_log: bad pages `%s`", val[1]);
	return 0;
}

static int parse_phase(const struct tokens *t, s2sim_record *r, char *msg,
		       size_t size)
{
	uint64_t n;

	if (t->n != 2)
		return fail(msg, size, "phase: expected `phase populate|N|end`");
	if (strcmp(t->v[1], "populate") == 0)
		r->delta = S2SIM_PHASE_POPULATE;
	else if (strcmp(t->v[1], "end") == 0)
		r->delta = S2SIM_PHASE_END;
	else if (parse_u64(t->v[1], &n) == 0 && n >= 1 && n < S2SIM_PHASE_END)
		r->delta = (uint32_t)n;
	else
		return fail(msg, size, "phase: bad phase `%s`", t->v[1]);
	return 0;
}

/* Events that take only a slot. */
static int parse_slot_only(const struct tokens *t, s2sim_record *r,
			   char *msg, size_t size)
{
	if (t->n != 2)
		return fail(msg, size, "%s: expected `%s SLOT`", t->v[0], t->v[0]);
	return parse_id(t->v[1], "slot", &r->slot, msg, size);
}

static int parse_kind(const char *word)
{
	static const uint8_t kinds[] = {
		S2SIM_REC_ACCESS, S2SIM_REC_MEMSLOT, S2SIM_REC_DIRTY_LOG_ENABLE,
		S2SIM_REC_DIRTY_LOG_DISABLE, S2SIM_REC_GET_DIRTY_LOG,
		S2SIM_REC_CLEAR_DIRTY_LOG, S2SIM_REC_PHASE,
	};
	size_t i;

	for (i = 0; i < sizeof(kinds); i++)
		if (strcmp(word, s2sim_trace_kind_name(kinds[i])) == 0)
			return kinds[i];
	return -1;
}

int s2sim_trace_text_record(char *line, s2sim_record *r, char *msg,
			    size_t size)
{
	struct tokens t;
	int kind, rc;

	memset(r, 0, sizeof(*r));
	if (tokenize(line, &t) != 0)
		return fail(msg, size, "too many fields");
	if (t.n == 0)
		return S2SIM_TEXT_BLANK;
	kind = parse_kind(t.v[0]);
	if (kind < 0)
		return fail(msg, size, "unknown record kind `%s`", t.v[0]);
	r->kind = (uint8_t)kind;
	switch (kind) {
	case S2SIM_REC_ACCESS: rc = parse_access(&t, r, msg, size); break;
	case S2SIM_REC_MEMSLOT: rc = parse_memslot(&t, r, msg, size); break;
	case S2SIM_REC_DIRTY_LOG_ENABLE: rc = parse_enable(&t, r, msg, size); break;
	case S2SIM_REC_CLEAR_DIRTY_LOG: rc = parse_clear(&t, r, msg, size); break;
	case S2SIM_REC_PHASE: rc = parse_phase(&t, r, msg, size); break;
	default: rc = parse_slot_only(&t, r, msg, size); break;
	}
	if (rc != 0 || s2sim_trace_record_check(r, msg, size) != 0)
		return S2SIM_TEXT_ERROR;
	return S2SIM_TEXT_ITEM;
}

static int format_phase(uint32_t n, char *buf, size_t size)
{
	if (n == S2SIM_PHASE_POPULATE)
		return snprintf(buf, size, "phase populate");
	if (n == S2SIM_PHASE_END)
		return snprintf(buf, size, "phase end");
	return snprintf(buf, size, "phase %" PRIu32, n);
}

int s2sim_record_format(const s2sim_record *r, char *buf, size_t size)
{
	char len[32], backing[32];

	switch (r->kind) {
	case S2SIM_REC_ACCESS:
		return snprintf(buf, size, "access %u %c 0x%" PRIx64 " %" PRIu64 " delta=%" PRIu32,
				r->vcpu, (r->flags & S2SIM_ACCESS_WRITE) ? 'w' : 'r',
				r->addr, (uint64_t)1 << (r->size_log2 & 63), r->delta);
	case S2SIM_REC_MEMSLOT:
		s2sim_trace_format_bytes(r->len, len, sizeof(len));
		s2sim_trace_format_bytes(r->size_log2 < 64 ? 1ull << r->size_log2 : 0,
					 backing, sizeof(backing));
		return snprintf(buf, size, "memslot %u base=0x%" PRIx64 " size=%s backing=%s",
				r->slot, r->addr, len, backing);
	case S2SIM_REC_DIRTY_LOG_ENABLE:
		return snprintf(buf, size, "dirty_log_enable %u%s%s", r->slot,
				(r->flags & S2SIM_DLOG_MANUAL_PROTECT) ? " manual_protect" : "",
				(r->flags & S2SIM_DLOG_INITIALLY_SET) ? " initially_set" : "");
	case S2SIM_REC_DIRTY_LOG_DISABLE:
	case S2SIM_REC_GET_DIRTY_LOG:
		return snprintf(buf, size, "%s %u", s2sim_trace_kind_name(r->kind), r->slot);
	case S2SIM_REC_CLEAR_DIRTY_LOG:
		return snprintf(buf, size, "clear_dirty_log %u first=%" PRIu64 " pages=%" PRIu64,
				r->slot, r->addr, r->len);
	case S2SIM_REC_PHASE:
		return format_phase(r->delta, buf, size);
	default:
		return snprintf(buf, size, "# unknown record kind 0x%02x", r->kind);
	}
}
