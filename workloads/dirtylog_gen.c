/*
 * The dirty-log workload generator (see dirtylog_gen.h, docs/workloads.md).
 *
 * The stream, in dirty_log_perf_test's run_test() order:
 *
 *   MEMSLOT 0 (the whole test region)
 *   PHASE populate,  one pass: sequential, 100 % writes
 *   DIRTY_LOG_ENABLE 0 (manual protect + initially set, unless -g)
 *   for i = 1 .. iterations:
 *     PHASE i,  one pass: write_percent writes, sequential or random order
 *     GET_DIRTY_LOG 0
 *     CLEAR_DIRTY_LOG 0 (the whole slot; only with manual protect)
 *   DIRTY_LOG_DISABLE 0
 *   PHASE end
 *
 * A pass is memstress_guest_code()'s inner loop on every vCPU: one 8-byte
 * access to the first word of each of its guest pages.  The vCPUs' accesses
 * are interleaved round-robin (vCPU 0's k-th access, vCPU 1's k-th, ...),
 * so a consumer that runs the vCPUs side by side buffers at most one access
 * per vCPU.  Nothing is materialised: the state below is the position in
 * the stream plus one PRNG state per vCPU.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/dirtylog_gen.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

/* memstress writes (or reads) one u64 per page. */
#define DLGEN_ACCESS_LOG2 3u

enum dlgen_stage {
	ST_MEMSLOT,
	ST_PHASE_POPULATE,
	ST_POPULATE,      /* the populate pass */
	ST_ENABLE,
	ST_PHASE_ITER,
	ST_ITER_PASS,     /* the pass of iteration g->iter */
	ST_GET,
	ST_CLEAR,
	ST_DISABLE,
	ST_PHASE_END,
	ST_DONE,
};

struct s2sim_dlgen {
	s2sim_dirtylog_params p;
	enum dlgen_stage stage;
	uint32_t iter;          /* current iteration, 1-based */
	uint64_t pages;         /* guest pages per vCPU */
	unsigned page_shift;    /* log2(guest_page_size) */
	/* position in the current pass: the k-th access of vCPU v is next */
	uint64_t k;
	uint32_t v;
	bool pass_random;
	uint32_t pass_write_percent;
	uint32_t *rng;          /* per-vCPU guest_random_state */
	uint64_t *region;       /* per-vCPU region base IPA */
};

