/*
 * One PE's MMU: L1 data TLB -> unified L2 TLB -> walk cache -> stage-2
 * walker, and the TLB maintenance operations that reach it.
 *
 * TLB entries are combined stage-1+stage-2 entries, as on Neoverse cores;
 * the walk cache holds stage-2-only table descriptors.  So the TLBIs remove
 * different things (Arm ARM D8.17 and DESIGN.md §3):
 *   IPAS2E1 / IPAS2LE1 / RIPAS2E1 / RIPAS2LE1: stage-2-only entries covering
 *     the IPA(s) -- the walk cache (and stage-2-only TLB entries, of which
 *     this model installs none); combined entries survive, which is why KVM
 *     follows them with VMALLE1IS;
 *   VMALLE1: the VMID's combined (stage-1) entries;
 *   VMALLS12E1: everything of the VMID; ALLE1: everything.
 *
 * Model simplification: the PE is in order and blocking, so a PE has at
 * most one walk in flight; the walker's outstanding-walk table (coalescing)
 * matters only to an out-of-order PE model and is not driven here.
 */
#ifndef S2SIM_CORE_MMU_MMU_H
#define S2SIM_CORE_MMU_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include <s2sim/fabric.h>
#include <s2sim/stats.h>

#include "core/config/cfg.h"
#include "core/mmu/desc.h"
#include "core/mmu/memport.h"
#include "core/mmu/tlb.h"
#include "core/mmu/walk_cache.h"
#include "core/mmu/walker.h"
#include "core/util/errbuf.h"

enum s2sim_mmu_outcome {
	S2SIM_MMU_OK = 0,      /* translated */
	S2SIM_MMU_FAULT,       /* stage-2 fault: r->fault, r->level */
	S2SIM_MMU_CONFLICT,    /* TLB conflict abort (DFSC 0b110000) */
};

/* Where a translation was decided (the SystemC model's TranslatedBy has
 * the same values). */
enum s2sim_mmu_where {
	S2SIM_MMU_BY_L1 = 1,   /* L1 TLB hit */
	S2SIM_MMU_BY_L2 = 2,   /* L2 TLB hit */
	S2SIM_MMU_BY_WALK = 3, /* table walk */
};

struct s2sim_mmu_result {
	enum s2sim_mmu_outcome outcome;
	enum s2sim_fault fault;  /* for S2SIM_MMU_FAULT */
	uint8_t level;           /* leaf or faulting level */
	uint8_t where;           /* enum s2sim_mmu_where */
	uint64_t pa;
	uint64_t latency_ps;     /* lookups, walk, all of it */
};

struct s2sim_mmu_stats {
	uint64_t accesses;
	uint64_t faults;           /* any stage-2 fault reported */
	uint64_t tlb_perm_faults;  /* permission faults found on a TLB hit */
	uint64_t tlbi_received;    /* TLBI operations applied to this PE */
	uint64_t tlbi_removed;     /* entries (TLB + walk cache) they removed */
};

struct s2sim_mmu {
	uint32_t pe;
	struct s2sim_tlb l1, l2;
	struct s2sim_walk_cache wc;
	struct s2sim_walker walker;
	const struct s2sim_s2ctx *ctx; /* the running VM's VTTBR/VTCR */
	unsigned s1_page_log2;         /* the guest's stage-1 page size */
	uint64_t l1_ps, l2_ps;         /* hit latencies */
	s2sim_hist *walk_latency;      /* shared histogram, may be NULL */
	/* Told of every TLB and walk-cache fill (the snoop filters' feed);
	 * may be NULL. */
	void (*on_install)(void *ctx, uint32_t pe, uint16_t vmid, uint64_t ipa,
			   unsigned size_log2);
	void *install_ctx;
	/* Told of every use of a TLB entry the checker flagged stale
	 * (s2sim_mmu_mark_stale); may be NULL. */
	void (*on_stale_use)(void *ctx, uint32_t pe, uint64_t ipa);
	void *stale_ctx;
	struct s2sim_mmu_stats stats;
};

/* Build PE `pe`'s MMU from the platform config, fetching descriptors
 * through `port` and translating in stage-2 context `ctx`. */
int s2sim_mmu_init(struct s2sim_mmu *m, const struct s2sim_cfg *cfg,
		   uint32_t pe, struct s2sim_memport port,
		   const struct s2sim_s2ctx *ctx, struct s2sim_errbuf *err);
void s2sim_mmu_fini(struct s2sim_mmu *m);

/* Translate one data access. */
void s2sim_mmu_access(struct s2sim_mmu *m, uint64_t ipa, bool write,
		      struct s2sim_mmu_result *r);

/* The checker's marking of both TLBs (s2sim_tlb_mark_stale); returns the
 * entries it flagged.  The walk cache is not marked: it holds table
 * descriptors, and a stale one leads to a leaf the next walk re-reads. */
uint32_t s2sim_mmu_mark_stale(struct s2sim_mmu *m, uint16_t vmid, uint64_t ipa,
			      uint64_t size, uint32_t epoch);

/* Apply one TLBI to this PE's TLBs and walk cache; returns the number of
 * entries removed. */
uint32_t s2sim_mmu_tlbi(struct s2sim_mmu *m, const struct s2sim_dvm_op *op);

/* Register this PE's counters as "pe.<N>.<...>" and attach the shared
 * walk-latency histogram. */
int s2sim_mmu_register_stats(struct s2sim_mmu *m, s2sim_stats *st,
			     s2sim_hist *walk_latency);

#endif
