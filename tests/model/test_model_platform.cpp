// s2sim::Platform (the virtual platform of s2sim-vp): traffic initiators,
// Mmus, the fabric, the hypervisor and the memory running a workload.
#include <fstream>
#include <string>

#include <s2sim/stats.h>
#include <s2sim/systemc/platform.h>
#include <s2sim/systemc/report.h>

#include "sc_test.h"

using namespace sc_core;

namespace {

uint64_t get(s2sim::Platform &p, const std::string &name)
{
	uint64_t v = ~0ull;

	EXPECT_EQ(s2sim_stats_get(p.stats(), name.c_str(), &v), S2SIM_OK) << name;
	return v;
}

TEST(ModelPlatform, RunsTheDirtyLoggingWorkload)
{
	SC_TEST_ONE_PER_PROCESS();
	// 4 vCPUs x 8 MiB of 2 MiB blocks: populate + 3 dirty passes
	s2sim_config *cfg = sctest::config({ "workload.vcpus=4", "workload.bytes_per_vcpu=8MiB" },
					   "configs/t2a-48.yaml");
	{
		s2sim::Platform p("vp", cfg);
		ASSERT_TRUE(p.ok()) << p.errmsg();
		sc_start();
		ASSERT_EQ(p.finish(), S2SIM_OK) << p.errmsg();

		const uint64_t pages = 4 * (8 << 20) / 4096;
		EXPECT_EQ(get(p, "guest.accesses"), pages * 4);
		EXPECT_EQ(p.accesses(), pages * 4);
		EXPECT_EQ(get(p, "kvm.splits"), 16u) << "each 2 MiB block split once";
		EXPECT_GT(get(p, "kvm.tlbi.broadcast"), 16u);
		EXPECT_EQ(get(p, "kvm.dsb_ish"), get(p, "fabric.dsb_ish"));
		EXPECT_EQ(get(p, "sim.time_ps"), p.end_time_ps());
		EXPECT_EQ(sc_time_stamp().value() >= p.end_time_ps(), true);
		EXPECT_GT(p.grants(), 4u);
		const char *b[] = { "guest", "walk", "exit", "lock_wait", "handler",
				    "tlbi", "dsb_wait", "conflict", "barrier" };
		for (int v = 0; v < 4; v++) {
			uint64_t sum = 0;
			for (const char *x : b)
				sum += get(p, "vcpu." + std::to_string(v) + ".time." + x + "_ps");
			EXPECT_EQ(sum, p.end_time_ps()) << "vCPU " << v << "'s time adds up";
		}

		const char *t = getenv("S2SIM_TEST_TMP");
		std::string dir = std::string(t ? t : "/tmp") + "/platform-out";
		ASSERT_EQ(p.write_outputs(dir), S2SIM_OK) << p.errmsg();
		for (const char *f : { "/stats.json", "/timeline.csv", "/config.yaml" })
			EXPECT_TRUE(std::ifstream(dir + f).good()) << f;
	}
	s2sim_config_destroy(cfg);
}

TEST(ModelPlatform, AWorkloadThatCannotBeOpenedIsAnError)
{
	SC_TEST_ONE_PER_PROCESS();
	s2sim_config *cfg = sctest::config({ "workload.source=trace",
					     "workload.trace=/nonexistent/x.s2t" },
					   "configs/t2a-48.yaml");
	{
		s2sim::Platform p("vp", cfg);
		EXPECT_FALSE(p.ok());
		EXPECT_NE(p.rc(), S2SIM_OK);
		EXPECT_NE(p.errmsg().find("x.s2t"), std::string::npos) << p.errmsg();
	}
	s2sim_config_destroy(cfg);
}

// The concurrent VMM thread is s2sim run's only: the VP says so.
TEST(ModelPlatform, AConcurrentVmmIsRejected)
{
	SC_TEST_ONE_PER_PROCESS();
	s2sim_config *cfg = sctest::config({ "workload.vcpus=2", "workload.bytes_per_vcpu=4MiB",
					     "hypervisor.vmm_pe=2",
					     "workload.vmm_concurrent=true" },
					   "configs/t2a-48.yaml");
	{
		s2sim::Platform p("vp", cfg);
		EXPECT_FALSE(p.ok());
		EXPECT_EQ(p.rc(), S2SIM_EINPUT);
		EXPECT_NE(p.errmsg().find("workload.vmm_concurrent"), std::string::npos)
			<< p.errmsg();
	}
	s2sim_config_destroy(cfg);
}

TEST(ModelPlatform, MessageTypesAreS2simOnes)
{
	for (const char *t : s2sim::all_msg_types)
		EXPECT_EQ(std::string(t).rfind("s2sim/", 0), 0u) << t;
	// stop_on_errors(): an s2sim error stops the simulation, no throw
	SC_TEST_ONE_PER_PROCESS();
	s2sim::stop_on_errors();
	sctest::ExpectReports expect;
	sc_core::sc_report_handler::set_handler(sc_core::sc_report_handler::default_handler);
	SC_REPORT_ERROR(s2sim::msg::fabric, "a test error");
	EXPECT_EQ(sc_core::sc_report_handler::get_count(s2sim::msg::fabric), 1);
}

} // namespace