void s2sim_dirtylog_params_default(s2sim_dirtylog_params *p)
{
	memset(p, 0, sizeof(*p));
	p->vcpus = 1;
	p->bytes_per_vcpu = 1 * GiB;    /* DEFAULT_PER_VCPU_MEM_SIZE */
	p->guest_page_size = 4 * KiB;   /* -m 2: 4K pages */
	p->backing_page_size = 4 * KiB; /* anonymous */
	p->write_percent = 100;
	p->iterations = 2;              /* TEST_HOST_LOOP_N */
	p->random_access = false;
	p->seed = 1;
	p->initially_set = true;        /* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 */
	p->instructions_per_access = 20;
	/* KVM's default 40-bit IPA space */
	s2sim_dlgen_base_ipa(40, p->bytes_per_vcpu, p->guest_page_size,
			     p->backing_page_size, &p->base_ipa, NULL);
}

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static int bad(struct s2sim_errbuf *err, const char **field, const char *name,
	       int rc, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int bad(struct s2sim_errbuf *err, const char **field, const char *name,
	       int rc, const char *fmt, ...)
{
	va_list ap;

	if (field)
		*field = name;
	va_start(ap, fmt);
	s2sim_verr(err, rc, fmt, ap);
	va_end(ap);
	return rc;
}

/* The sizes: page sizes the trace format and the 4 KiB granule allow. */
static int check_sizes(const s2sim_dirtylog_params *p,
		       struct s2sim_errbuf *err, const char **field)
{
	uint64_t b = p->backing_page_size, g = p->guest_page_size;

	if (b != 4 * KiB && b != 2 * MiB && b != 1 * GiB)
		return bad(err, field, "backing_page_size", S2SIM_EINPUT,
			   "backing_page_size = %llu: must be 4KiB, 2MiB or 1GiB",
			   (unsigned long long)b);
	if (!is_pow2(g) || g < 4 * KiB || g > b)
		return bad(err, field, "guest_page_size", S2SIM_EINPUT,
			   "guest_page_size = %llu: must be a power of two from "
			   "4KiB to backing_page_size (%llu)",
			   (unsigned long long)g, (unsigned long long)b);
	if (p->bytes_per_vcpu < g)
		return bad(err, field, "bytes_per_vcpu", S2SIM_ELIMIT,
			   "bytes_per_vcpu = %llu gives 0 guest pages per vCPU",
			   (unsigned long long)p->bytes_per_vcpu);
	if (p->bytes_per_vcpu % g || p->bytes_per_vcpu % b)
		return bad(err, field, "bytes_per_vcpu", S2SIM_EINPUT,
			   "bytes_per_vcpu = %llu is not a multiple of the guest "
			   "page size (%llu) and the backing page size (%llu)",
			   (unsigned long long)p->bytes_per_vcpu,
			   (unsigned long long)g, (unsigned long long)b);
	return S2SIM_OK;
}

/* The test region: inside the 52-bit IPA space, aligned for its memslot. */
static int check_region(const s2sim_dirtylog_params *p,
			struct s2sim_errbuf *err, const char **field)
{
	uint64_t limit = S2SIM_DLGEN_IPA_LIMIT;

	if (p->bytes_per_vcpu > limit / p->vcpus)
		return bad(err, field, "bytes_per_vcpu", S2SIM_ELIMIT,
			   "%u vCPUs x %llu bytes exceed the 52-bit IPA space",
			   p->vcpus, (unsigned long long)p->bytes_per_vcpu);
	if (p->base_ipa % p->backing_page_size)
		return bad(err, field, "base_ipa", S2SIM_EINPUT,
			   "base_ipa = 0x%llx is not aligned to the backing page "
			   "size (%llu)", (unsigned long long)p->base_ipa,
			   (unsigned long long)p->backing_page_size);
	if (p->base_ipa > limit - p->vcpus * p->bytes_per_vcpu)
		return bad(err, field, "base_ipa", S2SIM_ELIMIT,
			   "the test region [0x%llx, +%llu bytes) ends past the "
			   "52-bit IPA space", (unsigned long long)p->base_ipa,
			   (unsigned long long)(p->vcpus * p->bytes_per_vcpu));
	return S2SIM_OK;
}

int s2sim_dlgen_check(const s2sim_dirtylog_params *p, struct s2sim_errbuf *err,
		      const char **field)
{
	int rc;

	if (p->vcpus == 0 || p->vcpus > S2SIM_TRACE_MAX_VCPUS)
		return bad(err, field, "vcpus", S2SIM_ELIMIT,
			   "vcpus = %u: must be 1 to %u", p->vcpus,
			   S2SIM_TRACE_MAX_VCPUS);
	if (p->write_percent > 100)
		return bad(err, field, "write_percent", S2SIM_ELIMIT,
			   "write_percent = %u: must be 0 to 100", p->write_percent);
	if (p->iterations == 0 || p->iterations > S2SIM_DLGEN_MAX_ITERATIONS)
		return bad(err, field, "iterations", S2SIM_ELIMIT,
			   "iterations = %u: must be 1 to %u", p->iterations,
			   S2SIM_DLGEN_MAX_ITERATIONS);
	/* dirty_log_perf_test -r takes a positive 32-bit seed; 0 would stick
	 * the Park-Miller generator of vCPU 0 at 0. */
	if (p->seed == 0 || p->seed > UINT32_MAX)
		return bad(err, field, "seed", S2SIM_ELIMIT,
			   "seed = %llu: must be 1 to 4294967295 (a 32-bit "
			   "dirty_log_perf_test -r seed)",
			   (unsigned long long)p->seed);
	rc = check_sizes(p, err, field);
	return rc == S2SIM_OK ? check_region(p, err, field) : rc;
}

int s2sim_dlgen_base_ipa(uint32_t ipa_bits, uint64_t total_bytes,
			 uint64_t guest_page_size, uint64_t backing_page_size,
			 uint64_t *base, struct s2sim_errbuf *err)
{
	uint64_t end_gfn, pages, gpa;

	*base = 0;
	if (!is_pow2(guest_page_size) || !is_pow2(backing_page_size))
		return err ? s2sim_err(err, S2SIM_EINPUT,
				       "page sizes must be powers of two")
			   : S2SIM_EINPUT;
	if (ipa_bits < 32 || ipa_bits > 52)
		return err ? s2sim_err(err, S2SIM_ELIMIT,
				       "ipa_bits = %u: must be 32 to 52", ipa_bits)
			   : S2SIM_ELIMIT;
	end_gfn = (UINT64_C(1) << ipa_bits) / guest_page_size;
	pages = total_bytes / guest_page_size;
	/* memstress_create_vm(): guest_num_pages < region_end_gfn */
	if (pages >= end_gfn)
		return err ? s2sim_err(err, S2SIM_ELIMIT,
				       "%llu bytes of guest memory do not fit below "
				       "the top of a %u-bit IPA space",
				       (unsigned long long)total_bytes, ipa_bits)
			   : S2SIM_ELIMIT;
	gpa = (end_gfn - pages - 1) * guest_page_size;
	*base = gpa & ~(backing_page_size - 1);
	return S2SIM_OK;
}

int s2sim_dlgen_create(struct s2sim_dlgen **out, const s2sim_dirtylog_params *p,
		       struct s2sim_errbuf *err)
{
	struct s2sim_dlgen *g;
	int rc = s2sim_dlgen_check(p, err, NULL);

	*out = NULL;
	if (rc != S2SIM_OK)
		return rc;
	g = calloc(1, sizeof(*g));
	if (g) {
		g->rng = calloc(p->vcpus, sizeof(*g->rng));
		g->region = calloc(p->vcpus, sizeof(*g->region));
	}
	if (!g || !g->rng || !g->region) {
		s2sim_dlgen_destroy(g);
		return s2sim_err(err, S2SIM_ENOMEM, "out of memory");
	}
	g->p = *p;
	g->pages = p->bytes_per_vcpu / p->guest_page_size;
	g->page_shift = (unsigned)__builtin_ctzll(p->guest_page_size);
	for (uint32_t v = 0; v < p->vcpus; v++) {
		/* memstress_guest_code(): new_guest_random_state(random_seed +
		 * vcpu_idx), in 32-bit arithmetic; partitioned regions as in
		 * memstress_setup_vcpus(). */
		g->rng[v] = (uint32_t)p->seed + v;
		g->region[v] = p->base_ipa + (uint64_t)v * p->bytes_per_vcpu;
	}
	g->stage = ST_MEMSLOT;
	*out = g;
	return S2SIM_OK;
}

void s2sim_dlgen_destroy(struct s2sim_dlgen *g)
{
	if (!g)
		return;
	free(g->rng);
	free(g->region);
	free(g);
}

bool s2sim_dlgen_done(const struct s2sim_dlgen *g)
{
	return g->stage == ST_DONE;
}

/* guest_random_u32() (lib/test_util.c): the Park-Miller "minimal standard"
 * LCG, x' = x * 48271 mod (2^31 - 1). */
static inline uint32_t guest_random_u32(uint32_t *state)
{
	*state = (uint32_t)((uint64_t)*state * 48271u % 0x7fffffffu);
	return *state;
}

/* One iteration of memstress_guest_code()'s page loop for vCPU v: the page
 * (random or the k-th), then the write decision, each one PRNG draw, in
 * that order, so the choices match the selftest's for the same seed. */
static inline s2sim_record pass_access(struct s2sim_dlgen *g, uint32_t v,
				       uint64_t k)
{
	s2sim_record r;
	uint64_t page = k;
	bool write;

	if (g->pass_random)
		page = guest_random_u32(&g->rng[v]) % g->pages;
	write = guest_random_u32(&g->rng[v]) % 100 < g->pass_write_percent;
	memset(&r, 0, sizeof(r));
	r.kind = S2SIM_REC_ACCESS;
	r.flags = write ? S2SIM_ACCESS_WRITE : 0;
	r.size_log2 = DLGEN_ACCESS_LOG2;
	r.vcpu = (uint16_t)v;
	r.delta = g->p.instructions_per_access;
	r.addr = g->region[v] + (page << g->page_shift);
	return r;
}

static void start_pass(struct s2sim_dlgen *g, bool random, uint32_t write_pct)
{
	g->k = 0;
	g->v = 0;
	g->pass_random = random;
	g->pass_write_percent = write_pct;
}

/* Emit accesses of the current pass; moves to `next` when it is over. */
static size_t fill_pass(struct s2sim_dlgen *g, s2sim_record *recs, size_t max,
			enum dlgen_stage next)
{
	uint32_t v = g->v, nv = g->p.vcpus;
	uint64_t k = g->k;
	size_t n = 0;

	while (n < max) {
		recs[n++] = pass_access(g, v, k);
		if (++v < nv)
			continue;
		v = 0;
		if (++k == g->pages) {
			g->stage = next;
			break;
		}
	}
	g->v = v;
	g->k = k;
	return n;
}

static s2sim_record vmm_record(uint8_t kind)
{
	s2sim_record r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.slot = S2SIM_DLGEN_SLOT;
	return r;
}

static s2sim_record phase_record(uint32_t phase)
{
	s2sim_record r = vmm_record(S2SIM_REC_PHASE);

	r.slot = 0;
	r.delta = phase;
	return r;
}

static s2sim_record memslot_record(const struct s2sim_dlgen *g)
{
	s2sim_record r = vmm_record(S2SIM_REC_MEMSLOT);

	r.size_log2 = (uint8_t)__builtin_ctzll(g->p.backing_page_size);
	r.addr = g->p.base_ipa;
	r.len = (uint64_t)g->p.vcpus * g->p.bytes_per_vcpu;
	return r;
}

static s2sim_record enable_record(const struct s2sim_dlgen *g)
{
	s2sim_record r = vmm_record(S2SIM_REC_DIRTY_LOG_ENABLE);

	if (g->p.initially_set)
		r.flags = S2SIM_DLOG_MANUAL_PROTECT | S2SIM_DLOG_INITIALLY_SET;
	return r;
}

/* memstress_clear_dirty_log(): first_page 0, num_pages = the whole slot, in
 * the dirty bitmap's 4 KiB pages. */
static s2sim_record clear_record(const struct s2sim_dlgen *g)
{
	s2sim_record r = vmm_record(S2SIM_REC_CLEAR_DIRTY_LOG);

	r.addr = 0;
	r.len = (uint64_t)g->p.vcpus * g->p.bytes_per_vcpu >> 12;
	return r;
}

/* After an iteration's GET (and CLEAR): the next iteration or the end. */
static enum dlgen_stage after_iteration(struct s2sim_dlgen *g)
{
	if (g->iter < g->p.iterations) {
		g->iter++;
		return ST_PHASE_ITER;
	}
	return ST_DISABLE;
}

/* The record of a one-record stage, and the stage after it. */
static s2sim_record step_vmm(struct s2sim_dlgen *g)
{
	switch (g->stage) {
	case ST_MEMSLOT:
		g->stage = ST_PHASE_POPULATE;
		return memslot_record(g);
	case ST_PHASE_POPULATE:
		/* dirty_log_perf_test: write percent 100, sequential */
		start_pass(g, false, 100);
		g->stage = ST_POPULATE;
		return phase_record(S2SIM_PHASE_POPULATE);
	case ST_ENABLE:
		g->iter = 1;
		g->stage = ST_PHASE_ITER;
		return enable_record(g);
	case ST_PHASE_ITER:
		start_pass(g, g->p.random_access, g->p.write_percent);
		g->stage = ST_ITER_PASS;
		return phase_record(g->iter);
	case ST_GET:
		g->stage = g->p.initially_set ? ST_CLEAR : after_iteration(g);
		return vmm_record(S2SIM_REC_GET_DIRTY_LOG);
	case ST_CLEAR:
		g->stage = after_iteration(g);
		return clear_record(g);
	case ST_DISABLE:
		g->stage = ST_PHASE_END;
		return vmm_record(S2SIM_REC_DIRTY_LOG_DISABLE);
	default: /* ST_PHASE_END; passes and DONE never get here */
		g->stage = ST_DONE;
		return phase_record(S2SIM_PHASE_END);
	}
}

size_t s2sim_dlgen_fill(struct s2sim_dlgen *g, s2sim_record *recs, size_t max)
{
	size_t n = 0;

	while (n < max && g->stage != ST_DONE) {
		if (g->stage == ST_POPULATE)
			n += fill_pass(g, recs + n, max - n, ST_ENABLE);
		else if (g->stage == ST_ITER_PASS)
			n += fill_pass(g, recs + n, max - n, ST_GET);
		else
			recs[n++] = step_vmm(g);
	}
	return n;
}
