/*
 * A vCPU's queue of pending guest accesses: a growable ring of compact
 * records, filled by the workload dispatcher and drained by the vCPU.
 */
#ifndef S2SIM_CORE_RUN_ACCESS_QUEUE_H
#define S2SIM_CORE_RUN_ACCESS_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct s2sim_pending_access {
	uint64_t ipa;
	uint32_t delta;    /* guest instructions before this access */
	uint8_t write;
	uint8_t size_log2;
	uint16_t reserved;
};

struct s2sim_access_queue {
	struct s2sim_pending_access *ring;
	uint64_t cap;  /* a power of two, or 0 */
	uint64_t head; /* next to pop */
	uint64_t tail; /* next free */
};

static inline bool s2sim_aq_empty(const struct s2sim_access_queue *q)
{
	return q->head == q->tail;
}

static inline uint64_t s2sim_aq_len(const struct s2sim_access_queue *q)
{
	return q->tail - q->head;
}

static inline const struct s2sim_pending_access *
s2sim_aq_peek(const struct s2sim_access_queue *q)
{
	return &q->ring[q->head & (q->cap - 1)];
}

static inline void s2sim_aq_pop(struct s2sim_access_queue *q)
{
	q->head++;
}

/* Append; grows the ring (doubling).  Returns false when out of memory. */
bool s2sim_aq_push(struct s2sim_access_queue *q, const struct s2sim_pending_access *a);
void s2sim_aq_free(struct s2sim_access_queue *q);

#endif
