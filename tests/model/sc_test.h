// Harness of the SystemC tests (sc_test_main.cpp): SystemC owns the
// process, so the test binary defines sc_main, which runs GoogleTest.  A
// process elaborates once, so ctest runs each test in its own process
// (gtest_discover_tests); a test that finds the kernel already used skips.
// Every SystemC warning or error fails the running test, unless the test
// expects reports (ExpectReports), which then collects them.
#ifndef S2SIM_TESTS_MODEL_SC_TEST_H
#define S2SIM_TESTS_MODEL_SC_TEST_H

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <systemc>

#include <s2sim/config.h>

namespace sctest {

struct Report {
	sc_core::sc_severity severity;
	std::string type, msg;
};

// Reports (warnings and worse) seen since the process started.
std::vector<Report> &reports();

// While alive, warnings and errors are collected, not failures.
class ExpectReports {
public:
	ExpectReports();
	~ExpectReports();
};

// True the first time in a process: the caller may elaborate.
bool claim_kernel();

#define SC_TEST_ONE_PER_PROCESS()                                                  \
	do {                                                                       \
		if (!sctest::claim_kernel())                                        \
			GTEST_SKIP() << "SystemC elaborates once per process; "      \
					"run one test per process (ctest does)";    \
	} while (0)

// A validated configuration: the built-in defaults plus `sets`.
s2sim_config *config(const std::vector<std::string> &sets = {},
		     const char *yaml = nullptr);

} // namespace sctest

#endif
