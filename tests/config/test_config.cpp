// Tests of the configuration module: YAML loading with libfyaml, includes,
// --set overrides, every error class (the message must name file, line and
// key), every cross-key rule, the YAML round trip, docs/config.md being up
// to date, and every shipped config under configs/ loading and validating.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include <s2sim/config.h>
#include <s2sim/fabric.h>
#include "core/config/config_internal.h"
#include "core/config/schema.h"
#include "core/config/value.h"
}

#include "config_harness.h"

// Alignment padding in struct s2sim_cfg on LP64 (measured; see
// ConfigSchema.EveryFieldHasAKey).
#define S2SIM_CFG_PADDING_BYTES 41

using namespace cfgtest;

// ---------------------------------------------------------------- errors

TEST(ConfigErrors, WrongTypeNamesFileLineKey)
{
	std::string p;
	std::string m = load_error("platform:\n  pes: 80\n  l2_tlb:\n"
				   "    entries: abc\n", &p);
	expect_names(m, p, 4, "platform.l2_tlb.entries");
	EXPECT_NE(m.find("expected an unsigned integer, got 'abc'"),
		  std::string::npos) << m;
}

TEST(ConfigErrors, UnknownKeySuggestsSibling)
{
	std::string p;
	std::string m = load_error("platform:\n  l2_tlb:\n    entires: 5\n", &p);
	expect_names(m, p, 3, "platform.l2_tlb.entires");
	EXPECT_NE(m.find("unknown key"), std::string::npos) << m;
	EXPECT_NE(m.find("did you mean 'platform.l2_tlb.entries'"),
		  std::string::npos) << m;
}

TEST(ConfigErrors, UnknownSection)
{
	std::string p;
	std::string m = load_error("# comment\nplatfrom:\n  pes: 4\n", &p);
	expect_names(m, p, 2, "platfrom");
	EXPECT_NE(m.find("did you mean 'platform'"), std::string::npos) << m;
	m = load_error("zzzzzz: 1\n", &p);
	expect_names(m, p, 1, "zzzzzz");
	EXPECT_EQ(m.find("did you mean"), std::string::npos) << m;
}

TEST(ConfigErrors, OutOfRange)
{
	std::string p;
	std::string m = load_error("workload:\n  write_percent: 150\n", &p);
	expect_names(m, p, 2, "workload.write_percent");
	EXPECT_NE(m.find("150 is out of range [0, 100]"), std::string::npos) << m;
	m = load_error("platform:\n  cpi: 1000\n", &p);
	expect_names(m, p, 2, "platform.cpi");
	EXPECT_NE(m.find("out of range"), std::string::npos) << m;
	m = load_error("platform:\n  feat_bbm: 3\n", &p);
	expect_names(m, p, 2, "platform.feat_bbm");
	m = load_error("platform:\n  pes: 99999999999999999999999\n", &p);
	expect_names(m, p, 2, "platform.pes");
	EXPECT_NE(m.find("does not fit in 64 bits"), std::string::npos) << m;
	m = load_error("platform:\n  pes: 4294967297\n", &p);
	expect_names(m, p, 2, "platform.pes");
}

TEST(ConfigErrors, NotAnAllowedValue)
{
	std::string p;
	std::string m = load_error("workload:\n  backing_page_size: 8KiB\n", &p);
	expect_names(m, p, 2, "workload.backing_page_size");
	EXPECT_NE(m.find("8KiB is not one of 4KiB, 2MiB, 1GiB"),
		  std::string::npos) << m;
	m = load_error("platform:\n  stage1_page_size: 8KiB\n", &p);
	expect_names(m, p, 2, "platform.stage1_page_size");
	m = load_error("platform:\n  pa_bits: 46\n", &p);
	expect_names(m, p, 2, "platform.pa_bits");
	EXPECT_NE(m.find("46 is not one of 32, 36, 40, 42, 44, 48, 52"),
		  std::string::npos) << m;
	m = load_error("workload:\n  eager_split_chunk: 64KiB\n", &p);
	expect_names(m, p, 2, "workload.eager_split_chunk");
}

TEST(ConfigErrors, BadValueOfEachType)
{
	struct Case {
		std::string yaml;
		const char *key;
		const char *text;
	} cases[] = {
		{ "platform:\n  cpu_mhz: fast\n", "platform.cpu_mhz",
		  "expected a number, got 'fast'" },
		{ "platform:\n  cpu_mhz: nan\n", "platform.cpu_mhz", "expected a number" },
		{ "platform:\n  feat_tlbirange: yes\n", "platform.feat_tlbirange",
		  "expected true or false, got 'yes'" },
		{ "workload:\n  order: backwards\n", "workload.order",
		  "expected one of sequential, random, got 'backwards'" },
		{ "workload:\n  bytes_per_vcpu: 4GB\n", "workload.bytes_per_vcpu",
		  "ambiguous" },
		{ "workload:\n  bytes_per_vcpu: 4 parsecs\n", "workload.bytes_per_vcpu",
		  "expected a size" },
		{ "workload:\n  bytes_per_vcpu: 1.5GiB\n", "workload.bytes_per_vcpu",
		  "expected a size" },
		{ "workload:\n  vcpus: -1\n", "workload.vcpus",
		  "expected an unsigned integer, got '-1'" },
		{ "workload:\n  vcpus:\n", "workload.vcpus", "got an empty value" },
		{ "platform:\n  name: \"" + std::string(100, 'x') + "\"\n",
		  "platform.name", "too long" },
	};
	for (const Case &c : cases) {
		std::string p;
		std::string m = load_error(c.yaml, &p);
		expect_names(m, p, 2, c.key);
		EXPECT_NE(m.find(c.text), std::string::npos) << m;
	}
}

TEST(ConfigErrors, MappingWhereValueExpected)
{
	std::string p;
	std::string m = load_error("platform:\n  pes:\n    x: 1\n", &p);
	expect_names(m, p, 2, "platform.pes");
	EXPECT_NE(m.find("got a mapping"), std::string::npos) << m;
}

