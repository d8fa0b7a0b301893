// Tests of the VMSAv8-64 stage-2 descriptor rules (core/mmu/desc.c).  Every
// expected value is derived by hand from the Arm ARM (DDI 0487 M.a) in the
// comment beside it, not from the code.
#include <gtest/gtest.h>

#include <cstdint>

#include <s2sim/common.h>

#include "core/mmu/desc.h"

namespace {

constexpr uint64_t GiB = 1ull << 30;

// D8.2, Table D8-22 (4 KiB granule, stage 2, SL0 = 0b01 -> start level 1):
// T0SZ 25..33 (IPA 39..31 bits) use one table; T0SZ 24/23/22/21 (IPA
// 40/41/42/43 bits) need 2/4/8/16 concatenated tables.  A level-1 start for
// a 30-bit IPA is inconsistent (level 2 alone resolves IA[29:12]).
TEST(DescGeometry, StartTablesLevel1)
{
	EXPECT_EQ(s2sim_start_tables(30, 1), 0u);
	EXPECT_EQ(s2sim_start_tables(31, 1), 1u);
	EXPECT_EQ(s2sim_start_tables(39, 1), 1u);
	EXPECT_EQ(s2sim_start_tables(40, 1), 2u);
	EXPECT_EQ(s2sim_start_tables(41, 1), 4u);
	EXPECT_EQ(s2sim_start_tables(42, 1), 8u);
	EXPECT_EQ(s2sim_start_tables(43, 1), 16u);
	EXPECT_EQ(s2sim_start_tables(44, 1), 0u); // would need 32 tables
}

// Table D8-21, SL0 = 0b10 -> level 0: T0SZ 16..24 (IPA 48..40 bits), one
// table; concatenation at level 0 needs FEAT_LPA2 (DS = 1).
TEST(DescGeometry, StartTablesLevel0)
{
	EXPECT_EQ(s2sim_start_tables(39, 0), 0u);
	EXPECT_EQ(s2sim_start_tables(40, 0), 1u);
	EXPECT_EQ(s2sim_start_tables(48, 0), 1u);
	EXPECT_EQ(s2sim_start_tables(49, 0), 0u);
}

// SL0 = 0b00 -> level 2: T0SZ 34..39 (IPA 30..25 bits) one table, T0SZ
// 33/32/31/30 (IPA 31..34) 2/4/8/16 tables; T0SZ > 39 needs FEAT_TTST.
// Level 3 starts (SL0 = 0b11) need FEAT_TTST too.
TEST(DescGeometry, StartTablesLevel2And3)
{
	EXPECT_EQ(s2sim_start_tables(24, 2), 0u);
	EXPECT_EQ(s2sim_start_tables(25, 2), 1u);
	EXPECT_EQ(s2sim_start_tables(30, 2), 1u);
	EXPECT_EQ(s2sim_start_tables(31, 2), 2u);
	EXPECT_EQ(s2sim_start_tables(32, 2), 4u);
	EXPECT_EQ(s2sim_start_tables(34, 2), 16u);
	EXPECT_EQ(s2sim_start_tables(35, 2), 0u);
	EXPECT_EQ(s2sim_start_tables(21, 3), 0u);
}

// D8.2: the index at level L is IA[shift(L)+8 : shift(L)], shift = 39, 30,
// 21, 12; at the start level it takes every IA bit above shift.
// IPA 0x80_4020_3abc, 40-bit IPA, start level 1:
//   IA[39:30] = 0x8040203abc >> 30 = 0x201 (bit 39 set: second table)
//   IA[29:21] = (0x40203abc >> 21) & 0x1ff = 0x201 & 0x1ff = 0x001
//   IA[20:12] = (0x203abc >> 12) & 0x1ff = 0x203 & 0x1ff = 0x003
TEST(DescGeometry, Index)
{
	const uint64_t ipa = 0x8040203abcull;

	EXPECT_EQ(s2sim_desc_index(ipa, 1, 1, 40), 0x201u);
	EXPECT_EQ(s2sim_desc_index(ipa, 2, 1, 40), 0x001u);
	EXPECT_EQ(s2sim_desc_index(ipa, 3, 1, 40), 0x003u);
	// Start level 0, 48-bit IPA 0x8080_4060_1abc: IA[47:39] = 0x101,
	// IA[38:30] = 0x001, IA[29:21] = 0x003, IA[20:12] = 0x001.
	EXPECT_EQ(s2sim_desc_index(0x808040601abcull, 0, 0, 48), 0x101u);
	EXPECT_EQ(s2sim_desc_index(0x808040601abcull, 1, 0, 48), 0x001u);
	EXPECT_EQ(s2sim_desc_index(0x808040601abcull, 2, 0, 48), 0x003u);
	EXPECT_EQ(s2sim_desc_index(0x808040601abcull, 3, 0, 48), 0x001u);
	// Start level 2, 32-bit IPA (4 tables): IA[31:21] of 0xc020_0000 is
	// 0x601, an index into the fourth concatenated table.
	EXPECT_EQ(s2sim_desc_index(0xc0200000ull, 2, 2, 32), 0x601u);
}

// AArch64.IPAIsOutOfRange: IA bits at or above 64 - T0SZ must be zero.
// D8.2 / QEMU: with the 4 KiB granule and DS = 0, PS above 48 bits acts as
// 48 bits (a descriptor cannot hold more).
TEST(DescGeometry, AddressRanges)
{
	EXPECT_FALSE(s2sim_ipa_out_of_range((1ull << 40) - 1, 40));
	EXPECT_TRUE(s2sim_ipa_out_of_range(1ull << 40, 40));
	EXPECT_EQ(s2sim_oa_bits(52), 48u);
	EXPECT_EQ(s2sim_oa_bits(40), 40u);
	EXPECT_TRUE(s2sim_oa_out_of_range(1ull << 40, 40));
	EXPECT_FALSE(s2sim_oa_out_of_range((1ull << 40) - 4096, 40));
}

// D8.3, Table D8-48: bit[0] = 0 invalid; bit[1] = 0 block below level 3,
// reserved (treated as invalid) at level 3; bit[1] = 1 table below level 3,
// page at level 3.  4 KiB granule without LPA2: no level-0 block.
TEST(DescType, ByLevel)
{
	EXPECT_EQ(s2sim_desc_type(0x0, 1), S2SIM_DESC_INVALID);
	EXPECT_EQ(s2sim_desc_type(0x2, 2), S2SIM_DESC_INVALID); // bit0 = 0
	EXPECT_EQ(s2sim_desc_type(0x3, 0), S2SIM_DESC_T_TABLE);
	EXPECT_EQ(s2sim_desc_type(0x1, 0), S2SIM_DESC_RESERVED); // L0 block
	EXPECT_EQ(s2sim_desc_type(0x1, 1), S2SIM_DESC_T_BLOCK);
	EXPECT_EQ(s2sim_desc_type(0x1, 2), S2SIM_DESC_T_BLOCK);
	EXPECT_EQ(s2sim_desc_type(0x3, 2), S2SIM_DESC_T_TABLE);
	EXPECT_EQ(s2sim_desc_type(0x3, 3), S2SIM_DESC_T_PAGE);
	EXPECT_EQ(s2sim_desc_type(0x1, 3), S2SIM_DESC_RESERVED);
}

// D8.3.1.1: NLTA[47:12]; bits [63:48] and [11:2] are not address.
// D8.3.1.2: a level-1 block holds OAB[47:30], a level-2 block OAB[47:21], a
// page OAB[47:12]; lower bits are RES0 (nT at 16) and ignored here.
TEST(DescFields, Addresses)
{
	uint64_t table = 0xfff0'0012'3456'7fffull;

	EXPECT_EQ(s2sim_desc_table_addr(table), 0x0000'0012'3456'7000ull);
	EXPECT_EQ(s2sim_desc_output_addr(0x0000'0040'7fff'f401ull, 1),
		  0x40'4000'0000ull); // bits [29:12] dropped
	EXPECT_EQ(s2sim_desc_output_addr(0x0000'0040'403f'f401ull, 2),
		  0x40'4020'0000ull); // bits [20:12] dropped
	EXPECT_EQ(s2sim_desc_output_addr(0x0000'0040'403f'f403ull, 3),
		  0x40'403f'f000ull);
}

// D8.3.1.2 bit positions: MemAttr [5:2], S2AP [7:6], SH [9:8], AF 10,
// nT 16 (blocks, FEAT_BBML1), DBM 51, Contiguous 52, XN [54:53].
TEST(DescFields, Attributes)
{
	uint64_t d = 0x1ull | 0xfull << 2 | 0x2ull << 6 | 0x3ull << 8 |
		     1ull << 10 | 1ull << 51 | 1ull << 52 | 0x1ull << 53;

	EXPECT_EQ(s2sim_desc_memattr(d), 0xfu);
	EXPECT_EQ(s2sim_desc_s2ap(d), 0x2u);
	EXPECT_EQ(s2sim_desc_sh(d), 0x3u);
	EXPECT_TRUE(s2sim_desc_af(d));
	EXPECT_TRUE(s2sim_desc_dbm(d));
	EXPECT_TRUE(s2sim_desc_contiguous(d));
	EXPECT_EQ(s2sim_desc_xn(d), 0x1u);
	EXPECT_FALSE(s2sim_desc_af(d & ~(1ull << 10)));
}

// nT is bit 16 of a *block* descriptor only: in a page descriptor and in a
// table descriptor bit 16 is an address bit.
TEST(DescFields, NtOnlyInBlocks)
{
	const uint64_t bit16 = 1ull << 16;

	EXPECT_TRUE(s2sim_desc_nt(0x1 | bit16, 2));  // L2 block
	EXPECT_TRUE(s2sim_desc_nt(0x1 | bit16, 1));  // L1 block
	EXPECT_FALSE(s2sim_desc_nt(0x1, 2));
	EXPECT_FALSE(s2sim_desc_nt(0x3 | bit16, 3)); // page: OA[16]
	EXPECT_FALSE(s2sim_desc_nt(0x3 | bit16, 1)); // table: NLTA[16]
}

// D8.4 "Stage 2 data accesses using Direct permissions": S2AP 00 none,
// 01 read-only, 10 write-only, 11 read/write.  "Stage 2 instruction
// execution": with FEAT_XNX, XN 00 executable at EL1 and EL0, 01 not at EL1,
// 10 at neither, 11 not at EL0; without FEAT_XNX only XN[1] (bit 54)
// counts.
TEST(DescPerms, S2apAndXn)
{
	const unsigned R = S2SIM_PERM_R, W = S2SIM_PERM_W, X1 = S2SIM_PERM_X,
		       X0 = S2SIM_PERM_X_EL0;
	auto d = [](unsigned s2ap, unsigned xn) {
		return 0x3ull | uint64_t(s2ap) << 6 | uint64_t(xn) << 53;
	};

	EXPECT_EQ(s2sim_desc_perms(d(0, 2), true), 0u);
	EXPECT_EQ(s2sim_desc_perms(d(1, 2), true), R);
	EXPECT_EQ(s2sim_desc_perms(d(2, 2), true), W);
	EXPECT_EQ(s2sim_desc_perms(d(3, 2), true), R | W);
	EXPECT_EQ(s2sim_desc_perms(d(1, 0), true), R | X1 | X0);
	EXPECT_EQ(s2sim_desc_perms(d(1, 1), true), R | X0);
	EXPECT_EQ(s2sim_desc_perms(d(1, 3), true), R | X1);
	// Without FEAT_XNX bit 53 is RES0: XN = 01 is executable everywhere,
	// XN = 11 nowhere.
	EXPECT_EQ(s2sim_desc_perms(d(1, 1), false), R | X1 | X0);
	EXPECT_EQ(s2sim_desc_perms(d(1, 3), false), R);
	EXPECT_EQ(s2sim_access_perm(S2SIM_ACC_READ), R);
	EXPECT_EQ(s2sim_access_perm(S2SIM_ACC_WRITE), W);
	EXPECT_EQ(s2sim_access_perm(S2SIM_ACC_EXEC), X1);
	EXPECT_EQ(s2sim_access_perm(S2SIM_ACC_EXEC_EL0), X0);
}

// D8.3.1.1 / D8.3.1.2 encodings when building descriptors.
TEST(DescBuild, TableAndLeaves)
{
	const uint64_t attrs = 0xfull << 2 | 0x3ull << 6 | 0x3ull << 8 |
			       1ull << 10 | 1ull << 16 | 0x2ull << 53;

	EXPECT_EQ(s2sim_desc_make_table(0x1234'5000ull), 0x1234'5003ull);
	// A level-2 block keeps nT (bit 16) and uses 0b01.
	EXPECT_EQ(s2sim_desc_make_leaf(0x4020'0000ull, 2, attrs),
		  0x4020'0001ull | attrs);
	// A page uses 0b11, and bit 16 is OA there, so nT is dropped.
	EXPECT_EQ(s2sim_desc_make_leaf(0x4020'1000ull, 3, attrs),
		  0x4020'1003ull | (attrs & ~(1ull << 16)));
	EXPECT_EQ(s2sim_desc_leaf_attrs(0x4020'0001ull | attrs, 2), attrs);
}

// D24.2.46 ESR_EL2.ISS.DFSC: 0b0000LL address size, 0b0001LL translation,
// 0b0010LL access flag, 0b0011LL permission.
TEST(DescFault, Dfsc)
{
	EXPECT_EQ(s2sim_fault_dfsc(S2SIM_FAULT_ADDRESS_SIZE, 0), 0x00u);
	EXPECT_EQ(s2sim_fault_dfsc(S2SIM_FAULT_ADDRESS_SIZE, 3), 0x03u);
	EXPECT_EQ(s2sim_fault_dfsc(S2SIM_FAULT_TRANSLATION, 0), 0x04u);
	EXPECT_EQ(s2sim_fault_dfsc(S2SIM_FAULT_TRANSLATION, 3), 0x07u);
	EXPECT_EQ(s2sim_fault_dfsc(S2SIM_FAULT_ACCESS_FLAG, 1), 0x09u);
	EXPECT_EQ(s2sim_fault_dfsc(S2SIM_FAULT_PERMISSION, 2), 0x0eu);
	EXPECT_EQ(S2SIM_DFSC_TLB_CONFLICT, 0x30u);
}

// ESR_EL2: EC [31:26] = 0x24 (Data Abort, lower EL) or 0x20 (Instruction
// Abort, lower EL), IL [25] = 1, WnR [6] for a write.
//   write, permission L3: 0x24 << 26 | 1 << 25 | 1 << 6 | 0x0f = 0x9200004f
//   read, translation L2: 0x90000000 | 0x02000000 | 0x06 = 0x92000006
//   fetch, translation L3: 0x80000000 | 0x02000000 | 0x07 = 0x82000007
TEST(DescFault, Esr)
{
	EXPECT_EQ(s2sim_fault_esr(S2SIM_FAULT_PERMISSION, 3,
				  S2SIM_ACC_WRITE), 0x9200004full);
	EXPECT_EQ(s2sim_fault_esr(S2SIM_FAULT_TRANSLATION, 2,
				  S2SIM_ACC_READ), 0x92000006ull);
	EXPECT_EQ(s2sim_fault_esr(S2SIM_FAULT_TRANSLATION, 3,
				  S2SIM_ACC_EXEC), 0x82000007ull);
}

// D24.2.76 HPFAR_EL2: FIPA [39:4] = IPA[47:12]; written for translation,
// access-flag and address-size faults, UNKNOWN for permission faults.
//   IPA 0x12_3456_7abc: IPA[47:12] = 0x1234567 -> 0x12345670.
TEST(DescFault, Hpfar)
{
	EXPECT_EQ(s2sim_fault_hpfar(0x1234567abcull), 0x12345670ull);
	EXPECT_EQ(s2sim_fault_hpfar(0xffff'8000'0000'1000ull),
		  (0x8000'0000'1000ull >> 12) << 4);
	EXPECT_TRUE(s2sim_fault_hpfar_valid(S2SIM_FAULT_TRANSLATION));
	EXPECT_TRUE(s2sim_fault_hpfar_valid(S2SIM_FAULT_ACCESS_FLAG));
	EXPECT_TRUE(s2sim_fault_hpfar_valid(S2SIM_FAULT_ADDRESS_SIZE));
	EXPECT_FALSE(s2sim_fault_hpfar_valid(S2SIM_FAULT_PERMISSION));
}

// D8.2: concatenated start tables are aligned to their total size.
TEST(DescCtx, RootAlignment)
{
	s2sim_s2ctx c;

	EXPECT_EQ(s2sim_s2ctx_init(&c, 0x1000, 1, 40, 48, 1, nullptr),
		  S2SIM_EINPUT); // 2 tables need 8 KiB alignment
	ASSERT_EQ(s2sim_s2ctx_init(&c, 0x2000, 1, 40, 52, 1, nullptr),
		  S2SIM_OK);
	EXPECT_EQ(c.root_tables, 2u);
	EXPECT_EQ(c.oa_bits, 48u);
	EXPECT_EQ(s2sim_s2ctx_init(&c, 0, 1, 40, 48, 2, nullptr),
		  S2SIM_EINPUT); // a 40-bit IPA from level 2: 512 tables
	EXPECT_EQ(s2sim_s2ctx_init(&c, 16 * GiB, 1, 43, 48, 1, nullptr),
		  S2SIM_OK);
	EXPECT_EQ(c.root_tables, 16u);
}

} // namespace
