// Tests of simulated physical memory (core/mmu/physmem.c) and the stage-2
// page-table editor (core/mmu/s2pt.c): each edit is checked by walking the
// result with the walker, and a property test runs random map / unmap /
// split / collapse / permission sequences against a reference map of 4 KiB
// pages.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include <s2sim/common.h>

#include "core/mmu/desc.h"
#include "core/mmu/memport.h"
#include "core/mmu/physmem.h"
#include "core/mmu/s2pt.h"
#include "core/mmu/walk_cache.h"
#include "core/mmu/walker.h"

namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;
constexpr uint64_t POOL = 0x10'0000'0000ull; // table pages live here
constexpr unsigned RW = S2SIM_PROT_R | S2SIM_PROT_W;

uint64_t in_use(const s2sim_physmem *pm)
{
	s2sim_physmem_stats st;
	s2sim_physmem_get_stats(pm, &st);
	return st.pages_in_use;
}

TEST(PhysMem, SparsePagesAndAllocator)
{
	s2sim_physmem *pm = nullptr;
	uint64_t a, b, c, r;

	EXPECT_EQ(s2sim_physmem_create(0x1001, 4 * KiB, &pm, nullptr),
		  S2SIM_EINPUT);
	ASSERT_EQ(s2sim_physmem_create(POOL, 64 * KiB, &pm, nullptr),
		  S2SIM_OK);
	EXPECT_EQ(s2sim_physmem_read64(pm, 0x1234'5678ull), 0u);
	EXPECT_EQ(s2sim_physmem_write64(pm, POOL, 1), S2SIM_EMISUSE);
	ASSERT_EQ(s2sim_physmem_alloc_page(pm, &a), S2SIM_OK);
	EXPECT_EQ(a, POOL); // lowest first
	EXPECT_EQ(s2sim_physmem_read64(pm, a + 8), 0u); // zeroed
	EXPECT_EQ(s2sim_physmem_write64(pm, a + 8, 0xdead), S2SIM_OK);
	EXPECT_EQ(s2sim_physmem_read64(pm, a + 8), 0xdeadu);
	// Four aligned pages: POOL + 16K (pages 1-3 are skipped and kept).
	ASSERT_EQ(s2sim_physmem_alloc_pages(pm, 4, &r), S2SIM_OK);
	EXPECT_EQ(r, POOL + 16 * KiB);
	ASSERT_EQ(s2sim_physmem_alloc_page(pm, &b), S2SIM_OK);
	EXPECT_EQ(b, POOL + 4 * KiB); // the lowest skipped page
	EXPECT_EQ(s2sim_physmem_free_page(pm, a), S2SIM_OK);
	EXPECT_EQ(s2sim_physmem_free_page(pm, a), S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_physmem_read64(pm, a + 8), 0u); // gone
	ASSERT_EQ(s2sim_physmem_alloc_page(pm, &c), S2SIM_OK);
	EXPECT_EQ(c, a); // LIFO reuse
	EXPECT_EQ(s2sim_physmem_read64(pm, c + 8), 0u); // zeroed again
	s2sim_physmem_stats st;
	s2sim_physmem_get_stats(pm, &st);
	EXPECT_EQ(st.pages_in_use, 6u);
	EXPECT_EQ(st.pages_peak, 6u);
	EXPECT_EQ(st.frees, 1u);
	// The window holds 16 pages: 10 remain.
	for (int i = 0; i < 10; i++)
		ASSERT_EQ(s2sim_physmem_alloc_page(pm, &c), S2SIM_OK);
	EXPECT_EQ(s2sim_physmem_alloc_page(pm, &c), S2SIM_ENOMEM);
	s2sim_physmem_destroy(pm);
}

// A VM's tables plus a walker over them (flat port, optional walk cache).
struct Vm {
	s2sim_physmem *pm = nullptr;
	s2sim_s2pt pt{};
	s2sim_flat_port fp{};
	s2sim_walker w{};
	Vm(unsigned ipa_bits = 40, unsigned start = 1,
	   s2sim_walk_cache *wc = nullptr)
	{
		EXPECT_EQ(s2sim_physmem_create(POOL, 256 * MiB, &pm, nullptr),
			  S2SIM_OK);
		EXPECT_EQ(s2sim_s2pt_init(&pt, pm, 5, ipa_bits, 48, start,
					  nullptr), S2SIM_OK);
		fp.pm = pm;
		s2sim_walker_params p{0, 1, false};
		EXPECT_EQ(s2sim_walker_init(&w, s2sim_flat_port_get(&fp), wc, &p,
					    nullptr), S2SIM_OK);
	}
	~Vm()
	{
		s2sim_walker_fini(&w);
		s2sim_s2pt_destroy(&pt);
		EXPECT_EQ(in_use(pm), 0u);
		s2sim_physmem_destroy(pm);
	}
	s2sim_walk_result go(uint64_t ipa, s2sim_acc acc = S2SIM_ACC_READ)
	{
		s2sim_walk_result r;
		s2sim_walker_translate(&w, &pt.ctx, ipa, acc, &r);
		return r;
	}
};

// D8.2: a 40-bit IPA space from level 1 has two concatenated start tables
// (8 KiB aligned); a 4 KiB mapping needs one level-2 and one level-3 table.
TEST(S2pt, InitAndMapPage)
{
	Vm vm;

	EXPECT_EQ(vm.pt.ctx.root_tables, 2u);
	EXPECT_EQ(vm.pt.ctx.root_pa % (8 * KiB), 0u);
	EXPECT_EQ(in_use(vm.pm), 2u);
	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 0x80'0000'5000ull, 0x1'0000'5000ull,
				 4 * KiB, RW), S2SIM_OK);
	EXPECT_EQ(in_use(vm.pm), 4u);
	s2sim_walk_result r = vm.go(0x80'0000'5123ull, S2SIM_ACC_WRITE);
	ASSERT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(r.pa, 0x1'0000'5123ull);
	EXPECT_EQ(r.level, 3u);
	// KVM attributes: Normal WB, Inner Shareable, AF, XN unless X.
	EXPECT_EQ(s2sim_desc_memattr(r.desc), 0xfu);
	EXPECT_EQ(s2sim_desc_sh(r.desc), 0x3u);
	EXPECT_TRUE(s2sim_desc_af(r.desc));
	EXPECT_EQ(vm.go(0x80'0000'5000ull, S2SIM_ACC_EXEC).fault,
		  S2SIM_FAULT_PERMISSION);
	EXPECT_EQ(vm.go(0x80'0000'6000ull).fault, S2SIM_FAULT_TRANSLATION);
}

