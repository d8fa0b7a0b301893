// Tests of the generic TLB (core/mmu/tlb*.c): replacement and invalidation
// against a brute-force reference model, conflict policies, kind filtering,
// entry building from walks, and the TLBI operand layouts of the Arm ARM.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <list>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "core/mmu/tlb.h"
#include "core/mmu/tlb_tlbi.h"

namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

s2sim_tlb_entry make_entry(uint16_t vmid, uint64_t ipa, unsigned size,
			   uint8_t perms = 7, uint8_t level = 3,
			   s2sim_tlb_kind kind = S2SIM_TLB_KIND_COMBINED)
{
	s2sim_tlb_entry e{};
	e.ipa = ipa;
	e.pa = ipa + 0x100000000ull;
	e.vmid = vmid;
	e.size = (uint8_t)size;
	e.perms = perms;
	e.level = level;
	e.kind = (uint8_t)kind;
	return e;
}

bool same_entry(const s2sim_tlb_entry &a, const s2sim_tlb_entry &b)
{
	return a.ipa == b.ipa && a.pa == b.pa && a.vmid == b.vmid &&
	       a.size == b.size && a.perms == b.perms && a.level == b.level &&
	       a.kind == b.kind && a.nt == b.nt;
}

struct Tlb {
	s2sim_tlb t;
	Tlb(uint32_t entries, uint32_t ways, s2sim_repl repl,
	    s2sim_conflict_policy conflict = S2SIM_CONFLICT_ABORT,
	    uint64_t seed = 1)
	{
		s2sim_cfg_tlb cfg{entries, ways, 1, repl};
		EXPECT_EQ(s2sim_tlb_init(&t, &cfg, conflict, seed, nullptr),
			  S2SIM_OK);
	}
	~Tlb() { s2sim_tlb_fini(&t); }
	std::vector<s2sim_tlb_entry> contents() const
	{
		std::vector<s2sim_tlb_entry> v;
		s2sim_tlb_foreach(
			&t,
			[](void *ctx, const s2sim_tlb_entry *e) {
				static_cast<std::vector<s2sim_tlb_entry> *>(ctx)
					->push_back(*e);
			},
			&v);
		return v;
	}
};

// ---------------------------------------------------------------------
// Brute-force reference: every set is a std::vector of ways; lookups and
// invalidations scan every entry.  The replacement policies are written
// from their textbook definitions (LRU as a recency list, tree PLRU as a
// heap of direction bits, bit-PLRU as MRU bits), as docs/mmu.md states.
// ---------------------------------------------------------------------
struct RefWay {
	bool valid = false;
	s2sim_tlb_entry e{};
	uint64_t seq = 0;
};

struct RefTlb {
	uint32_t sets, ways;
	s2sim_repl repl;
	s2sim_conflict_policy conflict;
	uint64_t rng;
	uint64_t seq = 0;
	std::vector<std::vector<RefWay>> set;
	std::vector<std::list<uint32_t>> recency; // LRU: front = most recent
	std::vector<std::vector<int>> tree;       // tree PLRU, heap-indexed
	std::vector<std::vector<bool>> mru;       // bit-PLRU
	s2sim_tlb_stats stats{};

	RefTlb(uint32_t entries, uint32_t w, s2sim_repl r,
	       s2sim_conflict_policy c, uint64_t seed)
		: sets(entries / w), ways(w), repl(r), conflict(c),
		  rng(seed ? seed : 0x2545F4914F6CDD1Dull),
		  set(sets, std::vector<RefWay>(w)), recency(sets),
		  tree(sets, std::vector<int>(w, 0)),
		  mru(sets, std::vector<bool>(w, false))
	{
	}

	bool pow2_ways() const { return (ways & (ways - 1)) == 0; }

	void touch(uint32_t s, uint32_t w)
	{
		auto &l = recency[s];
		l.remove(w);
		l.push_front(w);
		if (repl != S2SIM_REPL_PLRU)
			return;
		if (pow2_ways()) {
			// every node on the path points to the other subtree
			for (uint32_t n = ways + w; n > 1; n /= 2)
				tree[s][n / 2] = (n % 2 == 0) ? 1 : 0;
			return;
		}
		mru[s][w] = true;
		if (std::all_of(mru[s].begin(), mru[s].end(),
				[](bool b) { return b; })) {
			std::fill(mru[s].begin(), mru[s].end(), false);
			mru[s][w] = true;
		}
	}

	void forget(uint32_t s, uint32_t w)
	{
		set[s][w].valid = false;
		recency[s].remove(w);
		if (repl == S2SIM_REPL_PLRU && !pow2_ways())
			mru[s][w] = false;
	}

	uint64_t xorshift()
	{
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		return rng;
	}

	uint32_t victim(uint32_t s)
	{
		for (uint32_t w = 0; w < ways; w++)
			if (!set[s][w].valid)
				return w;
		switch (repl) {
		case S2SIM_REPL_LRU:
			return recency[s].back();
		case S2SIM_REPL_PLRU:
			if (pow2_ways()) {
				uint32_t n = 1;
				while (n < ways)
					n = 2 * n + (uint32_t)tree[s][n];
				return n - ways;
			}
			for (uint32_t w = 0; w < ways; w++)
				if (!mru[s][w])
					return w;
			return 0;
		default:
			return (uint32_t)(xorshift() % ways);
		}
	}

	int insert(const s2sim_tlb_entry &e)
	{
		stats.insertions++;
		for (uint32_t s = 0; s < sets; s++)
			for (uint32_t w = 0; w < ways; w++) {
				RefWay &x = set[s][w];
				if (x.valid && x.e.vmid == e.vmid &&
				    x.e.kind == e.kind && x.e.size == e.size &&
				    x.e.ipa == e.ipa) {
					x.e = e;
					x.seq = ++seq;
					touch(s, w);
					return S2SIM_TLB_REPLACED;
				}
			}
		uint32_t s = (uint32_t)((e.ipa >> e.size) % sets);
		uint32_t w = victim(s);
		int rc = S2SIM_TLB_FILLED;
		if (set[s][w].valid) {
			forget(s, w);
			stats.evictions++;
			rc = S2SIM_TLB_EVICTED;
		}
		set[s][w].valid = true;
		set[s][w].e = e;
		set[s][w].seq = ++seq;
		touch(s, w);
		return rc;
	}