TEST(ConfigErrors, SequenceWhereValueExpected)
{
	std::string p;
	std::string m = load_error("platform:\n  l1d_tlb:\n    repl: [lru]\n", &p);
	expect_names(m, p, 3, "platform.l1d_tlb.repl");
	EXPECT_NE(m.find("got a sequence"), std::string::npos) << m;
}

TEST(ConfigErrors, ValueWhereSectionExpected)
{
	std::string p;
	std::string m = load_error("platform:\n  l2_tlb: 1280\n", &p);
	expect_names(m, p, 2, "platform.l2_tlb");
	EXPECT_NE(m.find("is a section"), std::string::npos) << m;
	m = load_error("- platform\n", &p);
	EXPECT_EQ(m.rfind(p + ":1: ", 0), 0u) << m;
	EXPECT_NE(m.find("top level must be a mapping"), std::string::npos) << m;
}

TEST(ConfigErrors, DuplicateKey)
{
	std::string p;
	std::string m = load_error("platform:\n  pes: 4\n  cpi: 2\n  pes: 8\n", &p);
	expect_names(m, p, 4, "platform.pes");
	EXPECT_NE(m.find("duplicate key (first at line 2)"), std::string::npos) << m;
	// A section repeated at the top level is a duplicate too.
	m = load_error("sim:\n  seed: 1\nsim:\n  seed: 2\n", &p);
	expect_names(m, p, 3, "sim");
}

TEST(ConfigErrors, YamlSyntaxErrorHasLine)
{
	std::string p;
	std::string m = load_error("platform:\n  pes: 4\n  l2_tlb: {entries: 5\n"
				   "workload:\n  vcpus: 1\n", &p);
	EXPECT_EQ(m.rfind(p + ":", 0), 0u) << m;
	EXPECT_NE(m.find("YAML syntax error"), std::string::npos) << m;
	int line = std::atoi(m.c_str() + p.size() + 1);
	EXPECT_GE(line, 3) << m;
	m = load_error("platform:\n  pes: 'unterminated\n", &p);
	EXPECT_NE(m.find("YAML syntax error"), std::string::npos) << m;
}

TEST(ConfigErrors, SecondYamlDocument)
{
	// Keys after "---" would otherwise be ignored silently.
	std::string p;
	std::string m = load_error("platform:\n  pes: 4\n---\nworkload:\n"
				   "  vcpus: 2\n", &p);
	EXPECT_EQ(m.rfind(p + ":4: ", 0), 0u) << m;
	EXPECT_NE(m.find("one YAML document"), std::string::npos) << m;
	Config cfg;
	EXPECT_EQ(cfg.load(write_file("end.yaml", "platform:\n  pes: 4\n---\n")),
		  S2SIM_OK) << cfg.msg();
}

TEST(ConfigErrors, DottedKeyInFile)
{
	std::string p;
	std::string m = load_error("workload:\n  vcpus: 2\nplatform.pes: 4\n", &p);
	expect_names(m, p, 3, "platform.pes");
	EXPECT_NE(m.find("nested mappings"), std::string::npos) << m;
}

TEST(ConfigErrors, UndefinedAlias)
{
	std::string p;
	std::string m = load_error("platform:\n  pes: *nothing\n", &p);
	expect_names(m, p, 2, "platform.pes");
}

TEST(ConfigErrors, UnreadableFile)
{
	Config cfg;
	std::string p = tmp_dir() + "/does-not-exist.yaml";
	EXPECT_EQ(cfg.load(p), S2SIM_EIO);
	EXPECT_NE(cfg.msg().find(p), std::string::npos) << cfg.msg();
}

TEST(ConfigErrors, IncludeCycle)
{
	std::string a = write_file("a.yaml", "include: sub/b.yaml\n");
	write_file("sub/b.yaml", "workload:\n  vcpus: 2\ninclude:\n  - ../a.yaml\n");
	Config cfg;
	ASSERT_EQ(cfg.load(a), S2SIM_EINPUT);
	std::string b = a.substr(0, a.size() - 6) + "sub/b.yaml";
	expect_names(cfg.msg(), b, 4, "include");
	EXPECT_NE(cfg.msg().find("include cycle"), std::string::npos) << cfg.msg();
}

TEST(ConfigErrors, IncludeMissingFileOrBadValue)
{
	std::string p;
	Config cfg;
	p = write_file("c.yaml", "workload:\n  vcpus: 2\ninclude: nope.yaml\n");
	EXPECT_EQ(cfg.load(p), S2SIM_EIO);
	expect_names(cfg.msg(), p, 3, "include");
	EXPECT_NE(cfg.msg().find("nope.yaml"), std::string::npos) << cfg.msg();
	std::string m = load_error("include:\n  x: y\n", &p);
	expect_names(m, p, 2, "include");
}

TEST(ConfigErrors, FailedLoadChangesNothing)
{
	Config cfg;
	ASSERT_EQ(cfg.set("workload.vcpus=3"), S2SIM_OK);
	std::string p = write_file("c.yaml", "platform:\n  pes: 7\nworkload:\n"
				   "  vcpus: 5\n  order: sideways\n");
	EXPECT_EQ(cfg.load(p), S2SIM_EINPUT);
	EXPECT_EQ(cfg.v().platform.pes, 80u);
	EXPECT_EQ(cfg.v().workload.vcpus, 3u);
	EXPECT_STREQ(s2sim_config_origin(cfg.c, "platform.pes"), "default");
	EXPECT_STREQ(s2sim_config_origin(cfg.c, "workload.vcpus"),
		     "--set workload.vcpus=3");
}

