/*
 * One simulation: builds the engine, the vCPUs and the workload from a
 * configuration, runs it, and writes its outputs.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <s2sim/sim.h>

#include "core/config/config_internal.h"
#include "core/config/fabric_cfg.h"
#include "core/run/mem_budget.h"
#include "core/run/sim_internal.h"

static int register_vcpu_stats(struct s2sim_sim *sim, struct s2sim_vcpu *v)
{
	struct { const char *field, *unit, *desc; const uint64_t *v; } c[] = {
		{ "accesses", "accesses", "guest memory accesses completed",
		  &v->accesses },
		{ "reads", "accesses", "guest reads completed", &v->reads },
		{ "writes", "accesses", "guest writes completed", &v->writes },
		{ "instructions", "instructions",
		  "guest instructions between accesses", &v->instructions },
	};
	char name[96];
	int rc = S2SIM_OK;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]) && rc == S2SIM_OK; i++) {
		snprintf(name, sizeof(name), "vcpu.%u.%s", v->id, c[i].field);
		rc = s2sim_stats_counter(sim->stats, name, c[i].unit, c[i].desc,
					 c[i].v);
	}
	for (unsigned b = 0; b < S2SIM_T_NBUCKETS && rc == S2SIM_OK; b++) {
		snprintf(name, sizeof(name), "vcpu.%u.time.%s_ps", v->id,
			 s2sim_time_bucket_names[b]);
		rc = s2sim_stats_counter(sim->stats, name, "ps",
					 "simulated time of this vCPU by activity",
					 &v->time[b]);
	}
	return rc;
}

static int register_stats(struct s2sim_sim *sim)
{
	struct { const char *name, *unit, *desc; const uint64_t *v; } c[] = {
		{ "sim.time_ps", "ps", "simulated time at the end of the workload",
		  &sim->end_time_ps },
		{ "sim.records", "records", "workload records consumed",
		  &sim->records },
		{ "vmm.events", "events", "VMM records applied (memslot, dirty log, phase)",
		  &sim->vmm_events },
		{ "guest.accesses", "accesses", "guest accesses, all vCPUs",
		  &sim->total_accesses },
		{ "guest.reads", "accesses", "guest reads, all vCPUs",
		  &sim->total_reads },
		{ "guest.writes", "accesses", "guest writes, all vCPUs",
		  &sim->total_writes },
	};
	int rc = S2SIM_OK;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]) && rc == S2SIM_OK; i++)
		rc = s2sim_stats_counter(sim->stats, c[i].name, c[i].unit,
					 c[i].desc, c[i].v);
	for (uint32_t i = 0; i < sim->nvcpus && rc == S2SIM_OK; i++)
		rc = register_vcpu_stats(sim, &sim->vcpus[i]);
	if (rc != S2SIM_OK)
		return s2sim_err(&sim->err, rc, "stats: %s",
				 s2sim_stats_errmsg(sim->stats));
	return S2SIM_OK;
}

static int make_timeline(struct s2sim_sim *sim)
{
	char **names = calloc(sim->nvcpus, sizeof(*names));
	int rc = S2SIM_OK;

	if (!names)
		return s2sim_err(&sim->err, S2SIM_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < sim->nvcpus && rc == S2SIM_OK; i++) {
		names[i] = malloc(16);
		if (!names[i])
			rc = S2SIM_ENOMEM;
		else
			snprintf(names[i], 16, "vcpu%u", i);
	}
	if (rc == S2SIM_OK) {
		sim->tl_accesses = s2sim_stats_timeline(
			sim->stats, "guest.accesses_per_interval", "accesses", sim->interval_ps,
			sim->nvcpus, (const char *const *)names);
		if (!sim->tl_accesses)
			rc = s2sim_err(&sim->err, S2SIM_ENOMEM, "stats: %s",
				       s2sim_stats_errmsg(sim->stats));
	}
	for (uint32_t i = 0; i < sim->nvcpus; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Tell the fabric's snoop filter what the MMUs cache. */
static void note_install(void *ctx, uint32_t pe, uint16_t vmid, uint64_t ipa,
			 unsigned size_log2)
{
	s2sim_fabric_note_install(ctx, pe, vmid, ipa, size_log2);
}

