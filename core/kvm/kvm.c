/*
 * The hypervisor model: life cycle, memslots and dirty bitmaps, time
 * accounting, and the fabric's view of the PEs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kvm/kvm_internal.h"

const char *const s2sim_time_bucket_names[S2SIM_T_NBUCKETS] = {
	"guest", "walk", "exit", "lock_wait", "handler", "tlbi", "dsb_wait",
	"conflict", "barrier",
};

s2sim_time_ps s2sim_kvm_cycles(const struct s2sim_kvm *kvm, uint64_t cycles)
{
	return s2sim_clock_cycles(kvm->clock, cycles);
}

/* Advance the hyp's local time to `until`, charging the interval. */
void s2sim_hyp_charge(struct s2sim_hyp *h, enum s2sim_time_bucket b,
		      s2sim_time_ps until)
{
	if (until <= h->t)
		return;
	h->acct[b] += until - h->t;
	/* tracing off: one well-predicted branch on the handler paths */
	if (h->kvm->span)
		h->kvm->span(h->kvm->span_ctx, h->pe, h->is_vmm, b, h->t, until);
	h->t = until;
}

void s2sim_kvm_set_span_hook(struct s2sim_kvm *kvm, s2sim_kvm_span_fn fn,
			     void *ctx)
{
	kvm->span = fn;
	kvm->span_ctx = ctx;
}

void s2sim_kvm_fail(struct s2sim_kvm *kvm, int rc)
{
	if (!kvm->fatal)
		kvm->fatal = rc;
	s2sim_engine_stop(kvm->eng);
}

static void at_local_time_event(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_hyp *h = ctx;
	s2sim_hyp_cont cont = h->cont;

	(void)eng;
	(void)arg;
	cont(h);
}

void s2sim_hyp_at_local_time(struct s2sim_hyp *h, s2sim_hyp_cont cont)
{
	struct s2sim_kvm *kvm = h->kvm;
	int rc;

	if (h->t <= s2sim_engine_now(kvm->eng)) {
		cont(h);
		return;
	}
	h->cont = cont;
	rc = s2sim_engine_schedule_at(kvm->eng, h->t, at_local_time_event, h, 0,
				      NULL);
	if (rc != S2SIM_OK)
		s2sim_kvm_fail(kvm, rc);
}

struct s2sim_kvm_memslot *s2sim_kvm_find_slot(struct s2sim_kvm *kvm,
					      uint64_t ipa)
{
	for (uint32_t i = 0; i < kvm->nslots; i++) {
		struct s2sim_kvm_memslot *s = &kvm->slots[i];

		if (ipa >= s->base && ipa - s->base < s->size)
			return s;
	}
	return NULL;
}

void s2sim_kvm_mark_dirty(struct s2sim_kvm *kvm, struct s2sim_kvm_memslot *s,
			  uint64_t ipa)
{
	uint64_t page = (ipa - s->base) >> 12;
	uint64_t bit = 1ull << (page & 63);

	if (!s->logging || (s->dirty[page >> 6] & bit))
		return;
	s->dirty[page >> 6] |= bit;
	kvm->stats.pages_dirtied++;
}

bool s2sim_kvm_page_dirty(const struct s2sim_kvm_memslot *s, uint64_t ipa)
{
	uint64_t page = (ipa - s->base) >> 12;

	return (s->dirty[page >> 6] >> (page & 63)) & 1;
}

/* The fabric delivers a TLBI to PE `pe`. */
static uint64_t apply_tlbi(void *ctx, uint32_t pe, const struct s2sim_dvm_op *op)
{
	struct s2sim_kvm *kvm = ctx;

	if (pe >= kvm->nvcpus)
		return 0; /* a PE running no vCPU of this VM holds none of its entries */
	return s2sim_mmu_tlbi(&kvm->mmu[pe], op);
}

/* The default DVM port: the fabric itself. */
static int fabric_tlbi(void *ctx, uint32_t pe, s2sim_time_ps t,
		       const struct s2sim_dvm_op *op)
{
	return s2sim_fabric_tlbi(ctx, pe, t, op);
}

static int fabric_dsb_ish(void *ctx, uint32_t pe, s2sim_time_ps t)
{
	return s2sim_fabric_dsb_ish(ctx, pe, t);
}

static int fabric_barrier(void *ctx, uint32_t pe, s2sim_time_ps t,
			  enum s2sim_barrier b, s2sim_time_ps *done)
{
	return s2sim_fabric_barrier(ctx, pe, t, b, done);
}

void s2sim_kvm_set_dvm_port(struct s2sim_kvm *kvm,
			    const struct s2sim_kvm_dvm_port *port)
{
	if (port) {
		kvm->dvm = *port;
		return;
	}
	kvm->dvm = (struct s2sim_kvm_dvm_port){ .ctx = kvm->fab,
						.tlbi = fabric_tlbi,
						.dsb_ish = fabric_dsb_ish,
						.barrier = fabric_barrier };
}

