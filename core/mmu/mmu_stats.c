/*
 * Registration of one PE's MMU statistics ("pe.<N>.<part>.<counter>").
 * Every counter stays a plain field of its component; the registry only
 * holds pointers to them.
 */
#include <stdio.h>

#include "core/mmu/mmu.h"

struct counter_def {
	const char *name, *unit, *desc;
	const uint64_t *v;
};

static int add_all(s2sim_stats *st, uint32_t pe, const char *part,
		   const struct counter_def *c, size_t n)
{
	char name[128];
	int rc = S2SIM_OK;

	for (size_t i = 0; i < n && rc == S2SIM_OK; i++) {
		snprintf(name, sizeof(name), "pe.%u.%s.%s", pe, part, c[i].name);
		rc = s2sim_stats_counter(st, name, c[i].unit, c[i].desc, c[i].v);
	}
	return rc;
}

static int add_tlb(s2sim_stats *st, uint32_t pe, const char *part,
		   const struct s2sim_tlb_stats *t)
{
	const struct counter_def c[] = {
		{ "hits", "lookups", "lookups that hit", &t->hits },
		{ "misses", "lookups", "lookups that missed", &t->misses },
		{ "conflicts", "lookups", "lookups matching more than one entry",
		  &t->conflicts },
		{ "insertions", "entries", "entries installed", &t->insertions },
		{ "evictions", "entries", "valid entries displaced", &t->evictions },
		{ "invalidations", "operations", "invalidation operations received",
		  &t->invalidations },
		{ "removed", "entries", "entries removed by invalidations",
		  &t->removed },
	};
	return add_all(st, pe, part, c, sizeof(c) / sizeof(c[0]));
}

static int add_walk_cache(s2sim_stats *st, uint32_t pe,
			  const struct s2sim_wc_stats *w)
{
	const struct counter_def c[] = {
		{ "lookups", "lookups", "walk-cache lookups", &w->lookups },
		{ "hits_l0", "lookups", "walks that started below a cached L0 table",
		  &w->hits[0] },
		{ "hits_l1", "lookups", "walks that started below a cached L1 table",
		  &w->hits[1] },
		{ "hits_l2", "lookups", "walks that started below a cached L2 table",
		  &w->hits[2] },
		{ "misses", "lookups", "walks that started at the root", &w->misses },
		{ "insertions", "entries", "table descriptors cached", &w->inserts },
		{ "evictions", "entries", "valid entries displaced", &w->evictions },
		{ "invalidations", "operations", "invalidation operations received",
		  &w->invalidations },
		{ "removed", "entries", "entries removed by invalidations",
		  &w->removed },
	};
	return add_all(st, pe, "walk_cache", c, sizeof(c) / sizeof(c[0]));
}

static const char *const src_names[S2SIM_WALK_NSRC] = {
	"l1d", "l2", "slc", "dram", "unknown", "walk_cache",
};

static const char *const fault_names[5] = {
	"none", "address_size", "translation", "access_flag", "permission",
};

/* Descriptor fetches per level and source, faults per class and level. */
static int add_walker(s2sim_stats *st, uint32_t pe,
		      const struct s2sim_walker_stats *w)
{
	char name[128];
	int rc = S2SIM_OK;

	snprintf(name, sizeof(name), "pe.%u.walker.walks", pe);
	rc = s2sim_stats_counter(st, name, "walks", "stage-2 walks", &w->walks);
	for (unsigned l = 0; l < 4 && rc == S2SIM_OK; l++)
		for (unsigned s = 0; s < S2SIM_WALK_NSRC && rc == S2SIM_OK; s++) {
			snprintf(name, sizeof(name), "pe.%u.walker.fetch.l%u.%s",
				 pe, l, src_names[s]);
			rc = s2sim_stats_counter(st, name, "descriptors",
						 "descriptor fetches of this level served here",
						 &w->fetches[l][s]);
		}
	for (unsigned f = 1; f < 5 && rc == S2SIM_OK; f++)
		for (unsigned l = 0; l < 4 && rc == S2SIM_OK; l++) {
			snprintf(name, sizeof(name), "pe.%u.walker.fault.%s.l%u", pe,
				 fault_names[f], l);
			rc = s2sim_stats_counter(st, name, "faults",
						 "stage-2 faults found by walks",
						 &w->faults[f][l]);
		}
	return rc;
}

int s2sim_mmu_register_stats(struct s2sim_mmu *m, s2sim_stats *st,
			     s2sim_hist *walk_latency)
{
	const struct counter_def c[] = {
		{ "accesses", "accesses", "translations requested", &m->stats.accesses },
		{ "faults", "faults", "stage-2 faults reported", &m->stats.faults },
		{ "tlb_perm_faults", "faults",
		  "permission faults found on a TLB hit", &m->stats.tlb_perm_faults },
		{ "tlbi_received", "operations", "TLBIs applied to this PE",
		  &m->stats.tlbi_received },
		{ "tlbi_removed", "entries", "entries the TLBIs removed",
		  &m->stats.tlbi_removed },
	};
	int rc;

	m->walk_latency = walk_latency;
	rc = add_all(st, m->pe, "mmu", c, sizeof(c) / sizeof(c[0]));
	if (rc == S2SIM_OK)
		rc = add_tlb(st, m->pe, "tlb.l1d", &m->l1.stats);
	if (rc == S2SIM_OK)
		rc = add_tlb(st, m->pe, "tlb.l2", &m->l2.stats);
	if (rc == S2SIM_OK)
		rc = add_walk_cache(st, m->pe, &m->wc.stats);
	if (rc == S2SIM_OK)
		rc = add_walker(st, m->pe, &m->walker.stats);
	return rc;
}
