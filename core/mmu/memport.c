/*
 * Memory ports for descriptor fetches: the flat port and the default
 * cache-hierarchy model (see memport.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <s2sim/common.h>

#include "core/mmu/memport.h"

/* --- flat port --- */

static uint64_t flat_read64(void *ctx, uint64_t pa, int level,
			    uint64_t *latency_ps)
{
	struct s2sim_flat_port *fp = ctx;

	(void)level;
	fp->reads++;
	*latency_ps = fp->latency_ps;
	return s2sim_physmem_read64(fp->pm, pa);
}

struct s2sim_memport s2sim_flat_port_get(struct s2sim_flat_port *fp)
{
	struct s2sim_memport p = { flat_read64, fp, NULL };

	return p;
}

/* --- one LRU set-associative array of line addresses ---
 *
 * Each set keeps its ways in recency order, most recent first, so LRU
 * needs no age stamps: a hit moves its line to the front, a miss inserts at
 * the front and drops the last way.  Empty ways (0) are always at the end.
 * Tags only, 32 bits each (a line's key, below), so a 16-way set is one
 * host cache line: the tag arrays of a 48-PE platform are ~5 MiB rather
 * than ~10, and a walk's leaf fetch, which scans three of them, misses
 * the host's caches less (full walks 1.1-1.45x faster on 2026-12-07,
 * docs/mmu.md).
 */

struct line_cache {
	uint32_t sets, ways;
	uint32_t *tag; /* line key (see line_key()); 0 = empty */
};

static int lc_init(struct line_cache *c, uint32_t lines, uint32_t ways)
{
	if (lines == 0) {
		c->sets = 0;
		c->tag = NULL;
		return S2SIM_OK;
	}
	c->ways = lines < ways ? lines : ways;
	c->sets = lines / c->ways;
	c->tag = calloc((size_t)c->sets * c->ways, sizeof(*c->tag));
	return c->tag ? S2SIM_OK : S2SIM_ENOMEM;
}

static void lc_fini(struct line_cache *c)
{
	free(c->tag);
}

/* The set of `line`: a multiplicative hash reduced to [0, sets) by a
 * multiply-shift, so any set count works. */
static uint32_t *lc_set(const struct line_cache *c, uint64_t line)
{
	uint64_t h = (line * 0x9e3779b97f4a7c15ull) >> 32;

	return &c->tag[(size_t)((h * c->sets) >> 32) * c->ways];
}

/* Position of `key` in set `s`, or `ways` if absent. */
static uint32_t lc_find(const uint32_t *s, uint32_t ways, uint32_t key)
{
	uint32_t i;

	for (i = 0; i < ways && s[i]; i++)
		if (s[i] == key)
			return i;
	return ways;
}

/* Look `line` (whose key is `key`) up and make it the most recent way; on
 * a miss it is installed, evicting the LRU way.  One pass: each way takes
 * the value of the one before it until the line's old position (a hit),
 * the first empty way or the end of the set (a miss) is reached.  Returns
 * whether it hit.  An absent level (no sets) always misses. */
static bool lc_access(struct line_cache *c, uint64_t line, uint32_t key)
{
	uint32_t prev = key, *s;

	if (!c->sets)
		return false;
	s = lc_set(c, line);
	for (uint32_t i = 0; i < c->ways; i++) {
		uint32_t cur = s[i];

		s[i] = prev;
		if (cur == key)
			return true;
		if (!cur)
			return false;
		prev = cur;
	}
	return false;
}

/* Drop `line`, keeping the empty way at the end; returns whether it was
 * present. */
static bool lc_remove(struct line_cache *c, uint64_t line, uint32_t key)
{
	uint32_t *s, i;

	if (!c->sets)
		return false;
	s = lc_set(c, line);
	i = lc_find(s, c->ways, key);
	if (i == c->ways)
		return false;
	memmove(&s[i], &s[i + 1], (c->ways - 1 - i) * sizeof(*s));
	s[c->ways - 1] = 0;
	return true;
}

/* --- the default port --- */

struct memsys_pe {
	struct s2sim_memsys *ms;
	struct line_cache l1d, l2;
	int last;
	struct s2sim_memsys_pe_stats st;
};

