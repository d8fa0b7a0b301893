/*
 * The concurrent VMM thread (workload.vmm_concurrent).
 *
 * dirty_log_perf_test parks its vCPUs while the main thread gets and
 * clears the dirty log (the barrier of dispatch.c).  A VMM that migrates
 * a running guest does not: its migration thread syncs the bitmap and
 * clears (and, with KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE, splits) it chunk
 * by chunk, rate-limited, while the vCPUs run.  Here:
 *
 *  - GET_DIRTY_LOG and CLEAR_DIRTY_LOG still start where the stream puts
 *    them, once every vCPU has finished the pass before them (the pass
 *    ends there, as in barrier mode), but they are handed to the VMM
 *    thread on PE hypervisor.vmm_pe and the vCPUs go on at once.  The
 *    thread runs them in order; each CLEAR call takes mmu_lock for write
 *    and flushes through the fabric while the vCPUs fault (core/kvm).
 *  - The get/clear records between two other records form a round.  A
 *    round that arrives while the thread is still busy with an earlier
 *    one is skipped whole (counted): a migration thread syncs again when
 *    it has finished its previous round, not once per guest pass.  The
 *    dirty bits it leaves set are taken by the next round it runs.
 *  - A phase marker releases the vCPUs without waiting for the thread:
 *    the next pass overlaps the clears.
 *  - Any other VMM record (memslot, enable or disable logging), and the
 *    end of the workload, waits until the thread is idle (it is the same
 *    thread), with the vCPUs parked; that wait is their barrier time.
 */
#include <s2sim/trace.h>

#include "core/run/sim_internal.h"

static bool is_async(const s2sim_record *r)
{
	return r->kind == S2SIM_REC_GET_DIRTY_LOG ||
	       r->kind == S2SIM_REC_CLEAR_DIRTY_LOG;
}

static void vmm_next(struct s2sim_sim *sim, s2sim_time_ps t);

/* The thread's record returned at t (>= engine now). */
static void record_done(void *ctx, s2sim_time_ps t)
{
	struct s2sim_sim *sim = ctx;
	struct s2sim_vmm_thread *vt = &sim->vmm;

	if (sim->ctrace)
		s2sim_ct_vmm_end(sim->ctrace, t);
	vt->busy = false;
	vt->head = (vt->head + 1) % S2SIM_VMM_FIFO;
	vt->n--;
	vt->busy_ps += t - vt->busy_from;
	vt->overlap_accesses += s2sim_guest_accesses(sim) - vt->acc_from;
	vmm_next(sim, t);
}

/* The barrier that waited for the idle thread goes on at t. */
static void resume_barrier(struct s2sim_sim *sim, s2sim_time_ps t)
{
	sim->vmm.barrier_waits = false;
	s2sim_dispatch_barrier_record(sim, t);
}

/* Run the next queued record at t, or go idle. */
static void vmm_next(struct s2sim_sim *sim, s2sim_time_ps t)
{
	struct s2sim_vmm_thread *vt = &sim->vmm;
	const s2sim_record *r;
	int rc;

	vt->idle_at = t;
	if (!vt->n) {
		if (vt->barrier_waits)
			resume_barrier(sim, t);
		return;
	}
	r = &vt->fifo[vt->head];
	vt->busy = true;
	vt->busy_from = t;
	vt->acc_from = s2sim_guest_accesses(sim);
	sim->vmm_events++;
	if (sim->ctrace)
		s2sim_ct_vmm_begin(sim->ctrace, r, t);
	rc = s2sim_kvm_vmm(sim->kvm, r, t, record_done, sim);
	if (rc != S2SIM_OK)
		s2sim_sim_fail(sim, s2sim_err(&sim->err, rc, "%s",
					      s2sim_kvm_errmsg(sim->kvm)));
}

/* A get/clear record reached by every vCPU at t: queue it (or skip it
 * with its round), and release the vCPUs. */
static void hand_over(struct s2sim_sim *sim, const s2sim_record *r,
		      s2sim_time_ps t)
{
	struct s2sim_vmm_thread *vt = &sim->vmm;
	bool idle = !vt->busy && !vt->n;

	s2sim_phase_close_pass(sim, t);
	if (!vt->accepting) /* a round skipped whole: still busy */
		vt->skipped++;
	else if (vt->n == S2SIM_VMM_FIFO) {
		s2sim_sim_fail(sim, s2sim_err(&sim->err, S2SIM_ELIMIT,
			"workload record %llu: more than %u get/clear records "
			"between two other records for the concurrent VMM",
			(unsigned long long)sim->records, S2SIM_VMM_FIFO));
		return;
	} else {
		vt->fifo[(vt->head + vt->n) % S2SIM_VMM_FIFO] = *r;
		vt->n++;
		vt->records++;
	}
	s2sim_dispatch_release(sim, t);
	if (idle && vt->n)
		vmm_next(sim, t > vt->idle_at ? t : vt->idle_at);
}

/* The first get/clear record after another record opens a round, taken
 * only if the thread is idle. */
static void open_round(struct s2sim_vmm_thread *vt, const s2sim_record *r)
{
	if (!is_async(r)) {
		vt->round_open = false;
		return;
	}
	if (!vt->round_open)
		vt->accepting = !vt->busy && !vt->n;
	vt->round_open = true;
}

/* A phase marker is no VMM call: the VMM thread's trace slice, if one is
 * open, is not ended by it. */
static void release_phase(void *ctx, s2sim_time_ps t)
{
	s2sim_dispatch_release(ctx, t);
}

void s2sim_vmm_thread_barrier(struct s2sim_sim *sim, s2sim_time_ps t)
{
	struct s2sim_vmm_thread *vt = &sim->vmm;
	const s2sim_record *r;
	int rc;

	if (sim->barrier_pending) {
		r = &sim->batch[sim->batch_pos];
		open_round(vt, r);
		if (is_async(r)) {
			hand_over(sim, r, t);
			return;
		}
		if (r->kind == S2SIM_REC_PHASE) {
			rc = s2sim_vmm_apply(sim, r, t, release_phase);
			if (rc != S2SIM_OK)
				s2sim_sim_fail(sim, rc);
			return;
		}
	}
	if (!vt->busy && !vt->n) {
		s2sim_dispatch_barrier_record(sim, t);
		return;
	}
	/* the same thread: wait for it, the pass ends now */
	s2sim_phase_close_pass(sim, t);
	vt->barrier_waits = true;
}

int s2sim_vmm_thread_register_stats(struct s2sim_sim *sim)
{
	struct s2sim_vmm_thread *vt = &sim->vmm;
	const struct { const char *name, *unit, *desc; const uint64_t *v; } c[] = {
		{ "vmm.concurrent.records", "records",
		  "get/clear records run by the VMM thread while the vCPUs ran",
		  &vt->records },
		{ "vmm.concurrent.skipped", "records",
		  "get/clear records skipped: their round came while the VMM was busy",
		  &vt->skipped },
		{ "vmm.concurrent.busy_ps", "ps",
		  "time the VMM thread spent on get/clear records", &vt->busy_ps },
		{ "vmm.concurrent.overlap_accesses", "accesses",
		  "guest accesses completed while a get/clear record ran",
		  &vt->overlap_accesses },
	};
	int rc = S2SIM_OK;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]) && rc == S2SIM_OK; i++)
		rc = s2sim_stats_counter(sim->stats, c[i].name, c[i].unit,
					 c[i].desc, c[i].v);
	return rc;
}
