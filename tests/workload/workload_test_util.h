// Helpers of the workload tests: draining a workload, comparing records,
// and an independent model of dirty_log_perf_test + memstress to check the
// generator against.
#ifndef S2SIM_TESTS_WORKLOAD_TEST_UTIL_H
#define S2SIM_TESTS_WORKLOAD_TEST_UTIL_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <gtest/gtest.h>

extern "C" {
#include <s2sim/trace.h>
#include <s2sim/workload.h>
}

namespace wl_test {

constexpr uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024;

inline std::string tmp_path(const std::string &suffix)
{
	const char *dir = std::getenv("S2SIM_TEST_TMP");
	const ::testing::TestInfo *ti =
		::testing::UnitTest::GetInstance()->current_test_info();
	std::string base = dir ? dir : "/tmp";
	mkdir(base.c_str(), 0755);
	return base + "/workload_" + ti->name() + "_" + suffix;
}

// Every record of `w`, read in batches of `batch`.
inline std::vector<s2sim_record> drain(s2sim_workload *w, size_t batch = 1000)
{
	std::vector<s2sim_record> out, buf(batch);
	int rc = S2SIM_ROW;
	while (rc == S2SIM_ROW) {
		size_t n = 0;
		rc = s2sim_workload_read(w, buf.data(), batch, &n);
		out.insert(out.end(), buf.begin(), buf.begin() + (long)n);
	}
	EXPECT_EQ(rc, S2SIM_DONE) << s2sim_workload_errmsg(w);
	return out;
}

inline std::vector<s2sim_record> generate(const s2sim_dirtylog_params &p,
					  size_t batch = 1000)
{
	s2sim_workload *w = nullptr;
	std::vector<s2sim_record> recs;
	int rc = s2sim_workload_generator(&w, &p);
	EXPECT_EQ(rc, S2SIM_OK) << s2sim_workload_errmsg(w);
	if (rc == S2SIM_OK)
		recs = drain(w, batch);
	s2sim_workload_destroy(w);
	return recs;
}

inline bool same(const s2sim_record &a, const s2sim_record &b)
{
	return a.kind == b.kind && a.flags == b.flags &&
	       a.size_log2 == b.size_log2 && a.reserved == b.reserved &&
	       a.vcpu == b.vcpu && a.slot == b.slot && a.delta == b.delta &&
	       a.addr == b.addr && a.len == b.len;
}

inline std::string show(const s2sim_record &r)
{
	char buf[200];
	s2sim_record_format(&r, buf, sizeof(buf));
	return buf;
}

// Index of the first difference, or -1.
inline long first_difference(const std::vector<s2sim_record> &a,
			     const std::vector<s2sim_record> &b)
{
	size_t n = a.size() < b.size() ? a.size() : b.size();
	for (size_t i = 0; i < n; i++)
		if (!same(a[i], b[i]))
			return (long)i;
	return a.size() == b.size() ? -1 : (long)n;
}

inline s2sim_record rec(uint8_t kind)
{
	s2sim_record r = {};
	r.kind = kind;
	return r;
}

inline s2sim_record access(uint16_t vcpu, bool write, uint64_t ipa,
			   uint32_t delta)
{
	s2sim_record r = rec(S2SIM_REC_ACCESS);
	r.flags = write ? S2SIM_ACCESS_WRITE : 0;
	r.size_log2 = 3;
	r.vcpu = vcpu;
	r.delta = delta;
	r.addr = ipa;
	return r;
}

inline s2sim_record phase(uint32_t n)
{
	s2sim_record r = rec(S2SIM_REC_PHASE);
	r.delta = n;
	return r;
}

// An independent model of the workload: dirty_log_perf_test's run_test()
// driving memstress_guest_code() on each vCPU, written the obvious way
// (whole passes materialised).  guest_random_u32() is the Park-Miller
// minimal standard generator with multiplier 48271, which is exactly
// std::minstd_rand; its state persists across passes, seeded with
// random_seed + vcpu_idx.
inline std::vector<s2sim_record> reference(const s2sim_dirtylog_params &p)
{
	std::vector<s2sim_record> out;
	std::vector<std::minstd_rand> rng;
	uint64_t pages = p.bytes_per_vcpu / p.guest_page_size;
	uint64_t total = (uint64_t)p.vcpus * p.bytes_per_vcpu;

	for (uint32_t v = 0; v < p.vcpus; v++)
		rng.emplace_back((uint32_t)(p.seed + v));

	auto pass = [&](bool random, uint32_t write_percent) {
		// per vCPU program order, then interleaved round-robin
		std::vector<std::vector<s2sim_record>> per(p.vcpus);
		for (uint32_t v = 0; v < p.vcpus; v++) {
			uint64_t gva = p.base_ipa + v * p.bytes_per_vcpu;
			for (uint64_t i = 0; i < pages; i++) {
				uint64_t page = random ? rng[v]() % pages : i;
				bool w = rng[v]() % 100 < write_percent;
				per[v].push_back(access((uint16_t)v, w,
							gva + page * p.guest_page_size,
							p.instructions_per_access));
			}
		}
		for (uint64_t i = 0; i < pages; i++)
			for (uint32_t v = 0; v < p.vcpus; v++)
				out.push_back(per[v][i]);
	};

	s2sim_record ms = rec(S2SIM_REC_MEMSLOT);
	ms.size_log2 = (uint8_t)__builtin_ctzll(p.backing_page_size);
	ms.addr = p.base_ipa;
	ms.len = total;
	out.push_back(ms);
	out.push_back(phase(S2SIM_PHASE_POPULATE));
	pass(false, 100);
	s2sim_record en = rec(S2SIM_REC_DIRTY_LOG_ENABLE);
	if (p.initially_set)
		en.flags = S2SIM_DLOG_MANUAL_PROTECT | S2SIM_DLOG_INITIALLY_SET;
	out.push_back(en);
	for (uint32_t it = 1; it <= p.iterations; it++) {
		out.push_back(phase(it));
		pass(p.random_access, p.write_percent);
		out.push_back(rec(S2SIM_REC_GET_DIRTY_LOG));
		if (p.initially_set) {
			s2sim_record cl = rec(S2SIM_REC_CLEAR_DIRTY_LOG);
			cl.len = total / 4096;
			out.push_back(cl);
		}
	}
	out.push_back(rec(S2SIM_REC_DIRTY_LOG_DISABLE));
	out.push_back(phase(S2SIM_PHASE_END));
	return out;
}

// Small parameters: 2 vCPUs x 64 KiB of 4 KiB pages, 2 iterations, 100 %
// writes, at 1 GiB.
inline s2sim_dirtylog_params small_params()
{
	s2sim_dirtylog_params p;
	s2sim_dirtylog_params_default(&p);
	p.vcpus = 2;
	p.bytes_per_vcpu = 64 * KiB;
	p.guest_page_size = 4 * KiB;
	p.backing_page_size = 4 * KiB;
	p.iterations = 2;
	p.write_percent = 100;
	p.instructions_per_access = 20;
	p.base_ipa = 1 * GiB;
	return p;
}

} // namespace wl_test

#endif
