/*
 * A vCPU running its access stream with temporal decoupling: it advances
 * its local time access by access and returns to the engine once it is a
 * quantum ahead of engine time, or when it has nothing left before the next
 * barrier.
 */
#include <s2sim/trace.h>

#include "core/mmu/desc.h"
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

/* The access translates through this vCPU's PE MMU.  Without a hypervisor
 * model every memslot is mapped up front, so a stage-2 fault or a TLB
 * conflict abort means the model cannot go on: report it. */
static int run_access(struct s2sim_vcpu *v, const struct s2sim_pending_access *a)
{
	struct s2sim_sim *sim = v->sim;
	struct s2sim_mmu_result r;

	s2sim_mmu_access(&sim->machine.mmu[v->id], a->ipa, a->write, &r);
	if (r.outcome != S2SIM_MMU_OK)
		return s2sim_err(&sim->err, S2SIM_ESIM,
				 "vCPU %u: %s at IPA 0x%llx (level %u) and no "
				 "hypervisor model to handle it", v->id,
				 r.outcome == S2SIM_MMU_CONFLICT
					 ? "TLB conflict abort"
					 : s2sim_fault_name(r.fault),
				 (unsigned long long)a->ipa, r.level);
	v->local += access_cost(sim, a) + r.latency_ps;
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
