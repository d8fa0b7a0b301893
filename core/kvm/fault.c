/*
 * A vCPU's stage-2 abort, handled as KVM does (arch/arm64/kvm/mmu.c
 * kvm_handle_guest_abort -> user_mem_abort, and the pgtable.c walkers):
 *
 *   exit to EL2 -> user_mem_abort work before the lock -> mmu_lock (mode
 *   by policy) -> look at the tables as they are now -> one of
 *     - nothing to do (another vCPU fixed it), or a locked PTE: -EAGAIN;
 *     - map a leaf (block, or page while dirty logging);
 *     - relax the permissions of a page, then its TLB flush (broadcast,
 *       or local with nsh-relax);
 *     - split a write-protected block (lazy split: break-before-make, a
 *       new table in which only the faulting page is mapped);
 *   -> DSB ISHST -> unlock -> re-enter the guest, which retries.
 * A TLB conflict abort is recovered with a local VMALLS12E1 (the bbml2
 * policy's choice; Linux treats it as fatal, so it is also a finding).
 */
#include "core/kvm/kvm_internal.h"
#include "core/mmu/desc.h"

static void finish(struct s2sim_hyp *h);
static void unlocked(struct s2sim_hyp *h);
static void conflict_recovered(struct s2sim_hyp *h);

/* The lock mode user_mem_abort takes for this fault under the policy. */
static enum s2sim_mmu_lock_mode fault_lock_mode(struct s2sim_hyp *h,
						const struct s2sim_kvm_memslot *s)
{
	const struct s2sim_cfg *c = h->kvm->cfg;
	bool perm = h->res.fault == S2SIM_FAULT_PERMISSION;

	switch (c->hypervisor.lock_policy) {
	case S2SIM_LOCKPOL_RDLOCK_ALL:
		return S2SIM_MMU_LOCK_READ;
	case S2SIM_LOCKPOL_RDLOCK_WP:
		/* use_read_lock = perm && write && fault_granule == PAGE_SIZE,
		 * while logging (Linux 5.18, commit f783ef1c0e82 + fix) */
		return perm && h->write && h->res.level == 3 && s && s->logging
			       ? S2SIM_MMU_LOCK_READ
			       : S2SIM_MMU_LOCK_WRITE;
	default:
		return S2SIM_MMU_LOCK_WRITE;
	}
}

static void count_fault(struct s2sim_kvm *kvm, const struct s2sim_mmu_result *r)
{
	kvm->stats.faults++;
	if (r->outcome == S2SIM_MMU_CONFLICT)
		kvm->stats.faults_conflict++;
	else if (r->fault == S2SIM_FAULT_PERMISSION)
		kvm->stats.faults_permission++;
	else if (r->fault == S2SIM_FAULT_ACCESS_FLAG)
		kvm->stats.faults_af++;
	else
		kvm->stats.faults_translation++;
}

static void granted(void *ctx, unsigned pe, s2sim_time_ps t)
{
	struct s2sim_kvm *kvm = ctx;
	struct s2sim_hyp *h = &kvm->hyp[pe];

	s2sim_hyp_charge(h, S2SIM_T_LOCK_WAIT, t);
	h->locked = true;
	h->cont(h);
}

/* Take the mmu_lock in h->mode, then continue with `next`. */
void s2sim_hyp_lock_then(struct s2sim_hyp *h, s2sim_hyp_cont next)
{
	struct s2sim_kvm *kvm = h->kvm;
	s2sim_time_ps at = S2SIM_TIME_MAX;
	int rc;

	h->cont = next;
	rc = s2sim_mmu_lock_acquire(kvm->lock, h->pe, h->mode, h->t, granted, kvm,
				    &at);
	if (rc != S2SIM_OK) {
		s2sim_err(&kvm->err, rc, "PE %u: mmu_lock: %s", h->pe,
			  s2sim_mmu_lock_errmsg(kvm->lock));
		s2sim_kvm_fail(kvm, rc);
		return;
	}
	if (at != S2SIM_TIME_MAX)
		granted(kvm, h->pe, at);
}


/* Map the faulting page (or block) writable if this is a write. */
static void do_map(struct s2sim_hyp *h, struct s2sim_kvm_memslot *s)
{
	struct s2sim_kvm *kvm = h->kvm;
	uint64_t size = s->logging ? S2SIM_SIZE_4K : (1ull << s->backing_log2);
	uint64_t ipa = h->ipa & ~(size - 1);
	unsigned prot = S2SIM_PROT_R | S2SIM_PROT_X;
	int rc;

	/* "Only actually map the page as writable if this was a write
	 * fault" while logging (user_mem_abort). */
	if (h->write || !s->logging)
		prot |= S2SIM_PROT_W;
	rc = s2sim_s2pt_map(kvm->pt, ipa, s->host_pa + (ipa - s->base), size, prot);
	if (rc == S2SIM_EMISUSE && size > S2SIM_SIZE_4K) {
		/* a table already covers the block (split earlier): map the page */
		size = S2SIM_SIZE_4K;
		ipa = h->ipa & ~(size - 1);
		rc = s2sim_s2pt_map(kvm->pt, ipa, s->host_pa + (ipa - s->base),
				    size, prot);
	}
	if (rc != S2SIM_OK) {
		s2sim_err(&kvm->err, rc, "PE %u: cannot map IPA 0x%llx", h->pe,
			  (unsigned long long)h->ipa);
		s2sim_kvm_fail(kvm, rc);
		return;
	}
	kvm->stats.maps++;
	if (prot & S2SIM_PROT_W)
		s2sim_kvm_mark_dirty(kvm, s, h->ipa);
	finish(h);
}

