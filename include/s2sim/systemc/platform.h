/*
 * s2sim SystemC model: the example virtual platform of s2sim-vp.
 *
 * From a validated s2sim configuration (the same YAML as `s2sim run`) it
 * builds the C core's objects -- the VM's stage-2 tables in simulated
 * physical memory, the memory system, one MMU per vCPU, the DVM fabric, the
 * KVM model, the workload -- and the modules around them:
 *
 *   TrafficInitiator[i] --mem--> Mmu[i].ipa_in
 *   TrafficInitiator[i] --abort_out--> Hypervisor.abort_in
 *   Mmu[i].pa_out --> Memory.data_in      Mmu[i].walk_out --> Memory.walk_in
 *   Mmu[i].dvm_out --> DvmFabric.req      DvmFabric.snoop --> Mmu[i].dvm_in
 *   Hypervisor.maint_out --> Mmu[i].maint_in
 *
 * (plus an Mmu for the VMM thread's PE when no vCPU runs there), all on one
 * EngineBridge.  It registers the same statistics as `s2sim run`; after
 * sc_start() returns, finish() completes them and write_outputs() writes
 * stats.json, timeline.csv and config.yaml.
 */
#ifndef S2SIM_SYSTEMC_PLATFORM_H
#define S2SIM_SYSTEMC_PLATFORM_H

#include <cstdint>
#include <memory>
#include <string>

#include <systemc>

#include <s2sim/config.h>
#include <s2sim/stats.h>

namespace s2sim {

class Platform : public sc_core::sc_module {
public:
	/* `cfg` must be validated and outlive the platform.  Construction
	 * errors leave ok() false with a message (nothing is reported). */
	Platform(sc_core::sc_module_name name, const s2sim_config *cfg);
	~Platform() override;

	bool ok() const { return rc_ == S2SIM_OK; }
	int rc() const { return rc_; }
	const std::string &errmsg() const { return msg_; }

	/* After sc_start(): S2SIM_ESIM unless the workload finished. */
	int finish();
	int write_outputs(const std::string &dir);

	s2sim_stats *stats() const;
	std::uint64_t end_time_ps() const;
	std::uint32_t vcpus() const;
	std::uint64_t accesses() const;
	/* Bridge grants and waits, for the benchmark's curiosity. */
	std::uint64_t grants() const;

	struct Impl;

private:
	int fail(int rc, const std::string &msg);
	std::unique_ptr<Impl> impl_;
	int rc_ = S2SIM_OK;
	std::string msg_;
};

} // namespace s2sim

#endif
