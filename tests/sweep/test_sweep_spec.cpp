// Unit tests of the sweep spec (tools/sweep_spec.c) and point
// configurations (tools/sweep_point.c): expansion order and counts,
// directory names, and that every class of bad spec is reported with the
// file, the line and the key.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

extern "C" {
#include "core/util/errbuf.h"
#include "tools/sweep_point.h"
#include "tools/sweep_spec.h"
}

namespace {

const std::string kBase = std::string(S2SIM_SOURCE_DIR) + "/configs/t2a-48.yaml";

std::string tmp_path(const std::string &name)
{
	const char *t = getenv("S2SIM_TEST_TMP");
	return std::string(t ? t : "/tmp") + "/" + name;
}

std::string write_spec(const std::string &name, const std::string &text)
{
	std::string path = tmp_path(name);
	std::ofstream(path) << text;
	return path;
}

struct Spec {
	sweep_spec s{};
	s2sim_errbuf err{};
	int rc;
	explicit Spec(const std::string &path) { rc = sweep_spec_load(&s, path.c_str(), &err); }
	~Spec() { sweep_spec_free(&s); }
	std::string msg() const { return s2sim_err_msg(&err); }
	std::string cell(int p, int k) const
	{
		const sweep_value *v = sweep_cell(&s, p, k);
		return v ? v->text : "<base>";
	}
	std::string name(int p) const
	{
		char buf[SWEEP_NAME_MAX];
		sweep_point_name(&s, p, buf, sizeof(buf));
		return buf;
	}
};

} // namespace

TEST(SweepSpec, GridIsCartesianProductLastKeyFastest)
{
	std::string path = write_spec("grid.yaml",
		"base: " + kBase + "\n"
		"set:\n  workload.bytes_per_vcpu: 4MiB\n"
		"grid:\n"
		"  workload.vcpus: [1, 2]\n"
		"  fabric.snoop_filter: [none, vmid, address]\n"
		"  platform.feat_bbm: [0, 2]\n");
	Spec sp(path);
	ASSERT_EQ(sp.rc, S2SIM_OK) << sp.msg();
	ASSERT_EQ(sp.s.npoints, 12);
	ASSERT_EQ(sp.s.nkeys, 3);
	EXPECT_EQ(sp.s.is_grid, 1);
	EXPECT_STREQ(sp.s.keys[0].path, "workload.vcpus");
	EXPECT_STREQ(sp.s.keys[2].path, "platform.feat_bbm");
	// Nested loops in spec order: vcpus outermost, feat_bbm innermost.
	std::vector<std::string> got;
	for (int p = 0; p < sp.s.npoints; p++)
		got.push_back(sp.cell(p, 0) + "/" + sp.cell(p, 1) + "/" + sp.cell(p, 2));
	std::vector<std::string> want = {
		"1/none/0", "1/none/2", "1/vmid/0", "1/vmid/2", "1/address/0", "1/address/2",
		"2/none/0", "2/none/2", "2/vmid/0", "2/vmid/2", "2/address/0", "2/address/2",
	};
	EXPECT_EQ(got, want);
	EXPECT_EQ(sp.name(0), "0000-vcpus=1_snoop_filter=none_feat_bbm=0");
	EXPECT_EQ(sp.name(11), "0011-vcpus=2_snoop_filter=address_feat_bbm=2");
	ASSERT_EQ(sp.s.nsets, 1);
	EXPECT_STREQ(sp.s.sets[0].key, "workload.bytes_per_vcpu");
	EXPECT_EQ(sp.s.sets[0].value.line, 3);
	// The base is found relative to nothing (absolute here).
	EXPECT_EQ(std::string(sp.s.base), kBase);
}

TEST(SweepSpec, NestedKeysFlattenAndBaseIsRelativeToSpec)
{
	std::string path = write_spec("nested.yaml",
		"base: " + std::string(S2SIM_SOURCE_DIR) + "/configs/platforms/../t2a-48.yaml\n"
		"grid:\n  workload:\n    vcpus: [1, 2, 3]\n  hypervisor:\n"
		"    policy: [baseline, 'rdlock-all+nsh-relax']\n");
	Spec sp(path);
	ASSERT_EQ(sp.rc, S2SIM_OK) << sp.msg();
	EXPECT_EQ(sp.s.npoints, 6);
	EXPECT_STREQ(sp.s.keys[0].path, "workload.vcpus");
	EXPECT_STREQ(sp.s.keys[1].path, "hypervisor.policy");
	EXPECT_EQ(sp.cell(5, 1), "rdlock-all+nsh-relax");
	EXPECT_EQ(sp.name(5), "0005-vcpus=3_policy=rdlock-all-nsh-relax");

	// A relative base is taken from the spec's directory, as include: is.
	std::string rel = std::string(S2SIM_SOURCE_DIR) + "/configs/sweeps/tiny.yaml";
	Spec tiny(rel);
	ASSERT_EQ(tiny.rc, S2SIM_OK) << tiny.msg();
	EXPECT_EQ(std::string(tiny.s.base),
		  std::string(S2SIM_SOURCE_DIR) + "/configs/sweeps/../t2a-48.yaml");
	EXPECT_EQ(tiny.s.npoints, 4);
}