void s2sim_kvm_sync_done(struct s2sim_kvm *kvm, uint32_t pe, s2sim_time_ps t)
{
	if (pe < kvm->npes)
		s2sim_hyp_sync_done(kvm, pe, t);
}

static int register_stats(struct s2sim_kvm *kvm, s2sim_stats *st)
{
	const struct s2sim_kvm_stats *s = &kvm->stats;
	const struct { const char *name, *unit, *desc; const uint64_t *v; } c[] = {
		{ "kvm.faults", "faults", "guest aborts handled", &s->faults },
		{ "kvm.faults.translation", "faults", "translation faults", &s->faults_translation },
		{ "kvm.faults.permission", "faults", "permission faults", &s->faults_permission },
		{ "kvm.faults.access_flag", "faults", "access-flag faults", &s->faults_af },
		{ "kvm.faults.tlb_conflict", "faults", "TLB conflict aborts", &s->faults_conflict },
		{ "kvm.eagain", "faults", "faults that found a locked PTE and retried", &s->eagain },
		{ "kvm.maps", "mappings", "leaves installed by faults", &s->maps },
		{ "kvm.relaxes", "mappings", "permission relaxations", &s->relaxes },
		{ "kvm.splits", "blocks", "blocks split by faults (lazy)", &s->splits },
		{ "kvm.eager_splits", "blocks", "blocks split in CLEAR_DIRTY_LOG", &s->eager_splits },
		{ "kvm.wrprotects", "leaves", "leaves write-protected", &s->wrprotects },
		{ "kvm.tlbi.broadcast", "operations", "TLBI ...IS issued", &s->tlbi_broadcast },
		{ "kvm.tlbi.local", "operations", "non-shareable TLBIs issued", &s->tlbi_local },
		{ "kvm.dsb_ish", "operations", "DSB ISH issued", &s->dsb_ish },
		{ "kvm.dirty.pages_dirtied", "pages", "pages marked dirty", &s->pages_dirtied },
		{ "kvm.dirty.pages_reported", "pages", "dirty pages seen by GET_DIRTY_LOG",
		  &s->dirty_pages_reported },
		{ "kvm.dirty.pages_cleared", "pages", "dirty bits cleared (re-protected)",
		  &s->pages_cleared },
		{ "kvm.vmm_ops", "operations", "VMM records run", &s->vmm_ops },
		{ "check.findings.bbm", "findings",
		  "valid-to-valid descriptor changes needing break-before-make", &s->findings_bbm },
		{ "check.findings.tlb_conflict", "findings", "TLB conflict aborts",
		  &s->findings_conflict },
		{ "check.findings.stale", "findings",
		  "translations used after their invalidation completed", &s->findings_stale },
		{ "check.findings.dirty", "findings",
		  "pages made writable while logging without their dirty bit", &s->findings_dirty },
		{ "check.stale_entries", "entries",
		  "TLB entries flagged: they outlived the maintenance meant to remove them",
		  &s->check_stale_marked },
		{ "check.unchecked_changes", "changes",
		  "translation changes the stale check could not follow", &s->check_unchecked },
	};
	char name[96];
	int rc = S2SIM_OK;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]) && rc == S2SIM_OK; i++)
		rc = s2sim_stats_counter(st, c[i].name, c[i].unit, c[i].desc, c[i].v);
	/* only where CLEAR can be more than one call: older results stay
	 * byte for byte what they were */
	if (rc == S2SIM_OK && (kvm->cfg->workload.clear_chunk ||
			       kvm->cfg->workload.vmm_concurrent))
		rc = s2sim_stats_counter(st, "kvm.clear_calls", "calls",
					 "KVM_CLEAR_DIRTY_LOG calls (workload.clear_chunk)",
					 &s->clear_calls);
	for (unsigned b = 0; b < S2SIM_T_NBUCKETS && rc == S2SIM_OK; b++) {
		snprintf(name, sizeof(name), "vmm.time.%s_ps", s2sim_time_bucket_names[b]);
		rc = s2sim_stats_counter(st, name, "ps", "VMM thread time by activity",
					 &kvm->vmm_acct[b]);
	}
	return rc;
}

static enum s2sim_mmu_lock_kind lock_kind(const struct s2sim_cfg *cfg)
{
	return cfg->hypervisor.lock_policy == S2SIM_LOCKPOL_BASELINE
		       ? S2SIM_MMU_LOCK_SPIN
		       : S2SIM_MMU_LOCK_RW;
}

static int create_lock(struct s2sim_kvm *kvm, s2sim_stats *st)
{
	const struct s2sim_cfg *c = kvm->cfg;
	struct s2sim_mmu_lock_params p = {
		.clock = kvm->clock,
		.acquire_cycles = c->hypervisor.lock_acquire_cycles,
		.release_cycles = c->hypervisor.lock_release_cycles,
		.transfer_cycles = c->hypervisor.lock_transfer_cycles,
		.transfer_per_spinner_cycles =
			c->hypervisor.lock_transfer_per_spinner_cycles,
	};
	int rc = s2sim_mmu_lock_create(&kvm->lock, lock_kind(c), &p, kvm->npes,
				       kvm->eng, st, "kvm.mmu_lock");

	if (rc != S2SIM_OK)
		return s2sim_err(&kvm->err, rc, "mmu_lock: %s",
				 kvm->lock ? s2sim_mmu_lock_errmsg(kvm->lock)
					   : "out of memory");
	return S2SIM_OK;
}

