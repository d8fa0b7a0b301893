/*
 * The resolved configuration as plain C values, read by every component.
 * Internal: the public API reads keys by path (include/s2sim/config.h).
 *
 * Each field is one key of the schema in core/config/schema.c, which gives
 * its YAML path, type, unit, range, default and documentation.  Adding a key
 * means adding a field here and a row there (and a line in docs/config.md,
 * which `s2sim config keys` regenerates).
 */
#ifndef S2SIM_CORE_CONFIG_CFG_H
#define S2SIM_CORE_CONFIG_CFG_H

#include <stdbool.h>
#include <stdint.h>

enum s2sim_repl { S2SIM_REPL_LRU, S2SIM_REPL_PLRU, S2SIM_REPL_RANDOM };

/*
 * A hypervisor policy is a lock discipline plus composable features, named
 * in the config as "lock+feature+..." (e.g. "rdlock-all+nsh-relax").
 * docs/kvm.md maps each name to the Linux version or series it stands for.
 */
enum s2sim_lock_policy {
	S2SIM_LOCKPOL_BASELINE,   /* <= 5.17: spinlock, every fault exclusive */
	S2SIM_LOCKPOL_RDLOCK_WP,  /* 5.18: rwlock; read lock only to relax a
				   * write-protected 4 KiB page while logging */
	S2SIM_LOCKPOL_RDLOCK_ALL, /* 6.2+: read lock for every stage-2 fault */
};

enum {
	S2SIM_POLF_NSH_RELAX = 1u << 0,   /* local TLBI after relax_perms */
	S2SIM_POLF_EAGER_SPLIT = 1u << 1, /* split in CLEAR_DIRTY_LOG chunks */
	S2SIM_POLF_TLBI_RANGE = 1u << 2,  /* range TLBIs (FEAT_TLBIRANGE) */
	S2SIM_POLF_BBML2 = 1u << 3,       /* split without the break (what-if) */
	S2SIM_POLF_UNSAFE_NO_BBM = 1u << 4, /* broken on purpose: no break,
					     * no TLBI (checker tests) */
};


/* What a TLB lookup that matches two entries does (Arm ARM D8.16 "TLB
 * conflict": an implementation may abort, or use either or an amalgam). */
enum s2sim_conflict_policy {
	S2SIM_CONFLICT_ABORT,      /* raise a TLB conflict abort (FSC 0b110000) */
	S2SIM_CONFLICT_FIRST,      /* use the most recently installed entry */
	S2SIM_CONFLICT_AMALGAMATE, /* combine them: intersection of permissions */
};

enum s2sim_workload_source { S2SIM_SRC_GENERATOR, S2SIM_SRC_TRACE };
enum s2sim_access_order { S2SIM_ORDER_SEQUENTIAL, S2SIM_ORDER_RANDOM };

struct s2sim_cfg_tlb {
	uint32_t entries;
	uint32_t ways;           /* == entries for a fully associative TLB */
	uint32_t latency_cycles; /* added on a hit at this level */
	enum s2sim_repl repl;
};

struct s2sim_cfg_walk_cache_level {
	uint32_t entries; /* 0 disables caching descriptors of this level */
	uint32_t ways;
};

