/*
 * TLB replacement within a set.  Every policy first fills the lowest free
 * way; when the set is full:
 *  - LRU: the way used longest ago.  A set-associative TLB keeps a use
 *    stamp per way and scans its few ways.  A fully associative one keeps
 *    a recency list (circular, doubly linked, most recent first) so that
 *    the victim is its tail, found in O(1) rather than by a scan of 48
 *    stamps; a hit on the entry already at the front costs a compare;
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
 * Freeing a way (eviction, invalidation) clears its MRU bit or unlinks it
 * from the recency list.  The lowest free way comes from a per-set bitmap
 * of free ways, not from a scan of the tags.
 */
#include "core/mmu/tlb_internal.h"

/* Every way's bit was set by the use of `way`: clear the others. */
void tlb_repl_reset_bits(struct s2sim_tlb *t, uint32_t set, uint32_t way)
{
	uint64_t *word = &t->mru[(size_t)set * t->set_words];
	uint32_t i;

	for (i = 0; i < t->set_words; i++)
		word[i] = 0;
	word[way >> 6] = UINT64_C(1) << (way & 63);
	t->mru_count[set] = 1;
}

/* Take linked `slot` out of the recency list of a fully associative TLB. */
static void lru_unlink(struct s2sim_tlb *t, uint32_t slot)
{
	struct s2sim_tlb_link *l = t->lru;
	uint32_t prev = l[slot].prev, next = l[slot].next;

	if (next == slot) {
		t->lru_head = S2SIM_TLB_NIL;
	} else {
		l[prev].next = next;
		l[next].prev = prev;
		if (t->lru_head == slot)
			t->lru_head = next;
	}
	l[slot].prev = S2SIM_TLB_NIL;
	l[slot].next = S2SIM_TLB_NIL;
}

/* Insert unlinked `slot` at the front of the list. */
static void lru_push(struct s2sim_tlb *t, uint32_t slot)
{
	struct s2sim_tlb_link *l = t->lru;
	uint32_t head = t->lru_head, tail;

	if (head == S2SIM_TLB_NIL) {
		l[slot].prev = slot;
		l[slot].next = slot;
	} else {
		tail = l[head].prev;
		l[slot].prev = tail;
		l[slot].next = head;
		l[tail].next = slot;
		l[head].prev = slot;
	}
	t->lru_head = slot;
}

/* Make `slot`, not at the front, the most recently used: link it in if it
 * was just filled, else move it (the tail moves by rotating the circular
 * list: no relinking).  On the hit path, so written out in full. */
void tlb_lru_move_front(struct s2sim_tlb *t, uint32_t slot)
{
	struct s2sim_tlb_link *l = t->lru;
	uint32_t head = t->lru_head, prev = l[slot].prev, next, tail;

	if (prev == S2SIM_TLB_NIL) {
		lru_push(t, slot);
		return;
	}
	tail = l[head].prev;
	if (slot != tail) {
		next = l[slot].next;
		l[prev].next = next;
		l[next].prev = prev;
		l[slot].prev = tail;
		l[slot].next = head;
		l[tail].next = slot;
		l[head].prev = slot;
	}
	t->lru_head = slot;
}

void tlb_repl_forget(struct s2sim_tlb *t, uint32_t slot, uint32_t set)
{
	uint32_t way = slot - set * t->ways;
	uint64_t *word, bit = UINT64_C(1) << (way & 63);

	if (t->lru) {
		lru_unlink(t, slot);
		return;
	}
	if (t->repl != S2SIM_REPL_PLRU || t->tree_plru)
		return;
	word = &t->mru[(size_t)set * t->set_words + (way >> 6)];
	if (*word & bit) {
		*word &= ~bit;
		t->mru_count[set]--;
	}
}

/* The oldest stamp.  The running minimum is kept in a register rather than
 * re-loaded through `best`, so the scan is not one long load-compare
 * dependency chain. */
static uint32_t victim_stamp(const struct s2sim_tlb *t, uint32_t base)
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

/* The lowest way whose bit in a per-set bitmap (MRU bits, or free ways
 * inverted) is clear; -1 when there is none. */
static int32_t lowest_clear(const struct s2sim_tlb *t, const uint64_t *word,
			    uint64_t invert)
{
	uint32_t i, way;

	for (i = 0; i < t->set_words; i++) {
		uint64_t clear = ~(word[i] ^ invert);

		if (clear == 0)
			continue;
		way = 64 * i + (uint32_t)__builtin_ctzll(clear);
		if (way < t->ways)
			return (int32_t)way;
	}
	return -1;
}

/* The lowest way whose MRU bit is clear; a full set always has one. */
static uint32_t victim_bits(struct s2sim_tlb *t, uint32_t set)
{
	int32_t way = lowest_clear(t, &t->mru[(size_t)set * t->set_words], 0);

	return way < 0 ? 0 : (uint32_t)way;
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

/* Slot to fill in `set`: the lowest free way (*is_free), else the
 * policy's victim. */
uint32_t tlb_repl_victim(struct s2sim_tlb *t, uint32_t set, bool *is_free)
{
	uint32_t base = set * t->ways;
	int32_t w = lowest_clear(t, &t->freemap[(size_t)set * t->set_words],
				 UINT64_MAX);

	*is_free = w >= 0;
	if (w >= 0)
		return base + (uint32_t)w;
	switch (t->repl) {
	case S2SIM_REPL_LRU:
		if (t->lru) /* a full list: its tail */
			return t->lru[t->lru_head].prev;
		return base + victim_stamp(t, base);
	case S2SIM_REPL_PLRU:
		return base + (t->tree_plru ? victim_tree(t, set)
					    : victim_bits(t, set));
	case S2SIM_REPL_RANDOM:
		break;
	}
	return base + (uint32_t)(xorshift64(&t->rng) % t->ways);
}