	s2sim_tlb_outcome lookup(uint16_t vmid, uint64_t ipa,
				 s2sim_tlb_kind kind, s2sim_tlb_entry *out)
	{
		// (size, set, way) of every match, smallest first
		std::vector<std::tuple<unsigned, uint32_t, uint32_t>> m;
		for (uint32_t s = 0; s < sets; s++)
			for (uint32_t w = 0; w < ways; w++) {
				const RefWay &x = set[s][w];
				if (x.valid && x.e.vmid == vmid &&
				    x.e.kind == kind &&
				    (ipa >> x.e.size) == (x.e.ipa >> x.e.size))
					m.emplace_back(x.e.size, s, w);
			}
		std::sort(m.begin(), m.end());
		if (m.empty()) {
			stats.misses++;
			return S2SIM_TLB_MISS;
		}
		size_t newest = 0;
		uint8_t perms = 0xff, nt = 0;
		for (size_t i = 0; i < m.size(); i++) {
			auto [sz, s, w] = m[i];
			(void)sz;
			touch(s, w);
			const RefWay &x = set[s][w];
			const RefWay &y = set[std::get<1>(m[newest])]
					     [std::get<2>(m[newest])];
			if (x.seq > y.seq)
				newest = i;
			perms &= x.e.perms;
			nt |= x.e.nt;
		}
		auto at = [&](size_t i) {
			return set[std::get<1>(m[i])][std::get<2>(m[i])].e;
		};
		if (m.size() == 1) {
			stats.hits++;
			*out = at(0);
			return S2SIM_TLB_HIT;
		}
		stats.conflicts++;
		*out = at(newest);
		if (conflict == S2SIM_CONFLICT_ABORT)
			return S2SIM_TLB_CONFLICT;
		stats.hits++;
		if (conflict == S2SIM_CONFLICT_AMALGAMATE) {
			*out = at(0);
			out->perms = perms;
			out->nt = nt;
		}
		return S2SIM_TLB_HIT_RESOLVED;
	}

	template <class Pred> uint32_t remove_if(Pred p)
	{
		uint32_t n = 0;
		for (uint32_t s = 0; s < sets; s++)
			for (uint32_t w = 0; w < ways; w++)
				if (set[s][w].valid && p(set[s][w].e)) {
					forget(s, w);
					n++;
				}
		stats.invalidations++;
		stats.removed += n;
		return n;
	}

	uint32_t inv_range(uint16_t vmid, uint64_t lo, uint64_t len,
			   unsigned kinds, unsigned ttl)
	{
		return remove_if([&](const s2sim_tlb_entry &e) {
			uint64_t end = e.ipa + (1ull << e.size);
			return e.vmid == vmid && (kinds >> e.kind & 1) &&
			       (ttl == 0 || e.level == ttl) && len != 0 &&
			       e.ipa < lo + len && lo < end;
		});
	}

	std::vector<s2sim_tlb_entry> contents() const
	{
		std::vector<s2sim_tlb_entry> v;
		for (const auto &s : set)
			for (const auto &w : s)
				if (w.valid)
					v.push_back(w.e);
		return v;
	}
};

bool entry_less(const s2sim_tlb_entry &a, const s2sim_tlb_entry &b)
{
	return std::tie(a.vmid, a.kind, a.size, a.ipa) <
	       std::tie(b.vmid, b.kind, b.size, b.ipa);
}

void expect_same_contents(std::vector<s2sim_tlb_entry> a,
			  std::vector<s2sim_tlb_entry> b)
{
	std::sort(a.begin(), a.end(), entry_less);
	std::sort(b.begin(), b.end(), entry_less);
	ASSERT_EQ(a.size(), b.size());
	for (size_t i = 0; i < a.size(); i++)
		ASSERT_TRUE(same_entry(a[i], b[i])) << "entry " << i;
}

void expect_same_stats(const s2sim_tlb_stats &a, const s2sim_tlb_stats &b)
{
	EXPECT_EQ(a.hits, b.hits);
	EXPECT_EQ(a.misses, b.misses);
	EXPECT_EQ(a.conflicts, b.conflicts);
	EXPECT_EQ(a.insertions, b.insertions);
	EXPECT_EQ(a.evictions, b.evictions);
	EXPECT_EQ(a.invalidations, b.invalidations);
	EXPECT_EQ(a.removed, b.removed);
}

struct Rng {
	uint64_t s;
	uint64_t next()
	{
		// splitmix64: independent of the TLB's xorshift
		uint64_t z = (s += 0x9E3779B97F4A7C15ull);
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
		return z ^ (z >> 31);
	}
	uint64_t below(uint64_t n) { return next() % n; }
};

struct Geometry {
	uint32_t entries, ways;
	s2sim_repl repl;
	s2sim_conflict_policy conflict;
	bool mixed; // several sizes (and so conflicts)
};

// White-box consistency of the bookkeeping that lets invalidation and
// replacement avoid scanning every slot (core/mmu/tlb.h): the dense array
// of valid slots, the free-way bitmaps and, in a fully associative LRU TLB,
// the recency list.  A free slot's tag is all ones, an unlinked slot's
// links are UINT32_MAX (S2SIM_TLB_TAG_FREE and S2SIM_TLB_NIL).
::testing::AssertionResult tlb_consistent(const s2sim_tlb &t)
{
	std::vector<int> seen(t.entries, 0);
	uint32_t valid = 0;

	for (uint32_t i = 0; i < t.valid; i++) {
		uint32_t slot = t.live[i];
		if (slot >= t.entries || seen[slot]++ ||
		    t.live_pos[slot] != i || t.tag[slot] == UINT64_MAX)
			return ::testing::AssertionFailure()
			       << "live[" << i << "] = " << slot;
	}
	for (uint32_t slot = 0; slot < t.entries; slot++) {
		uint32_t set = slot / t.ways, way = slot % t.ways;
		uint64_t word = t.freemap[(size_t)set * t.set_words + way / 64];
		bool is_free = t.tag[slot] == UINT64_MAX;
		valid += !is_free;
		if (((word >> (way % 64)) & 1) != is_free ||
		    seen[slot] == (int)is_free)
			return ::testing::AssertionFailure() << "slot " << slot;
		if (t.lru && is_free &&
		    (t.lru[slot].prev != UINT32_MAX ||
		     t.lru[slot].next != UINT32_MAX))
			return ::testing::AssertionFailure()
			       << "free slot " << slot << " still linked";
	}
	if (valid != t.valid)
		return ::testing::AssertionFailure() << "valid " << t.valid;
	if (!t.lru)
		return ::testing::AssertionSuccess();
	// the recency list holds every valid slot once, links both ways
	uint32_t n = 0;
	for (uint32_t s = t.lru_head; s != UINT32_MAX && n <= t.valid;) {
		if (t.tag[s] == UINT64_MAX || t.lru[t.lru[s].next].prev != s)
			return ::testing::AssertionFailure() << "link " << s;
		n++;
		s = t.lru[s].next;
		if (s == t.lru_head)
			break;
	}
	if (n != t.valid)
		return ::testing::AssertionFailure() << "list of " << n;
	return ::testing::AssertionSuccess();
}

