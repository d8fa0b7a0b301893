// The fabric section: its defaults are s2sim_fabric_params_default(),
// every key reaches struct s2sim_fabric_params, the DVM nodes are placed
// on the mesh, the shipped platforms build a fabric, and the fabric rules.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

extern "C" {
#include <s2sim/engine.h>
#include <s2sim/fabric.h>
#include "core/config/fabric_cfg.h"
}

#include "config_harness.h"

using namespace cfgtest;

TEST(ConfigFabric, DefaultsAreTheFabricDefaults)
{
	Config cfg;
	struct s2sim_fabric_params p, d;

	s2sim_cfg_fabric_params(&cfg.v(), &p);
	s2sim_fabric_params_default(&d);
	// The PE count is the platform's (80 on the default Altra; the fabric's
	// own default is the 48 of a t2a-standard-48 guest).
	EXPECT_EQ(p.pes, cfg.v().platform.pes);
	EXPECT_EQ(p.pe_mhz, cfg.v().platform.cpu_mhz);
	EXPECT_EQ(p.pe_mhz, d.pe_mhz);
	EXPECT_EQ(p.mesh_x, d.mesh_x);
	EXPECT_EQ(p.mesh_y, d.mesh_y);
	EXPECT_EQ(p.pes_per_xp, d.pes_per_xp);
	EXPECT_EQ(p.hop_cycles, d.hop_cycles);
	EXPECT_EQ(p.fabric_mhz, d.fabric_mhz);
	EXPECT_EQ(p.dn_count, d.dn_count);
	for (uint32_t i = 0; i < S2SIM_FABRIC_MAX_DNS; i++)
		EXPECT_EQ(p.dn_xp[i], d.dn_xp[i]) << "dn_xp[" << i << "]";
	EXPECT_EQ(p.dn_op_cycles, d.dn_op_cycles);
	EXPECT_EQ(p.dn_snoop_cycles, d.dn_snoop_cycles);
	EXPECT_EQ(p.dn_trackers, d.dn_trackers);
	EXPECT_EQ(p.sync_orders_all, d.sync_orders_all);
	EXPECT_EQ(p.filter_syncs, d.filter_syncs);
	EXPECT_EQ(p.target_outstanding, d.target_outstanding);
	EXPECT_EQ(p.target_op_cycles, d.target_op_cycles);
	EXPECT_EQ(p.target_sync_cycles, d.target_sync_cycles);
	EXPECT_EQ(p.target_blocks_translation, d.target_blocks_translation);
	EXPECT_EQ(p.dsb_ishst_cycles, d.dsb_ishst_cycles);
	EXPECT_EQ(p.dsb_nsh_cycles, d.dsb_nsh_cycles);
	EXPECT_EQ(p.isb_cycles, d.isb_cycles);
	EXPECT_EQ(p.filter, d.filter);
	EXPECT_EQ(p.filter_lookup_cycles, d.filter_lookup_cycles);
	EXPECT_EQ(p.filter_update_cycles, d.filter_update_cycles);
	EXPECT_EQ(p.vmid_filter_entries, d.vmid_filter_entries);
	EXPECT_EQ(p.addr_sets, d.addr_sets);
	EXPECT_EQ(p.addr_ways, d.addr_ways);
	EXPECT_EQ(p.addr_region_bytes, d.addr_region_bytes);
	EXPECT_EQ(p.erratum_repeat_tlbi, d.erratum_repeat_tlbi);
}

