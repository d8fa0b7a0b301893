/*
 * The human summary `s2sim run` prints: phases and guest throughput, the
 * stage-2 faults and TLB maintenance, lock and DSB waits, where the vCPUs'
 * time went, and the checker's findings.  Read from the statistics only,
 * so it shows exactly what stats.json holds.
 */
#include <stdbool.h>
#include <stdio.h>

#include <s2sim/sim.h>

#include "tools/run_report.h"

static const char *const buckets[] = {
	"guest", "walk", "exit", "lock_wait", "handler", "tlbi", "dsb_wait",
	"conflict", "barrier",
};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

static uint64_t get(s2sim_stats *st, const char *name)
{
	uint64_t v = 0;

	s2sim_stats_get(st, name, &v);
	return v;
}

static void print_phase(s2sim_stats *st, const char *base, const char *label)
{
	char name[80];
	uint64_t t, acc;

	snprintf(name, sizeof(name), "%s.time_ps", base);
	if (s2sim_stats_get(st, name, &t) != S2SIM_OK)
		return;
	snprintf(name, sizeof(name), "%s.accesses", base);
	acc = get(st, name);
	printf("  %-22s %12.6f s  %10.2f M guest accesses/s\n", label,
	       (double)t * 1e-12, t ? (double)acc / ((double)t * 1e-12) * 1e-6 : 0.0);
}

static void print_phases(s2sim_stats *st)
{
	char base[48], label[48], name[64];
	uint64_t v;

	print_phase(st, "phase.populate", "populate memory");
	for (unsigned i = 1;; i++) {
		snprintf(base, sizeof(base), "phase.iteration_%u", i);
		snprintf(name, sizeof(name), "%s.time_ps", base);
		if (s2sim_stats_get(st, name, &v) != S2SIM_OK)
			break;
		snprintf(label, sizeof(label), "dirty-log iteration %u", i);
		print_phase(st, base, label);
	}
}

static void print_hist(s2sim_stats *st, const char *name, const char *label)
{
	const s2sim_hist *h = s2sim_stats_find_hist(st, name);

	if (!h || !s2sim_hist_count(h))
		return;
	printf("  %-22s p50 %.3f us  p99 %.3f us  max %.3f us  (%llu)\n", label,
	       (double)s2sim_hist_percentile(h, 50) * 1e-6,
	       (double)s2sim_hist_percentile(h, 99) * 1e-6,
	       (double)s2sim_hist_max(h) * 1e-6,
	       (unsigned long long)s2sim_hist_count(h));
}

/* Sum of each time bucket over every vCPU, as shares of the total. */
static void print_time_split(s2sim_stats *st, uint32_t vcpus)
{
	uint64_t sum[NBUCKETS] = { 0 }, total = 0;
	char name[96];

	for (uint32_t v = 0; v < vcpus; v++)
		for (size_t b = 0; b < NBUCKETS; b++) {
			snprintf(name, sizeof(name), "vcpu.%u.time.%s_ps", v, buckets[b]);
			sum[b] += get(st, name);
		}
	for (size_t b = 0; b < NBUCKETS; b++)
		total += sum[b];
	if (!total)
		return;
	printf("  where vCPU time went  ");
	for (size_t b = 0; b < NBUCKETS; b++)
		if (sum[b])
			printf(" %s %.1f%%", buckets[b], 100.0 * (double)sum[b] / (double)total);
	printf("\n");
}

static uint32_t count_vcpus(s2sim_stats *st)
{
	char name[48];
	uint64_t v;
	uint32_t n = 0;

	for (;; n++) {
		snprintf(name, sizeof(name), "vcpu.%u.accesses", n);
		if (s2sim_stats_get(st, name, &v) != S2SIM_OK)
			return n;
	}
}

/* Whether kept finding i is the first of its class: a run that breaks one
 * rule thousands of times still shows the first break of every other. */
static bool first_of_its_class(s2sim_sim *sim, uint32_t i)
{
	int cls = s2sim_sim_finding_class(sim, i);

	for (uint32_t j = 0; j < i; j++)
		if (s2sim_sim_finding_class(sim, j) == cls)
			return false;
	return true;
}

