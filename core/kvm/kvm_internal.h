/*
 * Internals of the hypervisor model (core/kvm/kvm.h).
 */
#ifndef S2SIM_CORE_KVM_KVM_INTERNAL_H
#define S2SIM_CORE_KVM_KVM_INTERNAL_H

#include "core/kvm/kvm.h"

/* KVM_INVALID_PTE_LOCKED (hyp/pgtable.c): an invalid descriptor marking a
 * PTE that a parallel walker is breaking. */
#define S2SIM_PTE_LOCKED (1ull << 10)
#define S2SIM_MAX_MEMSLOTS 512
/* Changes one maintenance sequence can cover for the stale check: a split
 * records one, a write-protect of a memslot one. */
#define S2SIM_CHECK_GONE_MAX 8

/* One step of a TLB-maintenance sequence. */
enum s2sim_hyp_step_kind {
	S2SIM_STEP_TLBI,
	S2SIM_STEP_DSB_ISHST,
	S2SIM_STEP_DSB_NSH,
	S2SIM_STEP_DSB_ISH,
	S2SIM_STEP_ISB,
};

struct s2sim_hyp_step {
	uint8_t kind;
	struct s2sim_dvm_op op; /* S2SIM_STEP_TLBI */
};

typedef void (*s2sim_hyp_cont)(struct s2sim_hyp *h);

/* A PE running hypervisor code: a vCPU's PE handling its fault, or the
 * VMM thread's PE. */
struct s2sim_hyp {
	struct s2sim_kvm *kvm;
	uint32_t pe;
	bool is_vmm;
	s2sim_time_ps t;          /* local time */
	uint64_t *acct;           /* S2SIM_T_* buckets to charge */
	s2sim_hyp_cont cont;      /* resumed after a wait */
	bool busy;

	/* TLB maintenance being issued */
	struct s2sim_hyp_step *steps;
	uint32_t nsteps, step, cap;
	s2sim_hyp_cont after_steps;
	bool steps_synced;        /* the sequence waited for a DSB */

	/* the checker: translations this PE changed whose old TLB entries
	 * must be gone once its maintenance completes (check.c) */
	struct s2sim_check_gone {
		uint64_t ipa, size;
		uint32_t epoch;   /* the tables' epoch before the change */
	} gone[S2SIM_CHECK_GONE_MAX];
	uint32_t ngone;

	/* the fault being handled */
	uint64_t last_fault_ipa;  /* stuck-vCPU detection */
	uint32_t futile_faults;   /* consecutive faults that changed nothing */
	bool futile;              /* this fault found nothing to change */
	uint64_t ipa;
	bool write;
	struct s2sim_mmu_result res;
	enum s2sim_mmu_lock_mode mode;
	bool locked;
	s2sim_time_ps wait_from;

	/* the block being split (split.c) */
	uint64_t split_base, split_table;
	uint8_t split_level;
	bool split_lazy;          /* map only the faulting page */
	s2sim_hyp_cont split_after;

	/* the VMM operation being run */
	s2sim_record rec;
	uint64_t cursor;          /* progress through a memslot */
	uint64_t clear_end;       /* CLEAR: end of the record's range, pages */

	s2sim_kvm_done_fn done;
	void *done_ctx;
};

struct s2sim_kvm {
	struct s2sim_errbuf err;
	int fatal;
	const struct s2sim_cfg *cfg;
	s2sim_engine *eng;
	s2sim_fabric *fab;
	struct s2sim_kvm_dvm_port dvm; /* TLB maintenance: the fabric's */
	struct s2sim_mmu_lock *lock;
	struct s2sim_s2pt *pt;
	struct s2sim_mmu *mmu;
	uint32_t nvcpus, npes;
	s2sim_clock clock;
	struct s2sim_hyp *hyp;    /* one per PE */
	uint64_t vmm_acct[S2SIM_T_NBUCKETS];
	struct s2sim_kvm_memslot slots[S2SIM_MAX_MEMSLOTS];
	uint32_t nslots;
	uint64_t next_host_pa;
	struct s2sim_kvm_stats stats;
	s2sim_kvm_trace_fn trace;
	void *trace_ctx;
	s2sim_kvm_span_fn span;   /* time intervals, for trace.json */
	void *span_ctx;
	uint32_t writer_pe;       /* PE whose handler is writing descriptors */
	struct s2sim_finding findings[S2SIM_MAX_FINDINGS_KEPT];
	uint32_t nfindings;
	uint32_t nkept[S2SIM_FINDING_NCLASSES]; /* kept, per class */
};

