// Helpers shared by the configuration tests: a handle destroyed at the
// end of its scope, scratch files named after the running test, and
// checks that a message names the file, line and key.
#ifndef S2SIM_TESTS_CONFIG_HARNESS_H
#define S2SIM_TESTS_CONFIG_HARNESS_H

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include <s2sim/config.h>
#include "core/config/config_internal.h"
}

namespace cfgtest {

namespace fs = std::filesystem;

// A configuration handle that is destroyed at the end of the scope.
struct Config {
	s2sim_config *c = nullptr;
	Config() { EXPECT_EQ(s2sim_config_create(&c), S2SIM_OK); }
	~Config() { s2sim_config_destroy(c); }
	Config(const Config &) = delete;
	Config &operator=(const Config &) = delete;
	std::string msg() const { return s2sim_config_errmsg(c); }
	const s2sim_cfg &v() const { return *s2sim_config_values(c); }
	int load(const std::string &p) { return s2sim_config_load(c, p.c_str()); }
	int set(const std::string &a) { return s2sim_config_set(c, a.c_str()); }
	int validate() { return s2sim_config_validate(c); }
};

inline std::string tmp_dir()
{
	const char *t = std::getenv("S2SIM_TEST_TMP");
	fs::path dir = fs::path(t ? t : "/tmp") / "config";
	fs::create_directories(dir);
	return dir.string();
}

// Write `text` to a file named after the running test plus `name`.
inline std::string write_file(const std::string &name,
			      const std::string &text)
{
	const auto *info = testing::UnitTest::GetInstance()->current_test_info();
	fs::path dir = fs::path(tmp_dir()) / info->name();
	fs::path p = dir / name;
	fs::create_directories(p.parent_path());
	std::ofstream(p) << text;
	return p.string();
}

inline std::string source_path(const std::string &rel)
{
	return std::string(S2SIM_SOURCE_DIR) + "/" + rel;
}

// Load `yaml` and expect S2SIM_EINPUT; return the message.
inline std::string load_error(const std::string &yaml,
			      std::string *path = nullptr)
{
	Config cfg;
	std::string p = write_file("c.yaml", yaml);
	if (path)
		*path = p;
	EXPECT_EQ(cfg.load(p), S2SIM_EINPUT) << cfg.msg();
	return cfg.msg();
}

// The message starts with "FILE:LINE: " and names `key`.
inline void expect_names(const std::string &msg, const std::string &file,
			 int line, const std::string &key)
{
	std::string prefix = file + ":" + std::to_string(line) + ": ";
	EXPECT_EQ(msg.rfind(prefix, 0), 0u) << msg;
	EXPECT_NE(msg.find("'" + key + "'"), std::string::npos) << msg;
}

inline std::string read_text(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

// Apply `sets` to the defaults and expect validate() to fail with a
// message that starts with the origin of `blamed` and names it.
inline std::string rule_error(const std::vector<std::string> &sets,
			      const std::string &blamed)
{
	Config cfg;
	for (const std::string &s : sets)
		EXPECT_EQ(cfg.set(s), S2SIM_OK) << s << ": " << cfg.msg();
	EXPECT_EQ(cfg.validate(), S2SIM_EINPUT) << "accepted";
	std::string m = cfg.msg();
	std::string origin = s2sim_config_origin(cfg.c, blamed.c_str());
	EXPECT_EQ(m.rfind(origin + ": key '" + blamed + "': ", 0), 0u) << m;
	return m;
}

inline bool validates(const std::vector<std::string> &sets)
{
	Config cfg;
	for (const std::string &s : sets)
		EXPECT_EQ(cfg.set(s), S2SIM_OK) << s << ": " << cfg.msg();
	return cfg.validate() == S2SIM_OK;
}

} // namespace cfgtest

#endif
