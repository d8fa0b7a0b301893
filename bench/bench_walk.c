/*
 * Stage-2 walk and page-table benchmark (core/mmu/walker.c, s2pt.c,
 * physmem.c, memport.c, walk_cache.c).
 *
 *  - walk.full: full walks (walk cache disabled) of random IPAs over a 4 GiB
 *    guest split to 4 KiB pages (40-bit IPA, start level 1: 3 lookups),
 *    through the default memory port (Neoverse N1 latencies, per-PE L1D/L2
 *    and shared SLC line model).
 *    Every walk's leaf descriptor is a random line of 8 MiB of tables, so
 *    this measures the host's memory latency as much as the walker.
 *  - walk.full_flat: the same through the flat port (no cache model): the
 *    ceiling the host's memory sets for walk.full.
 *  - walk.full_hot: walk.full over a 64 MiB guest, whose 128 KiB of tables
 *    stay in the host's caches: the walker's and the model's own cost.
 *  - walk.cached: the same with N1's walk cache (4/16/64 entries, 4 ways).
 *  - <name>_sim_latency: the mean simulated walk latency of those walks
 *    (not a speed: what the model charges, at 3 GHz).
 *  - pt.split_192g_build / pt.split_192g_rss: the tables of a 192 GiB guest
 *    (t2a-standard-48) mapped with 2 MiB blocks and then every block split
 *    to 4 KiB pages, as dirty logging eventually does: build time and the
 *    process's peak RSS (getrusage ru_maxrss) afterwards.
 * Walk figures are the median of REPEATS runs of at least MIN_SECONDS.
 *
 * Output: "name<TAB>value<TAB>unit" lines on stdout.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <s2sim/common.h>

#include "core/mmu/memport.h"
#include "core/mmu/physmem.h"
#include "core/mmu/s2pt.h"
#include "core/mmu/walk_cache.h"
#include "core/mmu/walker.h"

#define MIN_SECONDS 0.3
#define REPEATS 3
#define STREAM (1u << 16)
#define VMID 3
#define GiB (UINT64_C(1) << 30)
#define MiB (UINT64_C(1) << 20)
#define POOL_BASE (UINT64_C(1) << 40) /* table pages above guest RAM */
#define GUEST_PA (UINT64_C(1) << 32)

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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Map [0, bytes) with 2 MiB blocks, then split each block to 4 KiB. */
static int build_split(struct s2sim_s2pt *pt, uint64_t bytes)
{
	for (uint64_t ipa = 0; ipa < bytes; ipa += 2 * MiB)
		if (s2sim_s2pt_map(pt, ipa, GUEST_PA + ipa, 2 * MiB,
				   S2SIM_PROT_R | S2SIM_PROT_W))
			return -1;
	for (uint64_t ipa = 0; ipa < bytes; ipa += 2 * MiB)
		if (s2sim_s2pt_split(pt, ipa, 2, NULL))
			return -1;
	return 0;
}

/* Walks per second over the stream `s`; -1 if a walk faulted or the
 * result is wrong. */
static double run(struct s2sim_walker *w, const struct s2sim_s2ctx *c,
		  const uint64_t *s)
{
	struct s2sim_walk_result r;
	uint64_t n = 0;
	double t0 = seconds(), dt;

	do {
		for (unsigned i = 0; i < STREAM; i++) {
			s2sim_walker_translate(w, c, s[i], S2SIM_ACC_READ,
					       &r);
			if (r.fault || r.pa != GUEST_PA + s[i])
				return -1;
		}
		n += STREAM;
		dt = seconds() - t0;
	} while (dt < MIN_SECONDS);
	return (double)n / dt;
}

static int report(const char *name, struct s2sim_walker *w,
		  const struct s2sim_s2ctx *c, const uint64_t *s)
{
	double v[REPEATS];

	for (unsigned i = 0; i < REPEATS; i++)
		v[i] = run(w, c, s);
	qsort(v, REPEATS, sizeof(v[0]), cmp_double);
	if (v[0] < 0) {
		fprintf(stderr, "bench_walk: %s: a walk went wrong\n", name);
		return -1;
	}
	printf("%s\t%.2f\tMwalks/s\n", name, v[REPEATS / 2] / 1e6);
	printf("%s_sim_latency\t%.1f\tns\n", name,
	       (double)w->stats.latency_ps_sum / (double)w->stats.walks / 1e3);
	return 0;
}

/* Neoverse N1 / Altra figures of configs/platforms/neoverse-n1-altra.yaml. */
static const struct s2sim_memsys_params n1_mem = {
	1, 3000.0, 4, 11, 66, 243, 1024, 16384, 524288,
};
static const struct s2sim_cfg_walk_cache_level n1_wc[3] = {
	{ 4, 4 }, { 16, 4 }, { 64, 4 },
};

