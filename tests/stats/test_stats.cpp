// The statistics registry (core/stats): counters, gauges, histograms,
// timelines, stats.json, timeline CSV, atomic output, determinism.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <jansson.h>

extern "C" {
#include <s2sim/stats.h>
#include "core/stats/stats_internal.h"
}

namespace {

std::string tmp_path(const std::string &suffix)
{
	const char *dir = std::getenv("S2SIM_TEST_TMP");
	const ::testing::TestInfo *ti =
		::testing::UnitTest::GetInstance()->current_test_info();
	std::string base = dir ? dir : "/tmp";
	mkdir(base.c_str(), 0755);
	return base + "/stats_" + ti->name() + "_" + suffix;
}

std::string slurp(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	return std::string(std::istreambuf_iterator<char>(f),
			   std::istreambuf_iterator<char>());
}

struct Registry {
	s2sim_stats *st = nullptr;
	Registry() { EXPECT_EQ(s2sim_stats_create(&st), S2SIM_OK); }
	~Registry() { s2sim_stats_destroy(st); }
};

// A parsed stats.json, freed at scope end.
struct Json {
	json_t *root = nullptr;
	explicit Json(const std::string &path)
	{
		json_error_t e;
		root = json_load_file(path.c_str(), 0, &e);
		EXPECT_NE(root, nullptr) << e.text << " line " << e.line;
	}
	~Json() { json_decref(root); }
	json_t *at(const char *section, const char *name) const
	{
		return json_object_get(json_object_get(root, section), name);
	}
};

json_int_t int_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	EXPECT_TRUE(json_is_integer(v)) << key;
	return json_integer_value(v);
}

std::string str_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "(missing)";
}

TEST(Stats, CountersAndGaugesReadTheOwnersValues)
{
	Registry r;
	uint64_t hits = 0;
	double ratio = 0.25;
	uint64_t v = 99;

	ASSERT_EQ(s2sim_stats_counter(r.st, "pe.0.tlb.hits", "accesses",
				      "L1 hits", &hits), S2SIM_OK);
	ASSERT_EQ(s2sim_stats_gauge(r.st, "pe.0.tlb.hit_ratio", "ratio",
				    "hits / lookups", &ratio), S2SIM_OK);
	hits += 41;
	hits++; // the owner increments its own field; the registry reads it
	ASSERT_EQ(s2sim_stats_get(r.st, "pe.0.tlb.hits", &v), S2SIM_OK);
	EXPECT_EQ(v, 42u);
	EXPECT_EQ(s2sim_stats_get(r.st, "pe.0.tlb.hit_ratio", &v), S2SIM_ENOTFOUND)
		<< "a gauge is not a counter";
	EXPECT_EQ(s2sim_stats_get(r.st, "nope", &v), S2SIM_ENOTFOUND);
	EXPECT_EQ(v, 42u) << "a failed lookup leaves the output alone";
}

TEST(Stats, DuplicateAndBadNamesAreRejected)
{
	Registry r;
	uint64_t a = 0, b = 0;
	double g = 0;
	const char *cols[] = { "x" };

	ASSERT_EQ(s2sim_stats_counter(r.st, "sim.records", "records", "", &a),
		  S2SIM_OK);
	EXPECT_EQ(s2sim_stats_counter(r.st, "sim.records", "records", "", &b),
		  S2SIM_EMISUSE);
	EXPECT_NE(std::strstr(s2sim_stats_errmsg(r.st), "sim.records"), nullptr)
		<< s2sim_stats_errmsg(r.st);
	EXPECT_NE(std::strstr(s2sim_stats_errmsg(r.st), "twice"), nullptr);
	// one namespace for every kind
	EXPECT_EQ(s2sim_stats_gauge(r.st, "sim.records", "x", "", &g),
		  S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_stats_hist(r.st, "sim.records", "ps", ""), nullptr);
	EXPECT_EQ(s2sim_stats_timeline(r.st, "sim.records", "x", 10, 1, cols),
		  nullptr);
	// bad names, units, values
	EXPECT_EQ(s2sim_stats_counter(r.st, "", "x", "", &b), S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_stats_counter(r.st, "has space", "x", "", &b),
		  S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_stats_counter(r.st, "tab\tname", "x", "", &b),
		  S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_stats_counter(r.st, "no.unit", nullptr, "", &b),
		  S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_stats_counter(r.st, "no.value", "x", "", nullptr),
		  S2SIM_EMISUSE);
	// the registry is still usable, and the first entry untouched
	a = 7;
	uint64_t v = 0;
	EXPECT_EQ(s2sim_stats_get(r.st, "sim.records", &v), S2SIM_OK);
	EXPECT_EQ(v, 7u);
	EXPECT_EQ(s2sim_stats_counter(r.st, "sim.other", "x", "", &b), S2SIM_OK);
}

