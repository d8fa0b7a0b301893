/*
 * TLB benchmarks (core/mmu/tlb*.c): the hit path, insertion into a full
 * TLB (the miss path) and VMID-wide invalidation.
 *
 *  - tlb.l1_hit: Neoverse N1's L1 data TLB (48 entries, fully associative,
 *    PLRU) holding 40 4 KiB and 8 2 MiB combined entries of one VMID, so
 *    every lookup probes both size classes.  The access stream has page
 *    locality: 3 of 4 accesses stay in the previous page, the others jump
 *    to a random resident page.
 *  - tlb.l1_hit_4k: the same with only 4 KiB entries (one probe; the
 *    last-hit shortcut applies to the repeated pages).
 *    tlb.l1_hit_lru: the mixed one with LRU replacement (the policy
 *    configs/platforms/neoverse-n1-altra.yaml gives both TLBs).
 *  - tlb.l2_hit: N1's unified L2 TLB (1280 entries, 5 ways, PLRU) holding
 *    4 KiB and 2 MiB entries; it sees L1 misses, so accesses are uniformly
 *    random over the resident entries.  tlb.l2_hit_4k: only 4 KiB entries.
 *    tlb.l2_hit_lru: the mixed one with LRU.
 *  - tlb.l2_fill: insertions into the full L2 TLB, 1 in 8 of 2 MiB (the
 *    miss path; each 2 MiB insertion looks for the 4 KiB entries inside).
 *    tlb.l2_fill_lru: the same with LRU replacement (N1 as configured in
 *    configs/platforms/neoverse-n1-altra.yaml); tlb.l1_fill_lru: 4 KiB
 *    insertions into the full 48-entry fully associative L1 with LRU, where
 *    every insertion picks the least recently used of 48 ways.
 *  - tlb.l1_flush_sparse, tlb.l2_flush_sparse: rounds of "install 4 (L1) or
 *    16 (L2) 4 KiB entries, then TLBI VMALLE1 (s2sim_tlb_inv_vmid)", the
 *    pattern of KVM's break-before-make, where each PE's TLB has refilled
 *    only a little since the previous flush; rounds per second.
 * Every lookup in the measured streams hits (checked).  Each figure is the
 * median of REPEATS runs of at least MIN_SECONDS of the process's CPU time
 * (CLOCK_PROCESS_CPUTIME_ID: on a machine shared with other jobs, time
 * spent descheduled would otherwise count).
 *
 * Output: "name<TAB>value<TAB>unit" lines on stdout.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/mmu/tlb.h"

#define MIN_SECONDS 0.3
#define REPEATS 3
#define STREAM (1u << 14) /* addresses, replayed; fits in the L1D/L2 */
#define VMID 7

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

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int install(struct s2sim_tlb *t, uint64_t ipa, unsigned size)
{
	struct s2sim_tlb_entry e = {
		.ipa = ipa, .pa = ipa + (UINT64_C(1) << 40), .vmid = VMID,
		.size = (uint8_t)size, .perms = S2SIM_TLB_PERM_R |
		S2SIM_TLB_PERM_W, .level = size == 12 ? 3 : 2,
		.kind = S2SIM_TLB_KIND_COMBINED,
	};

	return s2sim_tlb_insert(t, &e, NULL) < 0 ? -1 : 0;
}

/* Fill `t` with n4k scattered 4K pages and n2m 2M blocks (above 1 GiB so
 * they do not overlap the pages); their base IPAs go to `base`. */
static int populate(struct s2sim_tlb *t, uint64_t *rng, unsigned n4k,
		    unsigned n2m, uint64_t *base)
{
	unsigned i;

	for (i = 0; i < n4k; i++) {
		base[i] = (xorshift64(rng) % (UINT64_C(1) << 18)) << 12;
		if (install(t, base[i], 12))
			return -1;
	}
	for (i = 0; i < n2m; i++) {
		base[n4k + i] = (UINT64_C(1) << 30) +
				((xorshift64(rng) % 4096) << 21);
		if (install(t, base[n4k + i], 21))
			return -1;
	}
	return 0;
}

