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

/* Entries of the smaller class `cls` inside the new entry in `self`:
 * their keys equal its key at that class except in the low page bits. */
static bool mark_contained(struct s2sim_tlb *t, uint32_t self, unsigned cls)
{
	const struct s2sim_tlb_entry *e = &t->ent[self];
	unsigned size = s2sim_tlb_class_size(cls), shift = e->size - size;
	uint64_t ref = tlb_key(e->ipa, size, e->vmid, cls, e->kind);
	uint64_t mask = ~((UINT64_C(1) << shift) - 1);
	uint64_t pages = UINT64_C(1) << shift, p;
	uint32_t i, w, found = 0;

	if (pages >= t->sets) {
		for (i = 0; i < t->entries; i++) {
			bool m = ((t->tag[i] ^ ref) & mask) == 0;

			t->ovl[i] |= (uint8_t)m;
			found |= m;
		}
		return found;
	}
	for (p = 0; p < pages; p++) {
		uint32_t base = tlb_set_of(t, tlb_key_page(ref) + p) * t->ways;

		for (w = 0; w < t->ways; w++) {
			bool m = ((t->tag[base + w] ^ ref) & mask) == 0;

			t->ovl[base + w] |= (uint8_t)m;
			found |= m;
		}
	}
	return found;
}

/*
 * Mark the new entry in `slot` and every entry of another size it overlaps
 * (same VMID and kind), so that lookups know when to look for a conflict.
 * A larger entry containing it is one probe per class; smaller entries
 * inside it may be in any set, which costs a pass over the tags when a
 * large entry is installed while small ones of its kind are present.
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