TEST(Stats, ManyNamesAreFoundAfterTheIndexGrows)
{
	Registry r;
	std::vector<uint64_t> vals(5000);
	char name[64];

	for (size_t i = 0; i < vals.size(); i++) {
		vals[i] = i * 3;
		std::snprintf(name, sizeof(name), "pe.%zu.walks", i);
		ASSERT_EQ(s2sim_stats_counter(r.st, name, "walks", "", &vals[i]),
			  S2SIM_OK) << name;
	}
	for (size_t i = 0; i < vals.size(); i += 37) {
		uint64_t v = 0;
		std::snprintf(name, sizeof(name), "pe.%zu.walks", i);
		ASSERT_EQ(s2sim_stats_get(r.st, name, &v), S2SIM_OK) << name;
		EXPECT_EQ(v, i * 3);
		EXPECT_EQ(s2sim_stats_counter(r.st, name, "walks", "", &vals[0]),
			  S2SIM_EMISUSE);
	}
}

// Percentiles by the documented rule: the bucket holding p% of the count,
// interpolated linearly between its bounds narrowed to [min, max], rounded.
TEST(Stats, HistogramPercentilesMatchHandComputedValues)
{
	Registry r;
	s2sim_hist *h = s2sim_stats_hist(r.st, "lat", "ps", "latency");
	ASSERT_NE(h, nullptr);
	EXPECT_EQ(s2sim_hist_percentile(h, 50), 0u) << "empty";
	EXPECT_EQ(s2sim_hist_count(h), 0u);
	for (uint64_t v = 1; v <= 100; v++)
		s2sim_hist_add(h, v);
	EXPECT_EQ(s2sim_hist_count(h), 100u);
	EXPECT_EQ(s2sim_hist_max(h), 100u);
	// p50: target 50; buckets 1,2-3,4-7,8-15,16-31 hold 31 values, so the
	// bucket [32,63] (32 values): 32 + (50-31)/32 * 31 = 50.41 -> 50.
	EXPECT_EQ(s2sim_hist_percentile(h, 50), 50u);
	// p90: bucket [64,127] narrowed to [64,100] holds 37 values after 63:
	// 64 + (90-63)/37 * 36 = 90.27 -> 90;  p99: 64 + 36/37 * 36 = 99.03.
	EXPECT_EQ(s2sim_hist_percentile(h, 90), 90u);
	EXPECT_EQ(s2sim_hist_percentile(h, 99), 99u);
	EXPECT_EQ(s2sim_hist_percentile(h, 0), 1u) << "p0 is the minimum";
	EXPECT_EQ(s2sim_hist_percentile(h, 100), 100u) << "p100 is the maximum";
	EXPECT_EQ(s2sim_hist_percentile(h, 250), 100u) << "clamped";
	EXPECT_EQ(s2sim_hist_percentile(h, -3), 1u) << "clamped";

	s2sim_hist *z = s2sim_stats_hist(r.st, "z", "ps", "");
	s2sim_hist_add(z, 0);
	s2sim_hist_add(z, 0);
	s2sim_hist_add(z, 1000);
	// p50: target 1.5 falls in bucket 0 (two zeros) -> 0.
	EXPECT_EQ(s2sim_hist_percentile(z, 50), 0u);
	// p99: target 2.97, bucket [512,1023] narrowed to [512,1000]:
	// 512 + 0.97 * 488 = 985.36 -> 985.
	EXPECT_EQ(s2sim_hist_percentile(z, 99), 985u);

	s2sim_hist *one = s2sim_stats_hist(r.st, "one", "ps", "");
	for (int i = 0; i < 10; i++)
		s2sim_hist_add(one, 7);
	EXPECT_EQ(s2sim_hist_percentile(one, 1), 7u);
	EXPECT_EQ(s2sim_hist_percentile(one, 50), 7u);
	EXPECT_EQ(s2sim_hist_percentile(one, 99), 7u);

	s2sim_hist *big = s2sim_stats_hist(r.st, "big", "ps", "");
	s2sim_hist_add(big, UINT64_MAX);
	s2sim_hist_add(big, UINT64_MAX);
	EXPECT_EQ(s2sim_hist_percentile(big, 50), UINT64_MAX);
	EXPECT_EQ(s2sim_hist_max(big), UINT64_MAX);
}

