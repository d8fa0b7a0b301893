/*
 * The hypervisor model: KVM/arm64's stage-2 fault handling and dirty
 * logging, as software running on the simulated PEs.
 *
 * Every page-table change is a real descriptor write into the VM's tables
 * (core/mmu/s2pt.h) followed by the TLB maintenance Linux issues, as
 * simulated TLBI / DSB / ISB operations through the fabric; the mmu_lock is
 * the simulated lock of core/kvm/mmu_lock.h.  Handler paths cost the
 * configured cycles.  docs/kvm.md maps each step to the Linux function it
 * mirrors (arch/arm64/kvm/mmu.c user_mem_abort, hyp/pgtable.c
 * stage2_try_break_pte / stage2_make_pte / relax_perms / wrprotect / split,
 * hyp/vhe/tlb.c __kvm_tlb_flush_vmid_ipa[_nsh] / _range / _vmid).
 *
 * Everything is asynchronous: a fault or a VMM operation is a small script
 * run by a `struct s2sim_hyp` (one per PE that runs hypervisor code), which
 * waits on lock grants and DSB completions and finally calls its `done`
 * callback with the time the guest (or the VMM) may continue.
 */
#ifndef S2SIM_CORE_KVM_KVM_H
#define S2SIM_CORE_KVM_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include <s2sim/engine.h>
#include <s2sim/fabric.h>
#include <s2sim/stats.h>
#include <s2sim/trace.h>

#include "core/config/cfg.h"
#include "core/kvm/mmu_lock.h"
#include "core/mmu/mmu.h"
#include "core/mmu/s2pt.h"
#include "core/util/errbuf.h"

struct s2sim_kvm;
struct s2sim_hyp;

/* Where a vCPU's simulated time went, in ps. */
enum s2sim_time_bucket {
	S2SIM_T_GUEST,     /* guest instructions and data accesses */
	S2SIM_T_WALK,      /* TLB lookups and stage-2 walks */
	S2SIM_T_EXIT,      /* fault exit and guest re-entry */
	S2SIM_T_LOCK_WAIT, /* waiting for the mmu_lock */
	S2SIM_T_HANDLER,   /* handler software: lookups, maps, splits */
	S2SIM_T_TLBI,      /* issuing TLBIs and local barriers */
	S2SIM_T_DSB_WAIT,  /* waiting for DSB ISH (DVMSync) completion */
	S2SIM_T_CONFLICT,  /* TLB conflict abort recovery */
	S2SIM_T_BARRIER,   /* parked while the VMM works or others finish */
	S2SIM_T_NBUCKETS
};
extern const char *const s2sim_time_bucket_names[S2SIM_T_NBUCKETS];

/* Completion of an asynchronous hypervisor operation at time t. */
typedef void (*s2sim_kvm_done_fn)(void *ctx, s2sim_time_ps t);

struct s2sim_kvm_memslot {
	uint16_t id;
	uint8_t backing_log2;
	bool logging;
	uint32_t dlog_flags;     /* S2SIM_DLOG_* */
	uint64_t base, size;     /* IPA range */
	uint64_t host_pa;        /* backing */
	uint64_t npages;         /* 4 KiB pages */
	uint64_t *dirty;         /* dirty bitmap, one bit per 4 KiB page */
};

struct s2sim_kvm_stats {
	uint64_t faults, faults_translation, faults_permission, faults_af;
	uint64_t faults_conflict, eagain;
	uint64_t maps, relaxes, splits, eager_splits, wrprotects;
	uint64_t tlbi_broadcast, tlbi_local, dsb_ish;
	uint64_t pages_dirtied, dirty_pages_reported, pages_cleared;
	uint64_t vmm_ops;
	uint64_t clear_calls;     /* KVM_CLEAR_DIRTY_LOG calls (chunks) */
	uint64_t findings_bbm, findings_conflict, findings_stale, findings_dirty;
	uint64_t check_stale_marked;  /* entries that outlived their maintenance */
	uint64_t check_unchecked;     /* changes the stale check had no room for */
};

/* What the hypervisor did, for tests and tools (s2sim_kvm_set_trace). */
enum s2sim_kvm_event_kind {
	S2SIM_EV_DESC_WRITE, /* pa, old_desc, new_desc */
	S2SIM_EV_TLBI,       /* op */
	S2SIM_EV_DSB_ISH,
	S2SIM_EV_DSB_ISHST,
	S2SIM_EV_DSB_NSH,
	S2SIM_EV_ISB,
};

struct s2sim_kvm_event {
	uint8_t kind;
	uint32_t pe;
	s2sim_time_ps t;
	uint64_t pa, old_desc, new_desc;
	struct s2sim_dvm_op op;
};

typedef void (*s2sim_kvm_trace_fn)(void *ctx, const struct s2sim_kvm_event *ev);