TEST(ConfigErrors, SetErrorsStartWithTheAssignment)
{
	Config cfg;
	EXPECT_EQ(cfg.set("workload.vcpus=lots"), S2SIM_EINPUT);
	EXPECT_EQ(cfg.msg().rfind("--set workload.vcpus=lots: key 'workload.vcpus': "
				  "expected an unsigned integer, got 'lots'", 0), 0u)
		<< cfg.msg();
	EXPECT_EQ(cfg.set("platform.l2_tlb.entires=3"), S2SIM_EINPUT);
	EXPECT_NE(cfg.msg().find("--set platform.l2_tlb.entires=3: unknown key "
				 "'platform.l2_tlb.entires' (did you mean "
				 "'platform.l2_tlb.entries'?)"), std::string::npos)
		<< cfg.msg();
	EXPECT_EQ(cfg.set("platform=3"), S2SIM_EINPUT);
	EXPECT_NE(cfg.msg().find("is a section"), std::string::npos) << cfg.msg();
	EXPECT_EQ(cfg.set("no-equals-sign"), S2SIM_EINPUT);
	EXPECT_NE(cfg.msg().find("--set no-equals-sign: expected key.path=value"),
		  std::string::npos) << cfg.msg();
	EXPECT_EQ(cfg.set("platform.name=a: b"), S2SIM_EINPUT);
	EXPECT_NE(cfg.msg().find("got a mapping"), std::string::npos) << cfg.msg();
	EXPECT_EQ(cfg.set("platform.pes=[1"), S2SIM_EINPUT);
	EXPECT_NE(cfg.msg().find("--set platform.pes=[1: key 'platform.pes'"),
		  std::string::npos) << cfg.msg();
	// A failed --set leaves the value alone.
	EXPECT_EQ(cfg.v().workload.vcpus, 1u);
}

// -------------------------------------------------------------- defaults

TEST(ConfigDefaults, AreTheN1PlatformAndSelftestDefaults)
{
	Config cfg;
	const s2sim_cfg &v = cfg.v();
	EXPECT_STREQ(v.platform.name, "neoverse-n1-altra");
	EXPECT_EQ(v.platform.pes, 80u);
	EXPECT_EQ(v.platform.cpu_mhz, 3000.0);
	EXPECT_EQ(v.platform.l1d_tlb.entries, 48u);
	EXPECT_EQ(v.platform.l1d_tlb.ways, 48u);
	EXPECT_EQ(v.platform.l2_tlb.entries, 1280u);
	EXPECT_EQ(v.platform.l2_tlb.ways, 5u);
	EXPECT_EQ(v.platform.l2_tlb.repl, S2SIM_REPL_LRU);
	EXPECT_EQ(v.platform.ipa_bits, 40u);
	EXPECT_EQ(v.platform.pa_bits, 48u);
	EXPECT_EQ(v.platform.start_level, 1u);
	EXPECT_EQ(v.platform.walk_cache[2].entries, 64u);
	EXPECT_EQ(v.platform.feat_bbm, 0u);
	EXPECT_FALSE(v.platform.feat_tlbirange);
	EXPECT_EQ(v.platform.tlb_conflict, S2SIM_CONFLICT_ABORT);
	EXPECT_EQ(v.hypervisor.lock_policy, S2SIM_LOCKPOL_BASELINE);
	EXPECT_EQ(v.hypervisor.features, 0u);
	EXPECT_STREQ(v.hypervisor.policy, "baseline");
	EXPECT_EQ(v.hypervisor.exit_cycles, 800u);
	EXPECT_EQ(v.hypervisor.entry_cycles, 700u);
	EXPECT_EQ(v.hypervisor.fault_cycles, 2500u);
	EXPECT_EQ(v.hypervisor.map_cycles, 300u);
	EXPECT_EQ(v.hypervisor.split_cycles, 1200u);
	EXPECT_EQ(v.hypervisor.wp_cycles_per_leaf, 20u);
	EXPECT_EQ(v.hypervisor.dirty_cycles_per_page, 5u);
	EXPECT_EQ(v.hypervisor.vmm_pe, 0u);
	EXPECT_TRUE(v.hypervisor.check);
	// dirty_log_perf_test: -v 1 -b 1G -w 100 -i 2, anonymous 4 KiB backing,
	// sequential, seed 1, manual protect + initially set.
	EXPECT_EQ(v.workload.source, S2SIM_SRC_GENERATOR);
	EXPECT_EQ(v.workload.vcpus, 1u);
	EXPECT_EQ(v.workload.bytes_per_vcpu, 1ull << 30);
	EXPECT_EQ(v.workload.backing_page_size, 4096u);
	EXPECT_EQ(v.workload.guest_page_size, 4096u);
	EXPECT_EQ(v.workload.write_percent, 100u);
	EXPECT_EQ(v.workload.iterations, 2u);
	EXPECT_EQ(v.workload.order, S2SIM_ORDER_SEQUENTIAL);
	EXPECT_EQ(v.workload.seed, 1u);
	EXPECT_TRUE(v.workload.initially_set);
	EXPECT_EQ(v.workload.eager_split_chunk, 0u);
	EXPECT_STREQ(v.workload.trace, "");
	EXPECT_EQ(cfg.validate(), S2SIM_OK) << cfg.msg();
	EXPECT_STREQ(s2sim_config_origin(cfg.c, "platform.pes"), "default");
	EXPECT_EQ(s2sim_config_origin(cfg.c, "platform.nope"), nullptr);
}

TEST(ConfigDefaults, EmptyAndCommentOnlyFilesChangeNothing)
{
	Config cfg;
	EXPECT_EQ(cfg.load(write_file("empty.yaml", "")), S2SIM_OK) << cfg.msg();
	EXPECT_EQ(cfg.load(write_file("comments.yaml", "# nothing\n\n---\n")),
		  S2SIM_OK) << cfg.msg();
	EXPECT_EQ(cfg.load(write_file("null-section.yaml", "platform:\nsim: ~\n")),
		  S2SIM_OK) << cfg.msg();
	EXPECT_EQ(cfg.v().platform.pes, 80u);
}

