/*
 * Growable FIFO of uint32_t: a power-of-two circular buffer that doubles
 * when full (amortised O(1) push and pop).
 */
#include <stdlib.h>

#include <s2sim/common.h>
#include "interconnect/u32_ring.h"

#define RING_MIN_CAP 16u

static int ring_grow(struct u32_ring *r)
{
	uint32_t ncap = r->cap ? r->cap * 2 : RING_MIN_CAP;
	uint32_t *nbuf;

	if (ncap < r->cap)
		return S2SIM_ENOMEM;
	nbuf = malloc((size_t)ncap * sizeof(*nbuf));
	if (!nbuf)
		return S2SIM_ENOMEM;
	for (uint32_t i = 0; i < r->len; i++)
		nbuf[i] = r->buf[(r->head + i) & (r->cap - 1)];
	free(r->buf);
	r->buf = nbuf;
	r->cap = ncap;
	r->head = 0;
	return S2SIM_OK;
}

int fab_ring_push(struct u32_ring *r, uint32_t v)
{
	if (r->len == r->cap && ring_grow(r) != S2SIM_OK)
		return S2SIM_ENOMEM;
	r->buf[(r->head + r->len) & (r->cap - 1)] = v;
	r->len++;
	return S2SIM_OK;
}

uint32_t fab_ring_pop(struct u32_ring *r)
{
	uint32_t v = r->buf[r->head];

	r->head = (r->head + 1) & (r->cap - 1);
	r->len--;
	return v;
}

void fab_ring_free(struct u32_ring *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = r->head = r->len = 0;
}
