/*
 * DVM fabric benchmark: host throughput of the fabric model, in simulated
 * DVMOps per wall-clock second, at 48, 192 and 1024 requesters with snoop
 * filter none and vmid.
 *
 * Workload: the PEs form VMs of 8 vCPUs (VMID = 1 + pe / 8, each PE holds
 * a translation of its VMID); every PE loops "4 x TLBI IPAS2E1IS (its
 * VMID); DSB ISH" and starts its next round when its DSB completes.  With
 * filter none each DVMOp snoops every requester; with vmid it snoops the
 * VM's 8 PEs.  Both runs set filter_syncs (a DVMSync goes to the targets
 * snooped since their last sync, which with filter none is everybody) and
 * an unlimited VMID table.
 *
 * fabric.dvmops_80_none_kvm is the pattern of the KVM model's dirty-log
 * run (configs/t2a-48.yaml with 8 vCPUs): 80 requesters on the default
 * 8 x 6 mesh, of which the first 8 loop "TLBI IPAS2E1IS; DSB ISH", with
 * no snoop filter and syncs to everybody (the platform's defaults).
 *
 * Each figure is the median of REPEATS runs of at least MIN_SECONDS of
 * wall time.
 *
 * Output: "name<TAB>value<TAB>unit" lines on stdout.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <s2sim/engine.h>
#include <s2sim/fabric.h>

#define MIN_SECONDS 0.3
#define REPEATS 3
#define VM_VCPUS 8

/* One figure: the fabric and who issues what. */
struct bench_case {
	const char *name;
	uint32_t pes;
	uint32_t issuers;     /* PEs 0 .. issuers - 1 loop */
	uint32_t ops_per_dsb;
	enum s2sim_snoop_filter_kind filter;
	bool filter_syncs;
};

struct bench {
	s2sim_engine *eng;
	s2sim_fabric *fab;
	uint32_t ops_per_dsb;
	uint64_t issued, budget;
	uint64_t rng;
	uint64_t applied;
	int failed;
};

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void round_of(struct bench *b, uint32_t pe, s2sim_time_ps t)
{
	struct s2sim_dvm_op op = { .kind = S2SIM_DVM_IPAS2E1,
				   .share = S2SIM_DVM_ISH,
				   .vmid = (uint16_t)(1 + pe / VM_VCPUS) };

	if (b->issued >= b->budget)
		return;
	for (uint32_t i = 0; i < b->ops_per_dsb; i++) {
		op.ipa = (xorshift64(&b->rng) & 0xffffff) << 12;
		if (s2sim_fabric_tlbi(b->fab, pe, t, &op) != S2SIM_OK)
			b->failed = 1;
		b->issued++;
	}
	if (s2sim_fabric_dsb_ish(b->fab, pe, t) != S2SIM_OK)
		b->failed = 1;
}

static void on_sync(void *ctx, uint32_t pe, s2sim_time_ps t)
{
	round_of(ctx, pe, t);
}

static uint64_t on_apply(void *ctx, uint32_t pe,
			 const struct s2sim_dvm_op *op)
{
	struct bench *b = ctx;

	(void)pe;
	(void)op;
	b->applied++;
	return 0;
}

static void bench_params(struct s2sim_fabric_params *p,
			 const struct bench_case *c)
{
	s2sim_fabric_params_default(p);
	p->pes = c->pes;
	if (c->pes > 192) { /* 16 x 16 XPs of 4 PEs, the node in the middle */
		p->mesh_x = 16;
		p->mesh_y = 16;
		p->dn_xp[0] = 8 * 16 + 8;
	}
	p->filter = c->filter;
	p->filter_syncs = c->filter_syncs;
	p->vmid_filter_entries = 0;
}

/* Simulate `budget` DVMOps; returns the wall seconds, or -1. */
static double run_once(const struct bench_case *c, uint64_t budget)
{
	struct s2sim_fabric_params p;
	struct bench b = { .budget = budget, .rng = 88172645463325252ull,
			   .ops_per_dsb = c->ops_per_dsb };
	struct s2sim_fabric_callbacks cb = { .ctx = &b, .apply = on_apply,
					     .sync_done = on_sync };
	double t0, t1;

	bench_params(&p, c);
	if (s2sim_engine_create(&b.eng) != S2SIM_OK ||
	    s2sim_fabric_create(b.eng, &p, &b.fab) != S2SIM_OK) {
		fprintf(stderr, "bench_fabric: %s\n",
			b.fab ? s2sim_fabric_errmsg(b.fab) : "engine");
		return -1;
	}
	s2sim_fabric_set_callbacks(b.fab, &cb);
	for (uint32_t pe = 0; pe < c->pes; pe++)
		s2sim_fabric_note_install(b.fab, pe,
					  (uint16_t)(1 + pe / VM_VCPUS), 0, 21);
	t0 = seconds();
	for (uint32_t pe = 0; pe < c->issuers; pe++)
		round_of(&b, pe, 0);
	s2sim_engine_run(b.eng, S2SIM_TIME_MAX);
	t1 = seconds();
	if (b.failed || s2sim_fabric_get_stats(b.fab)->rxreq_dvmop != b.issued)
		fprintf(stderr, "bench_fabric: run failed: %s\n",
			s2sim_fabric_errmsg(b.fab));
	s2sim_fabric_destroy(b.fab);
	s2sim_engine_destroy(b.eng);
	return b.failed ? -1 : t1 - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of REPEATS measurements, each with a budget grown until the run
 * lasts MIN_SECONDS; DVMOps per second. */
static double measure(const struct bench_case *c)
{
	double rate[REPEATS];
	uint64_t budget = 1024;

	for (;;) {
		double s = run_once(c, budget);

		if (s < 0)
			return -1;
		if (s >= MIN_SECONDS)
			break;
		budget *= s > MIN_SECONDS / 8 ? 2 : 8;
	}
	for (int r = 0; r < REPEATS; r++) {
		double s = run_once(c, budget);

		if (s <= 0)
			return -1;
		rate[r] = (double)budget / s;
	}
	qsort(rate, REPEATS, sizeof(rate[0]), cmp_double);
	return rate[REPEATS / 2];
}

int main(void)
{
	static const struct bench_case cases[] = {
		{ "48_none", 48, 48, 4, S2SIM_SNOOP_FILTER_NONE, true },
		{ "48_vmid", 48, 48, 4, S2SIM_SNOOP_FILTER_VMID, true },
		{ "192_none", 192, 192, 4, S2SIM_SNOOP_FILTER_NONE, true },
		{ "192_vmid", 192, 192, 4, S2SIM_SNOOP_FILTER_VMID, true },
		{ "1024_none", 1024, 1024, 4, S2SIM_SNOOP_FILTER_NONE, true },
		{ "1024_vmid", 1024, 1024, 4, S2SIM_SNOOP_FILTER_VMID, true },
		{ "80_none_kvm", 80, 8, 1, S2SIM_SNOOP_FILTER_NONE, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double r = measure(&cases[i]);

		if (r < 0)
			return 1;
		printf("fabric.dvmops_%s\t%.4f\tMops/s\n", cases[i].name,
		       r / 1e6);
		fflush(stdout);
	}
	return 0;
}