// A random sequence of inserts, lookups and invalidations, compared with
// the reference after every operation.  `flush_heavy`: whole-VMID and
// whole-TLB invalidations about once per `entries` operations (16 at
// least), so that the TLB is often nearly empty when flushed (KVM's
// break-before-make pattern), ranges of up to 16 MiB, and a consistency
// check of the internal bookkeeping as it goes.
void run_random(const Geometry &g, uint64_t seed, int ops,
		bool flush_heavy = false)
{
	Tlb dut(g.entries, g.ways, g.repl, g.conflict, seed);
	RefTlb ref(g.entries, g.ways, g.repl, g.conflict, seed);
	Rng r{seed * 7919 + 1};
	static const unsigned sizes[] = {12, 12, 12, 12, 12, 16, 16, 21, 21, 25};
	// recently used addresses, so that lookups hit and inserts of other
	// sizes overlap (conflicts); the rest are spread over 256 MiB
	std::vector<uint64_t> recent(g.entries, 0);

	for (int i = 0; i < ops; i++) {
		uint16_t vmid = (uint16_t)(1 + r.below(3));
		s2sim_tlb_kind kind = r.below(4) ? S2SIM_TLB_KIND_COMBINED
						 : S2SIM_TLB_KIND_STAGE2;
		uint64_t ipa = r.below(256 * MiB);
		unsigned op = (unsigned)r.below(1000);
		uint64_t &slot = recent[r.below(recent.size())];
		SCOPED_TRACE(::testing::Message() << "op " << i);

		if (r.below(4) != 0 && slot)
			ipa = (slot & ~0xfffull) | (ipa & 0xfff);
		else
			slot = ipa;
		if (r.below(4) != 0)
			vmid = 1;
		// flushes of a whole VMID or TLB are rarer in big TLBs, so that
		// those fill up and evict too
		if (flush_heavy) {
			op = op >= 996 ? 0 : op;
			if (r.below(std::max(g.entries, 16u)) == 0)
				op = 996 + (unsigned)r.below(4);
		} else if (op >= 996 && r.below(g.entries / 48 + 1) != 0) {
			op = 0;
		}
		if (op < 550) {
			s2sim_tlb_entry a{}, b{};
			auto oa = s2sim_tlb_lookup(&dut.t, vmid, ipa, kind, &a);
			auto ob = ref.lookup(vmid, ipa, kind, &b);
			ASSERT_EQ(oa, ob);
			if (oa != S2SIM_TLB_MISS) {
				ASSERT_TRUE(same_entry(a, b));
			}
		} else if (op < 956) {
			unsigned size = g.mixed ? sizes[r.below(10)] : 12;
			uint64_t base = ipa & ~((1ull << size) - 1);
			s2sim_tlb_entry e = make_entry(
				vmid, base, size, (uint8_t)(1 + r.below(7)),
				(uint8_t)(size >= 21 ? 2 : 3), kind);
			e.nt = (uint8_t)(r.below(8) == 0);
			ASSERT_EQ(s2sim_tlb_insert(&dut.t, &e, nullptr),
				  ref.insert(e));
		} else if (op < 986) {
			uint64_t len = (1 + r.below(flush_heavy ? 4096 : 64))
				       << 12;
			unsigned kinds = 1 + (unsigned)r.below(3);
			unsigned ttl = r.below(3) ? 0 : 2 + (unsigned)r.below(2);
			ASSERT_EQ(s2sim_tlb_inv_range(&dut.t, vmid, ipa, len,
						      kinds, false, ttl),
				  ref.inv_range(vmid, ipa, len, kinds, ttl));
		} else if (op < 996) {
			unsigned kinds = 1 + (unsigned)r.below(3);
			unsigned ttl = r.below(2) ? 0 : 3;
			ASSERT_EQ(s2sim_tlb_inv_ipa(&dut.t, vmid, ipa, kinds,
						    r.below(2), ttl),
				  ref.inv_range(vmid, ipa, 1, kinds, ttl));
		} else if (op < 999) {
			unsigned kinds = 1 + (unsigned)r.below(3);
			ASSERT_EQ(s2sim_tlb_inv_vmid(&dut.t, vmid, kinds),
				  ref.remove_if([&](const s2sim_tlb_entry &e) {
					  return e.vmid == vmid &&
						 (kinds >> e.kind & 1);
				  }));
		} else {
			unsigned kinds = 1 + (unsigned)r.below(3);
			ASSERT_EQ(s2sim_tlb_inv_all(&dut.t, kinds),
				  ref.remove_if([&](const s2sim_tlb_entry &e) {
					  return (kinds >> e.kind & 1) != 0;
				  }));
		}
		if (i % (g.entries > 256 ? 2048 : 64) == 0)
			expect_same_contents(dut.contents(), ref.contents());
		if (flush_heavy && i % (g.entries > 256 ? 16 : 1) == 0) {
			ASSERT_TRUE(tlb_consistent(dut.t));
		}
	}
	expect_same_contents(dut.contents(), ref.contents());
	expect_same_stats(dut.t.stats, ref.stats);
	// the sequence exercised what it is meant to
	const s2sim_tlb_stats &st = dut.t.stats;
	EXPECT_GT(st.hits, 0u);
	EXPECT_GT(st.misses, 0u);
	EXPECT_GT(st.evictions, 0u);
	EXPECT_GT(st.removed, 0u);
	if (g.mixed)
		EXPECT_GT(st.conflicts, 0u);
	else
		EXPECT_EQ(st.conflicts, 0u); // one size cannot conflict
}

// Deterministic test names (the default would print the padding bytes).
std::string geometry_name(const ::testing::TestParamInfo<Geometry> &info)
{
	static const char *repl[] = {"lru", "plru", "random"};
	static const char *conflict[] = {"abort", "first", "amalgamate"};
	const Geometry &g = info.param;

	return std::to_string(g.entries) + "x" + std::to_string(g.ways) + "_" +
	       repl[g.repl] + "_" + conflict[g.conflict] +
	       (g.mixed ? "_mixed" : "_4k");
}

void PrintTo(const Geometry &g, std::ostream *os)
{
	*os << g.entries << " entries, " << g.ways << " ways";
}

class TlbRandom : public ::testing::TestWithParam<Geometry> {};

TEST_P(TlbRandom, MatchesBruteForceReference)
{
	// the reference scans every entry: fewer runs of the big TLB keep the
	// sanitizer build fast
	uint64_t seeds = GetParam().entries > 256 ? 1 : 3;

	for (uint64_t seed = 1; seed <= seeds; seed++)
		run_random(GetParam(), seed, 20000);
}