/* Relax a write-protected page; the flush follows (relax_perms). */
static void do_relax(struct s2sim_hyp *h, struct s2sim_kvm_memslot *s,
		     unsigned level)
{
	struct s2sim_kvm *kvm = h->kvm;
	uint32_t f = kvm->cfg->hypervisor.features;
	int rc;

	s2sim_s2pt_relax_perms(kvm->pt, h->ipa, S2SIM_PROT_W, NULL);
	kvm->stats.relaxes++;
	if (!(f & S2SIM_POLF_UNSAFE_NO_BBM))
		s2sim_kvm_mark_dirty(kvm, s, h->ipa);
	if (s->logging && !s2sim_kvm_page_dirty(s, h->ipa))
		s2sim_check_finding(kvm, S2SIM_FINDING_DIRTY, h->pe, h->ipa, 0, 0);
	if (f & S2SIM_POLF_UNSAFE_NO_BBM) {
		finish(h);
		return;
	}
	rc = f & S2SIM_POLF_NSH_RELAX
		     ? s2sim_flush_vmid_ipa_nsh(h, h->ipa & ~0xfffull, level)
		     : s2sim_flush_vmid_ipa(h, h->ipa & ~0xfffull, level);
	if (rc != S2SIM_OK) {
		s2sim_kvm_fail(kvm, rc);
		return;
	}
	s2sim_hyp_run_steps(h, finish);
}

static void after_split(struct s2sim_hyp *h)
{
	struct s2sim_kvm_memslot *s = s2sim_kvm_find_slot(h->kvm, h->ipa);

	h->kvm->stats.splits++;
	if (h->write)
		s2sim_kvm_mark_dirty(h->kvm, s, h->ipa);
	finish(h);
}

/* Decide from the tables as they are now, holding the lock. */
static void decide(struct s2sim_hyp *h)
{
	struct s2sim_kvm *kvm = h->kvm;
	struct s2sim_kvm_memslot *s = s2sim_kvm_find_slot(kvm, h->ipa);
	uint64_t desc = 0;
	unsigned level = 0;

	kvm->writer_pe = h->pe;
	s2sim_hyp_charge(h, S2SIM_T_HANDLER,
			 h->t + s2sim_kvm_cycles(kvm, kvm->cfg->hypervisor.map_cycles));
	if (!s) {
		s2sim_err(&kvm->err, S2SIM_ESIM,
			  "PE %u: stage-2 fault at IPA 0x%llx outside every memslot",
			  h->pe, (unsigned long long)h->ipa);
		s2sim_kvm_fail(kvm, S2SIM_ESIM);
		return;
	}
	if (s2sim_s2pt_lookup(kvm->pt, h->ipa, &desc, &level) != S2SIM_OK) {
		/* A PTE another vCPU is breaking: -EAGAIN, the guest retries. */
		for (unsigned l = kvm->pt->ctx.start_level; l <= 3; l++)
			if (s2sim_s2pt_read_entry(kvm->pt, h->ipa, l, &desc) == S2SIM_OK &&
			    desc == S2SIM_PTE_LOCKED) {
				kvm->stats.eagain++;
				finish(h);
				return;
			}
		do_map(h, s);
		return;
	}
	if (h->res.fault == S2SIM_FAULT_ACCESS_FLAG) {
		/* handle_access_fault: kvm_pgtable_stage2_mkyoung sets AF, no
		 * TLBI (an AF=0 entry is never cached) */
		s2sim_s2pt_set_attrs(kvm->pt, h->ipa, S2SIM_DESC_AF, 0, NULL);
		finish(h);
		return;
	}
	if (h->res.fault == S2SIM_FAULT_PERMISSION && level == 3) {
		/* relax_perms, even when another vCPU already relaxed it: the
		 * TLBI that follows drops this PE's stale read-only entry
		 * ("KVM: arm64: Always invalidate TLB for stage-2 permission
		 * faults", 2023) */
		h->futile = s2sim_s2pt_desc_prot(desc) & S2SIM_PROT_W;
		do_relax(h, s, level);
		return;
	}
	if (!h->write || (s2sim_s2pt_desc_prot(desc) & S2SIM_PROT_W)) {
		h->futile = true;
		finish(h); /* already fixed by another vCPU: just retry */
		return;
	}
	if (level < 3 && s->logging) {
		s2sim_split_block(h, h->ipa, level, desc, true, after_split);
		return;
	}
	do_relax(h, s, level);
}

