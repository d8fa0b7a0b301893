// End-to-end tests of the s2sim command line: exit codes, outputs,
// determinism, and the equivalence of generated and traced workloads.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include <jansson.h>

#include "tests/common/shell.h"

namespace {

using s2sim_test::slurp;
using Result = s2sim_test::ShellResult;

Result run(const std::string &args)
{
	return s2sim_test::sh(std::string(S2SIM_CLI) + " " + args);
}

std::string tmpdir(const std::string &name)
{
	return s2sim_test::scratch_dir("cli", name);
}

uint64_t counter(const std::string &stats_path, const char *name)
{
	json_error_t e;
	json_t *root = json_load_file(stats_path.c_str(), 0, &e);
	EXPECT_NE(root, nullptr) << e.text;
	if (!root)
		return 0;
	json_t *v = json_object_get(json_object_get(json_object_get(root, "counters"),
						    name), "value");
	EXPECT_NE(v, nullptr) << name;
	uint64_t x = v ? (uint64_t)json_integer_value(v) : 0;
	json_decref(root);
	return x;
}

// 2 vCPUs x 64 KiB of 4 KiB pages = 16 pages each; populate + 2 iterations.
const std::string kSmall = std::string(S2SIM_SOURCE_DIR) + "/configs/t2a-48.yaml"
	" --set workload.vcpus=2 --set workload.bytes_per_vcpu=64KiB"
	" --set workload.backing_page_size=4KiB --set workload.iterations=2";

} // namespace

TEST(Cli, HelpAndUsage)
{
	Result r = run("--help");
	EXPECT_EQ(r.code, 0);
	EXPECT_NE(r.out.find("run"), std::string::npos);
	EXPECT_NE(r.out.find("trace"), std::string::npos);
	EXPECT_EQ(run("").code, 2);
	EXPECT_EQ(run("frobnicate").code, 2);
	EXPECT_EQ(run("run --no-such-option").code, 2);
	for (const char *c : { "run --help", "trace --help", "config --help" }) {
		Result h = run(c);
		EXPECT_EQ(h.code, 0) << c;
		EXPECT_NE(h.out.find("usage:"), std::string::npos) << c;
	}
}

TEST(Cli, BadInputExitsThree)
{
	Result r = run("run /nonexistent/config.yaml");
	EXPECT_EQ(r.code, 3);
	EXPECT_NE(r.out.find("/nonexistent/config.yaml"), std::string::npos);

	r = run("run " + kSmall + " --set workload.write_percent=150 --out " + tmpdir("bad"));
	EXPECT_EQ(r.code, 3);
	EXPECT_NE(r.out.find("workload.write_percent"), std::string::npos) << r.out;
}

TEST(Cli, RunCountsAccessesAndIsDeterministic)
{
	std::string a = tmpdir("det-a"), b = tmpdir("det-b");
	Result ra = run("run " + kSmall + " --quiet --out " + a);
	ASSERT_EQ(ra.code, 0) << ra.out;
	Result rb = run("run " + kSmall + " --quiet --out " + b);
	ASSERT_EQ(rb.code, 0) << rb.out;
	EXPECT_EQ(ra.out, "");

	// populate (16 pages x 2 vCPUs) + 2 iterations of the same = 96.
	EXPECT_EQ(counter(a + "/stats.json", "guest.accesses"), 96u);
	EXPECT_EQ(counter(a + "/stats.json", "guest.writes"), 96u);
	EXPECT_EQ(counter(a + "/stats.json", "vcpu.1.accesses"), 48u);
	EXPECT_GT(counter(a + "/stats.json", "sim.time_ps"), 0u);
	EXPECT_EQ(slurp(a + "/stats.json"), slurp(b + "/stats.json"));
	EXPECT_EQ(slurp(a + "/timeline.csv"), slurp(b + "/timeline.csv"));
	EXPECT_FALSE(slurp(a + "/config.yaml").empty());
}

TEST(Cli, ResolvedConfigRunsAgainIdentically)
{
	std::string a = tmpdir("again-a"), b = tmpdir("again-b");
	ASSERT_EQ(run("run " + kSmall + " --quiet --out " + a).code, 0);
	Result r = run("run " + a + "/config.yaml --quiet --out " + b);
	ASSERT_EQ(r.code, 0) << r.out;
	EXPECT_EQ(slurp(a + "/stats.json"), slurp(b + "/stats.json"));
}