TEST(S2pt, MapBlocksAndMisuse)
{
	Vm vm;

	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 1 * GiB, 4 * GiB, GiB, RW), S2SIM_OK);
	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 2 * MiB, 8 * GiB, 2 * MiB,
				 S2SIM_PROT_R | S2SIM_PROT_X), S2SIM_OK);
	s2sim_walk_result r = vm.go(1 * GiB + 0x12345);
	EXPECT_EQ(r.level, 1u);
	EXPECT_EQ(r.pa, 4 * GiB + 0x12345);
	r = vm.go(2 * MiB + 0x1000, S2SIM_ACC_EXEC);
	EXPECT_EQ(r.fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(r.level, 2u);
	EXPECT_EQ(vm.go(2 * MiB, S2SIM_ACC_WRITE).fault,
		  S2SIM_FAULT_PERMISSION);
	// Misaligned, bad size, outside the IPA or PA space.
	EXPECT_EQ(s2sim_s2pt_map(&vm.pt, 0x1000, 0x800, 4 * KiB, RW),
		  S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_s2pt_map(&vm.pt, 0, 0, 8 * KiB, RW), S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_s2pt_map(&vm.pt, 1ull << 40, 0, 4 * KiB, RW),
		  S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_s2pt_map(&vm.pt, 0, 1ull << 48, 4 * KiB, RW),
		  S2SIM_EMISUSE);
	// A page inside a block, a block over a table.
	EXPECT_EQ(s2sim_s2pt_map(&vm.pt, 1 * GiB + 8 * KiB, 0, 4 * KiB, RW),
		  S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_s2pt_map(&vm.pt, 0, 0, GiB, RW), S2SIM_EMISUSE);
}

// A 1 GiB mapping cannot be made when the walk starts at level 2.
TEST(S2pt, StartLevel2HasNoLevel1Blocks)
{
	Vm vm(32, 2);

	EXPECT_EQ(vm.pt.ctx.root_tables, 4u);
	EXPECT_EQ(s2sim_s2pt_map(&vm.pt, 0, 0, GiB, RW), S2SIM_EMISUSE);
	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 0xc020'0000ull, 0x20'0000, 2 * MiB,
				 RW), S2SIM_OK);
	EXPECT_EQ(vm.go(0xc020'0000ull).pa, 0x20'0000u);
}

