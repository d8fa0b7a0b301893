/*
 * Workload dispatch: moves records from the workload stream into the vCPUs'
 * queues, and turns VMM records into barriers (see sim_internal.h).
 */
#include <s2sim/trace.h>

#include "core/run/sim_internal.h"

void s2sim_sim_fail(struct s2sim_sim *sim, int rc)
{
	if (!sim->fatal)
		sim->fatal = rc;
	s2sim_engine_stop(sim->eng);
}

static int read_batch(struct s2sim_sim *sim)
{
	size_t n = 0;
	int rc = s2sim_workload_read(sim->wl, sim->batch, S2SIM_DISPATCH_BATCH,
				     &n);

	sim->batch_n = n;
	sim->batch_pos = 0;
	if (rc == S2SIM_DONE) {
		sim->wl_done = true;
		return S2SIM_OK;
	}
	if (rc == S2SIM_ROW)
		return S2SIM_OK;
	return s2sim_err(&sim->err, rc, "workload: %s",
			 s2sim_workload_errmsg(sim->wl));
}

static int queue_access(struct s2sim_sim *sim, const s2sim_record *r)
{
	struct s2sim_pending_access a = {
		.ipa = r->addr,
		.delta = r->delta,
		.write = (r->flags & S2SIM_ACCESS_WRITE) != 0,
		.size_log2 = r->size_log2,
	};

	if (r->vcpu >= sim->nvcpus)
		return s2sim_err(&sim->err, S2SIM_EINPUT,
				 "workload record %llu: vCPU %u out of range (%u vCPUs)",
				 (unsigned long long)sim->records, r->vcpu,
				 sim->nvcpus);
	if (sim->buffered >= S2SIM_MAX_BUFFERED_ACCESSES)
		return s2sim_err(&sim->err, S2SIM_ELIMIT,
				 "workload record %llu: more than %llu accesses buffered "
				 "ahead of a waiting vCPU; interleave the vCPUs' records",
				 (unsigned long long)sim->records,
				 (unsigned long long)S2SIM_MAX_BUFFERED_ACCESSES);
	if (!s2sim_aq_push(&sim->vcpus[r->vcpu].queue, &a))
		return s2sim_err(&sim->err, S2SIM_ENOMEM, "out of memory");
	sim->buffered++;
	return S2SIM_OK;
}

int s2sim_dispatch_fill(struct s2sim_sim *sim, struct s2sim_vcpu *v)
{
	int rc;

	while (s2sim_aq_empty(&v->queue) && !sim->barrier_pending) {
		if (sim->batch_pos == sim->batch_n) {
			if (sim->wl_done)
				break;
			rc = read_batch(sim);
			if (rc != S2SIM_OK)
				return rc;
			continue;
		}
		const s2sim_record *r = &sim->batch[sim->batch_pos];
		if (r->kind != S2SIM_REC_ACCESS) {
			sim->barrier_pending = true;
			break;
		}
		rc = queue_access(sim, r);
		if (rc != S2SIM_OK)
			return rc;
		sim->batch_pos++;
		sim->records++;
	}
	return S2SIM_OK;
}

void s2sim_dispatch_finish(struct s2sim_sim *sim, s2sim_time_ps t)
{
	s2sim_phase_close(sim, t);
	sim->end_time_ps = t;
	sim->finished = true;
}

/* The barrier's record is consumed at `t`: release every vCPU. */
void s2sim_dispatch_release(struct s2sim_sim *sim, s2sim_time_ps t)
{
	int rc;

	sim->batch_pos++;
	sim->records++;
	sim->barrier_pending = false;
	sim->nparked = 0;
	for (uint32_t i = 0; i < sim->nvcpus; i++) {
		struct s2sim_vcpu *v = &sim->vcpus[i];

		v->parked = false;
		if (t > v->local)
			v->time[S2SIM_T_BARRIER] += t - v->local;
		if (sim->ctrace)
			s2sim_ct_slice(sim->ctrace, i, S2SIM_T_BARRIER, v->local, t);
		v->local = t;
		rc = s2sim_vcpu_schedule(v);
		if (rc != S2SIM_OK) {
			s2sim_sim_fail(sim, rc);
			return;
		}
	}
}

/* The VMM record is done at `t`: release every vCPU. */
void s2sim_dispatch_release_all(void *ctx, s2sim_time_ps t)
{
	struct s2sim_sim *sim = ctx;

	if (sim->ctrace)
		s2sim_ct_vmm_end(sim->ctrace, t);
	s2sim_dispatch_release(sim, t);
}

void s2sim_dispatch_barrier_record(struct s2sim_sim *sim, s2sim_time_ps t)
{
	int rc;

	if (!sim->barrier_pending) {
		s2sim_dispatch_finish(sim, t);
		return;
	}
	rc = s2sim_vmm_apply(sim, &sim->batch[sim->batch_pos], t,
			     s2sim_dispatch_release_all);
	if (rc != S2SIM_OK)
		s2sim_sim_fail(sim, rc);
}

/* Every vCPU is parked: apply the pending VMM record (if any) at the time
 * the last vCPU arrived; s2sim_dispatch_release_all() follows when the
 * VMM is done.
 * With workload.vmm_concurrent the VMM thread decides (vmm_thread.c). */
static void barrier_fire(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_sim *sim = ctx;
	s2sim_time_ps t = s2sim_engine_now(eng);

	(void)arg;
	if (sim->cfg->workload.vmm_concurrent)
		s2sim_vmm_thread_barrier(sim, t);
	else
		s2sim_dispatch_barrier_record(sim, t);
}

void s2sim_dispatch_park(struct s2sim_sim *sim, struct s2sim_vcpu *v)
{
	s2sim_time_ps t = 0;
	int rc;

	v->parked = true;
	if (++sim->nparked < sim->nvcpus)
		return;
	for (uint32_t i = 0; i < sim->nvcpus; i++)
		if (sim->vcpus[i].local > t)
			t = sim->vcpus[i].local;
	if (t < s2sim_engine_now(sim->eng))
		t = s2sim_engine_now(sim->eng);
	rc = s2sim_engine_schedule_at(sim->eng, t, barrier_fire, sim, 0, NULL);
	if (rc != S2SIM_OK)
		s2sim_sim_fail(sim, rc);
}
