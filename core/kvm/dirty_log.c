/*
 * The VMM's operations, run on the VMM thread's PE while the vCPUs wait
 * at the barrier (dirty_log_perf_test's vCPUs wait for the next
 * iteration):
 *   MEMSLOT            back the slot; nothing is mapped until it faults.
 *   DIRTY_LOG_ENABLE   KVM_MEM_LOG_DIRTY_PAGES.  With manual protect and
 *                      "initially set" the bitmap starts full and nothing
 *                      is write-protected; otherwise write-protect the
 *                      slot and flush the VMID (kvm_mmu_wp_memory_region).
 *   GET_DIRTY_LOG      report the bitmap; without manual protect it also
 *                      re-protects what it reports (kvm_get_dirty_log_protect).
 *   CLEAR_DIRTY_LOG    one KVM_CLEAR_DIRTY_LOG call per workload.clear_chunk
 *                      of the record's range (0: one call for all of it).
 *                      Each call, under the write lock: eager-split the
 *                      range's blocks (policy eager-split,
 *                      kvm_mmu_split_huge_pages), clear each dirty bit and
 *                      write-protect its page (a block is write-protected
 *                      whole), then flush the slot's range
 *                      (kvm_flush_remote_tlbs_memslot: range TLBIs with
 *                      tlbi-range, else the whole VMID).  Then the VMM waits
 *                      workload.clear_interval_ns (its rate limit).  With
 *                      workload.vmm_concurrent the flush follows the unlock,
 *                      as in kvm_clear_dirty_log_protect() (and for a GET
 *                      that re-protects, kvm_get_dirty_log_protect()); with
 *                      the vCPUs parked the order does not matter and the
 *                      flush stays under the lock (the results of that mode
 *                      predate it).
 *   DIRTY_LOG_DISABLE  stop logging (KVM does not collapse the pages).
 */
#include <stdlib.h>

#include "core/kvm/kvm_internal.h"
#include "core/mmu/desc.h"

static void vmm_done(struct s2sim_hyp *h)
{
	h->busy = false;
	h->cont = NULL;
	h->done(h->done_ctx, h->t);
}

static void vmm_unlock_done(struct s2sim_hyp *h)
{
	if (h->locked && s2sim_hyp_unlock(h) != S2SIM_OK)
		return;
	vmm_done(h);
}

static void vmm_fail(struct s2sim_hyp *h, int rc, const char *what)
{
	s2sim_err(&h->kvm->err, rc, "VMM: memslot %u: %s", h->rec.slot, what);
	s2sim_kvm_fail(h->kvm, rc);
}

static struct s2sim_kvm_memslot *slot_of(struct s2sim_hyp *h)
{
	struct s2sim_kvm *kvm = h->kvm;

	for (uint32_t i = 0; i < kvm->nslots; i++)
		if (kvm->slots[i].id == h->rec.slot)
			return &kvm->slots[i];
	return NULL;
}

static void charge_pages(struct s2sim_hyp *h, uint64_t pages, uint32_t cycles)
{
	s2sim_hyp_charge(h, S2SIM_T_HANDLER,
			 h->t + s2sim_kvm_cycles(h->kvm, pages * cycles));
}

static int memslot_create(struct s2sim_hyp *h)
{
	struct s2sim_kvm *kvm = h->kvm;
	const s2sim_record *r = &h->rec;
	uint64_t page = 1ull << r->size_log2;
	uint64_t half = 1ull << (kvm->cfg->platform.pa_bits - 1);
	uint64_t pa = (kvm->next_host_pa + page - 1) & ~(page - 1);
	struct s2sim_kvm_memslot *s;

	if (kvm->nslots == S2SIM_MAX_MEMSLOTS)
		return s2sim_err(&kvm->err, S2SIM_ELIMIT, "more than %u memslots",
				 S2SIM_MAX_MEMSLOTS);
	if (pa > half || r->len > half - pa)
		return s2sim_err(&kvm->err, S2SIM_ELIMIT,
				 "memslot %u: %llu bytes do not fit in the lower half of "
				 "the %u-bit PA space", r->slot,
				 (unsigned long long)r->len, kvm->cfg->platform.pa_bits);
	s = &kvm->slots[kvm->nslots];
	*s = (struct s2sim_kvm_memslot){ .id = r->slot, .backing_log2 = r->size_log2,
					 .base = r->addr, .size = r->len,
					 .host_pa = pa, .npages = r->len >> 12 };
	s->dirty = calloc((s->npages + 63) / 64, sizeof(uint64_t));
	if (!s->dirty)
		return s2sim_err(&kvm->err, S2SIM_ENOMEM, "out of memory");
	kvm->nslots++;
	kvm->next_host_pa = pa + r->len;
	return S2SIM_OK;
}

