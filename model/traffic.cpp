/*
 * s2sim::TrafficInitiator: one vCPU replaying its accesses over TLM
 * (traffic.h).  The loop is core/run/vcpu.c's s2sim_vcpu_step() with the
 * quantum kept by a tlm_quantumkeeper and each access a b_transport.
 */
#include <cmath>
#include <string>

#include <s2sim/systemc/report.h>
#include <s2sim/systemc/traffic.h>

#include "model/c_core.h"

namespace s2sim {

using sc_core::sc_time;

static_assert(time_buckets == S2SIM_T_NBUCKETS, "time buckets of kvm.h");

void EngineQuantumKeeper::sync()
{
	turn_.grant_at(time_to_ps(get_current_time()));
	turn_.yield();
	reset();
}

TrafficInitiator::TrafficInitiator(sc_core::sc_module_name name,
				   EngineBridge &bridge, WorkloadDispatcher &disp,
				   std::uint32_t id, const Params &p)
	: sc_module(name), mem("mem"), abort_out("abort_out"), bridge_(bridge),
	  disp_(disp), id_(id), p_(p), turn_(bridge), qk_(turn_)
{
	SC_HAS_PROCESS(TrafficInitiator);
	SC_THREAD(run);
	set_stack_size(1 << 20); /* the C core's hypervisor runs on it */
	ax_.vcpu = id;
	ax_.time_buckets = c_.time;
	gp_.set_extension(&ax_);
	gp_.set_data_ptr(buf_);
	gp_.set_byte_enable_ptr(nullptr);
	disp.add(*this);
	turn_.grant_at(0);
}

TrafficInitiator::~TrafficInitiator()
{
	gp_.clear_extension(&ax_);
}

/* platform.cpi cycles per guest instruction (vcpu.c access_cost()). */
std::uint64_t TrafficInitiator::instruction_ps(std::uint32_t delta) const
{
	double cycles = p_.cpi * static_cast<double>(delta);

	return static_cast<std::uint64_t>(cycles + 0.5) * p_.cycle_ps;
}

/* Guest throughput timeline: the access counts in the interval of its
 * completion time. */
void TrafficInitiator::timeline_count(std::uint64_t t)
{
	if (!p_.timeline || !p_.interval_ps)
		return;
	std::uint64_t idx = t / p_.interval_ps;

	if (idx != tl_index_) {
		if (tl_count_)
			s2sim_timeline_add(p_.timeline, tl_index_ * p_.interval_ps,
					   id_, tl_count_);
		tl_index_ = idx;
		tl_count_ = 0;
	}
	tl_count_++;
}

void TrafficInitiator::flush_timeline()
{
	if (tl_count_ && p_.timeline)
		s2sim_timeline_add(p_.timeline, tl_index_ * p_.interval_ps, id_,
				   tl_count_);
	tl_count_ = 0;
}

void TrafficInitiator::release(std::uint64_t t)
{
	if (t > parked_at_)
		c_.time[S2SIM_T_BARRIER] += t - parked_at_;
	turn_.grant_at(t);
}

TrafficInitiator::Outcome TrafficInitiator::access(const PendingAccess &a)
{
	unsigned len = 1u << (a.size_log2 < 6 ? a.size_log2 : 6);
	sc_time d = qk_.get_local_time();
	std::uint64_t t0 = now_ps(), before = time_to_ps(d), spent;

	gp_.set_command(a.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
	gp_.set_address(a.ipa);
	gp_.set_data_length(len);
	gp_.set_streaming_width(len);
	gp_.set_dmi_allowed(false);
	gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	mem->b_transport(gp_, d);
	spent = now_ps() - t0 + time_to_ps(d) - before;
	qk_.set(d);
	c_.time[S2SIM_T_WALK] += ax_.translation_ps;
	if (gp_.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE &&
	    gp_.get_extension<FaultExtension>() && abort_out.size()) {
		sc_time d2 = qk_.get_local_time();

		abort_out->b_transport(gp_, d2);
		return gp_.is_response_ok() ? Outcome::Aborted : Outcome::Error;
	}
	if (!gp_.is_response_ok()) {
		SC_REPORT_ERROR(msg::workload,
				("vCPU " + std::to_string(id_) + ": access failed: " +
				 gp_.get_response_string()).c_str());
		return Outcome::Error;
	}
	std::uint64_t instr = instruction_ps(a.delta);

	c_.time[S2SIM_T_GUEST] += spent - ax_.translation_ps + instr;
	qk_.inc(instr_time_(instr));
	c_.accesses++;
	c_.instructions += a.delta;
	if (a.write)
		c_.writes++;
	else
		c_.reads++;
	timeline_count(time_to_ps(qk_.get_current_time()));
	return Outcome::Done;
}

void TrafficInitiator::run()
{
	std::deque<PendingAccess> &q = disp_.queue(id_);

	turn_.wait_grant();
	for (;;) {
		bool resumed = false;

		qk_.reset();
		while (!resumed && !qk_.need_sync()) {
			if (q.empty()) {
				if (!disp_.fill(id_))
					return;
				if (q.empty()) {
					parked_at_ = time_to_ps(qk_.get_current_time());
					disp_.park(*this);
					turn_.yield(); /* release() grants it */
					resumed = true;
					continue;
				}
			}
			switch (access(q.front())) {
			case Outcome::Done:
				q.pop_front();
				disp_.popped();
				break;
			case Outcome::Aborted:
				resumed = true; /* retry it in a fresh quantum */
				break;
			case Outcome::Error:
				return;
			}
		}
		if (!resumed)
			qk_.sync();
	}
}

} // namespace s2sim
