/*
 * Estimate of a simulation's host memory (see mem_budget.h).  The costs
 * per item are upper bounds of what the modules allocate (TLB slots with
 * their side arrays, walk-cache entries, cache-line tags, snoop-filter
 * slots with a sharer bitmap, stage-2 tables and dirty bitmaps of the
 * guest's memory); the estimate is meant to catch sizes off by orders of
 * magnitude, not to predict RSS.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <s2sim/fabric.h>

#include "core/config/config_handle.h"
#include "core/run/mem_budget.h"

#define TLB_SLOT_BYTES 128u  /* tag, entry, stamps, LRU, hash index */
#define WALK_ENTRY_BYTES 64u
#define LINE_TAG_BYTES 4u
#define GUEST_BYTES_PER_TABLE_BYTE 256u /* 4 KiB leaves + bitmap, x2 margin */
#define BASE_BYTES (64ull << 20)

struct term {
	const char *key;
	uint64_t bytes;
};

/* a * b, saturating. */
static uint64_t mul(uint64_t a, uint64_t b)
{
	return a && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

static uint64_t add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The per-vCPU MMU structures, the caches and the snoop filter. */
static int platform_terms(const struct s2sim_cfg *c, uint32_t nv, struct term *t)
{
	uint64_t wc = 0, words = (c->platform.pes + 63) / 64;
	int n = 0;

	for (int i = 0; i < 3; i++)
		wc += c->platform.walk_cache[i].entries;
	t[n++] = (struct term){ c->platform.l2_tlb.entries >= c->platform.l1d_tlb.entries
				? "platform.l2_tlb.entries" : "platform.l1d_tlb.entries",
				mul(nv, mul((uint64_t)c->platform.l2_tlb.entries +
					    c->platform.l1d_tlb.entries, TLB_SLOT_BYTES)) };
	t[n++] = (struct term){ "platform.walk_cache.l2.entries",
				mul(nv, mul(wc, WALK_ENTRY_BYTES)) };
	t[n++] = (struct term){ c->platform.mem.l2_lines >= c->platform.mem.l1d_lines
				? "platform.mem.l2_lines" : "platform.mem.l1d_lines",
				mul(nv, mul((uint64_t)c->platform.mem.l1d_lines +
					    c->platform.mem.l2_lines, LINE_TAG_BYTES)) };
	t[n++] = (struct term){ "platform.mem.slc_lines",
				mul(c->platform.mem.slc_lines, LINE_TAG_BYTES) };
	if (c->fabric.snoop_filter == S2SIM_SNOOP_FILTER_ADDRESS)
		t[n++] = (struct term){ "fabric.addr_sets",
					mul(mul(c->fabric.addr_sets, c->fabric.addr_ways),
					    16 + 8 * words) };
	return n;
}

uint64_t s2sim_mem_estimate(const s2sim_config *cfg, uint32_t nvcpus,
			    const char **key)
{
	const struct s2sim_cfg *c = &cfg->values;
	struct term t[8];
	int n = platform_terms(c, nvcpus, t);
	uint64_t total = BASE_BYTES, top = 0;

	if (c->workload.source == S2SIM_SRC_GENERATOR)
		t[n++] = (struct term){ "workload.bytes_per_vcpu",
					mul(c->workload.vcpus,
					    c->workload.bytes_per_vcpu /
						    GUEST_BYTES_PER_TABLE_BYTE) };
	*key = t[0].key;
	for (int i = 0; i < n; i++) {
		total = add(total, t[i].bytes);
		if (t[i].bytes > top) {
			top = t[i].bytes;
			*key = t[i].key;
		}
	}
	return total;
}

/* "12KiB"-style size from the environment; 0 if unset or malformed. */
static uint64_t env_size(const char *name)
{
	const char *s = getenv(name);
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!s || !isdigit((unsigned char)*s))
		return 0;
	v = strtoull(s, &end, 0);
	switch (toupper((unsigned char)*end)) {
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	case 'T': shift = 40; break;
	default: break;
	}
	return shift && v > (UINT64_MAX >> shift) ? UINT64_MAX : (uint64_t)v << shift;
}

uint64_t s2sim_mem_limit(void)
{
	uint64_t env = env_size("S2SIM_MEMORY_LIMIT");
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);

	if (env)
		return env;
	if (pages <= 0 || page <= 0)
		return 0;
	return mul((uint64_t)pages, (uint64_t)page);
}

static double gib(uint64_t b)
{
	return (double)b / (double)(1ull << 30);
}

int s2sim_mem_check(const s2sim_config *cfg, uint32_t nvcpus,
		    struct s2sim_errbuf *err)
{
	const char *key = NULL;
	uint64_t need = s2sim_mem_estimate(cfg, nvcpus, &key);
	uint64_t limit = s2sim_mem_limit();

	if (!limit || need <= limit)
		return S2SIM_OK;
	return s2sim_err(err, S2SIM_ELIMIT, "%s: key '%s': the model would need "
			 "about %.1f GiB of host memory, more than the limit of "
			 "%.1f GiB (%s): make it smaller",
			 s2sim_config_origin_of(cfg, s2sim_cfg_find(key)), key,
			 gib(need), gib(limit),
			 getenv("S2SIM_MEMORY_LIMIT") ? "S2SIM_MEMORY_LIMIT"
				: "the host's memory; S2SIM_MEMORY_LIMIT sets another");
}