// L1 (48-entry FA), N1's L2 (1280 entries, 5 ways), a tree-PLRU SA and FA,
// a set count that is not a power of two, and sets of more than 64 ways.
INSTANTIATE_TEST_SUITE_P(
	Geometries, TlbRandom,
	::testing::Values(
		Geometry{48, 48, S2SIM_REPL_LRU, S2SIM_CONFLICT_ABORT, false},
		Geometry{48, 48, S2SIM_REPL_PLRU, S2SIM_CONFLICT_FIRST, true},
		Geometry{48, 48, S2SIM_REPL_RANDOM, S2SIM_CONFLICT_AMALGAMATE,
			 true},
		Geometry{48, 48, S2SIM_REPL_LRU, S2SIM_CONFLICT_ABORT, true},
		Geometry{8, 8, S2SIM_REPL_PLRU, S2SIM_CONFLICT_ABORT, true},
		Geometry{1280, 5, S2SIM_REPL_LRU, S2SIM_CONFLICT_ABORT, true},
		Geometry{1280, 5, S2SIM_REPL_PLRU, S2SIM_CONFLICT_FIRST, false},
		Geometry{1280, 5, S2SIM_REPL_RANDOM, S2SIM_CONFLICT_ABORT,
			 true},
		Geometry{64, 4, S2SIM_REPL_PLRU, S2SIM_CONFLICT_AMALGAMATE,
			 true},
		Geometry{36, 3, S2SIM_REPL_LRU, S2SIM_CONFLICT_FIRST, true},
		Geometry{36, 3, S2SIM_REPL_PLRU, S2SIM_CONFLICT_ABORT, true},
		Geometry{256, 128, S2SIM_REPL_PLRU, S2SIM_CONFLICT_FIRST, true},
		Geometry{256, 128, S2SIM_REPL_LRU, S2SIM_CONFLICT_ABORT, true}),
	geometry_name);

// Frequent whole-VMID / whole-TLB flushes of a partly filled TLB, the
// case the dense array of valid slots is for, and long ranges, which
// switch between visiting sets and visiting the valid slots.
class TlbRandomFlushHeavy : public ::testing::TestWithParam<Geometry> {};

TEST_P(TlbRandomFlushHeavy, MatchesBruteForceReference)
{
	uint64_t seeds = GetParam().entries > 256 ? 1 : 3;

	for (uint64_t seed = 11; seed < 11 + seeds; seed++)
		run_random(GetParam(), seed, 20000, true);
}

INSTANTIATE_TEST_SUITE_P(
	Geometries, TlbRandomFlushHeavy,
	::testing::Values(
		Geometry{48, 48, S2SIM_REPL_LRU, S2SIM_CONFLICT_ABORT, true},
		Geometry{48, 48, S2SIM_REPL_PLRU, S2SIM_CONFLICT_FIRST, false},
		Geometry{1280, 5, S2SIM_REPL_LRU, S2SIM_CONFLICT_ABORT, true},
		Geometry{1280, 5, S2SIM_REPL_PLRU, S2SIM_CONFLICT_FIRST, true},
		Geometry{36, 3, S2SIM_REPL_RANDOM, S2SIM_CONFLICT_AMALGAMATE,
			 true},
		Geometry{256, 128, S2SIM_REPL_LRU, S2SIM_CONFLICT_FIRST, true},
		Geometry{2, 2, S2SIM_REPL_LRU, S2SIM_CONFLICT_ABORT, false}),
	geometry_name);

// ---------------------------------------------------------------------
// Replacement, hand-checked sequences.
// ---------------------------------------------------------------------
// Ways of a one-set TLB are filled in order, so entry i sits in way i.
uint64_t page(unsigned i) { return (uint64_t)i << 12; }

bool present(Tlb &t, uint64_t ipa)
{
	for (const auto &e : t.contents())
		if (e.ipa == ipa)
			return true;
	return false;
}

void fill_and_touch(Tlb &t, unsigned ways, unsigned touched)
{
	for (unsigned i = 0; i < ways; i++) {
		s2sim_tlb_entry e = make_entry(1, page(i), 12);
		ASSERT_EQ(s2sim_tlb_insert(&t.t, &e, nullptr), S2SIM_TLB_FILLED);
	}
	s2sim_tlb_entry out;
	ASSERT_EQ(s2sim_tlb_lookup(&t.t, 1, page(touched), S2SIM_TLB_KIND_COMBINED,
				   &out),
		  S2SIM_TLB_HIT);
}

TEST(TlbReplacement, TreePlruFourWays)
{
	// Fill A B C D, use A.  Tree bits then: root -> right half, right
	// node -> left leaf (D was used after C): the victim is C (way 2).
	Tlb t(4, 4, S2SIM_REPL_PLRU);
	fill_and_touch(t, 4, 0);
	s2sim_tlb_entry e = make_entry(1, page(9), 12), ev{};
	ASSERT_EQ(s2sim_tlb_insert(&t.t, &e, &ev), S2SIM_TLB_EVICTED);
	EXPECT_EQ(ev.ipa, page(2));
}

TEST(TlbReplacement, BitPlruFiveWays)
{
	// Filling way 4 sets the last clear MRU bit, so the others clear;
	// using way 0 sets its bit; the lowest clear bit is way 1.
	Tlb t(5, 5, S2SIM_REPL_PLRU);
	fill_and_touch(t, 5, 0);
	s2sim_tlb_entry e = make_entry(1, page(9), 12), ev{};
	ASSERT_EQ(s2sim_tlb_insert(&t.t, &e, &ev), S2SIM_TLB_EVICTED);
	EXPECT_EQ(ev.ipa, page(1));
	// now ways 0, 1 (new), 4 are MRU: the next victim is way 2
	e = make_entry(1, page(10), 12);
	ASSERT_EQ(s2sim_tlb_insert(&t.t, &e, &ev), S2SIM_TLB_EVICTED);
	EXPECT_EQ(ev.ipa, page(2));
}

TEST(TlbReplacement, LruFiveWays)
{
	Tlb t(5, 5, S2SIM_REPL_LRU);
	fill_and_touch(t, 5, 0);
	s2sim_tlb_entry e = make_entry(1, page(9), 12), ev{};
	ASSERT_EQ(s2sim_tlb_insert(&t.t, &e, &ev), S2SIM_TLB_EVICTED);
	EXPECT_EQ(ev.ipa, page(1));
	EXPECT_TRUE(present(t, page(0)));
}

TEST(TlbReplacement, RandomIsDeterministicPerSeed)
{
	auto victims = [](uint64_t seed) {
		Tlb t(8, 8, S2SIM_REPL_RANDOM, S2SIM_CONFLICT_ABORT, seed);
		std::vector<uint64_t> v;
		for (unsigned i = 0; i < 64; i++) {
			s2sim_tlb_entry e = make_entry(1, page(i), 12), ev{};
			if (s2sim_tlb_insert(&t.t, &e, &ev) == S2SIM_TLB_EVICTED)
				v.push_back(ev.ipa);
		}
		return v;
	};
	EXPECT_EQ(victims(42), victims(42));
	EXPECT_NE(victims(42), victims(43));
	EXPECT_EQ(victims(42).size(), 56u);
}

TEST(TlbReplacement, InvalidatedWayIsRefilledFirst)
{
	Tlb t(4, 4, S2SIM_REPL_LRU);
	fill_and_touch(t, 4, 0);
	EXPECT_EQ(s2sim_tlb_inv_ipa(&t.t, 1, page(2), S2SIM_TLB_F_BOTH, false, 0),
		  1u);
	s2sim_tlb_entry e = make_entry(1, page(9), 12);
	EXPECT_EQ(s2sim_tlb_insert(&t.t, &e, nullptr), S2SIM_TLB_FILLED);
	EXPECT_EQ(t.contents().size(), 4u);
}

