// Sizes that come from input are bounded and checked before anything is
// allocated: huge values give a clear error naming the file, the line (or
// record) and the key, with exit code 3, quickly and without an OOM kill.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/wait.h>

#include "tests/common/shell.h"

namespace {

using Result = s2sim_test::ShellResult;

Result run(const std::string &args, const std::string &env = "")
{
	return s2sim_test::sh(env + " " + std::string(S2SIM_CLI) + " " + args);
}

std::string tmpfile(const std::string &name, const std::string &text)
{
	const char *t = getenv("S2SIM_TEST_TMP");
	std::string path = std::string(t ? t : "/tmp") + "/limits-" + name;
	std::ofstream(path, std::ios::binary) << text;
	return path;
}

const std::string kCfg = std::string(S2SIM_SOURCE_DIR) + "/configs/t2a-48.yaml";

void expect_input_error(const Result &r, const std::string &needle)
{
	EXPECT_EQ(r.code, 3) << r.out;
	EXPECT_NE(r.out.find(needle), std::string::npos) << r.out;
	EXPECT_LT(r.secs, 30.0) << r.out;
}

} // namespace

// Schema ranges: every count and size key has one.
TEST(Limits, ConfigRangesNameTheKey)
{
	expect_input_error(run("config show " + kCfg + " --set workload.vcpus=100000"),
			   "key 'workload.vcpus'");
	expect_input_error(run("config show " + kCfg + " --set platform.l2_tlb.entries=4294967296"),
			   "key 'platform.l2_tlb.entries'");
	expect_input_error(run("config show " + kCfg + " --set workload.bytes_per_vcpu=16EiB"),
			   "key 'workload.bytes_per_vcpu'");
	expect_input_error(run("config show " + kCfg +
			       " --set workload.iterations=18446744073709551616"),
			   "key 'workload.iterations'");
	std::string f = tmpfile("huge.yaml", "platform:\n  mem:\n    l2_lines: 99999999999999\n");
	expect_input_error(run("config show " + f), f + ":3: key 'platform.mem.l2_lines'");
}

// Values inside the ranges whose product would not fit in the host's
// memory: refused before allocation, naming the key and where it was set.
TEST(Limits, ModelTooLargeForTheHostIsRefused)
{
	Result r = run("run " + kCfg + " --quiet --out /nonexistent/never"
		       " --set platform.pes=1024 --set workload.vcpus=1024"
		       " --set fabric.mesh_x=16 --set fabric.mesh_y=16"
		       " --set workload.bytes_per_vcpu=2MiB"
		       " --set platform.mem.l2_lines=1073741824");
	expect_input_error(r, "--set platform.mem.l2_lines=1073741824: key "
			      "'platform.mem.l2_lines': the model would need about");
	// The guest memory of the default scenario, with a small limit.
	r = run("run " + kCfg + " --quiet --out /nonexistent/never",
		"S2SIM_MEMORY_LIMIT=256MiB");
	expect_input_error(r, "key 'workload.bytes_per_vcpu'");
	EXPECT_NE(r.out.find("S2SIM_MEMORY_LIMIT"), std::string::npos) << r.out;
}

// Trace headers and records: counts and lengths are checked as read.
TEST(Limits, TraceSizesAreChecked)
{
	std::string t = tmpfile("vcpus.txt", "s2trace 1 vcpus=4097\n");
	expect_input_error(run("trace info " + t), t + ":1:");
	t = tmpfile("slot.txt", "s2trace 1 vcpus=1\n"
				"memslot 0 base=0 size=0x20000000000000 backing=4KiB\n");
	expect_input_error(run("trace info " + t), t + ":2:");
	t = tmpfile("clear.txt", "s2trace 1 vcpus=1\n"
				 "memslot 0 base=0 size=4MiB backing=4KiB\n"
				 "dirty_log_enable 0 manual_protect\n"
				 "clear_dirty_log 0 first=0 pages=0xFFFFFFFFFFFFFFC0\n");
	expect_input_error(run("trace info " + t), t + ":4:");
	// A binary header claiming 2^32 - 1 vCPUs.
	std::string hdr("S2TRACE\0\x01\0\0\0\xff\xff\xff\xff", 16);
	hdr += std::string(16, '\0');
	t = tmpfile("vcpus.s2t", hdr);
	expect_input_error(run("trace info " + t), t + ": header");
}

// Sweep specs: the grid's size is checked before points are built.
TEST(Limits, SweepGridSizeIsChecked)
{
	std::string vals;
	for (int i = 0; i < 100; i++)
		vals += (i ? ", " : "") + std::to_string(i + 1);
	std::string spec = tmpfile("grid.yaml", "base: " + kCfg + "\ngrid:\n"
					"  sim.seed: [" + vals + "]\n"
					"  workload.seed: [" + vals + "]\n");
	Result r = run("sweep " + spec + " --out /nonexistent/never");
	EXPECT_EQ(r.code, 3) << r.out;
	EXPECT_NE(r.out.find("4096"), std::string::npos) << r.out;
}
