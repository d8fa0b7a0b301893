/*
 * s2sim-vp: the example SystemC virtual platform.  Same configuration, same
 * command line shape and same output files as `s2sim run`.
 */
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <systemc>

#include <s2sim/config.h>
#include <s2sim/systemc/platform.h>
#include <s2sim/systemc/report.h>

namespace {

enum { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_USAGE = 2, EXIT_INPUT = 3, EXIT_SIM = 4 };

const char usage[] =
	"usage: s2sim-vp CONFIG.yaml [--set KEY=VALUE]... [--out DIR] [--quiet]\n"
	"\n"
	"Run the configuration on the SystemC / TLM-2.0 virtual platform: one\n"
	"traffic initiator and one s2sim::Mmu per vCPU, the DVM fabric, the\n"
	"hypervisor model and a memory target.  The results are those of\n"
	"`s2sim run` on the same configuration (docs/systemc.md).\n"
	"\n"
	"  --set KEY=VALUE  override one configuration key (repeatable)\n"
	"  --out DIR        output directory (default s2sim-vp-out); receives\n"
	"                   stats.json, timeline.csv and config.yaml\n"
	"  --quiet          print nothing but errors\n"
	"\n"
	"exit codes: 0 ok, 1 internal or output error, 2 usage, 3 bad input,\n"
	"4 simulation error.\n";

struct Options {
	const char *config = nullptr;
	std::vector<const char *> sets;
	std::string out = "s2sim-vp-out";
	bool quiet = false;
};

int exit_of(int rc)
{
	switch (rc) {
	case S2SIM_EINPUT:
	case S2SIM_ELIMIT:
	case S2SIM_EIO:
	case S2SIM_ENOTFOUND:
		return EXIT_INPUT;
	case S2SIM_ESIM:
		return EXIT_SIM;
	default:
		return EXIT_INTERNAL;
	}
}

/* -1: --help printed. */
int parse(int argc, char **argv, Options &o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!std::strcmp(a, "--help") || !std::strcmp(a, "-h")) {
			std::fputs(usage, stdout);
			return -1;
		} else if (!std::strcmp(a, "--set") && i + 1 < argc) {
			o.sets.push_back(argv[++i]);
		} else if (!std::strncmp(a, "--set=", 6)) {
			o.sets.push_back(a + 6);
		} else if (!std::strcmp(a, "--out") && i + 1 < argc) {
			o.out = argv[++i];
		} else if (!std::strcmp(a, "--quiet") || !std::strcmp(a, "-q")) {
			o.quiet = true;
		} else if (a[0] != '-' && !o.config) {
			o.config = a;
		} else {
			std::fprintf(stderr, "s2sim-vp: unexpected argument '%s'\n\n%s", a,
				     usage);
			return EXIT_USAGE;
		}
	}
	if (!o.config) {
		std::fprintf(stderr, "s2sim-vp: no configuration file\n\n%s", usage);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int load(const Options &o, s2sim_config **out)
{
	s2sim_config *cfg = nullptr;
	int rc = s2sim_config_create(&cfg);

	*out = cfg;
	if (rc == S2SIM_OK)
		rc = s2sim_config_load(cfg, o.config);
	for (std::size_t i = 0; i < o.sets.size() && rc == S2SIM_OK; i++)
		rc = s2sim_config_set(cfg, o.sets[i]);
	if (rc == S2SIM_OK)
		rc = s2sim_config_validate(cfg);
	if (rc != S2SIM_OK)
		std::fprintf(stderr, "s2sim-vp: %s\n",
			     cfg ? s2sim_config_errmsg(cfg) : "out of memory");
	return rc;
}

void summary(const Options &o, s2sim::Platform &p, double host_s)
{
	double sim_ms = static_cast<double>(p.end_time_ps()) / 1e9;

	std::printf("s2sim-vp: %s (SystemC %s)\n", o.config, sc_core::sc_release());
	std::printf("  vCPUs %u, guest accesses %llu, simulated %.3f ms\n", p.vcpus(),
		    static_cast<unsigned long long>(p.accesses()), sim_ms);
	std::printf("  host %.3f s (%.1f M accesses/s)\n", host_s,
		    host_s > 0 ? static_cast<double>(p.accesses()) / host_s / 1e6 : 0.0);
	std::printf("  outputs in %s/ (stats.json, timeline.csv, config.yaml)\n",
		    o.out.c_str());
}

int run(const Options &o, const s2sim_config *cfg)
{
	auto t0 = std::chrono::steady_clock::now();
	s2sim::Platform p("vp", cfg);

	if (!p.ok()) {
		std::fprintf(stderr, "s2sim-vp: %s\n", p.errmsg().c_str());
		return exit_of(p.rc());
	}
	sc_core::sc_start();
	if (sc_core::sc_report_handler::get_count(sc_core::SC_ERROR) > 0 && p.ok())
		return EXIT_SIM;
	int rc = p.finish();
	if (rc != S2SIM_OK) {
		std::fprintf(stderr, "s2sim-vp: %s\n", p.errmsg().c_str());
		return exit_of(rc);
	}
	double host_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
				.count();
	if (p.write_outputs(o.out) != S2SIM_OK) {
		std::fprintf(stderr, "s2sim-vp: %s\n", p.errmsg().c_str());
		return EXIT_INTERNAL;
	}
	if (!o.quiet)
		summary(o, p, host_s);
	return EXIT_OK;
}

} // namespace

int sc_main(int argc, char **argv)
{
	Options o;
	s2sim_config *cfg = nullptr;
	int rc = parse(argc, argv, o);

	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	s2sim::stop_on_errors();
	if (o.quiet)
		sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
	rc = load(o, &cfg);
	if (rc == S2SIM_OK)
		rc = run(o, cfg);
	else
		rc = exit_of(rc);
	s2sim_config_destroy(cfg);
	return rc;
}

/* The banner of libsystemc would be the only unrequested output: the
 * summary names the SystemC release instead. */
int main(int argc, char **argv)
{
	setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
	return sc_core::sc_elab_and_sim(argc, argv);
}