TEST(Cli, TraceFileMatchesGenerator)
{
	std::string d = tmpdir("trace");
	std::string trace = d + "/small.s2t";
	Result g = run("trace generate " + kSmall + " -o " + trace);
	ASSERT_EQ(g.code, 0) << g.out;
	Result info = run("trace info " + trace);
	ASSERT_EQ(info.code, 0) << info.out;
	EXPECT_NE(info.out.find("96"), std::string::npos) << info.out;

	ASSERT_EQ(run("run " + kSmall + " --quiet --out " + d + "/gen").code, 0);
	Result t = run("run " + kSmall + " --set workload.source=trace --set workload.trace=" +
		       trace + " --quiet --out " + d + "/tr");
	ASSERT_EQ(t.code, 0) << t.out;
	EXPECT_EQ(counter(d + "/gen/stats.json", "sim.time_ps"),
		  counter(d + "/tr/stats.json", "sim.time_ps"));
	EXPECT_EQ(counter(d + "/tr/stats.json", "guest.accesses"), 96u);
}

TEST(Cli, TraceErrorsExitThree)
{
	std::string d = tmpdir("badtrace");
	std::ofstream(d + "/bad.s2t") << "not a trace\n";
	Result r = run("trace info " + d + "/bad.s2t");
	EXPECT_EQ(r.code, 3);
	EXPECT_NE(r.out.find("bad.s2t"), std::string::npos) << r.out;
}

// --trace-window: trace.json in the output directory, its window as
// asked, named in the report; off writes none; a bad window is bad input.
TEST(Cli, RunTraceWindow)
{
	std::string d = tmpdir("trace-window");
	Result r = run("run " + kSmall + " --trace-window 0: --out " + d + "/on");
	ASSERT_EQ(r.code, 0) << r.out;
	EXPECT_NE(r.out.find("trace.json"), std::string::npos) << r.out;
	json_error_t e;
	json_t *root = json_load_file((d + "/on/trace.json").c_str(), 0, &e);
	ASSERT_NE(root, nullptr) << e.text;
	json_t *other = json_object_get(root, "otherData");
	EXPECT_EQ(json_number_value(json_object_get(other, "window_start_us")), 0.0);
	EXPECT_GT(json_array_size(json_object_get(root, "traceEvents")), 10u);
	json_decref(root);

	r = run("run " + kSmall + " --trace-window off --out " + d + "/off");
	ASSERT_EQ(r.code, 0) << r.out;
	EXPECT_FALSE(std::ifstream(d + "/off/trace.json").good());
	EXPECT_TRUE(std::ifstream(d + "/off/stats.json").good());

	r = run("run " + kSmall + " --trace-window 5:3 --out " + d + "/bad");
	EXPECT_EQ(r.code, 3) << r.out;
	EXPECT_NE(r.out.find("sim.trace_window"), std::string::npos) << r.out;
}

// The report lists the first finding of each class, so a flood of one
// class (BBM on every split) does not hide the others.
TEST(Cli, ReportListsTheFirstFindingOfEachClass)
{
	// 2 MiB blocks, so that there are splits to get wrong
	Result r = run("run " + std::string(S2SIM_SOURCE_DIR) + "/configs/t2a-48.yaml"
		       " --set workload.vcpus=4 --set workload.bytes_per_vcpu=8MiB"
		       " --set hypervisor.policy=baseline+unsafe-no-bbm --set workload.write_percent=50"
		       " --set workload.order=random --out " + tmpdir("findings"));
	ASSERT_EQ(r.code, 0) << r.out;
	for (const char *cls : { "break-before-make violation at descriptor PA",
				 "page writable while dirty logging without its dirty bit at IPA",
				 "stale translation used after its invalidation completed at IPA" }) {
		size_t first = r.out.find(cls);
		EXPECT_NE(first, std::string::npos) << cls << "\n" << r.out;
		EXPECT_EQ(r.out.find(cls, first + 1), std::string::npos) << "listed once: " << cls;
	}
}

// With the checker off the report says so, rather than "0 findings" (which
// would read as a clean bill of health for a policy nobody checked).
TEST(Cli, ReportSaysWhenTheCheckerIsOff)
{
	std::string cmd = "run " + std::string(S2SIM_SOURCE_DIR) + "/configs/t2a-48.yaml"
			  " --set workload.vcpus=2 --set workload.bytes_per_vcpu=4MiB"
			  " --set hypervisor.policy=baseline+unsafe-no-bbm";
	Result off = run(cmd + " --set hypervisor.check=false --out " + tmpdir("chk-off"));
	Result on = run(cmd + " --out " + tmpdir("chk-on"));

	ASSERT_EQ(off.code, 0) << off.out;
	ASSERT_EQ(on.code, 0) << on.out;
	EXPECT_NE(off.out.find("checker                off (hypervisor.check: false)"),
		  std::string::npos) << off.out;
	EXPECT_EQ(off.out.find("checker findings"), std::string::npos) << off.out;
	EXPECT_NE(on.out.find("checker findings"), std::string::npos) << on.out;
	EXPECT_EQ(on.out.find("checker                off"), std::string::npos) << on.out;
}
