// Registration of the fabric's statistics with an s2sim_stats registry.
#include "fabric_harness.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <s2sim/stats.h>

namespace {

uint64_t get(s2sim_stats *st, const char *name)
{
	uint64_t v = UINT64_MAX;
	EXPECT_EQ(s2sim_stats_get(st, name, &v), S2SIM_OK) << name;
	return v;
}

TEST(FabricStats, RegisteredCountersTrackTheStructs)
{
	s2sim_stats *st = nullptr;
	ASSERT_EQ(s2sim_stats_create(&st), S2SIM_OK);
	s2sim_fabric_params p = small_params(4);
	p.dn_trackers = 2;
	{
		Harness h(p);
		ASSERT_EQ(s2sim_fabric_register_stats(h.fab, st, nullptr),
			  S2SIM_OK);
		// A second registration under the same names is refused.
		EXPECT_NE(s2sim_fabric_register_stats(h.fab, st, nullptr),
			  S2SIM_OK);
		for (uint32_t pe = 0; pe < 4; pe++) {
			ASSERT_EQ(h.tlbi(pe, 0, ipa_op(1, 0)), S2SIM_OK);
			ASSERT_EQ(h.dsb(pe, 0), S2SIM_OK);
		}
		h.run();
		s2sim_fabric_stats_flush(h.fab);
		const s2sim_fabric_stats &s = h.st();
		EXPECT_EQ(get(st, "fabric.dn.rxreq_dvmop"), 4u);
		EXPECT_EQ(get(st, "fabric.dn.rxreq_dvmsync"), 4u);
		EXPECT_EQ(get(st, "fabric.dn.rxreq_retried"), s.rxreq_retried);
		EXPECT_EQ(get(st, "fabric.dn.rxreq_trk_occupancy_all"),
			  s.trk_occupancy_all);
		EXPECT_GT(s.trk_occupancy_all, 0u);
		EXPECT_EQ(get(st, "fabric.dn.txsnp_flitv"), 2u * (16 + 16));
		EXPECT_EQ(get(st, "fabric.pe.3.dvmops_applied"), 4u);
		EXPECT_EQ(get(st, "fabric.pe.2.busy"),
			  s2sim_fabric_get_pe_stats(h.fab, 2)->busy_ps);
		// One queueing sample per op and target, one latency per op
		// and per DSB.
		const s2sim_hist *q =
			s2sim_stats_find_hist(st, "fabric.target_queue_delay");
		ASSERT_NE(q, nullptr);
		EXPECT_EQ(s2sim_hist_count(q), s.snoops_sent);
		EXPECT_EQ(s2sim_hist_count(s2sim_stats_find_hist(
				  st, "fabric.dvmop_latency")), 4u);
		EXPECT_EQ(s2sim_hist_count(s2sim_stats_find_hist(
				  st, "fabric.dvmsync_latency")), 4u);

		const char *tmp = std::getenv("S2SIM_TEST_TMP");
		std::string path = std::string(tmp ? tmp : ".") +
				   "/fabric_stats.json";
		ASSERT_EQ(s2sim_stats_write_json(st, path.c_str(), nullptr),
			  S2SIM_OK) << s2sim_stats_errmsg(st);
		std::ifstream in(path);
		std::stringstream text;
		text << in.rdbuf();
		EXPECT_NE(text.str().find("fabric.dvmsync_latency"),
			  std::string::npos);
		EXPECT_NE(text.str().find("fabric.target_queue_delay"),
			  std::string::npos);
		std::remove(path.c_str());
	}
	s2sim_stats_destroy(st);
}

// s2sim_hist_add_n (used for a uniform broadcast's queueing samples) is n
// calls of s2sim_hist_add.
TEST(FabricStats, HistAddNMatchesRepeatedAdds)
{
	s2sim_stats *st = nullptr;
	ASSERT_EQ(s2sim_stats_create(&st), S2SIM_OK);
	s2sim_hist *a = s2sim_stats_hist(st, "a", "ps", "one by one");
	s2sim_hist *b = s2sim_stats_hist(st, "b", "ps", "n at once");
	ASSERT_TRUE(a && b);
	const uint64_t vals[][2] = {{0, 80}, {1000, 3}, {7, 0}, {123456, 17}};
	for (const auto &v : vals) {
		for (uint64_t i = 0; i < v[1]; i++)
			s2sim_hist_add(a, v[0]);
		s2sim_hist_add_n(b, v[0], v[1]);
	}
	EXPECT_EQ(s2sim_hist_count(a), 100u);
	EXPECT_EQ(s2sim_hist_count(b), s2sim_hist_count(a));
	EXPECT_EQ(s2sim_hist_max(b), s2sim_hist_max(a));
	for (double p : {1.0, 50.0, 80.0, 81.0, 99.0, 100.0})
		EXPECT_EQ(s2sim_hist_percentile(b, p),
			  s2sim_hist_percentile(a, p)) << p;
	s2sim_stats_destroy(st);
}

} // namespace