// ---------------------------------------------------------------------
// Insertion rules.
// ---------------------------------------------------------------------
TEST(TlbInsert, SameSizeAndAddressReplacesInPlace)
{
	Tlb t(1280, 5, S2SIM_REPL_LRU);
	s2sim_tlb_entry e = make_entry(1, 2 * MiB, 21, S2SIM_TLB_PERM_R, 2);
	EXPECT_EQ(s2sim_tlb_insert(&t.t, &e, nullptr), S2SIM_TLB_FILLED);
	e.perms = S2SIM_TLB_PERM_R | S2SIM_TLB_PERM_W;
	EXPECT_EQ(s2sim_tlb_insert(&t.t, &e, nullptr), S2SIM_TLB_REPLACED);
	ASSERT_EQ(t.contents().size(), 1u);
	s2sim_tlb_entry out;
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 1, 2 * MiB + 5, S2SIM_TLB_KIND_COMBINED,
				   &out),
		  S2SIM_TLB_HIT);
	EXPECT_EQ(out.perms, S2SIM_TLB_PERM_R | S2SIM_TLB_PERM_W);
	// another VMID or kind is another entry
	e.vmid = 2;
	EXPECT_EQ(s2sim_tlb_insert(&t.t, &e, nullptr), S2SIM_TLB_FILLED);
	e.kind = S2SIM_TLB_KIND_STAGE2;
	EXPECT_EQ(s2sim_tlb_insert(&t.t, &e, nullptr), S2SIM_TLB_FILLED);
	EXPECT_EQ(t.contents().size(), 3u);
	EXPECT_EQ(t.t.stats.insertions, 4u);
}

TEST(TlbInsert, RejectsBadEntries)
{
	Tlb t(48, 48, S2SIM_REPL_LRU);
	s2sim_tlb_entry e = make_entry(1, 2 * MiB + 4 * KiB, 21);
	EXPECT_EQ(s2sim_tlb_insert(&t.t, &e, nullptr), S2SIM_EMISUSE);
	e = make_entry(1, 0, 13);
	EXPECT_EQ(s2sim_tlb_insert(&t.t, &e, nullptr), S2SIM_EMISUSE);
	e = make_entry(1, 0, 12);
	e.kind = 2;
	EXPECT_EQ(s2sim_tlb_insert(&t.t, &e, nullptr), S2SIM_EMISUSE);
	EXPECT_TRUE(t.contents().empty());
}

TEST(TlbInit, RejectsImpossibleGeometry)
{
	s2sim_tlb t;
	s2sim_errbuf err{};
	s2sim_cfg_tlb cfg{1280, 3, 1, S2SIM_REPL_LRU};
	EXPECT_EQ(s2sim_tlb_init(&t, &cfg, S2SIM_CONFLICT_ABORT, 0, &err),
		  S2SIM_EINPUT);
	EXPECT_NE(std::string(err.msg).find("multiple of ways"),
		  std::string::npos);
	cfg = s2sim_cfg_tlb{0, 0, 1, S2SIM_REPL_LRU};
	EXPECT_EQ(s2sim_tlb_init(&t, &cfg, S2SIM_CONFLICT_ABORT, 0, nullptr),
		  S2SIM_EINPUT);
}

// ---------------------------------------------------------------------
// Conflicts: a 2M entry and a 4K entry inside it (a block split without
// break-before-make).
// ---------------------------------------------------------------------
class TlbConflict : public ::testing::TestWithParam<uint32_t> {
      protected:
	void setup(Tlb &t)
	{
		s2sim_tlb_entry big = make_entry(
			5, 4 * MiB, 21,
			S2SIM_TLB_PERM_R | S2SIM_TLB_PERM_W | S2SIM_TLB_PERM_X, 2);
		s2sim_tlb_entry small = make_entry(5, 4 * MiB + 12 * KiB, 12,
						   S2SIM_TLB_PERM_R, 3);
		ASSERT_EQ(s2sim_tlb_insert(&t.t, &big, nullptr), S2SIM_TLB_FILLED);
		ASSERT_EQ(s2sim_tlb_insert(&t.t, &small, nullptr),
			  S2SIM_TLB_FILLED);
	}
	uint32_t ways() const { return GetParam(); }
	uint32_t entries() const { return GetParam() == 5 ? 1280 : 48; }
};

TEST_P(TlbConflict, AbortReportsConflict)
{
	Tlb t(entries(), ways(), S2SIM_REPL_LRU, S2SIM_CONFLICT_ABORT);
	setup(t);
	s2sim_tlb_entry out;
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 5, 4 * MiB + 12 * KiB + 8,
				   S2SIM_TLB_KIND_COMBINED, &out),
		  S2SIM_TLB_CONFLICT);
	EXPECT_EQ(out.size, 12); // the most recent, for the syndrome
	EXPECT_EQ(t.t.stats.conflicts, 1u);
	EXPECT_EQ(t.t.stats.hits, 0u);
	// elsewhere in the block only the 2M entry matches
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 5, 4 * MiB + 16 * KiB,
				   S2SIM_TLB_KIND_COMBINED, &out),
		  S2SIM_TLB_HIT);
	EXPECT_EQ(out.size, 21);
	// another VMID sees nothing
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 6, 4 * MiB + 12 * KiB,
				   S2SIM_TLB_KIND_COMBINED, &out),
		  S2SIM_TLB_MISS);
	// the guaranteed recovery, VMALLS12E1, removes both
	EXPECT_EQ(s2sim_tlb_inv_vmid(&t.t, 5, S2SIM_TLB_F_BOTH), 2u);
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 5, 4 * MiB + 12 * KiB,
				   S2SIM_TLB_KIND_COMBINED, &out),
		  S2SIM_TLB_MISS);
}

TEST_P(TlbConflict, FirstReturnsMostRecentlyInstalled)
{
	Tlb t(entries(), ways(), S2SIM_REPL_LRU, S2SIM_CONFLICT_FIRST);
	setup(t);
	s2sim_tlb_entry out;
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 5, 4 * MiB + 12 * KiB,
				   S2SIM_TLB_KIND_COMBINED, &out),
		  S2SIM_TLB_HIT_RESOLVED);
	EXPECT_EQ(out.size, 12);
	EXPECT_EQ(out.perms, S2SIM_TLB_PERM_R);
	// reinstalling the block makes it the most recent
	s2sim_tlb_entry big = make_entry(5, 4 * MiB, 21, S2SIM_TLB_PERM_X, 2);
	ASSERT_EQ(s2sim_tlb_insert(&t.t, &big, nullptr), S2SIM_TLB_REPLACED);
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 5, 4 * MiB + 12 * KiB,
				   S2SIM_TLB_KIND_COMBINED, &out),
		  S2SIM_TLB_HIT_RESOLVED);
	EXPECT_EQ(out.size, 21);
	EXPECT_EQ(out.perms, S2SIM_TLB_PERM_X);
	EXPECT_EQ(t.t.stats.conflicts, 2u);
	EXPECT_EQ(t.t.stats.hits, 2u);
}

