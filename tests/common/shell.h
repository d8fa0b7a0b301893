// Helpers the CLI-level tests share: run a shell command and capture its
// output and exit code, make a scratch directory, read a whole file.
#ifndef S2SIM_TESTS_COMMON_SHELL_H
#define S2SIM_TESTS_COMMON_SHELL_H

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace s2sim_test {

struct ShellResult {
	int code;        // exit status, -1 if the command did not exit normally
	std::string out; // stdout and stderr, interleaved
	double secs;     // wall time
};

// Run `cmd` with /bin/sh, stderr folded into stdout.
inline ShellResult sh(const std::string &cmd)
{
	ShellResult r{ -1, "", 0 };
	auto t0 = std::chrono::steady_clock::now();
	FILE *p = popen((cmd + " 2>&1").c_str(), "r");
	if (!p)
		return r;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		r.out.append(buf, n);
	int status = pclose(p);
	r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	r.secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	return r;
}

// "$S2SIM_TEST_TMP/<prefix>-<name>" (or under /tmp), removed; created
// empty unless `create` is false.
inline std::string scratch_dir(const std::string &prefix, const std::string &name,
			       bool create = true)
{
	const char *t = getenv("S2SIM_TEST_TMP");
	std::string d = std::string(t ? t : "/tmp") + "/" + prefix + "-" + name;
	std::string cmd = "rm -rf '" + d + "'" + (create ? " && mkdir -p '" + d + "'" : "");
	EXPECT_EQ(system(cmd.c_str()), 0);
	return d;
}

inline std::string slurp(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	std::stringstream ss;
	ss << f.rdbuf();
	return ss.str();
}

} // namespace s2sim_test

#endif
