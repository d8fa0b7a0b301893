// Timing of the DVM fabric: single-op latency against the formula, DSB ISH
// (DVMSync) ordering, tracker pressure, the erratum repeat, local barriers,
// translation blocking, misuse and parameter checks.
#include "fabric_harness.h"

#include <algorithm>
#include <string>

namespace {

// 2 x 2 mesh, one PE per XP, the DVM node on XP 3 (x = 1, y = 1); a 1 GHz
// fabric (1000 ps cycles) and a 2 GHz PE (500 ps cycles).
s2sim_fabric_params formula_params()
{
	s2sim_fabric_params p;
	s2sim_fabric_params_default(&p);
	p.pes = 4;
	p.mesh_x = 2;
	p.mesh_y = 2;
	p.pes_per_xp = 1;
	p.hop_cycles = 3;
	p.fabric_mhz = 1000.0;
	p.pe_mhz = 2000.0;
	p.dn_count = 1;
	p.dn_xp[0] = 3;
	p.dn_op_cycles = 4;
	p.dn_snoop_cycles = 2;
	p.target_op_cycles = 50;
	p.target_sync_cycles = 250;
	return p;
}

// With target_blocks_translation the per-target processing windows are
// observable through translation_ready; the timing is the same either way
// (and the uniform-broadcast path is off with it, docs/fabric.md §7).
void single_op_and_sync(bool blocking)
{
	s2sim_fabric_params p = formula_params();
	p.target_blocks_translation = blocking;
	Harness h(p);
	// XPs a message passes through: PE0 (0,0) -> DN (1,1): 3; PE1 and PE2:
	// 2; PE3 (on the node's XP): 1.  Each costs 3 cycles of 1000 ps.
	const s2sim_time_ps travel[4] = {9000, 6000, 6000, 3000};
	const s2sim_time_ps t0 = 1000;

	ASSERT_EQ(h.tlbi(0, t0, ipa_op(1, 0x40000)), S2SIM_OK);
	ASSERT_EQ(h.dsb(0, t0), S2SIM_OK);
	h.run();

	// DVMOp: request (9000), DBIDResp + data (2 x 9000): ready at 28000;
	// the node works 4 cycles, then sends one snoop every 2 cycles.
	s2sim_time_ps ready = t0 + 3 * travel[0];
	EXPECT_EQ(ready, 28000u);
	s2sim_time_ps cursor = ready + 4000, complete = 0;
	s2sim_time_ps start[4], done[4];
	for (int j = 0; j < 4; j++) {
		start[j] = cursor + travel[j]; // target idle: no queueing
		done[j] = start[j] + 50 * 500;
		complete = std::max(complete, done[j] + travel[j]);
		cursor += 2000;
	}
	EXPECT_EQ(complete, 75000u); // target 0: 32000 + 9000 + 25000 + 9000
	// Applied when delivered: every target at the distribution (28000),
	// in PE order, never after its modelled start.
	ASSERT_EQ(h.applied.size(), 4u);
	for (uint32_t j = 0; j < 4; j++) {
		EXPECT_EQ(h.applied[j].pe, j);
		EXPECT_EQ(h.applied[j].t, ready);
		EXPECT_LE(h.applied[j].t, start[j]);
	}
	for (uint32_t j = 0; j < 4; j++) {
		const s2sim_fabric_pe_stats *ps = s2sim_fabric_get_pe_stats(h.fab, j);
		EXPECT_EQ(ps->busy_ps, 25000u);
		EXPECT_EQ(ps->queue_delay_ps, 0u);
		if (!blocking)
			continue;
		EXPECT_EQ(s2sim_fabric_translation_ready(h.fab, j, start[j] - 1),
			  start[j] - 1) << "PE " << j;
		EXPECT_EQ(s2sim_fabric_translation_ready(h.fab, j, start[j]),
			  done[j]) << "PE " << j;
	}

	// Comp reaches PE0 at 84000; the DVMSync leaves then, is ready at the
	// node 3 message times later, and each target answers once its ops
	// are applied plus 250 PE cycles.
	s2sim_time_ps comp = complete + travel[0];
	s2sim_time_ps sready = comp + 3 * travel[0];
	s2sim_time_ps scursor = sready + 4000, sdone = 0;
	for (int j = 0; j < 4; j++) {
		s2sim_time_ps arrive = scursor + travel[j];
		s2sim_time_ps answer = std::max(arrive, done[j]) + 250 * 500;
		sdone = std::max(sdone, answer + travel[j]);
		scursor += 2000;
	}
	s2sim_time_ps expect = sdone + travel[0];
	EXPECT_EQ(expect, 267000u);
	ASSERT_EQ(h.syncs.size(), 1u);
	EXPECT_EQ(h.syncs[0].t, expect);
	EXPECT_EQ(h.syncs[0].pe, 0u);

	const s2sim_fabric_stats &s = h.st();
	EXPECT_EQ(s.rxreq_dvmop, 1u);
	EXPECT_EQ(s.rxreq_dvmsync, 1u);
	EXPECT_EQ(s.snoops_sent, 4u);
	EXPECT_EQ(s.sync_snoops_sent, 4u);
	EXPECT_EQ(s.txsnp_flits, 16u);
	EXPECT_EQ(s.rxreq_retried, 0u);
	EXPECT_EQ(s.ops_applied, 4u);
	EXPECT_EQ(s.dn_busy_cycles, 2u * (4 + 4 * 2));
}

TEST(FabricTiming, SingleOpAndSyncMatchHandFormula)
{
	{
		SCOPED_TRACE("uniform broadcast path");
		single_op_and_sync(false);
	}
	{
		SCOPED_TRACE("per-target path, windows visible");
		single_op_and_sync(true);
	}
}

TEST(FabricTiming, DsbWithoutTlbiIsElided)
{
	Harness h(formula_params());
	ASSERT_EQ(h.dsb(2, 5000), S2SIM_OK);
	h.run();
	ASSERT_EQ(h.syncs.size(), 1u);
	EXPECT_EQ(h.syncs[0].t, 5000u + 20 * 500); // dsb_nsh_cycles
	EXPECT_EQ(h.st().rxreq_dvmsync, 0u);
	EXPECT_EQ(h.st().dsb_ish_elided, 1u);
}

TEST(FabricTiming, SyncWaitsForEveryEarlierOpOfItsPe)
{
	s2sim_fabric_params p = small_params(8);
	Harness h(p);
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(h.tlbi(3, 1000 * i, ipa_op(1, 0x1000 * i)), S2SIM_OK);
	ASSERT_EQ(h.dsb(3, 5000), S2SIM_OK);
	h.run();
	ASSERT_EQ(h.applied.size(), 5u * 8u);
	s2sim_time_ps last = 0;
	for (const Applied &a : h.applied)
		last = std::max(last, a.t);
	EXPECT_GT(h.sync_time(3), last + 50 * 333);
	EXPECT_EQ(h.st().rxreq_dvmop, 5u);
}

// PE 7 sits on the node's XP, PE 0 eight XPs away.  PE 0's DVMOp (slow to
// apply) is accepted before PE 7's DVMSync but becomes ready after it.
struct TwoPeResult {
	s2sim_time_ps sync7;
	s2sim_time_ps op0_applied; // PE 0's op applied everywhere
};

TwoPeResult two_pe_run(bool orders_all)
{
	s2sim_fabric_params p = small_params(8);
	p.dn_xp[0] = 7;
	p.hop_cycles = 10;
	p.fabric_mhz = 1000.0;
	p.pe_mhz = 1000.0;
	p.target_op_cycles = 1000;
	p.target_sync_cycles = 10;
	p.filter = S2SIM_SNOOP_FILTER_VMID;
	p.sync_orders_all = orders_all;
	Harness h(p);
	for (uint32_t pe = 0; pe < 8; pe++) // VMID 1 everywhere, 2 nowhere
		EXPECT_EQ(s2sim_fabric_note_install(h.fab, pe, 1, 0, 12),
			  S2SIM_OK);
	EXPECT_EQ(h.tlbi(0, 0, ipa_op(1, 0)), S2SIM_OK);
	EXPECT_EQ(h.tlbi(7, 100000, ipa_op(2, 0)), S2SIM_OK);
	EXPECT_EQ(h.dsb(7, 100000), S2SIM_OK);
	h.run();
	TwoPeResult r = {h.sync_time(7), 0};
	std::vector<Applied> a = h.applied_of(1);
	EXPECT_EQ(a.size(), 8u);
	for (const Applied &x : a)
		r.op0_applied = std::max(r.op0_applied, x.t + 1000 * 1000);
	EXPECT_EQ(h.applied_of(2).size(), 0u); // filtered to nobody
	return r;
}

TEST(FabricTiming, SyncOrdersBehindOtherRequestersOnlyWhenAsked)
{
	TwoPeResult alone = two_pe_run(false);
	TwoPeResult all = two_pe_run(true);
	// CHI minimum: PE 7's sync covers only PE 7's op.
	EXPECT_LT(alone.sync7, alone.op0_applied);
	// sync_orders_all: it also waits for PE 0's op, applied everywhere.
	EXPECT_GT(all.sync7, all.op0_applied);
	EXPECT_EQ(alone.op0_applied, all.op0_applied);
}

// Every PE issues TLBI; DSB at once.  Returns the stats and the latest
// DSB completion.
s2sim_time_ps storm(uint32_t trackers, s2sim_fabric_stats *out)
{
	s2sim_fabric_params p = small_params(8);
	p.dn_trackers = trackers;
	Harness h(p);
	for (uint32_t pe = 0; pe < 8; pe++) {
		EXPECT_EQ(h.tlbi(pe, 0, ipa_op(1, 0x1000 * pe)), S2SIM_OK);
		EXPECT_EQ(h.dsb(pe, 0), S2SIM_OK);
	}
	h.run();
	EXPECT_EQ(h.syncs.size(), 8u);
	// Each sync after its own op is applied everywhere.
	for (uint32_t pe = 0; pe < 8; pe++) {
		for (const Applied &a : h.applied) {
			if (a.op.ipa == 0x1000 * pe) {
				EXPECT_LT(a.t, h.sync_time(pe));
			}
		}
	}
	s2sim_fabric_stats_flush(h.fab);
	*out = h.st();
	s2sim_time_ps last = 0;
	for (const SyncDone &s : h.syncs)
		last = std::max(last, s.t);
	return last;
}

TEST(FabricTiming, SyncBehindFullTracker)
{
	s2sim_fabric_stats roomy, tight;
	s2sim_time_ps t_roomy = storm(16, &roomy);
	s2sim_time_ps t_tight = storm(2, &tight);
	EXPECT_EQ(roomy.rxreq_retried, 0u);
	EXPECT_EQ(roomy.trk_full_cycles, 0u);
	EXPECT_GT(tight.rxreq_retried, 0u);
	EXPECT_GT(tight.trk_full_cycles, 0u);
	EXPECT_GT(t_tight, t_roomy);
	EXPECT_EQ(tight.rxreq_dvmop, 8u);
	EXPECT_EQ(tight.rxreq_dvmsync, 8u);
	// With two trackers a sync never holds both: one is for non-syncs.
	EXPECT_LE(tight.trk_occupancy_dvmsync, tight.trk_occupancy_all);
	EXPECT_GT(tight.trk_occupancy_dvmop, 0u);
}

TEST(FabricTiming, ErratumRepeatsTheTlbiDsbPair)
{
	s2sim_fabric_params p = formula_params();
	Harness plain(p);
	p.erratum_repeat_tlbi = true;
	Harness rep(p);
	for (Harness *h : {&plain, &rep}) {
		ASSERT_EQ(h->tlbi(1, 0, ipa_op(1, 0)), S2SIM_OK);
		ASSERT_EQ(h->dsb(1, 0), S2SIM_OK);
		h->run();
		ASSERT_EQ(h->syncs.size(), 1u);
	}
	EXPECT_EQ(rep.st().rxreq_dvmop, 2u);
	EXPECT_EQ(rep.st().rxreq_dvmsync, 2u);
	EXPECT_EQ(rep.st().erratum_repeats, 1u);
	EXPECT_EQ(rep.applied.size(), 4u); // the repeat invalidates nothing
	EXPECT_EQ(rep.st().ops_applied, 8u);
	// The second pair starts when the first ends, on an idle fabric.
	EXPECT_EQ(rep.syncs[0].t, 2 * plain.syncs[0].t);
}

TEST(FabricTiming, LocalTlbiAndBarriers)
{
	Harness h(formula_params());
	s2sim_dvm_op op = ipa_op(1, 0x2000, S2SIM_DVM_NSH);
	s2sim_time_ps done = 0;

	ASSERT_EQ(h.tlbi(2, 1000, op), S2SIM_OK);
	ASSERT_EQ(s2sim_fabric_barrier(h.fab, 2, 1000,
				       S2SIM_BARRIER_DSB_NSH, &done),
		  S2SIM_OK);
	EXPECT_EQ(done, 1000u + 50 * 500); // waits for the local TLBI
	ASSERT_EQ(s2sim_fabric_barrier(h.fab, 2, done, S2SIM_BARRIER_ISB,
				       &done), S2SIM_OK);
	EXPECT_EQ(done, 26000u + 15 * 500);
	ASSERT_EQ(s2sim_fabric_barrier(h.fab, 3, 0, S2SIM_BARRIER_DSB_ISHST,
				       &done), S2SIM_OK);
	EXPECT_EQ(done, 20u * 500);
	h.run();
	ASSERT_EQ(h.applied.size(), 1u);
	EXPECT_EQ(h.applied[0].pe, 2u);
	EXPECT_EQ(h.applied[0].t, 1000u);
	EXPECT_EQ(h.st().local_tlbi, 1u);
	EXPECT_EQ(h.st().rxreq_dvmop, 0u);
}

TEST(FabricTiming, TargetBlocksTranslationWhileApplying)
{
	s2sim_fabric_params p = formula_params();
	p.target_blocks_translation = true;
	Harness h(p);
	ASSERT_EQ(h.tlbi(0, 1000, ipa_op(1, 0)), S2SIM_OK);
	h.run();
	// PE 1 applies from 40000 to 65000 (see the formula test).
	EXPECT_EQ(s2sim_fabric_translation_ready(h.fab, 1, 39999), 39999u);
	EXPECT_EQ(s2sim_fabric_translation_ready(h.fab, 1, 40000), 65000u);
	EXPECT_EQ(s2sim_fabric_translation_ready(h.fab, 1, 64999), 65000u);
	EXPECT_EQ(s2sim_fabric_translation_ready(h.fab, 1, 65000), 65000u);
	EXPECT_EQ(h.st().ops_applied, 4u);
	EXPECT_EQ(s2sim_fabric_get_pe_stats(h.fab, 1)->busy_ps, 25000u);

	p.target_blocks_translation = false;
	Harness free_run(p);
	ASSERT_EQ(free_run.tlbi(0, 1000, ipa_op(1, 0)), S2SIM_OK);
	free_run.run();
	EXPECT_EQ(s2sim_fabric_translation_ready(free_run.fab, 1, 40000),
		  40000u);
}

TEST(FabricTiming, BackToBackOpsQueueAtTheTargetCredit)
{
	s2sim_fabric_params p = small_params(2);
	p.target_outstanding = 1;
	p.target_op_cycles = 3000; // slow targets: the node waits for credit
	p.target_blocks_translation = true; // windows visible
	Harness h(p);
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(h.tlbi(0, 0, ipa_op(1, 0x1000 * i)), S2SIM_OK);
	h.run();
	EXPECT_GT(h.st().txsnp_stall_cycles, 0u);
	EXPECT_GT(s2sim_fabric_get_pe_stats(h.fab, 1)->queue_delay_ps, 0u);

	// By hand: 500 ps fabric cycles, 333 ps PE cycles; PE 0 sits on the
	// node's XP (1 XP: 1000 ps), PE 1 next to it (2 XPs: 2000 ps).  All
	// four ops are ready at 3000 (request + DBIDResp + data); the node
	// works 2000, then sends a snoop per 1000 once the target's single
	// credit is back (its previous ack).
	const s2sim_time_ps travel[2] = {1000, 2000}, op_ps = 3000 * 333;
	s2sim_time_ps busy_until = 0, ack[2] = {0, 0}, free_at[2] = {0, 0};
	s2sim_time_ps win[4];
	for (int i = 0; i < 4; i++) {
		s2sim_time_ps cursor = std::max<s2sim_time_ps>(3000, busy_until);
		cursor += 2000;
		for (int pe = 0; pe < 2; pe++) {
			s2sim_time_ps send = std::max(cursor, ack[pe]);
			s2sim_time_ps start = std::max(send + travel[pe],
						       free_at[pe]);
			cursor = send + 1000;
			free_at[pe] = start + op_ps;
			ack[pe] = free_at[pe] + travel[pe];
			if (pe == 1)
				win[i] = start;
		}
		busy_until = cursor;
	}
	EXPECT_EQ(win[0], 8000u);
	// One at a time per target: PE 1 processes [win, win + op_ps), each
	// op at least 3000 PE cycles after the previous one.
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(s2sim_fabric_translation_ready(h.fab, 1, win[i] - 1),
			  win[i] - 1) << i;
		EXPECT_EQ(s2sim_fabric_translation_ready(h.fab, 1, win[i]),
			  win[i] + op_ps) << i;
		if (i) {
			EXPECT_GE(win[i] - win[i - 1], op_ps);
		}
	}
	// Applied when delivered: in order, never after the modelled start.
	std::vector<Applied> a;
	for (const Applied &x : h.applied)
		if (x.pe == 1)
			a.push_back(x);
	ASSERT_EQ(a.size(), 4u);
	for (size_t i = 0; i < a.size(); i++) {
		EXPECT_EQ(a[i].op.ipa, 0x1000u * i);
		EXPECT_LE(a[i].t, win[i]);
	}
}

