// The workload handle (workloads/workload.c): from a configuration, over a
// trace file, and written to a trace file for `s2sim trace generate`.
#include <cstring>
#include <fstream>
#include <iterator>

#include "workload_test_util.h"

extern "C" {
#include <s2sim/config.h>
#include "workloads/workload_internal.h"
}

using namespace wl_test;

namespace {

std::string slurp(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	return std::string(std::istreambuf_iterator<char>(f),
			   std::istreambuf_iterator<char>());
}

struct Config {
	s2sim_config *cfg = nullptr;
	explicit Config(std::initializer_list<const char *> sets)
	{
		EXPECT_EQ(s2sim_config_create(&cfg), S2SIM_OK);
		for (const char *s : sets)
			EXPECT_EQ(s2sim_config_set(cfg, s), S2SIM_OK)
				<< s << ": " << s2sim_config_errmsg(cfg);
	}
	~Config() { s2sim_config_destroy(cfg); }
};

std::vector<s2sim_record> from_config(const s2sim_config *cfg, int *rc_out,
				      std::string *msg)
{
	s2sim_workload *w = nullptr;
	std::vector<s2sim_record> v;
	int rc = s2sim_workload_from_config(&w, cfg);
	*rc_out = rc;
	*msg = s2sim_workload_errmsg(w);
	if (rc == S2SIM_OK)
		v = drain(w, 333);
	s2sim_workload_destroy(w);
	return v;
}

TEST(Workload, FromConfigPlacesTheRegionLikeMemstress)
{
	Config c({ "platform.ipa_bits=40", "platform.pes=4", "workload.vcpus=2",
		   "workload.bytes_per_vcpu=4MiB", "workload.backing_page_size=2MiB",
		   "workload.write_percent=40", "workload.order=random",
		   "workload.seed=5", "workload.iterations=3",
		   "workload.instructions_per_access=7",
		   "workload.initially_set=false" });
	ASSERT_EQ(s2sim_config_validate(c.cfg), S2SIM_OK)
		<< s2sim_config_errmsg(c.cfg);
	int rc;
	std::string msg;
	std::vector<s2sim_record> v = from_config(c.cfg, &rc, &msg);
	ASSERT_EQ(rc, S2SIM_OK) << msg;

	s2sim_dirtylog_params p = small_params();
	p.vcpus = 2;
	p.bytes_per_vcpu = 4 * MiB;
	p.backing_page_size = 2 * MiB;
	p.write_percent = 40;
	p.random_access = true;
	p.seed = 5;
	p.iterations = 3;
	p.instructions_per_access = 7;
	p.initially_set = false;
	// memstress: (2^28 - 2048 - 1) * 4 KiB, aligned down to 2 MiB
	p.base_ipa = (1ull << 40) - 8 * MiB - 2 * MiB;
	EXPECT_EQ(first_difference(v, reference(p)), -1);
	ASSERT_FALSE(v.empty());
	EXPECT_EQ(v[0].addr, p.base_ipa);
	EXPECT_EQ(v[0].size_log2, 21u);
}

TEST(Workload, FromConfigNamesTheKeyOfARejectedValue)
{
	// Seed 0 (which dirty_log_perf_test -r refuses) is already refused by
	// the configuration's range check, naming the key.
	s2sim_config *raw = nullptr;
	ASSERT_EQ(s2sim_config_create(&raw), S2SIM_OK);
	EXPECT_EQ(s2sim_config_set(raw, "workload.seed=0"), S2SIM_EINPUT);
	std::string msg = s2sim_config_errmsg(raw);
	EXPECT_NE(msg.find("workload.seed"), std::string::npos) << msg;
	EXPECT_NE(msg.find("--set"), std::string::npos) << msg;
	s2sim_config_destroy(raw);
	int rc;

	Config d({ "platform.ipa_bits=32", "platform.start_level=1",
		   "workload.vcpus=1", "workload.bytes_per_vcpu=4GiB" });
	from_config(d.cfg, &rc, &msg);
	EXPECT_EQ(rc, S2SIM_ELIMIT);
	EXPECT_NE(msg.find("do not fit"), std::string::npos) << msg;

	s2sim_workload *w = nullptr;
	EXPECT_EQ(s2sim_workload_from_config(&w, nullptr), S2SIM_EMISUSE);
	s2sim_workload_destroy(w);
}

// `s2sim trace generate`: every format reads back as the generator's
// stream, and the same parameters give byte-identical files.
TEST(Workload, WrittenTraceReadsBackAsTheSameStream)
{
	s2sim_dirtylog_params p = small_params();
	p.vcpus = 3;
	p.random_access = true;
	p.write_percent = 50;
	std::vector<s2sim_record> want = generate(p);
	const enum s2sim_trace_format fmts[] = { S2SIM_TRACE_BINARY,
						 S2SIM_TRACE_ZSTD,
						 S2SIM_TRACE_TEXT };
	for (enum s2sim_trace_format f : fmts) {
		std::string a = tmp_path("a" + std::to_string(f));
		std::string b = tmp_path("b" + std::to_string(f));
		char err[512] = "";
		uint64_t n = 0;
		for (const std::string &path : { a, b }) {
			s2sim_workload *w = nullptr;
			ASSERT_EQ(s2sim_workload_generator(&w, &p), S2SIM_OK);
			ASSERT_EQ(s2sim_workload_write_trace(w, path.c_str(), f, err,
							     sizeof(err), &n),
				  S2SIM_OK) << err;
			EXPECT_EQ(n, want.size());
			s2sim_workload_destroy(w);
		}
		EXPECT_EQ(slurp(a), slurp(b)) << "byte-identical, format " << f;

		s2sim_workload *r = nullptr;
		ASSERT_EQ(s2sim_workload_trace(&r, a.c_str()), S2SIM_OK)
			<< s2sim_workload_errmsg(r);
		EXPECT_EQ(s2sim_workload_vcpus(r), 3u);
		std::vector<s2sim_record> got = drain(r, 50);
		EXPECT_EQ(first_difference(got, want), -1) << "format " << f;
		s2sim_workload_destroy(r);
	}
}

TEST(Workload, ConfigCanNameATrace)
{
	s2sim_dirtylog_params p = small_params();
	std::string path = tmp_path("t.s2t");
	char err[512] = "";
	s2sim_workload *w = nullptr;
	ASSERT_EQ(s2sim_workload_generator(&w, &p), S2SIM_OK);
	ASSERT_EQ(s2sim_workload_write_trace(w, path.c_str(), S2SIM_TRACE_BINARY,
					     err, sizeof(err), nullptr), S2SIM_OK)
		<< err;
	s2sim_workload_destroy(w);

	std::string set_trace = "workload.trace=" + path;
	Config c({ "workload.source=trace", set_trace.c_str() });
	int rc;
	std::string msg;
	std::vector<s2sim_record> v = from_config(c.cfg, &rc, &msg);
	ASSERT_EQ(rc, S2SIM_OK) << msg;
	EXPECT_EQ(first_difference(v, generate(p)), -1);
}

TEST(Workload, TraceErrorsCarryTheReadersMessage)
{
	std::string missing = tmp_path("missing.s2t");
	s2sim_workload *w = nullptr;
	EXPECT_NE(s2sim_workload_trace(&w, missing.c_str()), S2SIM_OK);
	ASSERT_NE(w, nullptr);
	EXPECT_NE(std::strstr(s2sim_workload_errmsg(w), "missing.s2t"), nullptr)
		<< s2sim_workload_errmsg(w);
	size_t n = 5;
	s2sim_record r;
	EXPECT_NE(s2sim_workload_read(w, &r, 1, &n), S2SIM_ROW);
	EXPECT_EQ(n, 0u);
	s2sim_workload_destroy(w);

	// A trace that goes bad in the middle: the records before it, then the
	// reader's error, naming the line.
	std::string bad = tmp_path("bad.txt");
	{
		std::ofstream f(bad);
		f << "s2trace 1 vcpus=1\n"
		     "memslot 0 base=0x40000000 size=4KiB backing=4KiB\n"
		     "access 0 w 0x40000000 8 delta=1\n"
		     "access 0 w 0x50000000 8 delta=1\n";
	}
	ASSERT_EQ(s2sim_workload_trace(&w, bad.c_str()), S2SIM_OK)
		<< s2sim_workload_errmsg(w);
	s2sim_record buf[8];
	EXPECT_EQ(s2sim_workload_read(w, buf, 8, &n), S2SIM_EINPUT);
	EXPECT_EQ(n, 2u);
	EXPECT_NE(std::strstr(s2sim_workload_errmsg(w), ":4:"), nullptr)
		<< s2sim_workload_errmsg(w);
	s2sim_workload_destroy(w);

	// ...and writing it as a trace reports that error, leaving no file.
	std::string out = tmp_path("out.s2t");
	char err[512] = "";
	ASSERT_EQ(s2sim_workload_trace(&w, bad.c_str()), S2SIM_OK);
	EXPECT_EQ(s2sim_workload_write_trace(w, out.c_str(), S2SIM_TRACE_BINARY,
					     err, sizeof(err), nullptr),
		  S2SIM_EINPUT);
	EXPECT_NE(std::strstr(err, "workload: "), nullptr) << err;
	std::ifstream probe(out);
	EXPECT_FALSE(probe.good()) << "no partial trace";
	s2sim_workload_destroy(w);
}

} // namespace
