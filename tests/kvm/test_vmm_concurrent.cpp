// workload.vmm_concurrent and workload.clear_chunk: the VMM thread clearing
// (and eagerly splitting) the dirty log in rate-limited chunks while the
// vCPUs run (core/run/vmm_thread.c, core/kvm/dirty_log.c).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <s2sim/s2sim.h>

#include "tests/common/shell.h"
#include "tests/common/sim_handles.h"

namespace {

const uint64_t kPauseNs = 50000; // the VMM's pause after each CLEAR call

using SimRun = s2sim_test::SimHandles;

// 4 vCPUs x 8 MiB of 2 MiB blocks (16 blocks), 3 dirty-logging passes.
std::vector<std::string> base(const std::string &policy, bool concurrent)
{
	std::vector<std::string> s = {
		"workload.vcpus=4", "workload.bytes_per_vcpu=8MiB", "workload.iterations=3",
		"hypervisor.policy=" + policy, "hypervisor.vmm_pe=4",
		"workload.clear_chunk=2MiB",
		"workload.clear_interval_ns=" + std::to_string(kPauseNs),
	};
	if (policy.find("eager-split") != std::string::npos)
		s.push_back("workload.eager_split_chunk=2MiB");
	if (concurrent)
		s.push_back("workload.vmm_concurrent=true");
	return s;
}

void start(SimRun &r, const std::vector<std::string> &sets)
{
	std::string src = std::string(S2SIM_SOURCE_DIR) + "/configs/t2a-48.yaml";
	ASSERT_EQ(s2sim_config_create(&r.cfg), S2SIM_OK);
	ASSERT_EQ(s2sim_config_load(r.cfg, src.c_str()), S2SIM_OK) << s2sim_config_errmsg(r.cfg);
	for (auto &s : sets)
		ASSERT_EQ(s2sim_config_set(r.cfg, s.c_str()), S2SIM_OK) << s2sim_config_errmsg(r.cfg);
	ASSERT_EQ(s2sim_config_validate(r.cfg), S2SIM_OK) << s2sim_config_errmsg(r.cfg);
	ASSERT_EQ(s2sim_sim_create(&r.sim, r.cfg), S2SIM_OK) << s2sim_sim_errmsg(r.sim);
	ASSERT_EQ(s2sim_sim_run(r.sim), S2SIM_OK) << s2sim_sim_errmsg(r.sim);
}

// The checker found nothing, in any class.
void expect_no_findings(const SimRun &r)
{
	for (const char *cls : { "bbm", "stale", "dirty", "tlb_conflict" })
		EXPECT_EQ(r.get(std::string("check.findings.") + cls), 0u) << cls;
}

std::string config_error(const std::vector<std::string> &sets)
{
	s2sim_config *cfg = nullptr;
	std::string msg;

	EXPECT_EQ(s2sim_config_create(&cfg), S2SIM_OK);
	for (auto &s : sets)
		EXPECT_EQ(s2sim_config_set(cfg, s.c_str()), S2SIM_OK) << s2sim_config_errmsg(cfg);
	if (s2sim_config_validate(cfg) != S2SIM_OK)
		msg = s2sim_config_errmsg(cfg);
	s2sim_config_destroy(cfg);
	return msg;
}

} // namespace

// The record's range is issued as one call per chunk, each paused: with
// the vCPUs parked, the pauses are all between the passes.
TEST(ClearChunk, OneCallPerChunkAtTheBarrier)
{
	SimRun r;
	start(r, base("rdlock-all+nsh-relax+eager-split", false));
	const uint64_t calls = 4 * 8 / 2; // 2 MiB calls over 32 MiB
	EXPECT_EQ(r.get("kvm.clear_calls"), 3 * calls);
	EXPECT_EQ(r.get("kvm.eager_splits"), 16u);
	EXPECT_EQ(r.get("kvm.dirty.pages_cleared"), 3u * 4 * 8 * 256);
	uint64_t end2 = r.get("phase.iteration_2.start_ps") + r.get("phase.iteration_2.time_ps");
	EXPECT_GE(r.get("phase.iteration_3.start_ps") - end2, calls * kPauseNs * 1000);
	EXPECT_FALSE(r.has("vmm.concurrent.records"));
}