TEST_P(TlbConflict, AmalgamateIntersectsPermissionsAndTakesSmallerSize)
{
	Tlb t(entries(), ways(), S2SIM_REPL_LRU, S2SIM_CONFLICT_AMALGAMATE);
	setup(t);
	s2sim_tlb_entry out;
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 5, 4 * MiB + 12 * KiB + 100,
				   S2SIM_TLB_KIND_COMBINED, &out),
		  S2SIM_TLB_HIT_RESOLVED);
	EXPECT_EQ(out.size, 12);
	EXPECT_EQ(out.ipa, 4 * MiB + 12 * KiB);
	EXPECT_EQ(out.perms, S2SIM_TLB_PERM_R);
	EXPECT_EQ(out.level, 3);
	EXPECT_EQ(t.t.stats.conflicts, 1u);
}

INSTANTIATE_TEST_SUITE_P(FaAndSa, TlbConflict, ::testing::Values(48u, 5u));

// ---------------------------------------------------------------------
// Invalidation semantics.
// ---------------------------------------------------------------------
TEST(TlbInvalidate, CombinedAndStage2OnlyAreFilteredApart)
{
	// IPAS2E1 removes stage-2-only entries, VMALLE1 combined ones
	// (Arm ARM C5.5.13; DESIGN.md 3).
	Tlb t(1280, 5, S2SIM_REPL_LRU);
	s2sim_tlb_entry c = make_entry(1, 2 * MiB + 8 * KiB, 12);
	s2sim_tlb_entry s = make_entry(1, 2 * MiB, 21, 7, 2,
				       S2SIM_TLB_KIND_STAGE2);
	ASSERT_EQ(s2sim_tlb_insert(&t.t, &c, nullptr), S2SIM_TLB_FILLED);
	ASSERT_EQ(s2sim_tlb_insert(&t.t, &s, nullptr), S2SIM_TLB_FILLED);
	s2sim_tlb_entry out;
	// kinds do not conflict with each other
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 1, 2 * MiB + 8 * KiB,
				   S2SIM_TLB_KIND_COMBINED, &out),
		  S2SIM_TLB_HIT);
	EXPECT_EQ(out.size, 12);
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 1, 2 * MiB + 8 * KiB,
				   S2SIM_TLB_KIND_STAGE2, &out),
		  S2SIM_TLB_HIT);
	EXPECT_EQ(out.size, 21);
	// IPAS2E1: the stage-2 entry only
	EXPECT_EQ(s2sim_tlb_inv_ipa(&t.t, 1, 2 * MiB + 8 * KiB,
				    S2SIM_TLB_F_STAGE2, false, 0),
		  1u);
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 1, 2 * MiB + 8 * KiB,
				   S2SIM_TLB_KIND_COMBINED, &out),
		  S2SIM_TLB_HIT);
	ASSERT_EQ(s2sim_tlb_insert(&t.t, &s, nullptr), S2SIM_TLB_FILLED);
	// VMALLE1: the combined entry only
	EXPECT_EQ(s2sim_tlb_inv_vmid(&t.t, 1, S2SIM_TLB_F_COMBINED), 1u);
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 1, 2 * MiB + 8 * KiB,
				   S2SIM_TLB_KIND_STAGE2, &out),
		  S2SIM_TLB_HIT);
	EXPECT_EQ(s2sim_tlb_lookup(&t.t, 1, 2 * MiB + 8 * KiB,
				   S2SIM_TLB_KIND_COMBINED, &out),
		  S2SIM_TLB_MISS);
	EXPECT_EQ(t.t.stats.invalidations, 2u);
	EXPECT_EQ(t.t.stats.removed, 2u);
}

TEST(TlbInvalidate, OverlapNotContainment)
{
	Tlb t(1280, 5, S2SIM_REPL_LRU);
	s2sim_tlb_entry b = make_entry(1, 2 * MiB, 21, 7, 2);
	ASSERT_EQ(s2sim_tlb_insert(&t.t, &b, nullptr), S2SIM_TLB_FILLED);
	// pages just outside the block leave it alone
	EXPECT_EQ(s2sim_tlb_inv_range(&t.t, 1, 4 * MiB, 4 * KiB,
				      S2SIM_TLB_F_BOTH, false, 0),
		  0u);
	EXPECT_EQ(s2sim_tlb_inv_range(&t.t, 1, 2 * MiB - 4 * KiB, 4 * KiB,
				      S2SIM_TLB_F_BOTH, false, 0),
		  0u);
	// one page in its middle removes it
	EXPECT_EQ(s2sim_tlb_inv_range(&t.t, 1, 3 * MiB, 4 * KiB,
				      S2SIM_TLB_F_BOTH, false, 0),
		  1u);
	EXPECT_TRUE(t.contents().empty());
}

TEST(TlbInvalidate, TtlHintRestrictsToLeafLevel)
{
	Tlb t(48, 48, S2SIM_REPL_LRU);
	s2sim_tlb_entry b = make_entry(1, 0, 21, 7, 2);
	s2sim_tlb_entry p = make_entry(1, 2 * MiB, 12, 7, 3);
	ASSERT_EQ(s2sim_tlb_insert(&t.t, &b, nullptr), S2SIM_TLB_FILLED);
	ASSERT_EQ(s2sim_tlb_insert(&t.t, &p, nullptr), S2SIM_TLB_FILLED);
	EXPECT_EQ(s2sim_tlb_inv_range(&t.t, 1, 0, 4 * MiB, S2SIM_TLB_F_BOTH,
				      true, 3),
		  1u);
	ASSERT_EQ(t.contents().size(), 1u);
	EXPECT_EQ(t.contents()[0].size, 21);
	EXPECT_EQ(s2sim_tlb_inv_ipa(&t.t, 1, 4096, S2SIM_TLB_F_BOTH, true, 3),
		  0u);
	EXPECT_EQ(s2sim_tlb_inv_ipa(&t.t, 1, 4096, S2SIM_TLB_F_BOTH, true, 2),
		  1u);
}

TEST(TlbInvalidate, AllAndLargeRanges)
{
	Tlb t(1280, 5, S2SIM_REPL_LRU);
	for (unsigned i = 0; i < 1000; i++) {
		s2sim_tlb_entry e = make_entry((uint16_t)(i % 4), page(i), 12);
		ASSERT_NE(s2sim_tlb_insert(&t.t, &e, nullptr), S2SIM_EMISUSE);
	}
	size_t n = t.contents().size();
	// an 8 GiB range (one RIPAS2E1 with SCALE 3, NUM 31) of VMID 1
	EXPECT_EQ(s2sim_tlb_inv_range(&t.t, 1, 0, 8 * GiB, S2SIM_TLB_F_BOTH,
				      false, 0),
		  n / 4);
	EXPECT_EQ(s2sim_tlb_inv_all(&t.t, S2SIM_TLB_F_BOTH), n - n / 4);
	EXPECT_TRUE(t.contents().empty());
	EXPECT_EQ(s2sim_tlb_inv_all(&t.t, S2SIM_TLB_F_BOTH), 0u);
}

