/*
 * VMM records of the workload, applied at barriers.  Phase markers are
 * the run's own (they open the populate pass and the dirty-logging
 * iterations, whose durations are reported as dirty_log_perf_test prints
 * them: a pass ends at the first VMM call after its accesses, so the
 * get/clear ioctls that follow it are not part of it); every other record
 * is the hypervisor model's VMM operation (core/kvm), which may take
 * simulated time.
 */
#include <s2sim/trace.h>

#include "core/run/sim_internal.h"

/* Accesses completed so far (exact at a barrier: every vCPU is parked). */
uint64_t s2sim_guest_accesses(const struct s2sim_sim *sim)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < sim->nvcpus; i++)
		n += sim->vcpus[i].accesses;
	return n;
}

void s2sim_phase_close(struct s2sim_sim *sim, s2sim_time_ps t)
{
	struct s2sim_phase_time *p;

	if (!sim->in_phase)
		return;
	p = &sim->phases[sim->nphases - 1];
	p->end = t;
	p->accesses = s2sim_guest_accesses(sim) - p->accesses;
	sim->in_phase = false;
}

static int phase_begin(struct s2sim_sim *sim, uint32_t phase, s2sim_time_ps t)
{
	uint64_t acc = s2sim_guest_accesses(sim);

	s2sim_phase_close(sim, t);
	if (phase == S2SIM_PHASE_END)
		return S2SIM_OK;
	if (sim->nphases == S2SIM_MAX_PHASES)
		return s2sim_err(&sim->err, S2SIM_ELIMIT,
				 "workload record %llu: more than %u phases",
				 (unsigned long long)sim->records,
				 S2SIM_MAX_PHASES);
	sim->phases[sim->nphases++] = (struct s2sim_phase_time){
		.phase = phase, .start = t, .end = t, .accesses = acc };
	sim->in_phase = true;
	return S2SIM_OK;
}

/* dirty_log_perf_test times a pass from the bump of `iteration` until
 * every vCPU has finished it (run_test(): "Iteration N dirty memory
 * time"), and times KVM_GET_DIRTY_LOG / KVM_CLEAR_DIRTY_LOG and enabling
 * dirty logging separately: the first VMM call after the pass's accesses
 * ends the pass.  A VMM call before any of them (a trace may enable
 * logging just after the marker) stays in it. */
void s2sim_phase_close_pass(struct s2sim_sim *sim, s2sim_time_ps t)
{
	if (sim->in_phase &&
	    s2sim_guest_accesses(sim) > sim->phases[sim->nphases - 1].accesses)
		s2sim_phase_close(sim, t);
}

int s2sim_vmm_apply(struct s2sim_sim *sim, const s2sim_record *rec,
		    s2sim_time_ps t, s2sim_kvm_done_fn done)
{
	int rc;

	sim->vmm_events++;
	if (sim->ctrace && rec->kind == S2SIM_REC_PHASE)
		s2sim_ct_phase(sim->ctrace, rec->delta, t);
	else if (sim->ctrace)
		s2sim_ct_vmm_begin(sim->ctrace, rec, t);
	if (rec->kind == S2SIM_REC_PHASE) {
		rc = phase_begin(sim, rec->delta, t);
		if (rc == S2SIM_OK)
			done(sim, t);
		return rc;
	}
	s2sim_phase_close_pass(sim, t);
	rc = s2sim_kvm_vmm(sim->kvm, rec, t, done, sim);
	if (rc != S2SIM_OK)
		return s2sim_err(&sim->err, rc, "%s", s2sim_kvm_errmsg(sim->kvm));
	return S2SIM_OK;
}
