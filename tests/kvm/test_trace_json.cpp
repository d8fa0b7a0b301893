// trace.json, the Perfetto / Chrome trace of per-vCPU activity
// (core/run/chrome_trace.h, docs/trace-viewer.md): written by a small run
// through the public API, parsed with jansson, and checked for what the
// viewers need (JSON object form, complete events that nest per thread,
// thread names) and what the options promise (window, cap, determinism).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <jansson.h>

#include <s2sim/s2sim.h>

#include "tests/common/shell.h"
#include "tests/common/sim_handles.h"

namespace {

const int kVcpus = 4;

using s2sim_test::slurp;

std::string tmp(const std::string &name)
{
	return s2sim_test::scratch_dir("trace-json", name, false);
}

// 4 vCPUs x 8 MiB of 2 MiB blocks, populate + 3 dirty passes (as
// test_kvm_run), with `sets` on top; its outputs in tmp(name).
struct TracedRun : s2sim_test::SimHandles {
	std::string dir;
	int rc = -1;

	TracedRun(const std::string &name, std::vector<std::string> sets)
	{
		dir = tmp(name);
		EXPECT_EQ(s2sim_config_create(&cfg), S2SIM_OK);
		std::string src = std::string(S2SIM_SOURCE_DIR) + "/configs/t2a-48.yaml";
		EXPECT_EQ(s2sim_config_load(cfg, src.c_str()), S2SIM_OK);
		std::vector<std::string> all = { "workload.vcpus=" + std::to_string(kVcpus),
						 "workload.bytes_per_vcpu=8MiB" };
		all.insert(all.end(), sets.begin(), sets.end());
		for (auto &s : all)
			EXPECT_EQ(s2sim_config_set(cfg, s.c_str()), S2SIM_OK)
				<< s << ": " << s2sim_config_errmsg(cfg);
		rc = s2sim_config_validate(cfg);
		if (rc != S2SIM_OK)
			return;
		EXPECT_EQ(s2sim_sim_create(&sim, cfg), S2SIM_OK) << s2sim_sim_errmsg(sim);
		EXPECT_EQ(s2sim_sim_run(sim), S2SIM_OK) << s2sim_sim_errmsg(sim);
		rc = s2sim_sim_write_outputs(sim, dir.c_str());
		EXPECT_EQ(rc, S2SIM_OK) << s2sim_sim_errmsg(sim);
	}
	std::string trace_path() const { return dir + "/trace.json"; }
};

// The parsed file, with its events by kind.
struct Trace {
	json_t *root = nullptr;
	json_t *events = nullptr;
	json_t *other = nullptr;

	explicit Trace(const std::string &path)
	{
		json_error_t e;
		root = json_load_file(path.c_str(), 0, &e);
		EXPECT_NE(root, nullptr) << path << ":" << e.line << ": " << e.text;
		if (!root)
			return;
		EXPECT_TRUE(json_is_object(root)) << "the JSON object form";
		events = json_object_get(root, "traceEvents");
		other = json_object_get(root, "otherData");
		EXPECT_TRUE(json_is_array(events));
		EXPECT_TRUE(json_is_object(other));
		EXPECT_STREQ(json_string_value(json_object_get(root, "displayTimeUnit")), "ns");
	}
	~Trace() { json_decref(root); }
	size_t size() const { return events ? json_array_size(events) : 0; }
	json_t *at(size_t i) const { return json_array_get(events, i); }
	double other_num(const char *k) const
	{
		return json_number_value(json_object_get(other, k));
	}
};

std::string str(json_t *ev, const char *k)
{
	const char *s = json_string_value(json_object_get(ev, k));
	return s ? s : "";
}

double num(json_t *ev, const char *k)
{
	return json_number_value(json_object_get(ev, k));
}

// Every field the viewers need, on every event; returns the names seen
// per phase type ("X", "i", "M").
std::map<std::string, std::multiset<std::string>> check_events(const Trace &t)
{
	std::map<std::string, std::multiset<std::string>> seen;

	for (size_t i = 0; i < t.size(); i++) {
		json_t *ev = t.at(i);
		std::string ph = str(ev, "ph");
		SCOPED_TRACE("event " + std::to_string(i) + " " + str(ev, "name"));
		EXPECT_FALSE(str(ev, "name").empty());
		EXPECT_TRUE(json_is_integer(json_object_get(ev, "pid")));
		EXPECT_TRUE(json_is_integer(json_object_get(ev, "tid")));
		EXPECT_TRUE(ph == "X" || ph == "i" || ph == "M") << ph;
		if (ph != "M") {
			EXPECT_TRUE(json_is_number(json_object_get(ev, "ts")));
			EXPECT_GE(num(ev, "ts"), 0.0);
		}
		if (ph == "X") {
			EXPECT_TRUE(json_is_number(json_object_get(ev, "dur")));
			EXPECT_GE(num(ev, "dur"), 0.0);
		}
		if (ph == "i") {
			EXPECT_TRUE(str(ev, "s") == "t" || str(ev, "s") == "g");
		}
		seen[ph].insert(str(ev, "name"));
	}
	return seen;
}

// Complete events of one thread must nest (chrome://tracing drops or
// mis-draws slices that overlap without containing each other).
void check_nesting(const Trace &t)
{
	// integer picoseconds: the file prints exact 6-decimal microseconds
	std::map<int, std::vector<std::pair<int64_t, int64_t>>> stack;
	const double eps = 0.5;

	for (size_t i = 0; i < t.size(); i++) {
		json_t *ev = t.at(i);
		if (str(ev, "ph") != "X")
			continue;
		int tid = (int)json_integer_value(json_object_get(ev, "tid"));
		int64_t b = llround(num(ev, "ts") * 1e6);
		int64_t e = b + llround(num(ev, "dur") * 1e6);
		auto &st = stack[tid];
		while (!st.empty() && st.back().second <= b + eps)
			st.pop_back();
		if (!st.empty()) {
			ASSERT_LE(e, st.back().second + eps)
				<< "tid " << tid << ": [" << b << ", " << e << ") overlaps ["
				<< st.back().first << ", " << st.back().second << ")";
		}
		ASSERT_TRUE(st.empty() || b >= st.back().first) << "sorted by time";
		st.push_back({ b, e });
	}
}

// Every non-metadata event inside [lo, hi] microseconds.
void check_window(const Trace &t, double lo, double hi)
{
	for (size_t i = 0; i < t.size(); i++) {
		json_t *ev = t.at(i);
		if (str(ev, "ph") == "M")
			continue;
		EXPECT_GE(num(ev, "ts"), lo - 1e-6) << str(ev, "name");
		EXPECT_LE(num(ev, "ts") + num(ev, "dur"), hi + 1e-6) << str(ev, "name");
	}
}

} // namespace

