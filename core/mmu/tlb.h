/*
 * One generic TLB: a set-associative array of leaf translations tagged by
 * VMID, holding mixed page sizes.  The same structure models the L1 data
 * TLB (fully associative: ways == entries) and the unified L2 TLB.
 *
 * Lookup keys are IPAs: the model's traces are post-stage-1 and the guest's
 * stage 1 is an identity mapping of a configurable page size over IPA, so a
 * combined stage-1+stage-2 entry translates IPA -> PA like a stage-2-only
 * entry does; the two kinds differ in which TLBIs remove them (Arm ARM
 * D8.17.6.1: IPAS2E1 need not touch combined entries, VMALLE1 removes
 * them).  docs/mmu.md "TLBs" describes the layout and the policies.
 */
#ifndef S2SIM_CORE_MMU_TLB_H
#define S2SIM_CORE_MMU_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include <s2sim/common.h>

#include "core/config/cfg.h"
#include "core/util/errbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Permission bits of an entry (the intersection of both stages). */
enum {
	S2SIM_TLB_PERM_R = 1u << 0,
	S2SIM_TLB_PERM_W = 1u << 1,
	S2SIM_TLB_PERM_X = 1u << 2,
};

/* What an entry caches. */
enum s2sim_tlb_kind {
	S2SIM_TLB_KIND_COMBINED = 0, /* stage 1 + stage 2 (VA -> PA) */
	S2SIM_TLB_KIND_STAGE2 = 1,   /* stage 2 only (IPA -> PA) */
};

/* Kind filters of the invalidation operations: 1 << kind. */
enum {
	S2SIM_TLB_F_COMBINED = 1u << S2SIM_TLB_KIND_COMBINED,
	S2SIM_TLB_F_STAGE2 = 1u << S2SIM_TLB_KIND_STAGE2,
	S2SIM_TLB_F_BOTH = S2SIM_TLB_F_COMBINED | S2SIM_TLB_F_STAGE2,
};

/* Entry sizes (log2 bytes) a TLB can hold: the 4K/16K/64K granules' pages,
 * blocks and contiguous runs (Arm ARM D8.2, D8.7).  S2SIM_TLB_NCLASSES of
 * them; s2sim_tlb_size_class() maps a size to its index or -1. */
#define S2SIM_TLB_NCLASSES 8
int s2sim_tlb_size_class(unsigned size_log2);
unsigned s2sim_tlb_class_size(unsigned cls);

struct s2sim_tlb_entry {
	uint64_t ipa;     /* input address base, aligned to 1 << size */
	uint64_t pa;      /* output address base */
	uint16_t vmid;
	uint8_t size;     /* log2 bytes: 12, 16, 21, 25, 30, ... */
	uint8_t perms;    /* S2SIM_TLB_PERM_* */
	uint8_t level;    /* stage-2 level of the leaf (TTL-hinted TLBIs) */
	uint8_t kind;     /* enum s2sim_tlb_kind */
	uint8_t nt;       /* FEAT_BBML1 nT of the leaf block */
	uint8_t stale;    /* checker: an invalidation that should have
			   * removed it completed (s2sim_tlb_mark_stale) */
	uint32_t epoch;   /* the tables' write epoch its walk read
			   * (struct s2sim_s2ctx.epoch); checker only */
};

enum s2sim_tlb_outcome {
	S2SIM_TLB_MISS = 0,
	S2SIM_TLB_HIT,          /* exactly one entry matched */
	S2SIM_TLB_HIT_RESOLVED, /* several matched; policy FIRST/AMALGAMATE
				 * chose the returned entry */
	S2SIM_TLB_CONFLICT,     /* several matched, policy ABORT: the caller
				 * raises a TLB conflict abort (FSC 0b110000) */
};

/* What s2sim_tlb_insert() did. */
enum s2sim_tlb_fill {
	S2SIM_TLB_FILLED = 0, /* took a free way */
	S2SIM_TLB_REPLACED,   /* same VMID, kind, size, base: overwritten */
	S2SIM_TLB_EVICTED,    /* displaced a valid entry (copied to *evicted) */
};

