/*
 * Simulated kvm->mmu_lock benchmark (core/kvm/mmu_lock.c).
 *
 * A closed loop of NPES PEs with the default (Neoverse N1-class) timing at
 * 3 GHz: each PE requests the lock THINK_NS after its last release, holds it
 * HOLD_NS, releases it, and so on (the shape of the dirty-logging fault
 * loop).  Every request is made ahead of engine time, so it goes through the
 * engine (arrival, grant, release events).  Reported:
 *  - wall-clock cost of one simulated acquisition, per kind and mode mix
 *    (median of REPEATS runs of NACQ acquisitions);
 *  - the simulated figures the model produces: the spinlock's mean
 *    handover time with NPES-1 waiters (simulated time per grant minus the
 *    hold), and the read-only rwlock's grant rate (bounded by the lock
 *    line, not by exclusion);
 *  - the uncontended path (request at engine now: granted on the spot;
 *    the release, HOLD_NS later, is an engine event).
 *
 * Output: "name<TAB>value<TAB>unit" lines on stdout.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <s2sim/engine.h>
#include "core/kvm/mmu_lock.h"

#define NPES 48
#define NACQ 2000000
#define REPEATS 3
#define HOLD_NS 1000
#define THINK_NS 2000
#define FAST_ITERS 5000000

struct loop {
	s2sim_mmu_lock *lk;
	enum s2sim_mmu_lock_mode mode[NPES];
	uint64_t rng;
	uint64_t grants;
	int write_pct;
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
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void granted(void *ctx, unsigned pe, s2sim_time_ps t)
{
	struct loop *l = ctx;
	s2sim_time_ps rel = t + HOLD_NS * 1000ull;
	enum s2sim_mmu_lock_mode m;

	if (s2sim_mmu_lock_release(l->lk, pe, rel, NULL))
		l->failed = 1;
	if (++l->grants >= NACQ)
		return;
	m = (int)(xorshift64(&l->rng) % 100) < l->write_pct ?
		    S2SIM_MMU_LOCK_WRITE : S2SIM_MMU_LOCK_READ;
	if (s2sim_mmu_lock_acquire(l->lk, pe, m, rel + THINK_NS * 1000ull,
				   granted, l, NULL))
		l->failed = 1;
}

/* One closed-loop run; returns wall seconds, *sim_ps the simulated span. */
static double run_loop(enum s2sim_mmu_lock_kind kind, int write_pct,
		       s2sim_time_ps *sim_ps)
{
	struct s2sim_mmu_lock_params p;
	struct loop l = { .rng = 0x2545f4914f6cdd1dull, .write_pct = write_pct };
	s2sim_engine *eng;
	double t0, t1;

	s2sim_mmu_lock_default_params(&p, 3000.0);
	if (s2sim_engine_create(&eng) ||
	    s2sim_mmu_lock_create(&l.lk, kind, &p, NPES, eng, NULL, NULL)) {
		fprintf(stderr, "bench_lock: setup failed\n");
		exit(1);
	}
	for (unsigned pe = 0; pe < NPES; pe++)
		if (s2sim_mmu_lock_acquire(l.lk, pe, S2SIM_MMU_LOCK_WRITE,
					   1000 + pe * 10000ull, granted, &l,
					   NULL))
			l.failed = 1;
	t0 = seconds();
	s2sim_engine_run(eng, S2SIM_TIME_MAX);
	t1 = seconds();
	*sim_ps = s2sim_engine_now(eng);
	if (l.failed || l.grants < NACQ) {
		fprintf(stderr, "bench_lock: %s\n", s2sim_mmu_lock_errmsg(l.lk));
		exit(1);
	}
	s2sim_mmu_lock_destroy(l.lk);
	s2sim_engine_destroy(eng);
	return t1 - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_loop(enum s2sim_mmu_lock_kind kind, int write_pct,
			  s2sim_time_ps *sim_ps)
{
	double w[REPEATS];

	for (int i = 0; i < REPEATS; i++)
		w[i] = run_loop(kind, write_pct, sim_ps);
	qsort(w, REPEATS, sizeof(w[0]), cmp_double);
	return w[REPEATS / 2];
}

static void noop_grant(void *ctx, unsigned pe, s2sim_time_ps t)
{
	(void)ctx;
	(void)pe;
	(void)t;
}

struct solo {
	s2sim_mmu_lock *lk;
	long left;
	int failed;
};

/* One PE alone: at engine now it takes the lock on the spot, releases it
 * HOLD_NS later (a release event) and comes back THINK_NS after that. */
static void solo_step(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct solo *so = ctx;
	s2sim_time_ps g, done;

	(void)arg;
	so->failed |= s2sim_mmu_lock_acquire(so->lk, 0, S2SIM_MMU_LOCK_READ,
					     s2sim_engine_now(eng), noop_grant,
					     NULL, &g);
	so->failed |= s2sim_mmu_lock_release(so->lk, 0, g + HOLD_NS * 1000ull,
					     &done);
	if (--so->left > 0)
		so->failed |= s2sim_engine_schedule_at(eng,
						       done + THINK_NS * 1000ull,
						       solo_step, so, 0, NULL);
}

/* Uncontended path as the hypervisor model uses it: no arrival or grant
 * event, one release event (plus the PE's own step event). */
static double fast_path_ns(void)
{
	struct s2sim_mmu_lock_params p;
	struct solo so = { .left = FAST_ITERS };
	s2sim_engine *eng;
	double t0, t1;

	s2sim_mmu_lock_default_params(&p, 3000.0);
	if (s2sim_engine_create(&eng) ||
	    s2sim_mmu_lock_create(&so.lk, S2SIM_MMU_LOCK_RW, &p, 1, eng, NULL,
				  NULL) ||
	    s2sim_engine_schedule_at(eng, 0, solo_step, &so, 0, NULL))
		exit(1);
	t0 = seconds();
	s2sim_engine_run(eng, S2SIM_TIME_MAX);
	t1 = seconds();
	if (so.failed || so.left != 0) {
		fprintf(stderr, "bench_lock: %s\n", s2sim_mmu_lock_errmsg(so.lk));
		exit(1);
	}
	s2sim_mmu_lock_destroy(so.lk);
	s2sim_engine_destroy(eng);
	return (t1 - t0) * 1e9 / FAST_ITERS;
}

int main(void)
{
	s2sim_time_ps sim;
	double w;

	w = median_loop(S2SIM_MMU_LOCK_SPIN, 100, &sim);
	printf("lock_spin_48pe_wall_per_acquire\t%.1f\tns\n", w * 1e9 / NACQ);
	printf("lock_spin_48pe_sim_handover\t%.1f\tns\n",
	       (double)sim / 1000.0 / NACQ - HOLD_NS);
	w = median_loop(S2SIM_MMU_LOCK_RW, 20, &sim);
	printf("lock_rw20w_48pe_wall_per_acquire\t%.1f\tns\n", w * 1e9 / NACQ);
	w = median_loop(S2SIM_MMU_LOCK_RW, 0, &sim);
	printf("lock_rw_read_48pe_wall_per_acquire\t%.1f\tns\n",
	       w * 1e9 / NACQ);
	printf("lock_rw_read_48pe_sim_grants_per_us\t%.2f\tgrants/us\n",
	       (double)NACQ / ((double)sim / 1e6));
	printf("lock_uncontended_wall_per_acquire\t%.1f\tns\n", fast_path_ns());
	return 0;
}