struct Removed {
	std::vector<std::tuple<uint64_t, unsigned, bool>> v; // ipa, level, table
	static void cb(void *ctx, uint64_t ipa, unsigned level, uint64_t d)
	{
		static_cast<Removed *>(ctx)->v.emplace_back(
			ipa, level, s2sim_desc_type(d, level) ==
					    S2SIM_DESC_T_TABLE);
	}
};

// kvm_pgtable_stage2_unmap: leaves in the range are cleared and tables left
// empty are freed, each reported for its TLBI.
TEST(S2pt, UnmapFreesEmptyTables)
{
	Vm vm;
	Removed rm;

	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 0x5000, 0x9000, 4 * KiB, RW),
		  S2SIM_OK);
	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 0x6000, 0xa000, 4 * KiB, RW),
		  S2SIM_OK);
	EXPECT_EQ(in_use(vm.pm), 4u);
	ASSERT_EQ(s2sim_s2pt_unmap(&vm.pt, 0x5000, 4 * KiB, Removed::cb, &rm),
		  S2SIM_OK);
	ASSERT_EQ(rm.v.size(), 1u); // the level-3 table still maps 0x6000
	EXPECT_EQ(rm.v[0], std::make_tuple(uint64_t(0x5000), 3u, false));
	EXPECT_EQ(vm.go(0x5000).fault, S2SIM_FAULT_TRANSLATION);
	EXPECT_EQ(vm.go(0x6000).pa, 0xa000u);
	ASSERT_EQ(s2sim_s2pt_unmap(&vm.pt, 0, 2 * GiB, Removed::cb, &rm),
		  S2SIM_OK);
	ASSERT_EQ(rm.v.size(), 4u);
	EXPECT_EQ(rm.v[1], std::make_tuple(uint64_t(0x6000), 3u, false));
	EXPECT_EQ(rm.v[2], std::make_tuple(uint64_t(0), 2u, true));
	EXPECT_EQ(rm.v[3], std::make_tuple(uint64_t(0), 1u, true));
	EXPECT_EQ(in_use(vm.pm), 2u); // the root remains
	EXPECT_EQ(vm.go(0x6000).level, 1u);
	EXPECT_EQ(s2sim_s2pt_unmap(&vm.pt, 0, 0, nullptr, nullptr),
		  S2SIM_EMISUSE);
}

// Unmapping part of a block removes the whole block, as KVM's walker does.
TEST(S2pt, UnmapPartOfBlock)
{
	Vm vm;
	Removed rm;

	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 2 * MiB, 0, 2 * MiB, RW), S2SIM_OK);
	ASSERT_EQ(s2sim_s2pt_unmap(&vm.pt, 3 * MiB, 4 * KiB, Removed::cb, &rm),
		  S2SIM_OK);
	EXPECT_EQ(rm.v[0], std::make_tuple(uint64_t(2 * MiB), 2u, false));
	EXPECT_EQ(vm.go(2 * MiB).fault, S2SIM_FAULT_TRANSLATION);
}