/* Keep the resident ones: a base may have been evicted by a later one. */
static unsigned resident(struct s2sim_tlb *t, uint64_t *base, unsigned n)
{
	struct s2sim_tlb_entry e;
	unsigned i, k = 0;

	for (i = 0; i < n; i++)
		if (s2sim_tlb_lookup(t, VMID, base[i], S2SIM_TLB_KIND_COMBINED,
				     &e) == S2SIM_TLB_HIT)
			base[k++] = base[i];
	return k;
}

/* `stay` in 4: probability of staying in the previous page. */
static void make_stream(uint64_t *rng, const uint64_t *base, unsigned n,
			unsigned stay, uint64_t *out)
{
	uint64_t cur = base[0];
	unsigned i;

	for (i = 0; i < STREAM; i++) {
		uint64_t r = xorshift64(rng);

		if ((r & 3) >= stay)
			cur = base[(r >> 8) % n];
		out[i] = cur + ((r >> 40) & 0xff8);
	}
}

/* Lookups per second replaying `s`; -1 if one missed. */
static double run(struct s2sim_tlb *t, const uint64_t *s)
{
	struct s2sim_tlb_entry e;
	uint64_t n = 0, sum = 0;
	double t0 = seconds(), dt;
	unsigned i;

	do {
		for (i = 0; i < STREAM; i++) {
			if (s2sim_tlb_lookup(t, VMID, s[i],
					     S2SIM_TLB_KIND_COMBINED,
					     &e) == S2SIM_TLB_MISS)
				return -1;
			sum += e.pa;
		}
		n += STREAM;
		dt = seconds() - t0;
	} while (dt < MIN_SECONDS);
	if (sum == 42) /* keep `sum` alive */
		puts("");
	return (double)n / dt;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int bench(const char *name, uint32_t entries, uint32_t ways,
		 enum s2sim_repl repl, unsigned n4k, unsigned n2m,
		 unsigned stay)
{
	struct s2sim_cfg_tlb cfg = { entries, ways, 1, repl };
	struct s2sim_tlb t;
	uint64_t rng = 0x1234567, *base, *s;
	double v[REPEATS];
	unsigned n, r;

	base = calloc(n4k + n2m, sizeof(*base));
	s = calloc(STREAM, sizeof(*s));
	if (!base || !s ||
	    s2sim_tlb_init(&t, &cfg, S2SIM_CONFLICT_ABORT, 1, NULL))
		return -1;
	if (populate(&t, &rng, n4k, n2m, base))
		return -1;
	n = resident(&t, base, n4k + n2m);
	make_stream(&rng, base, n, stay, s);
	for (r = 0; r < REPEATS; r++)
		v[r] = run(&t, s);
	qsort(v, REPEATS, sizeof(v[0]), cmp_double);
	if (v[0] < 0) {
		fprintf(stderr, "bench_tlb: %s: a lookup missed\n", name);
		return -1;
	}
	printf("%s\t%.1f\tMlookups/s\n", name, v[REPEATS / 2] / 1e6);
	s2sim_tlb_fini(&t);
	free(base);
	free(s);
	return 0;
}

/* Insertions per second into a full TLB (each one evicts), 1 in 8 of them
 * 2 MiB entries over 4 KiB ones when `mixed`: the miss path after a walk. */
static int bench_fill(const char *name, uint32_t entries, uint32_t ways,
		      enum s2sim_repl repl, int mixed)
{
	struct s2sim_cfg_tlb cfg = { entries, ways, 1, repl };
	struct s2sim_tlb t;
	uint64_t rng = 0x7654321, n = 0, *s;
	double v[REPEATS], t0, dt;
	unsigned i, r;

	s = calloc(STREAM, sizeof(*s));
	if (!s || s2sim_tlb_init(&t, &cfg, S2SIM_CONFLICT_ABORT, 1, NULL))
		return -1;
	for (i = 0; i < STREAM; i++) {
		uint64_t x = xorshift64(&rng);

		s[i] = (x & 7) || !mixed
			       ? (x >> 20) % (UINT64_C(1) << 18) << 12 | 12
			       : (x >> 20) % 4096 << 21 | 21;
	}
	for (r = 0; r < REPEATS; r++) {
		t0 = seconds();
		n = 0;
		do {
			for (i = 0; i < STREAM; i++)
				if (install(&t, s[i] & ~UINT64_C(0xfff),
					    (unsigned)(s[i] & 0xfff)))
					return -1;
			n += STREAM;
			dt = seconds() - t0;
		} while (dt < MIN_SECONDS);
		v[r] = (double)n / dt;
	}
	qsort(v, REPEATS, sizeof(v[0]), cmp_double);
	printf("%s\t%.1f\tMinserts/s\n", name, v[REPEATS / 2] / 1e6);
	s2sim_tlb_fini(&t);
	free(s);
	return 0;
}

/* Rounds per second of `n` 4 KiB insertions followed by a VMID-wide
 * invalidation of combined entries (TLBI VMALLE1), which removes them. */
static int bench_flush(const char *name, uint32_t entries, uint32_t ways,
		       unsigned n)
{
	struct s2sim_cfg_tlb cfg = { entries, ways, 1, S2SIM_REPL_LRU };
	struct s2sim_tlb t;
	uint64_t rng = 0x1357913, rounds, *s;
	double v[REPEATS], t0, dt;
	unsigned i, k, r;

	s = calloc(STREAM, sizeof(*s));
	if (!s || s2sim_tlb_init(&t, &cfg, S2SIM_CONFLICT_ABORT, 1, NULL))
		return -1;
	for (i = 0; i < STREAM; i++)
		s[i] = (xorshift64(&rng) % (UINT64_C(1) << 18)) << 12;
	for (r = 0; r < REPEATS; r++) {
		t0 = seconds();
		rounds = 0;
		do {
			for (i = 0; i + n <= STREAM; i += n) {
				for (k = 0; k < n; k++)
					if (install(&t, s[i + k], 12))
						return -1;
				if (s2sim_tlb_inv_vmid(&t, VMID,
						       S2SIM_TLB_F_COMBINED) ==
					    0 ||
				    t.valid != 0)
					return -1;
				rounds++;
			}
			dt = seconds() - t0;
		} while (dt < MIN_SECONDS);
		v[r] = (double)rounds / dt;
	}
	qsort(v, REPEATS, sizeof(v[0]), cmp_double);
	printf("%s\t%.2f\tMrounds/s\n", name, v[REPEATS / 2] / 1e6);
	s2sim_tlb_fini(&t);
	free(s);
	return 0;
}

int main(void)
{
	if (bench("tlb.l1_hit", 48, 48, S2SIM_REPL_PLRU, 40, 8, 3) ||
	    bench("tlb.l1_hit_4k", 48, 48, S2SIM_REPL_PLRU, 48, 0, 3) ||
	    bench("tlb.l1_hit_lru", 48, 48, S2SIM_REPL_LRU, 40, 8, 3) ||
	    bench("tlb.l2_hit", 1280, 5, S2SIM_REPL_PLRU, 1100, 180, 0) ||
	    bench("tlb.l2_hit_4k", 1280, 5, S2SIM_REPL_PLRU, 1280, 0, 0) ||
	    bench("tlb.l2_hit_lru", 1280, 5, S2SIM_REPL_LRU, 1100, 180, 0) ||
	    bench_fill("tlb.l2_fill", 1280, 5, S2SIM_REPL_PLRU, 1) ||
	    bench_fill("tlb.l2_fill_lru", 1280, 5, S2SIM_REPL_LRU, 1) ||
	    bench_fill("tlb.l1_fill_lru", 48, 48, S2SIM_REPL_LRU, 0) ||
	    bench_flush("tlb.l1_flush_sparse", 48, 48, 4) ||
	    bench_flush("tlb.l2_flush_sparse", 1280, 5, 16))
		return 1;
	return 0;
}
