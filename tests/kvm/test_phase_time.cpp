// Pass durations are reported as dirty_log_perf_test prints them: a pass
// ends when every vCPU has finished it, before the VMM's GET/CLEAR ioctls
// (run_test() times those separately).  A regression test for phases that
// ran on to the next pass and so counted the CLEAR (eager splits, the
// VMM's pause) as guest time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <s2sim/s2sim.h>

#include "tests/common/sim_handles.h"

TEST(PhaseTime, PassEndsBeforeTheVmmIoctls)
{
	s2sim_test::SimHandles r;
	ASSERT_EQ(s2sim_config_create(&r.cfg), S2SIM_OK);
	std::string src = std::string(S2SIM_SOURCE_DIR) + "/configs/t2a-48.yaml";
	ASSERT_EQ(s2sim_config_load(r.cfg, src.c_str()), S2SIM_OK) << s2sim_config_errmsg(r.cfg);
	const uint64_t pause_ns = 200000; // the VMM's pause after each CLEAR
	std::vector<std::string> sets = {
		"workload.vcpus=4", "workload.bytes_per_vcpu=8MiB", "workload.iterations=3",
		"hypervisor.policy=rdlock-all+nsh-relax+eager-split",
		"workload.eager_split_chunk=2MiB",
		"workload.clear_interval_ns=" + std::to_string(pause_ns),
	};
	for (auto &s : sets)
		ASSERT_EQ(s2sim_config_set(r.cfg, s.c_str()), S2SIM_OK) << s2sim_config_errmsg(r.cfg);
	ASSERT_EQ(s2sim_config_validate(r.cfg), S2SIM_OK) << s2sim_config_errmsg(r.cfg);
	ASSERT_EQ(s2sim_sim_create(&r.sim, r.cfg), S2SIM_OK) << s2sim_sim_errmsg(r.sim);
	ASSERT_EQ(s2sim_sim_run(r.sim), S2SIM_OK) << s2sim_sim_errmsg(r.sim);

	// populate ends before DIRTY_LOG_ENABLE, each pass before its GET/CLEAR
	std::vector<std::string> phases = { "phase.populate", "phase.iteration_1",
					    "phase.iteration_2", "phase.iteration_3" };
	for (size_t i = 0; i + 1 < phases.size(); i++) {
		uint64_t start = r.get(phases[i] + ".start_ps");
		uint64_t len = r.get(phases[i] + ".time_ps");
		uint64_t next = r.get(phases[i + 1] + ".start_ps");
		EXPECT_GT(len, 0u) << phases[i];
		// (enabling dirty logging with initially-set takes no time)
		EXPECT_LE(start + len, next) << phases[i] << " ran into the VMM's work";
		if (i > 0) { // the CLEAR's pause is between two passes, in neither
			EXPECT_GE(next - (start + len), pause_ns * 1000) << phases[i];
		}
	}
	// the last pass ends before the simulation does (GET, CLEAR, disable)
	uint64_t s3 = r.get("phase.iteration_3.start_ps");
	uint64_t l3 = r.get("phase.iteration_3.time_ps");
	EXPECT_LE(s3 + l3 + pause_ns * 1000, r.get("sim.time_ps"));
}
