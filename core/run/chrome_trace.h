/*
 * trace.json: a Perfetto / Chrome trace-event file of what each vCPU and
 * the VMM thread did, for looking at one run in ui.perfetto.dev or
 * chrome://tracing (docs/trace-viewer.md).
 *
 * The run reports intervals as it accounts time (the same places that fill
 * the "where time went" buckets): guest work and TLB-miss walks from the
 * vCPU loop, each stage-2 fault as a whole, the hypervisor's exit, handler,
 * mmu_lock wait, TLBI issue, DSB wait and conflict recovery from
 * s2sim_hyp_charge(), barriers from the dispatcher, VMM operations and
 * phase markers from vmm.c.  Only what falls in the window is kept,
 * clipped to it, and at most sim.trace_max_events events: past that the
 * window ends earlier, where what is kept is still complete.
 *
 * Events are buffered and written once, sorted, at the end of the run, so
 * the file is a pure function of the configuration (byte-identical for the
 * same config and seed).  With sim.trace_window = off no tracer exists
 * and every hook is one not-taken branch on a NULL pointer.
 */
#ifndef S2SIM_CORE_RUN_CHROME_TRACE_H
#define S2SIM_CORE_RUN_CHROME_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include <s2sim/engine.h>
#include <s2sim/trace.h>

#include "core/config/cfg.h"
#include "core/config/trace_window.h"
#include "core/kvm/kvm.h"
#include "core/mmu/mmu.h"
#include "core/util/errbuf.h"

/* What an event is; the names are in chrome_trace_write.c.  The first
 * S2SIM_T_NBUCKETS values are the time buckets (enum s2sim_time_bucket). */
enum s2sim_ct_name {
	S2SIM_CT_FAULT = S2SIM_T_NBUCKETS, /* a whole stage-2 abort */
	S2SIM_CT_VMM_PAUSE,   /* the VMM's pause after a clear */
	S2SIM_CT_VMM_OP,      /* a VMM ioctl; aux = record kind */
	S2SIM_CT_TLBI_OP,     /* instant; aux = DVM kind | share << 8 */
	S2SIM_CT_DIRTY_LOG,   /* global instant; aux = record kind */
	S2SIM_CT_PHASE,       /* global instant; arg = phase number */
	S2SIM_CT_TRUNCATED,   /* global instant at the cut */
	S2SIM_CT_NNAMES
};

/* aux of a S2SIM_CT_FAULT event */
#define S2SIM_CT_FAULT_KIND 0x0fu    /* enum s2sim_fault */
#define S2SIM_CT_FAULT_CONFLICT 0x10u
#define S2SIM_CT_FAULT_WRITE 0x20u
#define S2SIM_CT_FAULT_LEVEL_SHIFT 8

struct s2sim_ct_event {
	uint64_t ts, dur;     /* ps */
	uint64_t arg;         /* IPA, phase, first page ... */
	uint64_t arg2;        /* pages of a clear */
	uint32_t tid;
	uint32_t seq;         /* insertion order: the sort's last key */
	uint16_t aux;         /* fault kind, DVM op, record kind ... */
	uint16_t slot;        /* memslot of a VMM operation */
	uint8_t name;         /* enum s2sim_ct_name or time bucket */
	uint8_t ph;           /* 'X' (complete) or 'i' (instant) */
};

/* The slice a thread is in, extended while the same activity goes on
 * without a gap (thousands of guest accesses become one "guest" slice). */
struct s2sim_ct_open {
	uint64_t ts, end;
	uint8_t name;
	bool live;
};

struct s2sim_ctrace {
	struct s2sim_trace_window win;
	uint64_t lo, hi;          /* the window now, [lo, hi) ps */
	bool anchored;            /* auto: the window was placed */
	bool anchor_pending;      /* auto: placed when this VMM call returns */
	bool anchor_at_begin;     /* auto, workload.vmm_concurrent: placed when
				   * the VMM call starts (the vCPUs run on) */
	uint64_t max_events;
	struct s2sim_ct_event *ev;
	uint64_t n, cap;
	uint32_t next_seq;
	bool truncated;           /* hi was pulled in to stay under the cap */
	uint32_t nvcpus;          /* tids 0..nvcpus-1; nvcpus is the VMM */
	uint32_t vmm_pe;
	bool vmm_active;          /* between vmm_begin and vmm_end */
	struct s2sim_ct_open *open;     /* per tid */
	struct s2sim_ct_event *fault;   /* per vCPU: its abort in progress */
	uint64_t vmm_from;
	s2sim_record vmm_rec;
	/* what was written, as statistics (trace.*) */
	uint64_t st_events, st_lo, st_hi, st_truncated;
};

/* NULL in *out (and S2SIM_OK) when the trace is off.  Registers the
 * trace.* statistics in `st`. */
int s2sim_ct_create(struct s2sim_ctrace **out, const struct s2sim_cfg *cfg,
		    uint32_t nvcpus, s2sim_stats *st, struct s2sim_errbuf *err);
void s2sim_ct_destroy(struct s2sim_ctrace *tr);
/* Route the hypervisor's time intervals and TLBIs here. */
void s2sim_ct_attach_kvm(struct s2sim_ctrace *tr, struct s2sim_kvm *kvm);

/* Thread `tid` spent [from, until) as `name` (a time bucket). */
void s2sim_ct_slice(struct s2sim_ctrace *tr, uint32_t tid, unsigned name,
		    uint64_t from, uint64_t until);
/* vCPU `v` took abort `r` on (ipa, write) at t; it re-entered the guest
 * at t (the "fault" slice around the hypervisor's own). */
void s2sim_ct_fault_begin(struct s2sim_ctrace *tr, uint32_t v, uint64_t t,
			  uint64_t ipa, bool write,
			  const struct s2sim_mmu_result *r);
void s2sim_ct_fault_end(struct s2sim_ctrace *tr, uint32_t v, uint64_t t);
/* The VMM ran `rec` from t (vCPUs parked) / returned at t. */
void s2sim_ct_vmm_begin(struct s2sim_ctrace *tr, const s2sim_record *rec,
			uint64_t t);
void s2sim_ct_vmm_end(struct s2sim_ctrace *tr, uint64_t t);
/* A phase marker of the workload at t. */
void s2sim_ct_phase(struct s2sim_ctrace *tr, uint32_t phase, uint64_t t);
/* End of the run: close every open slice. */
void s2sim_ct_finish(struct s2sim_ctrace *tr);

/* What the file's otherData says about the run. */
struct s2sim_ct_meta {
	const char *policy;
	const char *platform;
	uint64_t seed;
	uint64_t end_ps;          /* simulated time of the whole run */
};

/* Write the trace to `path` atomically (chrome_trace_write.c). */
int s2sim_ct_write(struct s2sim_ctrace *tr, const struct s2sim_ct_meta *m,
		   const char *path, struct s2sim_errbuf *err);

#endif
