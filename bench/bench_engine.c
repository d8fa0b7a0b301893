/*
 * Event engine benchmark.
 *
 * The classic "hold" model of priority-queue benchmarks: keep N events
 * pending; each dispatched event schedules one new event at now + a
 * pseudo-random delay, so every event is scheduled once and dispatched once
 * and the queue size stays N.  Reports events scheduled+dispatched per second
 * for N = 1000 and N = 1000000, and the cost of a schedule+cancel pair with
 * 1000 events pending.  Each figure is the median of REPEATS measurements of
 * at least MIN_SECONDS of wall time (CLOCK_MONOTONIC).
 *
 * Output: "name<TAB>value<TAB>unit" lines on stdout.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <s2sim/engine.h>

#define MIN_SECONDS 0.5
#define REPEATS 3
#define BATCH 65536                     /* events between clock reads */
#define DELAY_MASK ((UINT64_C(1) << 20) - 1) /* delays 1 .. 2^20 ps */

struct hold {
	uint64_t rng;   /* xorshift64 state */
	uint64_t count; /* events dispatched */
	int failed;
};

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void hold_fn(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct hold *h = ctx;
	uint64_t delay = 1 + (xorshift64(&h->rng) & DELAY_MASK);

	(void)arg;
	if (s2sim_engine_schedule_in(eng, delay, hold_fn, h, 0, NULL))
		h->failed = 1;
	if (++h->count % BATCH == 0)
		s2sim_engine_stop(eng); /* let the driver read the clock */
}

static int fill(s2sim_engine *eng, struct hold *h, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t t = s2sim_engine_now(eng) + 1 +
			     (xorshift64(&h->rng) & DELAY_MASK);

		if (s2sim_engine_schedule_at(eng, t, hold_fn, h, 0, NULL))
			return -1;
	}
	return 0;
}

/* Run whole batches until at least `min_s` seconds passed; events/s. */
static double run_for(s2sim_engine *eng, struct hold *h, double min_s)
{
	uint64_t start = h->count;
	double t0 = seconds(), dt;

	do {
		s2sim_engine_run(eng, S2SIM_TIME_MAX);
		dt = seconds() - t0;
	} while (dt < min_s && !h->failed);
	return (double)(h->count - start) / dt;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* Hold model with `pending` events; Mevents/s, or < 0 on failure. */
static double bench_hold(uint64_t pending)
{
	struct hold h = { .rng = 0x9E3779B97F4A7C15ull };
	s2sim_engine *eng;
	double rate[REPEATS];

	if (s2sim_engine_create(&eng) || fill(eng, &h, pending)) {
		s2sim_engine_destroy(eng);
		return -1;
	}
	/* Warm up: every initial event fired once, caches and heap settled. */
	while (h.count < 2 * pending + BATCH && !h.failed)
		s2sim_engine_run(eng, S2SIM_TIME_MAX);
	for (int r = 0; r < REPEATS; r++)
		rate[r] = run_for(eng, &h, MIN_SECONDS);
	if (h.failed || s2sim_engine_pending(eng) != pending) {
		fprintf(stderr, "bench_engine: %s\n", s2sim_engine_errmsg(eng));
		s2sim_engine_destroy(eng);
		return -1;
	}
	s2sim_engine_destroy(eng);
	return median(rate, REPEATS) / 1e6;
}

/* BATCH events scheduled at pseudo-random future times and cancelled at
 * once (the timeout pattern); 1 on error. */
static int sched_cancel_batch(s2sim_engine *eng, struct hold *h)
{
	for (int i = 0; i < BATCH; i++) {
		uint64_t t = 1 + (xorshift64(&h->rng) & DELAY_MASK);
		s2sim_event_id id;

		if (s2sim_engine_schedule_at(eng, t, hold_fn, h, 0, &id) ||
		    s2sim_engine_cancel(eng, id))
			return 1;
	}
	return 0;
}

/* Nanoseconds per schedule+cancel pair, `pending` other events queued. */
static double bench_sched_cancel(uint64_t pending)
{
	struct hold h = { .rng = 0x2545F4914F6CDD1Dull };
	double ns[REPEATS];
	s2sim_engine *eng;

	if (s2sim_engine_create(&eng) || fill(eng, &h, pending)) {
		s2sim_engine_destroy(eng);
		return -1;
	}
	for (int r = 0; r < REPEATS; r++) {
		uint64_t pairs = 0;
		double t0 = seconds(), dt;

		do {
			h.failed |= sched_cancel_batch(eng, &h);
			pairs += BATCH;
			dt = seconds() - t0;
		} while (dt < MIN_SECONDS && !h.failed);
		ns[r] = dt * 1e9 / (double)pairs;
	}
	if (h.failed || s2sim_engine_pending(eng) != pending) {
		fprintf(stderr, "bench_engine: %s\n", s2sim_engine_errmsg(eng));
		s2sim_engine_destroy(eng);
		return -1;
	}
	s2sim_engine_destroy(eng);
	return median(ns, REPEATS);
}

/* Print one figure; 1 if its measurement failed. */
static int report(const char *name, double v, const char *unit)
{
	if (v < 0) {
		fprintf(stderr, "bench_engine: %s failed\n", name);
		return 1;
	}
	printf("%s\t%.2f\t%s\n", name, v, unit);
	fflush(stdout);
	return 0;
}

/* argv[1], if given, selects the figures whose name contains it. */
static int wanted(const char *only, const char *name)
{
	return !only || strstr(name, only);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	int bad = 0;

	if (wanted(only, "engine.hold_1k"))
		bad |= report("engine.hold_1k", bench_hold(1000),
			      "Mevents/s");
	if (wanted(only, "engine.hold_1M"))
		bad |= report("engine.hold_1M", bench_hold(1000000),
			      "Mevents/s");
	if (wanted(only, "engine.sched_cancel_1k"))
		bad |= report("engine.sched_cancel_1k",
			      bench_sched_cancel(1000), "ns/pair");
	return bad;
}