/* kvm.c */
s2sim_time_ps s2sim_kvm_cycles(const struct s2sim_kvm *kvm, uint64_t cycles);
void s2sim_hyp_charge(struct s2sim_hyp *h, enum s2sim_time_bucket b,
		      s2sim_time_ps until);
void s2sim_kvm_fail(struct s2sim_kvm *kvm, int rc);
struct s2sim_kvm_memslot *s2sim_kvm_find_slot(struct s2sim_kvm *kvm,
					      uint64_t ipa);
void s2sim_kvm_mark_dirty(struct s2sim_kvm *kvm, struct s2sim_kvm_memslot *s,
			  uint64_t ipa);
bool s2sim_kvm_page_dirty(const struct s2sim_kvm_memslot *s, uint64_t ipa);
/* Run `cont` at the hyp's local time (now, or from an engine event). */
void s2sim_hyp_at_local_time(struct s2sim_hyp *h, s2sim_hyp_cont cont);

/* check.c: the architecture checker and the event trace. */
void s2sim_check_attach(struct s2sim_kvm *kvm);
void s2sim_check_finding(struct s2sim_kvm *kvm, enum s2sim_finding_class cls,
			 uint32_t pe, uint64_t addr, uint64_t old_desc,
			 uint64_t new_desc);
void s2sim_kvm_emit(struct s2sim_kvm *kvm, const struct s2sim_kvm_event *ev);
/* PE h->pe is about to change the translation of [ipa, ipa + size) so that
 * its cached copies must go (a break, a block replaced by a table, a
 * write-protect): once its next maintenance sequence has completed, any
 * TLB entry read from the old tables is stale, and using it is a finding. */
void s2sim_check_expect_gone(struct s2sim_hyp *h, uint64_t ipa, uint64_t size);
/* h's maintenance sequence finished (synced: it waited for a DSB). */
void s2sim_check_maintenance_done(struct s2sim_hyp *h, bool synced);

/* hyp_flush.c: the TLB maintenance sequences of hyp/vhe/tlb.c. */
void s2sim_hyp_steps_reset(struct s2sim_hyp *h);
/* __kvm_tlb_flush_vmid_ipa: DSB ISHST; TLBI IPAS2E1IS; DSB ISH;
 * TLBI VMALLE1IS; DSB ISH; ISB. */
int s2sim_flush_vmid_ipa(struct s2sim_hyp *h, uint64_t ipa, unsigned level);
/* __kvm_tlb_flush_vmid_ipa_nsh: the same, non-shareable. */
int s2sim_flush_vmid_ipa_nsh(struct s2sim_hyp *h, uint64_t ipa,
			     unsigned level);
/* __kvm_tlb_flush_vmid: DSB ISHST; TLBI VMALLS12E1IS; DSB ISH; ISB. */
int s2sim_flush_vmid(struct s2sim_hyp *h);
/* kvm_tlb_flush_vmid_range: range TLBIs with FEAT_TLBIRANGE (policy
 * tlbi-range), else the VMID-wide flush. */
int s2sim_flush_vmid_range(struct s2sim_hyp *h, uint64_t ipa, uint64_t size);
/* Local recovery from a TLB conflict abort: TLBI VMALLS12E1; DSB NSH. */
int s2sim_flush_vmid_local(struct s2sim_hyp *h);
/* Issue the queued steps, then call `after` at the hyp's local time. */
void s2sim_hyp_run_steps(struct s2sim_hyp *h, s2sim_hyp_cont after);
/* The fabric's DSB ISH completion for `pe`. */
void s2sim_hyp_sync_done(void *ctx, uint32_t pe, s2sim_time_ps t);

/* fault.c */
void s2sim_fault_start(struct s2sim_hyp *h);
/* Take the mmu_lock in h->mode, then continue with `next` at the grant. */
void s2sim_hyp_lock_then(struct s2sim_hyp *h, s2sim_hyp_cont next);
/* Release it at h->t; S2SIM_ESIM (and the model fails) on misuse. */
int s2sim_hyp_unlock(struct s2sim_hyp *h);

/* dirty_log.c */
void s2sim_vmm_start(struct s2sim_hyp *h);
/* Split one block at (ipa, level) into a table of its pages, with BBM as
 * the policy says; `after` runs when the make is done. */
void s2sim_split_block(struct s2sim_hyp *h, uint64_t ipa, unsigned level,
		       uint64_t block, bool lazy_page_only,
		       s2sim_hyp_cont after);

#endif