struct s2sim_memsys {
	const struct s2sim_physmem *pm;
	uint64_t base_line; /* first line of the table-page window */
	uint32_t pes;
	uint64_t lat_ps[S2SIM_MEM_NSRC];
	struct line_cache slc;
	struct memsys_pe *pe;
};

void s2sim_memsys_params_from_cfg(struct s2sim_memsys_params *p,
				  const struct s2sim_cfg *cfg)
{
	p->pes = cfg->platform.pes;
	p->cpu_mhz = cfg->platform.cpu_mhz;
	p->l1d_cycles = cfg->platform.mem.l1d_cycles;
	p->l2_cycles = cfg->platform.mem.l2_cycles;
	p->slc_cycles = cfg->platform.mem.slc_cycles;
	p->dram_cycles = cfg->platform.mem.dram_cycles;
	p->l1d_lines = cfg->platform.mem.l1d_lines;
	p->l2_lines = cfg->platform.mem.l2_lines;
	p->slc_lines = cfg->platform.mem.slc_lines;
}

static uint64_t cycles_to_ps(uint32_t cycles, double mhz)
{
	return (uint64_t)llround((double)cycles * 1e6 / mhz);
}

static int ms_fail(struct s2sim_errbuf *err, int rc, const char *msg)
{
	struct s2sim_errbuf scratch;

	return s2sim_err(err ? err : &scratch, rc, "%s", msg);
}

static int init_pes(struct s2sim_memsys *ms, const struct s2sim_memsys_params *p)
{
	ms->pe = calloc(p->pes, sizeof(*ms->pe));
	if (!ms->pe)
		return S2SIM_ENOMEM;
	for (uint32_t i = 0; i < p->pes; i++) {
		struct memsys_pe *pe = &ms->pe[i];

		pe->ms = ms;
		pe->last = S2SIM_MEM_UNKNOWN;
		if (lc_init(&pe->l1d, p->l1d_lines, S2SIM_MEMSYS_L1D_WAYS) ||
		    lc_init(&pe->l2, p->l2_lines, S2SIM_MEMSYS_L2_WAYS))
			return S2SIM_ENOMEM;
	}
	return S2SIM_OK;
}

int s2sim_memsys_create(const struct s2sim_memsys_params *p,
			const struct s2sim_physmem *pm,
			struct s2sim_memsys **out, struct s2sim_errbuf *err)
{
	struct s2sim_memsys *ms;

	*out = NULL;
	if (!p->pes || !(p->cpu_mhz > 0))
		return ms_fail(err, S2SIM_EINPUT,
			       "memory model needs PEs and a positive clock");
	ms = calloc(1, sizeof(*ms));
	if (!ms)
		return ms_fail(err, S2SIM_ENOMEM, "out of memory");
	ms->pm = pm;
	ms->base_line = s2sim_physmem_window_base(pm) >> S2SIM_MEMSYS_LINE_SHIFT;
	ms->pes = p->pes;
	ms->lat_ps[S2SIM_MEM_L1D] = cycles_to_ps(p->l1d_cycles, p->cpu_mhz);
	ms->lat_ps[S2SIM_MEM_L2] = cycles_to_ps(p->l2_cycles, p->cpu_mhz);
	ms->lat_ps[S2SIM_MEM_SLC] = cycles_to_ps(p->slc_cycles, p->cpu_mhz);
	ms->lat_ps[S2SIM_MEM_DRAM] = cycles_to_ps(p->dram_cycles, p->cpu_mhz);
	if (lc_init(&ms->slc, p->slc_lines, S2SIM_MEMSYS_SLC_WAYS) ||
	    init_pes(ms, p)) {
		s2sim_memsys_destroy(ms);
		return ms_fail(err, S2SIM_ENOMEM, "out of memory");
	}
	*out = ms;
	return S2SIM_OK;
}

void s2sim_memsys_destroy(struct s2sim_memsys *ms)
{
	if (!ms)
		return;
	for (uint32_t i = 0; ms->pe && i < ms->pes; i++) {
		lc_fini(&ms->pe[i].l1d);
		lc_fini(&ms->pe[i].l2);
	}
	free(ms->pe);
	lc_fini(&ms->slc);
	free(ms);
}

