/*
 * VMM events of the workload, applied at barriers.
 *
 * Until the hypervisor model lands (core/kvm), a memslot is mapped whole
 * when it is created (core/run/machine.h) and dirty-log operations are
 * counted and cost no simulated time; phase markers delimit
 * the populate pass and the dirty-logging iterations, whose durations are
 * reported as dirty_log_perf_test prints them.
 */
#include <s2sim/trace.h>

#include "core/run/sim_internal.h"

static int phase_begin(struct s2sim_sim *sim, uint32_t phase, s2sim_time_ps t)
{
	if (sim->in_phase) {
		sim->phases[sim->nphases - 1].end = t;
		sim->in_phase = false;
	}
	if (phase == S2SIM_PHASE_END)
		return S2SIM_OK;
	if (sim->nphases == S2SIM_MAX_PHASES)
		return s2sim_err(&sim->err, S2SIM_ELIMIT,
				 "workload record %llu: more than %u phases",
				 (unsigned long long)sim->records,
				 S2SIM_MAX_PHASES);
	sim->phases[sim->nphases++] = (struct s2sim_phase_time){
		.phase = phase, .start = t, .end = t };
	sim->in_phase = true;
	return S2SIM_OK;
}

int s2sim_vmm_apply(struct s2sim_sim *sim, const s2sim_record *rec,
		    s2sim_time_ps t, s2sim_time_ps *cost)
{
	*cost = 0;
	sim->vmm_events++;
	if (rec->kind == S2SIM_REC_PHASE)
		return phase_begin(sim, rec->delta, t);
	if (rec->kind == S2SIM_REC_MEMSLOT)
		return s2sim_machine_memslot(&sim->machine, rec, &sim->err);
	return S2SIM_OK;
}