int s2sim_kvm_create(struct s2sim_kvm **out, const struct s2sim_cfg *cfg,
		     s2sim_engine *eng, s2sim_fabric *fab, s2sim_stats *st,
		     struct s2sim_s2pt *pt, struct s2sim_mmu *mmu,
		     uint32_t nvcpus, struct s2sim_errbuf *err)
{
	struct s2sim_kvm *kvm = calloc(1, sizeof(*kvm));
	struct s2sim_fabric_callbacks cb;
	int rc;

	*out = kvm;
	if (!kvm)
		return s2sim_err(err, S2SIM_ENOMEM, "out of memory");
	*kvm = (struct s2sim_kvm){ .cfg = cfg, .eng = eng, .fab = fab, .pt = pt,
				   .mmu = mmu, .nvcpus = nvcpus,
				   .npes = cfg->platform.pes };
	kvm->clock = s2sim_clock_from_mhz(cfg->platform.cpu_mhz);
	kvm->hyp = calloc(kvm->npes, sizeof(*kvm->hyp));
	if (!kvm->hyp)
		return s2sim_err(err, S2SIM_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < kvm->npes; i++)
		kvm->hyp[i] = (struct s2sim_hyp){ .kvm = kvm, .pe = i };
	cb = (struct s2sim_fabric_callbacks){ .ctx = kvm, .apply = apply_tlbi,
					      .sync_done = s2sim_hyp_sync_done };
	s2sim_fabric_set_callbacks(fab, &cb);
	s2sim_kvm_set_dvm_port(kvm, NULL);
	s2sim_check_attach(kvm);
	rc = create_lock(kvm, st);
	if (rc == S2SIM_OK)
		rc = register_stats(kvm, st);
	if (rc != S2SIM_OK)
		return s2sim_err(err, rc, "%s", s2sim_err_msg(&kvm->err));
	return S2SIM_OK;
}

void s2sim_kvm_destroy(struct s2sim_kvm *kvm)
{
	if (!kvm)
		return;
	for (uint32_t i = 0; kvm->hyp && i < kvm->npes; i++)
		free(kvm->hyp[i].steps);
	for (uint32_t i = 0; i < kvm->nslots; i++)
		free(kvm->slots[i].dirty);
	free(kvm->hyp);
	s2sim_mmu_lock_destroy(kvm->lock);
	free(kvm);
}

static int begin(struct s2sim_hyp *h, s2sim_time_ps t, uint64_t *acct,
		 s2sim_kvm_done_fn done, void *ctx)
{
	if (h->busy)
		return s2sim_err(&h->kvm->err, S2SIM_EMISUSE,
				 "PE %u is already running hypervisor code", h->pe);
	h->busy = true;
	h->t = t;
	h->acct = acct;
	h->done = done;
	h->done_ctx = ctx;
	h->cont = NULL;
	h->kvm->writer_pe = h->pe;
	s2sim_hyp_steps_reset(h);
	return S2SIM_OK;
}

int s2sim_kvm_guest_abort(struct s2sim_kvm *kvm, uint32_t vcpu,
			  s2sim_time_ps t, uint64_t ipa, bool write,
			  const struct s2sim_mmu_result *r, uint64_t *acct,
			  s2sim_kvm_done_fn done, void *ctx)
{
	struct s2sim_hyp *h = &kvm->hyp[vcpu];
	int rc = begin(h, t, acct, done, ctx);

	if (rc != S2SIM_OK)
		return rc;
	h->is_vmm = false;
	h->ipa = ipa;
	h->write = write;
	h->res = *r;
	s2sim_fault_start(h);
	return kvm->fatal ? kvm->fatal : S2SIM_OK;
}

int s2sim_kvm_vmm(struct s2sim_kvm *kvm, const s2sim_record *rec,
		  s2sim_time_ps t, s2sim_kvm_done_fn done, void *ctx)
{
	struct s2sim_hyp *h = &kvm->hyp[kvm->cfg->hypervisor.vmm_pe];
	int rc = begin(h, t, kvm->vmm_acct, done, ctx);

	if (rc != S2SIM_OK)
		return rc;
	h->is_vmm = true;
	h->rec = *rec;
	h->cursor = 0;
	kvm->stats.vmm_ops++;
	s2sim_vmm_start(h);
	return kvm->fatal ? kvm->fatal : S2SIM_OK;
}

const struct s2sim_kvm_stats *s2sim_kvm_get_stats(const struct s2sim_kvm *kvm)
{
	return &kvm->stats;
}

const char *s2sim_kvm_errmsg(const struct s2sim_kvm *kvm)
{
	return s2sim_err_msg(&kvm->err);
}

int s2sim_kvm_error(const struct s2sim_kvm *kvm)
{
	return kvm->fatal;
}
