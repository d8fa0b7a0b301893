/*
 * The stage-2 walk cache: intermediate (table) descriptors, by level, tagged
 * by VMID, so that a walk can start below the root.
 *
 * One set-associative array per level 0-2 (the levels that hold table
 * descriptors with the 4 KiB granule), sized by platform.walk_cache.lN
 * (0 entries: that level is not cached), LRU within a set.  An entry at
 * level L holds the level-L table descriptor covering IPA[47:shift(L)]
 * (shift 39, 30, 21) of one VMID, i.e. the address of the level-(L+1)
 * table for that region.  Invalid descriptors are never cached (Arm ARM
 * I_WZCBG), so only valid table descriptors are inserted.
 *
 * Invalidation follows the architecture's TLBI matching (Arm ARM C5.5 and
 * the AArch64.TLBIMatch pseudocode):
 *  - by IPA (TLBI IPAS2E1): entries of the VMID whose region contains the
 *    IPA.  These are stage-2-only entries, so IPAS2E1 must remove them.
 *  - last-level-only forms (IPAS2LE1, RIPAS2LE1) are only required to
 *    remove leaf entries ("TLBILevel_Last ... !entry.walkstate.istable"):
 *    a walk cache holds none, so they remove nothing here.
 *  - a TTL hint (FEAT_TTL) says the leaf for the address is at level T; an
 *    entry matches only if its level is T ("UInt(ttl<1:0>) == entry
 *    walkstate.level"; "if an incorrect value of the TTL field is
 *    specified ... no entries are required ... to be invalidated").  So a
 *    hinted TLBI removes only table entries at level T: the one a collapse
 *    (table -> block at T) leaves stale.  With the 4 KiB granule and no
 *    FEAT_LPA2, TTL level 0 means "no hint", so ttl_level 0 is "none".
 *  - by range (RIPAS2E1): entries whose region overlaps the range, with
 *    the same hint rules.
 *  - by VMID (VMALLS12E1) and all (ALLE1).  TLBI VMALLE1 is stage 1 only
 *    and does not touch this structure.
 * Every invalidation returns the number of entries it removed.
 */
#ifndef S2SIM_CORE_MMU_WALK_CACHE_H
#define S2SIM_CORE_MMU_WALK_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config/cfg.h"
#include "core/util/errbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define S2SIM_WC_LEVELS 3

struct s2sim_wc_entry {
	uint64_t tag;   /* IPA >> shift(level) */
	uint64_t desc;  /* the table descriptor */
	uint64_t stamp; /* LRU: last use; 0 = empty */
	uint16_t vmid;
};

struct s2sim_wc_level {
	uint32_t sets, ways; /* sets == 0: level not cached */
	struct s2sim_wc_entry *e;
};

struct s2sim_wc_stats {
	uint64_t lookups;
	uint64_t hits[S2SIM_WC_LEVELS]; /* deepest hit per level */
	uint64_t misses;                /* no level hit */
	uint64_t inserts, evictions;
	uint64_t invalidations, removed;
};

struct s2sim_walk_cache {
	struct s2sim_wc_level lv[S2SIM_WC_LEVELS];
	uint64_t clock;
	uint32_t valid;
	struct s2sim_wc_stats stats;
};

/* S2SIM_EINPUT if a level's entries are not a multiple of its ways. */
int s2sim_walk_cache_init(struct s2sim_walk_cache *wc,
			  const struct s2sim_cfg_walk_cache_level cfg[3],
			  struct s2sim_errbuf *err);
void s2sim_walk_cache_fini(struct s2sim_walk_cache *wc);
/* Whether any level is cached. */
bool s2sim_walk_cache_enabled(const struct s2sim_walk_cache *wc);

/* The deepest cached table descriptor for (vmid, ipa): returns its level
 * (0-2) and stores the descriptor in *desc (it points to the table of the
 * next level), or returns -1.  A hit refreshes the entry's LRU age. */
int s2sim_walk_cache_lookup(struct s2sim_walk_cache *wc, uint16_t vmid,
			    uint64_t ipa, uint64_t *desc);
/* Cache the level-`level` table descriptor the walk of (vmid, ipa) read.
 * Ignored for uncached levels and for anything but a valid table
 * descriptor. */
void s2sim_walk_cache_insert(struct s2sim_walk_cache *wc, uint16_t vmid,
			     uint64_t ipa, unsigned level, uint64_t desc);

uint32_t s2sim_walk_cache_inv_ipa(struct s2sim_walk_cache *wc, uint16_t vmid,
				  uint64_t ipa, bool last_level,
				  unsigned ttl_level);
uint32_t s2sim_walk_cache_inv_range(struct s2sim_walk_cache *wc,
				    uint16_t vmid, uint64_t base,
				    uint64_t len, bool last_level,
				    unsigned ttl_level);
uint32_t s2sim_walk_cache_inv_vmid(struct s2sim_walk_cache *wc,
				   uint16_t vmid);
uint32_t s2sim_walk_cache_inv_all(struct s2sim_walk_cache *wc);

/* Visit each valid entry (tests, checker). */
typedef void (*s2sim_wc_visit_fn)(void *ctx, unsigned level,
				  const struct s2sim_wc_entry *e);
void s2sim_walk_cache_foreach(const struct s2sim_walk_cache *wc,
			      s2sim_wc_visit_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
