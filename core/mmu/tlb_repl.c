/*
 * TLB replacement within a set.  Every policy first fills the lowest free
 * way; when the set is full:
 *  - LRU: the way with the oldest use stamp;
 *  - PLRU, ways a power of two: tree pseudo-LRU.  Nodes 1 .. ways-1 of a
 *    binary heap, node n's children 2n and 2n+1, leaves ways + w; a node's
 *    bit says which child holds the victim (0 left, 1 right).  A use points
 *    every node on the way's path away from it;
 *  - PLRU, other ways (N1's 5-way L2 TLB, a 48-entry FA TLB): bit-PLRU
 *    (also called MRU-bit PLRU or NRU).  A use sets the way's MRU bit; when
 *    that makes all bits set, the others are cleared.  The victim is the
 *    lowest way whose bit is clear;
 *  - RANDOM: way xorshift64() % ways, the generator seeded from the config
 *    and advanced only on an eviction, so runs are reproducible.
 * Freeing a way (eviction, invalidation) clears its MRU bit.
 */
#include "core/mmu/tlb_internal.h"

/* Every way's bit was set by the use of `way`: clear the others. */
void tlb_repl_reset_bits(struct s2sim_tlb *t, uint32_t set, uint32_t way)
{
	uint64_t *word = &t->mru[(size_t)set * t->mru_words];
	uint32_t i;

	for (i = 0; i < t->mru_words; i++)
		word[i] = 0;
	word[way >> 6] = UINT64_C(1) << (way & 63);
	t->mru_count[set] = 1;
}

void tlb_repl_forget(struct s2sim_tlb *t, uint32_t slot)
{
	uint32_t set = slot / t->ways, way = slot % t->ways;
	uint64_t *word, bit = UINT64_C(1) << (way & 63);

	if (t->repl != S2SIM_REPL_PLRU || t->tree_plru)
		return;
	word = &t->mru[(size_t)set * t->mru_words + (way >> 6)];
	if (*word & bit) {
		*word &= ~bit;
		t->mru_count[set]--;
	}
}

/* The oldest stamp.  The running minimum is kept in a register rather than
 * re-loaded through `best`, so the scan of a 48-way set is not one long
 * load-compare dependency chain (that chain dominated run time). */
static uint32_t victim_lru(const struct s2sim_tlb *t, uint32_t base)
{
	const uint64_t *stamp = &t->stamp[base];
	uint64_t oldest = stamp[0];
	uint32_t w, best = 0;

	for (w = 1; w < t->ways; w++) {
		uint64_t s = stamp[w];

		best = s < oldest ? w : best;
		oldest = s < oldest ? s : oldest;
	}
	return best;
}

static uint32_t victim_tree(struct s2sim_tlb *t, uint32_t set)
{
	const uint8_t *node = &t->tree[(size_t)set * t->ways];
	uint32_t n = 1;

	while (n < t->ways)
		n = 2 * n + node[n];
	return n - t->ways;
}

/* The lowest way whose MRU bit is clear; a full set always has one. */
static uint32_t victim_bits(struct s2sim_tlb *t, uint32_t set)
{
	const uint64_t *word = &t->mru[(size_t)set * t->mru_words];
	uint32_t i, way;

	for (i = 0; i < t->mru_words; i++) {
		if (~word[i] == 0)
			continue;
		way = 64 * i + (uint32_t)__builtin_ctzll(~word[i]);
		if (way < t->ways)
			return way;
	}
	return 0;
}

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* Slot to fill in `set`: a free way, else the policy's victim. */
uint32_t tlb_repl_victim(struct s2sim_tlb *t, uint32_t set)
{
	uint32_t base = set * t->ways, w;

	if (t->hidx) {
		if (t->valid < t->entries)
			for (w = 0; w < t->ways; w++)
				if (t->tag[w] == S2SIM_TLB_TAG_FREE)
					return w;
	} else {
		for (w = 0; w < t->ways; w++)
			if (t->tag[base + w] == S2SIM_TLB_TAG_FREE)
				return base + w;
	}
	switch (t->repl) {
	case S2SIM_REPL_LRU:
		return base + victim_lru(t, base);
	case S2SIM_REPL_PLRU:
		return base + (t->tree_plru ? victim_tree(t, set)
					    : victim_bits(t, set));
	case S2SIM_REPL_RANDOM:
		break;
	}
	return base + (uint32_t)(xorshift64(&t->rng) % t->ways);
}
