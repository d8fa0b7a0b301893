/*
 * The memory port through which the stage-2 walker fetches descriptors, and
 * its default implementation.
 *
 * A port is a function pointer and a context, so the SystemC wrapper can
 * route each fetch over TLM instead.  read64() returns the descriptor at
 * `pa` for a walk at `level` and adds nothing to simulated time itself: it
 * reports the fetch latency in *latency_ps.
 *
 * The default port ("memsys") models where a descriptor fetch hits: a
 * private L1D and L2 per PE and a shared system-level cache, each an LRU
 * set-associative array of 64-byte line addresses (only table lines are
 * tracked: the capacities come from platform.mem.*_lines, the share of
 * each cache the model grants to table lines).  A fetch costs the latency
 * of the first level holding the line (platform.mem.*_cycles at the PE
 * clock) and fills the levels it missed.  Table writes by the hypervisor
 * model (s2sim_memsys_note_write) move the line into the writer's caches
 * and out of every other PE's private caches, as a coherent write would.
 * Fetches are counted per PE by walk level and by where they hit.  All of
 * it is deterministic.
 */
#ifndef S2SIM_CORE_MMU_MEMPORT_H
#define S2SIM_CORE_MMU_MEMPORT_H

#include <stdint.h>

#include "core/config/cfg.h"
#include "core/mmu/physmem.h"
#include "core/util/errbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a descriptor fetch was served. */
enum s2sim_mem_src {
	S2SIM_MEM_L1D = 0,
	S2SIM_MEM_L2,
	S2SIM_MEM_SLC,
	S2SIM_MEM_DRAM,
	S2SIM_MEM_NSRC,
	S2SIM_MEM_UNKNOWN = S2SIM_MEM_NSRC, /* the port does not say */
};

struct s2sim_memport {
	uint64_t (*read64)(void *ctx, uint64_t pa, int level,
			   uint64_t *latency_ps);
	void *ctx;
	/* Optional (may be NULL): where the last read64() was served, an
	 * enum s2sim_mem_src; the walker records it per fetch. */
	int (*last_src)(void *ctx);
};

/* --- a flat port: every fetch costs the same (tests, benchmarks) --- */

struct s2sim_flat_port {
	const struct s2sim_physmem *pm;
	uint64_t latency_ps;
	uint64_t reads;
};

struct s2sim_memport s2sim_flat_port_get(struct s2sim_flat_port *fp);

/* --- the default port --- */

/* Associativity of the modelled caches (Neoverse N1: 4-way L1D, 8-way L2
 * (WikiChip); the SLC's 16 ways are an estimate). */
#define S2SIM_MEMSYS_L1D_WAYS 4
#define S2SIM_MEMSYS_L2_WAYS 8
#define S2SIM_MEMSYS_SLC_WAYS 16
#define S2SIM_MEMSYS_LINE_SHIFT 6

struct s2sim_memsys_params {
	uint32_t pes;
	double cpu_mhz; /* the clock the *_cycles are counted in */
	uint32_t l1d_cycles, l2_cycles, slc_cycles, dram_cycles;
	uint32_t l1d_lines, l2_lines, slc_lines; /* 0 = level absent */
};

struct s2sim_memsys_pe_stats {
	uint64_t fetches[4][S2SIM_MEM_NSRC]; /* [walk level][where] */
	uint64_t writes;        /* s2sim_memsys_note_write() by this PE */
	uint64_t invalidated;   /* lines removed by other PEs' writes */
};

struct s2sim_memsys;

void s2sim_memsys_params_from_cfg(struct s2sim_memsys_params *p,
				  const struct s2sim_cfg *cfg);
/* S2SIM_EINPUT for no PEs or a clock <= 0. */
int s2sim_memsys_create(const struct s2sim_memsys_params *p,
			const struct s2sim_physmem *pm,
			struct s2sim_memsys **out, struct s2sim_errbuf *err);
void s2sim_memsys_destroy(struct s2sim_memsys *ms);

/* The port of PE `pe`; one with a NULL read64 if pe >= pes (which
 * s2sim_walker_init() rejects). */
struct s2sim_memport s2sim_memsys_port(struct s2sim_memsys *ms, uint32_t pe);
/* PE `pe` wrote the descriptor at `pa`. */
void s2sim_memsys_note_write(struct s2sim_memsys *ms, uint32_t pe,
			     uint64_t pa);
const struct s2sim_memsys_pe_stats *
s2sim_memsys_get_pe_stats(const struct s2sim_memsys *ms, uint32_t pe);
/* Latency in ps of a fetch served from `src`. */
uint64_t s2sim_memsys_latency_ps(const struct s2sim_memsys *ms,
				 enum s2sim_mem_src src);

#ifdef __cplusplus
}
#endif
#endif