int s2sim_hyp_unlock(struct s2sim_hyp *h)
{
	struct s2sim_kvm *kvm = h->kvm;
	s2sim_time_ps done = h->t;

	if (s2sim_mmu_lock_release(kvm->lock, h->pe, h->t, &done) != S2SIM_OK) {
		s2sim_err(&kvm->err, S2SIM_ESIM, "PE %u: mmu_lock release: %s",
			  h->pe, s2sim_mmu_lock_errmsg(kvm->lock));
		s2sim_kvm_fail(kvm, S2SIM_ESIM);
		return S2SIM_ESIM;
	}
	h->locked = false;
	s2sim_hyp_charge(h, S2SIM_T_HANDLER, done);
	return S2SIM_OK;
}

static void locked_at_time(struct s2sim_hyp *h)
{
	s2sim_hyp_at_local_time(h, decide);
}

static void conflict_recovered(struct s2sim_hyp *h)
{
	unlocked(h);
}

/* A vCPU whose faults on one IPA keep finding nothing to change is
 * using a translation its TLB should no longer hold (the tables already
 * allow the access): a stale-translation finding.  Recover as from a
 * conflict abort, with a local VMALLS12E1, so the run can go on. */
#define S2SIM_STUCK_FAULTS 8

static bool stuck(struct s2sim_hyp *h)
{
	if (h->ipa != h->last_fault_ipa || !h->futile)
		h->futile_faults = 0;
	else
		h->futile_faults++;
	h->last_fault_ipa = h->ipa;
	h->futile = false;
	if (h->futile_faults < S2SIM_STUCK_FAULTS)
		return false;
	h->futile_faults = 0;
	s2sim_check_finding(h->kvm, S2SIM_FINDING_STALE, h->pe, h->ipa, 0, 0);
	h->res.outcome = S2SIM_MMU_CONFLICT; /* recovered the same way */
	h->locked = false;
	if (s2sim_flush_vmid_local(h) != S2SIM_OK) {
		s2sim_kvm_fail(h->kvm, S2SIM_ENOMEM);
		return true;
	}
	s2sim_hyp_run_steps(h, conflict_recovered);
	return true;
}

void s2sim_fault_start(struct s2sim_hyp *h)
{
	struct s2sim_kvm *kvm = h->kvm;
	const struct s2sim_cfg *c = kvm->cfg;
	struct s2sim_kvm_memslot *s = s2sim_kvm_find_slot(kvm, h->ipa);

	count_fault(kvm, &h->res);
	if (stuck(h))
		return;
	s2sim_hyp_charge(h, S2SIM_T_EXIT, h->t + s2sim_kvm_cycles(kvm, c->hypervisor.exit_cycles));
	if (h->res.outcome == S2SIM_MMU_CONFLICT) {
		s2sim_check_finding(kvm, S2SIM_FINDING_CONFLICT, h->pe, h->ipa, 0, 0);
		h->locked = false;
		if (s2sim_flush_vmid_local(h) != S2SIM_OK) {
			s2sim_kvm_fail(kvm, S2SIM_ENOMEM);
			return;
		}
		s2sim_hyp_run_steps(h, conflict_recovered);
		return;
	}
	s2sim_hyp_charge(h, S2SIM_T_HANDLER,
			 h->t + s2sim_kvm_cycles(kvm, c->hypervisor.fault_cycles));
	h->mode = fault_lock_mode(h, s);
	s2sim_hyp_lock_then(h, locked_at_time);
}

/* End of the map: kvm_pgtable_stage2_map's DSB ISHST, then unlock. */
static void finish(struct s2sim_hyp *h)
{
	struct s2sim_kvm *kvm = h->kvm;
	s2sim_time_ps done = h->t;
	struct s2sim_kvm_event ev = { .kind = S2SIM_EV_DSB_ISHST, .pe = h->pe,
				      .t = h->t };

	s2sim_kvm_emit(kvm, &ev);
	if (kvm->dvm.barrier(kvm->dvm.ctx, h->pe, h->t, S2SIM_BARRIER_DSB_ISHST,
			     &done) == S2SIM_OK)
		s2sim_hyp_charge(h, S2SIM_T_HANDLER, done);
	if (h->locked && s2sim_hyp_unlock(h) != S2SIM_OK)
		return;
	unlocked(h);
}

static void unlocked(struct s2sim_hyp *h)
{
	struct s2sim_kvm *kvm = h->kvm;

	s2sim_hyp_charge(h, h->res.outcome == S2SIM_MMU_CONFLICT ? S2SIM_T_CONFLICT
								  : S2SIM_T_EXIT,
			 h->t + s2sim_kvm_cycles(kvm, kvm->cfg->hypervisor.entry_cycles));
	h->busy = false;
	h->cont = NULL;
	h->done(h->done_ctx, h->t);
}
