/*
 * A vCPU running its access stream with temporal decoupling: it advances
 * its local time access by access and returns to the engine once it is a
 * quantum ahead of engine time, or when it has nothing left before the next
 * barrier.
 */
#include <s2sim/trace.h>

#include "core/run/sim_internal.h"

/* Cost of one access in picoseconds besides its translation: the guest's
 * instructions before it, then the data access itself. */
static s2sim_time_ps access_cost(const struct s2sim_sim *sim,
				 const struct s2sim_pending_access *a)
{
	double cycles = sim->cfg->platform.cpi * (double)a->delta;

	return s2sim_clock_cycles(sim->cpu_clock, (uint64_t)(cycles + 0.5)) +
	       sim->access_ps;
}

/* Guest throughput timeline: count the access in the interval of its
 * completion time, flushing the running count when the interval changes. */
static void timeline_count(struct s2sim_vcpu *v, s2sim_time_ps t)
{
	struct s2sim_sim *sim = v->sim;
	uint64_t idx = t / sim->interval_ps;

	if (idx != v->tl_index) {
		if (v->tl_count)
			s2sim_timeline_add(sim->tl_accesses,
					   v->tl_index * sim->interval_ps, v->id,
					   v->tl_count);
		v->tl_index = idx;
		v->tl_count = 0;
	}
	v->tl_count++;
}

/* trace.json: an access that translated, from `start` to v->local.  A
 * TLB miss's walk is a slice of its own; a hit's lookup counts as guest
 * time, so that a run of hits stays one "guest" slice. */
static void trace_access(struct s2sim_vcpu *v, const struct s2sim_mmu_result *r,
			 s2sim_time_ps start)
{
	struct s2sim_ctrace *tr = v->sim->ctrace;

	if (r->where == S2SIM_MMU_BY_WALK) {
		s2sim_ct_slice(tr, v->id, S2SIM_T_WALK, start, start + r->latency_ps);
		start += r->latency_ps;
	}
	s2sim_ct_slice(tr, v->id, S2SIM_T_GUEST, start, v->local);
}

/* trace.json: the translation that aborted, then the fault begins. */
static void trace_abort(struct s2sim_vcpu *v, const struct s2sim_pending_access *a,
			const struct s2sim_mmu_result *r, s2sim_time_ps start)
{
	struct s2sim_ctrace *tr = v->sim->ctrace;

	s2sim_ct_slice(tr, v->id, r->where == S2SIM_MMU_BY_WALK ? S2SIM_T_WALK : S2SIM_T_GUEST,
		       start, v->local);
	s2sim_ct_fault_begin(tr, v->id, v->local, a->ipa, a->write, r);
}

/* The hypervisor finished this vCPU's abort at `t`: back into the guest,
 * which retries the access. */
static void fault_done(void *ctx, s2sim_time_ps t)
{
	struct s2sim_vcpu *v = ctx;
	int rc;

	if (v->sim->ctrace)
		s2sim_ct_fault_end(v->sim->ctrace, v->id, t);
	v->in_fault = false;
	v->local = t;
	rc = s2sim_vcpu_schedule(v);
	if (rc != S2SIM_OK)
		s2sim_sim_fail(v->sim, rc);
}

/* Translate and perform one access.  Returns S2SIM_OK when it completed,
 * S2SIM_ROW when it aborted to the hypervisor (the vCPU waits for
 * fault_done() and retries), or an error. */
static int run_access(struct s2sim_vcpu *v, const struct s2sim_pending_access *a)
{
	struct s2sim_sim *sim = v->sim;
	struct s2sim_mmu_result r;
	s2sim_time_ps guest = access_cost(sim, a), start = v->local;
	int rc;

	s2sim_mmu_access(&sim->machine.mmu[v->id], a->ipa, a->write, &r);
	v->time[S2SIM_T_WALK] += r.latency_ps;
	v->local += r.latency_ps;
	if (r.outcome != S2SIM_MMU_OK) {
		if (sim->ctrace)
			trace_abort(v, a, &r, start);
		v->in_fault = true;
		rc = s2sim_kvm_guest_abort(sim->kvm, v->id, v->local, a->ipa,
					   a->write, &r, v->time, fault_done, v);
		if (rc != S2SIM_OK)
			return s2sim_err(&sim->err, rc, "%s", s2sim_kvm_errmsg(sim->kvm));
		return S2SIM_ROW;
	}
	v->time[S2SIM_T_GUEST] += guest;
	v->local += guest;
	if (sim->ctrace) /* off: one predictable branch per access */
		trace_access(v, &r, start);
	v->accesses++;
	v->instructions += a->delta;
	if (a->write)
		v->writes++;
	else
		v->reads++;
	timeline_count(v, v->local);
	return S2SIM_OK;
}

int s2sim_vcpu_schedule(struct s2sim_vcpu *v)
{
	s2sim_engine *eng = v->sim->eng;
	s2sim_time_ps now = s2sim_engine_now(eng);
	s2sim_time_ps when = v->local > now ? v->local : now;

	return s2sim_engine_schedule_at(eng, when, s2sim_vcpu_step, v, 0, NULL);
}

void s2sim_vcpu_step(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_vcpu *v = ctx;
	struct s2sim_sim *sim = v->sim;
	s2sim_time_ps horizon = s2sim_engine_now(eng) + sim->quantum;
	int rc;

	(void)arg;
	while (v->local < horizon) {
		if (s2sim_aq_empty(&v->queue)) {
			rc = s2sim_dispatch_fill(sim, v);
			if (rc != S2SIM_OK) {
				s2sim_sim_fail(sim, rc);
				return;
			}
			if (s2sim_aq_empty(&v->queue)) {
				s2sim_dispatch_park(sim, v);
				return;
			}
		}
		rc = run_access(v, s2sim_aq_peek(&v->queue));
		if (rc == S2SIM_ROW)
			return; /* in the hypervisor; fault_done() resumes it */
		if (rc != S2SIM_OK) {
			s2sim_sim_fail(sim, rc);
			return;
		}
		s2sim_aq_pop(&v->queue);
		sim->buffered--;
	}
	rc = s2sim_vcpu_schedule(v);
	if (rc != S2SIM_OK)
		s2sim_sim_fail(sim, rc);
}
