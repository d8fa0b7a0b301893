/*
 * Trace validation that needs the records before this one: vCPU range,
 * the memslot table (accesses must fall in a memslot created earlier),
 * the dirty-log state of each slot, and the order of phase markers.
 *
 * One validator is shared by the reader and the writer, so a writer can
 * never produce a trace the reader rejects.  Its state is small and fixed:
 * the slot table, the slots sorted by base (binary search on a miss) and the
 * last slot an access hit (the O(1) common case).
 */
#ifndef S2SIM_WORKLOADS_TRACE_VALIDATE_H
#define S2SIM_WORKLOADS_TRACE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <s2sim/trace.h>

struct s2sim_trace_slot {
	uint64_t base;
	uint64_t size;         /* bytes; 0 while the slot is not created */
	uint8_t backing_log2;
	uint8_t dlog_enabled;
	uint8_t dlog_flags;    /* S2SIM_DLOG_* given when enabled */
};

struct s2sim_trace_validator {
	uint32_t vcpus;
	uint32_t nslots;       /* slots created, = used entries of order[] */
	uint64_t hit_base;     /* last slot an access fell in (size 0: none) */
	uint64_t hit_size;
	uint32_t last_phase;
	bool have_phase;
	uint16_t order[S2SIM_TRACE_MAX_MEMSLOTS]; /* created slots by base */
	struct s2sim_trace_slot slots[S2SIM_TRACE_MAX_MEMSLOTS];
};

void s2sim_trace_validator_init(struct s2sim_trace_validator *v,
				uint32_t vcpus);

/*
 * The whole check of an ACCESS record whose attr byte had no reserved bits,
 * for the reader's hot loop: true when the access is in range, aligned and
 * inside the last slot hit.  False does not mean invalid: the caller then
 * builds the record and calls s2sim_trace_validate() for the verdict.
 */
static inline bool s2sim_trace_access_fast(const struct s2sim_trace_validator *v,
					   uint32_t vcpu, uint64_t ipa,
					   unsigned size_log2)
{
	return vcpu < v->vcpus && size_log2 <= 6 &&
	       (ipa & ((1ull << size_log2) - 1)) == 0 &&
	       ipa - v->hit_base < v->hit_size;
}

/* Check `rec` (which already passed s2sim_trace_record_check()) against
 * the trace so far and apply it.  0 if fine, else -1 with a message; the
 * state is unchanged on error. */
int s2sim_trace_validate(struct s2sim_trace_validator *v,
			 const s2sim_record *rec, char *msg, size_t size);

#endif
