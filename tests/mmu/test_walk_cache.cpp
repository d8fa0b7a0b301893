// Tests of the stage-2 walk cache (core/mmu/walk_cache.c): LRU replacement,
// deepest-level lookup, and each invalidation kind with the Arm ARM's
// last-level-only and TTL rules (C5.5 TLBI IPAS2E1 / IPAS2LE1 / RIPAS2E1,
// pseudocode AArch64.TLBIMatch), plus range invalidation against a
// brute-force reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

#include <s2sim/common.h>

#include "core/mmu/walk_cache.h"

namespace {

constexpr uint64_t MiB = 1ull << 20, GiB = 1ull << 30;

// A valid table descriptor (bits[1:0] = 0b11) pointing at `pa`.
uint64_t table(uint64_t pa) { return pa | 0x3; }

struct Wc {
	s2sim_walk_cache wc;
	Wc(uint32_t e0, uint32_t w0, uint32_t e1, uint32_t w1, uint32_t e2,
	   uint32_t w2)
	{
		s2sim_cfg_walk_cache_level cfg[3] = {{e0, w0}, {e1, w1},
						     {e2, w2}};
		EXPECT_EQ(s2sim_walk_cache_init(&wc, cfg, nullptr), S2SIM_OK);
	}
	~Wc() { s2sim_walk_cache_fini(&wc); }
	int lookup(uint16_t vmid, uint64_t ipa, uint64_t *d = nullptr)
	{
		uint64_t x;
		return s2sim_walk_cache_lookup(&wc, vmid, ipa, d ? d : &x);
	}
	void put(uint16_t vmid, uint64_t ipa, unsigned level, uint64_t pa)
	{
		s2sim_walk_cache_insert(&wc, vmid, ipa, level, table(pa));
	}
};

TEST(WalkCache, GeometryErrors)
{
	s2sim_walk_cache wc;
	s2sim_cfg_walk_cache_level bad[3] = {{0, 1}, {6, 4}, {4, 4}};
	s2sim_cfg_walk_cache_level npow2[3] = {{0, 1}, {12, 4}, {4, 4}};

	EXPECT_EQ(s2sim_walk_cache_init(&wc, bad, nullptr), S2SIM_EINPUT);
	EXPECT_EQ(s2sim_walk_cache_init(&wc, npow2, nullptr), S2SIM_EINPUT);
}

// Level 2 with 4 entries in 2 ways = 2 sets; with VMID 0 the set is the low
// bit of IPA >> 21, so 2 MiB regions 0, 2 and 4 share set 0.
TEST(WalkCache, LruWithinASet)
{
	Wc c(0, 1, 0, 1, 4, 2);
	uint64_t d = 0;

	c.put(0, 0 * 2 * MiB, 2, 0x1000);
	c.put(0, 2 * 2 * MiB, 2, 0x2000);
	EXPECT_EQ(c.lookup(0, 0 * 2 * MiB + 0x5000, &d), 2); // refresh A
	EXPECT_EQ(d, table(0x1000));
	c.put(0, 4 * 2 * MiB, 2, 0x3000); // evicts B, the LRU
	EXPECT_EQ(c.lookup(0, 2 * 2 * MiB), -1);
	EXPECT_EQ(c.lookup(0, 0), 2);
	EXPECT_EQ(c.lookup(0, 4 * 2 * MiB, &d), 2);
	EXPECT_EQ(d, table(0x3000));
	// Set 1 is untouched by all of this.
	c.put(0, 1 * 2 * MiB, 2, 0x4000);
	EXPECT_EQ(c.lookup(0, 1 * 2 * MiB), 2);
	EXPECT_EQ(c.wc.stats.evictions, 1u);
	EXPECT_EQ(c.wc.valid, 3u);
	// Re-inserting a cached tag updates it in place.
	c.put(0, 0, 2, 0x5000);
	EXPECT_EQ(c.lookup(0, 0, &d), 2);
	EXPECT_EQ(d, table(0x5000));
	EXPECT_EQ(c.wc.valid, 3u);
}

// Only valid table descriptors of cached levels are kept (invalid entries
// are never cached: Arm ARM I_WZCBG; blocks are leaves).
TEST(WalkCache, InsertFilter)
{
	Wc c(0, 1, 4, 4, 4, 4);

	s2sim_walk_cache_insert(&c.wc, 1, 0, 2, 0x8000'0001ull); // block
	s2sim_walk_cache_insert(&c.wc, 1, 0, 2, 0x8000'0002ull); // invalid
	s2sim_walk_cache_insert(&c.wc, 1, 0, 0, table(0x1000)); // L0 off
	s2sim_walk_cache_insert(&c.wc, 1, 0, 3, table(0x1000)); // no L3
	EXPECT_EQ(c.wc.valid, 0u);
	EXPECT_EQ(c.lookup(1, 0), -1);
}

// The lookup returns the deepest cached level.
TEST(WalkCache, DeepestLevel)
{
	Wc c(4, 4, 4, 4, 4, 4);

	c.put(3, 0x80'0000'0000ull, 0, 0x1000);
	EXPECT_EQ(c.lookup(3, 0x80'4000'0000ull), 0);
	c.put(3, 0x80'4000'0000ull, 1, 0x2000);
	EXPECT_EQ(c.lookup(3, 0x80'4000'0000ull), 1);
	c.put(3, 0x80'4020'0000ull, 2, 0x3000);
	EXPECT_EQ(c.lookup(3, 0x80'403f'ffffull), 2);
	EXPECT_EQ(c.lookup(3, 0x80'4040'0000ull), 1); // next 2 MiB
	EXPECT_EQ(c.lookup(4, 0x80'4020'0000ull), -1); // other VMID
	EXPECT_EQ(c.wc.stats.hits[2], 1u);
	EXPECT_EQ(c.wc.stats.hits[1], 2u);
	EXPECT_EQ(c.wc.stats.misses, 1u);
}

// One VMID-1 entry per level covering IPA 0x40_4020_1000, one more level-2
// entry of VMID 1 in another region, and the same three of VMID 2.
struct Populated : Wc {
	static constexpr uint64_t IPA = 0x40'4020'1000ull;
	Populated() : Wc(4, 4, 8, 4, 16, 4)
	{
		for (uint16_t v = 1; v <= 2; v++) {
			put(v, IPA, 0, 0x1000);
			put(v, IPA, 1, 0x2000);
			put(v, IPA, 2, 0x3000);
			put(v, IPA + 2 * MiB, 2, 0x4000);
		}
	}
};

// TLBI IPAS2E1 (no hint): every stage-2-only entry of the VMID that would
// be used to translate the IPA, from any level (C5.5.13 "Purpose").
TEST(WalkCacheInval, ByIpaAllLevels)
{
	Populated c;

	EXPECT_EQ(s2sim_walk_cache_inv_ipa(&c.wc, 1, Populated::IPA, false, 0),
		  3u);
	EXPECT_EQ(c.lookup(1, Populated::IPA), -1);
	EXPECT_EQ(c.lookup(1, Populated::IPA + 2 * MiB), 2); // untouched
	EXPECT_EQ(c.lookup(2, Populated::IPA), 2);           // other VMID
	EXPECT_EQ(c.wc.stats.removed, 3u);
}

// TLBI IPAS2LE1 (last level only): TLBIMatch requires "tlbi.level ==
// TLBILevel_Any || !entry.walkstate.istable", so table entries need not be
// removed; this model keeps them.
TEST(WalkCacheInval, LastLevelOnlyKeepsTables)
{
	Populated c;

	EXPECT_EQ(s2sim_walk_cache_inv_ipa(&c.wc, 1, Populated::IPA, true, 0),
		  0u);
	EXPECT_EQ(c.lookup(1, Populated::IPA), 2);
	EXPECT_EQ(s2sim_walk_cache_inv_range(&c.wc, 1, 0, 1ull << 40, true, 0),
		  0u);
	EXPECT_EQ(c.wc.valid, 8u);
}

// TTL hint (FEAT_TTL): the leaf for the address is at level T; only
// entries at level T match ("UInt(ttl<1:0>) == entry.walkstate.level").
TEST(WalkCacheInval, TtlHint)
{
	Populated c;

	EXPECT_EQ(s2sim_walk_cache_inv_ipa(&c.wc, 1, Populated::IPA, false, 3),
		  0u); // a level-3 leaf: the tables above stay
	EXPECT_EQ(s2sim_walk_cache_inv_ipa(&c.wc, 1, Populated::IPA, false, 2),
		  1u); // the level-2 table entry (a collapse to a 2M block)
	EXPECT_EQ(c.lookup(1, Populated::IPA), 1);
	EXPECT_EQ(s2sim_walk_cache_inv_ipa(&c.wc, 1, Populated::IPA, false, 1),
		  1u);
	EXPECT_EQ(c.lookup(1, Populated::IPA), 0);
}

// TLBI RIPAS2E1: entries whose region overlaps [base, base + len).
TEST(WalkCacheInval, Range)
{
	Populated c;
	const uint64_t ipa = Populated::IPA;

	// The 4 KiB just below the level-2 region of IPA: touches only the
	// level-0 and level-1 regions (1 GiB and 512 GiB) it shares.
	EXPECT_EQ(s2sim_walk_cache_inv_range(&c.wc, 1, 0x40'401f'f000ull,
					     0x1000, false, 0), 2u);
	EXPECT_EQ(c.lookup(1, ipa), 2);
	// End is exclusive: [ipa + 2M - 4K, ipa + 2M) leaves the next region.
	EXPECT_EQ(s2sim_walk_cache_inv_range(&c.wc, 1, 0x40'403f'f000ull,
					     0x1000, false, 2), 1u);
	EXPECT_EQ(c.lookup(1, ipa + 2 * MiB), 2);
	EXPECT_EQ(s2sim_walk_cache_inv_range(&c.wc, 1, 0, 0, false, 0), 0u);
}

// VMALLS12E1 (by VMID) and ALLE1 (all).
TEST(WalkCacheInval, VmidAndAll)
{
	Populated c;

	EXPECT_EQ(s2sim_walk_cache_inv_vmid(&c.wc, 2), 4u);
	EXPECT_EQ(c.lookup(2, Populated::IPA), -1);
	EXPECT_EQ(c.lookup(1, Populated::IPA), 2);
	EXPECT_EQ(s2sim_walk_cache_inv_all(&c.wc), 4u);
	EXPECT_EQ(c.wc.valid, 0u);
	EXPECT_EQ(c.wc.stats.invalidations, 2u);
}

// Random contents, random range invalidations, compared with a brute-force
// model of which entries overlap.
TEST(WalkCacheInval, RangeMatchesBruteForce)
{
	std::mt19937_64 rng(42);
	Wc c(8, 8, 32, 8, 64, 8);

	for (int round = 0; round < 200; round++) {
		for (int i = 0; i < 40; i++) {
			uint16_t vmid = uint16_t(1 + rng() % 2);
			unsigned level = unsigned(rng() % 3);
			uint64_t ipa = (rng() % (64 * GiB)) & ~0xfffull;
			c.put(vmid, ipa, level, 0x1000);
		}
		std::vector<std::tuple<unsigned, uint16_t, uint64_t>> before;
		s2sim_walk_cache_foreach(
			&c.wc,
			[](void *ctx, unsigned level, const s2sim_wc_entry *e) {
				static_cast<decltype(before) *>(ctx)->emplace_back(
					level, e->vmid, e->tag);
			},
			&before);
		uint64_t base = (rng() % (64 * GiB)) & ~0xfffull;
		uint64_t len = ((rng() % (4 * GiB)) & ~0xfffull) + 0x1000;
		unsigned ttl = unsigned(rng() % 4);
		uint32_t expect = 0;
		for (auto &[level, vmid, tag] : before) {
			unsigned sh = 12 + 9 * (3 - level);
			uint64_t lo = tag << sh, hi = lo + (1ull << sh);
			if (vmid == 1 && lo < base + len && base < hi &&
			    (ttl == 0 || ttl == level))
				expect++;
		}
		ASSERT_EQ(s2sim_walk_cache_inv_range(&c.wc, 1, base, len, false,
						     ttl), expect);
		ASSERT_EQ(c.wc.valid, before.size() - expect);
	}
}

} // namespace
