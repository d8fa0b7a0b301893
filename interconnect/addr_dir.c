/*
 * The address snoop filter's directory: sets x ways of (VMID, region) ->
 * sharer vector, LRU replacement.  A victim's sharers are not forgotten:
 * they are ORed into the set's overflow vector, and every lookup that maps
 * to the set adds the overflow vector to its answer ("fall back to
 * broadcast" to every PE that may still hold a region evicted from the
 * set).  So an eviction loses precision, never a needed snoop.
 */
#include <stdlib.h>

#include <s2sim/common.h>
#include "interconnect/pe_bitmap.h"
#include "interconnect/snoop_filter.h"

#define KEY_FREE UINT64_MAX

int fab_ad_init(struct addr_dir *ad, uint32_t sets, uint32_t ways,
		unsigned shift, uint32_t words)
{
	size_t slots = (size_t)sets * ways;

	*ad = (struct addr_dir){ .sets = sets, .ways = ways, .words = words,
				 .shift = shift };
	ad->key = malloc(slots * sizeof(*ad->key));
	ad->stamp = calloc(slots, sizeof(*ad->stamp));
	ad->sharers = calloc(slots * words, sizeof(*ad->sharers));
	ad->overflow = calloc((size_t)sets * words, sizeof(*ad->overflow));
	if (!ad->key || !ad->stamp || !ad->sharers || !ad->overflow) {
		fab_ad_fini(ad);
		return S2SIM_ENOMEM;
	}
	for (size_t i = 0; i < slots; i++)
		ad->key[i] = KEY_FREE;
	return S2SIM_OK;
}

void fab_ad_fini(struct addr_dir *ad)
{
	free(ad->key);
	free(ad->stamp);
	free(ad->sharers);
	free(ad->overflow);
	*ad = (struct addr_dir){ 0 };
}

static uint64_t fab_ad_key(uint16_t vmid, uint64_t region)
{
	return (uint64_t)vmid << 48 | region;
}

/* Set of a key: a 64-bit mix (splitmix64 finaliser) so that neighbouring
 * regions and VMIDs spread over the sets. */
static uint32_t fab_ad_set(const struct addr_dir *ad, uint64_t key)
{
	uint64_t h = key + UINT64_C(0x9e3779b97f4a7c15);

	h = (h ^ (h >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	h = (h ^ (h >> 27)) * UINT64_C(0x94d049bb133111eb);
	h ^= h >> 31;
	return (uint32_t)(h & (ad->sets - 1));
}

static uint64_t *fab_ad_sharers(struct addr_dir *ad, size_t slot)
{
	return ad->sharers + slot * ad->words;
}

/* The way of `key` in `set`, or ways when absent. */
static uint32_t fab_ad_find(const struct addr_dir *ad, uint32_t set,
			    uint64_t key)
{
	const uint64_t *k = ad->key + (size_t)set * ad->ways;

	for (uint32_t w = 0; w < ad->ways; w++)
		if (k[w] == key)
			return w;
	return ad->ways;
}

/* A way for a new key: a free one, else the LRU one, whose sharers move
 * to the set's overflow vector. */
static uint32_t fab_ad_victim(struct addr_dir *ad, uint32_t set,
			      uint64_t *evictions)
{
	size_t base = (size_t)set * ad->ways;
	uint32_t victim = 0;

	for (uint32_t w = 0; w < ad->ways; w++) {
		if (ad->key[base + w] == KEY_FREE)
			return w;
		if (ad->stamp[base + w] < ad->stamp[base + victim])
			victim = w;
	}
	pe_bitmap_or(ad->overflow + (size_t)set * ad->words,
		     fab_ad_sharers(ad, base + victim), ad->words);
	(*evictions)++;
	return victim;
}

int fab_ad_mark(struct addr_dir *ad, uint16_t vmid, uint64_t region,
		uint32_t pe, uint64_t *evictions)
{
	uint64_t key = fab_ad_key(vmid, region);
	uint32_t set = fab_ad_set(ad, key);
	uint32_t way = fab_ad_find(ad, set, key);
	size_t slot;

	if (way == ad->ways) {
		way = fab_ad_victim(ad, set, evictions);
		slot = (size_t)set * ad->ways + way;
		ad->key[slot] = key;
		pe_bitmap_zero(fab_ad_sharers(ad, slot), ad->words);
	}
	slot = (size_t)set * ad->ways + way;
	ad->stamp[slot] = ++ad->clock;
	return pe_bitmap_set(fab_ad_sharers(ad, slot), pe) ? 1 : 0;
}

bool fab_ad_lookup(struct addr_dir *ad, uint16_t vmid, uint64_t region,
		   uint64_t *acc)
{
	uint64_t key = fab_ad_key(vmid, region);
	uint32_t set = fab_ad_set(ad, key);
	uint32_t way = fab_ad_find(ad, set, key);

	pe_bitmap_or(acc, ad->overflow + (size_t)set * ad->words, ad->words);
	if (way == ad->ways)
		return false;
	pe_bitmap_or(acc, fab_ad_sharers(ad, (size_t)set * ad->ways + way),
		     ad->words);
	return true;
}