TEST(ConfigFabric, EveryKeyReachesTheParams)
{
	Config cfg;
	for (const char *s : {
		     "platform.pes=24", "platform.cpu_mhz=2600", "fabric.mesh_x=4",
		     "fabric.mesh_y=3", "fabric.pes_per_xp=2", "fabric.hop_cycles=3",
		     "fabric.mhz=1500", "fabric.dn_count=2", "fabric.dn_op_cycles=7",
		     "fabric.dn_snoop_cycles=5", "fabric.dn_trackers=9",
		     "fabric.sync_orders_all=true", "fabric.filter_syncs=true",
		     "fabric.target_outstanding=6", "fabric.target_op_cycles=41",
		     "fabric.target_sync_cycles=99",
		     "fabric.target_blocks_translation=true",
		     "fabric.dsb_ishst_cycles=11", "fabric.dsb_nsh_cycles=12",
		     "fabric.isb_cycles=13", "fabric.snoop_filter=address",
		     "fabric.filter_lookup_cycles=2", "fabric.filter_update_cycles=4",
		     "fabric.vmid_filter_entries=0", "fabric.addr_sets=64",
		     "fabric.addr_ways=3", "fabric.addr_region_bytes=64KiB",
		     "fabric.erratum_repeat_tlbi=true" })
		ASSERT_EQ(cfg.set(s), S2SIM_OK) << s << ": " << cfg.msg();
	ASSERT_EQ(cfg.validate(), S2SIM_OK) << cfg.msg();
	struct s2sim_fabric_params p;
	s2sim_cfg_fabric_params(&cfg.v(), &p);
	EXPECT_EQ(p.pes, 24u);
	EXPECT_EQ(p.pe_mhz, 2600.0);
	EXPECT_EQ(p.mesh_x, 4u);
	EXPECT_EQ(p.mesh_y, 3u);
	EXPECT_EQ(p.pes_per_xp, 2u);
	EXPECT_EQ(p.hop_cycles, 3u);
	EXPECT_EQ(p.fabric_mhz, 1500.0);
	EXPECT_EQ(p.dn_count, 2u);
	// Middle row (y = 1), centres of the two column strips (x = 1, 3).
	EXPECT_EQ(p.dn_xp[0], 1u * 4 + 1);
	EXPECT_EQ(p.dn_xp[1], 1u * 4 + 3);
	EXPECT_EQ(p.dn_op_cycles, 7u);
	EXPECT_EQ(p.dn_snoop_cycles, 5u);
	EXPECT_EQ(p.dn_trackers, 9u);
	EXPECT_TRUE(p.sync_orders_all);
	EXPECT_TRUE(p.filter_syncs);
	EXPECT_EQ(p.target_outstanding, 6u);
	EXPECT_EQ(p.target_op_cycles, 41u);
	EXPECT_EQ(p.target_sync_cycles, 99u);
	EXPECT_TRUE(p.target_blocks_translation);
	EXPECT_EQ(p.dsb_ishst_cycles, 11u);
	EXPECT_EQ(p.dsb_nsh_cycles, 12u);
	EXPECT_EQ(p.isb_cycles, 13u);
	EXPECT_EQ(p.filter, S2SIM_SNOOP_FILTER_ADDRESS);
	EXPECT_EQ(p.filter_lookup_cycles, 2u);
	EXPECT_EQ(p.filter_update_cycles, 4u);
	EXPECT_EQ(p.vmid_filter_entries, 0u);
	EXPECT_EQ(p.addr_sets, 64u);
	EXPECT_EQ(p.addr_ways, 3u);
	EXPECT_EQ(p.addr_region_bytes, 64u << 10);
	EXPECT_TRUE(p.erratum_repeat_tlbi);
}

TEST(ConfigFabric, DvmNodesAreSpreadAlongTheMiddleRow)
{
	for (uint32_t mx : { 1u, 3u, 8u, 12u }) {
		for (uint32_t my : { 1u, 6u, 7u }) {
			for (uint32_t n = 1; n <= S2SIM_FABRIC_MAX_DNS; n++) {
				std::set<uint32_t> xps;
				uint32_t prev = 0;
				for (uint32_t d = 0; d < n; d++) {
					uint32_t xp = s2sim_cfg_dn_xp(mx, my, n, d);
					EXPECT_LT(xp, mx * my);
					EXPECT_EQ(xp / mx, my / 2);
					if (d) {
						EXPECT_GE(xp, prev);
					}
					prev = xp;
					xps.insert(xp);
				}
				// Distinct whenever the row has room for them.
				if (n <= mx) {
					EXPECT_EQ(xps.size(), n)
						<< mx << "x" << my << " n=" << n;
				}
			}
		}
	}
	EXPECT_EQ(s2sim_cfg_dn_xp(8, 6, 1, 0), 3u * 8 + 4);
}

