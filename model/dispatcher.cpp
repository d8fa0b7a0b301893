/*
 * s2sim::WorkloadDispatcher: the workload's records to the vCPUs, VMM
 * records as barriers (traffic.h).  Mirrors core/run/dispatch.c and
 * core/run/vmm.c step for step, so the engine sees the same sequence of
 * events as in `s2sim run`.
 */
#include <string>

#include <s2sim/systemc/report.h>
#include <s2sim/systemc/traffic.h>

#include "model/c_core.h"

namespace s2sim {

static constexpr std::size_t dispatch_batch = 4096;      /* S2SIM_DISPATCH_BATCH */
static constexpr std::uint64_t max_buffered = 16ull << 20; /* S2SIM_MAX_BUFFERED_ACCESSES */
static constexpr std::size_t max_phases = 4096;          /* S2SIM_MAX_PHASES */

WorkloadDispatcher::WorkloadDispatcher(sc_core::sc_module_name name,
				       EngineBridge &bridge, s2sim_workload *wl,
				       Hypervisor &hyp)
	: sc_module(name), bridge_(bridge), wl_(wl), hyp_(hyp),
	  batch_(dispatch_batch)
{
}

void WorkloadDispatcher::add(TrafficInitiator &vcpu)
{
	vcpus_.push_back(&vcpu);
	queues_.emplace_back();
}

void WorkloadDispatcher::fail(const char *what)
{
	failed_ = true;
	SC_REPORT_ERROR(msg::workload, what);
}

bool WorkloadDispatcher::read_batch()
{
	std::size_t n = 0;
	int rc = s2sim_workload_read(wl_, batch_.data(), batch_.size(), &n);

	batch_n_ = n;
	batch_pos_ = 0;
	if (rc == S2SIM_DONE) {
		wl_done_ = true;
		return true;
	}
	if (rc == S2SIM_ROW)
		return true;
	fail((std::string("workload: ") + s2sim_workload_errmsg(wl_)).c_str());
	return false;
}

bool WorkloadDispatcher::queue_access(const s2sim_record &r)
{
	if (r.vcpu >= vcpus_.size()) {
		fail(("workload record " + std::to_string(records_) + ": vCPU " +
		      std::to_string(r.vcpu) + " out of range").c_str());
		return false;
	}
	if (buffered_ >= max_buffered) {
		fail(("workload record " + std::to_string(records_) +
		      ": too many accesses buffered ahead of a waiting vCPU; "
		      "interleave the vCPUs' records").c_str());
		return false;
	}
	queues_[r.vcpu].push_back(PendingAccess{
		r.addr, r.delta,
		static_cast<std::uint8_t>((r.flags & S2SIM_ACCESS_WRITE) != 0),
		r.size_log2 });
	buffered_++;
	return true;
}

bool WorkloadDispatcher::fill(std::uint32_t vcpu)
{
	std::deque<PendingAccess> &q = queues_[vcpu];

	while (q.empty() && !barrier_pending_) {
		if (batch_pos_ == batch_n_) {
			if (wl_done_)
				break;
			if (!read_batch())
				return false;
			continue;
		}
		const s2sim_record &r = batch_[batch_pos_];
		if (r.kind != S2SIM_REC_ACCESS) {
			barrier_pending_ = true;
			break;
		}
		if (!queue_access(r))
			return false;
		batch_pos_++;
		records_++;
	}
	return true;
}

std::uint64_t WorkloadDispatcher::accesses_so_far() const
{
	std::uint64_t n = 0;

	for (TrafficInitiator *v : vcpus_)
		n += v->counters().accesses;
	return n;
}

void WorkloadDispatcher::phase_close(std::uint64_t t)
{
	if (!in_phase_)
		return;
	Phase &p = phases_.back();
	p.end = t;
	p.accesses = accesses_so_far() - p.accesses;
	in_phase_ = false;
}

bool WorkloadDispatcher::phase_begin(std::uint32_t phase, std::uint64_t t)
{
	std::uint64_t acc = accesses_so_far();

	phase_close(t);
	if (phase == S2SIM_PHASE_END)
		return true;
	if (phases_.size() == max_phases) {
		fail(("workload record " + std::to_string(records_) +
		      ": more than 4096 phases").c_str());
		return false;
	}
	phases_.push_back(Phase{ phase, t, t, acc });
	in_phase_ = true;
	return true;
}

void WorkloadDispatcher::finish(std::uint64_t t)
{
	phase_close(t);
	end_time_ps_ = t;
	finished_ = true;
}

/* The VMM record is done at t: every vCPU runs again. */
void WorkloadDispatcher::release_all(std::uint64_t t)
{
	batch_pos_++;
	records_++;
	barrier_pending_ = false;
	nparked_ = 0;
	for (TrafficInitiator *v : vcpus_)
		v->release(t);
}

/* Every vCPU is parked: the pending VMM record (if any) runs now. */
void WorkloadDispatcher::barrier_fire(s2sim_engine *eng, void *ctx,
				      std::uint64_t arg)
{
	WorkloadDispatcher *d = static_cast<WorkloadDispatcher *>(ctx);
	std::uint64_t t = s2sim_engine_now(eng);

	(void)arg;
	if (!d->barrier_pending_) {
		d->finish(t);
		return;
	}
	const s2sim_record &rec = d->batch_[d->batch_pos_];
	d->vmm_events_++;
	if (rec.kind == S2SIM_REC_PHASE) {
		if (d->phase_begin(rec.delta, t))
			d->release_all(t);
		return;
	}
	/* a VMM call after the pass's accesses ends the pass (vmm.c) */
	if (d->in_phase_ && d->accesses_so_far() > d->phases_.back().accesses)
		d->phase_close(t);
	if (d->hyp_.vmm(rec, t, [d](std::uint64_t done) { d->release_all(done); }) !=
	    S2SIM_OK)
		d->failed_ = true;
}

void WorkloadDispatcher::park(TrafficInitiator &vcpu)
{
	std::uint64_t t = 0;
	int rc;

	(void)vcpu;
	if (++nparked_ < vcpus_.size())
		return;
	for (TrafficInitiator *v : vcpus_)
		if (v->parked_at() > t)
			t = v->parked_at();
	if (t < bridge_.engine_ps())
		t = bridge_.engine_ps();
	rc = s2sim_engine_schedule_at(bridge_.engine(), t, barrier_fire, this, 0,
				      nullptr);
	if (rc != S2SIM_OK)
		fail(s2sim_engine_errmsg(bridge_.engine()));
}

} // namespace s2sim