/* An architecture-checker finding (core/kvm/check.c). */
enum s2sim_finding_class {
	S2SIM_FINDING_BBM,      /* valid -> valid change needing BBM */
	S2SIM_FINDING_CONFLICT, /* TLB conflict abort */
	S2SIM_FINDING_STALE,    /* translation used after its invalidation */
	S2SIM_FINDING_DIRTY,    /* writable while logging, not dirty */
	S2SIM_FINDING_NCLASSES
};

struct s2sim_finding {
	uint8_t cls;
	uint32_t pe;
	s2sim_time_ps t;
	uint64_t addr; /* IPA, or the descriptor's PA for BBM findings */
	uint64_t old_desc, new_desc;
};

#define S2SIM_MAX_FINDINGS_KEPT 64

/* Create the model for a VM whose tables are `pt`, translated by the
 * `nvcpus` MMUs `mmu` (vCPU i on PE i), on engine `eng` and fabric `fab`. */
int s2sim_kvm_create(struct s2sim_kvm **out, const struct s2sim_cfg *cfg,
		     s2sim_engine *eng, s2sim_fabric *fab, s2sim_stats *st,
		     struct s2sim_s2pt *pt, struct s2sim_mmu *mmu,
		     uint32_t nvcpus, struct s2sim_errbuf *err);
void s2sim_kvm_destroy(struct s2sim_kvm *kvm);

/* vCPU `vcpu` took `r` (a stage-2 fault or a TLB conflict abort) on
 * (ipa, write) at its local time t >= engine now.  `done(ctx, t')` is
 * called when it re-enters the guest to retry the access.  `acct` gets
 * the time split. */
int s2sim_kvm_guest_abort(struct s2sim_kvm *kvm, uint32_t vcpu,
			  s2sim_time_ps t, uint64_t ipa, bool write,
			  const struct s2sim_mmu_result *r, uint64_t *acct,
			  s2sim_kvm_done_fn done, void *ctx);

/* A VMM record (memslot, dirty-log operations) at time t, run by the VMM
 * thread on PE hypervisor.vmm_pe; done(ctx, t') when it returns. */
int s2sim_kvm_vmm(struct s2sim_kvm *kvm, const s2sim_record *rec,
		  s2sim_time_ps t, s2sim_kvm_done_fn done, void *ctx);

void s2sim_kvm_set_trace(struct s2sim_kvm *kvm, s2sim_kvm_trace_fn fn,
			 void *ctx);

/* Hypervisor code on PE `pe` (the VMM thread when `vmm`) spent [from,
 * until) in bucket `b`: every interval charged to a time bucket, in order
 * per PE.  For the Perfetto trace (core/run/chrome_trace.h); NULL: none. */
typedef void (*s2sim_kvm_span_fn)(void *ctx, uint32_t pe, bool vmm,
				  enum s2sim_time_bucket b, s2sim_time_ps from,
				  s2sim_time_ps until);
void s2sim_kvm_set_span_hook(struct s2sim_kvm *kvm, s2sim_kvm_span_fn fn,
			     void *ctx);

/* Where the hypervisor's TLB maintenance goes.  By default straight to the
 * fabric (s2sim_fabric_tlbi / _dsb_ish / _barrier, same contracts); the
 * SystemC model (model/) routes it over TLM instead, and then reports each
 * DSB ISH completion with s2sim_kvm_sync_done(). */
struct s2sim_kvm_dvm_port {
	void *ctx;
	int (*tlbi)(void *ctx, uint32_t pe, s2sim_time_ps t,
		    const struct s2sim_dvm_op *op);
	int (*dsb_ish)(void *ctx, uint32_t pe, s2sim_time_ps t);
	int (*barrier)(void *ctx, uint32_t pe, s2sim_time_ps t,
		       enum s2sim_barrier b, s2sim_time_ps *done);
};

/* NULL restores the default port. */
void s2sim_kvm_set_dvm_port(struct s2sim_kvm *kvm,
			    const struct s2sim_kvm_dvm_port *port);
/* The DSB ISH `pe` issued completed at t (== engine now). */
void s2sim_kvm_sync_done(struct s2sim_kvm *kvm, uint32_t pe, s2sim_time_ps t);
/* The findings kept: the first S2SIM_MAX_FINDINGS_KEPT / S2SIM_FINDING_NCLASSES
 * of each class, in the order found (all are counted in stats). */
const struct s2sim_finding *s2sim_kvm_findings(const struct s2sim_kvm *kvm,
					       uint32_t *n);
/* One line describing a finding. */
int s2sim_finding_format(const struct s2sim_finding *f, char *buf, size_t size);
const struct s2sim_kvm_stats *s2sim_kvm_get_stats(const struct s2sim_kvm *kvm);
const char *s2sim_kvm_errmsg(const struct s2sim_kvm *kvm);
/* First error of an asynchronous step (S2SIM_OK while none). */
int s2sim_kvm_error(const struct s2sim_kvm *kvm);

#endif