static void print_findings(s2sim_sim *sim, s2sim_stats *st, bool checker)
{
	uint64_t n = get(st, "check.findings.bbm") + get(st, "check.findings.tlb_conflict") +
		     get(st, "check.findings.stale") + get(st, "check.findings.dirty");
	const char *line;

	if (!checker) {
		printf("  checker                off (hypervisor.check: false)\n");
		return;
	}
	printf("  checker findings       %llu (bbm %llu, tlb conflict %llu, stale %llu, dirty %llu)\n",
	       (unsigned long long)n, (unsigned long long)get(st, "check.findings.bbm"),
	       (unsigned long long)get(st, "check.findings.tlb_conflict"),
	       (unsigned long long)get(st, "check.findings.stale"),
	       (unsigned long long)get(st, "check.findings.dirty"));
	for (uint32_t i = 0; (line = s2sim_sim_finding(sim, i)); i++)
		if (first_of_its_class(sim, i))
			printf("    %s\n", line);
	if (n)
		printf("    (the first of each class; s2sim_sim_finding() keeps 16 of each)\n");
}

/* Whether trace.json was written (sim.trace_window not off). */
static bool has_trace(s2sim_stats *st)
{
	uint64_t n;

	return s2sim_stats_get(st, "trace.events", &n) == S2SIM_OK;
}

static void print_trace(s2sim_stats *st)
{
	if (!has_trace(st))
		return;
	printf("  trace.json             %llu events, %.6f s to %.6f s%s "
	       "(ui.perfetto.dev)\n", (unsigned long long)get(st, "trace.events"),
	       (double)get(st, "trace.window_start_ps") * 1e-12,
	       (double)get(st, "trace.window_end_ps") * 1e-12,
	       get(st, "trace.truncated") ? ", TRUNCATED at sim.trace_max_events" : "");
}

void s2sim_print_run_report(s2sim_sim *sim, const char *cfg_path,
			    const char *policy, bool checker, const char *out,
			    double host_s)
{
	s2sim_stats *st = s2sim_sim_stats(sim);
	uint64_t acc = get(st, "guest.accesses");
	uint32_t vcpus = count_vcpus(st);

	printf("s2sim run: %s (%u vCPUs, policy %s)\n", cfg_path, vcpus, policy);
	printf("  simulated time         %12.6f s\n", (double)s2sim_sim_time(sim) * 1e-12);
	print_phases(st);
	printf("  guest accesses         %llu (%llu writes)\n", (unsigned long long)acc,
	       (unsigned long long)get(st, "guest.writes"));
	printf("  stage-2 faults         %llu (translation %llu, permission %llu, "
	       "conflict %llu); maps %llu, splits %llu + %llu eager, relaxes %llu\n",
	       (unsigned long long)get(st, "kvm.faults"),
	       (unsigned long long)get(st, "kvm.faults.translation"),
	       (unsigned long long)get(st, "kvm.faults.permission"),
	       (unsigned long long)get(st, "kvm.faults.tlb_conflict"),
	       (unsigned long long)get(st, "kvm.maps"), (unsigned long long)get(st, "kvm.splits"),
	       (unsigned long long)get(st, "kvm.eager_splits"),
	       (unsigned long long)get(st, "kvm.relaxes"));
	printf("  TLB maintenance        %llu TLBI IS, %llu local TLBI, %llu DSB ISH; "
	       "%llu DVMOps, %llu snoops (%llu filtered)\n",
	       (unsigned long long)get(st, "kvm.tlbi.broadcast"),
	       (unsigned long long)get(st, "kvm.tlbi.local"),
	       (unsigned long long)get(st, "kvm.dsb_ish"),
	       (unsigned long long)get(st, "fabric.dn.rxreq_dvmop"),
	       (unsigned long long)get(st, "fabric.dn.snoops_sent"),
	       (unsigned long long)get(st, "fabric.dn.snoops_filtered"));
	print_hist(st, "kvm.mmu_lock.write.wait_ps", "mmu_lock write wait");
	print_hist(st, "kvm.mmu_lock.read.wait_ps", "mmu_lock read wait");
	print_hist(st, "fabric.dvmsync_latency", "DSB ISH (DVMSync)");
	print_time_split(st, vcpus);
	print_findings(sim, st, checker);
	printf("  host time              %.2f s (%.2f M guest accesses/s)\n", host_s,
	       host_s > 0 ? (double)acc / host_s * 1e-6 : 0.0);
	printf("  outputs                %s/{stats.json,timeline.csv,config.yaml%s}\n",
	       out, has_trace(st) ? ",trace.json" : "");
	print_trace(st);
}
