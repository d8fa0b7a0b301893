/*
 * The stage-2 translation table walker of one PE.
 *
 * s2sim_walker_translate() walks the real tables in simulated memory for
 * (VMID, IPA, access), reading one descriptor per level through the
 * walker's memory port, and returns either the leaf (PA, permissions,
 * level, block size, Contiguous, nT) or the fault the MMU would report
 * (class, level, ESR_EL2.ISS.DFSC, HPFAR_EL2), with the walk's latency and
 * the descriptors it fetched.  Before the first fetch it looks in the walk
 * cache (if any) and starts below the deepest cached table descriptor;
 * the table descriptors it reads are then cached.
 *
 * Checks, in the order the Arm ARM pseudocode (AArch64.S2Translate /
 * AArch64.S2Walk) and QEMU's get_phys_addr_lpae make them:
 *  1. IPA >= 2^ipa_bits: Translation fault, level 0 (AArch64.IPAIsOutOfRange;
 *     no descriptor is read).
 *  2. per level: invalid or reserved descriptor -> Translation fault; table
 *     or output address wider than PS -> Address size fault, at that level.
 *  3. at the leaf: AF = 0 -> Access flag fault (unless VTCR_EL2.HA: then the
 *     result asks for the hardware AF update); then S2AP/XN against the
 *     access -> Permission fault (a write to a DBM = 1 entry with
 *     VTCR_EL2.HD is allowed and asks for the hardware dirty update).
 *  Optionally (R_MRRPW, IMPLEMENTATION DEFINED) a block with nT = 1 gives a
 *  Translation fault at its level.
 * Hardware AF/dirty updates are reported, not written back.
 *
 * The outstanding-walk table models "several walks in flight per PE, walks
 * to the same page coalesce": begin() claims a slot for a page, joins the
 * walk already in flight for it, or reports that all slots are busy;
 * complete() frees the slot.  The PE model drives it (the walker itself is
 * a function: a walk's latency is returned, not scheduled).
 */
#ifndef S2SIM_CORE_MMU_WALKER_H
#define S2SIM_CORE_MMU_WALKER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config/cfg.h"
#include "core/mmu/desc.h"
#include "core/mmu/memport.h"
#include "core/mmu/walk_cache.h"
#include "core/util/errbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a fetched descriptor came from: the memory-port sources, plus the
 * walk cache for the level whose table descriptor it supplied. */
#define S2SIM_WALK_SRC_WALK_CACHE (S2SIM_MEM_NSRC + 1)
#define S2SIM_WALK_NSRC (S2SIM_MEM_NSRC + 2)

struct s2sim_walk_fetch {
	uint64_t pa;         /* descriptor address */
	uint64_t desc;
	uint64_t latency_ps;
	uint8_t level;
	uint8_t src;         /* enum s2sim_mem_src or S2SIM_WALK_SRC_* */
};

struct s2sim_walk_result {
	enum s2sim_fault fault;  /* S2SIM_FAULT_NONE on success */
	uint8_t level;           /* leaf level, or the faulting level */
	int8_t wc_level;         /* walk-cache hit level, -1 if none */
	uint8_t nfetch;          /* descriptors read from memory */
	uint8_t size_log2;       /* leaf: 30, 21 or 12 */
	unsigned perms;          /* leaf: S2SIM_PERM_* */
	bool contiguous, nt;     /* leaf: Contiguous hint, FEAT_BBML1 nT */
	bool af_update;          /* HA: hardware would set AF */
	bool dirty_update;       /* HD: hardware would set S2AP[1] */
	uint64_t pa;             /* output address of the access */
	uint64_t ipa_base;       /* leaf: first IPA of the block / page */
	uint64_t pa_base;        /* leaf: its output address */
	uint64_t desc;           /* the leaf, or the faulting descriptor */
	uint32_t dfsc;           /* fault: ESR_EL2.ISS.DFSC / IFSC */
	uint64_t esr;            /* fault: ESR_EL2 (EC, IL, WnR, DFSC) */
	uint64_t hpfar;          /* fault: HPFAR_EL2 when hpfar_valid */
	bool hpfar_valid;
	uint64_t latency_ps;     /* walk-cache lookup + every fetch */
	struct s2sim_walk_fetch fetch[4];
};

#define S2SIM_WALK_HIST 32 /* log2 buckets of the latency in ns */

struct s2sim_walker_stats {
	uint64_t walks;
	uint64_t faults[5][4];       /* [enum s2sim_fault][level] */
	uint64_t fetches[4][S2SIM_WALK_NSRC]; /* [level][src] */
	uint64_t wc_start[S2SIM_WC_LEVELS]; /* walks started below level L */
	uint64_t latency_ps_sum, latency_ps_max;
	uint64_t latency_hist[S2SIM_WALK_HIST]; /* [floor(log2(ns + 1))] */
	uint64_t begun, coalesced, full; /* outstanding-walk table */
};

struct s2sim_walker_params {
	uint64_t wc_latency_ps;     /* one walk-cache lookup */
	uint32_t max_outstanding;   /* walks in flight, >= 1 */
	bool nt_faults;             /* nT = 1 gives a Translation fault */
};

struct s2sim_walk_slot {
	uint64_t page;     /* IPA >> 12 */
	uint32_t waiters;  /* walks that joined this one */
	uint16_t vmid;
	bool busy;
};

struct s2sim_walker {
	struct s2sim_memport port;
	struct s2sim_walk_cache *wc; /* NULL or disabled: no walk cache */
	struct s2sim_walker_params p;
	struct s2sim_walk_slot *slot;
	uint32_t busy;
	struct s2sim_walker_stats stats;
};

/* From platform.walk_cache_latency_cycles and walker_max_outstanding at
 * platform.cpu_mhz. */
void s2sim_walker_params_from_cfg(struct s2sim_walker_params *p,
				  const struct s2sim_cfg *cfg);
/* `wc` may be NULL; S2SIM_EINPUT for max_outstanding == 0. */
int s2sim_walker_init(struct s2sim_walker *w, struct s2sim_memport port,
		      struct s2sim_walk_cache *wc,
		      const struct s2sim_walker_params *p,
		      struct s2sim_errbuf *err);
void s2sim_walker_fini(struct s2sim_walker *w);

void s2sim_walker_translate(struct s2sim_walker *w,
			    const struct s2sim_s2ctx *ctx, uint64_t ipa,
			    enum s2sim_acc acc,
			    struct s2sim_walk_result *r);

enum s2sim_walk_begin {
	S2SIM_WALK_NEW = 0, /* a slot was claimed: perform the walk */
	S2SIM_WALK_JOINED,  /* a walk of the same page is in flight: wait */
	S2SIM_WALK_FULL,    /* every slot busy: retry after a complete() */
};

/* For NEW and JOINED, *slot names the walk to wait for / complete. */
enum s2sim_walk_begin s2sim_walker_begin(struct s2sim_walker *w,
					 uint16_t vmid, uint64_t ipa,
					 uint32_t *slot);
/* Finish the walk in `slot`; returns how many joined walks finish with it
 * (0 for a slot that is not busy). */
uint32_t s2sim_walker_complete(struct s2sim_walker *w, uint32_t slot);
uint32_t s2sim_walker_outstanding(const struct s2sim_walker *w);

#ifdef __cplusplus
}
#endif
#endif