// The schema table itself: every row is well formed, rows do not overlap,
// rows of a section are contiguous (the YAML writer relies on it).
TEST(ConfigSchema, RowsAreConsistent)
{
	size_t n, nsec;
	const s2sim_cfg_key *k = s2sim_cfg_schema(&n);
	const s2sim_cfg_section *sec = s2sim_cfg_sections(&nsec);

	for (size_t i = 0; i < n; i++) {
		SCOPED_TRACE(k[i].path);
		size_t want = 0;
		switch (k[i].type) {
		case S2SIM_CFG_U32: want = 4; break;
		case S2SIM_CFG_U64: case S2SIM_CFG_SIZE: case S2SIM_CFG_DOUBLE:
			want = 8; break;
		case S2SIM_CFG_BOOL: want = sizeof(bool); break;
		case S2SIM_CFG_ENUM: want = sizeof(int); break;
		case S2SIM_CFG_STRING: case S2SIM_CFG_POLICY:
			want = k[i].size; break;
		}
		EXPECT_EQ(k[i].size, want);
		EXPECT_LE(k[i].offset + k[i].size, sizeof(s2sim_cfg));
		EXPECT_TRUE(k[i].doc && *k[i].doc);
		EXPECT_EQ(std::strchr(k[i].doc, '|'), nullptr);
		EXPECT_EQ(s2sim_cfg_find(k[i].path), &k[i]);
		EXPECT_FALSE(s2sim_cfg_is_section(k[i].path));
		for (size_t j = 0; j < i; j++)
			EXPECT_TRUE(k[j].offset + k[j].size <= k[i].offset ||
				    k[i].offset + k[i].size <= k[j].offset)
				<< "overlaps " << k[j].path;
		bool in_section = false;
		for (size_t s = 0; s < nsec; s++)
			in_section |= std::string(k[i].path).rfind(
					      std::string(sec[s].name) + ".", 0) == 0;
		EXPECT_TRUE(in_section);
	}
	// The rows of every section (at any depth) are contiguous.
	for (size_t i = 0; i < n; i++) {
		std::string path = k[i].path;
		for (size_t dot = path.find('.'); dot != std::string::npos;
		     dot = path.find('.', dot + 1)) {
			std::string prefix = path.substr(0, dot + 1);
			size_t first = n, last = 0, count = 0;
			for (size_t j = 0; j < n; j++) {
				if (std::string(k[j].path).rfind(prefix, 0) != 0)
					continue;
				first = std::min(first, j);
				last = std::max(last, j);
				count++;
			}
			EXPECT_EQ(count, last - first + 1) << "section " << prefix
							   << " is split";
		}
	}
}

// Every field of struct s2sim_cfg has a key: the rows cover all of its
// bytes but alignment padding.  A field added without a row grows the
// uncovered count past what the struct's padding explains.
TEST(ConfigSchema, EveryFieldHasAKey)
{
	size_t n;
	const s2sim_cfg_key *k = s2sim_cfg_schema(&n);
	std::vector<bool> covered(sizeof(s2sim_cfg), false);

	for (size_t i = 0; i < n; i++)
		for (size_t b = 0; b < k[i].size; b++)
			covered[k[i].offset + b] = true;
	// hypervisor.policy also sets the lock and features it names.
	size_t derived[][2] = {
		{ offsetof(s2sim_cfg, hypervisor.lock_policy),
		  sizeof(((s2sim_cfg *)0)->hypervisor.lock_policy) },
		{ offsetof(s2sim_cfg, hypervisor.features),
		  sizeof(((s2sim_cfg *)0)->hypervisor.features) },
	};
	for (const auto &d : derived)
		for (size_t b = 0; b < d[1]; b++)
			covered[d[0] + b] = true;
	size_t uncovered = 0;
	for (size_t b = 0; b < covered.size(); b++)
		uncovered += !covered[b];
	EXPECT_LE(uncovered, S2SIM_CFG_PADDING_BYTES)
		<< "a field of struct s2sim_cfg has no row in core/config/schema.c";
}

// -------------------------------------------------------------- includes

TEST(ConfigInclude, IncludedFilesApplyFirstAndRecordOrigins)
{
	std::string base = write_file("inc/base.yaml",
				      "platform:\n  pes: 16\nworkload:\n  vcpus: 2\n");
	write_file("inc/more/extra.yaml",
		   "include: ../base.yaml\nworkload:\n  iterations: 7\n  vcpus: 3\n");
	std::string top = write_file("inc/top.yaml",
				     "workload:\n  vcpus: 4\n"
				     "include:\n  - base.yaml\n  - more/extra.yaml\n");
	Config cfg;
	ASSERT_EQ(cfg.load(top), S2SIM_OK) << cfg.msg();
	EXPECT_EQ(cfg.v().platform.pes, 16u);
	EXPECT_EQ(cfg.v().workload.iterations, 7u);
	// The including file's own keys win, whatever their position.
	EXPECT_EQ(cfg.v().workload.vcpus, 4u);
	EXPECT_EQ(std::string(s2sim_config_origin(cfg.c, "workload.vcpus")),
		  top + ":2");
	EXPECT_EQ(std::string(s2sim_config_origin(cfg.c, "platform.pes")),
		  base.substr(0, base.size() - 9) + "more/../base.yaml:2");
	EXPECT_EQ(cfg.validate(), S2SIM_OK) << cfg.msg();
}

TEST(ConfigInclude, LaterIncludeOverridesEarlierAndDiamondsAreFine)
{
	write_file("d/x.yaml", "sim:\n  seed: 5\n");
	write_file("d/y.yaml", "include: x.yaml\nsim:\n  seed: 6\n");
	std::string top = write_file("d/top.yaml", "include: [y.yaml, x.yaml]\n");
	Config cfg;
	ASSERT_EQ(cfg.load(top), S2SIM_OK) << cfg.msg();
	EXPECT_EQ(cfg.v().sim.seed, 5u);
}

// ---------------------------------------------------------------- --set