// Split a 2 MiB block into 512 pages that inherit its attributes, then
// collapse them back; and the same through the break-before-make
// primitives: invalid entry first, then the table.
TEST(S2pt, SplitAndCollapse)
{
	Vm vm;
	uint64_t table = 0, d = 0;

	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 4 * MiB, 6 * GiB, 2 * MiB,
				 S2SIM_PROT_R), S2SIM_OK);
	uint64_t before = in_use(vm.pm);
	ASSERT_EQ(s2sim_s2pt_split(&vm.pt, 4 * MiB, 2, &table), S2SIM_OK);
	EXPECT_EQ(in_use(vm.pm), before + 1);
	for (uint64_t i : {0ull, 1ull, 255ull, 511ull}) {
		s2sim_walk_result r = vm.go(4 * MiB + i * 4 * KiB + 0x10);
		ASSERT_EQ(r.fault, S2SIM_FAULT_NONE);
		EXPECT_EQ(r.level, 3u);
		EXPECT_EQ(r.pa, 6 * GiB + i * 4 * KiB + 0x10);
		EXPECT_EQ(r.perms, unsigned(S2SIM_PERM_R));
	}
	EXPECT_EQ(s2sim_s2pt_split(&vm.pt, 4 * MiB, 2, nullptr),
		  S2SIM_ENOTFOUND); // now a table
	ASSERT_EQ(s2sim_s2pt_collapse(&vm.pt, 4 * MiB, 2), S2SIM_OK);
	EXPECT_EQ(in_use(vm.pm), before);
	EXPECT_EQ(vm.go(4 * MiB + 0x1234).level, 2u);

	// BBM: break (invalid), [TLBI], make (table).
	ASSERT_EQ(s2sim_s2pt_read_entry(&vm.pt, 4 * MiB, 2, &d), S2SIM_OK);
	ASSERT_EQ(s2sim_s2pt_build_table_for_block(&vm.pt, d, 2, &table),
		  S2SIM_OK);
	EXPECT_EQ(vm.go(4 * MiB).level, 2u); // not linked yet
	ASSERT_EQ(s2sim_s2pt_write_entry(&vm.pt, 4 * MiB, 2, 0), S2SIM_OK);
	EXPECT_EQ(vm.go(4 * MiB).fault, S2SIM_FAULT_TRANSLATION);
	ASSERT_EQ(s2sim_s2pt_write_entry(&vm.pt, 4 * MiB, 2,
					 s2sim_desc_make_table(table)),
		  S2SIM_OK);
	EXPECT_EQ(vm.go(4 * MiB + 5 * 4 * KiB).pa, 6 * GiB + 5 * 4 * KiB);

	// A table whose pages are not contiguous does not collapse.
	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 4 * MiB, 0, 4 * KiB, S2SIM_PROT_R),
		  S2SIM_OK);
	EXPECT_EQ(s2sim_s2pt_collapse(&vm.pt, 4 * MiB, 2), S2SIM_EINPUT);
	// Different permissions do not either.
	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 4 * MiB, 6 * GiB, 4 * KiB, RW),
		  S2SIM_OK);
	EXPECT_EQ(s2sim_s2pt_collapse(&vm.pt, 4 * MiB, 2), S2SIM_EINPUT);
	EXPECT_EQ(s2sim_s2pt_read_entry(&vm.pt, 4 * MiB + 4 * KiB, 3, &d),
		  S2SIM_OK);
	EXPECT_EQ(s2sim_desc_output_addr(d, 3), 6 * GiB + 4 * KiB);
	// A 1 GiB block splits into 2 MiB blocks.
	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 3 * GiB, 9 * GiB, GiB, RW), S2SIM_OK);
	ASSERT_EQ(s2sim_s2pt_split(&vm.pt, 3 * GiB, 1, nullptr), S2SIM_OK);
	s2sim_walk_result r = vm.go(3 * GiB + 7 * 2 * MiB + 0x42);
	EXPECT_EQ(r.level, 2u);
	EXPECT_EQ(r.pa, 9 * GiB + 7 * 2 * MiB + 0x42);
}

