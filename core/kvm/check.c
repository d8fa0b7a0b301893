/*
 * The architecture checker and the hypervisor's event trace.
 *
 * Every descriptor write of the VM's tables passes through the s2pt
 * observer installed here.  Without FEAT_BBM level 2, changing a valid
 * descriptor into another valid one with a different output address or a
 * different type (block <-> table) needs break-before-make (Arm ARM
 * R_WHZWS / R_DDMVT): such a write is a finding.  Permission and access
 * flag changes of a valid descriptor are allowed.  TLB conflict aborts and
 * pages made writable while logging without their dirty bit are reported
 * by the fault path (fault.c).
 *
 * Stale use: the hypervisor tells the checker before it changes a
 * translation so that cached copies must go (a break, a table written over
 * a block, a write-protect).  When that PE's next maintenance sequence
 * completes (its DSB returned: Linux then relies on no PE holding the old
 * translation), every TLB entry of every PE that was read from the tables
 * before the change and overlaps it is flagged, and each later use of a
 * flagged entry is a finding.  With correct maintenance nothing is left to
 * flag (the fabric's own property test guarantees what an IS TLBI removes);
 * a local TLBI where a broadcast was needed, or an IPAS2E1 without the
 * VMALLE1 that removes combined entries, leaves flagged entries behind.
 */
#include <stdio.h>

#include "core/kvm/kvm_internal.h"
#include "core/mmu/desc.h"

/* Output address bits [47:12] and the table/block type bit [1]. */
#define BBM_RELEVANT_BITS (0x0000fffffffff000ull | 0x2ull)

static const char *const class_names[] = {
	"break-before-make violation", "TLB conflict abort",
	"stale translation used after its invalidation completed",
	"page writable while dirty logging without its dirty bit",
};

void s2sim_kvm_emit(struct s2sim_kvm *kvm, const struct s2sim_kvm_event *ev)
{
	if (kvm->trace)
		kvm->trace(kvm->trace_ctx, ev);
}

void s2sim_check_finding(struct s2sim_kvm *kvm, enum s2sim_finding_class cls,
			 uint32_t pe, uint64_t addr, uint64_t old_desc,
			 uint64_t new_desc)
{
	uint64_t *count[] = { &kvm->stats.findings_bbm, &kvm->stats.findings_conflict,
			      &kvm->stats.findings_stale, &kvm->stats.findings_dirty };

	if (!kvm->cfg->hypervisor.check)
		return;
	(*count[cls])++;
	/* keep the first few of each class: a flood of one class must not
	 * hide the first finding of another */
	if (kvm->nfindings == S2SIM_MAX_FINDINGS_KEPT ||
	    kvm->nkept[cls] == S2SIM_MAX_FINDINGS_KEPT / S2SIM_FINDING_NCLASSES)
		return;
	kvm->nkept[cls]++;
	kvm->findings[kvm->nfindings++] = (struct s2sim_finding){
		.cls = (uint8_t)cls, .pe = pe, .t = s2sim_engine_now(kvm->eng),
		.addr = addr, .old_desc = old_desc, .new_desc = new_desc,
	};
}

static void on_desc_write(void *ctx, uint64_t pa, uint64_t old_desc,
			  uint64_t new_desc)
{
	struct s2sim_kvm *kvm = ctx;
	struct s2sim_kvm_event ev = {
		.kind = S2SIM_EV_DESC_WRITE, .pe = kvm->writer_pe,
		.t = s2sim_engine_now(kvm->eng), .pa = pa, .old_desc = old_desc,
		.new_desc = new_desc,
	};

	s2sim_kvm_emit(kvm, &ev);
	if (kvm->cfg->platform.feat_bbm < 2 && s2sim_desc_is_valid(old_desc) &&
	    s2sim_desc_is_valid(new_desc) &&
	    ((old_desc ^ new_desc) & BBM_RELEVANT_BITS))
		s2sim_check_finding(kvm, S2SIM_FINDING_BBM, kvm->writer_pe, pa,
				    old_desc, new_desc);
}

static void on_stale_use(void *ctx, uint32_t pe, uint64_t ipa)
{
	s2sim_check_finding(ctx, S2SIM_FINDING_STALE, pe, ipa, 0, 0);
}

void s2sim_check_attach(struct s2sim_kvm *kvm)
{
	s2sim_s2pt_set_observer(kvm->pt, on_desc_write, kvm);
	if (!kvm->cfg->hypervisor.check || !kvm->mmu)
		return;
	for (uint32_t p = 0; p < kvm->nvcpus; p++) {
		kvm->mmu[p].on_stale_use = on_stale_use;
		kvm->mmu[p].stale_ctx = kvm;
	}
}

void s2sim_check_expect_gone(struct s2sim_hyp *h, uint64_t ipa, uint64_t size)
{
	struct s2sim_kvm *kvm = h->kvm;

	if (!kvm->cfg->hypervisor.check)
		return;
	if (h->ngone == S2SIM_CHECK_GONE_MAX) {
		kvm->stats.check_unchecked++;
		return;
	}
	h->gone[h->ngone++] = (struct s2sim_check_gone){
		.ipa = ipa, .size = size, .epoch = kvm->pt->ctx.epoch,
	};
}

/* A sequence without a DSB completes nothing: the changes it followed are
 * dropped unchecked (the unsafe policy's missing TLBIs show up as
 * conflicts, BBM findings or stuck vCPUs instead). */
void s2sim_check_maintenance_done(struct s2sim_hyp *h, bool synced)
{
	struct s2sim_kvm *kvm = h->kvm;
	uint16_t vmid = kvm->pt->ctx.vmid;

	for (uint32_t i = 0; synced && kvm->mmu && i < h->ngone; i++)
		for (uint32_t p = 0; p < kvm->nvcpus; p++) /* the MMUs */
			kvm->stats.check_stale_marked +=
				s2sim_mmu_mark_stale(&kvm->mmu[p], vmid, h->gone[i].ipa,
						     h->gone[i].size, h->gone[i].epoch);
	if (!synced)
		kvm->stats.check_unchecked += h->ngone;
	h->ngone = 0;
}

int s2sim_finding_format(const struct s2sim_finding *f, char *buf, size_t size)
{
	const char *cls = f->cls < S2SIM_FINDING_NCLASSES ? class_names[f->cls] : "?";
	double t = (double)f->t * 1e-12;

	if (f->cls != S2SIM_FINDING_BBM) /* only BBM findings carry descriptors */
		return snprintf(buf, size, "%.9f s PE %u: %s at IPA 0x%llx", t, f->pe,
				cls, (unsigned long long)f->addr);
	return snprintf(buf, size,
			"%.9f s PE %u: %s at descriptor PA 0x%llx (descriptor 0x%016llx -> 0x%016llx)",
			t, f->pe, cls, (unsigned long long)f->addr,
			(unsigned long long)f->old_desc, (unsigned long long)f->new_desc);
}

void s2sim_kvm_set_trace(struct s2sim_kvm *kvm, s2sim_kvm_trace_fn fn, void *ctx)
{
	kvm->trace = fn;
	kvm->trace_ctx = ctx;
}

const struct s2sim_finding *s2sim_kvm_findings(const struct s2sim_kvm *kvm,
					       uint32_t *n)
{
	*n = kvm->nfindings;
	return kvm->findings;
}