// Off by default: no new statistic appears, so stats.json keeps its keys.
TEST(VmmConcurrent, DefaultRegistersNothingNew)
{
	SimRun r;
	start(r, { "workload.vcpus=2", "workload.bytes_per_vcpu=4MiB" });
	EXPECT_FALSE(r.has("kvm.clear_calls"));
	EXPECT_FALSE(r.has("vmm.concurrent.records"));
	EXPECT_FALSE(r.has("vmm.concurrent.overlap_accesses"));
}

// Same configuration and seed: the same stats.json, byte for byte.
TEST(VmmConcurrent, Deterministic)
{
	std::string out[2];
	for (int i = 0; i < 2; i++) {
		SimRun r;
		start(r, base("rdlock-all+nsh-relax+eager-split", true));
		out[i] = s2sim_test::scratch_dir("vmm-concurrent", std::to_string(i));
		ASSERT_EQ(s2sim_sim_write_outputs(r.sim, out[i].c_str()), S2SIM_OK)
			<< s2sim_sim_errmsg(r.sim);
	}
	using s2sim_test::slurp;
	std::string a = slurp(out[0] + "/stats.json"), b = slurp(out[1] + "/stats.json");
	EXPECT_FALSE(a.empty());
	EXPECT_EQ(a, b);
	EXPECT_EQ(slurp(out[0] + "/timeline.csv"), slurp(out[1] + "/timeline.csv"));
}

// The CLEAR calls run while the vCPUs run their next pass: the pass starts
// when the VMM starts (after pass 1), guest accesses complete while the VMM
// works, and pass 2 ends before the VMM's rate-limited round does.
TEST(VmmConcurrent, ClearOverlapsTheNextPass)
{
	SimRun r;
	start(r, base("rdlock-all+nsh-relax+eager-split", true));
	const uint64_t calls = 4 * 8 / 2;
	uint64_t s2 = r.get("phase.iteration_2.start_ps");
	uint64_t e1 = r.get("phase.iteration_1.start_ps") + r.get("phase.iteration_1.time_ps");
	EXPECT_EQ(s2, e1) << "pass 2 starts as the VMM's GET/CLEAR do";
	EXPECT_GT(r.get("vmm.concurrent.records"), 0u);
	EXPECT_GT(r.get("vmm.concurrent.overlap_accesses"), 1000u);
	EXPECT_GE(r.get("vmm.concurrent.busy_ps"), calls * kPauseNs * 1000);
	EXPECT_LT(r.get("phase.iteration_2.time_ps"), calls * kPauseNs * 1000)
		<< "pass 2 waited for the VMM's whole round";
	// every block still got split eagerly, by the VMM, none by a fault
	EXPECT_EQ(r.get("kvm.eager_splits"), 16u);
	EXPECT_EQ(r.get("kvm.splits"), 0u);
	// the vCPUs' relaxes of what the VMM re-protected made it dirty again
	EXPECT_GT(r.get("kvm.relaxes"), 0u);
	expect_no_findings(r);
	// trace.json's automatic window starts where the first CLEAR starts,
	// while the vCPUs run (GET first: its bitmap copy takes a while)
	ASSERT_EQ(s2sim_sim_write_outputs(r.sim, s2sim_test::scratch_dir("vmm", "overlap").c_str()), S2SIM_OK)
		<< s2sim_sim_errmsg(r.sim);
	uint64_t w0 = r.get("trace.window_start_ps");
	EXPECT_GT(w0, s2);
	EXPECT_LT(w0, s2 + r.get("phase.iteration_2.time_ps"));
	EXPECT_GT(r.get("trace.events"), 1000u);
	// the vCPUs' time still adds up to the run's
	const char *b[] = { "guest", "walk", "exit", "lock_wait", "handler",
			    "tlbi", "dsb_wait", "conflict", "barrier" };
	for (int v = 0; v < 4; v++) {
		uint64_t sum = 0;
		for (const char *x : b)
			sum += r.get("vcpu." + std::to_string(v) + ".time." + x + "_ps");
		EXPECT_EQ(sum, r.get("sim.time_ps")) << "vCPU " << v;
	}
}

