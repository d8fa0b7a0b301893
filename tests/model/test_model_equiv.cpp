// s2sim-vp (the SystemC virtual platform) against `s2sim run` (the native
// engine) on the same configurations: every statistic of stats.json must
// be present in both, every count identical, every simulated time (unit
// "ps") within 1 % -- and in fact identical, which the test also reports.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <jansson.h>

#include <s2sim/s2sim.h>

namespace {

std::string tmp(const std::string &name)
{
	const char *t = getenv("S2SIM_TEST_TMP");
	return std::string(t ? t : "/tmp") + "/" + name;
}

std::string src(const std::string &rel)
{
	return std::string(S2SIM_SOURCE_DIR) + "/" + rel;
}

void run_native(const std::string &yaml, const std::vector<std::string> &sets,
		const std::string &out)
{
	s2sim_config *cfg = nullptr;
	s2sim_sim *sim = nullptr;

	ASSERT_EQ(s2sim_config_create(&cfg), S2SIM_OK);
	ASSERT_EQ(s2sim_config_load(cfg, yaml.c_str()), S2SIM_OK) << s2sim_config_errmsg(cfg);
	for (const std::string &s : sets)
		ASSERT_EQ(s2sim_config_set(cfg, s.c_str()), S2SIM_OK) << s2sim_config_errmsg(cfg);
	ASSERT_EQ(s2sim_config_validate(cfg), S2SIM_OK) << s2sim_config_errmsg(cfg);
	ASSERT_EQ(s2sim_sim_create(&sim, cfg), S2SIM_OK) << s2sim_sim_errmsg(sim);
	ASSERT_EQ(s2sim_sim_run(sim), S2SIM_OK) << s2sim_sim_errmsg(sim);
	ASSERT_EQ(s2sim_sim_write_outputs(sim, out.c_str()), S2SIM_OK) << s2sim_sim_errmsg(sim);
	s2sim_sim_destroy(sim);
	s2sim_config_destroy(cfg);
}

void run_vp(const std::string &yaml, const std::vector<std::string> &sets,
	    const std::string &out)
{
	std::string cmd = std::string(S2SIM_VP) + " '" + yaml + "'";
	for (const std::string &s : sets)
		cmd += " --set '" + s + "'";
	cmd += " --out '" + out + "' --quiet";
	ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

json_t *load(const std::string &path)
{
	json_error_t e;
	json_t *j = json_load_file(path.c_str(), 0, &e);

	EXPECT_NE(j, nullptr) << path << ": " << e.text;
	return j;
}

struct Tally {
	unsigned counts = 0, times = 0, times_exact = 0;
};

// trace.* counters describe s2sim run's trace.json, an output s2sim-vp
// does not write (docs/systemc.md): not part of the model's behaviour.
bool output_counter(const char *key)
{
	return std::string(key).rfind("trace.", 0) == 0;
}

size_t model_counters(json_t *section)
{
	const char *key;
	json_t *v;
	size_t n = 0;

	json_object_foreach(section, key, v)
		n += !output_counter(key);
	return n;
}

// Counters (and histograms by their fields): counts identical, times
// within 1 %.
void compare_section(json_t *a, json_t *b, const char *section, Tally &tally)
{
	json_t *sa = json_object_get(a, section), *sb = json_object_get(b, section);
	const char *key;
	json_t *va;

	ASSERT_TRUE(sa && sb) << section;
	EXPECT_EQ(model_counters(sa), model_counters(sb)) << section;
	json_object_foreach(sa, key, va) {
		if (output_counter(key))
			continue;
		json_t *vb = json_object_get(sb, key);
		ASSERT_NE(vb, nullptr) << section << " " << key << " only in s2sim-vp";
		const char *unit = json_string_value(json_object_get(va, "unit"));
		bool is_time = unit && std::string(unit) == "ps";
		const char *field;
		json_t *fa;

		json_object_foreach(va, field, fa) {
			json_t *fb = json_object_get(vb, field);
			if (!json_is_integer(fa)) {
				EXPECT_TRUE(json_equal(fa, fb)) << key << "." << field;
				continue;
			}
			double x = (double)json_integer_value(fa);
			double y = (double)json_integer_value(fb);
			if (!is_time) {
				tally.counts++;
				EXPECT_EQ(json_integer_value(fa), json_integer_value(fb))
					<< key << "." << field << ": a count must be identical";
				continue;
			}
			tally.times++;
			tally.times_exact += x == y;
			EXPECT_LE(std::fabs(x - y), 0.01 * std::fmax(std::fabs(x), std::fabs(y)))
				<< key << "." << field << ": times within 1 %";
		}
	}
}

void expect_equivalent(const std::string &name, const std::string &yaml,
		       const std::vector<std::string> &sets)
{
	std::string nat = tmp(name + "-native"), vp = tmp(name + "-vp");

	(void)!std::system(("rm -rf '" + nat + "' '" + vp + "'").c_str());
	run_native(yaml, sets, nat);
	run_vp(yaml, sets, vp);
	if (::testing::Test::HasFatalFailure())
		return;
	json_t *a = load(nat + "/stats.json"), *b = load(vp + "/stats.json");
	ASSERT_TRUE(a && b);
	Tally t;
	compare_section(a, b, "counters", t);
	compare_section(a, b, "histograms", t);
	EXPECT_TRUE(json_equal(json_object_get(a, "timelines"), json_object_get(b, "timelines")))
		<< "timelines differ";
	EXPECT_GT(t.counts, 100u);
	EXPECT_GT(t.times, 10u);
	std::printf("[ %s ] %u counts identical, %u times of which %u identical\n",
		    name.c_str(), t.counts, t.times, t.times_exact);
	json_decref(a);
	json_decref(b);
	std::ifstream ta(nat + "/timeline.csv"), tb(vp + "/timeline.csv");
	std::string la((std::istreambuf_iterator<char>(ta)), std::istreambuf_iterator<char>());
	std::string lb((std::istreambuf_iterator<char>(tb)), std::istreambuf_iterator<char>());
	EXPECT_EQ(la, lb) << "timeline.csv";
}

TEST(ModelEquivalence, LazySplitsBaseline)
{
	// 2 MiB blocks: populate, lazy splits with break-before-make and
	// broadcast TLBIs, then 4 KiB write-protect faults; spinlock
	expect_equivalent("baseline", src("configs/t2a-48.yaml"),
			  { "workload.vcpus=4", "workload.bytes_per_vcpu=8MiB" });
}

TEST(ModelEquivalence, RwlockNshRelaxRandomWithVmidFilter)
{
	expect_equivalent("rdlock", src("configs/t2a-48.yaml"),
			  { "workload.vcpus=3", "workload.bytes_per_vcpu=4MiB",
			    "hypervisor.policy=rdlock-all+nsh-relax",
			    "workload.order=random", "workload.write_percent=50",
			    "fabric.snoop_filter=vmid", "hypervisor.vmm_pe=5" });
}

TEST(ModelEquivalence, N2ClassRangeTlbisAddressFilterEagerSplit)
{
	expect_equivalent("n2", src("configs/n2-class-48.yaml"),
			  { "workload.vcpus=4", "workload.bytes_per_vcpu=8MiB",
			    "fabric.snoop_filter=address",
			    "hypervisor.policy=rdlock-wp+eager-split+tlbi-range",
			    "workload.eager_split_chunk=2MiB", "sim.quantum_ns=250" });
}

TEST(ModelEquivalence, ChunkedRateLimitedClearAtTheBarrier)
{
	// CLEAR as 1 MiB calls, each paused (core/kvm): the same in the VP
	expect_equivalent("chunked", src("configs/t2a-48.yaml"),
			  { "workload.vcpus=3", "workload.bytes_per_vcpu=4MiB",
			    "hypervisor.policy=rdlock-all+nsh-relax+eager-split",
			    "workload.eager_split_chunk=2MiB", "workload.clear_chunk=1MiB",
			    "workload.clear_interval_ns=20000" });
}

TEST(ModelEquivalence, TextTrace)
{
	std::string trace = tmp("equiv.s2t");
	std::ofstream f(trace);
	f << "s2trace 1 vcpus=2\n"
	     "memslot 0 base=0x40000000 size=4MiB backing=2MiB\n"
	     "phase populate\n";
	for (int i = 0; i < 64; i++)
		f << "access " << i % 2 << " w 0x" << std::hex << 0x40000000 + i * 0x10000
		  << std::dec << " 8 delta=" << 50 + i << "\n";
	f << "dirty_log_enable 0 manual_protect initially_set\n"
	     "phase 1\n"
	     "clear_dirty_log 0 first=0 pages=1024\n";
	for (int i = 0; i < 128; i++)
		f << "access " << i % 2 << (i % 3 ? " w" : " r") << " 0x" << std::hex
		  << 0x40000000 + i * 0x7000 << std::dec << " 8 delta=100\n";
	f << "get_dirty_log 0\nphase end\n";
	f.close();
	expect_equivalent("trace", src("configs/t2a-48.yaml"),
			  { "workload.source=trace", "workload.trace=" + trace });
}

} // namespace