// A window over the whole run: every kind of activity, on every vCPU.
TEST(TraceJson, WholeRunHasEveryActivityOnEveryVcpu)
{
	TracedRun r("whole", { "hypervisor.policy=baseline", "sim.trace_window='0:'",
			       "sim.trace_max_events=1000000" });
	ASSERT_EQ(r.rc, S2SIM_OK);
	Trace t(r.trace_path());
	auto seen = check_events(t);
	check_nesting(t);

	for (const char *n : { "guest", "walk", "fault", "exit", "handler", "mmu_lock wait",
			       "TLBI issue", "DSB wait", "parked", "KVM_CLEAR_DIRTY_LOG" })
		EXPECT_TRUE(seen["X"].count(n)) << n;
	for (const char *n : { "dirty log: enable", "dirty log: clear", "dirty log: get",
			       "dirty log: disable", "populate", "dirty-log pass 2",
			       "TLBI IPAS2E1IS", "TLBI VMALLE1IS" })
		EXPECT_TRUE(seen["i"].count(n)) << n;
	EXPECT_EQ(seen["M"].count("process_name"), 1u);
	EXPECT_EQ(seen["M"].count("thread_name"), (size_t)kVcpus + 1) << "vCPUs + VMM";

	// one named thread per vCPU, plus the VMM's; activity on each vCPU
	std::map<int, std::string> names;
	std::set<int> active;
	for (size_t i = 0; i < t.size(); i++) {
		json_t *ev = t.at(i);
		int tid = (int)json_integer_value(json_object_get(ev, "tid"));
		if (str(ev, "name") == "thread_name")
			names[tid] = str(json_object_get(ev, "args"), "name");
		else if (str(ev, "name") == "fault")
			active.insert(tid);
	}
	for (int v = 0; v < kVcpus; v++) {
		EXPECT_EQ(names[v].rfind("vCPU " + std::to_string(v) + " ", 0), 0u) << names[v];
		EXPECT_TRUE(active.count(v)) << "vCPU " << v << " has faults";
	}
	EXPECT_EQ(names[kVcpus].rfind("VMM thread", 0), 0u);

	// the faults are all of them: the window is the run
	EXPECT_EQ(seen["X"].count("fault"), r.get("kvm.faults"));
	EXPECT_EQ(t.other_num("window_start_us"), 0.0);
	EXPECT_NEAR(t.other_num("window_end_us"), r.get("sim.time_ps") * 1e-6, 1e-6);
	EXPECT_FALSE(json_is_true(json_object_get(t.other, "truncated")));
	check_window(t, 0, r.get("sim.time_ps") * 1e-6);
}

