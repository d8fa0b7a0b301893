/*
 * The engine's priority queue: a 4-ary min-heap of compact 16-byte keys.
 *
 * A key is (time, seq << EVQ_SLOT_BITS | slot).  Comparing keys as the pair
 * (time, sk) orders events by time, then by insertion sequence number, which
 * is the engine's determinism guarantee; the low bits name the event's slot in
 * the payload pool (engine.c) and never decide the order, because sequence
 * numbers are unique among queued keys.
 *
 * Why 4-ary: the four children of a node are 64 contiguous bytes, one cache
 * line when the array is placed so that element 1 starts a line (see
 * evq_reserve()), and the tree is half as deep as a binary heap.  The hot
 * operations are inline here; growth, heapify and sort live in eventq.c.
 */
#ifndef S2SIM_CORE_SIM_EVENTQ_H
#define S2SIM_CORE_SIM_EVENTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVQ_SLOT_BITS 24
#define EVQ_SLOT_MASK ((UINT64_C(1) << EVQ_SLOT_BITS) - 1)
#define EVQ_SEQ_LIMIT (UINT64_C(1) << (64 - EVQ_SLOT_BITS))
#define EVQ_ARITY 4
#define EVQ_PREFETCH_MIN (1u << 15) /* keys: 512 KiB */

struct evq_key {
	uint64_t time;
	uint64_t sk; /* seq << EVQ_SLOT_BITS | slot */
};

struct evq {
	struct evq_key *keys; /* keys[0] is the minimum */
	void *raw;            /* the allocation keys points into */
	size_t len;
	size_t cap;
};

/* Key order.  Heap comparisons are unpredictable, so this is written to
 * compile without branches: as one 128-bit compare (cmp + sbb on x86-64,
 * about 1.5x the event rate of the two-field form) where the compiler has
 * 128-bit integers, bitwise otherwise. */
static inline bool evq_less(struct evq_key a, struct evq_key b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 x = (unsigned __int128)a.time << 64 | a.sk;
	unsigned __int128 y = (unsigned __int128)b.time << 64 | b.sk;

	return x < y;
#else
	return (a.time < b.time) | ((a.time == b.time) & (a.sk < b.sk));
#endif
}

static inline uint32_t evq_key_slot(struct evq_key k)
{
	return (uint32_t)(k.sk & EVQ_SLOT_MASK);
}

void evq_init(struct evq *q);
void evq_free(struct evq *q);
/* Make room for at least `n` keys.  Returns false when out of memory. */
bool evq_reserve(struct evq *q, size_t n);
/* Restore the heap property over keys[0..len) (Floyd, O(n)). */
void evq_heapify(struct evq *q);
/* Sort keys[] ascending; a sorted array is also a valid heap. */
void evq_sort(struct evq *q);

/* Insert `k`; the caller has reserved room (len < cap). */
static inline void evq_push(struct evq *q, struct evq_key k)
{
	struct evq_key *h = q->keys;
	size_t i = q->len++;

	while (i > 0) {
		size_t p = (i - 1) / EVQ_ARITY;

		if (!evq_less(k, h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = k;
}

/* Index of the smallest of the children of a node, first child `c`. */
static inline size_t evq_min_child(const struct evq_key *h, size_t c,
				   size_t len)
{
	size_t a, b;

	if (c + EVQ_ARITY > len) {
		/* The last, partial group. */
		a = c;
		for (b = c + 1; b < len; b++)
			if (evq_less(h[b], h[a]))
				a = b;
		return a;
	}
	/* Full group: a branch-free tournament of two pairs. */
	a = c + evq_less(h[c + 1], h[c]);
	b = c + 2 + evq_less(h[c + 3], h[c + 2]);
	return evq_less(h[b], h[a]) ? b : a;
}

/* Remove the minimum (len > 0): move the last key into the root's hole and
 * sift it down. */
static inline void evq_pop(struct evq *q)
{
	struct evq_key *h = q->keys;
	size_t len = --q->len;
	struct evq_key last = h[len];
	size_t i = 0, c;

	while ((c = i * EVQ_ARITY + 1) < len) {
		size_t m, g = c * EVQ_ARITY + 1;

		/* Heaps beyond the L2 cache: fetch the four grandchild
		 * groups (one line each) while this level is compared. */
		if (len >= EVQ_PREFETCH_MIN && g + 3 * EVQ_ARITY < len) {
			__builtin_prefetch(&h[g]);
			__builtin_prefetch(&h[g + EVQ_ARITY]);
			__builtin_prefetch(&h[g + 2 * EVQ_ARITY]);
			__builtin_prefetch(&h[g + 3 * EVQ_ARITY]);
		}
		m = evq_min_child(h, c, len);
		if (!evq_less(h[m], last))
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = last;
}

#endif
