// The hypervisor section: hypervisor.policy ("LOCK[+FEATURE]..." parsing,
// normalisation, errors naming file, line, key and the valid names), the
// cost defaults, and the cross-key rules of the policy and vmm_pe.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

extern "C" {
#include "core/config/policy.h"
#include "core/kvm/mmu_lock.h"
}

#include "config_harness.h"

using namespace cfgtest;

namespace {

struct Parsed {
	int rc;
	enum s2sim_lock_policy lock;
	uint32_t features;
	std::string why;
};

Parsed parse(const char *text)
{
	Parsed p{ 0, S2SIM_LOCKPOL_BASELINE, 0, "" };
	char why[512] = "";
	p.lock = S2SIM_LOCKPOL_RDLOCK_WP; // must be overwritten on success
	p.rc = s2sim_policy_parse(text, &p.lock, &p.features, why, sizeof(why));
	p.why = why;
	return p;
}

} // namespace

TEST(ConfigPolicy, LocksAloneAndWithFeatures)
{
	struct {
		const char *text;
		enum s2sim_lock_policy lock;
		uint32_t features;
		const char *normal;
	} cases[] = {
		{ "baseline", S2SIM_LOCKPOL_BASELINE, 0, "baseline" },
		{ "rdlock-wp", S2SIM_LOCKPOL_RDLOCK_WP, 0, "rdlock-wp" },
		{ "rdlock-all", S2SIM_LOCKPOL_RDLOCK_ALL, 0, "rdlock-all" },
		{ "rdlock-all+nsh-relax", S2SIM_LOCKPOL_RDLOCK_ALL,
		  S2SIM_POLF_NSH_RELAX, "rdlock-all+nsh-relax" },
		// Features only: the lock defaults to baseline.
		{ "eager-split", S2SIM_LOCKPOL_BASELINE, S2SIM_POLF_EAGER_SPLIT,
		  "baseline+eager-split" },
		// Any order in, lock first and features in bit order out.
		{ "tlbi-range+bbml2+rdlock-wp+nsh-relax", S2SIM_LOCKPOL_RDLOCK_WP,
		  S2SIM_POLF_TLBI_RANGE | S2SIM_POLF_BBML2 | S2SIM_POLF_NSH_RELAX,
		  "rdlock-wp+nsh-relax+tlbi-range+bbml2" },
		{ "unsafe-no-bbm+eager-split+rdlock-all", S2SIM_LOCKPOL_RDLOCK_ALL,
		  S2SIM_POLF_UNSAFE_NO_BBM | S2SIM_POLF_EAGER_SPLIT,
		  "rdlock-all+eager-split+unsafe-no-bbm" },
		// The old underscore spellings, and spaces around '+'.
		{ "rdlock_all", S2SIM_LOCKPOL_RDLOCK_ALL, 0, "rdlock-all" },
		{ "rdlock_wp + nsh_relax +eager_split", S2SIM_LOCKPOL_RDLOCK_WP,
		  S2SIM_POLF_NSH_RELAX | S2SIM_POLF_EAGER_SPLIT,
		  "rdlock-wp+nsh-relax+eager-split" },
		{ "rdlock-all+nsh-relax+eager-split+tlbi-range+bbml2",
		  S2SIM_LOCKPOL_RDLOCK_ALL,
		  S2SIM_POLF_NSH_RELAX | S2SIM_POLF_EAGER_SPLIT |
			  S2SIM_POLF_TLBI_RANGE | S2SIM_POLF_BBML2,
		  "rdlock-all+nsh-relax+eager-split+tlbi-range+bbml2" },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.text);
		Parsed p = parse(c.text);
		ASSERT_EQ(p.rc, 0) << p.why;
		EXPECT_EQ(p.lock, c.lock);
		EXPECT_EQ(p.features, c.features);
		char buf[S2SIM_POLICY_TEXT_MAX];
		s2sim_policy_format(p.lock, p.features, buf, sizeof(buf));
		EXPECT_STREQ(buf, c.normal);
		// The normal form parses back to the same policy.
		Parsed again = parse(buf);
		EXPECT_EQ(again.rc, 0);
		EXPECT_EQ(again.lock, c.lock);
		EXPECT_EQ(again.features, c.features);
	}
}