struct walk_bench {
	struct s2sim_physmem *pm;
	struct s2sim_s2pt pt;
	struct s2sim_memsys *ms;
	struct s2sim_walk_cache wc;
	uint64_t *stream;
};

static int walk_setup(struct walk_bench *b, uint64_t guest)
{
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	if (s2sim_physmem_create(POOL_BASE, 1 * GiB, &b->pm, NULL) ||
	    s2sim_s2pt_init(&b->pt, b->pm, VMID, 40, 48, 1, NULL) ||
	    build_split(&b->pt, guest) ||
	    s2sim_memsys_create(&n1_mem, b->pm, &b->ms, NULL) ||
	    s2sim_walk_cache_init(&b->wc, n1_wc, NULL))
		return -1;
	b->stream = malloc(STREAM * sizeof(*b->stream));
	if (!b->stream)
		return -1;
	for (unsigned i = 0; i < STREAM; i++)
		b->stream[i] = (xorshift64(&rng) % guest) & ~UINT64_C(7);
	return 0;
}

static void walk_teardown(struct walk_bench *b)
{
	free(b->stream);
	s2sim_walk_cache_fini(&b->wc);
	s2sim_memsys_destroy(b->ms);
	s2sim_s2pt_destroy(&b->pt);
	s2sim_physmem_destroy(b->pm);
}

static int one_walk_bench(struct walk_bench *b, const char *name,
			  struct s2sim_memport port, bool cached)
{
	struct s2sim_walker_params p = { 1000, 4, false };
	struct s2sim_walker w;
	int rc;

	if (s2sim_walker_init(&w, port, cached ? &b->wc : NULL, &p, NULL))
		return -1;
	rc = report(name, &w, &b->pt.ctx, b->stream);
	s2sim_walker_fini(&w);
	return rc;
}

/* Full walks over a guest small enough for its tables to stay in the
 * host's caches. */
static int hot_walks(void)
{
	struct walk_bench b = { 0 };
	int rc = -1;

	if (walk_setup(&b, 64 * MiB) == 0 &&
	    one_walk_bench(&b, "walk.full_hot", s2sim_memsys_port(b.ms, 0),
			   false) == 0)
		rc = 0;
	walk_teardown(&b);
	return rc;
}

static int walks(void)
{
	struct walk_bench b = { 0 };
	struct s2sim_flat_port fp = { 0 };
	int rc = -1;

	if (walk_setup(&b, 4 * GiB))
		goto out;
	fp.pm = b.pm;
	fp.latency_ps = 1000;
	if (one_walk_bench(&b, "walk.full", s2sim_memsys_port(b.ms, 0), false) ||
	    one_walk_bench(&b, "walk.full_flat", s2sim_flat_port_get(&fp),
			   false) ||
	    one_walk_bench(&b, "walk.cached", s2sim_memsys_port(b.ms, 0), true))
		goto out;
	rc = 0;
out:
	walk_teardown(&b);
	return rc;
}

/* The 192 GiB guest: 98304 blocks of 2 MiB, each split into 512 pages. */
static int split_192g(void)
{
	struct s2sim_physmem *pm = NULL;
	struct s2sim_physmem_stats st;
	struct s2sim_s2pt pt;
	struct s2sim_walk_result r;
	struct s2sim_flat_port fp = { 0 };
	struct s2sim_walker_params p = { 0, 1, false };
	struct s2sim_walker w;
	struct rusage ru;
	double t0, dt;
	uint64_t ipa = 191 * GiB + 12345 * 4096 + 8;

	if (s2sim_physmem_create(POOL_BASE, 4 * GiB, &pm, NULL) ||
	    s2sim_s2pt_init(&pt, pm, VMID, 40, 48, 1, NULL))
		return -1;
	t0 = seconds();
	if (build_split(&pt, 192 * GiB))
		return -1;
	dt = seconds() - t0;
	getrusage(RUSAGE_SELF, &ru);
	s2sim_physmem_get_stats(pm, &st);
	fp.pm = pm;
	if (s2sim_walker_init(&w, s2sim_flat_port_get(&fp), NULL, &p, NULL))
		return -1;
	s2sim_walker_translate(&w, &pt.ctx, ipa, S2SIM_ACC_WRITE, &r);
	s2sim_walker_fini(&w);
	if (r.fault || r.level != 3 || r.pa != GUEST_PA + ipa) {
		fprintf(stderr, "bench_walk: the split guest does not walk\n");
		return -1;
	}
	printf("pt.split_192g_build\t%.3f\ts\n", dt);
	printf("pt.split_192g_pages\t%llu\tpages\n",
	       (unsigned long long)st.pages_in_use);
	printf("pt.split_192g_rss\t%.1f\tMiB\n", (double)ru.ru_maxrss / 1024);
	s2sim_s2pt_destroy(&pt);
	s2sim_physmem_destroy(pm);
	return 0;
}

int main(void)
{
	if (walks() || hot_walks() || split_192g())
		return 1;
	return 0;
}