/* The DVM fabric and the hypervisor model on top of the machine. */
static int build_hypervisor(struct s2sim_sim *sim)
{
	struct s2sim_fabric_params fp;
	int rc;

	s2sim_cfg_fabric_params(sim->cfg, &fp);
	rc = s2sim_fabric_create(sim->eng, &fp, &sim->fabric);
	if (rc == S2SIM_OK)
		rc = s2sim_fabric_register_stats(sim->fabric, sim->stats, "fabric");
	if (rc != S2SIM_OK)
		return s2sim_err(&sim->err, rc, "fabric: %s",
				 sim->fabric ? s2sim_fabric_errmsg(sim->fabric)
					     : "out of memory");
	if (sim->cfg->fabric.snoop_filter != S2SIM_SNOOP_FILTER_NONE)
		for (uint32_t i = 0; i < sim->nvcpus; i++) {
			sim->machine.mmu[i].on_install = note_install;
			sim->machine.mmu[i].install_ctx = sim->fabric;
		}
	rc = s2sim_kvm_create(&sim->kvm, sim->cfg, sim->eng, sim->fabric,
			      sim->stats, &sim->machine.pt, sim->machine.mmu,
			      sim->nvcpus, &sim->err);
	if (rc == S2SIM_OK)
		rc = s2sim_ct_create(&sim->ctrace, sim->cfg, sim->nvcpus, sim->stats,
				     &sim->err);
	if (rc == S2SIM_OK && sim->ctrace)
		s2sim_ct_attach_kvm(sim->ctrace, sim->kvm);
	return rc;
}

/* workload.vmm_concurrent: the VMM thread needs a PE of its own (the
 * configuration checks this for the generator; a trace names its vCPU
 * count only here). */
static int vmm_thread_setup(struct s2sim_sim *sim)
{
	uint32_t pe = sim->cfg->hypervisor.vmm_pe;
	int rc;

	if (pe < sim->nvcpus)
		return s2sim_err(&sim->err, S2SIM_EINPUT,
				 "hypervisor.vmm_pe = %u runs vCPU %u of the "
				 "workload's %u; workload.vmm_concurrent needs a "
				 "VMM PE no vCPU runs on", pe, pe, sim->nvcpus);
	rc = s2sim_vmm_thread_register_stats(sim);
	if (rc != S2SIM_OK)
		return s2sim_err(&sim->err, rc, "stats: %s",
				 s2sim_stats_errmsg(sim->stats));
	return S2SIM_OK;
}

static int sim_build(struct s2sim_sim *sim)
{
	const struct s2sim_cfg *c = sim->cfg;
	int rc;

	if (s2sim_engine_create(&sim->eng) != S2SIM_OK ||
	    s2sim_stats_create(&sim->stats) != S2SIM_OK)
		return s2sim_err(&sim->err, S2SIM_ENOMEM, "out of memory");
	sim->cpu_clock = s2sim_clock_from_mhz(c->platform.cpu_mhz);
	sim->quantum = c->sim.quantum_ns * 1000;
	sim->interval_ps = c->sim.timeline_interval_us * 1000000;
	sim->access_ps = s2sim_clock_cycles(sim->cpu_clock,
					    c->platform.access_cycles);
	s2sim_engine_set_quantum(sim->eng, sim->quantum);

	rc = s2sim_workload_from_config(&sim->wl, sim->config);
	if (rc != S2SIM_OK)
		return s2sim_err(&sim->err, rc, "%s",
				 s2sim_workload_errmsg(sim->wl));
	sim->nvcpus = s2sim_workload_vcpus(sim->wl);
	if (sim->nvcpus == 0 || sim->nvcpus > c->platform.pes)
		return s2sim_err(&sim->err, S2SIM_EINPUT,
				 "the workload has %u vCPUs; the platform has %u PEs",
				 sim->nvcpus, c->platform.pes);
	rc = s2sim_mem_check(sim->config, sim->nvcpus, &sim->err);
	if (rc != S2SIM_OK)
		return rc;
	sim->vcpus = calloc(sim->nvcpus, sizeof(*sim->vcpus));
	if (!sim->vcpus)
		return s2sim_err(&sim->err, S2SIM_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < sim->nvcpus; i++) {
		sim->vcpus[i].sim = sim;
		sim->vcpus[i].id = i;
	}
	rc = make_timeline(sim);
	if (rc == S2SIM_OK)
		rc = register_stats(sim);
	if (rc == S2SIM_OK && c->workload.vmm_concurrent)
		rc = vmm_thread_setup(sim);
	if (rc != S2SIM_OK)
		return rc;
	sim->machine_ready = true;
	rc = s2sim_machine_init(&sim->machine, c, sim->nvcpus, sim->stats,
				&sim->err);
	return rc == S2SIM_OK ? build_hypervisor(sim) : rc;
}