TEST(SweepSpec, PointsListTakesTheUnionOfKeys)
{
	std::string path = write_spec("points.yaml",
		"base: " + kBase + "\n"
		"set: {workload.bytes_per_vcpu: 4MiB, hypervisor.policy: baseline}\n"
		"points:\n"
		"  - {workload.vcpus: 1}\n"
		"  - {workload.vcpus: 2, hypervisor.policy: rdlock-all+nsh-relax}\n"
		"  -\n"
		"  - hypervisor: {policy: rdlock-all}\n");
	Spec sp(path);
	ASSERT_EQ(sp.rc, S2SIM_OK) << sp.msg();
	ASSERT_EQ(sp.s.npoints, 4);
	ASSERT_EQ(sp.s.nkeys, 2);
	EXPECT_EQ(sp.s.is_grid, 0);
	EXPECT_EQ(sp.cell(0, 0), "1");
	EXPECT_EQ(sp.cell(0, 1), "<base>");
	EXPECT_EQ(sp.cell(1, 1), "rdlock-all+nsh-relax");
	EXPECT_EQ(sp.cell(2, 0), "<base>");
	EXPECT_EQ(sp.cell(3, 1), "rdlock-all");
	EXPECT_EQ(sp.name(2), "0002-base");
	EXPECT_EQ(sp.name(3), "0003-policy=rdlock-all");

	// A point's values override set:; keys it leaves alone keep set:'s.
	s2sim_config *cfg = nullptr;
	s2sim_errbuf err{};
	ASSERT_EQ(sweep_point_config(&sp.s, 1, &cfg, &err), S2SIM_OK) << s2sim_err_msg(&err);
	char buf[128];
	sweep_config_value(cfg, "hypervisor.policy", buf, sizeof(buf));
	EXPECT_STREQ(buf, "rdlock-all+nsh-relax");
	sweep_config_value(cfg, "workload.bytes_per_vcpu", buf, sizeof(buf));
	EXPECT_STREQ(buf, "4MiB");
	uint64_t d1 = sweep_config_digest(cfg);
	s2sim_config_destroy(cfg);
	ASSERT_EQ(sweep_point_config(&sp.s, 0, &cfg, &err), S2SIM_OK) << s2sim_err_msg(&err);
	sweep_config_value(cfg, "hypervisor.policy", buf, sizeof(buf));
	EXPECT_STREQ(buf, "baseline");
	EXPECT_NE(sweep_config_digest(cfg), d1);
	s2sim_config_destroy(cfg);
}

TEST(SweepSpec, DigestIgnoresWhereValuesWereSet)
{
	std::string a = write_spec("dig-a.yaml", "base: " + kBase +
				   "\ngrid: {workload.vcpus: [3]}\n");
	std::string b = write_spec("dig-b.yaml", "base: " + kBase +
				   "\n\n\npoints:\n  - workload: {vcpus: 3}\n");
	Spec sa(a), sb(b);
	ASSERT_EQ(sa.rc, S2SIM_OK) << sa.msg();
	ASSERT_EQ(sb.rc, S2SIM_OK) << sb.msg();
	s2sim_config *ca = nullptr, *cb = nullptr;
	s2sim_errbuf err{};
	ASSERT_EQ(sweep_point_config(&sa.s, 0, &ca, &err), S2SIM_OK);
	ASSERT_EQ(sweep_point_config(&sb.s, 0, &cb, &err), S2SIM_OK);
	EXPECT_EQ(sweep_config_digest(ca), sweep_config_digest(cb));
	s2sim_config_destroy(ca);
	s2sim_config_destroy(cb);
}

namespace {

struct BadSpec {
	const char *what;
	std::string text;
	std::string expect_where; // "FILE:LINE:"
	std::vector<std::string> expect;
	int rc;
};

} // namespace

