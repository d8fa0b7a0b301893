/*
 * Bitmaps of PEs (one bit per requester, up to S2SIM_FABRIC_MAX_PES), as
 * arrays of 64-bit words.  Iterating the set bits costs O(words + bits
 * set), which is what keeps a filtered DVMOp O(targets snooped).
 */
#ifndef S2SIM_INTERCONNECT_PE_BITMAP_H
#define S2SIM_INTERCONNECT_PE_BITMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t pe_bitmap_words(uint32_t pes)
{
	return (pes + 63) / 64;
}

static inline bool pe_bitmap_test(const uint64_t *bm, uint32_t pe)
{
	return (bm[pe / 64] >> (pe % 64)) & 1;
}

/* Set bit `pe`; true when it was clear. */
static inline bool pe_bitmap_set(uint64_t *bm, uint32_t pe)
{
	uint64_t bit = UINT64_C(1) << (pe % 64);
	bool was_clear = !(bm[pe / 64] & bit);

	bm[pe / 64] |= bit;
	return was_clear;
}

/* Clear bit `pe`; true when it was set. */
static inline bool pe_bitmap_clear(uint64_t *bm, uint32_t pe)
{
	uint64_t bit = UINT64_C(1) << (pe % 64);
	bool was_set = (bm[pe / 64] & bit) != 0;

	bm[pe / 64] &= ~bit;
	return was_set;
}

static inline void pe_bitmap_zero(uint64_t *bm, uint32_t words)
{
	memset(bm, 0, (size_t)words * sizeof(*bm));
}

/* The mask of the bits below `pes` in word `w`. */
static inline uint64_t pe_bitmap_mask(uint32_t pes, uint32_t w)
{
	uint32_t bits = pes - w * 64;

	return bits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << bits) - 1;
}

/* Set bits 0 .. pes - 1. */
static inline void pe_bitmap_fill(uint64_t *bm, uint32_t pes)
{
	for (uint32_t w = 0; w < pe_bitmap_words(pes); w++)
		bm[w] = pe_bitmap_mask(pes, w);
}

/* Whether bits 0 .. pes - 1 are all set. */
static inline bool pe_bitmap_full(const uint64_t *bm, uint32_t pes)
{
	for (uint32_t w = 0; w < pe_bitmap_words(pes); w++) {
		uint64_t m = pe_bitmap_mask(pes, w);

		if ((bm[w] & m) != m)
			return false;
	}
	return true;
}

static inline void pe_bitmap_or(uint64_t *dst, const uint64_t *src,
				uint32_t words)
{
	for (uint32_t i = 0; i < words; i++)
		dst[i] |= src[i];
}

static inline void pe_bitmap_and(uint64_t *dst, const uint64_t *src,
				 uint32_t words)
{
	for (uint32_t i = 0; i < words; i++)
		dst[i] &= src[i];
}

static inline bool pe_bitmap_empty(const uint64_t *bm, uint32_t words)
{
	for (uint32_t i = 0; i < words; i++)
		if (bm[i])
			return false;
	return true;
}

/* Index of the lowest set bit at or after `from`, or `limit` if none. */
static inline uint32_t pe_bitmap_next(const uint64_t *bm, uint32_t from,
				      uint32_t limit)
{
	uint32_t w = from / 64;
	uint32_t words = pe_bitmap_words(limit);
	uint64_t cur;

	if (from >= limit)
		return limit;
	cur = bm[w] & (~UINT64_C(0) << (from % 64));
	for (;;) {
		if (cur) {
			uint32_t pe = w * 64 + (uint32_t)__builtin_ctzll(cur);
			return pe < limit ? pe : limit;
		}
		if (++w >= words)
			return limit;
		cur = bm[w];
	}
}

#endif
