/*
 * Visiting the slots that can hold an entry overlapping an IPA range:
 * for each size class asked for, the sets indexed by the pages of that
 * size the range touches.  When that would visit at least as many slots
 * as are valid (always in a fully associative TLB, and for the whole-VMID
 * and whole-TLB invalidations), the valid slots are visited instead,
 * through their dense array: a flush of a nearly empty TLB, the common
 * case after the previous flush, then costs next to nothing.  Used by
 * invalidation.
 */
#include "core/mmu/tlb_internal.h"

static void visit_set(struct s2sim_tlb *t, uint32_t set, tlb_slot_fn fn,
		      void *ctx)
{
	uint32_t i, first = set * t->ways;

	for (i = first; i < first + t->ways; i++)
		if (t->tag[i] != S2SIM_TLB_TAG_FREE)
			fn(t, i, ctx);
}

/* Slots the per-set walk would visit, capped at `cap` (all classes). */
static uint64_t walk_cost(const struct s2sim_tlb *t, unsigned classes,
			  uint64_t lo, uint64_t hi, uint64_t cap)
{
	uint64_t cost = 0;

	for (; classes && cost < cap; classes &= classes - 1) {
		unsigned size = s2sim_tlb_class_size(
			(unsigned)__builtin_ctz(classes));
		uint64_t pages = ((hi - 1) >> size) - (lo >> size) + 1;

		cost += pages < t->sets ? pages * t->ways : cap;
	}
	return cost;
}

/* A set may be visited once per class, so `fn` must be idempotent; it may
 * free the slot it is given and no other. */
void tlb_scan_range(struct s2sim_tlb *t, unsigned classes, uint64_t lo,
		    uint64_t hi, tlb_slot_fn fn, void *ctx)
{
	if (!classes || hi <= lo || t->valid == 0)
		return;
	if (t->sets == 1 || hi - 1 > S2SIM_TLB_IPA_MASK ||
	    walk_cost(t, classes, lo, hi, t->valid) >= t->valid) {
		tlb_for_each_valid(t, fn, ctx);
		return;
	}
	for (; classes; classes &= classes - 1) {
		unsigned size = s2sim_tlb_class_size(
			(unsigned)__builtin_ctz(classes));
		uint64_t pg;

		for (pg = lo >> size; pg <= (hi - 1) >> size; pg++)
			visit_set(t, tlb_set_of(t, pg), fn, ctx);
	}
}
