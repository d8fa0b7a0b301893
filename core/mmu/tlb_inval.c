/*
 * TLB invalidation.  An operation removes every entry that satisfies its
 * predicate (VMID, kind filter, TTL level, overlap with the address range);
 * it visits only the sets that can hold such an entry (tlb_scan.c).
 *
 * Architecture notes (Arm ARM C5.5, D8.17):
 *  - IPAS2E1 / RIPAS2E1 need not remove combined stage-1+2 entries; the
 *    caller passes S2SIM_TLB_F_STAGE2 for them and S2SIM_TLB_F_COMBINED for
 *    VMALLE1, S2SIM_TLB_F_BOTH for VMALLS12E1 / ALLE1;
 *  - an entry is removed when it overlaps the range, not only when the
 *    range contains it: a 2 MiB entry must go when one 4 KiB page in it is
 *    invalidated;
 *  - the TTL hint guarantees invalidation only of leaf entries at the
 *    hinted level, so the model removes only those;
 *  - the last-level-only forms (IPAS2LE1) spare non-leaf walk-cache
 *    entries; every TLB entry is a leaf, so the hint removes nothing less.
 */
#include "core/mmu/tlb_internal.h"

struct inv_pred {
	uint64_t lo, hi;   /* [lo, hi) in IPA; hi saturates */
	uint16_t vmid;
	bool any_vmid;
	unsigned kinds;
	unsigned ttl_level;
};

static bool pred_match(const struct inv_pred *p,
		       const struct s2sim_tlb_entry *e)
{
	uint64_t end = e->ipa + (UINT64_C(1) << e->size);

	if (!(p->kinds & (1u << e->kind)))
		return false;
	if (!p->any_vmid && e->vmid != p->vmid)
		return false;
	if (p->ttl_level && e->level != p->ttl_level)
		return false;
	return e->ipa < p->hi && p->lo < end;
}

struct sweep_ctx {
	const struct inv_pred *p;
	uint32_t removed;
};

static void sweep_slot(struct s2sim_tlb *t, uint32_t slot, void *ctx)
{
	struct sweep_ctx *sw = ctx;

	if (!pred_match(sw->p, &t->ent[slot]))
		return;
	tlb_slot_free(t, slot);
	sw->removed++;
}

static unsigned classes_of(const struct s2sim_tlb *t, unsigned kinds)
{
	unsigned mask = 0;

	if (kinds & S2SIM_TLB_F_COMBINED)
		mask |= t->present[S2SIM_TLB_KIND_COMBINED];
	if (kinds & S2SIM_TLB_F_STAGE2)
		mask |= t->present[S2SIM_TLB_KIND_STAGE2];
	return mask;
}

/* Remove every entry matching `p`; only the sets that can hold one are
 * visited (a freed slot is not visited again: it is no longer valid). */
static uint32_t sweep(struct s2sim_tlb *t, const struct inv_pred *p)
{
	struct sweep_ctx sw = { .p = p, .removed = 0 };

	tlb_scan_range(t, classes_of(t, p->kinds), p->lo, p->hi, sweep_slot,
		       &sw);
	return sw.removed;
}

static uint32_t account(struct s2sim_tlb *t, uint32_t removed)
{
	t->stats.invalidations++;
	t->stats.removed += removed;
	return removed;
}

uint32_t s2sim_tlb_inv_range(struct s2sim_tlb *t, uint16_t vmid,
			     uint64_t base, uint64_t len, unsigned kinds,
			     bool last_level, unsigned ttl_level)
{
	struct inv_pred p = {
		.lo = base, .vmid = vmid, .kinds = kinds,
		.ttl_level = ttl_level,
	};

	(void)last_level; /* every TLB entry is a leaf: see the top comment */
	if (len == 0)
		return account(t, 0);
	p.hi = base + len < base ? UINT64_MAX : base + len;
	return account(t, sweep(t, &p));
}

uint32_t s2sim_tlb_inv_ipa(struct s2sim_tlb *t, uint16_t vmid, uint64_t ipa,
			   unsigned kinds, bool last_level,
			   unsigned ttl_level)
{
	return s2sim_tlb_inv_range(t, vmid, ipa, 1, kinds, last_level,
				   ttl_level);
}

uint32_t s2sim_tlb_inv_vmid(struct s2sim_tlb *t, uint16_t vmid,
			    unsigned kinds)
{
	struct inv_pred p = {
		.lo = 0, .hi = UINT64_MAX, .vmid = vmid, .kinds = kinds,
	};

	return account(t, sweep(t, &p));
}

uint32_t s2sim_tlb_inv_all(struct s2sim_tlb *t, unsigned kinds)
{
	struct inv_pred p = {
		.lo = 0, .hi = UINT64_MAX, .any_vmid = true, .kinds = kinds,
	};

	return account(t, sweep(t, &p));
}

/* --- the checker's stale marking (not an invalidation: nothing is freed,
 * the statistics do not move) --- */

struct stale_ctx {
	struct inv_pred p;
	uint32_t epoch;
	uint32_t marked;
};

static void mark_slot(struct s2sim_tlb *t, uint32_t slot, void *ctx)
{
	struct stale_ctx *sc = ctx;
	struct s2sim_tlb_entry *e = &t->ent[slot];

	/* wrap-safe "read at or before the epoch" */
	if (!pred_match(&sc->p, e) || (int32_t)(e->epoch - sc->epoch) > 0)
		return;
	if (!e->stale)
		sc->marked++;
	e->stale = 1;
}

uint32_t s2sim_tlb_mark_stale(struct s2sim_tlb *t, uint16_t vmid,
			      uint64_t base, uint64_t len, uint32_t epoch)
{
	struct stale_ctx sc = {
		.p = { .lo = base, .vmid = vmid, .kinds = S2SIM_TLB_F_BOTH },
		.epoch = epoch,
	};

	if (len == 0)
		return 0;
	sc.p.hi = base + len < base ? UINT64_MAX : base + len;
	tlb_scan_range(t, classes_of(t, S2SIM_TLB_F_BOTH), sc.p.lo, sc.p.hi,
		       mark_slot, &sc);
	return sc.marked;
}
