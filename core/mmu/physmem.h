/*
 * Simulated physical memory: sparse, 4 KiB-page granular, holding only the
 * pages that contain stage-2 translation tables (64-bit descriptors).  Guest
 * data is never stored; reading a page that was never allocated returns 0,
 * which is an invalid descriptor.
 *
 * Pages are found through a three-level radix directory keyed by the page
 * frame number (PA[51:12]): 16 Ki top slots, then 8 Ki-entry mid and leaf
 * nodes, created on demand.  Memory use is the table pages themselves plus
 * 64 KiB of directory per 32 MiB of table pages.
 *
 * The table-page allocator hands out zeroed pages from one PA window given
 * at creation (the hypervisor's page pool), lowest address first, reusing
 * freed pages LIFO: deterministic.
 */
#ifndef S2SIM_CORE_MMU_PHYSMEM_H
#define S2SIM_CORE_MMU_PHYSMEM_H

#include <stdint.h>

#include "core/util/errbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

struct s2sim_physmem;

struct s2sim_physmem_stats {
	uint64_t pages_in_use;
	uint64_t pages_peak;
	uint64_t allocs;
	uint64_t frees;
	uint64_t dir_bytes;   /* radix directory nodes */
};

/* A memory whose table pages come from [win_base, win_base + win_size);
 * both 4 KiB aligned, the window below 2^52.  S2SIM_EINPUT otherwise. */
int s2sim_physmem_create(uint64_t win_base, uint64_t win_size,
			 struct s2sim_physmem **out, struct s2sim_errbuf *err);
void s2sim_physmem_destroy(struct s2sim_physmem *pm);
/* The first address of the table-page window. */
uint64_t s2sim_physmem_window_base(const struct s2sim_physmem *pm);

/* A zeroed page; S2SIM_ENOMEM when the window (or the host) is exhausted. */
int s2sim_physmem_alloc_page(struct s2sim_physmem *pm, uint64_t *pa);
/* `n` (1, 2, 4, 8 or 16) zeroed contiguous pages aligned to n * 4 KiB: the
 * concatenated start-level tables. */
int s2sim_physmem_alloc_pages(struct s2sim_physmem *pm, unsigned n,
			      uint64_t *pa);
/* Return a page to the pool; S2SIM_EMISUSE if it is not allocated. */
int s2sim_physmem_free_page(struct s2sim_physmem *pm, uint64_t pa);

/* The 64-bit word at `pa` (bits[2:0] ignored); 0 in an unallocated page. */
uint64_t s2sim_physmem_read64(const struct s2sim_physmem *pm, uint64_t pa);
/* S2SIM_EMISUSE if the page holding `pa` is not allocated. */
int s2sim_physmem_write64(struct s2sim_physmem *pm, uint64_t pa, uint64_t v);
/* The 512 words of an allocated page, or NULL. */
uint64_t *s2sim_physmem_page(const struct s2sim_physmem *pm, uint64_t pa);

void s2sim_physmem_get_stats(const struct s2sim_physmem *pm,
			     struct s2sim_physmem_stats *st);

#ifdef __cplusplus
}
#endif
#endif