// Every error class names the spec, the line and the key.
TEST(SweepSpec, BadSpecsNameFileLineAndKey)
{
	const std::string b = "base: " + kBase + "\n";
	const std::string f = "bad.yaml";
	std::string many = b + "grid:\n  workload.vcpus: [";
	for (int i = 1; i <= 48; i++)
		many += std::to_string(i) + (i < 48 ? ", " : "]\n");
	many += "  workload.seed: [";
	for (int i = 1; i <= 90; i++)
		many += std::to_string(i) + (i < 90 ? ", " : "]\n");
	std::string keys17 = b + "grid:\n";
	const char *k17[] = { "workload.vcpus", "workload.seed", "workload.iterations",
		"workload.write_percent", "workload.order", "workload.bytes_per_vcpu",
		"workload.backing_page_size", "workload.guest_page_size",
		"workload.instructions_per_access", "workload.initially_set",
		"workload.clear_interval_ns", "sim.seed", "sim.quantum_ns",
		"sim.timeline_interval_us", "hypervisor.policy", "fabric.snoop_filter",
		"platform.feat_bbm" };
	for (const char *k : k17)
		keys17 += std::string("  ") + k + ": [1]\n";

	std::vector<BadSpec> cases = {
		{ "yaml syntax", b + "grid: {workload.vcpus: [1, 2}\n", ":2:", { "YAML syntax" }, S2SIM_EINPUT },
		{ "not a mapping", "- 1\n- 2\n", ":1:", { "expected a mapping" }, S2SIM_EINPUT },
		{ "unknown top key", b + "gird: {workload.vcpus: [1]}\n", ":2:", { "unknown key 'gird'" }, S2SIM_EINPUT },
		{ "missing base", "grid: {workload.vcpus: [1]}\n", ":1:", { "missing key 'base'" }, S2SIM_EINPUT },
		{ "base unreadable", "\nbase: nonexistent.yaml\ngrid: {workload.vcpus: [1]}\n", ":2:",
		  { "key 'base'", "nonexistent.yaml" }, S2SIM_EINPUT },
		{ "base not a path", "base: [a]\ngrid: {workload.vcpus: [1]}\n", ":1:", { "key 'base'" }, S2SIM_EINPUT },
		{ "no grid/points", b + "set: {workload.vcpus: 1}\n", ":1:", { "missing key 'grid' or 'points'" }, S2SIM_EINPUT },
		{ "grid and points", b + "grid: {workload.vcpus: [1]}\npoints: [{workload.vcpus: 2}]\n", ":3:",
		  { "key 'points'", "not both", "line 2" }, S2SIM_EINPUT },
		{ "duplicate top key", b + "grid: {workload.vcpus: [1]}\nbase: x\n", ":3:",
		  { "key 'base' given twice", "line 1" }, S2SIM_EINPUT },
		{ "set not mapping", b + "set: [1]\ngrid: {workload.vcpus: [1]}\n", ":2:", { "key 'set'" }, S2SIM_EINPUT },
		{ "unknown key in set", b + "set:\n  workload.vcpu: 1\ngrid: {sim.seed: [1]}\n", ":3:",
		  { "set: unknown configuration key 'workload.vcpu'", "did you mean 'workload.vcpus'" }, S2SIM_EINPUT },
		{ "section as key", b + "grid:\n  workload: [1]\n", ":3:", { "grid", "'workload' is a section" }, S2SIM_EINPUT },
		{ "set value a list", b + "set:\n  workload.vcpus: [1]\ngrid: {sim.seed: [1]}\n", ":3:",
		  { "set: key 'workload.vcpus'", "expected one value" }, S2SIM_EINPUT },
		{ "grid value not list", b + "grid:\n  workload.vcpus: 4\n", ":3:",
		  { "grid: key 'workload.vcpus'", "non-empty list" }, S2SIM_EINPUT },
		{ "grid empty list", b + "grid:\n  workload.vcpus: []\n", ":3:",
		  { "grid: key 'workload.vcpus'", "non-empty list" }, S2SIM_EINPUT },
		{ "grid element not scalar", b + "grid:\n  workload.vcpus:\n    - [1]\n", ":4:",
		  { "grid: key 'workload.vcpus'", "expected one value" }, S2SIM_EINPUT },
		{ "grid duplicate value", b + "grid:\n  workload.vcpus:\n    - 1\n    - 1\n", ":5:",
		  { "grid: key 'workload.vcpus'", "listed twice", "line 4" }, S2SIM_EINPUT },
		{ "grid duplicate key", b + "grid:\n  workload.vcpus: [1]\n  workload: {vcpus: [2]}\n", ":4:",
		  { "grid: key 'workload.vcpus' given twice", "line 3" }, S2SIM_EINPUT },
		{ "grid too many points", many, ":2:", { "more than 4096 points", "workload.seed" }, S2SIM_ELIMIT },
		{ "grid too many keys", keys17, ":19:", { "platform.feat_bbm", "more than 16 swept keys" }, S2SIM_ELIMIT },
		{ "set and grid overlap", b + "set: {workload.vcpus: 1}\ngrid:\n  workload.vcpus: [2]\n", ":2:",
		  { "set: key 'workload.vcpus' is also swept by grid: (line 4)" }, S2SIM_EINPUT },
		{ "points not a list", b + "points: {workload.vcpus: 1}\n", ":2:", { "key 'points'", "non-empty list" }, S2SIM_EINPUT },
		{ "point not a mapping", b + "points:\n  - {workload.vcpus: 1}\n  - 7\n", ":4:",
		  { "key 'points[1]'", "expected a mapping" }, S2SIM_EINPUT },
		{ "point duplicate key", b + "points:\n  - workload.vcpus: 1\n    workload: {vcpus: 2}\n", ":4:",
		  { "points[0]: key 'workload.vcpus' given twice", "line 3" }, S2SIM_EINPUT },
		{ "point unknown key", b + "points:\n  - {workload.vcpus: 1}\n  - {fabric.snoop_filer: vmid}\n", ":4:",
		  { "points[1]: unknown configuration key 'fabric.snoop_filer'", "fabric.snoop_filter" }, S2SIM_EINPUT },
	};
	for (const BadSpec &c : cases) {
		std::string path = write_spec(f, c.text);
		Spec sp(path);
		EXPECT_EQ(sp.rc, c.rc) << c.what << ": " << sp.msg();
		EXPECT_EQ(sp.msg().rfind(path + c.expect_where, 0), 0u)
			<< c.what << ": " << sp.msg();
		for (const std::string &e : c.expect)
			EXPECT_NE(sp.msg().find(e), std::string::npos)
				<< c.what << ": '" << e << "' not in: " << sp.msg();
	}
}

