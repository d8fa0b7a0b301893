/*
 * Helpers shared by core/mmu/tlb*.c: the packed lookup key, the probes of
 * a set (hint bytes) or of the fully associative hash index, and the
 * replacement "touch" of the hit path.
 * Not for users of the TLB: they include core/mmu/tlb.h.
 */
#ifndef S2SIM_CORE_MMU_TLB_INTERNAL_H
#define S2SIM_CORE_MMU_TLB_INTERNAL_H

#include "core/mmu/tlb.h"

/*
 * Packed key, one uint64_t per slot so that a set (or the hash index) is
 * searched with one compare per way:
 *   [39:0]  input page number (IPA[51:size] >> size; IPAs are 52-bit)
 *   [55:40] VMID
 *   [58:56] size class
 *   [59]    kind
 * A free slot holds all ones, which no key can equal.
 */
#define S2SIM_TLB_TAG_FREE UINT64_MAX
#define S2SIM_TLB_IPA_MASK ((UINT64_C(1) << 52) - 1)

static inline uint64_t tlb_key(uint64_t ipa, unsigned size, uint16_t vmid,
			       unsigned cls, unsigned kind)
{
	return ((ipa & S2SIM_TLB_IPA_MASK) >> size) |
	       (uint64_t)vmid << 40 | (uint64_t)cls << 56 |
	       (uint64_t)kind << 59;
}

static inline uint64_t tlb_key_page(uint64_t key)
{
	return key & ((UINT64_C(1) << 40) - 1);
}

static inline uint32_t tlb_set_of(const struct s2sim_tlb *t, uint64_t page)
{
	if (t->set_pow2)
		return (uint32_t)(page & t->set_mask);
	return (uint32_t)(page % t->sets);
}

/* Fibonacci hashing of the whole key into the index of the FA TLB. */
static inline uint32_t tlb_hash(const struct s2sim_tlb *t, uint64_t key)
{
	return (uint32_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >>
			  (64 - t->hbits));
}

/* Slot holding `key`, or -1.  Linear probing; the index is at most a
 * quarter full, so a probe sequence soon ends at an empty bucket. */
static inline int32_t tlb_hidx_find(const struct s2sim_tlb *t, uint64_t key)
{
	uint32_t mask = (1u << t->hbits) - 1;
	uint32_t h = tlb_hash(t, key);

	for (;;) {
		uint32_t v = t->hidx[h];

		if (v == 0)
			return -1;
		if (t->tag[v - 1] == key)
			return (int32_t)(v - 1);
		h = (h + 1) & mask;
	}
}

void tlb_hidx_insert(struct s2sim_tlb *t, uint32_t slot);
void tlb_hidx_delete(struct s2sim_tlb *t, uint32_t slot);

/*
 * Sets of up to 8 ways keep one byte of each way's key hash in a 64-bit
 * word, so a probe compares all ways at once (the "has a zero byte" trick
 * of Hacker's Delight 6-1) and checks the full tag only of the candidates.
 * The byte comes from the high bits of a multiplicative hash: keys of one
 * set share their low page bits, which select the set.
 */
#define S2SIM_TLB_BYTES_01 UINT64_C(0x0101010101010101)
#define S2SIM_TLB_BYTES_80 UINT64_C(0x8080808080808080)

static inline uint64_t tlb_hint(uint64_t key)
{
	return (key * UINT64_C(0x9E3779B97F4A7C15)) >> 56;
}

static inline int32_t tlb_probe_hint(const struct s2sim_tlb *t, uint64_t key,
				     uint32_t set)
{
	uint64_t x = t->hint[set] ^ (tlb_hint(key) * S2SIM_TLB_BYTES_01);
	uint64_t m = (x - S2SIM_TLB_BYTES_01) & ~x & S2SIM_TLB_BYTES_80;
	uint32_t base = set * t->ways;

	/* a byte above a matching one may be a false candidate: verify */
	for (m &= t->hint_ways; m; m &= m - 1) {
		uint32_t w = (uint32_t)__builtin_ctzll(m) >> 3;

		if (t->tag[base + w] == key)
			return (int32_t)(base + w);
	}
	return -1;
}

/* Slot holding `key` in the set or index its class maps to, or -1. */
static inline int32_t tlb_probe(const struct s2sim_tlb *t, uint64_t key)
{
	uint32_t base, w, set;

	if (t->hidx)
		return tlb_hidx_find(t, key);
	set = tlb_set_of(t, tlb_key_page(key));
	if (t->hint)
		return tlb_probe_hint(t, key, set);
	base = set * t->ways;
	for (w = 0; w < t->ways; w++)
		if (t->tag[base + w] == key)
			return (int32_t)(base + w);
	return -1;
}

