// The dirty-log generator (workloads/dirtylog_gen.c) against hand-computed
// cases of dirty_log_perf_test on memstress, and against an independent
// model of it (workload_test_util.h).
#include <cstring>
#include <set>

#include "workload_test_util.h"

extern "C" {
#include "workloads/dirtylog_gen.h"
}

using namespace wl_test;

namespace {

size_t count_kind(const std::vector<s2sim_record> &v, uint8_t kind)
{
	size_t n = 0;
	for (const s2sim_record &r : v)
		n += r.kind == kind;
	return n;
}

size_t count_writes(const std::vector<s2sim_record> &v, size_t from, size_t to)
{
	size_t n = 0;
	for (size_t i = from; i < to; i++)
		n += v[i].kind == S2SIM_REC_ACCESS &&
		     (v[i].flags & S2SIM_ACCESS_WRITE);
	return n;
}

// 2 vCPUs x 64 KiB, 4 KiB pages, 2 iterations, 100 % writes, manual
// protect + initially set.  By hand: 16 pages per vCPU, so every pass is
// 2 x 16 = 32 accesses, and the stream is
//   [0] memslot  [1] phase populate  [2..33] populate pass
//   [34] enable  [35] phase 1  [36..67] pass  [68] get  [69] clear
//   [70] phase 2  [71..102] pass  [103] get  [104] clear
//   [105] disable  [106] phase end                        = 107 records.
TEST(DirtyLogGen, SmallCaseMatchesTheHandCount)
{
	s2sim_dirtylog_params p = small_params();
	std::vector<s2sim_record> v = generate(p);
	const uint64_t base = 1 * GiB;

	ASSERT_EQ(v.size(), 107u);
	EXPECT_EQ(count_kind(v, S2SIM_REC_ACCESS), 3u * 32u);
	EXPECT_EQ(count_writes(v, 0, v.size()), 96u);

	// memslot 0: the whole region, 4 KiB backing
	EXPECT_EQ(v[0].kind, S2SIM_REC_MEMSLOT);
	EXPECT_EQ(v[0].slot, 0u);
	EXPECT_EQ(v[0].addr, base);
	EXPECT_EQ(v[0].len, 128 * KiB);
	EXPECT_EQ(v[0].size_log2, 12u);

	// the VMM events, in dirty_log_perf_test's order
	struct { size_t at; uint8_t kind; uint32_t phase; } ev[] = {
		{ 1, S2SIM_REC_PHASE, S2SIM_PHASE_POPULATE },
		{ 34, S2SIM_REC_DIRTY_LOG_ENABLE, 0 },
		{ 35, S2SIM_REC_PHASE, 1 },
		{ 68, S2SIM_REC_GET_DIRTY_LOG, 0 },
		{ 69, S2SIM_REC_CLEAR_DIRTY_LOG, 0 },
		{ 70, S2SIM_REC_PHASE, 2 },
		{ 103, S2SIM_REC_GET_DIRTY_LOG, 0 },
		{ 104, S2SIM_REC_CLEAR_DIRTY_LOG, 0 },
		{ 105, S2SIM_REC_DIRTY_LOG_DISABLE, 0 },
		{ 106, S2SIM_REC_PHASE, S2SIM_PHASE_END },
	};
	for (const auto &e : ev) {
		EXPECT_EQ(v[e.at].kind, e.kind) << "record " << e.at << ": "
						<< show(v[e.at]);
		EXPECT_EQ(v[e.at].delta, e.phase) << "record " << e.at;
	}
	EXPECT_EQ(v[34].flags, S2SIM_DLOG_MANUAL_PROTECT | S2SIM_DLOG_INITIALLY_SET);
	EXPECT_EQ(v[69].addr, 0u) << "clear from the first page";
	EXPECT_EQ(v[69].len, 32u) << "...of the whole slot, in 4 KiB pages";

	// every pass: vCPU 0's k-th access then vCPU 1's k-th, page k of each
	// vCPU's own 64 KiB region, the first u64 of the page, all writes
	for (size_t start : { 2u, 36u, 71u }) {
		for (uint64_t k = 0; k < 16; k++) {
			for (uint16_t c = 0; c < 2; c++) {
				const s2sim_record &r = v[start + 2 * k + c];
				s2sim_record want = access(c, true,
					base + c * 64 * KiB + k * 4 * KiB, 20);
				EXPECT_TRUE(same(r, want)) << "record "
					<< start + 2 * k + c << ": " << show(r)
					<< " want " << show(want);
			}
		}
	}
}

// Without manual protect (-g): enabling carries no flags and there is no
// CLEAR: 107 - 2 = 105 records.
TEST(DirtyLogGen, WithoutInitiallySetThereIsNoClear)
{
	s2sim_dirtylog_params p = small_params();
	p.initially_set = false;
	std::vector<s2sim_record> v = generate(p);

	ASSERT_EQ(v.size(), 105u);
	EXPECT_EQ(count_kind(v, S2SIM_REC_CLEAR_DIRTY_LOG), 0u);
	EXPECT_EQ(count_kind(v, S2SIM_REC_GET_DIRTY_LOG), 2u);
	EXPECT_EQ(v[34].kind, S2SIM_REC_DIRTY_LOG_ENABLE);
	EXPECT_EQ(v[34].flags, 0u);
	EXPECT_EQ(v[68].kind, S2SIM_REC_GET_DIRTY_LOG);
	EXPECT_EQ(v[69].kind, S2SIM_REC_PHASE);
	EXPECT_EQ(v[69].delta, 2u);
}

// guest_random_u32() with seed 1 gives 48271, 182605794, 1291394886,
// 1914720637, 2078669041, 407355683, 1105902161, 854716505 (x * 48271 mod
// 2^31-1).  1 vCPU x 4 pages, -w 50: populate draws x1..x4 (all writes
// anyway); iteration 1 decides with x5..x8 % 100 = 41, 83, 61, 5 < 50:
// write, read, read, write.
TEST(DirtyLogGen, WriteDecisionsFollowMemstressPrngByHand)
{
	s2sim_dirtylog_params p = small_params();
	p.vcpus = 1;
	p.bytes_per_vcpu = 16 * KiB;
	p.iterations = 1;
	p.write_percent = 50;
	p.seed = 1;
	std::vector<s2sim_record> v = generate(p);

	// memslot, phase, 4 populate, enable, phase 1, 4 accesses, ...
	ASSERT_EQ(v.size(), 2u + 4 + 2 + 4 + 2 + 2);
	for (size_t i = 2; i < 6; i++)
		EXPECT_TRUE(v[i].flags & S2SIM_ACCESS_WRITE) << "populate writes";
	const bool want[4] = { true, false, false, true };
	for (size_t k = 0; k < 4; k++) {
		const s2sim_record &r = v[8 + k];
		EXPECT_EQ(r.addr, 1 * GiB + k * 4 * KiB) << "sequential";
		EXPECT_EQ((r.flags & S2SIM_ACCESS_WRITE) != 0, want[k])
			<< "access " << k << ": " << show(r);
	}
}

// Random order draws the page first, then the write decision.  2 vCPUs x
// one page each, -a -w 50 -r 1, 2 iterations: vCPU 0 (state 1) and vCPU 1
// (state 2) each draw one value in the populate pass; iteration 1 draws
// (page, write) = (x2, x3): vCPU 0: x3 % 100 = 86 -> read; vCPU 1 (seed 2:
// 96542, 365211588, 435306125, 1681957627, 2009854435): 25 -> write.
// Iteration 2 uses x5: vCPU 0 41 -> write, vCPU 1 35 -> write.
TEST(DirtyLogGen, RandomOrderDrawsPageThenWriteByHand)
{
	s2sim_dirtylog_params p = small_params();
	p.bytes_per_vcpu = 4 * KiB;
	p.random_access = true;
	p.write_percent = 50;
	std::vector<s2sim_record> v = generate(p);

	// memslot phase a a enable | phase a a get clear | phase a a get clear
	// disable end
	ASSERT_EQ(v.size(), 17u);
	EXPECT_FALSE(v[6].flags & S2SIM_ACCESS_WRITE) << show(v[6]);
	EXPECT_TRUE(v[7].flags & S2SIM_ACCESS_WRITE) << show(v[7]);
	EXPECT_TRUE(v[11].flags & S2SIM_ACCESS_WRITE) << show(v[11]);
	EXPECT_TRUE(v[12].flags & S2SIM_ACCESS_WRITE) << show(v[12]);
	EXPECT_EQ(v[7].addr, 1 * GiB + 4 * KiB) << "vCPU 1's only page";
}

TEST(DirtyLogGen, MatchesTheIndependentModel)
{
	struct { uint32_t vcpus; uint64_t bytes, backing; uint32_t wp;
		 bool random, initially_set; uint64_t seed; uint32_t iters; } cases[] = {
		{ 2, 64 * KiB, 4 * KiB, 100, false, true, 1, 2 },
		{ 3, 256 * KiB, 4 * KiB, 30, true, true, 7, 3 },
		{ 4, 2 * MiB, 2 * MiB, 50, true, false, 12345, 2 },
		{ 1, 4 * MiB, 2 * MiB, 0, false, true, 4294967295ull, 1 },
		{ 5, 128 * KiB, 4 * KiB, 75, false, false, 99, 4 },
	};
	for (const auto &c : cases) {
		s2sim_dirtylog_params p = small_params();
		p.vcpus = c.vcpus;
		p.bytes_per_vcpu = c.bytes;
		p.backing_page_size = c.backing;
		p.base_ipa = 4 * GiB;
		p.write_percent = c.wp;
		p.random_access = c.random;
		p.initially_set = c.initially_set;
		p.seed = c.seed;
		p.iterations = c.iters;
		p.instructions_per_access = 1000 + c.vcpus;
		std::vector<s2sim_record> got = generate(p, 97), want = reference(p);
		long d = first_difference(got, want);
		EXPECT_EQ(d, -1) << c.vcpus << " vCPUs, seed " << c.seed << ": at "
				 << d << " got "
				 << (d >= 0 && (size_t)d < got.size() ? show(got[d]) : "end")
				 << " want "
				 << (d >= 0 && (size_t)d < want.size() ? show(want[d]) : "end");
	}
}

TEST(DirtyLogGen, HalfWritesAtFiftyPercentAndDeterministicPerSeed)
{
	s2sim_dirtylog_params p = small_params();
	p.vcpus = 4;
	p.bytes_per_vcpu = 4 * MiB; // 1024 pages each
	p.iterations = 2;
	p.write_percent = 50;
	std::vector<s2sim_record> a = generate(p);
	const size_t pass = 4 * 1024;

	// populate: 100 % writes whatever -w says
	EXPECT_EQ(count_writes(a, 2, 2 + pass), pass);
	// iteration 1 starts after populate, enable and its phase marker
	size_t it1 = 2 + pass + 2;
	size_t w1 = count_writes(a, it1, it1 + pass);
	EXPECT_GT(w1, pass * 45 / 100);
	EXPECT_LT(w1, pass * 55 / 100);
	EXPECT_EQ(count_kind(a, S2SIM_REC_ACCESS), 3 * pass);

	EXPECT_EQ(first_difference(a, generate(p, 1)), -1) << "batch size";
	EXPECT_EQ(first_difference(a, generate(p, 4096)), -1) << "rerun";
	p.seed = 2;
	EXPECT_NE(first_difference(a, generate(p)), -1) << "another seed";
}

TEST(DirtyLogGen, RandomOrderStaysInEachVcpusDisjointRegion)
{
	s2sim_dirtylog_params p = small_params();
	p.vcpus = 4;
	p.bytes_per_vcpu = 256 * KiB; // 64 pages each
	p.random_access = true;
	p.write_percent = 60;
	p.seed = 3;
	std::vector<s2sim_record> v = generate(p);
	std::vector<std::set<uint64_t>> pages(4);
	uint32_t ph = 0;
	bool out_of_order = false;
	std::vector<uint64_t> last(4, 0);

	for (const s2sim_record &r : v) {
		if (r.kind == S2SIM_REC_PHASE)
			ph = r.delta;
		if (r.kind != S2SIM_REC_ACCESS)
			continue;
		uint64_t lo = p.base_ipa + r.vcpu * p.bytes_per_vcpu;
		ASSERT_GE(r.addr, lo) << show(r);
		ASSERT_LT(r.addr, lo + p.bytes_per_vcpu) << show(r);
		EXPECT_EQ((r.addr - lo) % (4 * KiB), 0u) << "first word of a page";
		if (ph == S2SIM_PHASE_POPULATE) {
			EXPECT_TRUE(r.flags & S2SIM_ACCESS_WRITE);
			continue; // populate is sequential whatever -a says
		}
		pages[r.vcpu].insert(r.addr);
		out_of_order |= r.addr < last[r.vcpu];
		last[r.vcpu] = r.addr;
	}
	EXPECT_TRUE(out_of_order) << "random order is not sequential";
	for (int c = 0; c < 4; c++)
		EXPECT_GT(pages[c].size(), 32u) << "random pages cover much of the region";

	std::vector<s2sim_record> again = generate(p);
	EXPECT_EQ(first_difference(v, again), -1) << "same seed, same stream";
	p.seed = 4;
	std::vector<s2sim_record> other = generate(p);
	ASSERT_EQ(other.size(), v.size());
	size_t differ = 0;
	for (size_t i = 0; i < v.size(); i++)
		differ += v[i].addr != other[i].addr;
	EXPECT_GT(differ, v.size() / 2) << "another seed, other pages";
}

TEST(DirtyLogGen, DefaultsAreDirtyLogPerfTestDefaults)
{
	s2sim_dirtylog_params p;
	s2sim_dirtylog_params_default(&p);
	EXPECT_EQ(p.vcpus, 1u);
	EXPECT_EQ(p.bytes_per_vcpu, 1 * GiB);  // -b 1G
	EXPECT_EQ(p.guest_page_size, 4 * KiB);
	EXPECT_EQ(p.backing_page_size, 4 * KiB);
	EXPECT_EQ(p.write_percent, 100u);      // -w 100
	EXPECT_EQ(p.iterations, 2u);           // -i 2
	EXPECT_EQ(p.seed, 1u);                 // -r 1
	EXPECT_TRUE(p.initially_set);
	EXPECT_FALSE(p.random_access);
	// memstress: (2^28 - 2^18 - 1) pages of 4 KiB in a 40-bit IPA space
	EXPECT_EQ(p.base_ipa, (1ull << 40) - 1 * GiB - 4 * KiB);
}

TEST(DirtyLogGen, BaseIpaIsAtTheTopAlignedToTheBackingPage)
{
	uint64_t base = 0;
	ASSERT_EQ(s2sim_dlgen_base_ipa(40, 2 * GiB, 4 * KiB, 2 * MiB, &base,
				       nullptr), S2SIM_OK);
	EXPECT_EQ(base, (1ull << 40) - 2 * GiB - 2 * MiB);
	ASSERT_EQ(s2sim_dlgen_base_ipa(44, 192 * GiB, 4 * KiB, 1 * GiB, &base,
				       nullptr), S2SIM_OK);
	EXPECT_EQ(base, (1ull << 44) - 193 * GiB);
	s2sim_errbuf err = {};
	EXPECT_EQ(s2sim_dlgen_base_ipa(32, 4 * GiB, 4 * KiB, 4 * KiB, &base, &err),
		  S2SIM_ELIMIT) << "memstress needs one spare page";
	EXPECT_NE(std::strstr(err.msg, "do not fit"), nullptr) << err.msg;
}

void expect_rejected(const s2sim_dirtylog_params &p, int rc, const char *text)
{
	s2sim_workload *w = nullptr;
	EXPECT_EQ(s2sim_workload_generator(&w, &p), rc) << text;
	ASSERT_NE(w, nullptr) << "a handle carries the message";
	EXPECT_NE(std::strstr(s2sim_workload_errmsg(w), text), nullptr)
		<< "message: " << s2sim_workload_errmsg(w) << "; want " << text;
	s2sim_workload_destroy(w);
}

TEST(DirtyLogGen, AbsurdParametersAreRejectedWithAMessage)
{
	s2sim_dirtylog_params p = small_params();

	p.vcpus = 0;
	expect_rejected(p, S2SIM_ELIMIT, "vcpus = 0");
	p.vcpus = S2SIM_TRACE_MAX_VCPUS + 1;
	expect_rejected(p, S2SIM_ELIMIT, "vcpus = 4097: must be 1 to 4096");
	p = small_params();
	p.bytes_per_vcpu = 0;
	expect_rejected(p, S2SIM_ELIMIT, "0 guest pages");
	p.bytes_per_vcpu = 1 * KiB;
	expect_rejected(p, S2SIM_ELIMIT, "0 guest pages");
	p.bytes_per_vcpu = 6 * KiB;
	expect_rejected(p, S2SIM_EINPUT, "not a multiple");
	p = small_params();
	p.write_percent = 101;
	expect_rejected(p, S2SIM_ELIMIT, "write_percent = 101");
	p = small_params();
	p.iterations = 0;
	expect_rejected(p, S2SIM_ELIMIT, "iterations = 0");
	p = small_params();
	p.seed = 0;
	expect_rejected(p, S2SIM_ELIMIT, "seed = 0");
	p.seed = 1ull << 32;
	expect_rejected(p, S2SIM_ELIMIT, "32-bit");
	p = small_params();
	p.backing_page_size = 64 * KiB;
	expect_rejected(p, S2SIM_EINPUT, "4KiB, 2MiB or 1GiB");
	p = small_params();
	p.guest_page_size = 6 * KiB;
	expect_rejected(p, S2SIM_EINPUT, "power of two");
	p = small_params();
	p.base_ipa = 1 * GiB + 512;
	expect_rejected(p, S2SIM_EINPUT, "not aligned");
	p = small_params();
	p.base_ipa = (1ull << 52) - 64 * KiB;
	expect_rejected(p, S2SIM_ELIMIT, "52-bit IPA space");
	p = small_params();
	p.vcpus = 4096;
	p.bytes_per_vcpu = 1ull << 42;
	expect_rejected(p, S2SIM_ELIMIT, "exceed the 52-bit IPA space");

	s2sim_workload *w = nullptr;
	EXPECT_EQ(s2sim_workload_generator(&w, nullptr), S2SIM_EMISUSE);
	s2sim_workload_destroy(w);
}

// The stream is produced lazily: the first records of a huge workload
// (4096 vCPUs x 4 TiB) come at once and the state is per-vCPU, not
// per-access.
TEST(DirtyLogGen, HugeWorkloadsStreamLazily)
{
	s2sim_dirtylog_params p = small_params();
	p.vcpus = 4096;
	p.bytes_per_vcpu = 1ull << 40;
	p.backing_page_size = 1 * GiB;
	p.base_ipa = 0;
	s2sim_workload *w = nullptr;
	ASSERT_EQ(s2sim_workload_generator(&w, &p), S2SIM_OK)
		<< s2sim_workload_errmsg(w);
	EXPECT_EQ(s2sim_workload_vcpus(w), 4096u);
	std::vector<s2sim_record> buf(10000);
	size_t n = 0;
	ASSERT_EQ(s2sim_workload_read(w, buf.data(), buf.size(), &n), S2SIM_ROW);
	ASSERT_EQ(n, buf.size());
	EXPECT_EQ(buf[0].len, 1ull << 52);
	// records 2.. are the round-robin first accesses of vCPU 0, 1, ...
	EXPECT_EQ(buf[2 + 4095].vcpu, 4095u);
	EXPECT_EQ(buf[2 + 4095].addr, 4095ull << 40);
	EXPECT_EQ(buf[2 + 4096].vcpu, 0u);
	EXPECT_EQ(buf[2 + 4096].addr, 4 * KiB);
	s2sim_workload_destroy(w);
}

} // namespace