// Values are checked by the configuration's own rules when each point is
// built; the messages point into the spec.
TEST(SweepSpec, BadValuesNameTheSpecLine)
{
	std::string path = write_spec("badval.yaml",
		"base: " + kBase + "\n"
		"grid:\n"
		"  workload.vcpus: [1, lots]\n");
	Spec sp(path);
	ASSERT_EQ(sp.rc, S2SIM_OK) << sp.msg();
	s2sim_config *cfg = nullptr;
	s2sim_errbuf err{};
	ASSERT_EQ(sweep_point_config(&sp.s, 0, &cfg, &err), S2SIM_OK) << s2sim_err_msg(&err);
	s2sim_config_destroy(cfg);
	EXPECT_EQ(sweep_point_config(&sp.s, 1, &cfg, &err), S2SIM_EINPUT);
	EXPECT_EQ(cfg, nullptr);
	std::string m = s2sim_err_msg(&err);
	EXPECT_NE(m.find("point 0001-vcpus=lots"), std::string::npos) << m;
	EXPECT_NE(m.find(path + ":3: key 'workload.vcpus'"), std::string::npos) << m;

	// A rule across keys (vCPUs <= PEs) names where the value was set.
	path = write_spec("badrule.yaml",
		"base: " + kBase + "\n"
		"set:\n  platform.pes: 4\n"
		"points:\n  - {workload.vcpus: 2}\n  - {workload.vcpus: 8}\n");
	Spec sr(path);
	ASSERT_EQ(sr.rc, S2SIM_OK) << sr.msg();
	ASSERT_EQ(sweep_point_config(&sr.s, 0, &cfg, &err), S2SIM_OK) << s2sim_err_msg(&err);
	s2sim_config_destroy(cfg);
	EXPECT_EQ(sweep_point_config(&sr.s, 1, &cfg, &err), S2SIM_EINPUT);
	m = s2sim_err_msg(&err);
	EXPECT_NE(m.find("workload.vcpus"), std::string::npos) << m;
	EXPECT_NE(m.find(path + ":6"), std::string::npos) << m;
	EXPECT_NE(m.find(path + ":3"), std::string::npos) << m;
}
