/*
 * One PE's MMU: the lookup path (L1 TLB, L2 TLB, walk) and the TLBIs.
 */
#include <stdio.h>

#include "core/mmu/mmu.h"

int s2sim_mmu_init(struct s2sim_mmu *m, const struct s2sim_cfg *cfg,
		   uint32_t pe, struct s2sim_memport port,
		   const struct s2sim_s2ctx *ctx, struct s2sim_errbuf *err)
{
	struct s2sim_walker_params wp;
	s2sim_clock clk = s2sim_clock_from_mhz(cfg->platform.cpu_mhz);
	uint64_t seed = cfg->sim.seed ^ ((uint64_t)pe * 0x9e3779b97f4a7c15ull);
	int rc;

	*m = (struct s2sim_mmu){ .pe = pe, .ctx = ctx };
	m->s1_page_log2 = (unsigned)__builtin_ctzll(cfg->platform.stage1_page_size);
	m->l1_ps = s2sim_clock_cycles(clk, cfg->platform.l1d_tlb.latency_cycles);
	m->l2_ps = s2sim_clock_cycles(clk, cfg->platform.l2_tlb.latency_cycles);
	rc = s2sim_tlb_init(&m->l1, &cfg->platform.l1d_tlb,
			    cfg->platform.tlb_conflict, seed, err);
	if (rc == S2SIM_OK)
		rc = s2sim_tlb_init(&m->l2, &cfg->platform.l2_tlb,
				    cfg->platform.tlb_conflict, seed + 1, err);
	if (rc == S2SIM_OK)
		rc = s2sim_walk_cache_init(&m->wc, cfg->platform.walk_cache, err);
	if (rc != S2SIM_OK)
		return rc;
	s2sim_walker_params_from_cfg(&wp, cfg);
	return s2sim_walker_init(&m->walker, port, &m->wc, &wp, err);
}

void s2sim_mmu_fini(struct s2sim_mmu *m)
{
	s2sim_walker_fini(&m->walker);
	s2sim_walk_cache_fini(&m->wc);
	s2sim_tlb_fini(&m->l2);
	s2sim_tlb_fini(&m->l1);
}

/* A TLB hit: the entry may cache a translation that does not permit the
 * access (the architecture allows caching those), which is a permission
 * fault at the entry's level. */
static void use_entry(struct s2sim_mmu *m, const struct s2sim_tlb_entry *e,
		      uint64_t ipa, bool write, struct s2sim_mmu_result *r)
{
	unsigned need = write ? S2SIM_TLB_PERM_W : S2SIM_TLB_PERM_R;

	if (e->stale && m->on_stale_use)
		m->on_stale_use(m->stale_ctx, m->pe, ipa);
	r->level = e->level;
	r->pa = e->pa + (ipa - e->ipa);
	if (e->perms & need) {
		r->outcome = S2SIM_MMU_OK;
		return;
	}
	r->outcome = S2SIM_MMU_FAULT;
	r->fault = S2SIM_FAULT_PERMISSION;
	m->stats.tlb_perm_faults++;
}

/* Outcome of one TLB level: true if it decided the access. */
static bool tlb_level(struct s2sim_mmu *m, struct s2sim_tlb *t, uint64_t ipa,
		      bool write, struct s2sim_mmu_result *r,
		      struct s2sim_tlb_entry *e)
{
	switch (s2sim_tlb_lookup(t, m->ctx->vmid, ipa, S2SIM_TLB_KIND_COMBINED, e)) {
	case S2SIM_TLB_MISS:
		return false;
	case S2SIM_TLB_CONFLICT:
		r->outcome = S2SIM_MMU_CONFLICT;
		r->level = e->level;
		return true;
	default: /* HIT, HIT_RESOLVED */
		use_entry(m, e, ipa, write, r);
		return true;
	}
}

static void walk(struct s2sim_mmu *m, uint64_t ipa, bool write,
		 struct s2sim_mmu_result *r)
{
	struct s2sim_walk_result w;
	struct s2sim_tlb_walk_leaf leaf;
	struct s2sim_tlb_entry e;

	s2sim_walker_translate(&m->walker, m->ctx, ipa,
			       write ? S2SIM_ACC_WRITE : S2SIM_ACC_READ, &w);
	r->latency_ps += w.latency_ps;
	r->level = w.level;
	r->where = S2SIM_MMU_BY_WALK;
	if (m->walk_latency)
		s2sim_hist_add(m->walk_latency, w.latency_ps);
	if (w.fault != S2SIM_FAULT_NONE) {
		r->outcome = S2SIM_MMU_FAULT;
		r->fault = w.fault;
		return;
	}
	r->outcome = S2SIM_MMU_OK;
	r->pa = w.pa;
	leaf = (struct s2sim_tlb_walk_leaf){
		.ipa = w.ipa_base, .pa = w.pa_base, .size = w.size_log2,
		.level = w.level,
		.perms = (uint8_t)(w.perms & (S2SIM_PERM_R | S2SIM_PERM_W | S2SIM_PERM_X)),
		.contiguous = w.contiguous, .nt = w.nt,
	};
	if (s2sim_tlb_entry_from_walk(&leaf, ipa, m->s1_page_log2, m->ctx->vmid,
				      S2SIM_TLB_KIND_COMBINED, &e) != S2SIM_OK)
		return; /* unsupported entry size: translate without caching */
	e.epoch = m->ctx->epoch;
	s2sim_tlb_insert(&m->l2, &e, NULL);
	s2sim_tlb_insert(&m->l1, &e, NULL);
	if (m->on_install) {
		/* the walk may have cached the level-1 table descriptor, which
		 * covers 1 GiB: report that range (a conservative superset) */
		m->on_install(m->install_ctx, m->pe, m->ctx->vmid, ipa, 30);
	}
}

