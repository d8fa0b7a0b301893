#include <stdlib.h>

#include "core/run/machine.h"

static int register_totals(struct s2sim_machine *m, s2sim_stats *st)
{
	const struct { const char *name, *unit, *desc; const uint64_t *v; } c[] = {
		{ "mmu.l1d_tlb.hits", "lookups", "L1 data TLB hits, all PEs", &m->totals.l1_hits },
		{ "mmu.l1d_tlb.misses", "lookups", "L1 data TLB misses, all PEs", &m->totals.l1_misses },
		{ "mmu.l2_tlb.hits", "lookups", "L2 TLB hits, all PEs", &m->totals.l2_hits },
		{ "mmu.l2_tlb.misses", "lookups", "L2 TLB misses, all PEs", &m->totals.l2_misses },
		{ "mmu.tlb_conflicts", "lookups", "TLB lookups matching several entries",
		  &m->totals.conflicts },
		{ "mmu.walks", "walks", "stage-2 walks, all PEs", &m->totals.walks },
		{ "mmu.walk_cache.hits", "lookups", "walks started below the root",
		  &m->totals.wc_hits },
		{ "mmu.walk_cache.misses", "lookups", "walks started at the root",
		  &m->totals.wc_misses },
		{ "mmu.faults", "faults", "stage-2 faults reported, all PEs", &m->totals.faults },
		{ "mmu.tlbi_removed", "entries", "entries removed by TLBIs, all PEs",
		  &m->totals.tlbi_removed },
		{ "mmu.table_pages", "pages", "stage-2 table pages in use (peak)",
		  &m->totals.table_pages },
	};
	int rc = S2SIM_OK;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]) && rc == S2SIM_OK; i++)
		rc = s2sim_stats_counter(st, c[i].name, c[i].unit, c[i].desc, c[i].v);
	return rc;
}

static int init_tables(struct s2sim_machine *m, struct s2sim_errbuf *err)
{
	const struct s2sim_cfg *c = m->cfg;
	uint64_t half = 1ull << (c->platform.pa_bits - 1);
	struct s2sim_memsys_params mp;
	int rc;

	rc = s2sim_physmem_create(half, half, &m->pm, err);
	if (rc == S2SIM_OK)
		rc = s2sim_s2pt_init(&m->pt, m->pm, S2SIM_VMID, c->platform.ipa_bits,
				     c->platform.pa_bits, c->platform.start_level, err);
	if (rc != S2SIM_OK)
		return rc;
	m->pt_ready = true;
	s2sim_memsys_params_from_cfg(&mp, c);
	mp.pes = m->nmmu;
	return s2sim_memsys_create(&mp, m->pm, &m->ms, err);
}

int s2sim_machine_init(struct s2sim_machine *m, const struct s2sim_cfg *cfg,
		       uint32_t nvcpus, s2sim_stats *st,
		       struct s2sim_errbuf *err)
{
	int rc;

	*m = (struct s2sim_machine){ .cfg = cfg, .nmmu = nvcpus };
	rc = init_tables(m, err);
	if (rc != S2SIM_OK)
		return rc;
	m->walk_latency = s2sim_stats_hist(st, "mmu.walk_latency_ps", "ps",
					   "latency of each stage-2 walk");
	m->mmu = calloc(nvcpus, sizeof(*m->mmu));
	if (!m->mmu || !m->walk_latency)
		return s2sim_err(err, S2SIM_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < nvcpus; i++) {
		rc = s2sim_mmu_init(&m->mmu[i], cfg, i, s2sim_memsys_port(m->ms, i),
				    &m->pt.ctx, err);
		if (rc == S2SIM_OK)
			rc = s2sim_mmu_register_stats(&m->mmu[i], st, m->walk_latency);
		if (rc != S2SIM_OK)
			return rc;
	}
	return register_totals(m, st);
}

void s2sim_machine_fini(struct s2sim_machine *m)
{
	for (uint32_t i = 0; m->mmu && i < m->nmmu; i++)
		s2sim_mmu_fini(&m->mmu[i]);
	free(m->mmu);
	s2sim_memsys_destroy(m->ms);
	if (m->pt_ready)
		s2sim_s2pt_destroy(&m->pt);
	s2sim_physmem_destroy(m->pm);
	*m = (struct s2sim_machine){ 0 };
}

void s2sim_machine_sum(struct s2sim_machine *m)
{
	struct s2sim_mmu_totals *t = &m->totals;
	struct s2sim_physmem_stats ps;

	*t = (struct s2sim_mmu_totals){ 0 };
	for (uint32_t i = 0; i < m->nmmu; i++) {
		const struct s2sim_mmu *u = &m->mmu[i];

		t->l1_hits += u->l1.stats.hits;
		t->l1_misses += u->l1.stats.misses;
		t->l2_hits += u->l2.stats.hits;
		t->l2_misses += u->l2.stats.misses;
		t->conflicts += u->l1.stats.conflicts + u->l2.stats.conflicts;
		t->walks += u->walker.stats.walks;
		t->wc_hits += u->wc.stats.hits[0] + u->wc.stats.hits[1] +
			      u->wc.stats.hits[2];
		t->wc_misses += u->wc.stats.misses;
		t->faults += u->stats.faults;
		t->tlbi_removed += u->stats.tlbi_removed;
	}
	s2sim_physmem_get_stats(m->pm, &ps);
	t->table_pages = ps.pages_peak;
}