int s2sim_sim_create(s2sim_sim **out, const s2sim_config *cfg)
{
	struct s2sim_sim *sim = calloc(1, sizeof(*sim));

	*out = sim;
	if (!sim)
		return S2SIM_ENOMEM;
	if (!cfg)
		return s2sim_err(&sim->err, S2SIM_EMISUSE, "no configuration");
	sim->config = cfg;
	sim->cfg = s2sim_config_values(cfg);
	return sim_build(sim);
}

void s2sim_sim_destroy(s2sim_sim *sim)
{
	if (!sim)
		return;
	for (uint32_t i = 0; sim->vcpus && i < sim->nvcpus; i++)
		s2sim_aq_free(&sim->vcpus[i].queue);
	free(sim->vcpus);
	s2sim_ct_destroy(sim->ctrace);
	s2sim_kvm_destroy(sim->kvm);
	s2sim_fabric_destroy(sim->fabric);
	if (sim->machine_ready)
		s2sim_machine_fini(&sim->machine);
	s2sim_workload_destroy(sim->wl);
	s2sim_stats_destroy(sim->stats);
	s2sim_engine_destroy(sim->eng);
	free(sim);
}

const char *s2sim_sim_errmsg(const s2sim_sim *sim)
{
	return sim ? s2sim_err_msg(&sim->err) : "out of memory";
}

/* Totals, the last partial timeline interval of each vCPU, phase times. */
static int sim_finalize(struct s2sim_sim *sim)
{
	char name[64];
	int rc = S2SIM_OK;

	for (uint32_t i = 0; i < sim->nvcpus; i++) {
		struct s2sim_vcpu *v = &sim->vcpus[i];

		sim->total_accesses += v->accesses;
		sim->total_reads += v->reads;
		sim->total_writes += v->writes;
		if (v->tl_count)
			s2sim_timeline_add(sim->tl_accesses,
					   v->tl_index * sim->interval_ps, i,
					   v->tl_count);
		v->tl_count = 0;
	}
	s2sim_machine_sum(&sim->machine);
	s2sim_fabric_stats_flush(sim->fabric);
	if (sim->ctrace)
		s2sim_ct_finish(sim->ctrace);
	for (uint32_t i = 0; i < sim->nphases && rc == S2SIM_OK; i++) {
		struct s2sim_phase_time *p = &sim->phases[i];
		char base[48];

		p->end -= p->start; /* from here on: the phase's duration */
		if (p->phase == S2SIM_PHASE_POPULATE)
			snprintf(base, sizeof(base), "phase.populate");
		else
			snprintf(base, sizeof(base), "phase.iteration_%u", p->phase);
		snprintf(name, sizeof(name), "%s.time_ps", base);
		rc = s2sim_stats_counter(sim->stats, name, "ps",
					 "simulated duration of the phase", &p->end);
		snprintf(name, sizeof(name), "%s.accesses", base);
		if (rc == S2SIM_OK)
			rc = s2sim_stats_counter(sim->stats, name, "accesses",
						 "guest accesses completed in the phase",
						 &p->accesses);
		snprintf(name, sizeof(name), "%s.start_ps", base);
		if (rc == S2SIM_OK)
			rc = s2sim_stats_counter(sim->stats, name, "ps",
						 "simulated time the phase began", &p->start);
	}
	return rc;
}

void s2sim_sim_set_progress(s2sim_sim *sim, s2sim_progress_fn fn, void *ctx,
			    double interval_s)
{
	sim->progress = fn;
	sim->progress_ctx = ctx;
	sim->progress_interval = interval_s;
}

static double host_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Accesses of the generator's workload: one per guest page per pass. */
static uint64_t total_accesses(const struct s2sim_sim *sim)
{
	const struct s2sim_cfg *c = sim->cfg;

	if (c->workload.source != S2SIM_SRC_GENERATOR)
		return 0;
	return (uint64_t)c->workload.vcpus *
	       (c->workload.bytes_per_vcpu / c->workload.guest_page_size) *
	       (1 + (uint64_t)c->workload.iterations);
}

