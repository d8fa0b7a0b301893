// Property test: with any snoop filter, once a PE's DSB ISH completes no
// TLB in the domain holds an entry that a TLBI the PE issued before it
// covered (and that was installed before the TLBI).  Random workloads on
// a fake std::map TLB per PE behind the apply callback and note_install.
// Also: determinism, and 1024 requesters.
#include "fabric_harness.h"

#include <cstring>
#include <map>
#include <tuple>

namespace {

struct Entry {
	uint16_t vmid;
	uint64_t base;
	unsigned size;
	bool operator<(const Entry &o) const
	{
		return std::tie(vmid, base, size) <
		       std::tie(o.vmid, o.base, o.size);
	}
};

struct Issued {
	s2sim_dvm_op op;
	s2sim_time_ps t;
};

uint64_t xorshift(uint64_t &s)
{
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

// The workload: each PE runs `steps` random actions; a DSB stalls it
// until sync_done.
constexpr uint64_t kWindow = UINT64_C(4) << 20;

class World {
public:
	World(const s2sim_fabric_params &p, uint64_t seed, int steps)
		: h(p), pes(p.pes), tlb(p.pes), pending(p.pes),
		  left(p.pes, steps), rng(p.pes)
	{
		for (uint32_t pe = 0; pe < pes; pe++)
			rng[pe] = seed * 0x9e3779b97f4a7c15ull + pe * 7919 + 1;
		h.on_apply = [this](uint32_t pe, const s2sim_dvm_op &op) {
			return apply(pe, op);
		};
		h.on_sync = [this](uint32_t pe, s2sim_time_ps t) {
			check(pe, t);
			next(pe, t + 1000);
		};
		for (uint32_t pe = 0; pe < pes; pe++)
			next(pe, pe * 37);
	}

	void run() { h.run(); }

	Harness h;
	uint32_t pes;
	std::vector<std::map<Entry, s2sim_time_ps>> tlb;
	std::vector<std::vector<Issued>> pending;
	std::vector<int> left;
	std::vector<uint64_t> rng;
	uint64_t checks = 0, violations = 0, removed = 0;
	uint64_t removed_by_address = 0; // by IPA and range ops

private:
	static void ev_step(s2sim_engine *, void *ctx, uint64_t pe)
	{
		static_cast<World *>(ctx)->step(static_cast<uint32_t>(pe));
	}

	void next(uint32_t pe, s2sim_time_ps t)
	{
		if (left[pe]-- <= 0)
			return;
		ASSERT_EQ(s2sim_engine_schedule_at(h.eng, t, ev_step, this, pe,
						   nullptr),
			  S2SIM_OK);
	}

	uint64_t apply(uint32_t pe, const s2sim_dvm_op &op)
	{
		uint64_t n = 0;
		std::map<uint16_t, bool> touched;
		auto &m = tlb[pe];
		for (auto it = m.begin(); it != m.end();) {
			const Entry &e = it->first;
			if (s2sim_dvm_op_overlaps(&op, e.vmid, e.base, e.size)) {
				touched[e.vmid] = true;
				it = m.erase(it);
				n++;
			} else {
				++it;
			}
		}
		for (const auto &kv : touched)
			report_if_empty(pe, kv.first);
		removed += n;
		uint64_t lo, hi;
		if (s2sim_dvm_op_range(&op, &lo, &hi))
			removed_by_address += n;
		return n;
	}

	void report_if_empty(uint32_t pe, uint16_t vmid)
	{
		for (const auto &kv : tlb[pe])
			if (kv.first.vmid == vmid)
				return;
		EXPECT_EQ(s2sim_fabric_note_vmid_empty(h.fab, pe, vmid),
			  S2SIM_OK);
	}

	// Every TLBI `pe` issued before its DSB: nothing covered and
	// installed before the TLBI may survive anywhere in its scope.
	void check(uint32_t pe, s2sim_time_ps)
	{
		for (const Issued &is : pending[pe]) {
			bool local = is.op.share == S2SIM_DVM_NSH;
			for (uint32_t q = 0; q < pes; q++) {
				if (local && q != pe)
					continue;
				for (const auto &kv : tlb[q]) {
					const Entry &e = kv.first;
					checks++;
					if (kv.second < is.t &&
					    s2sim_dvm_op_overlaps(&is.op, e.vmid,
								  e.base, e.size)) {
						violations++;
						ADD_FAILURE()
							<< "PE " << q << " keeps VMID "
							<< e.vmid << " 0x" << std::hex
							<< e.base << " after "
							<< s2sim_dvm_kind_name(is.op.kind)
							<< " from PE " << std::dec << pe;
					}
				}
			}
		}
		pending[pe].clear();
	}

	// Entries live in a 4 MiB IPA window so that ops often hit them.
	void install(uint32_t pe, uint64_t r)
	{
		static const unsigned sizes[] = {12, 12, 12, 12, 12, 16, 21, 30};
		Entry e;
		e.vmid = static_cast<uint16_t>(1 + r % 3);
		e.size = sizes[(r >> 8) % 8];
		e.base = ((r >> 16) % kWindow) & ~((UINT64_C(1) << e.size) - 1);
		ASSERT_EQ(s2sim_fabric_note_install(h.fab, pe, e.vmid, e.base,
						    e.size),
			  S2SIM_OK);
		tlb[pe][e] = s2sim_engine_now(h.eng);
	}

	// An IPA inside an entry some PE holds (half the time), else any.
	uint64_t target_ipa(uint64_t r, uint16_t *vmid)
	{
		const auto &m = tlb[(r >> 20) % pes];
		if ((r & 1) && !m.empty()) {
			auto it = m.begin();
			std::advance(it, static_cast<long>((r >> 32) % m.size()));
			uint64_t span = UINT64_C(1) << it->first.size;
			*vmid = it->first.vmid;
			return it->first.base + ((r >> 8) % span & ~UINT64_C(0xfff));
		}
		return ((r >> 8) % kWindow) & ~UINT64_C(0xfff);
	}

	void evict(uint32_t pe, uint64_t r)
	{
		auto &m = tlb[pe];
		if (m.empty())
			return;
		auto it = m.begin();
		std::advance(it, static_cast<long>(r % m.size()));
		uint16_t vmid = it->first.vmid;
		m.erase(it);
		report_if_empty(pe, vmid);
	}

	s2sim_dvm_op random_op(uint64_t r)
	{
		s2sim_dvm_op op = {};
		op.share = S2SIM_DVM_ISH;
		op.vmid = static_cast<uint16_t>(1 + r % 3);
		op.ipa = target_ipa(xorshift(r), &op.vmid);
		switch ((r >> 40) % 10) {
		case 0: case 1: case 2: case 3:
			op.kind = S2SIM_DVM_IPAS2E1;
			break;
		case 4:
			op.kind = S2SIM_DVM_IPAS2LE1;
			break;
		case 5: case 6:
			op.kind = S2SIM_DVM_RIPAS2E1;
			op.tg = 1;
			op.scale = (r >> 50) % 2;
			op.num = (r >> 52) % 32;
			break;
		case 7:
			op.kind = S2SIM_DVM_VMALLE1;
			break;
		case 8:
			op.kind = S2SIM_DVM_VMALLS12E1;
			break;
		default:
			op.kind = (r >> 56) % 4 ? S2SIM_DVM_IPAS2E1
						: S2SIM_DVM_ALLE1;
		}
		return op;
	}

	void step(uint32_t pe)
	{
		uint64_t r = xorshift(rng[pe]);
		s2sim_time_ps now = s2sim_engine_now(h.eng);
		unsigned what = r % 100;
		r = xorshift(rng[pe]);
		if (what < 45) {
			install(pe, r);
		} else if (what < 50) {
			evict(pe, r);
		} else if (what < 80 || what >= 85) {
			if (what >= 85) {
				ASSERT_EQ(h.dsb(pe, now), S2SIM_OK);
				return; // resumes from on_sync
			}
			s2sim_dvm_op op = random_op(r);
			ASSERT_EQ(h.tlbi(pe, now, op), S2SIM_OK);
			pending[pe].push_back({op, now});
		} else {
			s2sim_dvm_op op = random_op(r);
			op.share = S2SIM_DVM_NSH;
			ASSERT_EQ(h.tlbi(pe, now, op), S2SIM_OK);
			pending[pe].push_back({op, now});
		}
		next(pe, now + 200 + (r >> 32) % 5000);
	}
};

struct Config {
	const char *name;
	std::function<void(s2sim_fabric_params &)> set;
};

const Config configs[] = {
	{"none", [](s2sim_fabric_params &) {}},
	{"vmid", [](s2sim_fabric_params &p) {
		 p.filter = S2SIM_SNOOP_FILTER_VMID;
		 p.vmid_filter_entries = 0;
	 }},
	{"vmid_2_entries", [](s2sim_fabric_params &p) {
		 p.filter = S2SIM_SNOOP_FILTER_VMID;
		 p.vmid_filter_entries = 2;
	 }},
	{"address_tiny", [](s2sim_fabric_params &p) {
		 p.filter = S2SIM_SNOOP_FILTER_ADDRESS;
		 p.addr_sets = 4;
		 p.addr_ways = 2;
		 p.addr_region_bytes = 64u << 10;
	 }},
	{"address_default", [](s2sim_fabric_params &p) {
		 p.filter = S2SIM_SNOOP_FILTER_ADDRESS;
	 }},
	{"vmid_filter_syncs_orders_all", [](s2sim_fabric_params &p) {
		 p.filter = S2SIM_SNOOP_FILTER_VMID;
		 p.filter_syncs = true;
		 p.sync_orders_all = true;
		 p.erratum_repeat_tlbi = true;
	 }},
	{"address_tight_queues", [](s2sim_fabric_params &p) {
		 p.filter = S2SIM_SNOOP_FILTER_ADDRESS;
		 p.addr_sets = 8;
		 p.addr_ways = 1;
		 p.dn_trackers = 2;
		 p.target_outstanding = 1;
		 p.target_blocks_translation = true;
		 p.filter_syncs = true;
	 }},
};

s2sim_fabric_params world_params(const Config &c)
{
	s2sim_fabric_params p;
	s2sim_fabric_params_default(&p);
	p.pes = 16;
	c.set(p);
	return p;
}

TEST(FabricProperty, NoCoveredEntrySurvivesTheSync)
{
	for (const Config &c : configs) {
		SCOPED_TRACE(c.name);
		for (uint64_t seed = 1; seed <= 3; seed++) {
			World w(world_params(c), seed, 300);
			w.run();
			EXPECT_EQ(w.violations, 0u);
			EXPECT_GT(w.checks, 1000u); // the test looked at entries
			EXPECT_GT(w.removed_by_address, 100u); // ops hit entries
			EXPECT_GT(w.h.syncs.size(), 100u);
			const s2sim_fabric_stats &s = w.h.st();
			if (world_params(c).filter != S2SIM_SNOOP_FILTER_NONE) {
				EXPECT_GT(s.snoops_filtered, 0u);
			}
			EXPECT_EQ(s2sim_engine_pending(w.h.eng), 0u);
		}
	}
}

TEST(FabricProperty, AddressFilterEvictsUnderPressure)
{
	World w(world_params(configs[3]), 9, 300);
	w.run();
	EXPECT_GT(w.h.st().filter_evictions, 0u);
	EXPECT_EQ(w.violations, 0u);
}

struct Snapshot {
	s2sim_fabric_stats st;
	std::vector<s2sim_fabric_pe_stats> pe;
	std::vector<std::pair<s2sim_time_ps, uint32_t>> syncs;
	s2sim_time_ps end;
};

Snapshot snapshot(const Config &c, uint64_t seed)
{
	World w(world_params(c), seed, 200);
	w.run();
	s2sim_fabric_stats_flush(w.h.fab);
	Snapshot s;
	s.st = w.h.st();
	for (uint32_t pe = 0; pe < w.pes; pe++)
		s.pe.push_back(*s2sim_fabric_get_pe_stats(w.h.fab, pe));
	for (const SyncDone &d : w.h.syncs)
		s.syncs.emplace_back(d.t, d.pe);
	s.end = s2sim_engine_now(w.h.eng);
	return s;
}

TEST(FabricProperty, Deterministic)
{
	for (const Config &c : configs) {
		SCOPED_TRACE(c.name);
		Snapshot a = snapshot(c, 5), b = snapshot(c, 5);
		EXPECT_EQ(std::memcmp(&a.st, &b.st, sizeof(a.st)), 0);
		ASSERT_EQ(a.pe.size(), b.pe.size());
		EXPECT_EQ(std::memcmp(a.pe.data(), b.pe.data(),
				      a.pe.size() * sizeof(a.pe[0])), 0);
		EXPECT_EQ(a.syncs, b.syncs);
		EXPECT_EQ(a.end, b.end);
		EXPECT_GT(a.st.trk_occupancy_all, 0u);
	}
}

// Every PE loops "1-4 TLBIs (ISH, now and then NSH); DSB ISH", starting
// its next round when the DSB completes, after a random gap (mostly short,
// so that targets queue, sometimes long, so that the fabric drains).
class Loop {
public:
	Loop(const s2sim_fabric_params &p, uint64_t seed, int rounds)
		: h(p), left(p.pes, rounds), rng(seed * 0x9e3779b97f4a7c15ull + 1)
	{
		h.on_sync = [this](uint32_t pe, s2sim_time_ps t) {
			round(pe, t + gap());
		};
		for (uint32_t pe = 0; pe < p.pes; pe++)
			round(pe, pe * 10);
	}
	void run() { h.run(); }
	Harness h;

private:
	s2sim_time_ps gap()
	{
		uint64_t r = xorshift(rng);
		return r % 16 ? r % 3000 : 1000000 + r % 5000000;
	}
	void round(uint32_t pe, s2sim_time_ps t)
	{
		if (left[pe]-- <= 0)
			return;
		uint64_t r = xorshift(rng);
		for (unsigned i = 0; i <= r % 4; i++) {
			s2sim_dvm_op op = ipa_op(1 + pe % 3, (r >> 8) % 512 << 12);
			if ((r >> (20 + i)) % 16 == 0)
				op.share = S2SIM_DVM_NSH;
			ASSERT_EQ(h.tlbi(pe, t, op), S2SIM_OK);
		}
		ASSERT_EQ(h.dsb(pe, t), S2SIM_OK);
	}
	std::vector<int> left;
	uint64_t rng;
};

struct Trace {
	Snapshot snap;
	std::vector<std::tuple<s2sim_time_ps, uint32_t, uint64_t>> applied;
};

template <class W> Trace trace_of(W &w, uint32_t pes)
{
	w.run();
	s2sim_fabric_stats_flush(w.h.fab);
	Trace tr;
	tr.snap.st = w.h.st();
	for (uint32_t pe = 0; pe < pes; pe++)
		tr.snap.pe.push_back(*s2sim_fabric_get_pe_stats(w.h.fab, pe));
	for (const SyncDone &d : w.h.syncs)
		tr.snap.syncs.emplace_back(d.t, d.pe);
	tr.snap.end = s2sim_engine_now(w.h.eng);
	for (const Applied &a : w.h.applied)
		tr.applied.emplace_back(a.t, a.pe, a.op.ipa);
	return tr;
}

void expect_same(const Trace &a, const Trace &b)
{
	EXPECT_EQ(std::memcmp(&a.snap.st, &b.snap.st, sizeof(a.snap.st)), 0);
	ASSERT_EQ(a.snap.pe.size(), b.snap.pe.size());
	for (size_t pe = 0; pe < a.snap.pe.size(); pe++) {
		EXPECT_EQ(a.snap.pe[pe].queue_delay_ps,
			  b.snap.pe[pe].queue_delay_ps) << "PE " << pe;
		EXPECT_EQ(a.snap.pe[pe].busy_ps, b.snap.pe[pe].busy_ps);
		EXPECT_EQ(a.snap.pe[pe].dvmops_applied,
			  b.snap.pe[pe].dvmops_applied);
	}
	EXPECT_EQ(a.snap.syncs, b.snap.syncs);
	EXPECT_EQ(a.snap.end, b.snap.end);
	EXPECT_EQ(a.applied, b.applied);
}

// The uniform-broadcast path (dvm_bcast.c: O(1) timing per broadcast) must
// give exactly the timing of the per-target path.  target_blocks_translation
// turns it off and changes nothing else the harness observes.
TEST(FabricProperty, UniformBroadcastsMatchPerTargetTiming)
{
	const Config loops[] = {
		{"none", [](s2sim_fabric_params &) {}},
		{"one_slow_credit", [](s2sim_fabric_params &p) {
			 p.target_outstanding = 1;
			 p.target_op_cycles = 3000;
		 }},
		{"fast_node_slow_targets", [](s2sim_fabric_params &p) {
			 p.dn_snoop_cycles = 0;
			 p.dn_op_cycles = 1;
			 p.target_op_cycles = 200;
			 p.target_sync_cycles = 10;
		 }},
		{"two_nodes", [](s2sim_fabric_params &p) {
			 p.pes = 64;
			 p.mesh_x = 4;
			 p.mesh_y = 4;
			 p.pes_per_xp = 4;
			 p.dn_count = 2;
			 p.dn_xp[0] = 5;
			 p.dn_xp[1] = 10;
		 }},
		{"syncs_filtered_ordered_erratum", [](s2sim_fabric_params &p) {
			 p.filter_syncs = true;
			 p.sync_orders_all = true;
			 p.erratum_repeat_tlbi = true;
			 p.dn_trackers = 3;
		 }},
	};
	for (const Config &c : loops) {
		SCOPED_TRACE(c.name);
		s2sim_fabric_params p = world_params(configs[0]);
		c.set(p);
		p.target_blocks_translation = false;
		Loop fast(p, 7, 60);
		p.target_blocks_translation = true;
		Loop slow(p, 7, 60);
		Trace a = trace_of(fast, p.pes), b = trace_of(slow, p.pes);
		expect_same(a, b);
		EXPECT_GT(a.snap.st.rxreq_dvmsync, 100u);
		EXPECT_GT(a.snap.st.local_tlbi, 0u);
	}
	for (const Config &c : configs) {
		SCOPED_TRACE(c.name);
		s2sim_fabric_params p = world_params(c);
		p.target_blocks_translation = false;
		World fast(p, 4, 200);
		p.target_blocks_translation = true;
		World slow(p, 4, 200);
		expect_same(trace_of(fast, p.pes), trace_of(slow, p.pes));
		EXPECT_EQ(fast.violations, 0u);
	}
}

s2sim_fabric_params big_params()
{
	s2sim_fabric_params p;
	s2sim_fabric_params_default(&p);
	p.pes = 1024;
	p.mesh_x = 16;
	p.mesh_y = 16;
	p.pes_per_xp = 4;
	p.dn_count = 2;
	p.dn_xp[0] = 4 * 16 + 4;
	p.dn_xp[1] = 11 * 16 + 11;
	return p;
}

TEST(FabricScale, Requesters1024)
{
	{
		Harness h(big_params());
		ASSERT_EQ(h.tlbi(0, 0, ipa_op(1, 0)), S2SIM_OK);
		ASSERT_EQ(h.tlbi(1023, 0, ipa_op(1, 0x1000)), S2SIM_OK);
		ASSERT_EQ(h.dsb(0, 0), S2SIM_OK);
		ASSERT_EQ(h.dsb(1023, 0), S2SIM_OK);
		h.run();
		EXPECT_EQ(h.applied.size(), 2048u);
		ASSERT_EQ(h.syncs.size(), 2u);
		EXPECT_EQ(h.st().sync_snoops_sent, 2048u);
		for (const Applied &a : h.applied)
			EXPECT_LT(a.t, h.sync_time(a.op.ipa ? 1023 : 0));
	}
	{
		s2sim_fabric_params p = big_params();
		p.filter = S2SIM_SNOOP_FILTER_VMID;
		p.filter_syncs = true;
		Harness h(p);
		for (uint32_t pe = 1000; pe < 1024; pe++)
			ASSERT_EQ(s2sim_fabric_note_install(h.fab, pe, 9, 0, 12),
				  S2SIM_OK);
		ASSERT_EQ(h.tlbi(1010, 0, ipa_op(9, 0)), S2SIM_OK);
		ASSERT_EQ(h.dsb(1010, 0), S2SIM_OK);
		h.run();
		EXPECT_EQ(h.applied.size(), 24u);
		EXPECT_EQ(h.st().snoops_filtered, 1000u);
		EXPECT_EQ(h.st().sync_snoops_sent, 24u);
		ASSERT_EQ(h.syncs.size(), 1u);
	}
	s2sim_fabric_params p = big_params();
	p.filter = S2SIM_SNOOP_FILTER_VMID;
	p.vmid_filter_entries = 0;
	World w(p, 3, 4);
	w.run();
	EXPECT_EQ(w.violations, 0u);
}

} // namespace