// kvm_pgtable_stage2_wrprotect / _relax_perms, and attribute edits.
TEST(S2pt, Permissions)
{
	Vm vm;
	unsigned level = 9;

	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 0, 0x60'0000, 2 * MiB, RW), S2SIM_OK);
	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 2 * MiB, 0x40'0000, 4 * KiB, RW),
		  S2SIM_OK);
	ASSERT_EQ(s2sim_s2pt_wrprotect(&vm.pt, 0, 4 * MiB), S2SIM_OK);
	EXPECT_EQ(vm.go(0x1000, S2SIM_ACC_WRITE).fault,
		  S2SIM_FAULT_PERMISSION);
	EXPECT_EQ(vm.go(2 * MiB, S2SIM_ACC_WRITE).fault,
		  S2SIM_FAULT_PERMISSION);
	EXPECT_EQ(vm.go(2 * MiB).fault, S2SIM_FAULT_NONE);
	ASSERT_EQ(s2sim_s2pt_relax_perms(&vm.pt, 2 * MiB, S2SIM_PROT_W, &level),
		  S2SIM_OK);
	EXPECT_EQ(level, 3u);
	EXPECT_EQ(vm.go(2 * MiB, S2SIM_ACC_WRITE).fault, S2SIM_FAULT_NONE);
	ASSERT_EQ(s2sim_s2pt_relax_perms(&vm.pt, 0x1000, S2SIM_PROT_X, &level),
		  S2SIM_OK);
	EXPECT_EQ(level, 2u);
	EXPECT_EQ(vm.go(0x1000, S2SIM_ACC_EXEC).fault, S2SIM_FAULT_NONE);
	EXPECT_EQ(vm.go(0x1000, S2SIM_ACC_WRITE).fault,
		  S2SIM_FAULT_PERMISSION);
	EXPECT_EQ(s2sim_s2pt_relax_perms(&vm.pt, 8 * MiB, RW, nullptr),
		  S2SIM_ENOTFOUND);
	// Clearing AF gives Access flag faults; the nT bit can be set on a
	// block but not on a page (bit 16 is address there).
	ASSERT_EQ(s2sim_s2pt_set_attrs(&vm.pt, 0, S2SIM_DESC_NT,
				       S2SIM_DESC_AF, nullptr), S2SIM_OK);
	s2sim_walk_result r = vm.go(0x2000);
	EXPECT_EQ(r.fault, S2SIM_FAULT_ACCESS_FLAG);
	EXPECT_TRUE(s2sim_desc_nt(r.desc, 2));
	ASSERT_EQ(s2sim_s2pt_set_attrs(&vm.pt, 2 * MiB, S2SIM_DESC_NT, 0,
				       nullptr), S2SIM_OK);
	EXPECT_EQ(vm.go(2 * MiB).pa, 0x40'0000u);
}

