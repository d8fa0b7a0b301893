/*
 * bench_systemc: host time of the SystemC virtual platform (s2sim-vp's
 * s2sim::Platform) against the native engine (`s2sim run`'s s2sim_sim) on
 * the same small scenario: configs/t2a-48.yaml with 8 vCPUs x 64 MiB of
 * 2 MiB blocks (populate, lazy splits, write-protect faults), the default
 * 1 us quantum.  Both produce identical statistics (tests/model).
 *
 * Wall time of building and running the simulation, best of --reps runs
 * each (default 5).  SystemC elaborates once per process, so each VP run is
 * a child process (this program with --vp-once); the native runs are
 * in-process.  Prints name<TAB>value<TAB>unit lines.
 */
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include <systemc>

#include <s2sim/s2sim.h>
#include <s2sim/systemc/platform.h>

namespace {

const char *const kSets[] = { "workload.vcpus=8", "workload.bytes_per_vcpu=64MiB",
			      "sim.quantum_ns=1000" };

s2sim_config *scenario()
{
	std::string path = std::string(S2SIM_SOURCE_DIR) + "/configs/t2a-48.yaml";
	s2sim_config *cfg = nullptr;

	if (s2sim_config_create(&cfg) != S2SIM_OK ||
	    s2sim_config_load(cfg, path.c_str()) != S2SIM_OK) {
		std::fprintf(stderr, "bench_systemc: %s\n", s2sim_config_errmsg(cfg));
		std::exit(1);
	}
	for (const char *s : kSets)
		s2sim_config_set(cfg, s);
	if (s2sim_config_validate(cfg) != S2SIM_OK) {
		std::fprintf(stderr, "bench_systemc: %s\n", s2sim_config_errmsg(cfg));
		std::exit(1);
	}
	return cfg;
}

double seconds_since(std::chrono::steady_clock::time_point t0)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/* One native run: (wall s, accesses). */
std::pair<double, uint64_t> native_once(const s2sim_config *cfg)
{
	auto t0 = std::chrono::steady_clock::now();
	s2sim_sim *sim = nullptr;
	uint64_t acc = 0;

	if (s2sim_sim_create(&sim, cfg) != S2SIM_OK || s2sim_sim_run(sim) != S2SIM_OK) {
		std::fprintf(stderr, "bench_systemc: %s\n", s2sim_sim_errmsg(sim));
		std::exit(1);
	}
	double s = seconds_since(t0);
	s2sim_stats_get(s2sim_sim_stats(sim), "guest.accesses", &acc);
	s2sim_sim_destroy(sim);
	return { s, acc };
}

/* The child: one VP run, "seconds accesses" on stdout. */
int vp_once()
{
	s2sim_config *cfg = scenario();
	auto t0 = std::chrono::steady_clock::now();
	int rc;
	{
		s2sim::Platform p("vp", cfg);

		if (!p.ok()) {
			std::fprintf(stderr, "bench_systemc: %s\n", p.errmsg().c_str());
			return 1;
		}
		sc_core::sc_start();
		rc = p.finish();
		if (rc != S2SIM_OK) {
			std::fprintf(stderr, "bench_systemc: %s\n", p.errmsg().c_str());
			return 1;
		}
		std::printf("%.6f %llu\n", seconds_since(t0),
			    static_cast<unsigned long long>(p.accesses()));
	}
	s2sim_config_destroy(cfg);
	return 0;
}

std::pair<double, uint64_t> vp_child(const char *self)
{
	std::string cmd = std::string(self) + " --vp-once";
	FILE *f = popen(cmd.c_str(), "r");
	double s = 0;
	unsigned long long acc = 0;

	if (!f || std::fscanf(f, "%lf %llu", &s, &acc) != 2) {
		std::fprintf(stderr, "bench_systemc: the VP run failed\n");
		std::exit(1);
	}
	if (pclose(f) != 0)
		std::exit(1);
	return { s, acc };
}

} // namespace

int sc_main(int argc, char **argv)
{
	int reps = 5;

	for (int i = 1; i < argc; i++) {
		if (!std::strcmp(argv[i], "--vp-once"))
			return vp_once();
		if (!std::strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = std::atoi(argv[++i]);
	}
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (len <= 0)
		return 1;
	self[len] = '\0';
	s2sim_config *cfg = scenario();
	double nat = 1e30, vp = 1e30;
	uint64_t nat_acc = 0, vp_acc = 0;

	for (int r = 0; r < reps; r++) { /* interleaved: same machine load */
		auto n = native_once(cfg);
		auto v = vp_child(self);
		if (n.first < nat)
			nat = n.first;
		if (v.first < vp)
			vp = v.first;
		nat_acc = n.second;
		vp_acc = v.second;
	}
	s2sim_config_destroy(cfg);
	if (nat_acc != vp_acc) {
		std::fprintf(stderr, "bench_systemc: accesses differ (%llu vs %llu)\n",
			     static_cast<unsigned long long>(nat_acc),
			     static_cast<unsigned long long>(vp_acc));
		return 1;
	}
	std::printf("systemc.native.wall\t%.4f\ts\n", nat);
	std::printf("systemc.vp.wall\t%.4f\ts\n", vp);
	std::printf("systemc.vp_over_native\t%.3f\tx\n", vp / nat);
	std::printf("systemc.native.rate\t%.0f\taccesses/s\n", nat_acc / nat);
	std::printf("systemc.vp.rate\t%.0f\taccesses/s\n", vp_acc / vp);
	return 0;
}

int main(int argc, char **argv)
{
	setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
	return sc_core::sc_elab_and_sim(argc, argv);
}
