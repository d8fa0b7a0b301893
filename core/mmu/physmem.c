/*
 * Sparse simulated physical memory for translation tables (see physmem.h).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

#include <s2sim/common.h>

#include "core/mmu/physmem.h"

#define PAGE_SHIFT 12
#define PAGE_WORDS 512
#define PFN_BITS 40 /* PA[51:12] */
#define TOP_BITS 14
#define NODE_BITS 13
#define NODE_SLOTS (1u << NODE_BITS)
#define NODE_MASK (NODE_SLOTS - 1)

struct page_leaf {
	uint64_t *page[NODE_SLOTS];
};

struct page_mid {
	struct page_leaf *leaf[NODE_SLOTS];
};

struct s2sim_physmem {
	struct page_mid *top[1u << TOP_BITS];
	uint64_t win_lo, win_hi; /* PFNs of the allocation window */
	uint64_t next;           /* first never-allocated PFN */
	uint64_t *free_pfn;      /* stack of freed PFNs */
	size_t nfree, free_cap;
	struct s2sim_physmem_stats st;
};

static int pm_fail(struct s2sim_errbuf *err, int rc, const char *fmt, ...)
{
	struct s2sim_errbuf scratch;
	va_list ap;

	va_start(ap, fmt);
	rc = s2sim_verr(err ? err : &scratch, rc, fmt, ap);
	va_end(ap);
	return rc;
}

int s2sim_physmem_create(uint64_t win_base, uint64_t win_size,
			 struct s2sim_physmem **out, struct s2sim_errbuf *err)
{
	struct s2sim_physmem *pm;
	uint64_t end = win_base + win_size;

	*out = NULL;
	if ((win_base | win_size) & ((1u << PAGE_SHIFT) - 1) || !win_size ||
	    end < win_base || end > (1ull << (PFN_BITS + PAGE_SHIFT)))
		return pm_fail(err, S2SIM_EINPUT,
			       "table-page window [0x%llx, +0x%llx) must be "
			       "non-empty, 4 KiB aligned and below 2^52",
			       (unsigned long long)win_base,
			       (unsigned long long)win_size);
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return pm_fail(err, S2SIM_ENOMEM, "out of memory");
	pm->win_lo = win_base >> PAGE_SHIFT;
	pm->win_hi = end >> PAGE_SHIFT;
	pm->next = pm->win_lo;
	*out = pm;
	return S2SIM_OK;
}

void s2sim_physmem_destroy(struct s2sim_physmem *pm)
{
	if (!pm)
		return;
	for (size_t t = 0; t < (1u << TOP_BITS); t++) {
		struct page_mid *mid = pm->top[t];

		if (!mid)
			continue;
		for (size_t m = 0; m < NODE_SLOTS; m++) {
			struct page_leaf *leaf = mid->leaf[m];

			if (!leaf)
				continue;
			for (size_t l = 0; l < NODE_SLOTS; l++)
				free(leaf->page[l]);
			free(leaf);
		}
		free(mid);
	}
	free(pm->free_pfn);
	free(pm);
}

uint64_t s2sim_physmem_window_base(const struct s2sim_physmem *pm)
{
	return pm->win_lo << PAGE_SHIFT;
}

/* The slot holding the page pointer of `pfn`, creating directory nodes
 * when `create`; NULL if absent (or out of host memory). */
static uint64_t **page_slot(struct s2sim_physmem *pm, uint64_t pfn,
			    int create)
{
	struct page_mid **mid = &pm->top[pfn >> (2 * NODE_BITS)];
	struct page_leaf **leaf;

	if (!*mid) {
		if (!create || !(*mid = calloc(1, sizeof(**mid))))
			return NULL;
		pm->st.dir_bytes += sizeof(**mid);
	}
	leaf = &(*mid)->leaf[(pfn >> NODE_BITS) & NODE_MASK];
	if (!*leaf) {
		if (!create || !(*leaf = calloc(1, sizeof(**leaf))))
			return NULL;
		pm->st.dir_bytes += sizeof(**leaf);
	}
	return &(*leaf)->page[pfn & NODE_MASK];
}

uint64_t *s2sim_physmem_page(const struct s2sim_physmem *pm, uint64_t pa)
{
	uint64_t pfn = pa >> PAGE_SHIFT;
	const struct page_mid *mid;
	const struct page_leaf *leaf;

	if (pfn >> PFN_BITS)
		return NULL;
	mid = pm->top[pfn >> (2 * NODE_BITS)];
	if (!mid)
		return NULL;
	leaf = mid->leaf[(pfn >> NODE_BITS) & NODE_MASK];
	return leaf ? leaf->page[pfn & NODE_MASK] : NULL;
}

