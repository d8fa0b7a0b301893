/*
 * Stage-2 walk cache (see walk_cache.h for the invalidation rules).
 */
#include <stdarg.h>
#include <stdlib.h>

#include <s2sim/common.h>

#include "core/mmu/desc.h"
#include "core/mmu/walk_cache.h"

static int wc_fail(struct s2sim_errbuf *err, const char *fmt, ...)
{
	struct s2sim_errbuf scratch;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = s2sim_verr(err ? err : &scratch, S2SIM_EINPUT, fmt, ap);
	va_end(ap);
	return rc;
}

static int init_level(struct s2sim_wc_level *lv,
		      const struct s2sim_cfg_walk_cache_level *cfg,
		      unsigned level, struct s2sim_errbuf *err)
{
	uint32_t sets;

	lv->sets = 0;
	lv->e = NULL;
	if (cfg->entries == 0)
		return S2SIM_OK;
	if (cfg->ways == 0 || cfg->entries % cfg->ways)
		return wc_fail(err, "walk cache level %u: %u entries is not a "
			       "multiple of %u ways", level, cfg->entries,
			       cfg->ways);
	sets = cfg->entries / cfg->ways;
	if (sets & (sets - 1))
		return wc_fail(err, "walk cache level %u: %u sets is not a "
			       "power of two", level, sets);
	lv->e = calloc(cfg->entries, sizeof(*lv->e));
	if (!lv->e)
		return S2SIM_ENOMEM;
	lv->sets = sets;
	lv->ways = cfg->ways;
	return S2SIM_OK;
}

int s2sim_walk_cache_init(struct s2sim_walk_cache *wc,
			  const struct s2sim_cfg_walk_cache_level cfg[3],
			  struct s2sim_errbuf *err)
{
	*wc = (struct s2sim_walk_cache){ 0 };
	for (unsigned l = 0; l < S2SIM_WC_LEVELS; l++) {
		int rc = init_level(&wc->lv[l], &cfg[l], l, err);

		if (rc) {
			s2sim_walk_cache_fini(wc);
			return rc;
		}
	}
	return S2SIM_OK;
}

void s2sim_walk_cache_fini(struct s2sim_walk_cache *wc)
{
	for (unsigned l = 0; l < S2SIM_WC_LEVELS; l++) {
		free(wc->lv[l].e);
		wc->lv[l].e = NULL;
		wc->lv[l].sets = 0;
	}
}

bool s2sim_walk_cache_enabled(const struct s2sim_walk_cache *wc)
{
	return wc->lv[0].sets || wc->lv[1].sets || wc->lv[2].sets;
}

/* First entry of the set of (vmid, tag): the low tag bits, XORed with the
 * VMID so that guests sharing IPAs spread over the sets. */
static struct s2sim_wc_entry *set_of(const struct s2sim_wc_level *lv,
				     uint16_t vmid, uint64_t tag)
{
	uint32_t set = (uint32_t)(tag ^ vmid) & (lv->sets - 1);

	return &lv->e[(size_t)set * lv->ways];
}

static struct s2sim_wc_entry *find(const struct s2sim_wc_level *lv,
				   uint16_t vmid, uint64_t tag)
{
	struct s2sim_wc_entry *s = set_of(lv, vmid, tag);

	for (uint32_t w = 0; w < lv->ways; w++)
		if (s[w].stamp && s[w].tag == tag && s[w].vmid == vmid)
			return &s[w];
	return NULL;
}

int s2sim_walk_cache_lookup(struct s2sim_walk_cache *wc, uint16_t vmid,
			    uint64_t ipa, uint64_t *desc)
{
	wc->stats.lookups++;
	for (int l = S2SIM_WC_LEVELS - 1; l >= 0; l--) {
		struct s2sim_wc_level *lv = &wc->lv[l];
		struct s2sim_wc_entry *e;

		if (!lv->sets)
			continue;
		e = find(lv, vmid, ipa >> s2sim_level_shift((unsigned)l));
		if (!e)
			continue;
		e->stamp = ++wc->clock;
		*desc = e->desc;
		wc->stats.hits[l]++;
		return l;
	}
	wc->stats.misses++;
	return -1;
}

/* An empty way, else the least recently used one. */
static struct s2sim_wc_entry *victim(const struct s2sim_wc_level *lv,
				     struct s2sim_wc_entry *s)
{
	struct s2sim_wc_entry *v = &s[0];

	for (uint32_t w = 0; w < lv->ways; w++) {
		if (!s[w].stamp)
			return &s[w];
		if (s[w].stamp < v->stamp)
			v = &s[w];
	}
	return v;
}

