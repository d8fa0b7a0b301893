// SIGINT / SIGTERM during `s2sim run`: the run stops at a safe point and
// writes a consistent partial result marked as partial
// (stats.partial.json, timeline.partial.csv) and never a stats.json; a
// second signal exits at once.  Exit codes are 128 + the signal.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <jansson.h>

namespace {

std::string tmpdir(const std::string &name)
{
	const char *t = getenv("S2SIM_TEST_TMP");
	std::string d = std::string(t ? t : "/tmp") + "/signal-" + name;
	EXPECT_EQ(system(("rm -rf '" + d + "' && mkdir -p '" + d + "'").c_str()), 0);
	return d;
}

bool exists(const std::string &path)
{
	struct stat st;
	return stat(path.c_str(), &st) == 0;
}

// `s2sim run` of a workload far too long to finish during the test (four
// vCPUs, 100000 dirty-logging passes), output to `out`, stderr to out.log.
pid_t spawn_long_run(const std::string &out)
{
	std::string log = out + ".log";
	pid_t pid = fork();
	if (pid == 0) {
		FILE *f = fopen(log.c_str(), "w");
		if (f) {
			dup2(fileno(f), 1);
			dup2(fileno(f), 2);
		}
		execl(S2SIM_CLI, "s2sim", "run",
		      S2SIM_SOURCE_DIR "/configs/t2a-48.yaml", "--set",
		      "workload.vcpus=4", "--set", "workload.bytes_per_vcpu=64MiB",
		      "--set", "workload.iterations=100000", "--out", out.c_str(),
		      "--quiet", (char *)nullptr);
		_exit(127);
	}
	return pid;
}

// Wait for `pid` (at most `secs` seconds); its exit code, -signal if it
// died of a signal, or -1000 on a timeout (the child is then killed).
int wait_exit(pid_t pid, int secs)
{
	auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(secs);
	int st;
	while (std::chrono::steady_clock::now() < deadline) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1000;
}

// CPU seconds `pid` has used (utime + stime).
double cpu_seconds(pid_t pid)
{
	std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
	std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
	size_t rp = s.rfind(')');
	if (rp == std::string::npos)
		return 0;
	std::istringstream in(s.substr(rp + 2));
	std::string field;
	unsigned long long ut = 0, stt = 0;
	for (int i = 3; i <= 15 && in >> field; i++) {
		if (i == 14)
			ut = std::stoull(field);
		if (i == 15)
			stt = std::stoull(field);
	}
	return (double)(ut + stt) / (double)sysconf(_SC_CLK_TCK);
}

// Let the run get well into its simulation.
void wait_running(pid_t pid)
{
	auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
	while (cpu_seconds(pid) < 1.0 && std::chrono::steady_clock::now() < deadline)
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

uint64_t counter(json_t *root, const char *name)
{
	json_t *v = json_object_get(json_object_get(json_object_get(root, "counters"),
						    name), "value");
	return json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
}

// The partial result: marked partial, at the simulated time reached, with
// totals equal to the sums of their parts.
void check_partial(const std::string &out)
{
	json_error_t e;
	json_t *root = json_load_file((out + "/stats.partial.json").c_str(), 0, &e);
	ASSERT_NE(root, nullptr) << e.text;
	json_t *run = json_object_get(root, "run");
	EXPECT_TRUE(json_is_true(json_object_get(run, "partial")));
	uint64_t t = (uint64_t)json_integer_value(json_object_get(run, "sim_time_ps"));
	EXPECT_GT(t, 0u);
	EXPECT_EQ(counter(root, "sim.time_ps"), t);
	uint64_t sum = 0;
	for (int i = 0; i < 4; i++)
		sum += counter(root, ("vcpu." + std::to_string(i) + ".accesses").c_str());
	EXPECT_GT(sum, 0u);
	EXPECT_EQ(counter(root, "guest.accesses"), sum);
	EXPECT_GT(counter(root, "phase.populate.time_ps"), 0u);
	EXPECT_LE(counter(root, "phase.populate.start_ps") +
			  counter(root, "phase.populate.time_ps"), t);
	json_decref(root);
	EXPECT_TRUE(exists(out + "/timeline.partial.csv"));
	EXPECT_TRUE(exists(out + "/config.yaml"));
	EXPECT_FALSE(exists(out + "/stats.json")) << "a partial result must not look finished";
	EXPECT_FALSE(exists(out + "/timeline.csv"));
	DIR *d = opendir(out.c_str());
	ASSERT_NE(d, nullptr);
	while (struct dirent *ent = readdir(d))
		EXPECT_EQ(strstr(ent->d_name, ".tmp."), nullptr) << ent->d_name;
	closedir(d);
}

void stop_with(int sig, int expect_code)
{
	std::string d = tmpdir(sig == SIGINT ? "int" : "term"), out = d + "/out";
	// An earlier finished run's stats.json in the directory must go.
	ASSERT_EQ(mkdir(out.c_str(), 0777), 0);
	std::ofstream(out + "/stats.json") << "{}\n";
	pid_t pid = spawn_long_run(out);
	ASSERT_GT(pid, 0);
	wait_running(pid);
	auto t0 = std::chrono::steady_clock::now();
	ASSERT_EQ(kill(pid, sig), 0);
	EXPECT_EQ(wait_exit(pid, 60), expect_code);
	double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	EXPECT_LT(secs, 10.0) << "the run took too long to stop";
	std::ifstream log(out + ".log");
	std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
	EXPECT_NE(text.find("partial result in"), std::string::npos) << text;
	check_partial(out);
}

} // namespace

TEST(Signals, SigintWritesAPartialResult)
{
	stop_with(SIGINT, 130);
}

TEST(Signals, SigtermWritesAPartialResult)
{
	stop_with(SIGTERM, 143);
}

// Two signals at once (both pending when the stopped process resumes):
// the second one exits at once, with no partial result and nothing
// half-written.
TEST(Signals, SecondSignalExitsAtOnce)
{
	std::string d = tmpdir("twice"), out = d + "/out";
	pid_t pid = spawn_long_run(out);
	ASSERT_GT(pid, 0);
	wait_running(pid);
	ASSERT_EQ(kill(pid, SIGSTOP), 0);
	ASSERT_EQ(kill(pid, SIGINT), 0);
	ASSERT_EQ(kill(pid, SIGTERM), 0);
	ASSERT_EQ(kill(pid, SIGCONT), 0);
	// Which of the two is handled first is the kernel's choice; the code
	// is 128 + the second one.
	int code = wait_exit(pid, 30);
	EXPECT_TRUE(code == 130 || code == 143) << code;
	EXPECT_FALSE(exists(out + "/stats.json"));
	EXPECT_FALSE(exists(out + "/stats.partial.json"));
}
