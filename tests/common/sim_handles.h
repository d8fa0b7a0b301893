// The config and simulation handles a GoogleTest test owns, destroyed
// together, and the lookup of one statistic of the run.
#ifndef S2SIM_TESTS_COMMON_SIM_HANDLES_H
#define S2SIM_TESTS_COMMON_SIM_HANDLES_H

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include <s2sim/s2sim.h>

namespace s2sim_test {

struct SimHandles {
	s2sim_config *cfg = nullptr;
	s2sim_sim *sim = nullptr;

	SimHandles() = default;
	SimHandles(const SimHandles &) = delete;
	SimHandles &operator=(const SimHandles &) = delete;
	~SimHandles()
	{
		s2sim_sim_destroy(sim);
		s2sim_config_destroy(cfg);
	}

	// The statistic `name`; a test failure if the run has none.
	uint64_t get(const std::string &name) const
	{
		uint64_t v = ~0ull;
		EXPECT_EQ(s2sim_stats_get(s2sim_sim_stats(sim), name.c_str(), &v), S2SIM_OK)
			<< name;
		return v;
	}

	bool has(const std::string &name) const
	{
		uint64_t v;
		return s2sim_stats_get(s2sim_sim_stats(sim), name.c_str(), &v) == S2SIM_OK;
	}
};

} // namespace s2sim_test

#endif
