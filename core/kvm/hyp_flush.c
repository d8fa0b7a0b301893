/*
 * The TLB maintenance sequences KVM issues at EL2, as simulated TLBI, DSB
 * and ISB operations (arch/arm64/kvm/hyp/vhe/tlb.c), and the little
 * executor that issues them on the fabric: TLBIs are posted, DSB ISH waits
 * for the fabric's DVMSync completion, the other barriers cost what the
 * fabric says.
 */
#include <stdlib.h>

#include "core/kvm/kvm_internal.h"

void s2sim_hyp_steps_reset(struct s2sim_hyp *h)
{
	h->nsteps = 0;
	h->step = 0;
}

static int push(struct s2sim_hyp *h, enum s2sim_hyp_step_kind kind,
		const struct s2sim_dvm_op *op)
{
	if (h->nsteps == h->cap) {
		uint32_t ncap = h->cap ? 2 * h->cap : 16;
		struct s2sim_hyp_step *n = realloc(h->steps, ncap * sizeof(*n));

		if (!n)
			return S2SIM_ENOMEM;
		h->steps = n;
		h->cap = ncap;
	}
	h->steps[h->nsteps] = (struct s2sim_hyp_step){ .kind = (uint8_t)kind };
	if (op)
		h->steps[h->nsteps].op = *op;
	h->nsteps++;
	return S2SIM_OK;
}

static int push_tlbi(struct s2sim_hyp *h, enum s2sim_dvm_kind kind,
		     enum s2sim_dvm_share share, uint64_t ipa, uint8_t ttl)
{
	struct s2sim_dvm_op op = {
		.kind = (uint8_t)kind, .share = (uint8_t)share,
		.vmid = h->kvm->pt->ctx.vmid, .ipa = ipa, .ttl = ttl,
	};

	return push(h, S2SIM_STEP_TLBI, &op);
}

/* TTL of a 4 KiB-granule IPAS2 TLBI naming `level` (TTL[3:2] = 0b01). */
static uint8_t ttl_4k(unsigned level)
{
	return level >= 1 && level <= 3 ? (uint8_t)(0x4u | level) : 0;
}

int s2sim_flush_vmid_ipa(struct s2sim_hyp *h, uint64_t ipa, unsigned level)
{
	int rc = push(h, S2SIM_STEP_DSB_ISHST, NULL);

	rc = rc ? rc : push_tlbi(h, S2SIM_DVM_IPAS2E1, S2SIM_DVM_ISH, ipa, ttl_4k(level));
	rc = rc ? rc : push(h, S2SIM_STEP_DSB_ISH, NULL);
	rc = rc ? rc : push_tlbi(h, S2SIM_DVM_VMALLE1, S2SIM_DVM_ISH, 0, 0);
	rc = rc ? rc : push(h, S2SIM_STEP_DSB_ISH, NULL);
	return rc ? rc : push(h, S2SIM_STEP_ISB, NULL);
}

int s2sim_flush_vmid_ipa_nsh(struct s2sim_hyp *h, uint64_t ipa, unsigned level)
{
	int rc = push(h, S2SIM_STEP_DSB_NSH, NULL);

	rc = rc ? rc : push_tlbi(h, S2SIM_DVM_IPAS2E1, S2SIM_DVM_NSH, ipa, ttl_4k(level));
	rc = rc ? rc : push(h, S2SIM_STEP_DSB_NSH, NULL);
	rc = rc ? rc : push_tlbi(h, S2SIM_DVM_VMALLE1, S2SIM_DVM_NSH, 0, 0);
	rc = rc ? rc : push(h, S2SIM_STEP_DSB_NSH, NULL);
	return rc ? rc : push(h, S2SIM_STEP_ISB, NULL);
}

int s2sim_flush_vmid(struct s2sim_hyp *h)
{
	int rc = push(h, S2SIM_STEP_DSB_ISHST, NULL);

	rc = rc ? rc : push_tlbi(h, S2SIM_DVM_VMALLS12E1, S2SIM_DVM_ISH, 0, 0);
	rc = rc ? rc : push(h, S2SIM_STEP_DSB_ISH, NULL);
	return rc ? rc : push(h, S2SIM_STEP_ISB, NULL);
}

int s2sim_flush_vmid_local(struct s2sim_hyp *h)
{
	int rc = push_tlbi(h, S2SIM_DVM_VMALLS12E1, S2SIM_DVM_NSH, 0, 0);

	rc = rc ? rc : push(h, S2SIM_STEP_DSB_NSH, NULL);
	return rc ? rc : push(h, S2SIM_STEP_ISB, NULL);
}

/* One RIPAS2E1IS covering as many of `pages` as SCALE/NUM allow, from the
 * largest scale down, as __flush_s2_tlb_range_op does; a single page left
 * over goes through a non-range IPAS2E1IS. */
static int push_range_chunk(struct s2sim_hyp *h, uint64_t *ipa, uint64_t *pages)
{
	struct s2sim_dvm_op op = {
		.kind = S2SIM_DVM_RIPAS2E1, .share = S2SIM_DVM_ISH,
		.vmid = h->kvm->pt->ctx.vmid, .tg = 1, .ipa = *ipa,
	};
	uint64_t covered;

	if (*pages == 1) {
		*pages = 0;
		return push_tlbi(h, S2SIM_DVM_IPAS2E1, S2SIM_DVM_ISH, *ipa, 0);
	}
	for (int scale = 3; scale >= 0; scale--) {
		uint64_t unit = 1ull << (5 * scale + 1);
		uint64_t num = *pages / unit;

		if (num == 0)
			continue;
		if (num > 32)
			num = 32;
		op.scale = (uint8_t)scale;
		op.num = (uint8_t)(num - 1);
		covered = num * unit;
		*ipa += covered << 12;
		*pages -= covered;
		return push(h, S2SIM_STEP_TLBI, &op);
	}
	return S2SIM_EMISUSE; /* unreachable: pages >= 2 fits scale 0 */
}

