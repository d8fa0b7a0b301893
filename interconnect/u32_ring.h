/*
 * A growable FIFO of uint32_t (transaction indices waiting at a DVM node).
 */
#ifndef S2SIM_INTERCONNECT_U32_RING_H
#define S2SIM_INTERCONNECT_U32_RING_H

#include <stdint.h>

struct u32_ring {
	uint32_t *buf;
	uint32_t cap;  /* a power of two, or 0 before the first push */
	uint32_t head; /* index of the oldest item */
	uint32_t len;
};

/* S2SIM_OK or S2SIM_ENOMEM (the ring is unchanged then). */
int fab_ring_push(struct u32_ring *r, uint32_t v);
/* Remove and return the oldest item; the ring must not be empty. */
uint32_t fab_ring_pop(struct u32_ring *r);
static inline uint32_t fab_ring_peek(const struct u32_ring *r)
{
	return r->buf[r->head];
}
void fab_ring_free(struct u32_ring *r);

#endif