// Every descriptor write is reported to the observer with its address.
TEST(S2pt, WriteObserver)
{
	Vm vm;
	std::vector<std::tuple<uint64_t, uint64_t, uint64_t>> w;

	s2sim_s2pt_set_observer(
		&vm.pt,
		[](void *ctx, uint64_t pa, uint64_t o, uint64_t n) {
			static_cast<decltype(w) *>(ctx)->emplace_back(pa, o, n);
		},
		&w);
	ASSERT_EQ(s2sim_s2pt_map(&vm.pt, 0x3000, 0x7000, 4 * KiB, RW),
		  S2SIM_OK);
	ASSERT_EQ(w.size(), 3u); // L1 table, L2 table, L3 page
	uint64_t pa = 0, d = 0;
	ASSERT_EQ(s2sim_s2pt_entry_pa(&vm.pt, 0x3000, 3, &pa), S2SIM_OK);
	ASSERT_EQ(s2sim_s2pt_read_entry(&vm.pt, 0x3000, 3, &d), S2SIM_OK);
	EXPECT_EQ(w[2], std::make_tuple(pa, uint64_t(0), d));
	EXPECT_EQ(s2sim_s2pt_entry_pa(&vm.pt, 0x20'0000, 3, &pa),
		  S2SIM_ENOTFOUND);
}

// ---- property test ------------------------------------------------------

// Reference: what each 4 KiB page maps to, and which 2 MiB regions are a
// block leaf.  Regions are drawn from two windows so that both concatenated
// start tables are used.
struct Ref {
	struct Page { uint64_t pa; unsigned prot; };
	std::map<uint64_t, Page> page; // by IPA
	std::set<uint64_t> block;      // 2 MiB-aligned IPAs

	bool has_pages(uint64_t region) const
	{
		auto it = page.lower_bound(region);
		return it != page.end() && it->first < region + 2 * MiB;
	}
	void erase_region(uint64_t region)
	{
		page.erase(page.lower_bound(region),
			   page.lower_bound(region + 2 * MiB));
		block.erase(region);
	}
};

class Property : public ::testing::Test {
protected:
	static constexpr uint64_t W0 = 0, W1 = 1ull << 39; // two windows
	static constexpr unsigned NREG = 24; // 2 MiB regions per window

	std::mt19937_64 rng{2024};
	s2sim_walk_cache wc{};
	Ref ref;
	unsigned ok[8] = {}, refused[8] = {}; // outcomes per operation kind

	void outcome(unsigned kind, int rc) { (rc ? refused : ok)[kind]++; }
	uint64_t region() // a 2 MiB region
	{
		uint64_t w = (rng() & 1) ? W1 : W0;
		return w + (rng() % NREG) * 2 * MiB;
	}
	uint64_t page_in(uint64_t region) { return region + (rng() % 512) * 4 * KiB; }
	unsigned prot() { return S2SIM_PROT_R | (rng() % 2 ? S2SIM_PROT_W : 0); }
	uint64_t pa_for(uint64_t ipa) { return 0x40'0000'0000ull + ipa % (64 * GiB); }

	void step(Vm &vm, unsigned kind);
	void check(Vm &vm, uint64_t ipa);
	int expected_collapse(uint64_t r) const;
	void check_table_count(Vm &vm);
};

// How KVM would keep the walk cache coherent after each edit: every
// removed table descriptor gets a TLBI IPAS2E1 with no level hint; a
// collapse gets one with TTL = the new leaf's level.
void inval_removed(void *ctx, uint64_t ipa, unsigned level, uint64_t d)
{
	if (s2sim_desc_type(d, level) == S2SIM_DESC_T_TABLE)
		s2sim_walk_cache_inv_ipa(static_cast<s2sim_walk_cache *>(ctx), 5,
					 ipa, false, 0);
}

TEST_F(Property, RandomEditsMatchReferenceMap)
{
	s2sim_cfg_walk_cache_level cfg[3] = {{0, 1}, {4, 4}, {16, 4}};
	ASSERT_EQ(s2sim_walk_cache_init(&wc, cfg, nullptr), S2SIM_OK);
	{
		Vm vm(40, 1, &wc);
		for (int op = 0; op < 4000 && !HasFatalFailure(); op++)
			step(vm, unsigned(rng() % 8));
		// Full comparison: every page of both windows, read and write.
		for (uint64_t w : {W0, W1})
			for (uint64_t ipa = w; ipa < w + NREG * 2 * MiB;
			     ipa += 4 * KiB)
				check(vm, ipa + 0x18);
		check_table_count(vm);
	}
	s2sim_walk_cache_fini(&wc);
	// The sequence exercised every operation, and each refusal rule.
	for (unsigned k = 0; k < 8; k++)
		EXPECT_GT(ok[k], 0u) << "operation " << k;
	for (unsigned k : {0u, 2u, 4u, 5u, 7u})
		EXPECT_GT(refused[k], 0u) << "operation " << k;
}

void Property::step(Vm &vm, unsigned kind)
{
	uint64_t r = region(), ipa = page_in(r);
	unsigned p = prot();

	switch (kind) {
	case 0: case 1: { // map 4 KiB
		int rc = s2sim_s2pt_map(&vm.pt, ipa, pa_for(ipa), 4 * KiB, p);
		ASSERT_EQ(rc, ref.block.count(r) ? S2SIM_EMISUSE : S2SIM_OK);
		outcome(kind, rc);
		if (rc == S2SIM_OK)
			ref.page[ipa] = {pa_for(ipa), p};
		break;
	}
	case 2: { // map 2 MiB
		bool table = !ref.block.count(r) && ref.has_pages(r);
		int rc = s2sim_s2pt_map(&vm.pt, r, pa_for(r), 2 * MiB, p);
		ASSERT_EQ(rc, table ? S2SIM_EMISUSE : S2SIM_OK);
		outcome(kind, rc);
		if (rc)
			break;
		ref.erase_region(r);
		ref.block.insert(r);
		for (uint64_t i = 0; i < 512; i++)
			ref.page[r + i * 4 * KiB] = {pa_for(r) + i * 4 * KiB, p};
		break;
	}
	case 3: { // unmap a range of up to 3 regions
		uint64_t len = (1 + rng() % (3 * 512)) * 4 * KiB;
		ASSERT_EQ(s2sim_s2pt_unmap(&vm.pt, ipa, len, inval_removed, &wc),
			  S2SIM_OK);
		outcome(kind, S2SIM_OK);
		for (uint64_t rr = r; rr < ipa + len; rr += 2 * MiB) {
			if (ref.block.count(rr)) {
				ref.erase_region(rr);
				continue;
			}
			uint64_t lo = rr < ipa ? ipa : rr;
			uint64_t hi = std::min(ipa + len, rr + 2 * MiB);
			ref.page.erase(ref.page.lower_bound(lo),
				       ref.page.lower_bound(hi));
		}
		break;
	}
	case 4: { // split
		int rc = s2sim_s2pt_split(&vm.pt, r, 2, nullptr);
		ASSERT_EQ(rc, ref.block.count(r) ? S2SIM_OK : S2SIM_ENOTFOUND);
		outcome(kind, rc);
		ref.block.erase(r);
		break;
	}
	case 5: { // collapse
		int rc = s2sim_s2pt_collapse(&vm.pt, r, 2);
		ASSERT_EQ(rc, expected_collapse(r));
		outcome(kind, rc);
		if (rc == S2SIM_OK) {
			// TLBI IPAS2E1, TTL = 2: the old level-2 table entry.
			s2sim_walk_cache_inv_ipa(&wc, 5, r, false, 2);
			ref.block.insert(r);
		}
		break;
	}
	case 6: { // write-protect a range within one region
		uint64_t len = (1 + rng() % 64) * 4 * KiB;
		len = std::min(len, r + 2 * MiB - ipa);
		ASSERT_EQ(s2sim_s2pt_wrprotect(&vm.pt, ipa, len), S2SIM_OK);
		outcome(kind, S2SIM_OK);
		uint64_t lo = ref.block.count(r) ? r : ipa;
		uint64_t hi = ref.block.count(r) ? r + 2 * MiB : ipa + len;
		for (auto it = ref.page.lower_bound(lo);
		     it != ref.page.end() && it->first < hi; ++it)
			it->second.prot &= ~S2SIM_PROT_W;
		break;
	}
	case 7: { // relax: make the leaf covering ipa writable
		int rc = s2sim_s2pt_relax_perms(&vm.pt, ipa, S2SIM_PROT_W,
						nullptr);
		auto it = ref.page.find(ipa);
		ASSERT_EQ(rc, it == ref.page.end() ? S2SIM_ENOTFOUND : S2SIM_OK);
		outcome(kind, rc);
		if (rc)
			break;
		uint64_t lo = ref.block.count(r) ? r : ipa;
		uint64_t hi = ref.block.count(r) ? r + 2 * MiB : ipa + 4 * KiB;
		for (auto j = ref.page.lower_bound(lo);
		     j != ref.page.end() && j->first < hi; ++j)
			j->second.prot |= S2SIM_PROT_W;
		break;
	}
	}
	for (int i = 0; i < 4; i++)
		check(vm, page_in(region()) + 0x8);
}

int Property::expected_collapse(uint64_t r) const
{
	if (ref.block.count(r) || !ref.has_pages(r))
		return S2SIM_ENOTFOUND; // a block, or no table at all
	auto first = ref.page.find(r);
	if (first == ref.page.end() || first->second.pa % (2 * MiB))
		return S2SIM_EINPUT;
	for (uint64_t i = 0; i < 512; i++) {
		auto it = ref.page.find(r + i * 4 * KiB);
		if (it == ref.page.end() ||
		    it->second.pa != first->second.pa + i * 4 * KiB ||
		    it->second.prot != first->second.prot)
			return S2SIM_EINPUT;
	}
	return S2SIM_OK;
}

void Property::check(Vm &vm, uint64_t ipa)
{
	auto it = ref.page.find(ipa & ~0xfffull);
	s2sim_walk_result r = vm.go(ipa, S2SIM_ACC_READ);

	if (it == ref.page.end()) {
		ASSERT_EQ(r.fault, S2SIM_FAULT_TRANSLATION) << std::hex << ipa;
		return;
	}
	ASSERT_EQ(r.fault, S2SIM_FAULT_NONE) << std::hex << ipa;
	ASSERT_EQ(r.pa, it->second.pa + (ipa & 0xfff)) << std::hex << ipa;
	ASSERT_EQ(r.level, ref.block.count(ipa & ~(2 * MiB - 1)) ? 2u : 3u);
	r = vm.go(ipa, S2SIM_ACC_WRITE);
	ASSERT_EQ(r.fault, (it->second.prot & S2SIM_PROT_W)
				   ? S2SIM_FAULT_NONE
				   : S2SIM_FAULT_PERMISSION) << std::hex << ipa;
}

// Table pages: the 2 root pages, one level-2 table per window holding any
// mapping, one level-3 table per region holding pages but not a block.
void Property::check_table_count(Vm &vm)
{
	uint64_t expect = 2;
	for (uint64_t w : {W0, W1}) {
		bool any = false;
		for (unsigned i = 0; i < NREG; i++) {
			uint64_t r = w + i * 2 * MiB;
			if (ref.has_pages(r))
				any = true;
			if (ref.has_pages(r) && !ref.block.count(r))
				expect++;
		}
		expect += any;
	}
	EXPECT_EQ(in_use(vm.pm), expect);
}

} // namespace
