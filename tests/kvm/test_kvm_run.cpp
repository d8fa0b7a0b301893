// Whole runs of the hypervisor model through the public API: the dirty
// bitmap, each policy's signature, the checker, the time split and
// determinism.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <s2sim/s2sim.h>

#include "tests/common/sim_handles.h"

namespace {

struct SimRun : s2sim_test::SimHandles {
	int rc = -1;
	uint64_t progress_calls = 0;

	static void count_progress(void *ctx, const s2sim_progress *p)
	{
		EXPECT_LE(p->accesses, p->total_accesses);
		++*static_cast<uint64_t *>(ctx);
	}

	explicit SimRun(std::vector<std::string> sets, bool progress = false)
	{
		EXPECT_EQ(s2sim_config_create(&cfg), S2SIM_OK);
		std::string src = std::string(S2SIM_SOURCE_DIR) + "/configs/t2a-48.yaml";
		EXPECT_EQ(s2sim_config_load(cfg, src.c_str()), S2SIM_OK) << s2sim_config_errmsg(cfg);
		// 4 vCPUs x 8 MiB of 2 MiB blocks, populate + 3 dirty passes
		std::vector<std::string> base = { "workload.vcpus=4", "workload.bytes_per_vcpu=8MiB" };
		base.insert(base.end(), sets.begin(), sets.end());
		for (auto &s : base)
			EXPECT_EQ(s2sim_config_set(cfg, s.c_str()), S2SIM_OK)
				<< s << ": " << s2sim_config_errmsg(cfg);
		EXPECT_EQ(s2sim_config_validate(cfg), S2SIM_OK) << s2sim_config_errmsg(cfg);
		EXPECT_EQ(s2sim_sim_create(&sim, cfg), S2SIM_OK) << s2sim_sim_errmsg(sim);
		if (progress)
			s2sim_sim_set_progress(sim, count_progress, &progress_calls, 0.0);
		rc = s2sim_sim_run(sim);
		EXPECT_EQ(rc, S2SIM_OK) << s2sim_sim_errmsg(sim);
	}
	std::string stats_json(const std::string &dir) const
	{
		std::string cmd = "rm -rf '" + dir + "'";
		EXPECT_EQ(system(cmd.c_str()), 0);
		EXPECT_EQ(s2sim_sim_write_outputs(sim, dir.c_str()), S2SIM_OK);
		std::ifstream f(dir + "/stats.json");
		std::stringstream ss;
		ss << f.rdbuf();
		return ss.str();
	}
};

const uint64_t kPages = 4 * (8 << 20) / 4096; // 8192
const uint64_t kBlocks = 4 * 8 / 2;           // 16

std::string tmp(const char *name)
{
	const char *t = getenv("S2SIM_TEST_TMP");
	return std::string(t ? t : "/tmp") + "/kvmrun-" + name;
}

} // namespace

// dirty_log_perf_test with 100 % writes: every GET reports every page.
// Populate maps blocks; pass 1 writes them without faults; CLEAR
// write-protects them; pass 2 splits each block once and maps the other
// 511 pages lazily; pass 3 relaxes every page.
TEST(KvmRun, BaselineFollowsTheLazySplitStory)
{
	SimRun r({ "hypervisor.policy=baseline" });
	EXPECT_EQ(r.get("kvm.dirty.pages_reported"), 3 * kPages);
	EXPECT_EQ(r.get("kvm.splits"), kBlocks);
	EXPECT_EQ(r.get("kvm.maps"), kBlocks /* populate */ + (kPages - kBlocks));
	EXPECT_EQ(r.get("kvm.relaxes"), kPages);
	EXPECT_EQ(r.get("kvm.faults.permission"), kBlocks + kPages);
	EXPECT_EQ(r.get("kvm.faults.translation"), kBlocks + kPages - kBlocks);
	// each split and each relax: IPAS2E1IS + VMALLE1IS; 3 CLEARs flush the VMID
	EXPECT_EQ(r.get("kvm.tlbi.broadcast"), 2 * (kBlocks + kPages) + 3);
	EXPECT_EQ(r.get("kvm.mmu_lock.read.acquisitions"), 0u);
	EXPECT_EQ(r.get("check.findings.bbm") + r.get("check.findings.dirty") +
			  r.get("check.findings.stale") + r.get("check.findings.tlb_conflict"),
		  0u);
}