TEST(ConfigSet, EachType)
{
	Config cfg;
	uint64_t u;
	double d;
	const char *s;

	ASSERT_EQ(cfg.set("platform.pes=0x40"), S2SIM_OK) << cfg.msg();
	EXPECT_EQ(cfg.v().platform.pes, 64u);
	ASSERT_EQ(cfg.set("workload.seed=4294967295"), S2SIM_OK);
	EXPECT_EQ(cfg.v().workload.seed, UINT32_MAX);
	ASSERT_EQ(cfg.set("platform.cpu_mhz=2.5e3"), S2SIM_OK) << cfg.msg();
	EXPECT_EQ(cfg.v().platform.cpu_mhz, 2500.0);
	ASSERT_EQ(cfg.set("platform.feat_tlbirange=true"), S2SIM_OK);
	EXPECT_TRUE(cfg.v().platform.feat_tlbirange);
	ASSERT_EQ(cfg.set("workload.initially_set=False"), S2SIM_OK);
	EXPECT_FALSE(cfg.v().workload.initially_set);
	ASSERT_EQ(cfg.set("hypervisor.policy=eager_split+rdlock_all"), S2SIM_OK)
		<< cfg.msg();
	EXPECT_EQ(cfg.v().hypervisor.lock_policy, S2SIM_LOCKPOL_RDLOCK_ALL);
	EXPECT_EQ(cfg.v().hypervisor.features, (uint32_t)S2SIM_POLF_EAGER_SPLIT);
	ASSERT_EQ(cfg.set("fabric.snoop_filter=vmid"), S2SIM_OK);
	EXPECT_EQ(cfg.v().fabric.snoop_filter, (uint32_t)S2SIM_SNOOP_FILTER_VMID);
	ASSERT_EQ(cfg.set("platform.name=\"x: y # z\""), S2SIM_OK) << cfg.msg();
	EXPECT_STREQ(cfg.v().platform.name, "x: y # z");
	ASSERT_EQ(cfg.set("workload.trace="), S2SIM_OK) << cfg.msg();
	EXPECT_STREQ(cfg.v().workload.trace, "");
	ASSERT_EQ(cfg.set("workload.trace=runs/a b.s2t"), S2SIM_OK);
	EXPECT_STREQ(cfg.v().workload.trace, "runs/a b.s2t");

	struct { const char *text; uint64_t bytes; } sizes[] = {
		{ "4096", 4096 }, { "4KiB", 4096 }, { "4k", 4096 }, { "2M", 2 << 20 },
		{ "2 MiB", 2 << 20 }, { "4GiB", 4ull << 30 }, { "4g", 4ull << 30 },
		{ "1TiB", 1ull << 40 }, { "\"8KiB\"", 8192 }, { "16B", 16 },
	};
	for (const auto &c : sizes) {
		ASSERT_EQ(cfg.set(std::string("workload.bytes_per_vcpu=") + c.text),
			  S2SIM_OK) << c.text << ": " << cfg.msg();
		EXPECT_EQ(cfg.v().workload.bytes_per_vcpu, c.bytes) << c.text;
	}
	EXPECT_STREQ(s2sim_config_origin(cfg.c, "workload.bytes_per_vcpu"),
		     "--set workload.bytes_per_vcpu=16B");

	// The public getters read the same values by path.
	ASSERT_EQ(s2sim_config_get_u64(cfg.c, "platform.pes", &u), S2SIM_OK);
	EXPECT_EQ(u, 64u);
	ASSERT_EQ(s2sim_config_get_u64(cfg.c, "platform.feat_tlbirange", &u), S2SIM_OK);
	EXPECT_EQ(u, 1u);
	ASSERT_EQ(s2sim_config_get_double(cfg.c, "platform.cpu_mhz", &d), S2SIM_OK);
	EXPECT_EQ(d, 2500.0);
	ASSERT_EQ(s2sim_config_get_string(cfg.c, "hypervisor.policy", &s), S2SIM_OK);
	EXPECT_STREQ(s, "rdlock-all+eager-split");
	ASSERT_EQ(s2sim_config_get_string(cfg.c, "fabric.snoop_filter", &s), S2SIM_OK);
	EXPECT_STREQ(s, "vmid");
	ASSERT_EQ(s2sim_config_get_string(cfg.c, "platform.name", &s), S2SIM_OK);
	EXPECT_STREQ(s, "x: y # z");
	EXPECT_EQ(s2sim_config_get_u64(cfg.c, "hypervisor.policy", &u), S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_config_get_double(cfg.c, "platform.pes", &d), S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_config_get_u64(cfg.c, "platform.nope", &u), S2SIM_ENOTFOUND);
	EXPECT_NE(cfg.msg().find("platform.nope"), std::string::npos);
}

TEST(ConfigSet, OverridesAFileAndIsTypedTheSame)
{
	Config cfg;
	std::string p = write_file("c.yaml", "workload:\n  vcpus: 8\n");
	ASSERT_EQ(cfg.load(p), S2SIM_OK) << cfg.msg();
	ASSERT_EQ(cfg.set("workload.vcpus=12"), S2SIM_OK);
	EXPECT_EQ(cfg.v().workload.vcpus, 12u);
	// The same text is rejected the same way from a file and from --set.
	std::string m = load_error("workload:\n  write_percent: 101\n");
	EXPECT_EQ(cfg.set("workload.write_percent=101"), S2SIM_EINPUT);
	EXPECT_NE(m.find("101 is out of range [0, 100]"), std::string::npos);
	EXPECT_NE(cfg.msg().find("101 is out of range [0, 100]"), std::string::npos);
}

// ------------------------------------------------------- cross-key rules


TEST(ConfigRules, L1TlbIsFullyAssociative)
{
	std::string m = rule_error({ "platform.l1d_tlb.ways=4" },
				   "platform.l1d_tlb.ways");
	EXPECT_NE(m.find("fully associative"), std::string::npos) << m;
	EXPECT_TRUE(validates({ "platform.l1d_tlb.entries=32",
				"platform.l1d_tlb.ways=32" }));
}

