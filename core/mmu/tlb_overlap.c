/*
 * Overlap marks.  Two entries of one VMID and kind overlap only when they
 * differ in size (equal size and base is one entry, replaced in place), and
 * then a lookup of an address in both matches twice: a TLB conflict.  So
 * that a lookup need not probe every size class present to rule one out,
 * each entry carries a mark (t->ovl) set when it is installed over, or
 * under, another entry.  A lookup whose first hit is unmarked is done; a
 * mark outlives its partner's eviction, which only costs a longer lookup.
 */
#include "core/mmu/tlb_internal.h"

/* Mark slots first .. first + n - 1 whose tag equals `ref` under `mask`;
 * whether there was one.  Free tags (all ones) never match a key. */
static bool mark_run(struct s2sim_tlb *t, uint32_t first, uint32_t n,
		     uint64_t ref, uint64_t mask)
{
	uint32_t i;
	bool found = false;

	for (i = first; i < first + n; i++) {
		bool m = ((t->tag[i] ^ ref) & mask) == 0;

		t->ovl[i] |= (uint8_t)m;
		found |= m;
	}
	return found;
}

/* The same over the valid slots only, for a mostly empty TLB. */
static bool mark_live(struct s2sim_tlb *t, uint64_t ref, uint64_t mask)
{
	uint32_t i;
	bool found = false;

	for (i = 0; i < t->valid; i++) {
		uint32_t slot = t->live[i];
		bool m = ((t->tag[slot] ^ ref) & mask) == 0;

		t->ovl[slot] |= (uint8_t)m;
		found |= m;
	}
	return found;
}

/*
 * Entries of the smaller class `cls` inside the new entry in `self`: their
 * keys equal its key at that class except in the low page bits.  They are
 * in the sets of its pages of that size, or anywhere when those are all
 * the sets; a pass over every tag is then the cheapest unless the TLB is
 * mostly empty (the indirection through live[] costs more per slot).
 */
static bool mark_contained(struct s2sim_tlb *t, uint32_t self, unsigned cls)
{
	const struct s2sim_tlb_entry *e = &t->ent[self];
	unsigned size = s2sim_tlb_class_size(cls), shift = e->size - size;
	uint64_t ref = tlb_key(e->ipa, size, e->vmid, cls, e->kind);
	uint64_t mask = ~((UINT64_C(1) << shift) - 1);
	uint64_t pages = UINT64_C(1) << shift, p;
	bool found = false;

	if (pages * t->ways >= t->valid && 4 * (uint64_t)t->valid < t->entries)
		return mark_live(t, ref, mask);
	if (pages >= t->sets)
		return mark_run(t, 0, t->entries, ref, mask);
	for (p = 0; p < pages; p++) {
		uint32_t set = tlb_set_of(t, tlb_key_page(ref) + p);

		found |= mark_run(t, set * t->ways, t->ways, ref, mask);
	}
	return found;
}

/*
 * Mark the new entry in `slot` and every entry of another size it overlaps
 * (same VMID and kind), so that lookups know when to look for a conflict.
 * A larger entry containing it is one probe per class; smaller entries
 * inside it may be in any set, which costs a pass over the tags (or over
 * the valid slots of a mostly empty TLB) when a large entry is installed
 * while small ones of its kind are present.
 */
void tlb_mark_overlaps(struct s2sim_tlb *t, uint32_t slot, unsigned cls)
{
	const struct s2sim_tlb_entry *e = &t->ent[slot];
	unsigned others = t->present[e->kind] & ~(1u << cls);

	for (; others; others &= others - 1) {
		unsigned c = (unsigned)__builtin_ctz(others);
		int32_t s;

		if (c < cls) {
			if (mark_contained(t, slot, c))
				t->ovl[slot] = 1;
			continue;
		}
		s = tlb_probe(t, tlb_key(e->ipa, s2sim_tlb_class_size(c),
					 e->vmid, c, e->kind));
		if (s >= 0) {
			t->ovl[s] = 1;
			t->ovl[slot] = 1;
		}
	}
}