static void report_progress(struct s2sim_sim *sim, double t0)
{
	s2sim_progress p = { .sim_time = s2sim_engine_now(sim->eng),
			     .total_accesses = total_accesses(sim),
			     .accesses = s2sim_guest_accesses(sim),
			     .host_seconds = host_now() - t0 };

	sim->progress(sim->progress_ctx, &p);
}

static bool stop_requested(struct s2sim_sim *sim)
{
	if (sim->stop_flag && *sim->stop_flag)
		sim->stopped = true;
	return sim->stopped;
}

/* Run the engine; with a progress callback or a stop flag, in slices of
 * simulated time so the host clock and the flag can be looked at between
 * them (the slicing does not change the order or the timing of any
 * event, and the engine is between two events when it returns). */
static int run_engine(struct s2sim_sim *sim)
{
	double t0 = host_now(), last = t0;
	s2sim_time_ps slice = 10 * sim->quantum, until = s2sim_engine_now(sim->eng);
	int rc;

	if (!sim->progress && !sim->stop_flag)
		return s2sim_engine_run(sim->eng, S2SIM_TIME_MAX);
	do {
		/* `now` stays at the last event dispatched, so advance our own
		 * bound, or an empty slice would repeat forever */
		until += slice;
		rc = s2sim_engine_run(sim->eng, until);
		if (sim->progress && host_now() - last >= sim->progress_interval) {
			last = host_now();
			report_progress(sim, t0);
		}
	} while (rc == S2SIM_OK && !sim->fatal && !sim->finished &&
		 !s2sim_kvm_error(sim->kvm) && !stop_requested(sim));
	return rc;
}

/* Stopped on the flag: close the phase in progress and the statistics at
 * the simulated time reached. */
static int stop_early(struct s2sim_sim *sim)
{
	s2sim_time_ps now = s2sim_engine_now(sim->eng);
	int rc;

	s2sim_phase_close(sim, now);
	sim->end_time_ps = now;
	rc = sim_finalize(sim);
	if (rc != S2SIM_OK)
		return s2sim_err(&sim->err, rc, "stats: %s",
				 s2sim_stats_errmsg(sim->stats));
	return s2sim_err(&sim->err, S2SIM_EINTR, "stopped at %.6f s simulated "
			 "(%llu workload records)", (double)now * 1e-12,
			 (unsigned long long)sim->records);
}

int s2sim_sim_run(s2sim_sim *sim)
{
	int rc;

	if (!sim || !sim->eng || !sim->wl)
		return S2SIM_EMISUSE;
	for (uint32_t i = 0; i < sim->nvcpus; i++) {
		rc = s2sim_vcpu_schedule(&sim->vcpus[i]);
		if (rc != S2SIM_OK)
			return s2sim_err(&sim->err, rc, "engine: %s",
					 s2sim_engine_errmsg(sim->eng));
	}
	while (!sim->fatal && !sim->finished && !stop_requested(sim)) {
		rc = run_engine(sim);
		if (s2sim_kvm_error(sim->kvm) && !sim->fatal)
			return s2sim_err(&sim->err, s2sim_kvm_error(sim->kvm), "%s",
					 s2sim_kvm_errmsg(sim->kvm));
		if (rc == S2SIM_DONE && !sim->finished && !sim->fatal)
			return s2sim_err(&sim->err, S2SIM_ESIM,
					 "no event left before the workload ended "
					 "(%u of %u vCPUs parked)", sim->nparked,
					 sim->nvcpus);
	}
	if (sim->fatal)
		return sim->err.rc ? sim->err.rc : sim->fatal;
	if (!sim->finished)
		return stop_early(sim);
	rc = sim_finalize(sim);
	if (rc != S2SIM_OK)
		return s2sim_err(&sim->err, rc, "stats: %s",
				 s2sim_stats_errmsg(sim->stats));
	return S2SIM_OK;
}

void s2sim_sim_set_stop_flag(s2sim_sim *sim, const volatile sig_atomic_t *flag)
{
	if (sim)
		sim->stop_flag = flag;
}

int s2sim_sim_partial(const s2sim_sim *sim)
{
	return sim && sim->stopped && !sim->finished;
}

const char *s2sim_sim_finding(s2sim_sim *sim, uint32_t i)
{
	uint32_t n = 0;
	const struct s2sim_finding *f = sim->kvm ? s2sim_kvm_findings(sim->kvm, &n)
						 : NULL;

	if (i >= n)
		return NULL;
	s2sim_finding_format(&f[i], sim->finding_line, sizeof(sim->finding_line));
	return sim->finding_line;
}