TEST(FabricMisuse, RejectsBadCalls)
{
	Harness h(formula_params());
	s2sim_dvm_op bad = ipa_op(1, 0);
	bad.kind = 99;
	EXPECT_EQ(h.tlbi(0, 0, bad), S2SIM_EMISUSE);
	EXPECT_NE(std::string(s2sim_fabric_errmsg(h.fab)).find("kind"),
		  std::string::npos);
	EXPECT_EQ(h.tlbi(9, 0, ipa_op(1, 0)), S2SIM_EMISUSE);
	ASSERT_EQ(h.tlbi(0, 100, ipa_op(1, 0)), S2SIM_OK);
	EXPECT_EQ(h.tlbi(0, 50, ipa_op(1, 0)), S2SIM_EMISUSE); // time goes back
	ASSERT_EQ(h.dsb(0, 100), S2SIM_OK);
	EXPECT_EQ(h.tlbi(0, 200, ipa_op(1, 0)), S2SIM_EMISUSE); // stalled
	EXPECT_EQ(h.dsb(0, 200), S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_fabric_note_install(h.fab, 0, 1, 0, 11),
		  S2SIM_EMISUSE);
	h.run();
	EXPECT_EQ(h.syncs.size(), 1u);
	EXPECT_EQ(h.tlbi(0, 0, ipa_op(1, 0)), S2SIM_EMISUSE); // before now
}