TEST(Stats, JsonHasEveryValueWithItsUnitAndTheRunMetadata)
{
	Registry r;
	uint64_t acc = 1234, huge = UINT64_MAX;
	double ratio = 0.5, nan = std::nan("");
	const char *cols[] = { "vcpu0", "vcpu1" };
	std::string path = tmp_path("stats.json");

	ASSERT_EQ(s2sim_stats_counter(r.st, "guest.accesses", "accesses",
				      "guest accesses, all vCPUs", &acc), S2SIM_OK);
	ASSERT_EQ(s2sim_stats_counter(r.st, "huge", "ps", "", &huge), S2SIM_OK);
	ASSERT_EQ(s2sim_stats_gauge(r.st, "tlb.hit_ratio", "ratio", "hits/lookups",
				    &ratio), S2SIM_OK);
	ASSERT_EQ(s2sim_stats_gauge(r.st, "undefined", "ratio", "", &nan),
		  S2SIM_OK);
	s2sim_hist *h = s2sim_stats_hist(r.st, "walk.latency", "ps", "walks");
	for (uint64_t v : { 0, 1, 3, 3, 1000 })
		s2sim_hist_add(h, v);
	s2sim_stats_hist(r.st, "empty", "ps", "never added to");
	s2sim_timeline *tl =
		s2sim_stats_timeline(r.st, "guest.tl", "accesses", 1000, 2, cols);
	ASSERT_NE(tl, nullptr);
	s2sim_timeline_add(tl, 0, 0, 5);
	s2sim_timeline_add(tl, 2500, 1, 7);

	ASSERT_EQ(s2sim_stats_write_json(r.st, path.c_str(),
					 "{\"config\": \"t2a-48.yaml\", \"seed\": 1}"),
		  S2SIM_OK) << s2sim_stats_errmsg(r.st);
	Json j(path);
	ASSERT_NE(j.root, nullptr);
	EXPECT_EQ(str_of(j.root, "s2sim_version"), s2sim_version());
	json_t *run = json_object_get(j.root, "run");
	EXPECT_EQ(str_of(run, "config"), "t2a-48.yaml");
	EXPECT_EQ(int_of(run, "seed"), 1);

	json_t *c = j.at("counters", "guest.accesses");
	EXPECT_EQ(int_of(c, "value"), 1234);
	EXPECT_EQ(str_of(c, "unit"), "accesses");
	EXPECT_EQ(str_of(c, "desc"), "guest accesses, all vCPUs");
	json_t *hv = json_object_get(j.at("counters", "huge"), "value");
	ASSERT_TRUE(json_is_real(hv)) << "above INT64_MAX: a real";
	EXPECT_DOUBLE_EQ(json_real_value(hv), 18446744073709551615.0);

	json_t *g = j.at("gauges", "tlb.hit_ratio");
	EXPECT_DOUBLE_EQ(json_real_value(json_object_get(g, "value")), 0.5);
	EXPECT_EQ(str_of(g, "unit"), "ratio");
	EXPECT_TRUE(json_is_null(json_object_get(j.at("gauges", "undefined"),
						 "value")));

	json_t *hj = j.at("histograms", "walk.latency");
	EXPECT_EQ(str_of(hj, "unit"), "ps");
	EXPECT_EQ(int_of(hj, "count"), 5);
	EXPECT_EQ(int_of(hj, "sum"), 1007);
	EXPECT_EQ(int_of(hj, "min"), 0);
	EXPECT_EQ(int_of(hj, "max"), 1000);
	EXPECT_DOUBLE_EQ(json_real_value(json_object_get(hj, "mean")), 201.4);
	// p50: target 2.5: bucket 0 and [1,2) hold 2, [2,4) narrowed to [2,3]
	// holds 2: 2 + 0.25 * 1 = 2.25 -> 2.
	EXPECT_EQ(int_of(hj, "p50"), 2);
	EXPECT_EQ(int_of(hj, "p50"), (json_int_t)s2sim_hist_percentile(h, 50));
	EXPECT_EQ(int_of(hj, "p90"), (json_int_t)s2sim_hist_percentile(h, 90));
	EXPECT_EQ(int_of(hj, "p99"), (json_int_t)s2sim_hist_percentile(h, 99));
	char *buckets = json_dumps(json_object_get(hj, "buckets"), JSON_COMPACT);
	EXPECT_STREQ(buckets, "[[0,1,1],[1,2,1],[2,4,2],[512,1024,1]]")
		<< "non-empty buckets only, [lo, hi)";
	free(buckets);
	json_t *e = j.at("histograms", "empty");
	EXPECT_EQ(int_of(e, "count"), 0);
	EXPECT_EQ(int_of(e, "min"), 0);
	EXPECT_EQ(json_array_size(json_object_get(e, "buckets")), 0u);

	json_t *t = j.at("timelines", "guest.tl");
	EXPECT_EQ(str_of(t, "unit"), "accesses");
	EXPECT_EQ(int_of(t, "interval_ps"), 1000);
	char *cj = json_dumps(json_object_get(t, "columns"), JSON_COMPACT);
	char *rj = json_dumps(json_object_get(t, "rows"), JSON_COMPACT);
	EXPECT_STREQ(cj, "[\"time_ps\",\"vcpu0\",\"vcpu1\"]");
	EXPECT_STREQ(rj, "[[0,5,0],[1000,0,0],[2000,0,7]]");
	free(cj);
	free(rj);
}

