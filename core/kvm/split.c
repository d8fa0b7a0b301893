/*
 * Splitting a block into a table, as the policy says:
 *  - break-before-make (FEAT_BBM level 0/1, Linux today): write the locked
 *    invalid PTE (stage2_try_break_pte), broadcast __kvm_tlb_flush_vmid_ipa
 *    of the block and wait for it, then install the table
 *    (stage2_make_pte).  A fault-time (lazy) split installs an empty table
 *    and maps only the faulting page in it (stage2_map_walk_leaf: "accesses
 *    beyond 'end' that fall within the new table will be mapped lazily");
 *    an eager split installs a full table inheriting the block's
 *    permissions (kvm_pgtable_stage2_split);
 *  - bbml2 (what-if, FEAT_BBM level 2): write a full table over the block
 *    directly (no invalid window), relax the faulting page, then flush the
 *    old block;
 *  - unsafe-no-bbm (broken on purpose, for the checker): as bbml2 on a
 *    platform without FEAT_BBM level 2, and the old block's flush is
 *    local (TLBI ...; DSB NSH), as if nsh-relax's reasoning applied to a
 *    split: the other PEs keep the block, and use it after the writer's
 *    maintenance completed (a stale-translation finding).
 */
#include "core/kvm/kvm_internal.h"
#include "core/mmu/desc.h"

static void fail(struct s2sim_hyp *h, int rc, const char *what)
{
	s2sim_err(&h->kvm->err, rc, "PE %u: split at IPA 0x%llx: %s", h->pe,
		  (unsigned long long)h->split_base, what);
	s2sim_kvm_fail(h->kvm, rc);
}

/* Map (lazy) or make writable (direct) the page that faulted. */
static int fix_faulting_page(struct s2sim_hyp *h)
{
	struct s2sim_kvm *kvm = h->kvm;
	struct s2sim_kvm_memslot *s = s2sim_kvm_find_slot(kvm, h->ipa);
	uint64_t page = h->ipa & ~0xfffull;
	unsigned prot = S2SIM_PROT_R | S2SIM_PROT_X | (h->write ? S2SIM_PROT_W : 0);

	if (h->is_vmm)
		return S2SIM_OK; /* eager split: no faulting page */
	if (h->split_lazy)
		return s2sim_s2pt_map(kvm->pt, page, s->host_pa + (page - s->base),
				      S2SIM_SIZE_4K, prot);
	if (!h->write)
		return S2SIM_OK;
	return s2sim_s2pt_relax_perms(kvm->pt, page, S2SIM_PROT_W, NULL);
}

static uint64_t block_size(unsigned level)
{
	return 1ull << (39 - 9 * level);
}

/* The direct (no-break) path's flush of the old block. */
static int flush_old_block(struct s2sim_hyp *h, uint32_t f)
{
	if (f & S2SIM_POLF_UNSAFE_NO_BBM)
		return s2sim_flush_vmid_ipa_nsh(h, h->split_base, h->split_level);
	return s2sim_flush_vmid_ipa(h, h->split_base, h->split_level);
}

/* The make step: install the table, then fix the faulting page. */
static void make(struct s2sim_hyp *h)
{
	struct s2sim_kvm *kvm = h->kvm;
	uint32_t f = kvm->cfg->hypervisor.features;
	bool direct = f & (S2SIM_POLF_BBML2 | S2SIM_POLF_UNSAFE_NO_BBM);

	kvm->writer_pe = h->pe;
	if (direct) /* the block's cached copies must go */
		s2sim_check_expect_gone(h, h->split_base, block_size(h->split_level));
	if (s2sim_s2pt_write_entry(kvm->pt, h->split_base, h->split_level,
				   s2sim_desc_make_table(h->split_table)) != S2SIM_OK) {
		fail(h, S2SIM_ESIM, "cannot install the table");
		return;
	}
	if (fix_faulting_page(h) != S2SIM_OK) {
		fail(h, S2SIM_ESIM, "cannot map the faulting page");
		return;
	}
	if (direct) {
		/* the old block may still be cached: flush it (no fault window) */
		if (flush_old_block(h, f) != S2SIM_OK) {
			fail(h, S2SIM_ENOMEM, "out of memory");
			return;
		}
		s2sim_hyp_run_steps(h, h->split_after);
		return;
	}
	h->split_after(h);
}

void s2sim_split_block(struct s2sim_hyp *h, uint64_t ipa, unsigned level,
		       uint64_t block, bool lazy_page_only, s2sim_hyp_cont after)
{
	struct s2sim_kvm *kvm = h->kvm;
	uint32_t f = kvm->cfg->hypervisor.features;
	bool direct = f & (S2SIM_POLF_BBML2 | S2SIM_POLF_UNSAFE_NO_BBM);
	int rc;

	s2sim_hyp_charge(h, S2SIM_T_HANDLER,
			 h->t + s2sim_kvm_cycles(kvm, kvm->cfg->hypervisor.split_cycles));
	h->split_base = ipa & ~(block_size(level) - 1);
	h->split_level = (uint8_t)level;
	/* A direct write must keep every page mapped: build the full table. */
	h->split_lazy = lazy_page_only && !direct;
	h->split_after = after;
	rc = h->split_lazy ? s2sim_physmem_alloc_page(kvm->pt->pm, &h->split_table)
			   : s2sim_s2pt_build_table_for_block(kvm->pt, block, level,
							      &h->split_table);
	if (rc != S2SIM_OK) {
		fail(h, rc, "no table page");
		return;
	}
	if (direct) {
		make(h);
		return;
	}
	/* break: the locked invalid PTE, then the broadcast flush */
	s2sim_check_expect_gone(h, h->split_base, block_size(level));
	if (s2sim_s2pt_write_entry(kvm->pt, h->split_base, level, S2SIM_PTE_LOCKED) !=
	    S2SIM_OK) {
		fail(h, S2SIM_ESIM, "cannot break the block");
		return;
	}
	if (s2sim_flush_vmid_ipa(h, h->split_base, level) != S2SIM_OK) {
		fail(h, S2SIM_ENOMEM, "out of memory");
		return;
	}
	s2sim_hyp_run_steps(h, make);
}
