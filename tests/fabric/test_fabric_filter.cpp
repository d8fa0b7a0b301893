// Snoop filters (none, vmid, address): hits, misses, capacity, eviction,
// and the DVM op range helpers they rely on.
#include "fabric_harness.h"

#include <set>

namespace {

std::set<uint32_t> targets_of(const Harness &h, int vmid, uint64_t ipa)
{
	std::set<uint32_t> s;
	for (const Applied &a : h.applied)
		if (a.op.vmid == vmid && a.op.ipa == ipa)
			s.insert(a.pe);
	return s;
}

// Issue one op from PE 0 and run it to completion.
void issue(Harness &h, const s2sim_dvm_op &op)
{
	s2sim_time_ps now = s2sim_engine_now(h.eng);
	ASSERT_EQ(h.tlbi(0, now, op), S2SIM_OK);
	h.run();
}

TEST(DvmOp, RangeAndOverlap)
{
	uint64_t lo, hi;
	s2sim_dvm_op op = ipa_op(3, 0x12345000);
	ASSERT_TRUE(s2sim_dvm_op_range(&op, &lo, &hi));
	EXPECT_EQ(lo, 0x12345000u);
	EXPECT_EQ(hi, 0x12345001u);
	EXPECT_TRUE(s2sim_dvm_op_overlaps(&op, 3, 0x12200000, 21)); // block
	EXPECT_FALSE(s2sim_dvm_op_overlaps(&op, 4, 0x12345000, 12));
	EXPECT_FALSE(s2sim_dvm_op_overlaps(&op, 3, 0x12346000, 12));

	op.kind = S2SIM_DVM_RIPAS2E1; // (NUM + 1) * 2^(5 * SCALE + 1) pages
	op.tg = 1;
	op.scale = 0;
	op.num = 0;
	ASSERT_TRUE(s2sim_dvm_op_range(&op, &lo, &hi));
	EXPECT_EQ(hi - lo, 2u * 4096u);
	op.scale = 3;
	op.num = 31;
	op.ipa = 0;
	ASSERT_TRUE(s2sim_dvm_op_range(&op, &lo, &hi));
	EXPECT_EQ(hi - lo, UINT64_C(8) << 30); // 8 GiB in one op
	op.tg = 3;
	op.scale = 1;
	op.num = 1;
	ASSERT_TRUE(s2sim_dvm_op_range(&op, &lo, &hi));
	EXPECT_EQ(hi - lo, 2u * 64u * 65536u);
	op.tg = 0; // reserved: nothing in scope
	ASSERT_TRUE(s2sim_dvm_op_range(&op, &lo, &hi));
	EXPECT_EQ(lo, hi);
	EXPECT_FALSE(s2sim_dvm_op_overlaps(&op, 3, 0, 12));

	s2sim_dvm_op vm = vm_op(S2SIM_DVM_VMALLS12E1, 5);
	EXPECT_FALSE(s2sim_dvm_op_range(&vm, &lo, &hi));
	EXPECT_TRUE(s2sim_dvm_op_overlaps(&vm, 5, 0x1000, 12));
	EXPECT_FALSE(s2sim_dvm_op_overlaps(&vm, 6, 0x1000, 12));
	s2sim_dvm_op all = vm_op(S2SIM_DVM_ALLE1, 0);
	EXPECT_TRUE(s2sim_dvm_op_overlaps(&all, 6, 0x1000, 12));
	EXPECT_STREQ(s2sim_dvm_kind_name(S2SIM_DVM_RIPAS2LE1), "RIPAS2LE1");
	EXPECT_STREQ(s2sim_dvm_kind_name(77), "?");
}

TEST(SnoopFilter, NoneSnoopsEveryone)
{
	Harness h(small_params(8));
	issue(h, ipa_op(1, 0x1000));
	EXPECT_EQ(targets_of(h, 1, 0x1000).size(), 8u);
	EXPECT_EQ(h.st().snoops_filtered, 0u);
	EXPECT_EQ(h.st().filter_lookups, 0u);
}

TEST(SnoopFilter, VmidHitMissAndEmpty)
{
	s2sim_fabric_params p = small_params(8);
	p.filter = S2SIM_SNOOP_FILTER_VMID;
	Harness h(p);
	ASSERT_EQ(s2sim_fabric_note_install(h.fab, 1, 5, 0x1000, 12), S2SIM_OK);
	ASSERT_EQ(s2sim_fabric_note_install(h.fab, 3, 5, 0x9000, 21), S2SIM_OK);
	ASSERT_EQ(s2sim_fabric_note_install(h.fab, 3, 5, 0x2000, 12), S2SIM_OK);
	EXPECT_EQ(h.st().filter_updates, 2u); // the third changed nothing

	issue(h, ipa_op(5, 0x40000)); // hit: the VMID's holders only
	EXPECT_EQ(targets_of(h, 5, 0x40000), (std::set<uint32_t>{1, 3}));
	EXPECT_EQ(h.st().dvmop_vmid_filtered, 1u);
	EXPECT_EQ(h.st().snoops_filtered, 6u);

	issue(h, ipa_op(6, 0x40000)); // miss: nobody holds VMID 6
	EXPECT_TRUE(targets_of(h, 6, 0x40000).empty());
	EXPECT_EQ(h.st().snoops_sent, 2u);

	ASSERT_EQ(s2sim_fabric_note_vmid_empty(h.fab, 1, 5), S2SIM_OK);
	issue(h, ipa_op(5, 0x80000));
	EXPECT_EQ(targets_of(h, 5, 0x80000), (std::set<uint32_t>{3}));

	issue(h, vm_op(S2SIM_DVM_ALLE1, 0)); // no VMID: everyone
	EXPECT_EQ(targets_of(h, 0, 0).size(), 8u);
	EXPECT_EQ(h.st().filter_broadcasts, 1u);
}

TEST(SnoopFilter, VmidCapacityFallsBackToBroadcast)
{
	s2sim_fabric_params p = small_params(8);
	p.filter = S2SIM_SNOOP_FILTER_VMID;
	p.vmid_filter_entries = 2;
	Harness h(p);
	ASSERT_EQ(s2sim_fabric_note_install(h.fab, 1, 10, 0, 12), S2SIM_OK);
	ASSERT_EQ(s2sim_fabric_note_install(h.fab, 2, 11, 0, 12), S2SIM_OK);
	ASSERT_EQ(s2sim_fabric_note_install(h.fab, 3, 12, 0, 12), S2SIM_OK);
	EXPECT_EQ(h.st().filter_untracked, 1u);

	issue(h, ipa_op(12, 0)); // no entry for VMID 12: broadcast
	EXPECT_EQ(targets_of(h, 12, 0).size(), 8u);
	issue(h, ipa_op(10, 0));
	EXPECT_EQ(targets_of(h, 10, 0), (std::set<uint32_t>{1}));

	// Freeing VMID 10's entry lets VMID 13 be tracked.
	ASSERT_EQ(s2sim_fabric_note_vmid_empty(h.fab, 1, 10), S2SIM_OK);
	ASSERT_EQ(s2sim_fabric_note_install(h.fab, 4, 13, 0, 12), S2SIM_OK);
	issue(h, ipa_op(13, 0));
	EXPECT_EQ(targets_of(h, 13, 0), (std::set<uint32_t>{4}));
	EXPECT_EQ(h.st().filter_untracked, 1u);
}

TEST(SnoopFilter, AddressHitMissEvictionAndWide)
{
	s2sim_fabric_params p = small_params(8);
	p.filter = S2SIM_SNOOP_FILTER_ADDRESS;
	p.addr_sets = 1;
	p.addr_ways = 2;
	p.addr_region_bytes = 2u << 20;
	Harness h(p);
	const uint64_t R0 = 0, R1 = 2u << 20, R2 = 4u << 20;
	ASSERT_EQ(s2sim_fabric_note_install(h.fab, 1, 1, R0 + 0x5000, 12),
		  S2SIM_OK);
	ASSERT_EQ(s2sim_fabric_note_install(h.fab, 2, 1, R1 + 0x1000, 12),
		  S2SIM_OK);

	issue(h, ipa_op(1, R0 + 0x1000)); // hit region 0
	EXPECT_EQ(targets_of(h, 1, R0 + 0x1000), (std::set<uint32_t>{1}));
	EXPECT_EQ(h.st().filter_hits, 1u);
	EXPECT_EQ(h.st().dvmop_addr_filtered, 1u);
	issue(h, ipa_op(1, R2)); // miss: no sharer anywhere
	EXPECT_TRUE(targets_of(h, 1, R2).empty());
	EXPECT_EQ(h.st().filter_misses, 1u);

	// A third region evicts the LRU one (region 0): its sharers move to
	// the set's overflow vector, so region 0 ops still reach PE 1.
	ASSERT_EQ(s2sim_fabric_note_install(h.fab, 3, 1, R2, 12), S2SIM_OK);
	EXPECT_EQ(h.st().filter_evictions, 1u);
	issue(h, ipa_op(1, R0 + 0x2000));
	EXPECT_EQ(targets_of(h, 1, R0 + 0x2000), (std::set<uint32_t>{1}));
	issue(h, ipa_op(1, R1));
	EXPECT_EQ(targets_of(h, 1, R1), (std::set<uint32_t>{1, 2}));

	// A 1 GiB block is too big for regions: PE 4 goes to the wide
	// vector and is snooped for every address of the VMID.
	ASSERT_EQ(s2sim_fabric_note_install(h.fab, 4, 1, 0, 30), S2SIM_OK);
	issue(h, ipa_op(1, R2 + 0x3000));
	EXPECT_EQ(targets_of(h, 1, R2 + 0x3000), (std::set<uint32_t>{1, 3, 4}));

	// A VMID-wide op uses the presence vector.
	issue(h, vm_op(S2SIM_DVM_VMALLS12E1, 1));
	std::set<uint32_t> vm;
	for (const Applied &a : h.applied)
		if (a.op.kind == S2SIM_DVM_VMALLS12E1)
			vm.insert(a.pe);
	EXPECT_EQ(vm, (std::set<uint32_t>{1, 2, 3, 4}));

	// Another VMID's op never reaches these PEs (presence mask).
	issue(h, ipa_op(2, R0 + 0x2000));
	EXPECT_TRUE(targets_of(h, 2, R0 + 0x2000).empty());
}

TEST(SnoopFilter, AddressRangeOps)
{
	s2sim_fabric_params p = small_params(8);
	p.filter = S2SIM_SNOOP_FILTER_ADDRESS;
	p.addr_region_bytes = 64u << 10;
	Harness h(p);
	for (uint32_t pe = 0; pe < 8; pe++)
		ASSERT_EQ(s2sim_fabric_note_install(h.fab, pe, 7,
						    (uint64_t)pe << 16, 12),
			  S2SIM_OK);
	s2sim_dvm_op r = {};
	r.kind = S2SIM_DVM_RIPAS2E1;
	r.share = S2SIM_DVM_ISH;
	r.vmid = 7;
	r.tg = 1;     // 4 KiB
	r.scale = 0;
	r.num = 15;   // 32 pages = 128 KiB: regions 2 and 3
	r.ipa = 2u << 16;
	issue(h, r);
	EXPECT_EQ(targets_of(h, 7, r.ipa), (std::set<uint32_t>{2, 3}));
	EXPECT_EQ(h.st().filter_lookups, 2u);
	EXPECT_EQ(h.st().rxreq_dvmop, 1u); // one DVMOp for the whole range
}

} // namespace