/* Write slot's tag (a key or S2SIM_TLB_TAG_FREE) and its hint byte. */
static inline void tlb_set_tag(struct s2sim_tlb *t, uint32_t slot,
			       uint32_t set, uint64_t tag)
{
	unsigned sh = 8 * (slot - set * t->ways);

	t->tag[slot] = tag;
	if (t->hint)
		t->hint[set] = (t->hint[set] & ~(UINT64_C(0xff) << sh)) |
			       tlb_hint(tag) << sh;
}

/* Replacement state (core/mmu/tlb_repl.c; policies described there). */
#define S2SIM_TLB_NIL UINT32_MAX
void tlb_repl_forget(struct s2sim_tlb *t, uint32_t slot, uint32_t set);
uint32_t tlb_repl_victim(struct s2sim_tlb *t, uint32_t set, bool *is_free);
void tlb_repl_reset_bits(struct s2sim_tlb *t, uint32_t set, uint32_t way);
void tlb_lru_move_front(struct s2sim_tlb *t, uint32_t slot);

/* LRU: record a use of `slot`.  In a fully associative TLB the slot goes
 * to the front of the recency list; it already is in the common case of
 * repeated hits to one page. */
static inline void tlb_touch_lru(struct s2sim_tlb *t, uint32_t slot)
{
	if (!t->lru)
		t->stamp[slot] = ++t->clock;
	else if (t->lru_head != slot)
		tlb_lru_move_front(t, slot);
}

/* Tree PLRU: point every node on the way's path at the other half. */
static inline void tlb_touch_tree(struct s2sim_tlb *t, uint32_t set,
				  uint32_t way)
{
	uint8_t *node = &t->tree[(size_t)set * t->ways];
	uint32_t n;

	for (n = t->ways + way; n > 1; n >>= 1)
		node[n >> 1] = (uint8_t)(~n & 1);
}

/* Bit-PLRU: set the way's MRU bit; when all are set, keep only it. */
static inline void tlb_touch_bits(struct s2sim_tlb *t, uint32_t set,
				  uint32_t way)
{
	uint64_t *word = &t->mru[(size_t)set * t->set_words + (way >> 6)];
	uint64_t bit = UINT64_C(1) << (way & 63), old = *word;

	*word = old | bit;
	t->mru_count[set] += !(old & bit);
	if (t->mru_count[set] == t->ways)
		tlb_repl_reset_bits(t, set, way);
}

/* Record a use of `slot`, which is in `set` (the hit path knows the set;
 * deriving it would cost a division by the number of ways). */
static inline void tlb_touch(struct s2sim_tlb *t, uint32_t slot, uint32_t set)
{
	uint32_t way = slot - set * t->ways;

	switch (t->repl) {
	case S2SIM_REPL_LRU:
		tlb_touch_lru(t, slot);
		break;
	case S2SIM_REPL_PLRU:
		if (t->tree_plru)
			tlb_touch_tree(t, set, way);
		else
			tlb_touch_bits(t, set, way);
		break;
	case S2SIM_REPL_RANDOM:
		break;
	}
}

/* The set of a slot, off the hit path (no division in a fully
 * associative TLB). */
static inline uint32_t tlb_slot_set(const struct s2sim_tlb *t, uint32_t slot)
{
	return t->sets == 1 ? 0 : slot / t->ways;
}

/* The set `key` maps to (0 in a fully associative TLB). */
static inline uint32_t tlb_key_set(const struct s2sim_tlb *t, uint64_t key)
{
	return t->hidx ? 0 : tlb_set_of(t, tlb_key_page(key));
}

/* Call `fn` on each valid slot of the sets that can hold an entry of a
 * size class in `classes` overlapping [lo, hi) (core/mmu/tlb_scan.c). */
typedef void (*tlb_slot_fn)(struct s2sim_tlb *t, uint32_t slot, void *ctx);
void tlb_scan_range(struct s2sim_tlb *t, unsigned classes, uint64_t lo,
		    uint64_t hi, tlb_slot_fn fn, void *ctx);

/* Mark the entry just installed in `slot`, of size class `cls`, and the
 * entries it overlaps (core/mmu/tlb_overlap.c). */
void tlb_mark_overlaps(struct s2sim_tlb *t, uint32_t slot, unsigned cls);

/* Free `slot` (eviction or invalidation), keeping counts and index right. */
void tlb_slot_free(struct s2sim_tlb *t, uint32_t slot);

/* Call `fn` on every valid slot, in no particular order; `fn` may free the
 * slot it is given (and no other): the walk goes down the dense array of
 * valid slots, and freeing moves the last one, already visited, into the
 * hole.  Costs O(valid), not O(entries). */
static inline void tlb_for_each_valid(struct s2sim_tlb *t, tlb_slot_fn fn,
				      void *ctx)
{
	uint32_t i;

	for (i = t->valid; i-- > 0;)
		fn(t, t->live[i], ctx);
}

#endif