void s2sim_mmu_access(struct s2sim_mmu *m, uint64_t ipa, bool write,
		      struct s2sim_mmu_result *r)
{
	struct s2sim_tlb_entry e;

	*r = (struct s2sim_mmu_result){ .latency_ps = m->l1_ps, .where = S2SIM_MMU_BY_L1 };
	m->stats.accesses++;
	if (!tlb_level(m, &m->l1, ipa, write, r, &e)) {
		r->latency_ps += m->l2_ps;
		r->where = S2SIM_MMU_BY_L2;
		if (tlb_level(m, &m->l2, ipa, write, r, &e)) {
			if (r->outcome == S2SIM_MMU_OK)
				s2sim_tlb_insert(&m->l1, &e, NULL);
		} else {
			walk(m, ipa, write, r);
		}
	}
	if (r->outcome == S2SIM_MMU_FAULT)
		m->stats.faults++;
}

uint32_t s2sim_mmu_mark_stale(struct s2sim_mmu *m, uint16_t vmid, uint64_t ipa,
			      uint64_t size, uint32_t epoch)
{
	return s2sim_tlb_mark_stale(&m->l1, vmid, ipa, size, epoch) +
	       s2sim_tlb_mark_stale(&m->l2, vmid, ipa, size, epoch);
}

/* The level an IPAS2*'s 4-bit TTL names for the 4 KiB granule, or 0 (no
 * hint): TTL[3:2] = 0b01 is the 4 KiB granule, TTL[1:0] the level (Arm ARM
 * C5.5.13; level 0 is reserved without FEAT_LPA2, so no hint). */
static unsigned ttl_level_4k(unsigned ttl)
{
	return (ttl >> 2) == 1 ? (ttl & 3u) : 0;
}

static uint32_t tlbi_by_address(struct s2sim_mmu *m,
				const struct s2sim_dvm_op *op, bool leaf_only)
{
	uint16_t vmid = op->vmid;
	uint64_t lo, hi;
	unsigned lvl;
	uint32_t n = 0;

	if (!s2sim_dvm_op_range(op, &lo, &hi) || hi <= lo)
		return 0;
	if (op->kind == S2SIM_DVM_IPAS2E1 || op->kind == S2SIM_DVM_IPAS2LE1) {
		lvl = ttl_level_4k(op->ttl);
		n += s2sim_walk_cache_inv_ipa(&m->wc, vmid, lo, leaf_only, lvl);
		n += s2sim_tlb_inv_ipa(&m->l1, vmid, lo, S2SIM_TLB_F_STAGE2,
				       leaf_only, lvl);
		n += s2sim_tlb_inv_ipa(&m->l2, vmid, lo, S2SIM_TLB_F_STAGE2,
				       leaf_only, lvl);
		return n;
	}
	lvl = op->ttl; /* RIPAS2*: the 2-bit TTL is the level, 0 = any */
	n += s2sim_walk_cache_inv_range(&m->wc, vmid, lo, hi - lo, leaf_only, lvl);
	n += s2sim_tlb_inv_range(&m->l1, vmid, lo, hi - lo, S2SIM_TLB_F_STAGE2,
				 leaf_only, lvl);
	n += s2sim_tlb_inv_range(&m->l2, vmid, lo, hi - lo, S2SIM_TLB_F_STAGE2,
				 leaf_only, lvl);
	return n;
}

uint32_t s2sim_mmu_tlbi(struct s2sim_mmu *m, const struct s2sim_dvm_op *op)
{
	uint32_t n = 0;

	switch (op->kind) {
	case S2SIM_DVM_IPAS2E1:
	case S2SIM_DVM_RIPAS2E1:
		n = tlbi_by_address(m, op, false);
		break;
	case S2SIM_DVM_IPAS2LE1:
	case S2SIM_DVM_RIPAS2LE1:
		n = tlbi_by_address(m, op, true);
		break;
	case S2SIM_DVM_VMALLE1:
		n = s2sim_tlb_inv_vmid(&m->l1, op->vmid, S2SIM_TLB_F_COMBINED) +
		    s2sim_tlb_inv_vmid(&m->l2, op->vmid, S2SIM_TLB_F_COMBINED);
		break;
	case S2SIM_DVM_VMALLS12E1:
		n = s2sim_tlb_inv_vmid(&m->l1, op->vmid, S2SIM_TLB_F_BOTH) +
		    s2sim_tlb_inv_vmid(&m->l2, op->vmid, S2SIM_TLB_F_BOTH) +
		    s2sim_walk_cache_inv_vmid(&m->wc, op->vmid);
		break;
	case S2SIM_DVM_ALLE1:
		n = s2sim_tlb_inv_all(&m->l1, S2SIM_TLB_F_BOTH) +
		    s2sim_tlb_inv_all(&m->l2, S2SIM_TLB_F_BOTH) +
		    s2sim_walk_cache_inv_all(&m->wc);
		break;
	default:
		return 0;
	}
	m->stats.tlbi_received++;
	m->stats.tlbi_removed += n;
	return n;
}