struct s2sim_cfg {
	struct {
		char name[64];
		uint32_t pes;          /* physical CPUs (PEs) */
		double cpu_mhz;        /* PE clock */
		double cpi;            /* cycles per guest instruction */
		uint32_t access_cycles;/* an access that hits L1 TLB and L1D */
		uint64_t stage1_page_size; /* guest stage-1 page size, bytes */
		uint32_t ipa_bits;     /* VTCR_EL2.T0SZ = 64 - ipa_bits */
		uint32_t pa_bits;      /* VTCR_EL2.PS */
		uint32_t start_level;  /* stage-2 start level (from SL0) */
		struct s2sim_cfg_tlb l1d_tlb;
		struct s2sim_cfg_tlb l2_tlb;
		struct s2sim_cfg_walk_cache_level walk_cache[3]; /* L0..L2 */
		uint32_t walk_cache_latency_cycles;
		uint32_t walker_max_outstanding; /* concurrent walks per PE */
		struct {
			uint32_t l1d_cycles, l2_cycles, slc_cycles, dram_cycles;
			uint32_t l1d_lines, l2_lines, slc_lines; /* table-line cache model */
		} mem;
		enum s2sim_conflict_policy tlb_conflict;
		uint32_t feat_bbm;     /* 0, 1 or 2 */
		bool feat_tlbirange;
	} platform;
	struct {
		enum s2sim_lock_policy lock_policy; /* from "policy" */
		uint32_t features;       /* S2SIM_POLF_*, from "policy" */
		char policy[128];        /* the policy, normalised */
		/* software costs, PE cycles (estimates: docs/kvm.md) */
		uint32_t exit_cycles;    /* guest abort -> EL2 handler entry */
		uint32_t entry_cycles;   /* back into the guest */
		uint32_t fault_cycles;   /* user_mem_abort before the lock:
					  * memslot/vma lookup, faultin_pfn */
		uint32_t map_cycles;     /* one stage-2 map/relax walk */
		uint32_t split_cycles;   /* building a table for a block */
		uint32_t wp_cycles_per_leaf;  /* write-protect walk, per leaf */
		uint32_t dirty_cycles_per_page; /* get/clear log, per page */
		uint32_t lock_acquire_cycles;
		uint32_t lock_release_cycles;
		uint32_t lock_transfer_cycles;
		uint32_t lock_transfer_per_spinner_cycles;
		uint32_t vmm_pe;         /* PE the VMM thread issues TLBIs from */
		bool check;              /* run the architecture checker */
	} hypervisor;
	struct {
		uint32_t mesh_x, mesh_y, pes_per_xp;
		uint32_t hop_cycles;
		double mhz;
		uint32_t dn_count;
		uint32_t dn_op_cycles, dn_snoop_cycles, dn_trackers;
		bool sync_orders_all, filter_syncs;
		uint32_t target_outstanding, target_op_cycles, target_sync_cycles;
		bool target_blocks_translation;
		uint32_t dsb_ishst_cycles, dsb_nsh_cycles, isb_cycles;
		uint32_t snoop_filter;   /* enum s2sim_snoop_filter_kind */
		uint32_t filter_lookup_cycles, filter_update_cycles;
		uint32_t vmid_filter_entries;
		uint32_t addr_sets, addr_ways;
		uint64_t addr_region_bytes;
		bool erratum_repeat_tlbi;
	} fabric;
	struct {
		enum s2sim_workload_source source;
		char trace[4096];      /* path, when source == trace */
		uint32_t vcpus;
		uint64_t bytes_per_vcpu;
		uint64_t guest_page_size;   /* stride of the access loop */
		uint64_t backing_page_size; /* 4 KiB, 2 MiB or 1 GiB */
		uint32_t write_percent;
		uint32_t iterations;
		enum s2sim_access_order order;
		uint64_t seed;
		uint32_t instructions_per_access; /* guest work between accesses */
		bool initially_set;    /* KVM_DIRTY_LOG_INITIALLY_SET */
		bool vmm_concurrent;   /* GET/CLEAR run while the vCPUs run */
		uint64_t eager_split_chunk; /* bytes, 0 = off */
		uint64_t clear_interval_ns; /* VMM pause between clears */
		uint64_t clear_chunk;  /* bytes per CLEAR call, 0 = the record's range */
	} workload;
	struct {
		uint64_t seed;          /* model randomness (replacement) */
		uint64_t quantum_ns;    /* temporal-decoupling quantum */
		uint64_t timeline_interval_us;
		char trace_window[64];  /* trace.json: trace_window.h */
		uint64_t trace_max_events;
	} sim;
};

#endif
