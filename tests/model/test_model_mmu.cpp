// s2sim::Mmu bound as a platform author would bind it: a plain TLM-2.0
// initiator and a plain memory, written only with the standard tlm_utils
// sockets (no s2sim helper class), holding stage-2 tables written by hand
// with the VMSAv8-64 descriptor bits.
#include <cstring>

#include <s2sim/systemc/mmu.h>

#include "plain_tlm.h"
#include "sc_test.h"

using namespace sc_core;
using tlm::tlm_generic_payload;
using plain::PlainInitiator;
using plain::PlainMemory;

namespace {

using namespace plain::tables;

struct Rig {
	s2sim_config *cfg;
	PlainMemory mem{ "mem", 4 << 20, sc_time(10, SC_NS) };
	PlainInitiator cpu{ "cpu" };
	s2sim::Mmu mmu;

	Rig()
		: cfg(sctest::config({ "platform.ipa_bits=39", "platform.start_level=1" })),
		  mmu("mmu", cfg, 0, vm())
	{
		cpu.socket.bind(mmu.ipa_in);
		mmu.pa_out.bind(mem.socket);
		mmu.walk_out.bind(mem.socket);
		load_tables(mem);
	}
	~Rig() { s2sim_config_destroy(cfg); }
	static s2sim::VmContext vm()
	{
		s2sim::VmContext v;
		v.root_pa = kRoot;
		v.vmid = 1;
		v.ipa_bits = 39;
		v.pa_bits = 48;
		v.start_level = 1;
		return v;
	}
};

TEST(ModelMmu, TranslatesForAPlainInitiatorAndMemory)
{
	SC_TEST_ONE_PER_PROCESS();
	Rig r;
	unsigned walks_first = 0, walks_second = 0;
	sc_time first, second;

	r.cpu.body = [&](PlainInitiator &c) {
		tlm_generic_payload t;
		unsigned char buf[16] = {};
		sc_time d = SC_ZERO_TIME;

		ASSERT_EQ(c.access(t, 0x40005123, false, buf, 15, d), tlm::TLM_OK_RESPONSE);
		EXPECT_STREQ(reinterpret_cast<char *>(buf), "hello, stage 2");
		EXPECT_EQ(t.get_address(), 0x40005123u) << "the IPA is restored";
		walks_first = r.mem.accesses - 1; // all but the data access
		first = d;

		d = SC_ZERO_TIME;
		unsigned before = r.mem.accesses;
		ASSERT_EQ(c.access(t, 0x40005123, false, buf, 4, d), tlm::TLM_OK_RESPONSE);
		walks_second = r.mem.accesses - before - 1;
		second = d;

		// a 2 MiB block
		uint64_t v = 0;
		d = SC_ZERO_TIME;
		ASSERT_EQ(c.access(t, 0x40201008, false, reinterpret_cast<unsigned char *>(&v),
				   8, d), tlm::TLM_OK_RESPONSE);
		EXPECT_EQ(v, 0x1122334455667788ull);

		// a write reaches the PA
		const char w[] = "written";
		d = SC_ZERO_TIME;
		ASSERT_EQ(c.access(t, 0x40005800, true,
				   reinterpret_cast<unsigned char *>(const_cast<char *>(w)),
				   sizeof(w), d), tlm::TLM_OK_RESPONSE);
		EXPECT_STREQ(reinterpret_cast<char *>(&r.mem.mem[0x80800]), "written");
	};
	sc_start();
	EXPECT_EQ(walks_first, 3u) << "a cold walk reads L1, L2 and L3 descriptors";
	EXPECT_EQ(walks_second, 0u) << "the second access hits the TLB";
	EXPECT_GE(first - second, sc_time(30, SC_NS))
		<< "each descriptor fetch costs what the memory annotates";
	EXPECT_GE(second, sc_time(10, SC_NS)) << "the data access's own latency";
}

TEST(ModelMmu, FaultsCarryTheStage2Syndrome)
{
	SC_TEST_ONE_PER_PROCESS();
	Rig r;

	r.cpu.body = [&](PlainInitiator &c) {
		unsigned char buf[8] = {};
		sc_time d = SC_ZERO_TIME;
		{
			tlm_generic_payload t; // no extension: the Mmu attaches one
			EXPECT_EQ(c.access(t, 0x40006010, true, buf, 8, d),
				  tlm::TLM_ADDRESS_ERROR_RESPONSE);
			auto *fx = t.get_extension<s2sim::FaultExtension>();
			ASSERT_NE(fx, nullptr);
			EXPECT_EQ(fx->type, s2sim::FaultType::Permission);
			EXPECT_EQ(fx->level, 3);
			EXPECT_EQ(fx->ipa, 0x40006010u);
			EXPECT_TRUE(fx->write);
			EXPECT_EQ(fx->esr >> 26, 0x24u) << "EC: data abort from a lower EL";
			EXPECT_EQ(fx->esr & (1u << 6), 1u << 6) << "WnR";
			EXPECT_EQ(fx->dfsc, 0x0fu) << "permission fault, level 3";
			EXPECT_EQ(fx->esr & 0x3f, 0x0fu);
		}
		{
			tlm_generic_payload t;
			s2sim::FaultExtension mine; // the initiator's own is filled
			t.set_extension(&mine);
			EXPECT_EQ(c.access(t, 0x40007000, false, buf, 8, d),
				  tlm::TLM_ADDRESS_ERROR_RESPONSE);
			EXPECT_EQ(t.get_extension<s2sim::FaultExtension>(), &mine);
			EXPECT_EQ(mine.type, s2sim::FaultType::Translation);
			EXPECT_EQ(mine.level, 3);
			EXPECT_EQ(mine.dfsc, 0x07u) << "translation fault, level 3";
			EXPECT_TRUE(mine.hpfar_valid);
			EXPECT_EQ(mine.hpfar, (0x40007000ull >> 12) << 4);
			t.clear_extension(&mine);
		}
		{
			tlm_generic_payload t; // outside the IPA space: level 0
			EXPECT_EQ(c.access(t, 1ull << 40, false, buf, 8, d),
				  tlm::TLM_ADDRESS_ERROR_RESPONSE);
			EXPECT_EQ(t.get_extension<s2sim::FaultExtension>()->level, 0);
		}
		{
			tlm_generic_payload t; // reads of the read-only page work
			s2sim::AccessExtension ax;
			t.set_extension(&ax);
			EXPECT_EQ(c.access(t, 0x40006010, false, buf, 8, d), tlm::TLM_OK_RESPONSE);
			EXPECT_EQ(ax.pa, 0x81010u);
			EXPECT_EQ(ax.level, 3);
			EXPECT_EQ(ax.where, s2sim::TranslatedBy::Walk)
				<< "a faulting walk caches no entry";
			EXPECT_EQ(c.access(t, 0x40006018, false, buf, 8, d), tlm::TLM_OK_RESPONSE);
			EXPECT_EQ(ax.where, s2sim::TranslatedBy::L1Tlb);
			t.clear_extension(&ax);
		}
	};
	sc_start();
}

TEST(ModelMmu, DmiIsWithdrawnByCoveringTlbis)
{
	SC_TEST_ONE_PER_PROCESS();
	Rig r;
	PlainInitiator dvm("dvm"); // stands for the fabric's snoop port
	dvm.body = [](PlainInitiator &) {};
	dvm.socket.bind(r.mmu.dvm_in);
	r.mmu.enable_dmi(true);

	auto tlbi = [&](uint8_t kind, uint64_t ipa) {
		tlm_generic_payload t;
		s2sim::DvmExtension x;
		sc_time d = SC_ZERO_TIME;

		x.cmd = s2sim::DvmCommand::Tlbi;
		x.op.kind = kind;
		x.op.share = S2SIM_DVM_ISH;
		x.op.vmid = 1;
		x.op.ipa = ipa;
		t.set_extension(&x);
		t.set_command(tlm::TLM_IGNORE_COMMAND);
		dvm.socket->b_transport(t, d);
		EXPECT_TRUE(t.is_response_ok());
		t.clear_extension(&x);
	};
	r.cpu.body = [&](PlainInitiator &c) {
		tlm_generic_payload t;
		tlm::tlm_dmi dmi;

		t.set_command(tlm::TLM_READ_COMMAND);
		t.set_address(0x40005040);
		ASSERT_TRUE(c.socket->get_direct_mem_ptr(t, dmi));
		EXPECT_EQ(dmi.get_start_address(), 0x40005000u);
		EXPECT_EQ(dmi.get_end_address(), 0x40005fffu);
		EXPECT_EQ(dmi.get_dmi_ptr(), &r.mem.mem[0x80000]);
		EXPECT_TRUE(dmi.is_read_allowed());
		EXPECT_FALSE(dmi.is_write_allowed()) << "a read is no proof the page is writable";

		t.set_command(tlm::TLM_WRITE_COMMAND);
		t.set_address(0x40006000);
		EXPECT_FALSE(c.socket->get_direct_mem_ptr(t, dmi)) << "read-only page";
		t.set_address(0x40201000);
		ASSERT_TRUE(c.socket->get_direct_mem_ptr(t, dmi));
		EXPECT_TRUE(dmi.is_write_allowed());
		EXPECT_EQ(r.mmu.dmi_grants(), 2u);

		tlbi(S2SIM_DVM_IPAS2E1, 0x40300000); // another page: nothing
		EXPECT_TRUE(c.invalidated.empty());
		tlbi(S2SIM_DVM_IPAS2E1, 0x40201000);
		ASSERT_EQ(c.invalidated.size(), 1u);
		EXPECT_EQ(c.invalidated[0].first, 0x40201000u);
		EXPECT_EQ(c.invalidated[0].second, 0x40201fffu);
		tlbi(S2SIM_DVM_VMALLS12E1, 0);
		ASSERT_EQ(c.invalidated.size(), 2u);
		EXPECT_EQ(c.invalidated[1].first, 0x40005000u);
		EXPECT_EQ(r.mmu.dmi_invalidations(), 2u);
	};
	sc_start();
}

TEST(ModelMmu, WalkFetchErrorsAreReportedAsTranslationFaults)
{
	SC_TEST_ONE_PER_PROCESS();
	Rig r;
	r.mem.put64(kL3 + 8 * 8, 0x80000 | kPageAttrs | kRW | kPage);
	r.mem.put64(kRoot + 2 * 8, (8ull << 20) | kTable); // L1[2]: table beyond the memory

	r.cpu.body = [&](PlainInitiator &c) {
		tlm_generic_payload t;
		unsigned char buf[8];
		sc_time d = SC_ZERO_TIME;
		sctest::ExpectReports expect;

		EXPECT_EQ(c.access(t, 0x80000000, false, buf, 8, d),
			  tlm::TLM_ADDRESS_ERROR_RESPONSE);
		EXPECT_EQ(t.get_extension<s2sim::FaultExtension>()->type,
			  s2sim::FaultType::Translation);
	};
	sc_start();
	EXPECT_EQ(r.mmu.walk_errors(), 1u);
	ASSERT_FALSE(sctest::reports().empty());
	EXPECT_EQ(sctest::reports().back().type, "s2sim/mmu");
	EXPECT_EQ(sctest::reports().back().severity, SC_WARNING);
}

} // namespace