struct s2sim_tlb_stats {
	uint64_t hits;          /* lookups returning HIT or HIT_RESOLVED */
	uint64_t misses;
	uint64_t conflicts;     /* lookups that matched more than one entry */
	uint64_t insertions;    /* s2sim_tlb_insert() calls that succeeded */
	uint64_t evictions;     /* valid entries displaced by an insertion */
	uint64_t invalidations; /* invalidation operations received */
	uint64_t removed;       /* entries removed by invalidations */
};

/* The structure is visible so that the MMU can embed it and register the
 * stats counters; its other fields are private to core/mmu/tlb*.c. */
struct s2sim_tlb {
	/* geometry and policies */
	uint32_t sets, ways, entries;
	uint32_t set_mask;    /* sets - 1 when sets is a power of two */
	bool set_pow2;
	bool tree_plru;       /* PLRU flavour: tree (ways a power of two) */
	enum s2sim_repl repl;
	enum s2sim_conflict_policy conflict;

	/* per slot (slot = set * ways + way); tag is the hot array */
	uint64_t *tag;        /* packed lookup key, or S2SIM_TLB_TAG_FREE */
	struct s2sim_tlb_entry *ent;
	uint64_t *seq;        /* install order, for conflict policy FIRST */
	uint8_t *ovl;         /* overlaps (or overlapped) another entry */
	uint8_t *tree;        /* tree PLRU: nodes 1 .. ways-1, `ways` a set */
	uint64_t *mru;        /* bit-PLRU: MRU bits, set_words a set */
	uint32_t *mru_count;  /* bit-PLRU: MRU bits set, per set */
	uint64_t *freemap;    /* free ways, set_words a set */
	uint32_t set_words;   /* 64-bit words of a per-set way bitmap */

	/* LRU, set associative: time of last use (the victim scan is over
	 * a few ways).  Fully associative: a circular doubly linked list of
	 * the valid slots, most recently used first, so the victim is its
	 * tail, not the result of a scan of every way.  Links are slot
	 * numbers; S2SIM_TLB_NIL when unlinked, or for an empty list. */
	uint64_t *stamp;
	uint64_t clock;
	struct s2sim_tlb_link { uint32_t prev, next; } *lru;
	uint32_t lru_head;

	/* the valid slots, densely packed in live[0 .. valid), and the
	 * position of each valid slot in it (whole-TLB invalidations) */
	uint32_t *live;
	uint32_t *live_pos;

	/* sets of at most 8 ways: a byte of each way's key hash, per set */
	uint64_t *hint;
	uint64_t hint_ways;   /* 0x80 in the bytes of existing ways */

	/* fully associative (sets == 1): hash index key -> slot + 1 */
	uint32_t *hidx;
	uint32_t hbits;

	uint32_t last;        /* slot of the last hit (a shortcut) */
	uint8_t present[2];   /* per kind: bitmask of size classes held */
	uint32_t count[2][S2SIM_TLB_NCLASSES];
	uint32_t valid;       /* valid entries */
	uint64_t install_seq;
	uint64_t rng;         /* xorshift64 state */

	struct s2sim_tlb_stats stats;
};

/* Allocate a TLB of cfg->entries entries in cfg->ways ways.  `seed` seeds
 * random replacement (0 picks a fixed constant).  S2SIM_EINPUT with a
 * message in `err` (may be NULL) for an impossible geometry. */
int s2sim_tlb_init(struct s2sim_tlb *t, const struct s2sim_cfg_tlb *cfg,
		   enum s2sim_conflict_policy conflict, uint64_t seed,
		   struct s2sim_errbuf *err);
void s2sim_tlb_fini(struct s2sim_tlb *t);

/* Translate `ipa` for `vmid` with entries of `kind`.  On HIT and
 * HIT_RESOLVED *out receives the entry to use; on CONFLICT it receives the
 * most recently installed of the matching entries (for the syndrome). */
enum s2sim_tlb_outcome s2sim_tlb_lookup(struct s2sim_tlb *t, uint16_t vmid,
					uint64_t ipa, enum s2sim_tlb_kind kind,
					struct s2sim_tlb_entry *out);

