/*
 * s2sim::Platform's statistics and output files: the same names, units and
 * files as core/run/sim.c, so stats.json of s2sim-vp and `s2sim run` can be
 * compared key by key.
 */
#include <cerrno>
#include <cstring>
#include <string>

#include <sys/stat.h>

#include <s2sim/systemc/report.h>

#include "model/platform_impl.h"

namespace s2sim {

struct Counter {
	const char *name, *unit, *desc;
	const std::uint64_t *v;
};

static int add_counters(s2sim_stats *st, const Counter *c, std::size_t n)
{
	int rc = S2SIM_OK;

	for (std::size_t i = 0; i < n && rc == S2SIM_OK; i++)
		rc = s2sim_stats_counter(st, c[i].name, c[i].unit, c[i].desc, c[i].v);
	return rc;
}

/* The run's own counters and the guest-throughput timeline (sim.c's
 * make_timeline() and register_stats()). */
int Platform::Impl::register_stats()
{
	std::vector<std::string> names;
	std::vector<const char *> ptrs;

	for (std::uint32_t i = 0; i < nvcpus; i++)
		names.push_back("vcpu" + std::to_string(i));
	for (const std::string &n : names)
		ptrs.push_back(n.c_str());
	tl = s2sim_stats_timeline(stats, "guest.accesses_per_interval", "accesses",
				  interval_ps, nvcpus, ptrs.data());
	if (!tl)
		return S2SIM_ENOMEM;
	const Counter c[] = {
		{ "sim.time_ps", "ps", "simulated time at the end of the workload",
		  &end_time_ps },
		{ "guest.accesses", "accesses", "guest accesses, all vCPUs",
		  &total_accesses },
		{ "guest.reads", "accesses", "guest reads, all vCPUs", &total_reads },
		{ "guest.writes", "accesses", "guest writes, all vCPUs", &total_writes },
	};
	return add_counters(stats, c, sizeof(c) / sizeof(c[0]));
}

/* Per vCPU, and the dispatcher's (sim.c's register_vcpu_stats()). */
int Platform::Impl::register_vcpu_stats()
{
	const Counter d[] = {
		{ "sim.records", "records", "workload records consumed",
		  disp->records() },
		{ "vmm.events", "events", "VMM records applied (memslot, dirty log, phase)",
		  disp->vmm_events() },
	};
	int rc = add_counters(stats, d, sizeof(d) / sizeof(d[0]));

	for (std::uint32_t i = 0; i < nvcpus && rc == S2SIM_OK; i++) {
		VcpuCounters &v = vcpus[i]->counters();
		std::string p = "vcpu." + std::to_string(i) + ".";
		std::string n[4] = { p + "accesses", p + "reads", p + "writes",
				     p + "instructions" };
		const Counter c[] = {
			{ n[0].c_str(), "accesses", "guest memory accesses completed",
			  &v.accesses },
			{ n[1].c_str(), "accesses", "guest reads completed", &v.reads },
			{ n[2].c_str(), "accesses", "guest writes completed", &v.writes },
			{ n[3].c_str(), "instructions",
			  "guest instructions between accesses", &v.instructions },
		};
		rc = add_counters(stats, c, sizeof(c) / sizeof(c[0]));
		for (unsigned b = 0; b < S2SIM_T_NBUCKETS && rc == S2SIM_OK; b++) {
			std::string tn = p + "time." + s2sim_time_bucket_names[b] + "_ps";

			rc = s2sim_stats_counter(stats, tn.c_str(), "ps",
						 "simulated time of this vCPU by activity",
						 &v.time[b]);
		}
	}
	return rc;
}

/* Totals, the last timeline intervals, phase durations (sim_finalize()). */
int Platform::Impl::finalize()
{
	int rc = S2SIM_OK;

	for (auto &v : vcpus) {
		total_accesses += v->counters().accesses;
		total_reads += v->counters().reads;
		total_writes += v->counters().writes;
		v->flush_timeline();
	}
	s2sim_machine_sum(&machine);
	s2sim_fabric_stats_flush(fabric);
	for (WorkloadDispatcher::Phase &p : disp->phases()) {
		std::string base = p.phase == S2SIM_PHASE_POPULATE
					   ? std::string("phase.populate")
					   : "phase.iteration_" + std::to_string(p.phase);
		std::string t = base + ".time_ps", a = base + ".accesses",
			    s = base + ".start_ps";

		p.end -= p.start; /* from here on: the phase's duration */
		rc = s2sim_stats_counter(stats, t.c_str(), "ps",
					 "simulated duration of the phase", &p.end);
		if (rc == S2SIM_OK)
			rc = s2sim_stats_counter(stats, a.c_str(), "accesses",
						 "guest accesses completed in the phase",
						 &p.accesses);
		if (rc == S2SIM_OK)
			rc = s2sim_stats_counter(stats, s.c_str(), "ps",
						 "simulated time the phase began", &p.start);
		if (rc != S2SIM_OK)
			break;
	}
	return rc;
}

int Platform::write_outputs(const std::string &dir)
{
	Impl &m = *impl_;
	std::string cfg = dir + "/config.yaml", tl = dir + "/timeline.csv",
		    st = dir + "/stats.json";
	int rc;

	if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
		return fail(S2SIM_EIO, dir + ": cannot create: " + std::strerror(errno));
	rc = s2sim_config_write_yaml(m.config, cfg.c_str());
	if (rc != S2SIM_OK)
		return fail(rc, cfg + ": " + s2sim_config_errmsg(m.config));
	rc = s2sim_stats_write_timeline_csv(m.stats, "guest.accesses_per_interval",
					    tl.c_str());
	if (rc == S2SIM_OK)
		rc = s2sim_stats_write_json(m.stats, st.c_str(), nullptr);
	if (rc != S2SIM_OK)
		return fail(rc, dir + ": " + s2sim_stats_errmsg(m.stats));
	return S2SIM_OK;
}

} // namespace s2sim