void s2sim_walk_cache_insert(struct s2sim_walk_cache *wc, uint16_t vmid,
			     uint64_t ipa, unsigned level, uint64_t desc)
{
	struct s2sim_wc_level *lv;
	struct s2sim_wc_entry *e;
	uint64_t tag;

	if (level >= S2SIM_WC_LEVELS || !wc->lv[level].sets ||
	    s2sim_desc_type(desc, level) != S2SIM_DESC_T_TABLE)
		return;
	lv = &wc->lv[level];
	tag = ipa >> s2sim_level_shift(level);
	e = find(lv, vmid, tag);
	if (!e) {
		e = victim(lv, set_of(lv, vmid, tag));
		if (e->stamp)
			wc->stats.evictions++;
		else
			wc->valid++;
		e->tag = tag;
		e->vmid = vmid;
	}
	e->desc = desc;
	e->stamp = ++wc->clock;
	wc->stats.inserts++;
}

static uint32_t drop(struct s2sim_walk_cache *wc, struct s2sim_wc_entry *e)
{
	e->stamp = 0;
	wc->valid--;
	return 1;
}

/* The TTL / last-level rules of the header: does an operation with these
 * hints reach table entries at `level`? */
static bool level_in_scope(unsigned level, bool last_level,
			   unsigned ttl_level)
{
	if (last_level)
		return false;
	return ttl_level == 0 || ttl_level == level;
}

uint32_t s2sim_walk_cache_inv_ipa(struct s2sim_walk_cache *wc, uint16_t vmid,
				  uint64_t ipa, bool last_level,
				  unsigned ttl_level)
{
	uint32_t n = 0;

	wc->stats.invalidations++;
	for (unsigned l = 0; l < S2SIM_WC_LEVELS; l++) {
		struct s2sim_wc_entry *e;

		if (!wc->lv[l].sets || !level_in_scope(l, last_level, ttl_level))
			continue;
		e = find(&wc->lv[l], vmid, ipa >> s2sim_level_shift(l));
		if (e)
			n += drop(wc, e);
	}
	wc->stats.removed += n;
	return n;
}

/* Drop the valid entries of level `l` of `vmid` (of any VMID with
 * `any_vmid`) whose tag lies in [lo_tag, hi_tag]. */
static uint32_t sweep_level(struct s2sim_walk_cache *wc, unsigned l,
			    bool any_vmid, uint16_t vmid, uint64_t lo_tag,
			    uint64_t hi_tag)
{
	struct s2sim_wc_level *lv = &wc->lv[l];
	size_t n = (size_t)lv->sets * lv->ways;
	uint32_t removed = 0;

	for (size_t i = 0; i < n; i++) {
		struct s2sim_wc_entry *e = &lv->e[i];

		if (!e->stamp || (!any_vmid && e->vmid != vmid) ||
		    e->tag < lo_tag || e->tag > hi_tag)
			continue;
		removed += drop(wc, e);
	}
	return removed;
}

uint32_t s2sim_walk_cache_inv_range(struct s2sim_walk_cache *wc,
				    uint16_t vmid, uint64_t base,
				    uint64_t len, bool last_level,
				    unsigned ttl_level)
{
	uint64_t last = base + len - 1;
	uint32_t n = 0;

	wc->stats.invalidations++;
	if (len == 0)
		return 0;
	if (last < base)
		last = UINT64_MAX;
	for (unsigned l = 0; l < S2SIM_WC_LEVELS; l++) {
		unsigned sh = s2sim_level_shift(l);

		if (!wc->lv[l].sets || !level_in_scope(l, last_level, ttl_level))
			continue;
		n += sweep_level(wc, l, false, vmid, base >> sh, last >> sh);
	}
	wc->stats.removed += n;
	return n;
}

uint32_t s2sim_walk_cache_inv_vmid(struct s2sim_walk_cache *wc,
				   uint16_t vmid)
{
	uint32_t n = 0;

	wc->stats.invalidations++;
	for (unsigned l = 0; l < S2SIM_WC_LEVELS; l++)
		if (wc->lv[l].sets)
			n += sweep_level(wc, l, false, vmid, 0, UINT64_MAX);
	wc->stats.removed += n;
	return n;
}

uint32_t s2sim_walk_cache_inv_all(struct s2sim_walk_cache *wc)
{
	uint32_t n = 0;

	wc->stats.invalidations++;
	for (unsigned l = 0; l < S2SIM_WC_LEVELS; l++)
		if (wc->lv[l].sets)
			n += sweep_level(wc, l, true, 0, 0, UINT64_MAX);
	wc->stats.removed += n;
	return n;
}

void s2sim_walk_cache_foreach(const struct s2sim_walk_cache *wc,
			      s2sim_wc_visit_fn fn, void *ctx)
{
	for (unsigned l = 0; l < S2SIM_WC_LEVELS; l++) {
		const struct s2sim_wc_level *lv = &wc->lv[l];
		size_t n = (size_t)lv->sets * lv->ways;

		for (size_t i = 0; i < n; i++)
			if (lv->e[i].stamp)
				fn(ctx, l, &lv->e[i]);
	}
}