TEST(ConfigRules, L2TlbWholePowerOfTwoSets)
{
	std::string m = rule_error({ "platform.l2_tlb.ways=3" }, "platform.l2_tlb.ways");
	EXPECT_NE(m.find("1280 entries / 3 ways is not a whole number of sets"),
		  std::string::npos) << m;
	EXPECT_NE(m.find("(platform.l2_tlb.entries: default)"), std::string::npos) << m;
	m = rule_error({ "platform.l2_tlb.entries=1536", "platform.l2_tlb.ways=4" },
		       "platform.l2_tlb.ways");
	EXPECT_NE(m.find("= 384 sets, not a power of two"), std::string::npos) << m;
	EXPECT_TRUE(validates({ "platform.l2_tlb.entries=1536",
				"platform.l2_tlb.ways=6" }));
}

TEST(ConfigRules, BlameTheKeyTheUserSet)
{
	// entries was changed, ways kept its default: entries is blamed.
	std::string m = rule_error({ "platform.l2_tlb.entries=1000" },
				   "platform.l2_tlb.entries");
	EXPECT_NE(m.find("(platform.l2_tlb.ways: default)"), std::string::npos) << m;
	// From a file, the message names the file and line of each key.
	std::string p = write_file("c.yaml", "platform:\n  l2_tlb:\n    entries: 1280\n"
				   "    ways: 3\n");
	Config cfg;
	ASSERT_EQ(cfg.load(p), S2SIM_OK) << cfg.msg();
	ASSERT_EQ(cfg.validate(), S2SIM_EINPUT);
	EXPECT_EQ(cfg.msg(), p + ":4: key 'platform.l2_tlb.ways': 1280 entries / 3 "
		  "ways is not a whole number of sets (platform.l2_tlb.entries: " +
		  p + ":3)");
}

TEST(ConfigRules, WalkCacheLevels)
{
	std::string m = rule_error({ "platform.walk_cache.l1.entries=12",
				     "platform.walk_cache.l1.ways=8" },
				   "platform.walk_cache.l1.ways");
	EXPECT_NE(m.find("not a whole number of sets"), std::string::npos) << m;
	m = rule_error({ "platform.walk_cache.l2.entries=24",
			 "platform.walk_cache.l2.ways=4" },
		       "platform.walk_cache.l2.ways");
	EXPECT_NE(m.find("not a power of two"), std::string::npos) << m;
	// 0 entries disables a level, whatever its ways.
	EXPECT_TRUE(validates({ "platform.walk_cache.l0.entries=0",
				"platform.walk_cache.l0.ways=3" }));
}

TEST(ConfigRules, VcpusAtMostPes)
{
	std::string p = write_file("t.yaml", "platform:\n  pes: 80\n");
	Config cfg;
	ASSERT_EQ(cfg.load(p), S2SIM_OK);
	ASSERT_EQ(cfg.set("workload.vcpus=96"), S2SIM_OK);
	ASSERT_EQ(cfg.validate(), S2SIM_EINPUT);
	EXPECT_EQ(cfg.msg(), "--set workload.vcpus=96: key 'workload.vcpus': 96 vCPUs "
		  "exceed platform.pes = 80 (platform.pes: " + p + ":2)");
	EXPECT_TRUE(validates({ "workload.vcpus=80" }));
}

TEST(ConfigRules, GuestPageSize)
{
	std::string m = rule_error({ "workload.guest_page_size=12KiB",
				     "workload.backing_page_size=2MiB" },
				   "workload.guest_page_size");
	EXPECT_NE(m.find("not a power of two"), std::string::npos) << m;
	m = rule_error({ "workload.guest_page_size=64KiB" }, "workload.guest_page_size");
	EXPECT_NE(m.find("larger than workload.backing_page_size = 4KiB"),
		  std::string::npos) << m;
	EXPECT_TRUE(validates({ "workload.guest_page_size=64KiB",
				"workload.backing_page_size=2MiB" }));
}

TEST(ConfigRules, BytesPerVcpuMultipleOfPageSizes)
{
	std::string m = rule_error({ "workload.backing_page_size=2MiB",
				     "workload.bytes_per_vcpu=3MiB" },
				   "workload.bytes_per_vcpu");
	EXPECT_NE(m.find("workload.bytes_per_vcpu = 3MiB is not a non-zero multiple of "
			 "workload.backing_page_size = 2MiB"), std::string::npos) << m;
	m = rule_error({ "workload.guest_page_size=8KiB",
			 "workload.bytes_per_vcpu=12KiB" },
		       "workload.bytes_per_vcpu");
	EXPECT_NE(m.find("workload.bytes_per_vcpu = 12KiB is not a non-zero multiple "
			 "of workload.guest_page_size = 8KiB"), std::string::npos) << m;
	// 0 bytes is refused when set.
	Config cfg;
	EXPECT_EQ(cfg.set("workload.bytes_per_vcpu=0"), S2SIM_EINPUT);
	EXPECT_NE(cfg.msg().find("0 is out of range"), std::string::npos) << cfg.msg();
	EXPECT_TRUE(validates({ "workload.backing_page_size=1GiB",
				"workload.guest_page_size=16KiB",
				"workload.bytes_per_vcpu=3GiB" }));
}

TEST(ConfigRules, IpaBitsWithinPaBits)
{
	std::string m = rule_error({ "platform.pa_bits=40", "platform.ipa_bits=42",
				     "platform.start_level=0" },
				   "platform.ipa_bits");
	EXPECT_NE(m.find("exceeds platform.pa_bits = 40"), std::string::npos) << m;
	m = rule_error({ "platform.pa_bits=52", "platform.ipa_bits=50" },
		       "platform.ipa_bits");
	EXPECT_NE(m.find("FEAT_LPA2"), std::string::npos) << m;
}