TEST(FabricParams, DefaultsAreValidAndBadValuesNamed)
{
	s2sim_engine *eng;
	ASSERT_EQ(s2sim_engine_create(&eng), S2SIM_OK);
	s2sim_fabric_params p;
	s2sim_fabric_params_default(&p);
	s2sim_fabric *f = nullptr;
	EXPECT_EQ(s2sim_fabric_create(eng, &p, &f), S2SIM_OK);
	s2sim_fabric_destroy(f);

	struct Case {
		std::function<void(s2sim_fabric_params &)> mutate;
		const char *needle;
	} cases[] = {
		{[](s2sim_fabric_params &q) { q.pes = 0; }, "pes"},
		{[](s2sim_fabric_params &q) { q.pes = 1025; }, "pes"},
		{[](s2sim_fabric_params &q) { q.pes = 200; }, "do not fit"},
		{[](s2sim_fabric_params &q) { q.dn_xp[0] = 48; }, "dn_xp"},
		{[](s2sim_fabric_params &q) { q.dn_count = 0; }, "dn_count"},
		{[](s2sim_fabric_params &q) { q.dn_trackers = 1; }, "dn_trackers"},
		{[](s2sim_fabric_params &q) { q.fabric_mhz = 0; }, "fabric_mhz"},
		{[](s2sim_fabric_params &q) { q.target_outstanding = 0; },
		 "target_outstanding"},
		{[](s2sim_fabric_params &q) {
			 q.filter = S2SIM_SNOOP_FILTER_ADDRESS;
			 q.addr_sets = 3;
		 }, "addr_sets"},
		{[](s2sim_fabric_params &q) {
			 q.filter = S2SIM_SNOOP_FILTER_ADDRESS;
			 q.addr_region_bytes = 1000;
		 }, "addr_region_bytes"},
	};
	for (const Case &c : cases) {
		s2sim_fabric_params q = p;
		c.mutate(q);
		EXPECT_EQ(s2sim_fabric_create(eng, &q, &f), S2SIM_EINPUT)
			<< c.needle;
		ASSERT_NE(f, nullptr);
		EXPECT_NE(std::string(s2sim_fabric_errmsg(f)).find(c.needle),
			  std::string::npos) << s2sim_fabric_errmsg(f);
		s2sim_fabric_destroy(f);
	}
	s2sim_engine_destroy(eng);
}

} // namespace
