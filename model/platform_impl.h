/*
 * Internals of s2sim::Platform (platform.h), shared by platform.cpp and
 * platform_stats.cpp.
 */
#ifndef S2SIM_MODEL_PLATFORM_IMPL_H
#define S2SIM_MODEL_PLATFORM_IMPL_H

#include <memory>
#include <vector>

#include <s2sim/systemc/dvm_fabric.h>
#include <s2sim/systemc/engine_bridge.h>
#include <s2sim/systemc/hypervisor.h>
#include <s2sim/systemc/memory.h>
#include <s2sim/systemc/mmu.h>
#include <s2sim/systemc/platform.h>
#include <s2sim/systemc/traffic.h>

#include "model/c_core.h"

namespace s2sim {

struct Platform::Impl {
	const s2sim_config *config = nullptr;
	const struct s2sim_cfg *cfg = nullptr;
	struct s2sim_errbuf err = {};

	/* the C core */
	s2sim_engine *eng = nullptr;
	s2sim_stats *stats = nullptr;
	s2sim_workload *wl = nullptr;
	s2sim_timeline *tl = nullptr;
	struct s2sim_machine machine = {};
	bool machine_ready = false;
	s2sim_fabric *fabric = nullptr;
	struct s2sim_kvm *kvm = nullptr;
	std::uint32_t nvcpus = 0;
	std::uint64_t quantum_ps = 0, interval_ps = 0, access_ps = 0;

	/* the modules */
	std::unique_ptr<EngineBridge> bridge;
	std::vector<std::unique_ptr<Mmu>> mmus;
	std::unique_ptr<Mmu> vmm_mmu;
	std::unique_ptr<DvmFabric> dvm;
	std::unique_ptr<Memory> memory;
	std::unique_ptr<Hypervisor> hyp;
	std::unique_ptr<WorkloadDispatcher> disp;
	std::vector<std::unique_ptr<TrafficInitiator>> vcpus;

	/* totals (stats) */
	std::uint64_t end_time_ps = 0;
	std::uint64_t total_accesses = 0, total_reads = 0, total_writes = 0;

	~Impl();
	int register_stats();
	int register_vcpu_stats();
	int finalize();
};

} // namespace s2sim

#endif