// Start levels with the 4 KiB granule, from the Arm ARM's tables of valid
// VTCR_EL2.T0SZ per SL0 (D8.2; see shared/research/arm_arch.md 1.2):
// level 0: T0SZ 16..24; level 1: T0SZ 21..33 (21..24 concatenated);
// level 2: T0SZ 30..39 (30..33 concatenated); level 3 needs FEAT_TTST.
TEST(ConfigRules, StartLevelFollowsTheArmArmTables)
{
	struct { unsigned level, t0sz_min, t0sz_max; } valid[] = {
		{ 0, 16, 24 }, { 1, 21, 33 }, { 2, 30, 39 },
	};
	for (unsigned ipa = 32; ipa <= 48; ipa++) {
		for (unsigned level = 0; level <= 3; level++) {
			unsigned t0sz = 64 - ipa;
			bool ok = false;
			for (const auto &v : valid)
				ok |= v.level == level && t0sz >= v.t0sz_min &&
				      t0sz <= v.t0sz_max;
			Config cfg;
			ASSERT_EQ(cfg.set("platform.ipa_bits=" + std::to_string(ipa)),
				  S2SIM_OK);
			ASSERT_EQ(cfg.set("platform.start_level=" + std::to_string(level)),
				  S2SIM_OK);
			// Keep the memory small so only the start level matters.
			int rc = cfg.validate();
			EXPECT_EQ(rc == S2SIM_OK, ok)
				<< "ipa_bits " << ipa << " level " << level << ": "
				<< cfg.msg();
			if (rc != S2SIM_OK) {
				EXPECT_NE(cfg.msg().find("key 'platform.start_level'"),
					  std::string::npos) << cfg.msg();
			}
		}
	}
	std::string m = rule_error({ "platform.ipa_bits=44" }, "platform.ipa_bits");
	EXPECT_NE(m.find("start level 1 does not suit a 44-bit IPA space"),
		  std::string::npos) << m;
	EXPECT_NE(m.find("valid: 0"), std::string::npos) << m;
	m = rule_error({ "platform.ipa_bits=42", "platform.start_level=2" },
		       "platform.start_level");
	EXPECT_NE(m.find("valid: 0 or 1 (8 concatenated tables)"),
		  std::string::npos) << m;
}

TEST(ConfigRules, MemoryFitsTheIpaSpace)
{
	std::string m = rule_error({ "workload.vcpus=80", "workload.bytes_per_vcpu=16GiB" },
				   "workload.bytes_per_vcpu");
	EXPECT_NE(m.find("80 vCPUs x 16GiB do not fit in the 40-bit IPA space (1TiB)"),
		  std::string::npos) << m;
	// Exactly the IPA space does not: memstress needs the region strictly
	// below the top (guest_num_pages < region_end_gfn).
	EXPECT_FALSE(validates({ "workload.vcpus=64", "workload.bytes_per_vcpu=16GiB" }));
	EXPECT_TRUE(validates({ "workload.vcpus=64", "workload.bytes_per_vcpu=15GiB" }));
}

TEST(ConfigRules, TraceSourceNeedsATrace)
{
	std::string m = rule_error({ "workload.source=trace" }, "workload.source");
	EXPECT_NE(m.find("no trace file"), std::string::npos) << m;
	EXPECT_TRUE(validates({ "workload.source=trace", "workload.trace=t.s2t" }));
}

// ------------------------------------------------------------ round trip

TEST(ConfigWrite, RoundTripGivesTheIdenticalConfig)
{
	Config a;
	ASSERT_EQ(a.load(source_path("configs/t2a-48.yaml")), S2SIM_OK) << a.msg();
	for (const char *s : { "platform.cpi=0.1", "platform.cpu_mhz=2999.999",
			       "platform.name=\"quote\\\" back\\\\slash: tab\\t\"",
			       "workload.trace=a/b c.s2t", "workload.seed=0xffffffff",
			       "workload.bytes_per_vcpu=6GiB", "platform.feat_tlbirange=true",
			       "platform.l2_tlb.repl=random", "sim.quantum_ns=12345",
			       "hypervisor.policy=tlbi_range + rdlock-all",
			       "fabric.snoop_filter=address", "fabric.mhz=1866.5",
			       "fabric.addr_region_bytes=64KiB" })
		ASSERT_EQ(a.set(s), S2SIM_OK) << s << ": " << a.msg();
	std::string out = write_file("resolved.yaml", "");
	ASSERT_EQ(s2sim_config_write_yaml(a.c, out.c_str()), S2SIM_OK) << a.msg();

	Config b;
	ASSERT_EQ(b.load(out), S2SIM_OK) << b.msg();
	EXPECT_EQ(std::memcmp(&a.v(), &b.v(), sizeof(s2sim_cfg)), 0);
	EXPECT_STREQ(b.v().platform.name, "quote\" back\\slash: tab\t");
	EXPECT_EQ(b.v().platform.cpi, 0.1);
	EXPECT_EQ(b.validate(), S2SIM_OK) << b.msg();
	// Every key is written, and each non-default one says where it was set.
	std::string text = read_text(out);
	size_t n;
	const s2sim_cfg_key *k = s2sim_cfg_schema(&n);
	for (size_t i = 0; i < n; i++) {
		std::string path = k[i].path;
		std::string leaf = path.substr(path.rfind('.') + 1);
		EXPECT_NE(text.find(leaf + ": "), std::string::npos) << path;
	}
	EXPECT_NE(text.find("bytes_per_vcpu: 6GiB  # --set workload.bytes_per_vcpu=6GiB"),
		  std::string::npos) << text;
	EXPECT_NE(text.find("vcpus: 48  # "), std::string::npos) << text;
	EXPECT_NE(text.find("policy: rdlock-all+tlbi-range  # --set "),
		  std::string::npos) << text;
	// Writing again from the reloaded config gives the same values text.
	std::string out2 = write_file("resolved2.yaml", "");
	ASSERT_EQ(s2sim_config_write_yaml(b.c, out2.c_str()), S2SIM_OK);
	Config c;
	ASSERT_EQ(c.load(out2), S2SIM_OK) << c.msg();
	EXPECT_EQ(std::memcmp(&a.v(), &c.v(), sizeof(s2sim_cfg)), 0);
}