TEST(Stats, BadRunMetadataIsRejectedAndNothingIsWritten)
{
	Registry r;
	uint64_t a = 1;
	std::string path = tmp_path("stats.json");
	std::remove(path.c_str());

	ASSERT_EQ(s2sim_stats_counter(r.st, "a", "x", "", &a), S2SIM_OK);
	EXPECT_EQ(s2sim_stats_write_json(r.st, path.c_str(), "{\"a\": "),
		  S2SIM_EINPUT);
	EXPECT_NE(std::strstr(s2sim_stats_errmsg(r.st), "run metadata"), nullptr);
	EXPECT_EQ(s2sim_stats_write_json(r.st, path.c_str(), "[1, 2]"),
		  S2SIM_EINPUT);
	EXPECT_NE(std::strstr(s2sim_stats_errmsg(r.st), "not a JSON object"),
		  nullptr);
	EXPECT_NE(access(path.c_str(), F_OK), 0) << "no file on error";
}

TEST(Stats, AFailedWriteLeavesThePreviousFileIntact)
{
	Registry r;
	uint64_t a = 1;
	std::string path = tmp_path("stats.json");
	std::string csv = tmp_path("tl.csv");
	const char *cols[] = { "c" };

	ASSERT_EQ(s2sim_stats_counter(r.st, "a", "x", "", &a), S2SIM_OK);
	s2sim_timeline *tl = s2sim_stats_timeline(r.st, "tl", "x", 10, 1, cols);
	ASSERT_NE(tl, nullptr);
	s2sim_timeline_add(tl, 5, 0, 1);
	ASSERT_EQ(s2sim_stats_write_json(r.st, path.c_str(), nullptr), S2SIM_OK);
	ASSERT_EQ(s2sim_stats_write_timeline_csv(r.st, "tl", csv.c_str()),
		  S2SIM_OK);
	const std::string before = slurp(path), csv_before = slurp(csv);
	ASSERT_NE(before.find("\"value\": 1"), std::string::npos) << before;

	// The temp file cannot be created: a directory stands in its way.
	a = 2;
	std::string tmp = path + ".tmp." + std::to_string(getpid());
	std::string ctmp = csv + ".tmp." + std::to_string(getpid());
	ASSERT_EQ(mkdir(tmp.c_str(), 0755), 0);
	ASSERT_EQ(mkdir(ctmp.c_str(), 0755), 0);
	EXPECT_EQ(s2sim_stats_write_json(r.st, path.c_str(), nullptr), S2SIM_EIO);
	EXPECT_NE(std::strstr(s2sim_stats_errmsg(r.st), "cannot create"), nullptr)
		<< s2sim_stats_errmsg(r.st);
	s2sim_timeline_add(tl, 15, 0, 1);
	EXPECT_EQ(s2sim_stats_write_timeline_csv(r.st, "tl", csv.c_str()),
		  S2SIM_EIO);
	rmdir(tmp.c_str());
	rmdir(ctmp.c_str());
	EXPECT_EQ(slurp(path), before);
	EXPECT_EQ(slurp(csv), csv_before);

	// A failed timeline (a column out of range) fails both outputs,
	// again leaving them.
	s2sim_timeline_add(tl, 5, 1, 1);
	EXPECT_EQ(s2sim_stats_write_json(r.st, path.c_str(), nullptr),
		  S2SIM_EMISUSE);
	EXPECT_EQ(s2sim_stats_write_timeline_csv(r.st, "tl", csv.c_str()),
		  S2SIM_EMISUSE);
	EXPECT_EQ(slurp(path), before);
	EXPECT_EQ(slurp(csv), csv_before);
	EXPECT_NE(access(tmp.c_str(), F_OK), 0) << "no temp file left behind";
}

