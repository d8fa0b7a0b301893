#include <stdlib.h>
#include <string.h>

#include "core/run/access_queue.h"

static bool aq_grow(struct s2sim_access_queue *q)
{
	uint64_t ncap = q->cap ? q->cap * 2 : 1024;
	uint64_t len = s2sim_aq_len(q);
	struct s2sim_pending_access *n = malloc(ncap * sizeof(*n));

	if (!n)
		return false;
	/* Copy the live elements to the start of the new ring, in order. */
	for (uint64_t i = 0; i < len; i++)
		n[i] = q->ring[(q->head + i) & (q->cap - 1)];
	free(q->ring);
	q->ring = n;
	q->cap = ncap;
	q->head = 0;
	q->tail = len;
	return true;
}

bool s2sim_aq_push(struct s2sim_access_queue *q, const struct s2sim_pending_access *a)
{
	if (s2sim_aq_len(q) == q->cap && !aq_grow(q))
		return false;
	q->ring[q->tail & (q->cap - 1)] = *a;
	q->tail++;
	return true;
}

void s2sim_aq_free(struct s2sim_access_queue *q)
{
	free(q->ring);
	memset(q, 0, sizeof(*q));
}