TEST(ConfigWrite, DefaultsRoundTripAndFailuresAreReported)
{
	Config a, b;
	std::string out = write_file("defaults.yaml", "");
	ASSERT_EQ(s2sim_config_write_yaml(a.c, out.c_str()), S2SIM_OK);
	ASSERT_EQ(b.load(out), S2SIM_OK) << b.msg();
	EXPECT_EQ(std::memcmp(&a.v(), &b.v(), sizeof(s2sim_cfg)), 0);
	EXPECT_EQ(s2sim_config_write_yaml(a.c, (tmp_dir() + "/no/such/dir/x.yaml").c_str()),
		  S2SIM_EIO);
	EXPECT_NE(a.msg().find("no/such/dir"), std::string::npos) << a.msg();
}

// ------------------------------------------------------ docs/config.md

TEST(ConfigReference, DocsConfigMdIsUpToDate)
{
	char *buf = nullptr;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	ASSERT_NE(mem, nullptr);
	ASSERT_EQ(s2sim_config_write_reference(mem), S2SIM_OK);
	std::fclose(mem);
	std::string want(buf, len);
	std::free(buf);

	std::string doc_path = source_path("docs/config.md");
	const char *update = std::getenv("S2SIM_UPDATE_DOCS");
	if (update && *update == '1')
		std::ofstream(doc_path, std::ios::binary) << want;
	EXPECT_TRUE(read_text(doc_path) == want)
		<< "docs/config.md is out of date with core/config/schema.c. "
		   "Regenerate it with\n  build/tools/s2sim config keys > docs/config.md\n"
		   "or run this test with S2SIM_UPDATE_DOCS=1 set.";
	// Every key is documented with its unit.
	size_t n;
	const s2sim_cfg_key *k = s2sim_cfg_schema(&n);
	for (size_t i = 0; i < n; i++)
		EXPECT_NE(want.find(std::string("| `") + k[i].path + "` |"),
			  std::string::npos) << k[i].path;
	EXPECT_NE(want.find("| `workload.bytes_per_vcpu` | size | `1GiB` |"),
		  std::string::npos);
}

// ------------------------------------------------------- shipped configs

TEST(ConfigFiles, EveryShippedConfigLoadsAndValidates)
{
	int count = 0;
	for (const auto &e : fs::recursive_directory_iterator(source_path("configs"))) {
		if (e.path().extension() != ".yaml")
			continue;
		if (e.path().parent_path().filename() == "sweeps")
			continue; // sweep specs (docs/sweeps.md), not configurations
		Config cfg;
		EXPECT_EQ(cfg.load(e.path().string()), S2SIM_OK) << cfg.msg();
		EXPECT_EQ(cfg.validate(), S2SIM_OK) << e.path() << ": " << cfg.msg();
		count++;
	}
	EXPECT_GE(count, 3);
}

// A platform file sets every key of `platform` and `fabric` and the
// hypervisor's software costs (cycles of this CPU), so a later platform
// file replaces an earlier one completely.
static bool is_platform_key(const std::string &path)
{
	static const char *const hyp_kept[] = { "hypervisor.policy",
						"hypervisor.vmm_pe",
						"hypervisor.check" };
	if (path.rfind("platform.", 0) == 0 || path.rfind("fabric.", 0) == 0)
		return true;
	if (path.rfind("hypervisor.", 0) != 0)
		return false;
	return std::find(std::begin(hyp_kept), std::end(hyp_kept), path) ==
	       std::end(hyp_kept);
}

TEST(ConfigFiles, PlatformsSetEveryPlatformKey)
{
	size_t n;
	const s2sim_cfg_key *k = s2sim_cfg_schema(&n);
	for (const auto &e : fs::directory_iterator(source_path("configs/platforms"))) {
		Config cfg;
		ASSERT_EQ(cfg.load(e.path().string()), S2SIM_OK) << cfg.msg();
		for (size_t i = 0; i < n; i++) {
			if (!is_platform_key(k[i].path))
				continue;
			EXPECT_STRNE(s2sim_config_origin(cfg.c, k[i].path), "default")
				<< e.path() << " does not set " << k[i].path;
		}
	}
}

TEST(ConfigFiles, T2a48IsTheDocumentedDefault)
{
	Config cfg;
	ASSERT_EQ(cfg.load(source_path("configs/t2a-48.yaml")), S2SIM_OK) << cfg.msg();
	const s2sim_cfg &v = cfg.v();
	EXPECT_STREQ(v.platform.name, "neoverse-n1-altra");
	EXPECT_EQ(v.platform.pes, 80u);
	EXPECT_EQ(v.workload.vcpus, 48u);
	EXPECT_EQ(v.workload.bytes_per_vcpu, 4ull << 30);
	EXPECT_EQ(v.workload.vcpus * v.workload.bytes_per_vcpu, 192ull << 30);
	EXPECT_EQ(v.workload.backing_page_size, 2ull << 20);
	EXPECT_EQ(v.workload.write_percent, 100u);
	EXPECT_EQ(v.workload.order, S2SIM_ORDER_SEQUENTIAL);
	EXPECT_EQ(v.hypervisor.lock_policy, S2SIM_LOCKPOL_BASELINE);
	EXPECT_EQ(v.hypervisor.features, 0u);
	EXPECT_STREQ(v.hypervisor.policy, "baseline");
	EXPECT_EQ(v.platform.feat_bbm, 0u);

	Config n2;
	ASSERT_EQ(n2.load(source_path("configs/n2-class-48.yaml")), S2SIM_OK) << n2.msg();
	EXPECT_EQ(n2.v().platform.feat_bbm, 2u);
	EXPECT_TRUE(n2.v().platform.feat_tlbirange);
	EXPECT_EQ(n2.v().workload.vcpus, 48u);
}