TEST(Stats, TimelineCsvHasOneRowPerInterval)
{
	Registry r;
	const char *cols[] = { "vcpu0", "vcpu1", "vcpu2" };
	std::string path = tmp_path("tl.csv");
	s2sim_timeline *tl = s2sim_stats_timeline(r.st, "acc", "accesses", 10, 3,
						  cols);
	ASSERT_NE(tl, nullptr);
	s2sim_timeline_add(tl, 0, 0, 5);
	s2sim_timeline_add(tl, 9, 0, 1);   // same interval [0, 10)
	s2sim_timeline_add(tl, 10, 2, 4);  // [10, 20)
	s2sim_timeline_add(tl, 47, 1, 7);  // [40, 50): rows 20, 30 stay 0
	s2sim_timeline_add(tl, 3, 2, 1);   // back in time is fine
	ASSERT_EQ(s2sim_stats_write_timeline_csv(r.st, "acc", path.c_str()),
		  S2SIM_OK) << s2sim_stats_errmsg(r.st);
	EXPECT_EQ(slurp(path), "time_ps,vcpu0,vcpu1,vcpu2\n"
			       "0,6,0,1\n"
			       "10,0,0,4\n"
			       "20,0,0,0\n"
			       "30,0,0,0\n"
			       "40,0,7,0\n");

	// growth well past the first allocation keeps earlier rows
	for (uint64_t t = 0; t < 10000; t += 10)
		s2sim_timeline_add(tl, t, 1, 1);
	ASSERT_EQ(s2sim_stats_write_timeline_csv(r.st, "acc", path.c_str()),
		  S2SIM_OK);
	std::string s = slurp(path);
	const std::string head = "time_ps,vcpu0,vcpu1,vcpu2\n0,6,1,1\n10,0,1,4\n20,0,1,0\n";
	EXPECT_EQ(s.substr(0, head.size()), head);
	EXPECT_NE(s.find("\n9990,0,1,0\n"), std::string::npos);

	EXPECT_EQ(s2sim_stats_write_timeline_csv(r.st, "nope", path.c_str()),
		  S2SIM_ENOTFOUND);
}

