/*
 * s2sim SystemC model: trace-driven traffic.
 *
 * WorkloadDispatcher reads the workload's record stream (a trace file or
 * the built-in dirty-log generator, s2sim_workload_*), hands each vCPU its
 * accesses and turns VMM records into barriers, exactly as the native run
 * does (core/run/dispatch.c, vmm.c): every access before a VMM record
 * completes before it, every access after it starts after it; the VMM
 * record runs on the Hypervisor when the last vCPU arrives.
 *
 * TrafficInitiator (one per vCPU) replays its accesses over TLM: a
 * generic payload addressed by IPA (with an AccessExtension) to its Mmu's
 * ipa_in; on TLM_ADDRESS_ERROR_RESPONSE the same payload goes to the
 * Hypervisor's abort_in and the access is retried when it returns.  Time is
 * loosely timed with temporal decoupling: a tlm_quantumkeeper keeps the
 * local time; the quantum (sim.quantum_ns) is a sliding window from each
 * synchronisation, as in the native engine, and a synchronisation is an
 * EngineBridge grant (see engine_bridge.h).  Each access costs its
 * translation, what the memory adds, and platform.cpi cycles per guest
 * instruction since the previous access.
 */
#ifndef S2SIM_SYSTEMC_TRAFFIC_H
#define S2SIM_SYSTEMC_TRAFFIC_H

#include <cstdint>
#include <deque>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <s2sim/stats.h>
#include <s2sim/trace.h>
#include <s2sim/workload.h>
#include <s2sim/systemc/engine_bridge.h>
#include <s2sim/systemc/extensions.h>
#include <s2sim/systemc/hypervisor.h>
#include <s2sim/systemc/report.h>

namespace s2sim {

class TrafficInitiator;

/* tlm_quantumkeeper whose sync() is an EngineBridge grant and whose
 * quantum slides with each sync (the native engine's horizon). */
class EngineQuantumKeeper : public tlm_utils::tlm_quantumkeeper {
public:
	explicit EngineQuantumKeeper(Turn &turn) : turn_(turn) {}
	void sync() override;

protected:
	sc_core::sc_time compute_local_quantum() override
	{
		return get_global_quantum();
	}

private:
	Turn &turn_;
};

struct PendingAccess {
	std::uint64_t ipa;
	std::uint32_t delta;   /* guest instructions before it */
	std::uint8_t write;
	std::uint8_t size_log2;
};

/* Time buckets of core/kvm/kvm.h (S2SIM_T_*). */
constexpr unsigned time_buckets = 9;

struct VcpuCounters {
	std::uint64_t accesses = 0, reads = 0, writes = 0, instructions = 0;
	std::uint64_t time[time_buckets] = {};
};

class WorkloadDispatcher : public sc_core::sc_module {
public:
	/* Neither `wl` nor `hyp` is owned. */
	WorkloadDispatcher(sc_core::sc_module_name name, EngineBridge &bridge,
			   s2sim_workload *wl, Hypervisor &hyp);

	/* vCPU i is the i-th added. */
	void add(TrafficInitiator &vcpu);
	std::uint32_t vcpus() const { return static_cast<std::uint32_t>(vcpus_.size()); }

	/* For the initiators (while holding their turn). */
	bool fill(std::uint32_t vcpu);   /* false: an error was reported */
	void park(TrafficInitiator &vcpu);
	std::deque<PendingAccess> &queue(std::uint32_t vcpu) { return queues_[vcpu]; }
	void popped() { buffered_--; }

	struct Phase {
		std::uint32_t phase;
		std::uint64_t start, end; /* after finalize(): end = duration */
		std::uint64_t accesses;
	};
	bool finished() const { return finished_; }
	bool failed() const { return failed_; }
	std::uint64_t end_time_ps() const { return end_time_ps_; }
	const std::uint64_t *records() const { return &records_; }
	const std::uint64_t *vmm_events() const { return &vmm_events_; }
	std::vector<Phase> &phases() { return phases_; }

private:
	bool read_batch();
	bool queue_access(const s2sim_record &r);
	void phase_close(std::uint64_t t);
	bool phase_begin(std::uint32_t phase, std::uint64_t t);
	std::uint64_t accesses_so_far() const;
	void finish(std::uint64_t t);
	void release_all(std::uint64_t t);
	void fail(const char *what);
	static void barrier_fire(s2sim_engine *eng, void *ctx, std::uint64_t arg);

	EngineBridge &bridge_;
	s2sim_workload *wl_;
	Hypervisor &hyp_;
	std::vector<TrafficInitiator *> vcpus_;
	std::vector<std::deque<PendingAccess>> queues_;
	std::vector<s2sim_record> batch_;
	std::size_t batch_n_ = 0, batch_pos_ = 0;
	bool wl_done_ = false, barrier_pending_ = false;
	std::uint64_t buffered_ = 0, records_ = 0, vmm_events_ = 0;
	std::uint32_t nparked_ = 0;
	std::vector<Phase> phases_;
	bool in_phase_ = false, finished_ = false, failed_ = false;
	std::uint64_t end_time_ps_ = 0;
};

class TrafficInitiator : public sc_core::sc_module {
public:
	tlm_utils::simple_initiator_socket<TrafficInitiator> mem;
	tlm_utils::simple_initiator_socket_optional<TrafficInitiator> abort_out;

	struct Params {
		double cpi = 1.0;          /* platform.cpi */
		std::uint64_t cycle_ps = 1; /* PE clock period */
		std::uint64_t interval_ps = 0; /* timeline interval (0: none) */
		s2sim_timeline *timeline = nullptr;
	};

	/* vCPU `id`; registers with `disp` and asks for its first grant at
	 * time 0 (construct the vCPUs in order). */
	TrafficInitiator(sc_core::sc_module_name name, EngineBridge &bridge,
			 WorkloadDispatcher &disp, std::uint32_t id,
			 const Params &p);
	~TrafficInitiator() override;

	std::uint32_t id() const { return id_; }
	VcpuCounters &counters() { return c_; }
	/* Local time when it parked (for the dispatcher). */
	std::uint64_t parked_at() const { return parked_at_; }
	/* Released from a barrier at t. */
	void release(std::uint64_t t);
	/* Count the last timeline interval (end of run). */
	void flush_timeline();

private:
	enum class Outcome { Done, Aborted, Error };

	void run();
	Outcome access(const PendingAccess &a);
	std::uint64_t instruction_ps(std::uint32_t delta) const;
	void timeline_count(std::uint64_t t);

	EngineBridge &bridge_;
	WorkloadDispatcher &disp_;
	std::uint32_t id_;
	Params p_;
	Turn turn_;
	EngineQuantumKeeper qk_;
	tlm::tlm_generic_payload gp_;
	AccessExtension ax_;
	unsigned char buf_[64] = {};
	VcpuCounters c_;
	std::uint64_t parked_at_ = 0;
	std::uint64_t tl_index_ = 0, tl_count_ = 0;
	PsTime instr_time_;
};

} // namespace s2sim

#endif
