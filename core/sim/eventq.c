/*
 * The engine's 4-ary heap of event keys: allocation, heapify and sort (the
 * hot push/pop are inline in eventq.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/sim/eventq.h"

#define EVQ_LINE 64
/* keys = raw + EVQ_PAD: then keys[1] (the root's first child) and every
 * later group of four siblings 4i+1..4i+4 start on a cache line. */
#define EVQ_PAD (EVQ_LINE / sizeof(struct evq_key) - 1)
#define EVQ_MIN_CAP 64

void evq_init(struct evq *q)
{
	q->keys = NULL;
	q->raw = NULL;
	q->len = 0;
	q->cap = 0;
}

void evq_free(struct evq *q)
{
	free(q->raw);
	evq_init(q);
}

bool evq_reserve(struct evq *q, size_t n)
{
	size_t cap = q->cap ? q->cap : EVQ_MIN_CAP;
	size_t bytes;
	struct evq_key *raw;

	if (n <= q->cap)
		return true;
	while (cap < n) {
		if (cap > SIZE_MAX / 2 / sizeof(struct evq_key))
			return false;
		cap *= 2;
	}
	bytes = (cap + EVQ_PAD) * sizeof(struct evq_key);
	bytes = (bytes + EVQ_LINE - 1) / EVQ_LINE * EVQ_LINE;
	raw = aligned_alloc(EVQ_LINE, bytes);
	if (!raw)
		return false;
	if (q->len)
		memcpy(raw + EVQ_PAD, q->keys, q->len * sizeof(struct evq_key));
	free(q->raw);
	q->raw = raw;
	q->keys = raw + EVQ_PAD;
	q->cap = cap;
	return true;
}

static void sift_down(struct evq_key *h, size_t len, size_t i)
{
	struct evq_key k = h[i];

	for (;;) {
		size_t c = i * EVQ_ARITY + 1;
		size_t m;

		if (c >= len)
			break;
		m = evq_min_child(h, c, len);
		if (!evq_less(h[m], k))
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = k;
}

void evq_heapify(struct evq *q)
{
	size_t i;

	if (q->len < 2)
		return;
	i = (q->len - 2) / EVQ_ARITY + 1; /* one past the last parent */
	while (i-- > 0)
		sift_down(q->keys, q->len, i);
}

static int key_cmp(const void *pa, const void *pb)
{
	const struct evq_key *a = pa, *b = pb;

	if (evq_less(*a, *b))
		return -1;
	return evq_less(*b, *a);
}

void evq_sort(struct evq *q)
{
	if (q->len > 1)
		qsort(q->keys, q->len, sizeof(struct evq_key), key_cmp);
}
