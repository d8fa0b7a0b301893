// End-to-end tests of `s2sim sweep`: a real small sweep, results.csv,
// resuming (after deleting a result, after a change of configuration,
// after SIGKILL), failed points, the Slurm and GNU parallel scripts, and
// the lock that keeps two sweeps apart.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "tests/common/shell.h"

namespace {

using Result = s2sim_test::ShellResult;
using s2sim_test::sh;
using s2sim_test::slurp;

Result s2sim(const std::string &args)
{
	return sh(std::string(S2SIM_CLI) + " " + args);
}

std::string tmpdir(const std::string &name)
{
	return s2sim_test::scratch_dir("sweep", name);
}

bool exists(const std::string &path)
{
	struct stat st;
	return stat(path.c_str(), &st) == 0;
}

long long mtime_ns(const std::string &path)
{
	struct stat st;
	if (stat(path.c_str(), &st) != 0)
		return -1;
	return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

std::vector<std::string> split(const std::string &s, char sep)
{
	std::vector<std::string> v;
	std::string cur;
	for (char c : s) {
		if (c == sep) {
			v.push_back(cur);
			cur.clear();
		} else {
			cur += c;
		}
	}
	if (!cur.empty())
		v.push_back(cur);
	return v;
}

// results.csv as rows of column -> value (no quoted fields in these tests).
struct Csv {
	std::vector<std::string> header;
	std::vector<std::map<std::string, std::string>> rows;
};

Csv read_csv(const std::string &path)
{
	Csv c;
	std::vector<std::string> lines = split(slurp(path), '\n');
	if (lines.empty())
		return c;
	c.header = split(lines[0], ',');
	for (size_t i = 1; i < lines.size(); i++) {
		std::vector<std::string> f = split(lines[i] + ",", ',');
		std::map<std::string, std::string> row;
		for (size_t j = 0; j < c.header.size(); j++)
			row[c.header[j]] = j < f.size() ? f[j] : "";
		c.rows.push_back(row);
	}
	return c;
}

// The point directories under out, sorted.
std::vector<std::string> point_dirs(const std::string &out)
{
	std::vector<std::string> v;
	DIR *d = opendir(out.c_str());
	if (!d)
		return v;
	while (struct dirent *e = readdir(d))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
			v.push_back(e->d_name);
	closedir(d);
	std::sort(v.begin(), v.end());
	return v;
}

// A complete stats.json: parses, and has the end-of-run counter.
bool complete_stats(const std::string &path)
{
	json_error_t e;
	json_t *root = json_load_file(path.c_str(), 0, &e);
	if (!root)
		return false;
	json_t *v = json_object_get(json_object_get(json_object_get(root, "counters"),
						    "sim.time_ps"), "value");
	bool ok = json_is_integer(v) && json_integer_value(v) > 0;
	json_decref(root);
	return ok;
}

const std::string kBase = std::string(S2SIM_SOURCE_DIR) + "/configs/t2a-48.yaml";

// The small sweep: 2 x 2 points, 4 MiB per vCPU on 2 MiB pages.
std::string tiny_spec(const std::string &dir, const std::string &bytes = "4MiB")
{
	std::string path = dir + "/tiny.yaml";
	std::ofstream(path) << "base: " << kBase << "\n"
			    << "set:\n"
			    << "  workload.bytes_per_vcpu: " << bytes << "\n"
			    << "  workload.backing_page_size: 2MiB\n"
			    << "grid:\n"
			    << "  workload.vcpus: [1, 2]\n"
			    << "  hypervisor.policy: [baseline, rdlock-all+nsh-relax]\n";
	return path;
}

const std::vector<std::string> kTinyDirs = {
	"0000-vcpus=1_policy=baseline",
	"0001-vcpus=1_policy=rdlock-all-nsh-relax",
	"0002-vcpus=2_policy=baseline",
	"0003-vcpus=2_policy=rdlock-all-nsh-relax",
};

size_t count(const std::string &hay, const std::string &needle)
{
	size_t n = 0;
	for (size_t at = hay.find(needle); at != std::string::npos;
	     at = hay.find(needle, at + 1))
		n++;
	return n;
}

} // namespace

TEST(Sweep, UsageAndExitCodes)
{
	Result r = s2sim("sweep --help");
	EXPECT_EQ(r.code, 0);
	EXPECT_NE(r.out.find("usage: s2sim sweep"), std::string::npos);
	EXPECT_NE(s2sim("--help").out.find("sweep"), std::string::npos);
	EXPECT_EQ(s2sim("sweep").code, 2);
	EXPECT_EQ(s2sim("sweep x.yaml --emit pbs").code, 2);
	EXPECT_EQ(s2sim("sweep x.yaml --jobs 0").code, 2);
	EXPECT_EQ(s2sim("sweep x.yaml --dry-run --collect-only").code, 2);
	r = s2sim("sweep /nonexistent/spec.yaml");
	EXPECT_EQ(r.code, 3);
	EXPECT_NE(r.out.find("/nonexistent/spec.yaml"), std::string::npos) << r.out;
}

// A bad point is an error before anything is written or run.
TEST(Sweep, BadPointStopsBeforeAnyRun)
{
	std::string d = tmpdir("badpoint");
	std::ofstream(d + "/bad.yaml") << "base: " << kBase << "\n"
				       << "grid:\n  workload.vcpus: [1, 999]\n";
	Result r = s2sim("sweep " + d + "/bad.yaml --out " + d + "/out");
	EXPECT_EQ(r.code, 3);
	EXPECT_NE(r.out.find("point 0001-vcpus=999"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find(d + "/bad.yaml:3"), std::string::npos) << r.out;
	EXPECT_FALSE(exists(d + "/out"));

	std::string spec = tiny_spec(d);
	r = s2sim("sweep " + spec + " --dry-run --out " + d + "/out");
	EXPECT_EQ(r.code, 0) << r.out;
	for (const std::string &n : kTinyDirs)
		EXPECT_NE(r.out.find(n), std::string::npos) << r.out;
	EXPECT_FALSE(exists(d + "/out"));
}

TEST(Sweep, RunsGridAndCollectsResults)
{
	std::string d = tmpdir("grid"), spec = tiny_spec(d), out = d + "/out";
	Result r = s2sim("sweep " + spec + " --jobs 2 --out " + out);
	ASSERT_EQ(r.code, 0) << r.out;
	EXPECT_NE(r.out.find("0 finished, 4 to run"), std::string::npos) << r.out;
	EXPECT_EQ(count(r.out, "] ok "), 4u) << r.out;
	EXPECT_EQ(point_dirs(out), kTinyDirs);

	Csv c = read_csv(out + "/results.csv");
	std::vector<std::string> want_header = {
		"index", "dir", "status", "workload.vcpus", "hypervisor.policy",
		"sim.time_ps", "guest.accesses", "kvm.faults", "kvm.tlbi.broadcast",
		"fabric.dn.rxreq_dvmop", "phase.iteration_1.time_ps",
		"phase.iteration_2.time_ps", "phase.iteration_3.time_ps",
		"kvm.mmu_lock.write.wait_ps.p99", "check.findings",
	};
	EXPECT_EQ(c.header, want_header);
	ASSERT_EQ(c.rows.size(), 4u);
	for (int i = 0; i < 4; i++) {
		auto &row = c.rows[i];
		int vcpus = i < 2 ? 1 : 2;
		EXPECT_EQ(row["index"], std::to_string(i));
		EXPECT_EQ(row["dir"], kTinyDirs[i]);
		EXPECT_EQ(row["status"], "ok");
		EXPECT_EQ(row["workload.vcpus"], std::to_string(vcpus));
		EXPECT_EQ(row["hypervisor.policy"],
			  i % 2 ? "rdlock-all+nsh-relax" : "baseline");
		// populate + 3 iterations over 4 MiB of 4 KiB pages per vCPU.
		EXPECT_EQ(row["guest.accesses"], std::to_string(vcpus * 1024 * 4));
		EXPECT_GT(std::stoll(row["sim.time_ps"]), 0);
		EXPECT_GT(std::stoll(row["phase.iteration_3.time_ps"]), 0);
		EXPECT_GT(std::stoll(row["kvm.faults"]), 0);
		EXPECT_EQ(row["check.findings"], "0");
		EXPECT_FALSE(row["kvm.mmu_lock.write.wait_ps.p99"].empty());
		EXPECT_EQ(row["kvm.tlbi.broadcast"], row["fabric.dn.rxreq_dvmop"]);
		std::string dir = out + "/" + kTinyDirs[i];
		EXPECT_TRUE(complete_stats(dir + "/stats.json"));
		EXPECT_NE(slurp(dir + "/run.log").find("s2sim run"), std::string::npos);
		// point.yaml is the resolved configuration, with its provenance.
		std::string py = slurp(dir + "/point.yaml");
		EXPECT_NE(py.find("vcpus: " + std::to_string(vcpus) + "  # " + spec + ":6"),
			  std::string::npos) << py;
	}
	// The fixes replace broadcast TLBIs of 4 KiB relaxations by local ones.
	EXPECT_LT(std::stoll(c.rows[1]["kvm.tlbi.broadcast"]),
		  std::stoll(c.rows[0]["kvm.tlbi.broadcast"]) / 10);
	EXPECT_LT(std::stoll(c.rows[3]["sim.time_ps"]), std::stoll(c.rows[2]["sim.time_ps"]));
	// The table on stdout.
	EXPECT_NE(r.out.find("lock p99 us"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("rdlock-all+nsh-relax"), std::string::npos) << r.out;
}

TEST(Sweep, ResumesOnlyUnfinishedPoints)
{
	std::string d = tmpdir("resume"), spec = tiny_spec(d), out = d + "/out";
	ASSERT_EQ(s2sim("sweep " + spec + " --jobs 2 --out " + out).code, 0);
	std::string before = slurp(out + "/results.csv");
	std::vector<long long> t0;
	for (const std::string &n : kTinyDirs)
		t0.push_back(mtime_ns(out + "/" + n + "/run.log"));

	// Nothing to do: every point is skipped.
	Result r = s2sim("sweep " + spec + " --jobs 2 --out " + out);
	ASSERT_EQ(r.code, 0) << r.out;
	EXPECT_NE(r.out.find("4 finished, 0 to run"), std::string::npos) << r.out;
	EXPECT_EQ(count(r.out, "] ok "), 0u);
	for (size_t i = 0; i < kTinyDirs.size(); i++)
		EXPECT_EQ(mtime_ns(out + "/" + kTinyDirs[i] + "/run.log"), t0[i]);

	// Point 2 loses its result and holds a half-written one instead.
	std::string p2 = out + "/" + kTinyDirs[2];
	ASSERT_EQ(unlink((p2 + "/stats.json").c_str()), 0);
	std::ofstream(p2 + "/stats.json.tmp.12345") << "{\"counters\": {\"sim.ti";
	std::ofstream(p2 + "/timeline.csv") << "time_ps,vcpu0\n0,1\n";
	std::this_thread::sleep_for(std::chrono::milliseconds(20));
	r = s2sim("sweep " + spec + " --jobs 2 --out " + out);
	ASSERT_EQ(r.code, 0) << r.out;
	EXPECT_NE(r.out.find("3 finished, 1 to run"), std::string::npos) << r.out;
	EXPECT_EQ(count(r.out, "] ok "), 1u) << r.out;
	EXPECT_NE(r.out.find("[ 1/1] ok"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find(kTinyDirs[2]), std::string::npos);
	for (size_t i = 0; i < kTinyDirs.size(); i++)
		if (i == 2)
			EXPECT_GT(mtime_ns(out + "/" + kTinyDirs[i] + "/run.log"), t0[i]);
		else
			EXPECT_EQ(mtime_ns(out + "/" + kTinyDirs[i] + "/run.log"), t0[i]);
	EXPECT_FALSE(exists(p2 + "/stats.json.tmp.12345"));
	EXPECT_TRUE(complete_stats(p2 + "/stats.json"));
	// The simulator is deterministic: the rerun gives the same results.
	EXPECT_EQ(slurp(out + "/results.csv"), before);
}

TEST(Sweep, ChangedConfigurationRerunsFinishedPoints)
{
	std::string d = tmpdir("changed"), out = d + "/out";
	ASSERT_EQ(s2sim("sweep " + tiny_spec(d) + " --jobs 2 --out " + out).code, 0);
	Csv a = read_csv(out + "/results.csv");

	// Same points, other set: values: each finished point is stale.
	Result r = s2sim("sweep " + tiny_spec(d, "2MiB") + " --jobs 2 --out " + out);
	ASSERT_EQ(r.code, 0) << r.out;
	EXPECT_NE(r.out.find("0 finished, 4 to run (some finished with an older "
			     "configuration)"), std::string::npos) << r.out;
	Csv b = read_csv(out + "/results.csv");
	ASSERT_EQ(b.rows.size(), 4u);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(std::stoll(b.rows[i]["guest.accesses"]) * 2,
			  std::stoll(a.rows[i]["guest.accesses"]));
}

TEST(Sweep, FailedPointIsReportedAndNeverLooksFinished)
{
	std::string d = tmpdir("fail"), out = d + "/out";
	std::ofstream(d + "/spec.yaml")
		<< "base: " << kBase << "\n"
		<< "set: {workload.bytes_per_vcpu: 4MiB, workload.vcpus: 1}\n"
		<< "points:\n"
		<< "  - {workload.seed: 1}\n"
		<< "  - {workload.source: trace, workload.trace: /nonexistent.s2t}\n";
	Result r = s2sim("sweep " + d + "/spec.yaml --jobs 2 --out " + out);
	EXPECT_EQ(r.code, 4) << r.out;
	EXPECT_NE(r.out.find("FAILED (exit 3)"), std::string::npos) << r.out;
	std::string bad = out + "/0001-source=trace_trace=-nonexistent.s2t";
	EXPECT_NE(r.out.find(bad + "/run.log"), std::string::npos) << r.out;
	EXPECT_NE(slurp(bad + "/run.log").find("/nonexistent.s2t"), std::string::npos);
	EXPECT_FALSE(exists(bad + "/stats.json"));
	Csv c = read_csv(out + "/results.csv");
	ASSERT_EQ(c.rows.size(), 2u);
	EXPECT_EQ(c.rows[0]["status"], "ok");
	EXPECT_EQ(c.rows[1]["status"], "missing");
	EXPECT_EQ(c.rows[1]["sim.time_ps"], "");
	// Keys a point leaves alone show the value it ran with.
	EXPECT_EQ(c.rows[0]["workload.source"], "generator");
	EXPECT_EQ(c.rows[1]["workload.seed"], "1");

	// Only the failed point runs again.
	r = s2sim("sweep " + d + "/spec.yaml --jobs 2 --out " + out);
	EXPECT_EQ(r.code, 4);
	EXPECT_NE(r.out.find("1 finished, 1 to run"), std::string::npos) << r.out;
}

namespace {

// Start `s2sim sweep` in its own process group; its pid.
pid_t spawn_sweep(const std::string &spec, const std::string &out)
{
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(S2SIM_CLI, "s2sim", "sweep", spec.c_str(), "--jobs", "2", "--out",
		      out.c_str(), (char *)nullptr);
		_exit(127);
	}
	return pid;
}

// A child of `parent` that is alive and already is `s2sim run` (past its
// exec): a run in progress; 0 if there is none.
pid_t run_in_progress(pid_t parent)
{
	DIR *d = opendir("/proc");
	pid_t found = 0;
	while (struct dirent *e = d ? readdir(d) : nullptr) {
		if (found || e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		std::string proc = std::string("/proc/") + e->d_name;
		std::string stat = slurp(proc + "/stat");
		size_t rp = stat.rfind(')');
		char state = 0;
		int ppid = 0;
		if (rp == std::string::npos ||
		    sscanf(stat.c_str() + rp + 1, " %c %d", &state, &ppid) != 2)
			continue;
		std::string cmd = slurp(proc + "/cmdline");
		if (ppid == parent && state != 'Z' &&
		    cmd.find(std::string("\0run\0", 5)) != std::string::npos)
			found = (pid_t)atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

size_t finished(const std::string &out)
{
	size_t n = 0;
	for (const std::string &p : point_dirs(out))
		n += exists(out + "/" + p + "/stats.json");
	return n;
}

} // namespace

// SIGKILL the sweep while runs are in progress: its runs die with it
// (PR_SET_PDEATHSIG), every point is either complete or has no
// stats.json, and the rerun finishes exactly the rest, with the results
// of an uninterrupted sweep.
TEST(Sweep, KilledSweepResumesWithoutHalfWrittenPoints)
{
	std::string d = tmpdir("kill"), spec = d + "/spec.yaml", out = d + "/out";
	std::ofstream(spec) << "base: " << kBase << "\n"
			    << "grid:\n"
			    << "  workload.vcpus: [2, 4]\n"
			    << "  workload.bytes_per_vcpu: [48MiB, 64MiB, 80MiB]\n";
	// Orphaned runs are reparented to us, so we can tell how they ended.
	ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	pid_t pid = spawn_sweep(spec, out);
	ASSERT_GT(pid, 0);
	auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
	pid_t running = 0;
	while (!running && std::chrono::steady_clock::now() < deadline) {
		running = finished(out) >= 1 ? run_in_progress(pid) : 0;
		if (!running)
			std::this_thread::sleep_for(std::chrono::milliseconds(1));
	}
	// Hold the run so that it cannot finish between our look and the
	// kill: SIGKILL (PR_SET_PDEATHSIG) still ends a stopped process.
	if (running)
		kill(running, SIGSTOP);
	ASSERT_EQ(kill(pid, SIGKILL), 0);
	ASSERT_TRUE(running) << "no run in progress to interrupt";

	int killed_runs = 0, st;
	pid_t w;
	while ((w = waitpid(-1, &st, 0)) > 0 || (w < 0 && errno == EINTR))
		if (w > 0 && w != pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			killed_runs++;
	EXPECT_GE(killed_runs, 1) << "no run died with the sweep";

	size_t done = 0;
	std::vector<std::string> dirs = point_dirs(out);
	for (const std::string &n : dirs) {
		std::string s = out + "/" + n + "/stats.json";
		if (exists(s)) {
			EXPECT_TRUE(complete_stats(s)) << n;
			done++;
		}
	}
	ASSERT_LT(done, 6u);

	Result r = s2sim("sweep " + spec + " --jobs 2 --out " + out);
	ASSERT_EQ(r.code, 0) << r.out;
	EXPECT_NE(r.out.find(std::to_string(done) + " finished, " +
			     std::to_string(6 - done) + " to run"),
		  std::string::npos) << r.out;
	EXPECT_EQ(count(r.out, "] ok "), 6 - done);
	for (const std::string &n : point_dirs(out)) {
		EXPECT_TRUE(complete_stats(out + "/" + n + "/stats.json")) << n;
		// No temporary file of a killed run is left behind.
		DIR *dir = opendir((out + "/" + n).c_str());
		ASSERT_NE(dir, nullptr);
		while (struct dirent *e = readdir(dir))
			EXPECT_EQ(strstr(e->d_name, ".tmp."), nullptr) << n << "/" << e->d_name;
		closedir(dir);
	}
	ASSERT_EQ(s2sim("sweep " + spec + " --jobs 2 --quiet --out " + d + "/ref").code, 0);
	EXPECT_EQ(slurp(out + "/results.csv"), slurp(d + "/ref/results.csv"));
}

namespace {

// Wait for every child (we are the subreaper of the sweep's runs).
void reap_all()
{
	int st;
	pid_t w;
	while ((w = waitpid(-1, &st, 0)) > 0 || (w < 0 && errno == EINTR))
		;
}

// After a kill: every stats.json is complete (never a partial result of
// an interrupted run), and the stats.json of a point finished earlier
// was not rewritten.  Returns the finished points with their mtimes.
std::map<std::string, long long> check_after_kill(const std::string &out,
						  const std::map<std::string, long long> &before)
{
	std::map<std::string, long long> now;
	for (const std::string &n : point_dirs(out)) {
		std::string s = out + "/" + n + "/stats.json";
		if (!exists(s))
			continue;
		EXPECT_TRUE(complete_stats(s)) << n;
		now[n] = mtime_ns(s);
	}
	for (const auto &kv : before) {
		EXPECT_EQ(now.count(kv.first), 1u) << kv.first << " lost its result";
		EXPECT_EQ(now[kv.first], kv.second) << kv.first << " was run again";
	}
	return now;
}

} // namespace

// Kill a sweep at random moments, several times over, with SIGKILL (the
// sweep alone: its runs die with it) or SIGINT to the whole process group
// (Ctrl-C: the runs write partial results, stats.partial.json, which must
// never count as finished).  After each kill every stats.json is complete
// and no finished point ran again; the last resume completes the sweep
// with the results of an uninterrupted one.  S2SIM_KILL_SEED replays a
// sequence of kills (the seed is printed).
TEST(Sweep, KilledAtRandomMomentsResumesWithoutRedoingOrHalfPoints)
{
	std::string d = tmpdir("randkill"), spec = d + "/spec.yaml", out = d + "/out";
	std::ofstream(spec) << "base: " << kBase << "\n"
			    << "set: {workload.backing_page_size: 2MiB}\n"
			    << "grid:\n"
			    << "  workload.vcpus: [1, 2, 4]\n"
			    << "  workload.bytes_per_vcpu: [8MiB, 16MiB]\n";
	const char *env = getenv("S2SIM_KILL_SEED");
	unsigned seed = env ? (unsigned)strtoul(env, nullptr, 0) : std::random_device{}();
	std::mt19937 rng(seed);
	std::cout << "S2SIM_KILL_SEED=" << seed << "\n";
	ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	std::map<std::string, long long> done;
	for (int round = 0; round < 4; round++) {
		pid_t pid = spawn_sweep(spec, out);
		ASSERT_GT(pid, 0);
		int ms = std::uniform_int_distribution<int>(0, 1500)(rng);
		bool group = std::uniform_int_distribution<int>(0, 1)(rng) == 1;
		std::this_thread::sleep_for(std::chrono::milliseconds(ms));
		if (group)
			kill(-pid, SIGINT);
		else
			kill(pid, SIGKILL);
		reap_all();
		SCOPED_TRACE("round " + std::to_string(round) + ": " + std::to_string(ms) +
			     " ms, " + (group ? "SIGINT to the group" : "SIGKILL"));
		done = check_after_kill(out, done);
	}
	Result r = s2sim("sweep " + spec + " --jobs 2 --out " + out);
	ASSERT_EQ(r.code, 0) << r.out;
	EXPECT_NE(r.out.find(std::to_string(done.size()) + " finished, " +
			     std::to_string(6 - done.size()) + " to run"),
		  std::string::npos) << r.out;
	EXPECT_EQ(count(r.out, "] ok "), 6 - done.size()) << r.out;
	check_after_kill(out, done);
	for (const std::string &n : point_dirs(out)) {
		EXPECT_TRUE(complete_stats(out + "/" + n + "/stats.json")) << n;
		EXPECT_FALSE(exists(out + "/" + n + "/stats.partial.json")) << n;
	}
	ASSERT_EQ(s2sim("sweep " + spec + " --jobs 2 --quiet --out " + d + "/ref").code, 0);
	EXPECT_EQ(slurp(out + "/results.csv"), slurp(d + "/ref/results.csv"));
}

// The Slurm scripts are valid bash, hold one array task per point, and
// do their job when run as Slurm would run them (SLURM_ARRAY_TASK_ID).
TEST(Sweep, EmitSlurmWritesAJobArrayAndACollector)
{
	std::string d = tmpdir("slurm"), spec = tiny_spec(d), out = d + "/out";
	Result r = s2sim("sweep " + spec + " --emit slurm --jobs 2 --out " + out);
	ASSERT_EQ(r.code, 0) << r.out;
	EXPECT_NE(r.out.find("sbatch --parsable " + out + "/sweep.slurm"), std::string::npos)
		<< r.out;
	EXPECT_NE(r.out.find("sbatch --dependency=afterok:${jid%%;*} " + out +
			     "/collect.slurm"), std::string::npos) << r.out;
	EXPECT_FALSE(exists(out + "/results.csv"));
	for (const char *f : { "sweep.slurm", "collect.slurm", "run-point.sh" }) {
		Result n = sh("bash -n " + out + "/" + f);
		EXPECT_EQ(n.code, 0) << f << ": " << n.out;
	}
	std::string arr = slurp(out + "/sweep.slurm");
	EXPECT_NE(arr.find("#SBATCH --array=0-3%2\n"), std::string::npos) << arr;
	for (const std::string &n : kTinyDirs)
		EXPECT_EQ(count(arr, "\n'" + n + "'\n"), 1u) << n;
	// The array's entries, in task order.
	Result list = sh("bash -c 'source <(sed -n \"/^points=(/,/^)/p\" " + out +
			 "/sweep.slurm); printf \"%s\\n\" \"${points[@]}\"'");
	EXPECT_EQ(split(list.out, '\n'), kTinyDirs) << list.out;
	EXPECT_NE(slurp(out + "/collect.slurm").find("--collect-only --out '" + out + "'"),
		  std::string::npos);

	for (int t = 0; t < 4; t++) {
		Result task = sh("SLURM_ARRAY_TASK_ID=" + std::to_string(t) + " bash " + out +
				 "/sweep.slurm");
		EXPECT_EQ(task.code, 0) << task.out;
	}
	Result again = sh("SLURM_ARRAY_TASK_ID=1 bash " + out + "/sweep.slurm");
	EXPECT_NE(again.out.find("finished, skipped"), std::string::npos) << again.out;
	Result col = sh("bash " + out + "/collect.slurm");
	ASSERT_EQ(col.code, 0) << col.out;
	Csv c = read_csv(out + "/results.csv");
	ASSERT_EQ(c.rows.size(), 4u);
	for (auto &row : c.rows)
		EXPECT_EQ(row["status"], "ok");
}

TEST(Sweep, EmitParallelWritesAJobList)
{
	std::string d = tmpdir("parallel"), spec = tiny_spec(d), out = d + "/out";
	Result r = s2sim("sweep " + spec + " --emit parallel --out " + out);
	ASSERT_EQ(r.code, 0) << r.out;
	EXPECT_NE(r.out.find("parallel --sshloginfile NODES < " + out + "/jobs.txt"),
		  std::string::npos) << r.out;
	std::vector<std::string> jobs = split(slurp(out + "/jobs.txt"), '\n');
	ASSERT_EQ(jobs.size(), 4u);

	// Before any job ran, collecting finds nothing.
	r = s2sim("sweep " + spec + " --collect-only --out " + out);
	EXPECT_EQ(r.code, 4) << r.out;
	EXPECT_NE(r.out.find("4 of 4 points have no results"), std::string::npos) << r.out;

	// Each line is a shell command, as GNU parallel runs it.
	for (const std::string &j : jobs) {
		Result x = sh("cd / && " + j);
		EXPECT_EQ(x.code, 0) << j << ": " << x.out;
	}
	r = s2sim("sweep " + spec + " --collect-only --out " + out);
	ASSERT_EQ(r.code, 0) << r.out;
	Csv c = read_csv(out + "/results.csv");
	ASSERT_EQ(c.rows.size(), 4u);
	EXPECT_EQ(c.rows[3]["status"], "ok");
	EXPECT_EQ(c.rows[3]["guest.accesses"], "8192");
}

TEST(Sweep, LockKeepsTwoSweepsApart)
{
	std::string d = tmpdir("lock"), spec = tiny_spec(d), out = d + "/out";
	ASSERT_EQ(mkdir(out.c_str(), 0777), 0);
	int fd = open((out + "/.sweep.lock").c_str(), O_RDWR | O_CREAT, 0666);
	ASSERT_GE(fd, 0);
	struct flock fl {};
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	ASSERT_EQ(fcntl(fd, F_SETLK, &fl), 0);
	Result r = s2sim("sweep " + spec + " --out " + out);
	EXPECT_EQ(r.code, 1) << r.out;
	EXPECT_NE(r.out.find("another s2sim sweep (pid " + std::to_string(getpid()) + ")"),
		  std::string::npos) << r.out;
	EXPECT_TRUE(point_dirs(out).empty());
	close(fd);
	EXPECT_EQ(s2sim("sweep " + spec + " --quiet --out " + out).code, 0);
}
