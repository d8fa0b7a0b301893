/*
 * A vCPU running its access stream with temporal decoupling: it advances
 * its local time access by access and returns to the engine once it is a
 * quantum ahead of engine time, or when it has nothing left before the next
 * barrier.
 */
#include <s2sim/trace.h>

#include "core/run/sim_internal.h"

/* Cost of one access in picoseconds: the guest's instructions before it,
 * then the access itself.  (The MMU model adds TLB/walk/fault latency.) */
static s2sim_time_ps access_cost(const struct s2sim_sim *sim,
				 const struct s2sim_access *a)
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

static void run_access(struct s2sim_vcpu *v, const struct s2sim_access *a)
{
	v->local += access_cost(v->sim, a);
	v->accesses++;
	v->instructions += a->delta;
	if (a->write)
		v->writes++;
	else
		v->reads++;
	timeline_count(v, v->local);
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
		run_access(v, s2sim_aq_peek(&v->queue));
		s2sim_aq_pop(&v->queue);
		sim->buffered--;
	}
	rc = s2sim_vcpu_schedule(v);
	if (rc != S2SIM_OK)
		s2sim_sim_fail(sim, rc);
}