TEST(KvmRun, EachPolicyLeavesItsSignature)
{
	SimRun rd({ "hypervisor.policy=rdlock-all" });
	EXPECT_EQ(rd.get("kvm.mmu_lock.write.acquisitions"), 3u) << "only the CLEARs";
	EXPECT_GT(rd.get("kvm.mmu_lock.read.acquisitions"), kPages);

	SimRun wp({ "hypervisor.policy=rdlock-wp" });
	EXPECT_EQ(wp.get("kvm.mmu_lock.read.acquisitions"), kPages) << "page relaxes only";

	SimRun nsh({ "hypervisor.policy=rdlock-all+nsh-relax" });
	EXPECT_EQ(nsh.get("kvm.tlbi.local"), 2 * kPages);
	EXPECT_EQ(nsh.get("kvm.tlbi.broadcast"), 2 * kBlocks + 3);

	SimRun eager({ "hypervisor.policy=rdlock-all+nsh-relax+eager-split",
		    "workload.eager_split_chunk=2MiB" });
	EXPECT_EQ(eager.get("kvm.splits"), 0u);
	EXPECT_EQ(eager.get("kvm.eager_splits"), kBlocks);
	// after an eager split every page exists, write-protected: no
	// translation faults after populate, only relaxes
	EXPECT_EQ(eager.get("kvm.faults.translation"), kBlocks);
	EXPECT_LT(eager.get("sim.time_ps"), rd.get("sim.time_ps"));
}

TEST(KvmRun, TimeSplitAddsUpForEveryVcpu)
{
	SimRun r({ "hypervisor.policy=baseline" });
	const char *b[] = { "guest", "walk", "exit", "lock_wait", "handler",
			    "tlbi", "dsb_wait", "conflict", "barrier" };
	for (int v = 0; v < 4; v++) {
		uint64_t sum = 0;
		for (const char *x : b)
			sum += r.get("vcpu." + std::to_string(v) + ".time." + x + "_ps");
		EXPECT_EQ(sum, r.get("sim.time_ps")) << "vCPU " << v;
	}
	EXPECT_GT(r.get("vcpu.0.time.lock_wait_ps"), 0u);
	EXPECT_GT(r.get("vcpu.0.time.dsb_wait_ps"), 0u);
}

TEST(KvmRun, CheckerCatchesTheUnsafePolicy)
{
	// random order touches pages several times per pass: a page read (and
	// cached read-only) and later written in the same pass
	SimRun r({ "hypervisor.policy=baseline+unsafe-no-bbm", "workload.write_percent=50",
		   "workload.order=random" });
	EXPECT_EQ(r.get("check.findings.bbm"), kBlocks) << "every split skips the break";
	EXPECT_GT(r.get("check.findings.dirty"), 0u);
	EXPECT_GT(r.get("check.findings.stale"), 0u)
		<< "read-only entries are never invalidated after a relax";
	EXPECT_GT(r.get("check.stale_entries"), 0u)
		<< "the old block outlives its local-only flush on the other PEs";
	EXPECT_NE(s2sim_sim_finding(r.sim, 0), nullptr);

	SimRun ok({ "hypervisor.policy=baseline", "workload.write_percent=50",
		    "workload.order=random" });
	EXPECT_EQ(ok.get("check.findings.bbm") + ok.get("check.findings.dirty") +
			  ok.get("check.findings.stale"),
		  0u);
}

// Correct maintenance leaves nothing for the stale check to flag, whatever
// the policy: every change the checker followed was covered.
TEST(KvmRun, CorrectPoliciesLeaveNoStaleEntries)
{
	const std::vector<std::vector<std::string>> policies = {
		{ "hypervisor.policy=baseline" },
		{ "hypervisor.policy=rdlock-all+nsh-relax" },
		{ "hypervisor.policy=rdlock-all+nsh-relax+eager-split",
		  "workload.eager_split_chunk=2MiB" },
		{ "hypervisor.policy=rdlock-all+tlbi-range", "platform.feat_tlbirange=true" },
		{ "hypervisor.policy=rdlock-all+bbml2", "platform.feat_bbm=2" },
	};
	for (auto sets : policies) {
		sets.push_back("workload.write_percent=50");
		sets.push_back("workload.order=random");
		SimRun r(sets);
		EXPECT_EQ(r.get("check.stale_entries"), 0u) << sets[0];
		EXPECT_EQ(r.get("check.findings.stale"), 0u) << sets[0];
		EXPECT_EQ(r.get("check.unchecked_changes"), 0u) << sets[0];
	}
}

