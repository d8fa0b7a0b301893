// s2sim::DvmFabric and the EngineBridge: TLB maintenance as TLM
// transactions between Mmus and the C fabric, and the reports of misuse.
#include <memory>

#include <s2sim/systemc/dvm_fabric.h>
#include <s2sim/systemc/engine_bridge.h>
#include <s2sim/systemc/mmu.h>

#include "plain_tlm.h"
#include "sc_test.h"

using namespace sc_core;
using plain::PlainInitiator;
using plain::PlainMemory;
using tlm::tlm_generic_payload;

namespace {

s2sim::VmContext vm()
{
	s2sim::VmContext v;
	v.root_pa = plain::tables::kRoot;
	v.ipa_bits = 39;
	v.start_level = 1;
	return v;
}

// One DVM request through a maint_in; returns the response.
tlm::tlm_response_status maint(PlainInitiator &i, s2sim::DvmExtension &x, sc_time &d)
{
	tlm_generic_payload t;

	t.set_command(tlm::TLM_IGNORE_COMMAND);
	t.set_extension(&x);
	i.socket->b_transport(t, d);
	t.clear_extension(&x);
	return t.get_response_status();
}

s2sim::TranslatedBy where(PlainInitiator &i, uint64_t ipa)
{
	tlm_generic_payload t;
	s2sim::AccessExtension ax;
	unsigned char buf[8];
	sc_time d = SC_ZERO_TIME;

	t.set_extension(&ax);
	i.access(t, ipa, false, buf, 8, d);
	EXPECT_TRUE(t.is_response_ok());
	t.clear_extension(&ax);
	return ax.where;
}

struct CoreFabric {
	s2sim_engine *eng = nullptr;
	s2sim_fabric *fab = nullptr;
	CoreFabric()
	{
		struct s2sim_fabric_params p;

		EXPECT_EQ(s2sim_engine_create(&eng), S2SIM_OK);
		s2sim_fabric_params_default(&p);
		p.pes = 2;
		EXPECT_EQ(s2sim_fabric_create(eng, &p, &fab), S2SIM_OK);
	}
	~CoreFabric()
	{
		s2sim_fabric_destroy(fab);
		s2sim_engine_destroy(eng);
	}
};

TEST(ModelDvm, BroadcastTlbiReachesTheOtherPeAndDsbCompletesLater)
{
	SC_TEST_ONE_PER_PROCESS();
	s2sim_config *cfg = sctest::config({ "platform.ipa_bits=39", "platform.start_level=1" });
	CoreFabric core;
	{
		s2sim::EngineBridge bridge("bridge", core.eng, sc_time(1, SC_US));
		s2sim::DvmFabric dvm("dvm", bridge, core.fab);
		PlainMemory mem("mem", 4 << 20, sc_time(10, SC_NS));
		s2sim::Mmu mmu0("mmu0", cfg, 0, vm()), mmu1("mmu1", cfg, 1, vm());
		PlainInitiator cpu1("cpu1"), hyp0("hyp0");
		std::vector<std::pair<uint32_t, uint64_t>> syncs;

		plain::tables::load_tables(mem);
		for (s2sim::Mmu *m : { &mmu0, &mmu1 }) {
			m->pa_out.bind(mem.socket);
			m->walk_out.bind(mem.socket);
			m->dvm_out.bind(dvm.req);
		}
		dvm.snoop.bind(mmu1.dvm_in); // any order: the fabric asks
		dvm.snoop.bind(mmu0.dvm_in);
		cpu1.socket.bind(mmu1.ipa_in);
		hyp0.socket.bind(mmu0.maint_in);
		mmu0.on_sync_complete([&](uint32_t pe, uint64_t t) { syncs.emplace_back(pe, t); });
		cpu1.body = [](PlainInitiator &) {};
		hyp0.body = [&](PlainInitiator &h) {
			EXPECT_EQ(where(cpu1, 0x40005000), s2sim::TranslatedBy::Walk);
			EXPECT_EQ(where(cpu1, 0x40005000), s2sim::TranslatedBy::L1Tlb);
			wait(10, SC_NS);

			s2sim::DvmExtension x;
			sc_time d = SC_ZERO_TIME;
			x.cmd = s2sim::DvmCommand::Tlbi;
			x.op.kind = S2SIM_DVM_VMALLS12E1;
			x.op.share = S2SIM_DVM_ISH;
			x.op.vmid = 1;
			EXPECT_EQ(maint(h, x, d), tlm::TLM_OK_RESPONSE);
			EXPECT_EQ(x.pe, 0u) << "the Mmu stamps its PE";
			x = s2sim::DvmExtension();
			x.cmd = s2sim::DvmCommand::DsbIsh;
			EXPECT_EQ(maint(h, x, d), tlm::TLM_OK_RESPONSE) << "posted";
			sc_time issued = sc_time_stamp();
			wait(mmu0.sync_complete_event());
			EXPECT_GT(sc_time_stamp(), issued) << "a DVMSync takes fabric time";
			ASSERT_EQ(syncs.size(), 1u);
			EXPECT_EQ(syncs[0].first, 0u);
			EXPECT_EQ(syncs[0].second, sc_time_stamp().value());
			EXPECT_EQ(where(cpu1, 0x40005000), s2sim::TranslatedBy::Walk)
				<< "PE 1's entry is gone once the sync completed";

			x = s2sim::DvmExtension();
			x.cmd = s2sim::DvmCommand::DsbIshst;
			d = SC_ZERO_TIME;
			EXPECT_EQ(maint(h, x, d), tlm::TLM_OK_RESPONSE);
			EXPECT_EQ(x.done_ps, sc_time_stamp().value() + d.value())
				<< "a local barrier's cost comes back as annotated time";
			EXPECT_GT(d, SC_ZERO_TIME);
		};
		sc_start();
		const struct s2sim_fabric_stats *s = s2sim_fabric_get_stats(core.fab);
		EXPECT_EQ(s->rxreq_dvmop, 1u);
		EXPECT_EQ(s->dsb_ish, 1u);
		EXPECT_EQ(s2sim_fabric_get_pe_stats(core.fab, 1)->dvmops_applied, 1u);
		EXPECT_GE(dvm.snoops(), 3u) << "two applications and one completion";
	}
	s2sim_config_destroy(cfg);
}

TEST(ModelDvm, MaintenanceWithoutAFabricIsReported)
{
	SC_TEST_ONE_PER_PROCESS();
	s2sim_config *cfg = sctest::config({ "platform.ipa_bits=39", "platform.start_level=1" });
	{
		PlainMemory mem("mem", 1 << 20, SC_ZERO_TIME);
		s2sim::Mmu mmu("mmu", cfg, 3, vm());
		PlainInitiator hyp("hyp");

		mmu.pa_out.bind(mem.socket);
		mmu.walk_out.bind(mem.socket);
		hyp.socket.bind(mmu.maint_in);
		hyp.body = [&](PlainInitiator &h) {
			sctest::ExpectReports expect;
			s2sim::DvmExtension x;
			sc_time d = SC_ZERO_TIME;
			tlm_generic_payload t;

			x.cmd = s2sim::DvmCommand::Identify;
			EXPECT_EQ(maint(h, x, d), tlm::TLM_OK_RESPONSE);
			EXPECT_EQ(x.pe, 3u);
			x.cmd = s2sim::DvmCommand::Tlbi;
			EXPECT_EQ(maint(h, x, d), tlm::TLM_GENERIC_ERROR_RESPONSE);
			EXPECT_EQ(x.rc, S2SIM_EMISUSE);
			t.set_command(tlm::TLM_IGNORE_COMMAND); // no DvmExtension
			h.socket->b_transport(t, d);
			EXPECT_EQ(t.get_response_status(), tlm::TLM_COMMAND_ERROR_RESPONSE);
		};
		sc_start();
	}
	ASSERT_EQ(sctest::reports().size(), 2u);
	EXPECT_EQ(sctest::reports()[0].severity, SC_ERROR);
	EXPECT_EQ(sctest::reports()[0].type, "s2sim/mmu");
	EXPECT_EQ(sctest::reports()[1].severity, SC_WARNING);
	EXPECT_EQ(sctest::reports()[1].type, "s2sim/mmu");
	s2sim_config_destroy(cfg);
}

} // namespace