int s2sim_flush_vmid_range(struct s2sim_hyp *h, uint64_t ipa, uint64_t size)
{
	uint64_t pages = size >> 12;
	int rc;

	if (!(h->kvm->cfg->hypervisor.features & S2SIM_POLF_TLBI_RANGE))
		return s2sim_flush_vmid(h);
	rc = push(h, S2SIM_STEP_DSB_ISHST, NULL);
	while (rc == S2SIM_OK && pages)
		rc = push_range_chunk(h, &ipa, &pages);
	rc = rc ? rc : push(h, S2SIM_STEP_DSB_ISH, NULL);
	rc = rc ? rc : push_tlbi(h, S2SIM_DVM_VMALLE1, S2SIM_DVM_ISH, 0, 0);
	rc = rc ? rc : push(h, S2SIM_STEP_DSB_ISH, NULL);
	return rc ? rc : push(h, S2SIM_STEP_ISB, NULL);
}

static void run_steps(struct s2sim_hyp *h);

static void issue_barrier(struct s2sim_hyp *h, enum s2sim_barrier b)
{
	s2sim_time_ps done = h->t;
	struct s2sim_kvm_dvm_port *port = &h->kvm->dvm;
	int rc = port->barrier(port->ctx, h->pe, h->t, b, &done);

	if (rc != S2SIM_OK) {
		s2sim_kvm_fail(h->kvm, rc);
		return;
	}
	s2sim_hyp_charge(h, S2SIM_T_TLBI, done);
}

static const uint8_t step_event[] = {
	[S2SIM_STEP_TLBI] = S2SIM_EV_TLBI,
	[S2SIM_STEP_DSB_ISHST] = S2SIM_EV_DSB_ISHST,
	[S2SIM_STEP_DSB_NSH] = S2SIM_EV_DSB_NSH,
	[S2SIM_STEP_DSB_ISH] = S2SIM_EV_DSB_ISH,
	[S2SIM_STEP_ISB] = S2SIM_EV_ISB,
};

static bool issue_step(struct s2sim_hyp *h, const struct s2sim_hyp_step *s)
{
	struct s2sim_kvm *kvm = h->kvm;
	struct s2sim_kvm_event ev = { .kind = step_event[s->kind], .pe = h->pe,
				      .t = h->t, .op = s->op };
	int rc = S2SIM_OK;

	s2sim_kvm_emit(kvm, &ev);
	switch (s->kind) {
	case S2SIM_STEP_TLBI:
		rc = kvm->dvm.tlbi(kvm->dvm.ctx, h->pe, h->t, &s->op);
		if (s->op.share == S2SIM_DVM_ISH)
			kvm->stats.tlbi_broadcast++;
		else
			kvm->stats.tlbi_local++;
		break;
	case S2SIM_STEP_DSB_ISH:
		kvm->stats.dsb_ish++;
		h->steps_synced = true;
		h->wait_from = h->t;
		h->cont = run_steps;
		rc = kvm->dvm.dsb_ish(kvm->dvm.ctx, h->pe, h->t);
		if (rc == S2SIM_OK)
			return false; /* resumed by s2sim_hyp_sync_done() */
		break;
	case S2SIM_STEP_DSB_ISHST:
		issue_barrier(h, S2SIM_BARRIER_DSB_ISHST);
		break;
	case S2SIM_STEP_DSB_NSH:
		h->steps_synced = true;
		issue_barrier(h, S2SIM_BARRIER_DSB_NSH);
		break;
	case S2SIM_STEP_ISB:
		issue_barrier(h, S2SIM_BARRIER_ISB);
		break;
	}
	if (rc != S2SIM_OK) {
		s2sim_err(&kvm->err, rc, "PE %u: fabric: %s", h->pe,
			  s2sim_fabric_errmsg(kvm->fab));
		s2sim_kvm_fail(kvm, rc);
		return false;
	}
	return !kvm->fatal;
}

static void run_steps(struct s2sim_hyp *h)
{
	while (h->step < h->nsteps) {
		if (!issue_step(h, &h->steps[h->step++]))
			return;
	}
	s2sim_hyp_steps_reset(h);
	s2sim_check_maintenance_done(h, h->steps_synced);
	h->after_steps(h);
}

void s2sim_hyp_run_steps(struct s2sim_hyp *h, s2sim_hyp_cont after)
{
	h->after_steps = after;
	h->step = 0;
	h->steps_synced = false;
	run_steps(h);
}

void s2sim_hyp_sync_done(void *ctx, uint32_t pe, s2sim_time_ps t)
{
	struct s2sim_kvm *kvm = ctx;
	struct s2sim_hyp *h = &kvm->hyp[pe];

	if (kvm->fatal || !h->cont)
		return;
	s2sim_hyp_charge(h, S2SIM_T_DSB_WAIT, t);
	h->cont(h);
}
