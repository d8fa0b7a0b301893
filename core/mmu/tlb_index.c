/*
 * Hash index of a fully associative TLB: key -> slot, so that a lookup in
 * a 48-entry L1 TLB is one hashed probe rather than a scan of 48 tags.
 * Open addressing with linear probing, at most a quarter full; deletion
 * shifts later members of the probe run back (Knuth 6.4, algorithm R), so
 * there are no tombstones and runs stay short.  Buckets hold slot + 1.
 */
#include "core/mmu/tlb_internal.h"

void tlb_hidx_insert(struct s2sim_tlb *t, uint32_t slot)
{
	uint32_t mask = (1u << t->hbits) - 1;
	uint32_t h = tlb_hash(t, t->tag[slot]);

	while (t->hidx[h] != 0)
		h = (h + 1) & mask;
	t->hidx[h] = slot + 1;
}

/* Is bucket `home` cyclically in (hole, cur]?  Then the member at `cur`
 * must not move into the hole: its probe would start after the hole. */
static int home_between(uint32_t hole, uint32_t home, uint32_t cur)
{
	if (hole <= cur)
		return hole < home && home <= cur;
	return hole < home || home <= cur;
}

void tlb_hidx_delete(struct s2sim_tlb *t, uint32_t slot)
{
	uint32_t mask = (1u << t->hbits) - 1;
	uint32_t hole = tlb_hash(t, t->tag[slot]), cur;

	while (t->hidx[hole] != slot + 1)
		hole = (hole + 1) & mask;
	t->hidx[hole] = 0;
	for (cur = (hole + 1) & mask; t->hidx[cur] != 0;
	     cur = (cur + 1) & mask) {
		uint32_t home = tlb_hash(t, t->tag[t->hidx[cur] - 1]);

		if (home_between(hole, home, cur))
			continue;
		t->hidx[hole] = t->hidx[cur];
		t->hidx[cur] = 0;
		hole = cur;
	}
}