TEST(Stats, TimelineLimitsAndMisuseAreReportedAtOutput)
{
	Registry r;
	const char *cols[] = { "a" };
	const char *bad_cols[] = { "a,b" };
	std::string path = tmp_path("tl.csv");

	EXPECT_EQ(s2sim_stats_timeline(r.st, "t0", "x", 0, 1, cols), nullptr)
		<< "zero interval";
	EXPECT_EQ(s2sim_stats_timeline(r.st, "t0", "x", 10, 0, cols), nullptr);
	EXPECT_EQ(s2sim_stats_timeline(r.st, "t0", "x", 10, 1, bad_cols), nullptr)
		<< "a comma would break the CSV header";

	s2sim_stats_set_timeline_limit(r.st, 4);
	s2sim_timeline *tl = s2sim_stats_timeline(r.st, "t1", "x", 10, 1, cols);
	ASSERT_NE(tl, nullptr);
	s2sim_timeline_add(tl, 5, 0, 2);  // row 0
	s2sim_timeline_add(tl, 39, 0, 1); // row 3: the last within the limit
	ASSERT_EQ(s2sim_stats_write_timeline_csv(r.st, "t1", path.c_str()),
		  S2SIM_OK);
	EXPECT_EQ(slurp(path), "time_ps,a\n0,2\n10,0\n20,0\n30,1\n");
	// row 4 is past the limit: the timeline coarsens to rows of 20, the
	// sums stay exact, and the run goes on
	s2sim_timeline_add(tl, 40, 0, 1);
	ASSERT_EQ(s2sim_stats_write_timeline_csv(r.st, "t1", path.c_str()),
		  S2SIM_OK) << s2sim_stats_errmsg(r.st);
	EXPECT_EQ(slurp(path), "time_ps,a\n0,2\n20,1\n40,1\n");
	s2sim_timeline_add(tl, 1000, 0, 4); // row 50 of 10: coarsen to 320
	ASSERT_EQ(s2sim_stats_write_timeline_csv(r.st, "t1", path.c_str()),
		  S2SIM_OK) << s2sim_stats_errmsg(r.st);
	EXPECT_EQ(slurp(path), "time_ps,a\n0,4\n320,0\n640,0\n960,4\n");

	s2sim_stats_set_timeline_limit(r.st, 0); // back to the default
	s2sim_timeline *t2 = s2sim_stats_timeline(r.st, "t2", "x", 10, 1, cols);
	s2sim_timeline_add(t2, 0, 1, 1); // column 1 of 1
	EXPECT_EQ(s2sim_stats_write_timeline_csv(r.st, "t2", path.c_str()),
		  S2SIM_EMISUSE);
	EXPECT_NE(std::strstr(s2sim_stats_errmsg(r.st), "column 1 out of range"),
		  nullptr) << s2sim_stats_errmsg(r.st);
}

// Two registries with the same statistics, registered in different orders,
// give byte-identical files.
void fill(s2sim_stats *st, bool reversed, uint64_t *c, double *g)
{
	const char *cols[] = { "p0", "p1" };
	const char *names[] = { "z.last", "a.first", "m.middle" };

	for (int k = 0; k < 3; k++) {
		int i = reversed ? 2 - k : k;
		ASSERT_EQ(s2sim_stats_counter(st, names[i], "events", "d", &c[i]),
			  S2SIM_OK);
	}
	ASSERT_EQ(s2sim_stats_gauge(st, "g", "ratio", "", g), S2SIM_OK);
	s2sim_hist *h = s2sim_stats_hist(st, "h", "ps", "");
	for (uint64_t v = 0; v < 1000; v += 7)
		s2sim_hist_add(h, v * v);
	s2sim_timeline *tl = s2sim_stats_timeline(st, "t", "x", 100, 2, cols);
	for (uint64_t t = 0; t < 1000; t += 30)
		s2sim_timeline_add(tl, t, (unsigned)(t / 30) % 2, t);
}