/* Install `e`.  An entry with the same VMID, kind, size and base is
 * replaced in place; entries of other sizes that overlap are kept (that is
 * how TLB conflicts arise).  S2SIM_EMISUSE for an unsupported size, a base
 * not aligned to the size or a bad kind; else an enum s2sim_tlb_fill. */
int s2sim_tlb_insert(struct s2sim_tlb *t, const struct s2sim_tlb_entry *e,
		     struct s2sim_tlb_entry *evicted);

/*
 * Invalidation.  Each returns how many entries it removed and considers
 * only entries whose kind is in `kinds` (S2SIM_TLB_F_*).  A TLB holds leaf
 * entries only, so the last-level-only hint never spares one of them (it
 * matters to the walk cache); `ttl_level` != 0 restricts the operation to
 * entries whose stage-2 leaf level equals it (Arm ARM C5.5, TTL hint).
 */
/* Entries of `vmid` that translate `ipa` (TLBI IPAS2E1, VAE1, ...). */
uint32_t s2sim_tlb_inv_ipa(struct s2sim_tlb *t, uint16_t vmid, uint64_t ipa,
			   unsigned kinds, bool last_level,
			   unsigned ttl_level);
/* Entries of `vmid` overlapping [base, base + len) (TLBI RIPAS2E1). */
uint32_t s2sim_tlb_inv_range(struct s2sim_tlb *t, uint16_t vmid,
			     uint64_t base, uint64_t len, unsigned kinds,
			     bool last_level, unsigned ttl_level);
/* Every entry of `vmid` (VMALLE1: combined; VMALLS12E1: both). */
uint32_t s2sim_tlb_inv_vmid(struct s2sim_tlb *t, uint16_t vmid,
			    unsigned kinds);
/* Every entry (ALLE1). */
uint32_t s2sim_tlb_inv_all(struct s2sim_tlb *t, unsigned kinds);

/* The architecture checker, not an architectural operation: flag the
 * entries of `vmid` overlapping [base, base + len) whose walk read the
 * tables at or before write epoch `epoch` (they cache a translation the
 * hypervisor has since changed and whose maintenance has completed).  A
 * later use of a flagged entry is a stale-translation finding.  Returns
 * how many entries it flagged. */
uint32_t s2sim_tlb_mark_stale(struct s2sim_tlb *t, uint16_t vmid,
			      uint64_t base, uint64_t len, uint32_t epoch);

/* Visit each valid entry (tests, checker, snoop-filter audits). */
typedef void (*s2sim_tlb_visit_fn)(void *ctx, const struct s2sim_tlb_entry *e);
void s2sim_tlb_foreach(const struct s2sim_tlb *t, s2sim_tlb_visit_fn fn,
		       void *ctx);

/*
 * Building the entry to install from a stage-2 walk.  `leaf` describes the
 * leaf descriptor the walk read; the entry's size is the smaller of the
 * stage-1 page size and the stage-2 mapping size (the block or page, or
 * its contiguous run when the Contiguous bit is set).  Stage-2-only
 * entries ignore the stage-1 size.
 */
struct s2sim_tlb_walk_leaf {
	uint64_t ipa;      /* base of the leaf's block or page */
	uint64_t pa;       /* its output address */
	uint8_t size;      /* log2: 12, 21, 30 (4K granule); 14, 25; 16, 29 */
	uint8_t level;     /* stage-2 level of the leaf */
	uint8_t perms;     /* S2SIM_TLB_PERM_*, both stages applied */
	bool contiguous;   /* the descriptor's Contiguous hint */
	bool nt;
};

/* S2SIM_EMISUSE if `ipa` is outside the leaf or a size is unsupported. */
int s2sim_tlb_entry_from_walk(const struct s2sim_tlb_walk_leaf *leaf,
			      uint64_t ipa, unsigned s1_page_log2,
			      uint16_t vmid, enum s2sim_tlb_kind kind,
			      struct s2sim_tlb_entry *out);
/* log2 size of the contiguous run a leaf of `size` belongs to (16 x 4K =
 * 64K, 16 x 2M = 32M, ...), or 0 if that leaf size has none. */
unsigned s2sim_tlb_contig_size(unsigned size_log2);

#ifdef __cplusplus
}
#endif
#endif
