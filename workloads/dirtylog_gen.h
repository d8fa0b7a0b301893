/*
 * The dirty-log workload generator: the record stream of the Linux KVM
 * selftest dirty_log_perf_test running memstress_guest_code() on every vCPU
 * (tools/testing/selftests/kvm/dirty_log_perf_test.c, lib/memstress.c),
 * produced lazily by a small state machine.  docs/workloads.md describes the
 * stream, the barrier semantics of its VMM records and what is simplified.
 *
 * Internal: the public face is s2sim_workload_generator() (workload.h).
 */
#ifndef S2SIM_WORKLOADS_DIRTYLOG_GEN_H
#define S2SIM_WORKLOADS_DIRTYLOG_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <s2sim/trace.h>
#include <s2sim/workload.h>
#include "core/util/errbuf.h"

/* Largest IPA the stream may use: the trace format's 52-bit IPA space. */
#define S2SIM_DLGEN_IPA_LIMIT (UINT64_C(1) << 52)
/* Most dirty-logging iterations (phase numbers stop below PHASE_END). */
#define S2SIM_DLGEN_MAX_ITERATIONS 1000000u
/* The memslot the generator creates. */
#define S2SIM_DLGEN_SLOT 0u

struct s2sim_dlgen;

/*
 * Check `p`.  S2SIM_OK, or S2SIM_ELIMIT (a value out of its range) or
 * S2SIM_EINPUT (values that do not fit together) with a message in `err`;
 * *field (if not NULL) then names the offending parameter as the config
 * key under "workload." calls it ("bytes_per_vcpu", "seed", ...).
 */
int s2sim_dlgen_check(const s2sim_dirtylog_params *p, struct s2sim_errbuf *err,
		      const char **field);

/*
 * Where memstress_create_vm() puts the test region: at the top of a
 * 2^ipa_bits IPA space, one guest page below its end, aligned down to the
 * backing page size.  S2SIM_ELIMIT (message in err) if it does not fit.
 */
int s2sim_dlgen_base_ipa(uint32_t ipa_bits, uint64_t total_bytes,
			 uint64_t guest_page_size, uint64_t backing_page_size,
			 uint64_t *base, struct s2sim_errbuf *err);

/* A generator for checked parameters (checks them again).  On error *out
 * is NULL and err says why. */
int s2sim_dlgen_create(struct s2sim_dlgen **out, const s2sim_dirtylog_params *p,
		       struct s2sim_errbuf *err);
void s2sim_dlgen_destroy(struct s2sim_dlgen *g);

/* Up to `max` next records into `recs`; the number written.  Fewer than
 * `max` only at the end of the stream. */
size_t s2sim_dlgen_fill(struct s2sim_dlgen *g, s2sim_record *recs, size_t max);
bool s2sim_dlgen_done(const struct s2sim_dlgen *g);

#endif
