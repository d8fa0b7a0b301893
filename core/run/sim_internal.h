/*
 * Internals of one simulation run (include/s2sim/sim.h).
 *
 * Execution model (DESIGN.md §2).  Each vCPU runs its access stream ahead
 * of the engine in its own local time, one engine event per quantum, and
 * only synchronises with the others at VMM events.  VMM records of the
 * workload (memslot, dirty-log operations, phase markers) are barriers, as
 * in dirty_log_perf_test where the vCPUs wait for the next iteration: every
 * access before one in the stream completes before it, every access after
 * it starts after it.  With workload.vmm_concurrent the get/clear records
 * only start at their barrier and run on the VMM thread while the vCPUs go
 * on (vmm_thread.c).
 */
#ifndef S2SIM_CORE_RUN_SIM_INTERNAL_H
#define S2SIM_CORE_RUN_SIM_INTERNAL_H

#include <stdbool.h>

#include <s2sim/engine.h>
#include <s2sim/sim.h>
#include <s2sim/workload.h>

#include "core/config/cfg.h"
#include "core/run/access_queue.h"
#include "core/run/chrome_trace.h"
#include "core/kvm/kvm.h"
#include "core/run/machine.h"
#include "core/util/errbuf.h"

/* Records the dispatcher may hold for all vCPUs together before it
 * declares the workload's interleaving unusable (S2SIM_ELIMIT). */
#define S2SIM_MAX_BUFFERED_ACCESSES (16ull << 20)
#define S2SIM_DISPATCH_BATCH 4096
#define S2SIM_MAX_PHASES 4096
/* Records one get/clear round of the concurrent VMM can hold. */
#define S2SIM_VMM_FIFO 64

struct s2sim_vcpu {
	struct s2sim_sim *sim;
	uint32_t id;
	struct s2sim_access_queue queue;
	s2sim_time_ps local;     /* this vCPU's local time (>= engine now) */
	bool parked;             /* waiting at a barrier or at the end */
	bool in_fault;           /* the hypervisor is handling its abort */
	uint64_t time[S2SIM_T_NBUCKETS]; /* where its time went, ps */
	/* guest-throughput timeline: accesses in the current interval */
	uint64_t tl_index;
	uint64_t tl_count;
	/* counters */
	uint64_t accesses, reads, writes, instructions;
};

struct s2sim_phase_time {
	uint32_t phase;          /* S2SIM_PHASE_POPULATE or iteration */
	s2sim_time_ps start, end;
	uint64_t accesses;       /* guest accesses completed in the phase */
};

struct s2sim_sim {
	struct s2sim_errbuf err;
	const s2sim_config *config;
	const struct s2sim_cfg *cfg;
	s2sim_engine *eng;
	s2sim_stats *stats;
	s2sim_workload *wl;
	s2sim_clock cpu_clock;
	s2sim_time_ps quantum;
	s2sim_time_ps access_ps;     /* fixed cost of one access */
	s2sim_time_ps interval_ps;   /* timeline interval */
	s2sim_timeline *tl_accesses;

	struct s2sim_machine machine;
	bool machine_ready;
	s2sim_fabric *fabric;
	struct s2sim_kvm *kvm;
	struct s2sim_ctrace *ctrace; /* trace.json; NULL when off */

	uint32_t nvcpus;
	struct s2sim_vcpu *vcpus;
	uint32_t nparked;

	/* workload dispatch */
	s2sim_record batch[S2SIM_DISPATCH_BATCH];
	size_t batch_n, batch_pos;
	bool wl_done;            /* the workload returned S2SIM_DONE */
	bool barrier_pending;    /* batch[batch_pos] is a VMM record */
	uint64_t buffered;       /* accesses queued over all vCPUs */
	uint64_t records;        /* records consumed */

	/* phases */
	struct s2sim_phase_time phases[S2SIM_MAX_PHASES];
	uint32_t nphases;
	bool in_phase;

	/* the concurrent VMM thread (workload.vmm_concurrent, vmm_thread.c) */
	struct s2sim_vmm_thread {
		s2sim_record fifo[S2SIM_VMM_FIFO];
		uint32_t head, n;        /* records waiting to run */
		bool busy;               /* running fifo[head] */
		bool round_open;         /* the last record was a get/clear */
		bool accepting;          /* the open round is taken */
		bool barrier_waits;      /* a barrier waits for it to go idle */
		s2sim_time_ps idle_at;   /* when its last record returned */
		s2sim_time_ps busy_from;
		uint64_t acc_from;       /* guest accesses when it started */
		uint64_t records, skipped, busy_ps, overlap_accesses;
	} vmm;

	/* counters */
	uint64_t vmm_events;
	uint64_t total_accesses, total_reads, total_writes;
	uint64_t end_time_ps;

	s2sim_progress_fn progress;
	void *progress_ctx;
	double progress_interval;
	char finding_line[256];  /* s2sim_sim_finding()'s buffer */
	int fatal;               /* first error; stops the run */
	bool finished;
	const volatile sig_atomic_t *stop_flag; /* s2sim_sim_set_stop_flag() */
	bool stopped;            /* stopped early on the flag: a partial result */
};

/* vcpu.c */
void s2sim_vcpu_step(s2sim_engine *eng, void *ctx, uint64_t arg);
int s2sim_vcpu_schedule(struct s2sim_vcpu *v);

/* dispatch.c */
/* Move records from the workload into vCPU queues until `v` has one, a
 * barrier (VMM record) is reached, or the workload ends. */
int s2sim_dispatch_fill(struct s2sim_sim *sim, struct s2sim_vcpu *v);
/* A vCPU found nothing to run: park it; the last one releases the barrier. */
void s2sim_dispatch_park(struct s2sim_sim *sim, struct s2sim_vcpu *v);
/* Record a fatal error and stop the engine. */
void s2sim_sim_fail(struct s2sim_sim *sim, int rc);
/* The workload ended with every vCPU parked: close the run at `t`. */
void s2sim_dispatch_finish(struct s2sim_sim *sim, s2sim_time_ps t);
/* Consume the barrier's record and release every vCPU at `t`. */
void s2sim_dispatch_release(struct s2sim_sim *sim, s2sim_time_ps t);
/* The same, as the done callback of a VMM record applied at the barrier. */
void s2sim_dispatch_release_all(void *ctx, s2sim_time_ps t);
/* Every vCPU is parked and the VMM is free: apply the pending record at t
 * (the vCPUs are released when it is done), or end the run if none. */
void s2sim_dispatch_barrier_record(struct s2sim_sim *sim, s2sim_time_ps t);

/* vmm.c */
/* Guest accesses every vCPU has completed so far. */
uint64_t s2sim_guest_accesses(const struct s2sim_sim *sim);
/* End the current phase (if any) at `t`. */
void s2sim_phase_close(struct s2sim_sim *sim, s2sim_time_ps t);
/* Apply one VMM record at barrier time `t`; done(sim, t') when the VMM
 * returns (possibly at once). */
int s2sim_vmm_apply(struct s2sim_sim *sim, const s2sim_record *rec,
		    s2sim_time_ps t, s2sim_kvm_done_fn done);
/* End the current pass at `t` if any of its accesses ran. */
void s2sim_phase_close_pass(struct s2sim_sim *sim, s2sim_time_ps t);

/* vmm_thread.c (workload.vmm_concurrent) */
/* Every vCPU is parked at engine time `t`: run, hand over or hold the
 * barrier's record, or finish the run. */
void s2sim_vmm_thread_barrier(struct s2sim_sim *sim, s2sim_time_ps t);
int s2sim_vmm_thread_register_stats(struct s2sim_sim *sim);

#endif
