/*
 * Stateful trace validation: memslot table, dirty-log state, phase order.
 * The rules mirror what KVM's ioctls accept (virt/kvm/kvm_main.c):
 * KVM_SET_USER_MEMORY_REGION rejects overlapping slots, the dirty-log
 * ioctls fail with -ENOENT on a slot without a dirty bitmap, and
 * KVM_CLEAR_DIRTY_LOG rejects ranges outside the slot.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "workloads/trace_record.h"
#include "workloads/trace_validate.h"

static int fail(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -1;
}

void s2sim_trace_validator_init(struct s2sim_trace_validator *v,
				uint32_t vcpus)
{
	memset(v, 0, sizeof(*v));
	v->vcpus = vcpus;
}

/* Index in order[] of the first created slot whose base is > ipa. */
static uint32_t upper_bound(const struct s2sim_trace_validator *v,
			    uint64_t ipa)
{
	uint32_t lo = 0, hi = v->nslots;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (v->slots[v->order[mid]].base <= ipa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The created slot containing ipa, or NULL. */
static const struct s2sim_trace_slot *
find_slot(const struct s2sim_trace_validator *v, uint64_t ipa)
{
	uint32_t i = upper_bound(v, ipa);
	const struct s2sim_trace_slot *s;

	if (i == 0)
		return NULL;
	s = &v->slots[v->order[i - 1]];
	return ipa - s->base < s->size ? s : NULL;
}

static int validate_access(struct s2sim_trace_validator *v,
			   const s2sim_record *r, char *msg, size_t size)
{
	const struct s2sim_trace_slot *s;

	if (r->vcpu >= v->vcpus)
		return fail(msg, size, "access: vcpu %u out of range (the trace has %u vCPUs)",
			    r->vcpu, v->vcpus);
	s = find_slot(v, r->addr);
	if (!s)
		return fail(msg, size, "access: IPA 0x%" PRIx64 " is outside every memslot",
			    r->addr);
	/* The access is aligned to its size (<= 64 bytes) and the slot to at
	 * least 4 KiB, so the whole access lies in the slot. */
	v->hit_base = s->base;
	v->hit_size = s->size;
	return 0;
}

static int validate_memslot(struct s2sim_trace_validator *v,
			    const s2sim_record *r, char *msg, size_t size)
{
	struct s2sim_trace_slot *s = &v->slots[r->slot];
	uint32_t i = upper_bound(v, r->addr);

	if (s->size)
		return fail(msg, size, "memslot %u already created", r->slot);
	if (i > 0) {
		const struct s2sim_trace_slot *prev = &v->slots[v->order[i - 1]];

		if (r->addr - prev->base < prev->size)
			return fail(msg, size, "memslot %u overlaps memslot %u",
				    r->slot, v->order[i - 1]);
	}
	if (i < v->nslots && v->slots[v->order[i]].base - r->addr < r->len)
		return fail(msg, size, "memslot %u overlaps memslot %u",
			    r->slot, v->order[i]);
	s->base = r->addr;
	s->size = r->len;
	s->backing_log2 = r->size_log2;
	memmove(&v->order[i + 1], &v->order[i],
		(v->nslots - i) * sizeof(v->order[0]));
	v->order[i] = r->slot;
	v->nslots++;
	return 0;
}

/* KVM_CLEAR_DIRTY_LOG: num_pages must be a multiple of 64 unless the range
 * runs to the end of the slot (kvm_clear_dirty_log_protect()). */
static int validate_clear(const struct s2sim_trace_slot *s,
			  const s2sim_record *r, char *msg, size_t size)
{
	uint64_t npages = s->size >> S2SIM_TRACE_DIRTY_PAGE_SHIFT;

	if (r->addr > npages || r->len > npages - r->addr)
		return fail(msg, size, "clear_dirty_log: pages %" PRIu64 "..+%" PRIu64
			    " outside slot %u (%" PRIu64 " pages)",
			    r->addr, r->len, r->slot, npages);
	if ((r->len & 63) && r->len != npages - r->addr)
		return fail(msg, size, "clear_dirty_log: %" PRIu64 " pages is not a multiple "
			    "of 64 and does not reach the end of slot %u",
			    r->len, r->slot);
	return 0;
}

static int validate_dirty_log(struct s2sim_trace_validator *v,
			      const s2sim_record *r, char *msg, size_t size)
{
	struct s2sim_trace_slot *s = &v->slots[r->slot];
	const char *name = s2sim_trace_kind_name(r->kind);

	if (!s->size)
		return fail(msg, size, "%s: unknown memslot %u", name, r->slot);
	if (r->kind == S2SIM_REC_DIRTY_LOG_ENABLE) {
		if (s->dlog_enabled)
			return fail(msg, size, "dirty_log_enable: dirty logging already "
				    "enabled on memslot %u", r->slot);
		s->dlog_enabled = 1;
		s->dlog_flags = r->flags;
		return 0;
	}
	if (!s->dlog_enabled)
		return fail(msg, size, "%s: dirty logging not enabled on memslot %u",
			    name, r->slot);
	if (r->kind == S2SIM_REC_CLEAR_DIRTY_LOG)
		return validate_clear(s, r, msg, size);
	if (r->kind == S2SIM_REC_DIRTY_LOG_DISABLE)
		s->dlog_enabled = 0;
	return 0;
}

static int validate_phase(struct s2sim_trace_validator *v,
			  const s2sim_record *r, char *msg, size_t size)
{
	if (v->have_phase && r->delta <= v->last_phase)
		return fail(msg, size, "phase %u does not follow phase %u (phases must increase)",
			    r->delta, v->last_phase);
	v->have_phase = true;
	v->last_phase = r->delta;
	return 0;
}

int s2sim_trace_validate(struct s2sim_trace_validator *v,
			 const s2sim_record *r, char *msg, size_t size)
{
	switch (r->kind) {
	case S2SIM_REC_ACCESS:
		return validate_access(v, r, msg, size);
	case S2SIM_REC_MEMSLOT:
		return validate_memslot(v, r, msg, size);
	case S2SIM_REC_DIRTY_LOG_ENABLE:
	case S2SIM_REC_DIRTY_LOG_DISABLE:
	case S2SIM_REC_GET_DIRTY_LOG:
	case S2SIM_REC_CLEAR_DIRTY_LOG:
		return validate_dirty_log(v, r, msg, size);
	case S2SIM_REC_PHASE:
		return validate_phase(v, r, msg, size);
	default:
		return fail(msg, size, "unknown record kind 0x%02x", r->kind);
	}
}