static void flush_then(struct s2sim_hyp *h, int rc, s2sim_hyp_cont next)
{
	if (rc != S2SIM_OK) {
		vmm_fail(h, rc, "out of memory");
		return;
	}
	s2sim_hyp_run_steps(h, next);
}

/* Write-protect the whole slot, then flush the VMID. */
static void enable_protect(struct s2sim_hyp *h)
{
	struct s2sim_kvm_memslot *s = slot_of(h);

	h->kvm->writer_pe = h->pe;
	s2sim_check_expect_gone(h, s->base, s->size);
	s2sim_s2pt_wrprotect(h->kvm->pt, s->base, s->size);
	h->kvm->stats.wrprotects += s->size >> s->backing_log2;
	charge_pages(h, s->size >> s->backing_log2,
		     h->kvm->cfg->hypervisor.wp_cycles_per_leaf);
	flush_then(h, s2sim_flush_vmid(h), vmm_unlock_done);
}

static void dirty_log_enable(struct s2sim_hyp *h, struct s2sim_kvm_memslot *s)
{
	const uint32_t both = S2SIM_DLOG_MANUAL_PROTECT | S2SIM_DLOG_INITIALLY_SET;

	s->logging = true;
	s->dlog_flags = h->rec.flags;
	if ((h->rec.flags & both) == both) {
		for (uint64_t i = 0; i < s->npages; i++)
			s->dirty[i >> 6] |= 1ull << (i & 63);
		vmm_done(h);
		return;
	}
	h->mode = S2SIM_MMU_LOCK_WRITE;
	s2sim_hyp_lock_then(h, enable_protect);
}

/* Clear the dirty bits of [first, first + n) pages and write-protect
 * those pages, one wrprotect per run of consecutive dirty pages. */
static void clear_bits(struct s2sim_hyp *h, struct s2sim_kvm_memslot *s,
		       uint64_t first, uint64_t n)
{
	uint64_t run = 0, cleared = 0;

	for (uint64_t p = first; p <= first + n; p++) {
		bool dirty = p < first + n && ((s->dirty[p >> 6] >> (p & 63)) & 1);

		if (dirty) {
			s->dirty[p >> 6] &= ~(1ull << (p & 63));
			run++;
			cleared++;
			continue;
		}
		if (run)
			s2sim_s2pt_wrprotect(h->kvm->pt, s->base + ((p - run) << 12),
					     run << 12);
		run = 0;
	}
	h->kvm->stats.pages_cleared += cleared;
	h->kvm->stats.wrprotects += cleared;
	charge_pages(h, n, h->kvm->cfg->hypervisor.dirty_cycles_per_page);
	charge_pages(h, cleared, h->kvm->cfg->hypervisor.wp_cycles_per_leaf);
}

static void clear_flush(struct s2sim_hyp *h);
static void eager_split_next(struct s2sim_hyp *h);

static void eager_split_done(struct s2sim_hyp *h)
{
	h->kvm->stats.eager_splits++;
	h->cursor = h->split_base + (1ull << (39 - 9 * h->split_level));
	eager_split_next(h);
}

/* kvm_mmu_split_huge_pages over the cleared range: each block still
 * mapped is split (one BBM each). */
static void eager_split_next(struct s2sim_hyp *h)
{
	struct s2sim_kvm_memslot *s = slot_of(h);
	uint64_t end = s->base + ((h->rec.addr + h->rec.len) << 12);
	uint64_t desc;
	unsigned level;

	while (h->cursor < end) {
		level = 3;
		if (s2sim_s2pt_lookup(h->kvm->pt, h->cursor, &desc, &level) == S2SIM_OK &&
		    level < 3) {
			h->kvm->writer_pe = h->pe; /* vCPUs write meanwhile */
			s2sim_split_block(h, h->cursor, level, desc, false,
					  eager_split_done);
			return;
		}
		/* unmapped, or already pages: no block before the next 2 MiB */
		h->cursor = (h->cursor | (S2SIM_SIZE_2M - 1)) + 1;
	}
	clear_flush(h);
}

static void clear_call(struct s2sim_hyp *h);

/* After a CLEAR call the VMM waits workload.clear_interval_ns (its rate
 * limit between clears; the vCPUs wait at the barrier unless
 * workload.vmm_concurrent), then issues the record's next call. */