uint64_t s2sim_physmem_read64(const struct s2sim_physmem *pm, uint64_t pa)
{
	const uint64_t *page = s2sim_physmem_page(pm, pa);

	return page ? page[(pa >> 3) & (PAGE_WORDS - 1)] : 0;
}

int s2sim_physmem_write64(struct s2sim_physmem *pm, uint64_t pa, uint64_t v)
{
	uint64_t *page = s2sim_physmem_page(pm, pa);

	if (!page)
		return S2SIM_EMISUSE;
	page[(pa >> 3) & (PAGE_WORDS - 1)] = v;
	return S2SIM_OK;
}

static int push_free(struct s2sim_physmem *pm, uint64_t pfn)
{
	if (pm->nfree == pm->free_cap) {
		size_t cap = pm->free_cap ? 2 * pm->free_cap : 64;
		uint64_t *p = realloc(pm->free_pfn, cap * sizeof(*p));

		if (!p)
			return S2SIM_ENOMEM;
		pm->free_pfn = p;
		pm->free_cap = cap;
	}
	pm->free_pfn[pm->nfree++] = pfn;
	return S2SIM_OK;
}

/* Back `pfn` with a zeroed host page. */
static int populate(struct s2sim_physmem *pm, uint64_t pfn)
{
	uint64_t **slot = page_slot(pm, pfn, 1);

	if (!slot || !(*slot = calloc(PAGE_WORDS, sizeof(uint64_t))))
		return S2SIM_ENOMEM;
	pm->st.allocs++;
	if (++pm->st.pages_in_use > pm->st.pages_peak)
		pm->st.pages_peak = pm->st.pages_in_use;
	return S2SIM_OK;
}

int s2sim_physmem_alloc_page(struct s2sim_physmem *pm, uint64_t *pa)
{
	bool reuse = pm->nfree != 0;
	uint64_t pfn;
	int rc;

	if (reuse)
		pfn = pm->free_pfn[pm->nfree - 1];
	else if (pm->next < pm->win_hi)
		pfn = pm->next;
	else
		return S2SIM_ENOMEM;
	rc = populate(pm, pfn);
	if (rc)
		return rc;
	if (reuse)
		pm->nfree--;
	else
		pm->next++;
	*pa = pfn << PAGE_SHIFT;
	return S2SIM_OK;
}

/* Contiguous aligned runs always come from the never-used part of the
 * window; the pages skipped to align it join the free stack, highest
 * first so that the lowest is reused first. */
int s2sim_physmem_alloc_pages(struct s2sim_physmem *pm, unsigned n,
			      uint64_t *pa)
{
	uint64_t base;

	if (n == 1)
		return s2sim_physmem_alloc_page(pm, pa);
	if (!n || n > 16 || (n & (n - 1)))
		return S2SIM_EMISUSE;
	base = (pm->next + n - 1) & ~(uint64_t)(n - 1);
	if (base + n > pm->win_hi || base + n < base)
		return S2SIM_ENOMEM;
	for (uint64_t p = base; p-- > pm->next;)
		if (push_free(pm, p))
			return S2SIM_ENOMEM;
	pm->next = base;
	for (unsigned i = 0; i < n; i++) {
		int rc = populate(pm, base + i);

		if (rc) {
			while (i--)
				s2sim_physmem_free_page(pm,
					(base + i) << PAGE_SHIFT);
			return rc;
		}
		pm->next++;
	}
	*pa = base << PAGE_SHIFT;
	return S2SIM_OK;
}

int s2sim_physmem_free_page(struct s2sim_physmem *pm, uint64_t pa)
{
	uint64_t pfn = pa >> PAGE_SHIFT;
	uint64_t **slot;

	if (pfn >> PFN_BITS || (pa & ((1u << PAGE_SHIFT) - 1)))
		return S2SIM_EMISUSE;
	slot = page_slot(pm, pfn, 0);
	if (!slot || !*slot)
		return S2SIM_EMISUSE;
	if (push_free(pm, pfn))
		return S2SIM_ENOMEM;
	free(*slot);
	*slot = NULL;
	pm->st.frees++;
	pm->st.pages_in_use--;
	return S2SIM_OK;
}

void s2sim_physmem_get_stats(const struct s2sim_physmem *pm,
			     struct s2sim_physmem_stats *st)
{
	*st = pm->st;
}