// The params of each shipped top-level config are accepted by the fabric.
TEST(ConfigFabric, ShippedConfigsBuildAFabric)
{
	for (const char *f : { "configs/t2a-48.yaml", "configs/n2-class-48.yaml" }) {
		SCOPED_TRACE(f);
		Config cfg;
		ASSERT_EQ(cfg.load(source_path(f)), S2SIM_OK) << cfg.msg();
		ASSERT_EQ(cfg.validate(), S2SIM_OK) << cfg.msg();
		struct s2sim_fabric_params p;
		s2sim_cfg_fabric_params(&cfg.v(), &p);
		s2sim_engine *eng = nullptr;
		s2sim_fabric *fab = nullptr;
		ASSERT_EQ(s2sim_engine_create(&eng), S2SIM_OK);
		EXPECT_EQ(s2sim_fabric_create(eng, &p, &fab), S2SIM_OK)
			<< (fab ? s2sim_fabric_errmsg(fab) : "no memory");
		s2sim_fabric_destroy(fab);
		s2sim_engine_destroy(eng);
	}
}

// ------------------------------------------------------------- rules

TEST(ConfigFabricRules, MeshHoldsEveryPe)
{
	std::string m = rule_error({ "fabric.mesh_x=4", "fabric.mesh_y=4" },
				   "fabric.mesh_x");
	EXPECT_NE(m.find("80 PEs do not fit the fabric mesh: 4 x 4 XPs with 4 PEs "
			 "per XP hold 64"), std::string::npos) << m;
	m = rule_error({ "platform.pes=193" }, "platform.pes");
	EXPECT_NE(m.find("8 x 6 XPs with 4 PEs per XP hold 192"), std::string::npos)
		<< m;
	EXPECT_TRUE(validates({ "platform.pes=192" }));
	m = rule_error({ "platform.pes=1025", "fabric.mesh_x=64" }, "platform.pes");
	EXPECT_NE(m.find("at most 1024 requesters"), std::string::npos) << m;
	EXPECT_TRUE(validates({ "platform.pes=1024", "fabric.pes_per_xp=32" }));
}

TEST(ConfigFabricRules, AddressFilterPowersOfTwo)
{
	std::string m = rule_error({ "fabric.addr_sets=1000" }, "fabric.addr_sets");
	EXPECT_NE(m.find("1000 sets is not a power of two"), std::string::npos) << m;
	m = rule_error({ "fabric.addr_region_bytes=3MiB" },
		       "fabric.addr_region_bytes");
	EXPECT_NE(m.find("3MiB is not a power of two from 4KiB to 1TiB"),
		  std::string::npos) << m;
	EXPECT_TRUE(validates({ "fabric.addr_sets=1", "fabric.addr_region_bytes=4KiB" }));
	EXPECT_TRUE(validates({ "fabric.addr_region_bytes=1TiB" }));
	Config cfg;
	EXPECT_EQ(cfg.set("fabric.addr_region_bytes=2KiB"), S2SIM_EINPUT);
	EXPECT_EQ(cfg.set("fabric.addr_region_bytes=2TiB"), S2SIM_EINPUT);
	EXPECT_EQ(cfg.set("fabric.addr_sets=0"), S2SIM_EINPUT);
}

TEST(ConfigFabricRules, SingleKeyRanges)
{
	std::string p;
	std::string m = load_error("fabric:\n  dn_trackers: 1\n", &p);
	expect_names(m, p, 2, "fabric.dn_trackers");
	EXPECT_NE(m.find("1 is out of range [2, 4096]"), std::string::npos) << m;
	m = load_error("fabric:\n  target_outstanding: 0\n", &p);
	expect_names(m, p, 2, "fabric.target_outstanding");
	m = load_error("fabric:\n  target_outstanding: 65\n", &p);
	EXPECT_NE(m.find("65 is out of range [1, 64]"), std::string::npos) << m;
	m = load_error("fabric:\n  snoop_filter: bloom\n", &p);
	expect_names(m, p, 2, "fabric.snoop_filter");
	EXPECT_NE(m.find("expected one of none, vmid, address, got 'bloom'"),
		  std::string::npos) << m;
	m = load_error("fabric:\n  dn_count: 9\n", &p);
	expect_names(m, p, 2, "fabric.dn_count");
	Config cfg;
	EXPECT_EQ(cfg.set("fabric.target_outstanding=64"), S2SIM_OK);
	EXPECT_EQ(cfg.set("fabric.dn_trackers=2"), S2SIM_OK);
}