// ---------------------------------------------------------------------
// Entries from walks (docs/mmu.md "How a stage-2 mapping becomes TLB
// entries").
// ---------------------------------------------------------------------
s2sim_tlb_walk_leaf leaf(uint64_t ipa, uint64_t pa, unsigned size,
			 unsigned level, bool contig = false)
{
	s2sim_tlb_walk_leaf l{};
	l.ipa = ipa;
	l.pa = pa;
	l.size = (uint8_t)size;
	l.level = (uint8_t)level;
	l.perms = S2SIM_TLB_PERM_R;
	l.contiguous = contig;
	return l;
}

TEST(TlbFromWalk, BlockUnderSmallStage1GivesPages)
{
	auto l = leaf(6 * MiB, 0x80000000ull, 21, 2);
	s2sim_tlb_entry e;
	ASSERT_EQ(s2sim_tlb_entry_from_walk(&l, 6 * MiB + 0x12345, 12, 7,
					    S2SIM_TLB_KIND_COMBINED, &e),
		  S2SIM_OK);
	EXPECT_EQ(e.size, 12);
	EXPECT_EQ(e.ipa, 6 * MiB + 0x12000);
	EXPECT_EQ(e.pa, 0x80012000ull);
	EXPECT_EQ(e.level, 2);
	EXPECT_EQ(e.vmid, 7);
	// a 2M stage 1 keeps the whole block
	ASSERT_EQ(s2sim_tlb_entry_from_walk(&l, 6 * MiB + 0x12345, 21, 7,
					    S2SIM_TLB_KIND_COMBINED, &e),
		  S2SIM_OK);
	EXPECT_EQ(e.size, 21);
	EXPECT_EQ(e.ipa, 6 * MiB);
	EXPECT_EQ(e.pa, 0x80000000ull);
	// stage-2-only entries ignore stage 1
	ASSERT_EQ(s2sim_tlb_entry_from_walk(&l, 6 * MiB + 0x12345, 12, 7,
					    S2SIM_TLB_KIND_STAGE2, &e),
		  S2SIM_OK);
	EXPECT_EQ(e.size, 21);
	EXPECT_EQ(e.kind, S2SIM_TLB_KIND_STAGE2);
}

TEST(TlbFromWalk, PageUnderLargeStage1GivesPage)
{
	auto l = leaf(0x40003000ull, 0x9000ull, 12, 3);
	s2sim_tlb_entry e;
	ASSERT_EQ(s2sim_tlb_entry_from_walk(&l, 0x40003ff8ull, 30, 1,
					    S2SIM_TLB_KIND_COMBINED, &e),
		  S2SIM_OK);
	EXPECT_EQ(e.size, 12);
	EXPECT_EQ(e.ipa, 0x40003000ull);
	EXPECT_EQ(e.pa, 0x9000ull);
}

TEST(TlbFromWalk, ContiguousRuns)
{
	// page 5 of a 16-page contiguous run at IPA 0x10000, PA 0x200000
	auto l = leaf(0x15000, 0x205000, 12, 3, true);
	s2sim_tlb_entry e;
	ASSERT_EQ(s2sim_tlb_entry_from_walk(&l, 0x15010, 16, 1,
					    S2SIM_TLB_KIND_COMBINED, &e),
		  S2SIM_OK);
	EXPECT_EQ(e.size, 16);
	EXPECT_EQ(e.ipa, 0x10000u);
	EXPECT_EQ(e.pa, 0x200000u);
	// a 4K stage 1 still limits the entry to 4K
	ASSERT_EQ(s2sim_tlb_entry_from_walk(&l, 0x15010, 12, 1,
					    S2SIM_TLB_KIND_COMBINED, &e),
		  S2SIM_OK);
	EXPECT_EQ(e.size, 12);
	EXPECT_EQ(e.pa, 0x205000u);
	// block 3 of a run of 16 2M blocks under a 1G stage 1: 32M
	auto b = leaf(32 * MiB + 6 * MiB, 1 * GiB + 6 * MiB, 21, 2, true);
	ASSERT_EQ(s2sim_tlb_entry_from_walk(&b, 32 * MiB + 7 * MiB, 30, 1,
					    S2SIM_TLB_KIND_COMBINED, &e),
		  S2SIM_OK);
	EXPECT_EQ(e.size, 25);
	EXPECT_EQ(e.ipa, 32 * MiB);
	EXPECT_EQ(e.pa, 1 * GiB);
	EXPECT_EQ(s2sim_tlb_contig_size(12), 16u);
	EXPECT_EQ(s2sim_tlb_contig_size(21), 25u);
	EXPECT_EQ(s2sim_tlb_contig_size(14), 21u);
	EXPECT_EQ(s2sim_tlb_contig_size(29), 34u);
}

TEST(TlbFromWalk, RejectsAddressOutsideLeaf)
{
	auto l = leaf(2 * MiB, 0, 21, 2);
	s2sim_tlb_entry e;
	EXPECT_EQ(s2sim_tlb_entry_from_walk(&l, 4 * MiB, 12, 1,
					    S2SIM_TLB_KIND_COMBINED, &e),
		  S2SIM_EMISUSE);
	auto bad = leaf(2 * MiB, 0, 13, 3);
	EXPECT_EQ(s2sim_tlb_entry_from_walk(&bad, 2 * MiB, 12, 1,
					    S2SIM_TLB_KIND_COMBINED, &e),
		  S2SIM_EMISUSE);
}

// ---------------------------------------------------------------------
// TLBI operands, vectors computed by hand from the field tables of Arm ARM
// C5.5.13 (IPAS2E1) and C5.5.21 (RIPAS2E1).
// ---------------------------------------------------------------------
TEST(TlbiOperand, RangeVectors)
{
	struct V {
		uint64_t xt;
		unsigned tg, scale, num, ttl;
		uint64_t base, len;
	};
	const V v[] = {
		// TG 4K, SCALE 0, NUM 0: 2 pages from BaseADDR 1 (IPA 0x1000)
		{0x0000400000000001ull, 1, 0, 0, 0, 0x1000, 8 * KiB},
		// TG 4K, SCALE 3, NUM 31, TTL 3, IPA 1G: 32 * 2^16 pages = 8G
		{0x00007fe000040000ull, 1, 3, 31, 3, 1 * GiB, 8 * GiB},
		// TG 16K, SCALE 1, NUM 2: 3 * 2^6 = 192 pages = 3M;
		// BaseADDR = IPA[50:14] = 0x40003
		{0x0000910000040003ull, 2, 1, 2, 0, 0x10000C000ull, 3 * MiB},
		// TG 64K, SCALE 2, NUM 0, TTL 2: 2^11 pages = 128M;
		// BaseADDR = IPA[52:16] = 0x70000
		{0x0000e04000070000ull, 3, 2, 0, 2, 0x700000000ull, 128 * MiB},
	};
	for (const V &x : v) {
		s2sim_tlbi_range r{};
		ASSERT_TRUE(s2sim_tlbi_range_decode(x.xt, &r));
		EXPECT_EQ(r.tg, x.tg);
		EXPECT_EQ(r.scale, x.scale);
		EXPECT_EQ(r.num, x.num);
		EXPECT_EQ(r.ttl, x.ttl);
		EXPECT_EQ(r.base, x.base);
		EXPECT_EQ(r.len, x.len);
		EXPECT_FALSE(r.ns);
		EXPECT_EQ(s2sim_tlbi_range_encode(&r), x.xt);
	}
	EXPECT_EQ(s2sim_tlbi_range_pages(0, 0), 2u);
	EXPECT_EQ(s2sim_tlbi_range_pages(3, 31), 1ull << 21);
}