// An absolute window: nothing outside it, slices clipped to it.
TEST(TraceJson, AbsoluteWindowClipsEverything)
{
	TracedRun r("window", { "hypervisor.policy=baseline", "sim.trace_window=3ms:3.2ms" });
	ASSERT_EQ(r.rc, S2SIM_OK);
	ASSERT_GT(r.get("sim.time_ps"), 3200000000ull) << "the run covers the window";
	Trace t(r.trace_path());
	auto seen = check_events(t);
	check_nesting(t);
	check_window(t, 3000.0, 3200.0);
	EXPECT_EQ(t.other_num("window_start_us"), 3000.0);
	EXPECT_EQ(t.other_num("window_end_us"), 3200.0);
	EXPECT_GT(seen["X"].count("fault"), 0u);
	EXPECT_EQ(r.get("trace.window_start_ps"), 3000000000ull);
	EXPECT_EQ(r.get("trace.events"), (uint64_t)t.other_num("events"));
}

// The default: 2 ms from where the first CLEAR_DIRTY_LOG returns, which
// with initially-set is where pass 2 (the lazy splits) begins.
TEST(TraceJson, AutoWindowStartsAfterTheFirstWriteProtection)
{
	TracedRun r("auto", { "hypervisor.policy=baseline" });
	ASSERT_EQ(r.rc, S2SIM_OK);
	Trace t(r.trace_path());
	auto seen = check_events(t);
	check_nesting(t);
	double lo = r.get("phase.iteration_2.start_ps") * 1e-6;
	double hi = std::min(lo + 2000.0, r.get("sim.time_ps") * 1e-6);
	EXPECT_NEAR(t.other_num("window_start_us"), lo, 1e-6);
	EXPECT_NEAR(t.other_num("window_end_us"), hi, 1e-6);
	check_window(t, lo, hi);
	EXPECT_TRUE(seen["i"].count("dirty-log pass 2"));
	EXPECT_TRUE(seen["X"].count("mmu_lock wait"));
	EXPECT_FALSE(seen["i"].count("dirty log: enable")) << "before the window";
}

// The cap: a bounded file, marked truncated, complete up to its cut.
TEST(TraceJson, EventCapTruncatesAndSaysSo)
{
	TracedRun r("cap", { "hypervisor.policy=baseline", "sim.trace_window='0:'",
			     "sim.trace_max_events=500" });
	ASSERT_EQ(r.rc, S2SIM_OK);
	Trace t(r.trace_path());
	auto seen = check_events(t);
	check_nesting(t);
	size_t n = 0;
	for (size_t i = 0; i < t.size(); i++)
		n += str(t.at(i), "ph") != "M";
	EXPECT_LE(n, 500u);
	EXPECT_GT(n, 400u) << "cut close to the cap";
	EXPECT_EQ(t.other_num("events"), (double)n);
	EXPECT_TRUE(json_is_true(json_object_get(t.other, "truncated")));
	EXPECT_NE(str(t.other, "note").find("TRUNCATED"), std::string::npos);
	EXPECT_EQ(seen["i"].count("trace truncated"), 1u);
	double cut = t.other_num("window_end_us");
	EXPECT_LT(cut, r.get("sim.time_ps") * 1e-6);
	check_window(t, 0, cut);
	EXPECT_EQ(r.get("trace.truncated"), 1u);
}

// Same configuration and seed: the same bytes.  Off: no file.
TEST(TraceJson, DeterministicAndOff)
{
	std::vector<std::string> sets = { "hypervisor.policy=rdlock-all+nsh-relax+eager-split",
					  "workload.eager_split_chunk=2MiB",
					  "sim.trace_window='0:'" };
	TracedRun a("det-a", sets), b("det-b", sets);
	ASSERT_EQ(a.rc, S2SIM_OK);
	ASSERT_EQ(b.rc, S2SIM_OK);
	std::string ta = slurp(a.trace_path()), tb = slurp(b.trace_path());
	EXPECT_GT(ta.size(), 10000u);
	EXPECT_TRUE(ta == tb) << "trace.json differs between identical runs";
	Trace t(a.trace_path());
	check_events(t);
	check_nesting(t);

	TracedRun off("off", { "sim.trace_window=off" });
	ASSERT_EQ(off.rc, S2SIM_OK);
	EXPECT_FALSE(std::ifstream(off.trace_path()).good());
	uint64_t v;
	EXPECT_NE(s2sim_stats_get(s2sim_sim_stats(off.sim), "trace.events", &v), S2SIM_OK);
}

// Malformed windows are configuration errors naming the key.
TEST(TraceJson, BadWindowsAreRejected)
{
	for (const char *w : { "sim.trace_window=5:3", "sim.trace_window=bogus",
			       "sim.trace_window=auto:0", "sim.trace_window=1x:2",
			       "sim.trace_window=-1:2" }) {
		TracedRun r("bad", { w });
		EXPECT_EQ(r.rc, S2SIM_EINPUT) << w;
		EXPECT_NE(std::string(s2sim_config_errmsg(r.cfg)).find("sim.trace_window"),
			  std::string::npos)
			<< s2sim_config_errmsg(r.cfg);
	}
}