static void clear_done(struct s2sim_hyp *h)
{
	uint64_t pause = h->kvm->cfg->workload.clear_interval_ns * 1000;

	if (h->locked && s2sim_hyp_unlock(h) != S2SIM_OK)
		return;
	if (h->rec.kind != S2SIM_REC_CLEAR_DIRTY_LOG) {
		vmm_done(h);
		return;
	}
	h->kvm->stats.clear_calls++;
	s2sim_hyp_charge(h, S2SIM_T_BARRIER, h->t + pause);
	h->rec.addr += h->rec.len;
	if (h->rec.addr < h->clear_end) {
		clear_call(h);
		return;
	}
	vmm_done(h);
}

static void clear_flush(struct s2sim_hyp *h)
{
	struct s2sim_kvm_memslot *s = slot_of(h);

	h->kvm->writer_pe = h->pe;
	s2sim_check_expect_gone(h, s->base + (h->rec.addr << 12), h->rec.len << 12);
	clear_bits(h, s, h->rec.addr, h->rec.len);
	/* kvm_clear_dirty_log_protect() and kvm_get_dirty_log_protect():
	 * KVM_MMU_UNLOCK, then kvm_flush_remote_tlbs_memslot() */
	if (h->kvm->cfg->workload.vmm_concurrent && h->locked &&
	    s2sim_hyp_unlock(h) != S2SIM_OK)
		return;
	flush_then(h, s2sim_flush_vmid_range(h, s->base, s->size), clear_done);
}

static void clear_locked(struct s2sim_hyp *h)
{
	struct s2sim_kvm_memslot *s = slot_of(h);

	h->cursor = s->base + (h->rec.addr << 12);
	if (h->kvm->cfg->hypervisor.features & S2SIM_POLF_EAGER_SPLIT) {
		eager_split_next(h);
		return;
	}
	clear_flush(h);
}

/* One KVM_CLEAR_DIRTY_LOG call: the next workload.clear_chunk of the
 * record's range [h->rec.addr, h->clear_end) (pages), under the write lock
 * (KVM_MMU_LOCK in kvm_clear_dirty_log_protect). */
static void clear_call(struct s2sim_hyp *h)
{
	uint64_t chunk = h->kvm->cfg->workload.clear_chunk >> 12;

	h->rec.len = h->clear_end - h->rec.addr;
	if (chunk && h->rec.len > chunk)
		h->rec.len = chunk;
	h->mode = S2SIM_MMU_LOCK_WRITE;
	s2sim_hyp_lock_then(h, clear_locked);
}

static void dirty_log_get(struct s2sim_hyp *h, struct s2sim_kvm_memslot *s)
{
	uint64_t dirty = 0;

	for (uint64_t w = 0; w < (s->npages + 63) / 64; w++)
		dirty += (uint64_t)__builtin_popcountll(s->dirty[w]);
	h->kvm->stats.dirty_pages_reported += dirty;
	charge_pages(h, s->npages, h->kvm->cfg->hypervisor.dirty_cycles_per_page);
	if (s->dlog_flags & S2SIM_DLOG_MANUAL_PROTECT) {
		vmm_done(h);
		return;
	}
	/* kvm_get_dirty_log_protect: re-protect what it reports */
	h->rec.addr = 0;
	h->rec.len = s->npages;
	h->mode = S2SIM_MMU_LOCK_WRITE;
	s2sim_hyp_lock_then(h, clear_flush);
}

void s2sim_vmm_start(struct s2sim_hyp *h)
{
	struct s2sim_kvm_memslot *s;
	int rc;

	if (h->rec.kind == S2SIM_REC_MEMSLOT) {
		rc = memslot_create(h);
		if (rc != S2SIM_OK) {
			s2sim_kvm_fail(h->kvm, rc);
			return;
		}
		vmm_done(h);
		return;
	}
	s = slot_of(h);
	if (!s) {
		vmm_fail(h, S2SIM_EINPUT, "no such memslot");
		return;
	}
	switch (h->rec.kind) {
	case S2SIM_REC_DIRTY_LOG_ENABLE:
		dirty_log_enable(h, s);
		return;
	case S2SIM_REC_DIRTY_LOG_DISABLE:
		s->logging = false;
		vmm_done(h);
		return;
	case S2SIM_REC_GET_DIRTY_LOG:
		dirty_log_get(h, s);
		return;
	case S2SIM_REC_CLEAR_DIRTY_LOG:
		h->clear_end = h->rec.addr + h->rec.len;
		clear_call(h);
		return;
	default:
		vmm_done(h);
	}
}