TEST(Stats, SameStatisticsGiveByteIdenticalJson)
{
	Registry a, b;
	uint64_t ca[3] = { 1, 2, 3 }, cb[3] = { 1, 2, 3 };
	double ga = 1.0 / 3.0, gb = 1.0 / 3.0;
	std::string pa = tmp_path("a.json"), pb = tmp_path("b.json");

	fill(a.st, false, ca, &ga);
	fill(b.st, true, cb, &gb);
	ASSERT_EQ(s2sim_stats_write_json(a.st, pa.c_str(), "{\"k\": 1, \"a\": 2}"),
		  S2SIM_OK);
	ASSERT_EQ(s2sim_stats_write_json(b.st, pb.c_str(), "{\"a\": 2, \"k\": 1}"),
		  S2SIM_OK);
	std::string ja = slurp(pa);
	EXPECT_EQ(ja, slurp(pb));
	// sorted keys: "a.first" before "m.middle" before "z.last"
	size_t f = ja.find("\"a.first\""), m = ja.find("\"m.middle\""),
	       z = ja.find("\"z.last\"");
	EXPECT_LT(f, m);
	EXPECT_LT(m, z);
	EXPECT_EQ(ja.back(), '\n');
	// writing again gives the same bytes
	ASSERT_EQ(s2sim_stats_write_json(a.st, pb.c_str(), "{\"k\": 1, \"a\": 2}"),
		  S2SIM_OK);
	EXPECT_EQ(ja, slurp(pb));
}

TEST(Stats, SummaryPrintsMatchingStatisticsSorted)
{
	Registry r;
	uint64_t x = 5, y = 12345, z = 7;
	double g = 0.75;
	char *buf = nullptr;
	size_t len = 0;

	ASSERT_EQ(s2sim_stats_counter(r.st, "vcpu.1.accesses", "accesses", "", &y),
		  S2SIM_OK);
	ASSERT_EQ(s2sim_stats_counter(r.st, "vcpu.0.accesses", "accesses", "", &x),
		  S2SIM_OK);
	ASSERT_EQ(s2sim_stats_counter(r.st, "sim.records", "records", "", &z),
		  S2SIM_OK);
	ASSERT_EQ(s2sim_stats_gauge(r.st, "vcpu.0.ratio", "ratio", "", &g),
		  S2SIM_OK);
	s2sim_hist *h = s2sim_stats_hist(r.st, "vcpu.lat", "ps", "");
	s2sim_hist_add(h, 10);
	s2sim_hist_add(h, 30);

	FILE *f = open_memstream(&buf, &len);
	ASSERT_NE(f, nullptr);
	EXPECT_EQ(s2sim_stats_print_summary(r.st, f, "vcpu."), 4u);
	std::fclose(f);
	std::string s(buf, len);
	free(buf);
	size_t a = s.find("vcpu.0.accesses"), b = s.find("vcpu.0.ratio"),
	       c = s.find("vcpu.1.accesses"), d = s.find("vcpu.lat");
	ASSERT_NE(a, std::string::npos) << s;
	EXPECT_LT(a, b);
	EXPECT_LT(b, c);
	EXPECT_LT(c, d);
	EXPECT_EQ(s.find("sim.records"), std::string::npos) << s;
	EXPECT_NE(s.find("12345 accesses\n"), std::string::npos) << s;
	EXPECT_NE(s.find("0.75 ratio\n"), std::string::npos) << s;
	EXPECT_NE(s.find("count 2, mean 20.0"), std::string::npos) << s;

	f = open_memstream(&buf, &len);
	EXPECT_EQ(s2sim_stats_print_summary(r.st, f, nullptr), 5u);
	std::fclose(f);
	free(buf);
}

} // namespace