/*
 * The 32-bit key a cache stores for `line`: 1 + its offset in the table
 * window, where every table page lives.  A line below the window or 2^32
 * lines (256 GiB) or more above its base has no key and is modelled as
 * uncached -- reachable only by a descriptor pointing outside the tables
 * (whose fetch reads 0) or by more table memory than any run's budget
 * allows.
 */
static bool line_key(const struct s2sim_memsys *ms, uint64_t line,
		     uint32_t *key)
{
	uint64_t off = line - ms->base_line;

	if (line < ms->base_line || off >= UINT32_MAX)
		return false;
	*key = (uint32_t)off + 1;
	return true;
}

/* Where `line` is found for this PE, filling the levels that missed. */
static enum s2sim_mem_src lookup(struct memsys_pe *pe, uint64_t line)
{
	uint32_t key;

	if (!line_key(pe->ms, line, &key))
		return S2SIM_MEM_DRAM;
	if (lc_access(&pe->l1d, line, key))
		return S2SIM_MEM_L1D;
	if (lc_access(&pe->l2, line, key))
		return S2SIM_MEM_L2;
	if (lc_access(&pe->ms->slc, line, key))
		return S2SIM_MEM_SLC;
	return S2SIM_MEM_DRAM;
}

/* Start loading what a miss in the private caches will need -- the
 * descriptor itself and the line's SLC set -- so that the two (host)
 * memory accesses overlap with each other and the L1D/L2 lookups.  This
 * changes the host's speed only, never the result. */
static const uint64_t *prefetch(const struct memsys_pe *pe, uint64_t pa,
				uint64_t line)
{
	const uint64_t *page = s2sim_physmem_page(pe->ms->pm, pa);

	if (page)
		__builtin_prefetch(&page[(pa >> 3) & 511]);
	if (pe->ms->slc.sets)
		__builtin_prefetch(lc_set(&pe->ms->slc, line));
	return page;
}

static uint64_t memsys_read64(void *ctx, uint64_t pa, int level,
			      uint64_t *latency_ps)
{
	struct memsys_pe *pe = ctx;
	uint64_t line = pa >> S2SIM_MEMSYS_LINE_SHIFT;
	const uint64_t *page = prefetch(pe, pa, line);
	enum s2sim_mem_src src = lookup(pe, line);

	pe->last = (int)src;
	pe->st.fetches[level & 3][src]++;
	*latency_ps = pe->ms->lat_ps[src];
	return page ? page[(pa >> 3) & 511] : 0;
}

static int memsys_last_src(void *ctx)
{
	return ((const struct memsys_pe *)ctx)->last;
}

struct s2sim_memport s2sim_memsys_port(struct s2sim_memsys *ms, uint32_t pe)
{
	struct s2sim_memport p = { NULL, NULL, NULL };

	if (pe < ms->pes) {
		p.read64 = memsys_read64;
		p.ctx = &ms->pe[pe];
		p.last_src = memsys_last_src;
	}
	return p;
}

void s2sim_memsys_note_write(struct s2sim_memsys *ms, uint32_t pe,
			     uint64_t pa)
{
	uint64_t line = pa >> S2SIM_MEMSYS_LINE_SHIFT;
	uint32_t key;

	for (uint32_t i = 0; line_key(ms, line, &key) && i < ms->pes; i++) {
		struct memsys_pe *other = &ms->pe[i];
		bool had;

		if (i == pe)
			continue;
		had = lc_remove(&other->l1d, line, key);
		had |= lc_remove(&other->l2, line, key);
		if (had)
			other->st.invalidated++;
	}
	lookup(&ms->pe[pe], line);
	ms->pe[pe].st.writes++;
}

const struct s2sim_memsys_pe_stats *
s2sim_memsys_get_pe_stats(const struct s2sim_memsys *ms, uint32_t pe)
{
	return &ms->pe[pe].st;
}

uint64_t s2sim_memsys_latency_ps(const struct s2sim_memsys *ms,
				 enum s2sim_mem_src src)
{
	return src < S2SIM_MEM_NSRC ? ms->lat_ps[src] : 0;
}
