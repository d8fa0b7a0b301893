/*
 * The simulated machine a run drives: the VM's stage-2 tables in simulated
 * physical memory, the memory system the walkers fetch through, and one MMU
 * per vCPU (vCPU i is pinned to PE i).
 *
 * The tables start empty: the hypervisor model (core/kvm) maps memory as
 * the guest faults on it.  Physical layout: the table pages come from the
 * upper half of the PA space; guest memory is backed in the lower half
 * (core/kvm).
 */
#ifndef S2SIM_CORE_RUN_MACHINE_H
#define S2SIM_CORE_RUN_MACHINE_H

#include <s2sim/stats.h>
#include <s2sim/trace.h>

#include "core/config/cfg.h"
#include "core/mmu/mmu.h"
#include "core/mmu/physmem.h"
#include "core/mmu/s2pt.h"
#include "core/util/errbuf.h"

#define S2SIM_VMID 1 /* the one VM's VMID */

struct s2sim_mmu_totals {
	uint64_t l1_hits, l1_misses, l2_hits, l2_misses, walks, faults;
	uint64_t conflicts, wc_hits, wc_misses, tlbi_removed;
	uint64_t table_pages;
};

struct s2sim_machine {
	const struct s2sim_cfg *cfg;
	struct s2sim_physmem *pm;
	struct s2sim_s2pt pt;
	bool pt_ready;
	struct s2sim_memsys *ms;
	struct s2sim_mmu *mmu;
	uint32_t nmmu;
	s2sim_hist *walk_latency;
	struct s2sim_mmu_totals totals;
};

int s2sim_machine_init(struct s2sim_machine *m, const struct s2sim_cfg *cfg,
		       uint32_t nvcpus, s2sim_stats *st,
		       struct s2sim_errbuf *err);
void s2sim_machine_fini(struct s2sim_machine *m);

/* Sum the per-PE counters into m->totals (registered as mmu.*). */
void s2sim_machine_sum(struct s2sim_machine *m);

#endif
