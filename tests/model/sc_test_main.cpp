// main() and sc_main() of the SystemC test binaries (sc_test.h).
#include <cstdlib>

#include "sc_test.h"

namespace sctest {

static bool expecting = false;

std::vector<Report> &reports()
{
	static std::vector<Report> r;
	return r;
}

ExpectReports::ExpectReports()
{
	expecting = true;
}

ExpectReports::~ExpectReports()
{
	expecting = false;
}

bool claim_kernel()
{
	static bool claimed = false;
	bool first = !claimed;

	claimed = true;
	return first;
}

s2sim_config *config(const std::vector<std::string> &sets, const char *yaml)
{
	s2sim_config *cfg = nullptr;

	EXPECT_EQ(s2sim_config_create(&cfg), S2SIM_OK);
	if (yaml) {
		std::string path = std::string(S2SIM_SOURCE_DIR) + "/" + yaml;
		EXPECT_EQ(s2sim_config_load(cfg, path.c_str()), S2SIM_OK)
			<< s2sim_config_errmsg(cfg);
	}
	for (const std::string &s : sets)
		EXPECT_EQ(s2sim_config_set(cfg, s.c_str()), S2SIM_OK)
			<< s << ": " << s2sim_config_errmsg(cfg);
	EXPECT_EQ(s2sim_config_validate(cfg), S2SIM_OK) << s2sim_config_errmsg(cfg);
	return cfg;
}

// Warnings and errors fail the test (or are collected); nothing throws,
// so a model error cannot unwind through the simulation kernel.
static void handler(const sc_core::sc_report &r, const sc_core::sc_actions &a)
{
	if (r.get_severity() == sc_core::SC_INFO) {
		sc_core::sc_report_handler::default_handler(
			r, a & ~(sc_core::SC_THROW | sc_core::SC_ABORT | sc_core::SC_STOP));
		return;
	}
	reports().push_back(Report{ r.get_severity(), r.get_msg_type(), r.get_msg() });
	if (!expecting)
		ADD_FAILURE() << "SystemC report [" << r.get_msg_type() << "] "
			      << r.get_msg();
}

} // namespace sctest

int sc_main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	sc_core::sc_report_handler::set_handler(sctest::handler);
	return RUN_ALL_TESTS();
}

int main(int argc, char **argv)
{
	// the banner would confuse gtest_discover_tests' parsing of the list
	setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
	return sc_core::sc_elab_and_sim(argc, argv);
}
