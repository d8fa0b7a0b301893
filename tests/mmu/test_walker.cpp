// Tests of the stage-2 walker (core/mmu/walker.c) and the default memory port
// (core/mmu/memport.c).  The tables are written by hand, descriptor by
// descriptor, and each expected result is derived from the Arm ARM (DDI 0487
// M.a) in the comments: D8.2 (walk, start level, concatenation), D8.3
// (descriptor formats), D8.4 (stage-2 permissions), "The Access flag" and
// "Hardware management of the dirty state" (AF, DBM), D24.2.46 (ESR_EL2
// DFSC) and D24.2.76 (HPFAR_EL2).
#include <gtest/gtest.h>

#include <cstdint>

#include <s2sim/common.h>

#include "core/mmu/memport.h"
#include "core/mmu/physmem.h"
#include "core/mmu/walk_cache.h"
#include "core/mmu/walker.h"

namespace {

constexpr uint64_t MiB = 1ull << 20;

// Descriptor pieces (D8.3.1.2), spelled out rather than taken from desc.h.
constexpr uint64_t TBL = 0x3;            // bits[1:0] = 0b11 (table / page)
constexpr uint64_t BLK = 0x1;            // bits[1:0] = 0b01 (block)
constexpr uint64_t AF = 1ull << 10;
constexpr uint64_t AP_R = 1ull << 6;     // S2AP[0]
constexpr uint64_t AP_W = 1ull << 7;     // S2AP[1]
constexpr uint64_t WB_ISH = 0xfull << 2 | 0x3ull << 8; // MemAttr, SH
constexpr uint64_t XN_NONE = 2ull << 53; // XN = 0b10: no execution
constexpr uint64_t RW = AF | AP_R | AP_W | WB_ISH | XN_NONE;
constexpr uint64_t NT = 1ull << 16;
constexpr uint64_t DBM = 1ull << 51;
constexpr uint64_t CONTIG = 1ull << 52;

constexpr uint64_t FLAT_PS = 1000; // every fetch of the flat port

struct Mem {
	s2sim_physmem *pm = nullptr;
	Mem() { EXPECT_EQ(s2sim_physmem_create(0x4000'0000, 64 * MiB, &pm,
					       nullptr), S2SIM_OK); }
	~Mem() { s2sim_physmem_destroy(pm); }
	uint64_t page()
	{
		uint64_t pa = 0;
		EXPECT_EQ(s2sim_physmem_alloc_page(pm, &pa), S2SIM_OK);
		return pa;
	}
	uint64_t root(unsigned n)
	{
		uint64_t pa = 0;
		EXPECT_EQ(s2sim_physmem_alloc_pages(pm, n, &pa), S2SIM_OK);
		return pa;
	}
	void put(uint64_t pa, uint64_t d)
	{
		ASSERT_EQ(s2sim_physmem_write64(pm, pa, d), S2SIM_OK);
	}
};

struct Walker {
	s2sim_flat_port fp{};
	s2sim_walker w{};
	Walker(const s2sim_physmem *pm, s2sim_walk_cache *wc = nullptr,
	       bool nt_faults = false, uint32_t outstanding = 4)
	{
		fp.pm = pm;
		fp.latency_ps = FLAT_PS;
		s2sim_walker_params p{300, outstanding, nt_faults};
		EXPECT_EQ(s2sim_walker_init(&w, s2sim_flat_port_get(&fp), wc, &p,
					    nullptr), S2SIM_OK);
	}
	~Walker() { s2sim_walker_fini(&w); }
	s2sim_walk_result go(const s2sim_s2ctx &c, uint64_t ipa,
			     s2sim_acc acc = S2SIM_ACC_READ)
	{
		s2sim_walk_result r;
		s2sim_walker_translate(&w, &c, ipa, acc, &r);
		return r;
	}
};

s2sim_s2ctx make_ctx(uint64_t root, unsigned ipa_bits, unsigned pa_bits,
		     unsigned start, uint16_t vmid = 1)
{
	s2sim_s2ctx c{};
	EXPECT_EQ(s2sim_s2ctx_init(&c, root, vmid, ipa_bits, pa_bits, start,
				   nullptr), S2SIM_OK);
	return c;
}

// 40-bit IPA, start level 1: T0SZ = 24 needs 2 concatenated level-1 tables
// (Table D8-22), 8 KiB aligned.  IPA 0x80_4020_3abc:
//   L1 index IA[39:30] = 0x201 -> root + 0x201 * 8 = root + 0x1008 (the
//      second table, entry 1)
//   L2 index IA[29:21] = 0x001 -> T2 + 0x8
//   L3 index IA[20:12] = 0x003 -> T3 + 0x18
// The page maps OA 0x1_2345_6000, so PA = 0x1_2345_6000 | IA[11:0] =
// 0x1_2345_6abc, a 4 KiB (2^12) leaf at level 3.
TEST(Walker, StartLevel1ConcatenatedPage)
{
	Mem m;
	uint64_t root = m.root(2), t2 = m.page(), t3 = m.page();
	s2sim_s2ctx c = make_ctx(root, 40, 48, 1);

	ASSERT_EQ(root % 0x2000, 0u);
	m.put(root + 0x1008, t2 | TBL);
	m.put(t2 + 0x8, t3 | TBL);
	m.put(t3 + 0x18, 0x1'2345'6000ull | TBL | RW);
	Walker w(m.pm);
	s2sim_walk_result r = w.go(c, 0x80'4020'3abcull);
	ASSERT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(r.pa, 0x1'2345'6abcull);
	EXPECT_EQ(r.level, 3u);
	EXPECT_EQ(r.size_log2, 12u);
	EXPECT_EQ(r.ipa_base, 0x80'4020'3000ull);
	EXPECT_EQ(r.pa_base, 0x1'2345'6000ull);
	EXPECT_EQ(r.perms, unsigned(S2SIM_PERM_R | S2SIM_PERM_W));
	ASSERT_EQ(r.nfetch, 3u);
	EXPECT_EQ(r.fetch[0].pa, root + 0x1008);
	EXPECT_EQ(r.fetch[1].pa, t2 + 0x8);
	EXPECT_EQ(r.fetch[2].pa, t3 + 0x18);
	EXPECT_EQ(r.fetch[2].level, 3u);
	EXPECT_EQ(r.fetch[0].src, S2SIM_MEM_UNKNOWN); // flat port: no source
	EXPECT_EQ(r.latency_ps, 3 * FLAT_PS);
	EXPECT_EQ(r.wc_level, -1);
	EXPECT_EQ(w.w.stats.walks, 1u);
	EXPECT_EQ(w.w.stats.fetches[3][S2SIM_MEM_UNKNOWN], 1u);
}

// Blocks (D8.3.1.2): a level-1 block maps 1 GiB with OAB[47:30], a level-2
// block 2 MiB with OAB[47:21].
//  - IPA 0x40_0000_1234: L1 index 0x100 -> root + 0x800 holds a block of OA
//    0xc000_0000: PA = 0xc000_0000 | IA[29:0] = 0xc000_1234, level 1.
//  - IPA 0x60_0345: L1 index 0 -> T2; L2 index IA[29:21] = 3 -> T2 + 0x18
//    holds a block of OA 0x8000_0000: PA = 0x8000_0345, level 2.
TEST(Walker, Blocks)
{
	Mem m;
	uint64_t root = m.root(2), t2 = m.page();
	s2sim_s2ctx c = make_ctx(root, 40, 48, 1);

	m.put(root + 0x800, 0xc000'0000ull | BLK | RW);
	m.put(root + 0x0, t2 | TBL);
	m.put(t2 + 0x18, 0x8000'0000ull | BLK | RW | CONTIG);
	Walker w(m.pm);
	s2sim_walk_result r = w.go(c, 0x40'0000'1234ull);
	ASSERT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(r.pa, 0xc000'1234ull);
	EXPECT_EQ(r.level, 1u);
	EXPECT_EQ(r.size_log2, 30u);
	EXPECT_EQ(r.nfetch, 1u);
	EXPECT_FALSE(r.contiguous);
	r = w.go(c, 0x60'0345ull);
	ASSERT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(r.pa, 0x8000'0345ull);
	EXPECT_EQ(r.level, 2u);
	EXPECT_EQ(r.size_log2, 21u);
	EXPECT_EQ(r.ipa_base, 0x60'0000ull);
	EXPECT_TRUE(r.contiguous); // D8.7.1: bit 52 reported as a hint
}

// 48-bit IPA, start level 0 (T0SZ = 16, one table, Table D8-21).  IPA
// 0x8080_4060_1abc: IA[47:39] = 0x101, IA[38:30] = 0x001, IA[29:21] = 0x003,
// IA[20:12] = 0x001.  Four lookups; PA = 0x7_7777_7000 | 0xabc.
TEST(Walker, StartLevel0FourLevels)
{
	Mem m;
	uint64_t root = m.root(1), t1 = m.page(), t2 = m.page(), t3 = m.page();
	s2sim_s2ctx c = make_ctx(root, 48, 48, 0);

	m.put(root + 0x101 * 8, t1 | TBL);
	m.put(t1 + 0x1 * 8, t2 | TBL);
	m.put(t2 + 0x3 * 8, t3 | TBL);
	m.put(t3 + 0x1 * 8, 0x7'7777'7000ull | TBL | RW);
	Walker w(m.pm);
	s2sim_walk_result r = w.go(c, 0x8080'4060'1abcull);
	ASSERT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(r.pa, 0x7'7777'7abcull);
	EXPECT_EQ(r.nfetch, 4u);
	EXPECT_EQ(r.fetch[0].pa, root + 0x808);
	EXPECT_EQ(r.fetch[3].pa, t3 + 0x8);
	EXPECT_EQ(r.latency_ps, 4 * FLAT_PS);
}

// Start level 2.  30-bit IPA (T0SZ = 34): one table; IPA 0x3fe0_1000 has
// IA[29:21] = 0x1ff and IA[20:12] = 0x001.  32-bit IPA (T0SZ = 32): four
// concatenated level-2 tables (16 KiB aligned); IPA 0xc020_0000 has
// IA[31:21] = 0x601, entry 0x601 * 8 = 0x3008 from the first table (in the
// fourth one); a 2 MiB block there of OA 0x20_0000 gives PA 0x20_0000.
TEST(Walker, StartLevel2SingleAndConcatenated)
{
	Mem m;
	uint64_t root = m.root(1), t3 = m.page(), root4 = m.root(4);
	s2sim_s2ctx c = make_ctx(root, 30, 48, 2);
	s2sim_s2ctx c4 = make_ctx(root4, 32, 48, 2);

	m.put(root + 0x1ff * 8, t3 | TBL);
	m.put(t3 + 0x8, 0x5000'0000ull | TBL | RW);
	ASSERT_EQ(root4 % 0x4000, 0u);
	m.put(root4 + 0x3008, 0x20'0000ull | BLK | RW);
	Walker w(m.pm);
	s2sim_walk_result r = w.go(c, 0x3fe0'1000ull);
	ASSERT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(r.pa, 0x5000'0000ull);
	EXPECT_EQ(r.nfetch, 2u);
	EXPECT_EQ(r.fetch[0].level, 2u);
	r = w.go(c4, 0xc020'0000ull);
	ASSERT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(r.pa, 0x20'0000ull);
	EXPECT_EQ(r.fetch[0].pa, root4 + 0x3008);
	// The 30-bit space ends at 2^30: IPA 0x4000_0000 is out of range.
	r = w.go(c, 0x4000'0000ull);
	EXPECT_EQ(r.fault, S2SIM_FAULT_TRANSLATION);
	EXPECT_EQ(r.dfsc, 0x04u);
}

// Translation faults (D8.3: invalid descriptor) at each level of a
// level-0-start walk, with DFSC 0b0001LL = 0x04 + level and HPFAR_EL2.FIPA =
// IPA[47:12] << 4.  IPA 0x8080_4060_1abc as above.
TEST(WalkerFault, TranslationAtEachLevel)
{
	Mem m;
	uint64_t root = m.root(1), t1 = m.page(), t2 = m.page(), t3 = m.page();
	s2sim_s2ctx c = make_ctx(root, 48, 48, 0);
	const uint64_t ipa = 0x8080'4060'1abcull;
	Walker w(m.pm);

	auto expect = [&](unsigned level) {
		s2sim_walk_result r = w.go(c, ipa);
		EXPECT_EQ(r.fault, S2SIM_FAULT_TRANSLATION);
		EXPECT_EQ(r.level, level);
		EXPECT_EQ(r.dfsc, 0x04u + level);
		EXPECT_EQ(r.nfetch, level + 1);
		EXPECT_TRUE(r.hpfar_valid);
		EXPECT_EQ(r.hpfar, 0x808040601ull << 4); // IPA[47:12] << 4
		EXPECT_EQ(r.esr, 0x92000000ull | (0x04u + level));
	};
	expect(0);
	m.put(root + 0x808, t1 | TBL);
	expect(1);
	m.put(t1 + 0x8, t2 | TBL);
	expect(2);
	m.put(t2 + 0x18, t3 | TBL);
	expect(3);
	// Table D8-48: 0b01 at level 3 is reserved, treated as invalid.
	m.put(t3 + 0x8, 0x1000ull | BLK | RW);
	expect(3);
	// 4 KiB granule without FEAT_LPA2: 0b01 at level 0 (a 512 GiB block)
	// is not a valid encoding either.
	m.put(root + 0x808, 0x0ull | BLK | RW);
	expect(0);
	EXPECT_EQ(w.w.stats.faults[S2SIM_FAULT_TRANSLATION][3], 2u);
	EXPECT_EQ(w.w.stats.faults[S2SIM_FAULT_TRANSLATION][0], 2u);
}

// AArch64.IPAIsOutOfRange: an IPA >= 2^(64 - T0SZ) takes a level-0
// Translation fault before any descriptor is read.
TEST(WalkerFault, IpaOutOfRange)
{
	Mem m;
	s2sim_s2ctx c = make_ctx(m.root(2), 40, 48, 1);
	Walker w(m.pm);
	s2sim_walk_result r = w.go(c, 1ull << 40, S2SIM_ACC_WRITE);

	EXPECT_EQ(r.fault, S2SIM_FAULT_TRANSLATION);
	EXPECT_EQ(r.level, 0u);
	EXPECT_EQ(r.dfsc, 0x04u);
	EXPECT_EQ(r.nfetch, 0u);
	EXPECT_EQ(r.latency_ps, 0u);
	EXPECT_EQ(r.esr, 0x92000044ull); // WnR set for the write
}

// D8.2 "Output address size": with PS = 40 bits a next-level table address
// or an output address with a bit at or above 40 set gives an Address size
// fault (DFSC 0b0000LL) at the level of that descriptor.
TEST(WalkerFault, AddressSize)
{
	Mem m;
	uint64_t root = m.root(2), t2 = m.page(), t3 = m.page();
	s2sim_s2ctx c = make_ctx(root, 40, 40, 1);
	Walker w(m.pm);

	m.put(root + 0x0, (1ull << 40) | TBL); // IPA [0, 1 GiB)
	s2sim_walk_result r = w.go(c, 0x1000);
	EXPECT_EQ(r.fault, S2SIM_FAULT_ADDRESS_SIZE);
	EXPECT_EQ(r.level, 1u);
	EXPECT_EQ(r.dfsc, 0x01u);
	EXPECT_TRUE(r.hpfar_valid);

	m.put(root + 0x0, t2 | TBL);
	m.put(t2 + 0x0, t3 | TBL);
	m.put(t3 + 0x8, (1ull << 44) | TBL | RW); // IPA 0x1000
	r = w.go(c, 0x1000);
	EXPECT_EQ(r.fault, S2SIM_FAULT_ADDRESS_SIZE);
	EXPECT_EQ(r.level, 3u);
	EXPECT_EQ(r.dfsc, 0x03u);

	m.put(t2 + 0x8, (1ull << 41) | BLK | RW); // IPA [2 MiB, 4 MiB)
	r = w.go(c, 0x20'0000);
	EXPECT_EQ(r.fault, S2SIM_FAULT_ADDRESS_SIZE);
	EXPECT_EQ(r.dfsc, 0x02u);
	// The largest 40-bit output address is fine.
	m.put(t3 + 0x8, ((1ull << 40) - 0x1000) | TBL | RW);
	r = w.go(c, 0x1000);
	EXPECT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(r.pa, (1ull << 40) - 0x1000);
}

// Access flag ("The Access flag"): AF = 0 gives an Access flag fault (DFSC 0b0010LL)
// unless VTCR_EL2.HA = 1, in which case hardware sets AF instead.  It has
// priority over a Permission fault on the same descriptor.
TEST(WalkerFault, AccessFlag)
{
	Mem m;
	uint64_t root = m.root(2), t2 = m.page(), t3 = m.page();
	s2sim_s2ctx c = make_ctx(root, 40, 48, 1);
	Walker w(m.pm);

	m.put(root + 0x0, t2 | TBL);
	m.put(t2 + 0x0, t3 | TBL);
	m.put(t3 + 0x0, 0x9000'0000ull | TBL | (RW & ~AF & ~AP_W));
	m.put(t2 + 0x8, 0xa000'0000ull | BLK | (RW & ~AF));
	s2sim_walk_result r = w.go(c, 0x0, S2SIM_ACC_WRITE);
	EXPECT_EQ(r.fault, S2SIM_FAULT_ACCESS_FLAG);
	EXPECT_EQ(r.dfsc, 0x0bu); // level 3
	EXPECT_TRUE(r.hpfar_valid);
	r = w.go(c, 0x20'0000);
	EXPECT_EQ(r.fault, S2SIM_FAULT_ACCESS_FLAG);
	EXPECT_EQ(r.dfsc, 0x0au); // level 2
	c.ha = true;
	r = w.go(c, 0x20'0000);
	EXPECT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_TRUE(r.af_update);
}

// Permissions (D8.4): S2AP[0] read, S2AP[1] write; a Permission fault has
// DFSC 0b0011LL and HPFAR_EL2 UNKNOWN.  With VTCR_EL2.HD = 1 a write to a
// DBM = 1 entry is permitted and hardware sets S2AP[1] (dirty state management).
TEST(WalkerFault, Permission)
{
	Mem m;
	uint64_t root = m.root(2), t2 = m.page(), t3 = m.page();
	s2sim_s2ctx c = make_ctx(root, 40, 48, 1);
	Walker w(m.pm);

	m.put(root + 0x0, t2 | TBL);
	m.put(t2 + 0x0, t3 | TBL);
	m.put(t3 + 0x0, 0x9000'0000ull | TBL | (RW & ~AP_W));        // RO
	m.put(t3 + 0x8, 0x9000'1000ull | TBL | (RW & ~AP_W) | DBM);  // RO+DBM
	m.put(t3 + 0x10, 0x9000'2000ull | TBL | (RW & ~AP_W & ~AP_R)); // none
	s2sim_walk_result r = w.go(c, 0x0, S2SIM_ACC_READ);
	EXPECT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(r.perms, unsigned(S2SIM_PERM_R));
	r = w.go(c, 0x0, S2SIM_ACC_WRITE);
	EXPECT_EQ(r.fault, S2SIM_FAULT_PERMISSION);
	EXPECT_EQ(r.dfsc, 0x0fu);
	EXPECT_EQ(r.esr, 0x9200004full);
	EXPECT_FALSE(r.hpfar_valid);
	r = w.go(c, 0x1000, S2SIM_ACC_WRITE); // DBM but HD = 0
	EXPECT_EQ(r.fault, S2SIM_FAULT_PERMISSION);
	c.hd = true;
	r = w.go(c, 0x1000, S2SIM_ACC_WRITE);
	EXPECT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_TRUE(r.dirty_update);
	r = w.go(c, 0x2000, S2SIM_ACC_READ); // S2AP = 00
	EXPECT_EQ(r.fault, S2SIM_FAULT_PERMISSION);
	EXPECT_EQ(w.w.stats.faults[S2SIM_FAULT_PERMISSION][3], 3u);
}

// Stage-2 execute permission (D8.4, FEAT_XNX): XN 0b10 forbids fetches from
// EL1 and EL0 (EC 0x20 Instruction Abort), 0b01 forbids EL1 only, 0b11 EL0
// only.  Without FEAT_XNX bit 53 is RES0 and 0b01 is executable.
TEST(WalkerFault, ExecuteNever)
{
	Mem m;
	uint64_t root = m.root(2), t2 = m.page(), t3 = m.page();
	s2sim_s2ctx c = make_ctx(root, 40, 48, 1);
	const uint64_t base = AF | AP_R | WB_ISH | TBL;
	Walker w(m.pm);

	m.put(root + 0x0, t2 | TBL);
	m.put(t2 + 0x0, t3 | TBL);
	m.put(t3 + 0x0, 0x9000'0000ull | base | 2ull << 53);
	m.put(t3 + 0x8, 0x9000'1000ull | base | 1ull << 53);
	m.put(t3 + 0x10, 0x9000'2000ull | base | 3ull << 53);
	s2sim_walk_result r = w.go(c, 0x0, S2SIM_ACC_EXEC);
	EXPECT_EQ(r.fault, S2SIM_FAULT_PERMISSION);
	EXPECT_EQ(r.esr, 0x8200000full);
	EXPECT_EQ(w.go(c, 0x0, S2SIM_ACC_EXEC_EL0).fault,
		  S2SIM_FAULT_PERMISSION);
	EXPECT_EQ(w.go(c, 0x1000, S2SIM_ACC_EXEC).fault,
		  S2SIM_FAULT_PERMISSION);
	EXPECT_EQ(w.go(c, 0x1000, S2SIM_ACC_EXEC_EL0).fault,
		  S2SIM_FAULT_NONE);
	EXPECT_EQ(w.go(c, 0x2000, S2SIM_ACC_EXEC).fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(w.go(c, 0x2000, S2SIM_ACC_EXEC_EL0).fault,
		  S2SIM_FAULT_PERMISSION);
	c.xnx = false;
	EXPECT_EQ(w.go(c, 0x1000, S2SIM_ACC_EXEC).fault, S2SIM_FAULT_NONE);
}

// FEAT_BBML1 nT (bit 16 of a block, D8.17.2): reported with the leaf; when
// the implementation chooses to fault on it (R_MRRPW) it is a Translation
// fault at the block's level.
TEST(WalkerFault, NtBit)
{
	Mem m;
	uint64_t root = m.root(2), t2 = m.page();
	s2sim_s2ctx c = make_ctx(root, 40, 48, 1);

	m.put(root + 0x0, t2 | TBL);
	m.put(t2 + 0x8, 0x8000'0000ull | BLK | RW | NT);
	Walker plain(m.pm), faulting(m.pm, nullptr, true);
	s2sim_walk_result r = plain.go(c, 0x20'0000);
	EXPECT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_TRUE(r.nt);
	EXPECT_EQ(r.pa, 0x8000'0000ull);
	r = faulting.go(c, 0x20'0000);
	EXPECT_EQ(r.fault, S2SIM_FAULT_TRANSLATION);
	EXPECT_EQ(r.dfsc, 0x06u);
}

// The walk cache lets a walk start below the root: after one walk the
// level-1 and level-2 table descriptors are cached, so another page of the
// same 2 MiB region needs only the level-3 fetch, and another 2 MiB region
// of the same 1 GiB only levels 2 and 3.  Latency: 300 ps per walk-cache
// lookup plus 1000 ps per fetch.  Until the walk cache is invalidated a
// walk uses its (stale) entries: that is why KVM issues TLBI IPAS2E1IS.
TEST(WalkerCache, StartsBelowRoot)
{
	Mem m;
	uint64_t root = m.root(2), t2 = m.page(), t3 = m.page(), t3b = m.page();
	s2sim_s2ctx c = make_ctx(root, 40, 48, 1, 9);
	s2sim_cfg_walk_cache_level cfg[3] = {{0, 1}, {4, 4}, {4, 4}};
	s2sim_walk_cache wc;

	ASSERT_EQ(s2sim_walk_cache_init(&wc, cfg, nullptr), S2SIM_OK);
	m.put(root + 0x0, t2 | TBL);
	m.put(t2 + 0x0, t3 | TBL);
	m.put(t2 + 0x8, t3b | TBL);
	for (unsigned i = 0; i < 512; i++) {
		m.put(t3 + 8 * i, (0x9000'0000ull + i * 0x1000) | TBL | RW);
		m.put(t3b + 8 * i, (0xa000'0000ull + i * 0x1000) | TBL | RW);
	}
	{
		Walker w(m.pm, &wc);
		s2sim_walk_result r = w.go(c, 0x5000);
		EXPECT_EQ(r.wc_level, -1);
		EXPECT_EQ(r.nfetch, 3u);
		EXPECT_EQ(r.latency_ps, 300 + 3 * FLAT_PS);
		r = w.go(c, 0x7000);
		EXPECT_EQ(r.wc_level, 2);
		ASSERT_EQ(r.nfetch, 1u);
		EXPECT_EQ(r.fetch[0].pa, t3 + 7 * 8);
		EXPECT_EQ(r.pa, 0x9000'7000ull);
		EXPECT_EQ(r.latency_ps, 300 + FLAT_PS);
		r = w.go(c, 0x20'3000);
		EXPECT_EQ(r.wc_level, 1);
		EXPECT_EQ(r.nfetch, 2u);
		EXPECT_EQ(r.pa, 0xa000'3000ull);
		// Another VMID does not hit.
		s2sim_s2ctx other = c;
		other.vmid = 10;
		EXPECT_EQ(w.go(other, 0x7000).wc_level, -1);
		EXPECT_EQ(w.w.stats.wc_start[2], 1u);
		EXPECT_EQ(w.w.stats.wc_start[1], 1u);
		EXPECT_EQ(w.w.stats.fetches[2][S2SIM_WALK_SRC_WALK_CACHE], 1u);

		// Unlink the level-3 table: the cached level-2 descriptor
		// still leads to it.
		m.put(t2 + 0x0, 0);
		r = w.go(c, 0x7000);
		EXPECT_EQ(r.fault, S2SIM_FAULT_NONE);
		EXPECT_EQ(r.wc_level, 2);
		// TLBI IPAS2E1 removes the level-2 and level-1 entries.
		EXPECT_EQ(s2sim_walk_cache_inv_ipa(&wc, 9, 0x7000, false, 0),
			  2u);
		r = w.go(c, 0x7000);
		EXPECT_EQ(r.fault, S2SIM_FAULT_TRANSLATION);
		EXPECT_EQ(r.level, 2u);
	}
	s2sim_walk_cache_fini(&wc);
}

// The default memory port at 1 GHz (1 cycle = 1000 ps) with latencies of
// 4 (L1D), 11 (L2), 66 (SLC) and 243 (DRAM) cycles: a cold walk misses
// everywhere; the same walk again hits the L1D at each level.  A write by
// another PE to the level-3 descriptor's line takes it out of this PE's
// private caches (it is then in the SLC, where the writer put it).
TEST(MemPort, LatencyBySource)
{
	Mem m;
	uint64_t root = m.root(2), t2 = m.page(), t3 = m.page();
	s2sim_s2ctx c = make_ctx(root, 40, 48, 1);
	s2sim_memsys_params p{2, 1000.0, 4, 11, 66, 243, 64, 256, 1024};
	s2sim_memsys *ms = nullptr;
	s2sim_walker w;
	s2sim_walker_params wp{0, 1, false};
	s2sim_walk_result r;

	m.put(root + 0x0, t2 | TBL);
	m.put(t2 + 0x0, t3 | TBL);
	m.put(t3 + 0x0, 0x9000'0000ull | TBL | RW);
	ASSERT_EQ(s2sim_memsys_create(&p, m.pm, &ms, nullptr), S2SIM_OK);
	EXPECT_EQ(s2sim_memsys_latency_ps(ms, S2SIM_MEM_SLC), 66000u);
	ASSERT_EQ(s2sim_walker_init(&w, s2sim_memsys_port(ms, 0), nullptr, &wp,
				    nullptr), S2SIM_OK);
	s2sim_walker_translate(&w, &c, 0x0, S2SIM_ACC_READ, &r);
	EXPECT_EQ(r.pa, 0x9000'0000ull);
	EXPECT_EQ(r.latency_ps, 3 * 243000u);
	EXPECT_EQ(r.fetch[0].src, S2SIM_MEM_DRAM);
	s2sim_walker_translate(&w, &c, 0x0, S2SIM_ACC_READ, &r);
	EXPECT_EQ(r.latency_ps, 3 * 4000u);
	EXPECT_EQ(r.fetch[2].src, S2SIM_MEM_L1D);
	s2sim_memsys_note_write(ms, 1, t3 + 0x0);
	s2sim_walker_translate(&w, &c, 0x0, S2SIM_ACC_READ, &r);
	EXPECT_EQ(r.fetch[2].src, S2SIM_MEM_SLC);
	EXPECT_EQ(r.latency_ps, 4000u + 4000u + 66000u);
	const s2sim_memsys_pe_stats *st = s2sim_memsys_get_pe_stats(ms, 0);
	EXPECT_EQ(st->fetches[3][S2SIM_MEM_DRAM], 1u);
	EXPECT_EQ(st->fetches[3][S2SIM_MEM_L1D], 1u);
	EXPECT_EQ(st->fetches[3][S2SIM_MEM_SLC], 1u);
	EXPECT_EQ(st->fetches[1][S2SIM_MEM_L1D], 2u);
	EXPECT_EQ(st->invalidated, 1u);
	EXPECT_EQ(w.stats.fetches[3][S2SIM_MEM_SLC], 1u);
	s2sim_walker_fini(&w);
	s2sim_memsys_destroy(ms);
}

// LRU replacement in the cache model: with 4 L1D lines (one 4-way set)
// and no L2/SLC, a fifth line evicts the least recently used one, which is
// then fetched from DRAM again.  (Lines of Mem's table window.)
TEST(MemPort, LruEviction)
{
	Mem m;
	s2sim_memsys_params p{1, 1000.0, 1, 2, 3, 10, 4, 0, 0};
	s2sim_memsys *ms = nullptr;
	uint64_t lat;

	ASSERT_EQ(s2sim_memsys_create(&p, m.pm, &ms, nullptr), S2SIM_OK);
	s2sim_memport port = s2sim_memsys_port(ms, 0);
	auto src = [&](uint64_t line) {
		port.read64(port.ctx, 0x4000'0000 + line * 64, 3, &lat);
		return port.last_src(port.ctx);
	};
	for (uint64_t l = 0; l < 4; l++)
		EXPECT_EQ(src(l), S2SIM_MEM_DRAM);
	EXPECT_EQ(src(0), S2SIM_MEM_L1D); // 0 is now most recent; 1 is LRU
	EXPECT_EQ(src(4), S2SIM_MEM_DRAM);
	EXPECT_EQ(src(2), S2SIM_MEM_L1D);
	EXPECT_EQ(src(1), S2SIM_MEM_DRAM); // evicted by 4
	EXPECT_EQ(lat, 10000u);
	s2sim_memsys_destroy(ms);
}

// The cache model keys lines by their offset in the table window
// (docs/mmu.md): a line below the window, or 2^32 lines or more above its
// base, is uncached -- every fetch of it comes from DRAM and fills nothing,
// and a write to it invalidates nothing.  The window's first and last
// lines are cached normally.
TEST(MemPort, LinesOutsideTheTableWindowAreUncached)
{
	Mem m;
	s2sim_memsys_params p{2, 1000.0, 1, 2, 3, 10, 64, 256, 1024};
	s2sim_memsys *ms = nullptr;
	uint64_t lat;
	const uint64_t base = 0x4000'0000;

	ASSERT_EQ(s2sim_memsys_create(&p, m.pm, &ms, nullptr), S2SIM_OK);
	s2sim_memport port = s2sim_memsys_port(ms, 0);
	auto src = [&](uint64_t pa) {
		port.read64(port.ctx, pa, 3, &lat);
		return port.last_src(port.ctx);
	};
	for (uint64_t pa : { base - 64, base + (UINT64_C(1) << 38) - 64,
			     base + (UINT64_C(1) << 40) }) {
		EXPECT_EQ(src(pa), S2SIM_MEM_DRAM);
		EXPECT_EQ(src(pa), S2SIM_MEM_DRAM) << std::hex << pa;
		s2sim_memsys_note_write(ms, 1, pa);
	}
	for (uint64_t pa : { base, base + (UINT64_C(1) << 38) - 128 }) {
		EXPECT_EQ(src(pa), S2SIM_MEM_DRAM);
		EXPECT_EQ(src(pa), S2SIM_MEM_L1D) << std::hex << pa;
	}
	EXPECT_EQ(s2sim_memsys_get_pe_stats(ms, 0)->invalidated, 0u);
	s2sim_memsys_destroy(ms);
}

// The outstanding-walk table: walks to the same page (and VMID) coalesce;
// a new page needs a free slot.
TEST(WalkerOutstanding, CoalesceAndFull)
{
	Mem m;
	Walker w(m.pm, nullptr, false, 2);
	uint32_t a = 9, b = 9, j = 9, x = 9;

	EXPECT_EQ(s2sim_walker_begin(&w.w, 1, 0x1000, &a), S2SIM_WALK_NEW);
	EXPECT_EQ(s2sim_walker_begin(&w.w, 1, 0x1ff8, &j), S2SIM_WALK_JOINED);
	EXPECT_EQ(j, a);
	EXPECT_EQ(s2sim_walker_begin(&w.w, 2, 0x1000, &b), S2SIM_WALK_NEW);
	EXPECT_NE(b, a);
	EXPECT_EQ(s2sim_walker_outstanding(&w.w), 2u);
	EXPECT_EQ(s2sim_walker_begin(&w.w, 1, 0x5000, &x), S2SIM_WALK_FULL);
	EXPECT_EQ(s2sim_walker_complete(&w.w, a), 1u);
	EXPECT_EQ(s2sim_walker_complete(&w.w, a), 0u); // already free
	EXPECT_EQ(s2sim_walker_begin(&w.w, 1, 0x5000, &x), S2SIM_WALK_NEW);
	EXPECT_EQ(x, a);
	EXPECT_EQ(w.w.stats.coalesced, 1u);
	EXPECT_EQ(w.w.stats.full, 1u);
	EXPECT_EQ(w.w.stats.begun, 3u);
}

} // namespace