// mmu_lock: at a barrier the VMM's write lock meets no vCPU; concurrent, the
// vCPUs' read locks (rdlock-all: the VMM is the only writer) wait for it,
// and it waits for them.
TEST(VmmConcurrent, VmmAndVcpusContendForTheMmuLock)
{
	SimRun parked, conc;
	start(parked, base("rdlock-all+nsh-relax+eager-split", false));
	start(conc, base("rdlock-all+nsh-relax+eager-split", true));
	EXPECT_EQ(parked.get("kvm.mmu_lock.read.contended"), 0u);
	EXPECT_EQ(parked.get("kvm.mmu_lock.write.contended"), 0u);
	EXPECT_GT(conc.get("kvm.mmu_lock.read.contended"), 0u)
		<< "no vCPU fault waited for the VMM's write lock";
	EXPECT_GT(conc.get("kvm.mmu_lock.write.contended"), 0u)
		<< "the VMM never waited for a vCPU holding the read lock";
	uint64_t wait = 0;
	for (int v = 0; v < 4; v++)
		wait += conc.get("vcpu." + std::to_string(v) + ".time.lock_wait_ps");
	EXPECT_GT(wait, 0u);
}

// Lazy splitting under a concurrent VMM: the vCPUs split what the VMM
// write-protected before they wrote it again (the passes outrun the
// rate-limited VMM, so not every block), with the checker quiet.
TEST(VmmConcurrent, LazySplitBaselineSpinlock)
{
	SimRun r;
	start(r, base("baseline", true));
	EXPECT_GT(r.get("kvm.splits"), 0u);
	EXPECT_LE(r.get("kvm.splits"), 16u);
	EXPECT_EQ(r.get("kvm.eager_splits"), 0u);
	EXPECT_GT(r.get("vmm.concurrent.overlap_accesses"), 0u);
	EXPECT_GT(r.get("kvm.mmu_lock.write.contended"), 0u);
	expect_no_findings(r);
}

// Without manual protect (-g) GET_DIRTY_LOG re-protects what it reports
// (kvm_get_dirty_log_protect): concurrent too, with the checker quiet.
TEST(VmmConcurrent, GetThatReprotectsRunsConcurrently)
{
	SimRun r;
	std::vector<std::string> s = base("rdlock-all+nsh-relax", true);
	s.push_back("workload.initially_set=false");
	start(r, s);
	EXPECT_EQ(r.get("kvm.clear_calls"), 0u) << "no CLEAR without manual protect";
	EXPECT_GT(r.get("vmm.concurrent.records"), 0u);
	EXPECT_GT(r.get("vmm.concurrent.overlap_accesses"), 0u);
	EXPECT_GT(r.get("kvm.dirty.pages_cleared"), 0u);
	expect_no_findings(r);
}

// A round (GET + CLEAR) that arrives while the VMM is still busy with the
// previous one is skipped whole; the run still ends after the VMM.
TEST(VmmConcurrent, BusyVmmSkipsARound)
{
	SimRun r;
	std::vector<std::string> s = base("rdlock-all+nsh-relax+eager-split", true);
	s.push_back("workload.clear_interval_ns=2000000"); // 2 ms a call: slow
	s.push_back("workload.iterations=6");
	start(r, s);
	EXPECT_GT(r.get("vmm.concurrent.skipped"), 0u);
	EXPECT_EQ(r.get("vmm.concurrent.records") + r.get("vmm.concurrent.skipped"), 12u);
	EXPECT_GE(r.get("sim.time_ps"), r.get("vmm.concurrent.busy_ps"));
}

TEST(VmmConcurrent, ConfigurationRules)
{
	std::string m = config_error({ "workload.vcpus=4", "workload.vmm_concurrent=true" });
	EXPECT_NE(m.find("hypervisor.vmm_pe"), std::string::npos) << m;
	EXPECT_NE(m.find("no vCPU runs on"), std::string::npos) << m;
	EXPECT_EQ(config_error({ "workload.vcpus=4", "workload.vmm_concurrent=true",
				 "hypervisor.vmm_pe=4" }), "");
	m = config_error({ "workload.clear_chunk=128KiB" });
	EXPECT_NE(m.find("workload.clear_chunk"), std::string::npos) << m;
	EXPECT_NE(m.find("256KiB"), std::string::npos) << m;
	EXPECT_EQ(config_error({ "workload.clear_chunk=1MiB" }), "");
}