TEST(ConfigPolicy, StoredNormalisedWithLockAndFeatures)
{
	Config cfg;
	ASSERT_EQ(cfg.set("hypervisor.policy=nsh_relax+rdlock-all"), S2SIM_OK)
		<< cfg.msg();
	EXPECT_EQ(cfg.v().hypervisor.lock_policy, S2SIM_LOCKPOL_RDLOCK_ALL);
	EXPECT_EQ(cfg.v().hypervisor.features, (uint32_t)S2SIM_POLF_NSH_RELAX);
	EXPECT_STREQ(cfg.v().hypervisor.policy, "rdlock-all+nsh-relax");
	// The whole buffer is rewritten: a shorter policy leaves no tail.
	ASSERT_EQ(cfg.set("hypervisor.policy=rdlock-wp"), S2SIM_OK);
	Config other;
	ASSERT_EQ(other.set("hypervisor.policy=rdlock_wp"), S2SIM_OK);
	EXPECT_EQ(std::memcmp(&cfg.v().hypervisor, &other.v().hypervisor,
			      sizeof(cfg.v().hypervisor)), 0);
	EXPECT_EQ(cfg.v().hypervisor.features, 0u);

	std::string p = write_file("c.yaml", "hypervisor:\n"
				   "  policy: \"tlbi-range + rdlock_all\"\n");
	Config f;
	ASSERT_EQ(f.load(p), S2SIM_OK) << f.msg();
	EXPECT_STREQ(f.v().hypervisor.policy, "rdlock-all+tlbi-range");
	EXPECT_EQ(std::string(s2sim_config_origin(f.c, "hypervisor.policy")),
		  p + ":2");
}

TEST(ConfigPolicy, UnknownNameNamesFileLineKeyAndValidNames)
{
	std::string p;
	std::string m = load_error("workload:\n  vcpus: 2\nhypervisor:\n"
				   "  policy: rdlock-all+nsh-relaxed\n", &p);
	expect_names(m, p, 4, "hypervisor.policy");
	EXPECT_NE(m.find("unknown name 'nsh-relaxed' in policy "
			 "'rdlock-all+nsh-relaxed'"), std::string::npos) << m;
	EXPECT_NE(m.find("baseline, rdlock-wp, rdlock-all"), std::string::npos)
		<< m;
	EXPECT_NE(m.find("nsh-relax, eager-split, tlbi-range, bbml2, "
			 "unsafe-no-bbm"), std::string::npos) << m;
	// The same from --set.
	Config cfg;
	EXPECT_EQ(cfg.set("hypervisor.policy=spinlock"), S2SIM_EINPUT);
	EXPECT_EQ(cfg.msg().rfind("--set hypervisor.policy=spinlock: key "
				  "'hypervisor.policy': unknown name 'spinlock'", 0),
		  0u) << cfg.msg();
	// A failed set leaves the policy alone.
	EXPECT_STREQ(cfg.v().hypervisor.policy, "baseline");
	// A very long name is cut in the message.
	Parsed lp = parse(std::string(200, 'z').c_str());
	EXPECT_EQ(lp.rc, -1);
	EXPECT_NE(lp.why.find("zzz...'"), std::string::npos) << lp.why;
	EXPECT_LT(lp.why.size(), 500u);
}

TEST(ConfigPolicy, MalformedPolicies)
{
	struct {
		const char *text;
		const char *why;
	} cases[] = {
		{ "", "empty name" },
		{ "rdlock-all+", "empty name" },
		{ "+nsh-relax", "empty name" },
		{ "rdlock-all++nsh-relax", "empty name" },
		{ "rdlock-all+rdlock-wp", "names two locks, 'rdlock-all' and "
					  "'rdlock-wp'" },
		{ "baseline+baseline", "names two locks" },
		{ "nsh-relax+rdlock-all+nsh_relax", "names 'nsh-relax' twice" },
		{ "bbml2+unsafe-no-bbm", "exclude each other" },
		{ "RDLOCK-ALL", "unknown name 'RDLOCK-ALL'" },
		{ "rdlock all", "unknown name 'rdlock all'" },
	};
	for (const auto &c : cases) {
		Parsed p = parse(c.text);
		EXPECT_EQ(p.rc, -1) << c.text;
		EXPECT_NE(p.why.find(c.why), std::string::npos)
			<< c.text << ": " << p.why;
	}
	std::string f;
	std::string m = load_error("hypervisor:\n  policy:\n", &f);
	expect_names(m, f, 2, "hypervisor.policy");
	m = load_error("hypervisor:\n  policy: [rdlock-all]\n", &f);
	expect_names(m, f, 2, "hypervisor.policy");
	EXPECT_NE(m.find("got a sequence"), std::string::npos) << m;
}