int s2sim_sim_finding_class(s2sim_sim *sim, uint32_t i)
{
	uint32_t n = 0;
	const struct s2sim_finding *f = sim->kvm ? s2sim_kvm_findings(sim->kvm, &n)
						 : NULL;

	return i < n ? f[i].cls : -1;
}

s2sim_time_ps s2sim_sim_time(const s2sim_sim *sim)
{
	return sim->end_time_ps;
}

s2sim_stats *s2sim_sim_stats(s2sim_sim *sim)
{
	return sim->stats;
}

/* The output files: final names, and those of a partial result. */
static const char *const out_names[2][3] = {
	{ "config.yaml", "timeline.csv", "stats.json" },
	{ "config.yaml", "timeline.partial.csv", "stats.partial.json" },
};

static int out_path(struct s2sim_sim *sim, const char *dir, const char *file,
		    char *path, size_t n)
{
	if ((size_t)snprintf(path, n, "%s/%s", dir, file) >= n)
		return s2sim_err(&sim->err, S2SIM_EINPUT, "%s: path too long", dir);
	return S2SIM_OK;
}

static int write_one(struct s2sim_sim *sim, const char *dir, int which)
{
	int partial = s2sim_sim_partial(sim);
	char path[4096], meta[128];
	int rc = out_path(sim, dir, out_names[partial][which], path, sizeof(path));

	if (rc != S2SIM_OK)
		return rc;
	snprintf(meta, sizeof(meta), "{\"partial\": true, \"sim_time_ps\": %llu}",
		 (unsigned long long)sim->end_time_ps);
	if (which == 2)
		rc = s2sim_stats_write_json(sim->stats, path, partial ? meta : NULL);
	else if (which == 1)
		rc = s2sim_stats_write_timeline_csv(sim->stats, "guest.accesses_per_interval",
						    path);
	else
		rc = s2sim_config_write_yaml(sim->config, path);
	if (rc != S2SIM_OK)
		return s2sim_err(&sim->err, rc, "%s: %s", path,
				 which == 0 ? s2sim_config_errmsg(sim->config)
					    : s2sim_stats_errmsg(sim->stats));
	return S2SIM_OK;
}

/* Remove the results of an earlier run of the other kind (partial or
 * final) so that the directory holds one run's outputs. */
static int remove_other(struct s2sim_sim *sim, const char *dir)
{
	int other = !s2sim_sim_partial(sim);
	char path[4096];

	for (int which = 2; which >= 1; which--) {
		if (out_path(sim, dir, out_names[other][which], path,
			     sizeof(path)) != S2SIM_OK)
			return S2SIM_EINPUT;
		if (unlink(path) != 0 && errno != ENOENT)
			return s2sim_err(&sim->err, S2SIM_EIO, "%s: cannot remove: %s",
					 path, strerror(errno));
	}
	return S2SIM_OK;
}

/* trace.json, unless sim.trace_window is off. */
static int write_trace(struct s2sim_sim *sim, const char *dir)
{
	const struct s2sim_cfg *c = sim->cfg;
	struct s2sim_ct_meta m = { .policy = c->hypervisor.policy,
				   .platform = c->platform.name,
				   .seed = c->sim.seed,
				   .end_ps = sim->end_time_ps };
	char path[4096];

	if (!sim->ctrace)
		return S2SIM_OK;
	if ((size_t)snprintf(path, sizeof(path), "%s/trace.json", dir) >= sizeof(path))
		return s2sim_err(&sim->err, S2SIM_EINPUT, "%s: path too long", dir);
	return s2sim_ct_write(sim->ctrace, &m, path, &sim->err);
}

int s2sim_sim_write_outputs(s2sim_sim *sim, const char *dir)
{
	int rc;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return s2sim_err(&sim->err, S2SIM_EIO, "%s: cannot create: %s",
				 dir, strerror(errno));
	/* A partial result first removes a stats.json of an earlier run; a
	 * final one writes stats.json last (a sweep's "finished" mark). */
	rc = s2sim_sim_partial(sim) ? remove_other(sim, dir) : S2SIM_OK;
	if (rc == S2SIM_OK)
		rc = write_trace(sim, dir);
	for (int which = 0; which < 3 && rc == S2SIM_OK; which++)
		rc = write_one(sim, dir, which);
	if (rc == S2SIM_OK && !s2sim_sim_partial(sim))
		rc = remove_other(sim, dir);
	return rc;
}