TEST(TlbiOperand, RangeReservedEncodings)
{
	s2sim_tlbi_range r{};
	// TG 0b00 is reserved: nothing to invalidate
	EXPECT_FALSE(s2sim_tlbi_range_decode(0x0000000000000001ull, &r));
	EXPECT_EQ(r.len, 0u);
	// TTL 0b01 with 16K (no FEAT_LPA2) is treated as 0b00
	ASSERT_TRUE(s2sim_tlbi_range_decode(2ull << 46 | 1ull << 37, &r));
	EXPECT_EQ(r.ttl, 0u);
	// NS is bit 63
	ASSERT_TRUE(s2sim_tlbi_range_decode(1ull << 63 | 1ull << 46, &r));
	EXPECT_TRUE(r.ns);
}

TEST(TlbiOperand, IpaVectors)
{
	s2sim_tlbi_ipa op{};
	// IPA 0x8_1234_5000, TTL 0b0111: 4K granule, level 3
	s2sim_tlbi_ipa_decode(0x0000700000812345ull, &op);
	EXPECT_EQ(op.ipa, 0x812345000ull);
	EXPECT_EQ(op.granule_log2, 12u);
	EXPECT_EQ(op.level, 3u);
	EXPECT_EQ(s2sim_tlbi_ipa_encode(&op), 0x0000700000812345ull);
	// IPA[51:48] lives in Xt[39:36]
	s2sim_tlbi_ipa_decode(0x000000f000000001ull, &op);
	EXPECT_EQ(op.ipa, 0xF000000001000ull);
	EXPECT_EQ(op.granule_log2, 0u);
	// no-hint encodings: 0b00xx, 4K level 0 (needs LPA2), 16K level 0
	// (reserved) and level 1 (needs LPA2), 64K level 0 (reserved)
	for (uint64_t ttl : {0x0ull, 0x3ull, 0x4ull, 0x8ull, 0x9ull, 0xcull}) {
		s2sim_tlbi_ipa_decode(ttl << 44, &op);
		EXPECT_EQ(op.granule_log2, 0u) << ttl;
		EXPECT_EQ(op.level, 0u) << ttl;
	}
	s2sim_tlbi_ipa_decode(0xdull << 44, &op); // 64K level 1
	EXPECT_EQ(op.granule_log2, 16u);
	EXPECT_EQ(op.level, 1u);
	s2sim_tlbi_ipa_decode(0xaull << 44, &op); // 16K level 2
	EXPECT_EQ(op.granule_log2, 14u);
	EXPECT_EQ(op.level, 2u);
}

TEST(TlbSizeClass, Table)
{
	for (unsigned s : {12u, 14u, 16u, 21u, 25u, 29u, 30u, 34u}) {
		int c = s2sim_tlb_size_class(s);
		ASSERT_GE(c, 0) << s;
		EXPECT_EQ(s2sim_tlb_class_size((unsigned)c), s);
	}
	EXPECT_EQ(s2sim_tlb_size_class(13), -1);
	EXPECT_EQ(s2sim_tlb_size_class(22), -1);
}

} // namespace

// The checker's stale marking flags exactly the entries of the VMID that
// overlap the range and were read at or before the epoch, in any set, and
// a flagged entry stays flagged when it is looked up again.
TEST(TlbStaleMark, FlagsOnlyOldOverlappingEntriesOfTheVmid)
{
	Tlb t(1280, 5, S2SIM_REPL_LRU);
	struct Case { uint16_t vmid; uint64_t ipa; unsigned size; uint32_t epoch; bool flag; };
	const Case cases[] = {
		{ 1, 2 * MiB, 12, 5, true },             // inside, old
		{ 1, 2 * MiB + 0x1ff000, 12, 7, true },  // last page, read at the epoch
		{ 1, 2 * MiB + 0x1000, 12, 8, false },   // inside, read after the change
		{ 1, 4 * MiB, 12, 1, false },            // just past the range
		{ 2, 2 * MiB + 0x2000, 12, 1, false },   // another VMID
		{ 1, 0, 21 + 9, 3, true },               // a 1 GiB entry overlapping it
	};
	for (const Case &c : cases) {
		s2sim_tlb_entry e = make_entry(c.vmid, c.ipa, c.size);
		e.epoch = c.epoch;
		ASSERT_GE(s2sim_tlb_insert(&t.t, &e, nullptr), 0);
	}
	EXPECT_EQ(s2sim_tlb_mark_stale(&t.t, 1, 2 * MiB, 2 * MiB, 7), 3u);
	EXPECT_EQ(s2sim_tlb_mark_stale(&t.t, 1, 2 * MiB, 2 * MiB, 7), 0u)
		<< "already flagged entries are not counted twice";
	for (const s2sim_tlb_entry &e : t.contents()) {
		bool want = false;
		for (const Case &c : cases)
			if (c.vmid == e.vmid && c.ipa == e.ipa && c.size == e.size)
				want = c.flag;
		EXPECT_EQ(e.stale != 0, want) << std::hex << e.ipa;
	}
	s2sim_tlb_entry out{};
	ASSERT_NE(s2sim_tlb_lookup(&t.t, 1, 2 * MiB + 0x1ff000, S2SIM_TLB_KIND_COMBINED, &out),
		  S2SIM_TLB_MISS);
	EXPECT_EQ(out.stale, 1);
	EXPECT_EQ(t.t.stats.invalidations, 0u) << "marking is not an invalidation";
}

// Epochs wrap: "at or before" is a wrap-safe comparison.
TEST(TlbStaleMark, EpochComparisonWraps)
{
	Tlb t(48, 48, S2SIM_REPL_LRU);
	s2sim_tlb_entry e = make_entry(1, 0x1000, 12);
	e.epoch = 0xfffffff0u;
	ASSERT_GE(s2sim_tlb_insert(&t.t, &e, nullptr), 0);
	EXPECT_EQ(s2sim_tlb_mark_stale(&t.t, 1, 0, 1 * GiB, 0x10u), 1u);
}