// A stale entry is caught on a PE other than the one that changed the
// tables: unsafe-no-bbm's local flush spares the other PEs' block entries.
TEST(KvmRun, UnsafePolicyListsItsStaleUses)
{
	SimRun r({ "hypervisor.policy=baseline+unsafe-no-bbm", "workload.write_percent=50",
		   "workload.order=random" });
	int stale = 0;
	uint32_t i = 0;
	for (; const char *f = s2sim_sim_finding(r.sim, i); i++) {
		bool named = std::string(f).find("stale translation used") != std::string::npos;
		EXPECT_EQ(named, s2sim_sim_finding_class(r.sim, i) == 2) << f;
		stale += named;
	}
	EXPECT_GT(stale, 0) << "the kept findings name the stale uses";
	EXPECT_EQ(s2sim_sim_finding_class(r.sim, i), -1) << "past the end";
}

TEST(KvmRun, SameConfigSameStats)
{
	SimRun a({ "hypervisor.policy=rdlock-all", "workload.write_percent=70" });
	SimRun b({ "hypervisor.policy=rdlock-all", "workload.write_percent=70" });
	EXPECT_EQ(a.stats_json(tmp("a")), b.stats_json(tmp("b")));
}

// The progress callback slices the engine's run; nothing else may change.
TEST(KvmRun, ProgressReportingChangesNothing)
{
	SimRun a({ "hypervisor.policy=rdlock-all" });
	SimRun b({ "hypervisor.policy=rdlock-all" }, true);
	EXPECT_GT(b.progress_calls, 0u);
	EXPECT_EQ(a.stats_json(tmp("p1")), b.stats_json(tmp("p2")));
}

// The dirty bitmap KVM reports is exactly the set of pages the guest wrote
// while logging: replay the same workload's records by hand (the rules of
// KVM_GET_DIRTY_LOG / KVM_CLEAR_DIRTY_LOG) and compare the pages reported.
TEST(KvmRun, DirtyBitmapIsThePagesWrittenEachIteration)
{
	const std::vector<std::string> sets = { "hypervisor.policy=rdlock-all",
						"workload.write_percent=30",
						"workload.order=random",
						"workload.initially_set=false" };
	SimRun r(sets);

	s2sim_workload *w = nullptr;
	ASSERT_EQ(s2sim_workload_from_config(&w, r.cfg), S2SIM_OK);
	std::map<uint16_t, std::pair<uint64_t, uint32_t>> slot; // base, dlog flags
	std::map<uint16_t, bool> logging;
	std::set<uint64_t> dirty; // IPA >> 12
	uint64_t reported = 0, gets = 0;
	s2sim_record rec[256];
	size_t n = 0;
	int rc;
	do {
		rc = s2sim_workload_read(w, rec, 256, &n);
		ASSERT_TRUE(rc == S2SIM_ROW || rc == S2SIM_DONE) << s2sim_workload_errmsg(w);
		for (size_t i = 0; i < n; i++) {
			const s2sim_record &x = rec[i];
			switch (x.kind) {
			case S2SIM_REC_MEMSLOT:
				slot[x.slot] = { x.addr, 0 };
				break;
			case S2SIM_REC_DIRTY_LOG_ENABLE:
				ASSERT_FALSE(x.flags & S2SIM_DLOG_INITIALLY_SET);
				logging[x.slot] = true;
				slot[x.slot].second = x.flags;
				break;
			case S2SIM_REC_ACCESS:
				// one memslot per vCPU region; any logging slot covers it
				if ((x.flags & S2SIM_ACCESS_WRITE) && !logging.empty())
					dirty.insert(x.addr >> 12);
				break;
			case S2SIM_REC_GET_DIRTY_LOG:
				reported += dirty.size();
				gets++;
				if (!(slot[x.slot].second & S2SIM_DLOG_MANUAL_PROTECT))
					dirty.clear();
				break;
			case S2SIM_REC_CLEAR_DIRTY_LOG: {
				uint64_t first = (slot[x.slot].first >> 12) + x.addr;
				dirty.erase(dirty.lower_bound(first), dirty.lower_bound(first + x.len));
				break;
			}
			default:
				break;
			}
		}
	} while (rc == S2SIM_ROW);
	s2sim_workload_destroy(w);
	EXPECT_EQ(gets, 3u);
	EXPECT_GT(reported, 0u);
	EXPECT_LT(reported, 3 * kPages) << "30% writes in random order miss pages";
	EXPECT_EQ(r.get("kvm.dirty.pages_reported"), reported);
}