// The lock costs are the mmu_lock model's own defaults.
TEST(ConfigHypervisor, LockCostsAreTheMmuLockDefaults)
{
	Config cfg;
	struct s2sim_mmu_lock_params lp;

	s2sim_mmu_lock_default_params(&lp, cfg.v().platform.cpu_mhz);
	EXPECT_EQ(cfg.v().hypervisor.lock_acquire_cycles, lp.acquire_cycles);
	EXPECT_EQ(cfg.v().hypervisor.lock_release_cycles, lp.release_cycles);
	EXPECT_EQ(cfg.v().hypervisor.lock_transfer_cycles, lp.transfer_cycles);
	EXPECT_EQ(cfg.v().hypervisor.lock_transfer_per_spinner_cycles,
		  lp.transfer_per_spinner_cycles);
}

// ------------------------------------------------------- cross-key rules

TEST(ConfigPolicyRules, TlbiRangeNeedsFeatTlbirange)
{
	std::string m = rule_error({ "hypervisor.policy=rdlock-all+tlbi-range" },
				   "hypervisor.policy");
	EXPECT_NE(m.find("policy 'rdlock-all+tlbi-range' uses range TLBIs"),
		  std::string::npos) << m;
	EXPECT_NE(m.find("(platform.feat_tlbirange: default)"), std::string::npos)
		<< m;
	EXPECT_TRUE(validates({ "hypervisor.policy=rdlock-all+tlbi-range",
				"platform.feat_tlbirange=true" }));
	// From files: both origins are named.
	std::string p = write_file("c.yaml", "platform:\n  feat_tlbirange: false\n"
				   "hypervisor:\n  policy: tlbi-range\n");
	Config cfg;
	ASSERT_EQ(cfg.load(p), S2SIM_OK) << cfg.msg();
	ASSERT_EQ(cfg.validate(), S2SIM_EINPUT);
	EXPECT_EQ(cfg.msg(), p + ":4: key 'hypervisor.policy': policy "
		  "'baseline+tlbi-range' uses range TLBIs (tlbi-range), which need "
		  "platform.feat_tlbirange = true (platform.feat_tlbirange: " + p +
		  ":2)");
}

TEST(ConfigPolicyRules, Bbml2NeedsBbmLevel2)
{
	for (const char *bbm : { "platform.feat_bbm=0", "platform.feat_bbm=1" }) {
		std::string m = rule_error({ "hypervisor.policy=rdlock-all+bbml2", bbm },
					   "hypervisor.policy");
		EXPECT_NE(m.find("needs platform.feat_bbm = 2, not "), std::string::npos)
			<< m;
	}
	EXPECT_TRUE(validates({ "hypervisor.policy=rdlock-all+bbml2",
				"platform.feat_bbm=2" }));
	// unsafe-no-bbm is a software choice: no feature needed.
	EXPECT_TRUE(validates({ "hypervisor.policy=unsafe-no-bbm" }));
}

TEST(ConfigPolicyRules, EagerSplitAndChunkGoTogether)
{
	std::string m = rule_error({ "hypervisor.policy=rdlock-all+eager-split" },
				   "hypervisor.policy");
	EXPECT_NE(m.find("needs workload.eager_split_chunk > 0"), std::string::npos)
		<< m;
	m = rule_error({ "workload.eager_split_chunk=2MiB" },
		       "workload.eager_split_chunk");
	EXPECT_NE(m.find("a chunk of 2MiB has no effect: policy 'baseline' has no "
			 "eager-split feature"), std::string::npos) << m;
	// Linux (kvm_is_block_size_supported) takes any supported block size,
	// also one smaller than the backing page.
	for (const char *chunk : { "4KiB", "2MiB", "1GiB" })
		EXPECT_TRUE(validates({ "hypervisor.policy=rdlock-all+eager-split",
					"workload.backing_page_size=2MiB",
					std::string("workload.eager_split_chunk=") +
						chunk }))
			<< chunk;
	Config cfg;
	EXPECT_EQ(cfg.set("workload.eager_split_chunk=4MiB"), S2SIM_EINPUT);
}

TEST(ConfigPolicyRules, VmmPeIsAPe)
{
	std::string m = rule_error({ "hypervisor.vmm_pe=80" }, "hypervisor.vmm_pe");
	EXPECT_NE(m.find("PE 80 does not exist: platform.pes = 80 (PEs 0 to 79)"),
		  std::string::npos) << m;
	// Shrinking the platform under a set vmm_pe blames platform.pes only if
	// vmm_pe kept its default; here vmm_pe was set, so it is blamed.
	m = rule_error({ "hypervisor.vmm_pe=10", "platform.pes=8" },
		       "hypervisor.vmm_pe");
	EXPECT_NE(m.find("(platform.pes: --set platform.pes=8)"), std::string::npos)
		<< m;
	EXPECT_TRUE(validates({ "hypervisor.vmm_pe=79" }));
}
