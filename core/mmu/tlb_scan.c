/*
 * Visiting the slots that can hold an entry overlapping an IPA range:
 * for each size class asked for, the sets indexed by the pages of that
 * size the range touches, or every slot when that is at least all sets
 * (always in a fully associative TLB).  Used by invalidation and by the
 * overlap marking of insertion.
 */
#include "core/mmu/tlb_internal.h"

static void visit_slots(struct s2sim_tlb *t, uint32_t first, uint32_t n,
			tlb_slot_fn fn, void *ctx)
{
	uint32_t i;

	for (i = first; i < first + n; i++)
		if (t->tag[i] != S2SIM_TLB_TAG_FREE)
			fn(t, i, ctx);
}

/* A set may be visited once per class, so `fn` must be idempotent. */
void tlb_scan_range(struct s2sim_tlb *t, unsigned classes, uint64_t lo,
		    uint64_t hi, tlb_slot_fn fn, void *ctx)
{
	if (!classes || hi <= lo)
		return;
	if (t->sets == 1 || hi - 1 > S2SIM_TLB_IPA_MASK) {
		visit_slots(t, 0, t->entries, fn, ctx);
		return;
	}
	for (; classes; classes &= classes - 1) {
		unsigned size = s2sim_tlb_class_size(
			(unsigned)__builtin_ctz(classes));
		uint64_t first = lo >> size, last = (hi - 1) >> size, pg;

		if (last - first + 1 >= t->sets) {
			visit_slots(t, 0, t->entries, fn, ctx);
			return;
		}
		for (pg = first; pg <= last; pg++)
			visit_slots(t, tlb_set_of(t, pg) * t->ways, t->ways, fn,
				    ctx);
	}
}
