/*
 * The schema table: every configuration key with its type, range, default
 * and documentation.  Defaults are the Neoverse N1 / Ampere Altra platform
 * (configs/platforms/neoverse-n1-altra.yaml, which cites the sources), the
 * CMN-600 fabric of s2sim_fabric_params_default() (docs/fabric.md), and the
 * defaults of the Linux KVM selftest dirty_log_perf_test.
 *
 * Rows of one mapping must be contiguous (the YAML writer relies on it; a
 * test checks it).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <s2sim/fabric.h>

#include "core/config/cfg.h"
#include "core/config/schema.h"

/* offsetof and size of one field of struct s2sim_cfg. */
#define CFG_FIELD(f)                                   \
	.offset = offsetof(struct s2sim_cfg, f),       \
	.size = sizeof(((struct s2sim_cfg *)0)->f)

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)
#define TiB (1024ull * GiB)

static const char *const repl_names[] = { "lru", "plru", "random", NULL };
/* Indexed by enum s2sim_snoop_filter_kind (include/s2sim/fabric.h). */
static const char *const snoop_filter_names[] = {
	"none", "vmid", "address", NULL
};
_Static_assert(S2SIM_SNOOP_FILTER_NONE == 0 && S2SIM_SNOOP_FILTER_VMID == 1 &&
		       S2SIM_SNOOP_FILTER_ADDRESS == 2,
	       "snoop_filter_names follows enum s2sim_snoop_filter_kind");
static const char *const conflict_names[] = {
	"abort", "first", "amalgamate", NULL
};
static const char *const source_names[] = { "generator", "trace", NULL };
static const char *const order_names[] = { "sequential", "random", NULL };

/* VTCR_EL2.PS encodings 0b000..0b110 (Arm ARM D24.2.224). */
static const uint64_t pa_bits_allowed[] = { 32, 36, 40, 42, 44, 48, 52 };
/* Stage-1 translation granules (TG0). */
static const uint64_t granules[] = { 4 * KiB, 16 * KiB, 64 * KiB };
/* HugeTLB / anonymous backing sources of the KVM selftests on arm64 with
 * 4 KiB pages: the page, PMD and PUD sizes. */
static const uint64_t backing_sizes[] = { 4 * KiB, 2 * MiB, 1 * GiB };
/* KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE accepts 0 or a block size the stage-2
 * tables support (kvm_is_block_size_supported()). */
static const uint64_t chunk_sizes[] = { 0, 4 * KiB, 2 * MiB, 1 * GiB };

static const struct s2sim_cfg_key schema[] = {
	/* platform */
	{ .path = "platform.name", .type = S2SIM_CFG_STRING,
	  CFG_FIELD(platform.name), .def = "neoverse-n1-altra", .unit = "",
	  .doc = "Short name of the platform, copied into results." },
	{ .path = "platform.pes", .type = S2SIM_CFG_U32, CFG_FIELD(platform.pes),
	  .min = 1, .max = 4096, .def = "80", .unit = "PEs",
	  .doc = "Physical CPUs (PEs) in the inner-shareable domain; each vCPU runs on its own PE." },
	{ .path = "platform.cpu_mhz", .type = S2SIM_CFG_DOUBLE,
	  CFG_FIELD(platform.cpu_mhz), .dmin = 1, .dmax = 10000,
	  .def = "3000", .unit = "MHz", .doc = "PE clock frequency." },
	{ .path = "platform.cpi", .type = S2SIM_CFG_DOUBLE,
	  CFG_FIELD(platform.cpi), .dmin = 0.01, .dmax = 100, .def = "1",
	  .unit = "cycles/instruction",
	  .doc = "Cycles per guest instruction executed between two memory accesses." },
	{ .path = "platform.access_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.access_cycles), .min = 0, .max = 100000,
	  .def = "4", .unit = "cycles",
	  .doc = "Cost of an access that hits the L1 data TLB and the L1 data cache (load-use latency)." },
	{ .path = "platform.stage1_page_size", .type = S2SIM_CFG_SIZE,
	  CFG_FIELD(platform.stage1_page_size), .allowed = granules,
	  .nallowed = 3, .def = "4KiB", .unit = "bytes",
	  .doc = "Page size of the guest's own stage-1 tables; a combined TLB entry covers the smaller of this and the stage-2 mapping." },
	{ .path = "platform.ipa_bits", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.ipa_bits), .min = 32, .max = 52, .def = "40",
	  .unit = "bits",
	  .doc = "IPA (guest physical) address size; VTCR_EL2.T0SZ = 64 - ipa_bits. KVM's default is 40." },
	{ .path = "platform.pa_bits", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.pa_bits), .allowed = pa_bits_allowed,
	  .nallowed = 7, .def = "48", .unit = "bits",
	  .doc = "Physical address size (ID_AA64MMFR0_EL1.PARange, VTCR_EL2.PS)." },
	{ .path = "platform.start_level", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.start_level), .min = 0, .max = 3, .def = "1",
	  .unit = "level",
	  .doc = "Stage-2 start level (VTCR_EL2.SL0); must suit ipa_bits with at most 16 concatenated start tables." },
	{ .path = "platform.l1d_tlb.entries", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.l1d_tlb.entries), .min = 1, .max = 65536,
	  .def = "48", .unit = "entries", .doc = "L1 data TLB size." },
	{ .path = "platform.l1d_tlb.ways", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.l1d_tlb.ways), .min = 1, .max = 65536,
	  .def = "48", .unit = "ways",
	  .doc = "L1 data TLB associativity; it is fully associative, so this must equal entries." },
	{ .path = "platform.l1d_tlb.latency_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.l1d_tlb.latency_cycles), .min = 0, .max = 100000,
	  .def = "0", .unit = "cycles",
	  .doc = "Cycles added by an L1 data TLB hit beyond access_cycles." },
	{ .path = "platform.l1d_tlb.repl", .type = S2SIM_CFG_ENUM,
	  CFG_FIELD(platform.l1d_tlb.repl), .names = repl_names, .def = "lru",
	  .unit = "", .doc = "L1 data TLB replacement policy (random uses sim.seed)." },
	{ .path = "platform.l2_tlb.entries", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.l2_tlb.entries), .min = 1, .max = 1u << 20,
	  .def = "1280", .unit = "entries",
	  .doc = "Unified L2 TLB size (combined stage-1+2 entries)." },
	{ .path = "platform.l2_tlb.ways", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.l2_tlb.ways), .min = 1, .max = 1u << 20,
	  .def = "5", .unit = "ways",
	  .doc = "L2 TLB associativity; entries / ways sets, a power of two." },
	{ .path = "platform.l2_tlb.latency_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.l2_tlb.latency_cycles), .min = 0, .max = 100000,
	  .def = "3", .unit = "cycles", .doc = "Cycles added by an L2 TLB hit." },
	{ .path = "platform.l2_tlb.repl", .type = S2SIM_CFG_ENUM,
	  CFG_FIELD(platform.l2_tlb.repl), .names = repl_names, .def = "lru",
	  .unit = "", .doc = "L2 TLB replacement policy (random uses sim.seed)." },
	{ .path = "platform.walk_cache.l0.entries", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.walk_cache[0].entries), .min = 0, .max = 1u << 20,
	  .def = "4", .unit = "entries",
	  .doc = "Walk-cache entries holding level-0 table descriptors (0 disables this level)." },
	{ .path = "platform.walk_cache.l0.ways", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.walk_cache[0].ways), .min = 1, .max = 1u << 20,
	  .def = "4", .unit = "ways", .doc = "Associativity of the level-0 walk cache." },
	{ .path = "platform.walk_cache.l1.entries", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.walk_cache[1].entries), .min = 0, .max = 1u << 20,
	  .def = "16", .unit = "entries",
	  .doc = "Walk-cache entries holding level-1 table descriptors (0 disables this level)." },
	{ .path = "platform.walk_cache.l1.ways", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.walk_cache[1].ways), .min = 1, .max = 1u << 20,
	  .def = "4", .unit = "ways", .doc = "Associativity of the level-1 walk cache." },
	{ .path = "platform.walk_cache.l2.entries", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.walk_cache[2].entries), .min = 0, .max = 1u << 20,
	  .def = "64", .unit = "entries",
	  .doc = "Walk-cache entries holding level-2 table descriptors (0 disables this level)." },
	{ .path = "platform.walk_cache.l2.ways", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.walk_cache[2].ways), .min = 1, .max = 1u << 20,
	  .def = "4", .unit = "ways", .doc = "Associativity of the level-2 walk cache." },
	{ .path = "platform.walk_cache_latency_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.walk_cache_latency_cycles), .min = 0,
	  .max = 100000, .def = "3", .unit = "cycles",
	  .doc = "Cycles of a walk-cache lookup." },
	{ .path = "platform.walker_max_outstanding", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.walker_max_outstanding), .min = 1, .max = 1024,
	  .def = "4", .unit = "walks",
	  .doc = "Table walks a PE can have in flight; walks to the same page coalesce." },
	{ .path = "platform.mem.l1d_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.mem.l1d_cycles), .min = 0, .max = 1000000,
	  .def = "4", .unit = "cycles",
	  .doc = "Latency of a descriptor fetch that hits the L1 data cache." },
	{ .path = "platform.mem.l2_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.mem.l2_cycles), .min = 0, .max = 1000000,
	  .def = "11", .unit = "cycles",
	  .doc = "Latency of a descriptor fetch that hits the private L2 cache." },
	{ .path = "platform.mem.slc_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.mem.slc_cycles), .min = 0, .max = 1000000,
	  .def = "66", .unit = "cycles",
	  .doc = "Latency of a descriptor fetch that hits the system-level cache." },
	{ .path = "platform.mem.dram_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.mem.dram_cycles), .min = 0, .max = 1000000,
	  .def = "243", .unit = "cycles",
	  .doc = "Latency of a descriptor fetch from DRAM." },
	{ .path = "platform.mem.l1d_lines", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.mem.l1d_lines), .min = 0, .max = 1u << 30,
	  .def = "1024", .unit = "64-byte lines",
	  .doc = "L1 data cache capacity available to table lines in the walker's cache model." },
	{ .path = "platform.mem.l2_lines", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.mem.l2_lines), .min = 0, .max = 1u << 30,
	  .def = "16384", .unit = "64-byte lines",
	  .doc = "L2 cache capacity available to table lines in the walker's cache model." },
	{ .path = "platform.mem.slc_lines", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.mem.slc_lines), .min = 0, .max = 1u << 30,
	  .def = "524288", .unit = "64-byte lines",
	  .doc = "System-level cache capacity available to table lines in the walker's cache model." },
	{ .path = "platform.tlb_conflict", .type = S2SIM_CFG_ENUM,
	  CFG_FIELD(platform.tlb_conflict), .names = conflict_names,
	  .def = "abort", .unit = "",
	  .doc = "What a lookup matching two TLB entries does: raise a TLB conflict abort, use the newest entry, or amalgamate them (Arm ARM R_ZQNWZ)." },
	{ .path = "platform.feat_bbm", .type = S2SIM_CFG_U32,
	  CFG_FIELD(platform.feat_bbm), .min = 0, .max = 2, .def = "0",
	  .unit = "level",
	  .doc = "FEAT_BBM level (ID_AA64MMFR2_EL1.BBM): 0 none, 1 BBML1 (nT bit), 2 BBML2 (block size change without break-before-make)." },
	{ .path = "platform.feat_tlbirange", .type = S2SIM_CFG_BOOL,
	  CFG_FIELD(platform.feat_tlbirange), .def = "false", .unit = "",
	  .doc = "FEAT_TLBIRANGE: range TLBI instructions (RIPAS2E1IS)." },

	/* hypervisor */
	{ .path = "hypervisor.policy", .type = S2SIM_CFG_POLICY,
	  CFG_FIELD(hypervisor.policy), .def = "baseline", .unit = "",
	  .doc = "Stage-2 fault and dirty-log policy, LOCK[+FEATURE]... ('_' may be written for '-'; stored normalised: the lock, then the features in the order below). "
		 "Locks: baseline = Linux <= 5.17 (mmu_lock a spinlock held for every stage-2 fault; lazy split of blocks with break-before-make and broadcast TLBIs); "
		 "rdlock-wp = 5.18 (rwlock; read lock only for a write fault on a write-protected 4 KiB page: Jing Zhang's fast path with Oliver Upton's fix 'Don't split hugepages outside of MMU write lock'); "
		 "rdlock-all = 6.2+ (read lock for every stage-2 fault: Oliver Upton's 'Parallel stage-2 fault handling'). "
		 "Features: nsh-relax = local (non-shareable) TLBI after relax_perms (Ricardo Koller's series, 2023, merged for 6.5); "
		 "eager-split = split blocks during CLEAR_DIRTY_LOG in chunks of workload.eager_split_chunk (KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE, Ricardo Koller, 2023, 6.5); "
		 "tlbi-range = FEAT_TLBIRANGE range flushes (kvm_tlb_flush_vmid_range, Raghavendra Rao Ananta, 6.6) instead of TLBI VMALLS12E1IS; needs platform.feat_tlbirange; "
		 "bbml2 = what-if: change a block's size without the break (FEAT_BBM level 2, as in Colton Lewis's unmerged 2023 series) and recover a TLB conflict abort with a local TLBI VMALLS12E1; needs platform.feat_bbm = 2; "
		 "unsafe-no-bbm = deliberately broken (no break, only a local flush of the old block, no TLBI on relaxes), for checker tests; excludes bbml2." },
	{ .path = "hypervisor.exit_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.exit_cycles), .min = 0, .max = 100000000,
	  .def = "800", .unit = "PE cycles",
	  .doc = "From a guest stage-2 abort to KVM's handler: exception entry to EL2, guest state save, ESR decode. An estimate: no published figure for N1/Altra." },
	{ .path = "hypervisor.entry_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.entry_cycles), .min = 0, .max = 100000000,
	  .def = "700", .unit = "PE cycles",
	  .doc = "From the end of the handler back into the guest: state restore and ERET. An estimate." },
	{ .path = "hypervisor.fault_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.fault_cycles), .min = 0, .max = 100000000,
	  .def = "2500", .unit = "PE cycles",
	  .doc = "user_mem_abort() before mmu_lock: memcache top-up, memslot and VMA lookup, __kvm_faultin_pfn(). An estimate." },
	{ .path = "hypervisor.map_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.map_cycles), .min = 0, .max = 100000000,
	  .def = "300", .unit = "PE cycles",
	  .doc = "Software of one stage-2 map or relax_perms walk under the lock, besides the descriptor accesses, barriers and TLBIs the model simulates. An estimate." },
	{ .path = "hypervisor.split_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.split_cycles), .min = 0, .max = 100000000,
	  .def = "1200", .unit = "PE cycles",
	  .doc = "Building the table that replaces a block (512 descriptors), besides the simulated break-before-make sequence. An estimate." },
	{ .path = "hypervisor.wp_cycles_per_leaf", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.wp_cycles_per_leaf), .min = 0,
	  .max = 100000000, .def = "20", .unit = "PE cycles/leaf",
	  .doc = "Write-protect walk (kvm_pgtable_stage2_wrprotect) per leaf descriptor visited. An estimate." },
	{ .path = "hypervisor.dirty_cycles_per_page", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.dirty_cycles_per_page), .min = 0,
	  .max = 100000000, .def = "5", .unit = "PE cycles/page",
	  .doc = "GET_DIRTY_LOG / CLEAR_DIRTY_LOG bitmap work per page (a 64-page word's xchg or fetch-andnot, shared out). An estimate." },
	{ .path = "hypervisor.lock_acquire_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.lock_acquire_cycles), .min = 0, .max = 1000000,
	  .def = "30", .unit = "PE cycles",
	  .doc = "mmu_lock acquire with the lock line in L1: the atomic plus preempt_disable (s2sim_mmu_lock_default_params(); an estimate, docs/kvm-lock.md)." },
	{ .path = "hypervisor.lock_release_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.lock_release_cycles), .min = 0, .max = 1000000,
	  .def = "20", .unit = "PE cycles",
	  .doc = "mmu_lock release: the store-release plus preempt_enable (an estimate, docs/kvm-lock.md)." },
	{ .path = "hypervisor.lock_transfer_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.lock_transfer_cycles), .min = 0, .max = 1000000,
	  .def = "150", .unit = "PE cycles",
	  .doc = "One cache-to-cache transfer of the lock's line, ~50 ns at 3 GHz (an estimate within the 30-60 ns core-to-core latency published for CMN meshes; docs/kvm-lock.md)." },
	{ .path = "hypervisor.lock_transfer_per_spinner_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.lock_transfer_per_spinner_cycles), .min = 0,
	  .max = 1000000, .def = "1", .unit = "PE cycles/spinner",
	  .doc = "Added to a lock-line transfer per other PE spinning on the line (calibrated in docs/kvm-lock.md)." },
	{ .path = "hypervisor.vmm_pe", .type = S2SIM_CFG_U32,
	  CFG_FIELD(hypervisor.vmm_pe), .min = 0, .max = 4095, .def = "0",
	  .unit = "PE",
	  .doc = "PE the VMM thread runs on: it issues the dirty-log ioctls and their TLBIs; less than platform.pes." },
	{ .path = "hypervisor.check", .type = S2SIM_CFG_BOOL,
	  CFG_FIELD(hypervisor.check), .def = "true", .unit = "",
	  .doc = "Run the architecture checker (break-before-make rules, TLB conflicts, use of stale translations)." },

	/* fabric: defaults = s2sim_fabric_params_default(), docs/fabric.md
	 * gives each source (a test keeps them equal) */
	{ .path = "fabric.mesh_x", .type = S2SIM_CFG_U32, CFG_FIELD(fabric.mesh_x),
	  .min = 1, .max = 64, .def = "8", .unit = "XPs",
	  .doc = "Crosspoints (XPs) per mesh row; XPs are numbered row-major. CMN-600 allows up to 8 x 8, CMN-700 12 x 12; Altra's layout is unpublished (estimate)." },
	{ .path = "fabric.mesh_y", .type = S2SIM_CFG_U32, CFG_FIELD(fabric.mesh_y),
	  .min = 1, .max = 64, .def = "6", .unit = "XPs",
	  .doc = "Mesh rows (estimate for Altra)." },
	{ .path = "fabric.pes_per_xp", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.pes_per_xp), .min = 1, .max = 1024, .def = "4",
	  .unit = "PEs",
	  .doc = "PEs attached to one XP; PE i sits on XP i / pes_per_xp (Altra: a CAL with 2 DSUs of 2 N1 cores per XP)." },
	{ .path = "fabric.hop_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.hop_cycles), .min = 0, .max = 100000, .def = "2",
	  .unit = "fabric cycles",
	  .doc = "Per XP a message passes through (XY routing: Manhattan distance + 1 XPs). An estimate." },
	{ .path = "fabric.mhz", .type = S2SIM_CFG_DOUBLE, CFG_FIELD(fabric.mhz),
	  .dmin = 1, .dmax = 10000, .def = "2000", .unit = "MHz",
	  .doc = "Fabric (mesh) clock. An estimate." },
	{ .path = "fabric.dn_count", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.dn_count), .min = 1, .max = 8, .def = "1",
	  .unit = "nodes",
	  .doc = "DVM nodes; they are spread along the middle row of the mesh and each PE uses the nearest. An estimate." },
	{ .path = "fabric.dn_op_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.dn_op_cycles), .min = 0, .max = 1000000, .def = "4",
	  .unit = "fabric cycles",
	  .doc = "A DVM node's occupancy per DVMOp or DVMSync before it snoops. An estimate." },
	{ .path = "fabric.dn_snoop_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.dn_snoop_cycles), .min = 0, .max = 1000000,
	  .def = "2", .unit = "fabric cycles/target",
	  .doc = "Per target snooped: a SnpDVMOp is 2 flits at 1 flit per cycle (CHI IHI0050 B8.2.1)." },
	{ .path = "fabric.dn_trackers", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.dn_trackers), .min = 2, .max = 4096, .def = "16",
	  .unit = "entries",
	  .doc = "Tracker entries per DVM node, one kept for non-sync ops (gem5's CHI MN: 16 DVM TBEs)." },
	{ .path = "fabric.sync_orders_all", .type = S2SIM_CFG_BOOL,
	  CFG_FIELD(fabric.sync_orders_all), .def = "false", .unit = "",
	  .doc = "A DVMSync also waits for every op any requester had in the node before it (false: only the PE's own ops, the CHI B8.2.2 minimum)." },
	{ .path = "fabric.filter_syncs", .type = S2SIM_CFG_BOOL,
	  CFG_FIELD(fabric.filter_syncs), .def = "false", .unit = "",
	  .doc = "Send a DVMSync only to targets snooped since their last sync (false: to every requester; a CMN Sync carries no VMID)." },
	{ .path = "fabric.target_outstanding", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.target_outstanding), .min = 1, .max = 64, .def = "4",
	  .unit = "snoops",
	  .doc = "Non-sync SnpDVMOps a target holds at once (CoreLink CCN-502 TRM: 4 per RN-F)." },
	{ .path = "fabric.target_op_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.target_op_cycles), .min = 0, .max = 1000000,
	  .def = "50", .unit = "PE cycles",
	  .doc = "A target's cost to apply one DVMOp to its TLBs and walk cache. An estimate." },
	{ .path = "fabric.target_sync_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.target_sync_cycles), .min = 0, .max = 1000000,
	  .def = "250", .unit = "PE cycles",
	  .doc = "A target's answer to a DVMSync once its earlier ops are applied: drain of accesses using old translations, ~ one DRAM access. An estimate." },
	{ .path = "fabric.target_blocks_translation", .type = S2SIM_CFG_BOOL,
	  CFG_FIELD(fabric.target_blocks_translation), .def = "false",
	  .unit = "",
	  .doc = "A target's translations stall while it applies a DVMOp (both designs exist)." },
	{ .path = "fabric.dsb_ishst_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.dsb_ishst_cycles), .min = 0, .max = 1000000,
	  .def = "20", .unit = "PE cycles",
	  .doc = "DSB ISHST at the issuing PE (it does not wait for TLBIs). An estimate." },
	{ .path = "fabric.dsb_nsh_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.dsb_nsh_cycles), .min = 0, .max = 1000000,
	  .def = "20", .unit = "PE cycles",
	  .doc = "DSB NSH, and a DSB ISH with no DVMOp since the PE's last sync. An estimate." },
	{ .path = "fabric.isb_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.isb_cycles), .min = 0, .max = 1000000, .def = "15",
	  .unit = "PE cycles", .doc = "ISB. An estimate." },
	{ .path = "fabric.snoop_filter", .type = S2SIM_CFG_ENUM,
	  CFG_FIELD(fabric.snoop_filter), .names = snoop_filter_names,
	  .def = "none", .unit = "",
	  .doc = "DVM snoop filter: none (every DVMOp snoops every PE; Linux and KVM do not program CMN-600's VMID filters), vmid (presence vector per VMID) or address (a region directory; no such hardware)." },
	{ .path = "fabric.filter_lookup_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.filter_lookup_cycles), .min = 0, .max = 1000000,
	  .def = "1", .unit = "fabric cycles",
	  .doc = "Per snoop-filter lookup (per region probed by the address filter). An estimate." },
	{ .path = "fabric.filter_update_cycles", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.filter_update_cycles), .min = 0, .max = 1000000,
	  .def = "1", .unit = "fabric cycles",
	  .doc = "Snoop-filter port occupancy per state change. An estimate." },
	{ .path = "fabric.vmid_filter_entries", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.vmid_filter_entries), .min = 0, .max = 65536,
	  .def = "16", .unit = "VMIDs",
	  .doc = "VMIDs the vmid filter tracks, 0 = unlimited; others are broadcast (CMN-600: 16 filters, POR_DN_VMF0..15)." },
	{ .path = "fabric.addr_sets", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.addr_sets), .min = 1, .max = 1u << 20,
	  .def = "1024", .unit = "sets",
	  .doc = "Address-filter directory sets, a power of two. An estimate (no such hardware)." },
	{ .path = "fabric.addr_ways", .type = S2SIM_CFG_U32,
	  CFG_FIELD(fabric.addr_ways), .min = 1, .max = 64, .def = "8",
	  .unit = "ways", .doc = "Address-filter directory ways. An estimate." },
	{ .path = "fabric.addr_region_bytes", .type = S2SIM_CFG_SIZE,
	  CFG_FIELD(fabric.addr_region_bytes), .min = 4 * KiB, .max = 1 * TiB,
	  .def = "2MiB", .unit = "bytes",
	  .doc = "IPA range one address-filter entry tracks, a power of two. An estimate." },
	{ .path = "fabric.erratum_repeat_tlbi", .type = S2SIM_CFG_BOOL,
	  CFG_FIELD(fabric.erratum_repeat_tlbi), .def = "false", .unit = "",
	  .doc = "Erratum 4118414-class workaround (N1 #4193800): every DSB ISH after TLBIs is followed by a second TLBI and DSB ISH. Set it for kernels with the workaround." },

	/* workload */
	{ .path = "workload.source", .type = S2SIM_CFG_ENUM,
	  CFG_FIELD(workload.source), .names = source_names,
	  .def = "generator", .unit = "",
	  .doc = "Where accesses come from: the built-in dirty_log_perf_test generator or a trace file." },
	{ .path = "workload.trace", .type = S2SIM_CFG_STRING,
	  CFG_FIELD(workload.trace), .def = "", .unit = "path",
	  .doc = "Trace file to replay when source is trace." },
	{ .path = "workload.vcpus", .type = S2SIM_CFG_U32, CFG_FIELD(workload.vcpus),
	  .min = 1, .max = 4096, .def = "1", .unit = "vCPUs",
	  .doc = "vCPUs of the guest (dirty_log_perf_test -v); at most platform.pes." },
	{ .path = "workload.bytes_per_vcpu", .type = S2SIM_CFG_SIZE,
	  CFG_FIELD(workload.bytes_per_vcpu), .min = 1, .max = 1ull << 52,
	  .def = "1GiB", .unit = "bytes",
	  .doc = "Guest memory each vCPU touches (dirty_log_perf_test -b); a multiple of both page sizes." },
	{ .path = "workload.guest_page_size", .type = S2SIM_CFG_SIZE,
	  CFG_FIELD(workload.guest_page_size), .min = 4 * KiB, .max = 1 * GiB,
	  .def = "4KiB", .unit = "bytes",
	  .doc = "Stride of the guest's access loop (memstress accesses one word per guest page)." },
	{ .path = "workload.backing_page_size", .type = S2SIM_CFG_SIZE,
	  CFG_FIELD(workload.backing_page_size), .allowed = backing_sizes,
	  .nallowed = 3, .def = "4KiB", .unit = "bytes",
	  .doc = "Host backing page size (dirty_log_perf_test -s): 4KiB anonymous, 2MiB or 1GiB HugeTLB; the largest stage-2 block KVM can map." },
	{ .path = "workload.write_percent", .type = S2SIM_CFG_U32,
	  CFG_FIELD(workload.write_percent), .min = 0, .max = 100, .def = "100",
	  .unit = "percent",
	  .doc = "Chance that an access is a write (dirty_log_perf_test -w)." },
	{ .path = "workload.iterations", .type = S2SIM_CFG_U32,
	  CFG_FIELD(workload.iterations), .min = 1, .max = 1000000, .def = "2",
	  .unit = "passes",
	  .doc = "Dirty-logging passes after the populate pass, each followed by get + clear dirty log (dirty_log_perf_test -i)." },
	{ .path = "workload.order", .type = S2SIM_CFG_ENUM,
	  CFG_FIELD(workload.order), .names = order_names,
	  .def = "sequential", .unit = "",
	  .doc = "Order of the guest pages in a pass (random = dirty_log_perf_test -a)." },
	{ .path = "workload.seed", .type = S2SIM_CFG_U64, CFG_FIELD(workload.seed),
	  .min = 1, .max = UINT32_MAX, .def = "1", .unit = "",
	  .doc = "Seed of the workload's random choices (dirty_log_perf_test -r: 1 to 2^32-1)." },
	{ .path = "workload.instructions_per_access", .type = S2SIM_CFG_U32,
	  CFG_FIELD(workload.instructions_per_access), .min = 0,
	  .max = 1000000000, .def = "20", .unit = "instructions",
	  .doc = "Guest instructions between two accesses (memstress's loop body; an estimate)." },
	{ .path = "workload.initially_set", .type = S2SIM_CFG_BOOL,
	  CFG_FIELD(workload.initially_set), .def = "true", .unit = "",
	  .doc = "Manual protect with KVM_DIRTY_LOG_INITIALLY_SET (dirty_log_perf_test default; false = -g)." },
	{ .path = "workload.eager_split_chunk", .type = S2SIM_CFG_SIZE,
	  CFG_FIELD(workload.eager_split_chunk), .allowed = chunk_sizes,
	  .nallowed = 4, .def = "0", .unit = "bytes",
	  .doc = "KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE: 0 (off) or a supported block size." },
	{ .path = "workload.clear_interval_ns", .type = S2SIM_CFG_U64,
	  CFG_FIELD(workload.clear_interval_ns), .min = 0,
	  .max = 1000000000000ull, .def = "0", .unit = "ns",
	  .doc = "VMM pause after each CLEAR_DIRTY_LOG call (dirty_log_perf_test -l, a clear rate limit)." },
	{ .path = "workload.clear_chunk", .type = S2SIM_CFG_SIZE,
	  CFG_FIELD(workload.clear_chunk), .min = 0, .max = 1ull << 52,
	  .def = "0", .unit = "bytes",
	  .doc = "The VMM issues each CLEAR_DIRTY_LOG record as KVM_CLEAR_DIRTY_LOG calls of this many bytes, each followed by the clear_interval_ns pause (a rate-limited VMM: 'split a range, wait for a bit, split another range'); 0 = one call for the record's range (dirty_log_perf_test). A multiple of 256KiB (64 pages, the ioctl's rule)." },
	{ .path = "workload.vmm_concurrent", .type = S2SIM_CFG_BOOL,
	  CFG_FIELD(workload.vmm_concurrent), .def = "false", .unit = "",
	  .doc = "GET_DIRTY_LOG and CLEAR_DIRTY_LOG run on the VMM thread concurrently with the vCPUs (a VMM that clears while the guest runs): they start when the vCPUs finish the pass before them, the vCPUs go on at once, and each CLEAR call takes mmu_lock and flushes through the fabric as the guest faults. Other VMM records wait for the VMM thread. Needs hypervisor.vmm_pe to be a PE no vCPU runs on. false = every VMM record runs with the vCPUs parked (dirty_log_perf_test). Not supported by s2sim-vp." },

	/* sim */
	{ .path = "sim.seed", .type = S2SIM_CFG_U64, CFG_FIELD(sim.seed),
	  .min = 0, .max = UINT64_MAX, .def = "1", .unit = "",
	  .doc = "Seed of the model's own randomness (random replacement)." },
	{ .path = "sim.quantum_ns", .type = S2SIM_CFG_U64, CFG_FIELD(sim.quantum_ns),
	  .min = 1, .max = 1000000000000ull, .def = "1000", .unit = "ns",
	  .doc = "Temporal-decoupling quantum: how far a PE may run ahead of the others." },
	{ .path = "sim.timeline_interval_us", .type = S2SIM_CFG_U64,
	  CFG_FIELD(sim.timeline_interval_us), .min = 1,
	  .max = 1000000000000ull, .def = "1000", .unit = "us",
	  .doc = "Interval of the per-interval timelines (timeline.csv)." },
	{ .path = "sim.trace_window", .type = S2SIM_CFG_STRING,
	  CFG_FIELD(sim.trace_window), .def = "auto", .unit = "s",
	  .doc = "Time window of trace.json, the Perfetto / Chrome trace of per-vCPU activity (docs/trace-viewer.md): "
		 "off; auto = 2 ms from the first write-protection by dirty logging (the run's first 2 ms if there is none); "
		 "auto:LEN; or START:END in simulated seconds, units s, ms, us, ns allowed (100ms:102ms), END may be empty." },
	{ .path = "sim.trace_max_events", .type = S2SIM_CFG_U64,
	  CFG_FIELD(sim.trace_max_events), .min = 1, .max = 100000000,
	  .def = "200000", .unit = "events",
	  .doc = "Most events trace.json holds; past it the window ends earlier, where the trace is still complete, marked truncated (otherData and a 'trace truncated' event)." },
};

static const struct s2sim_cfg_section sections[] = {
	{ "platform",
	  "The machine: PEs and clocks, the stage-2 translation regime "
	  "(VTCR_EL2), the TLBs, walk cache and walker, the latencies of "
	  "descriptor fetches, and the architecture features that change "
	  "TLB maintenance (FEAT_BBM, FEAT_TLBIRANGE)." },
	{ "hypervisor", "The KVM model: which kernel's stage-2 fault handling "
			"and dirty-logging policy runs, the software costs of "
			"its handler paths and of mmu_lock, the PE of the VMM "
			"thread, and the architecture checker." },
	{ "fabric", "The inner-shareable interconnect (docs/fabric.md): the "
		    "CMN mesh, its DVM nodes, the DVM targets, barrier costs "
		    "and the optional DVM snoop filter. The PE count and "
		    "clock come from platform.pes and platform.cpu_mhz." },
	{ "workload", "The guest: the dirty_log_perf_test / memstress "
		      "generator's parameters, or a trace file." },
	{ "sim", "The simulator itself: seeds, time steps and the trace window." },
};

const struct s2sim_cfg_key *s2sim_cfg_schema(size_t *count)
{
	*count = sizeof(schema) / sizeof(schema[0]);
	return schema;
}

const struct s2sim_cfg_section *s2sim_cfg_sections(size_t *count)
{
	*count = sizeof(sections) / sizeof(sections[0]);
	return sections;
}

const struct s2sim_cfg_key *s2sim_cfg_find(const char *path)
{
	for (size_t i = 0; i < sizeof(schema) / sizeof(schema[0]); i++) {
		if (!strcmp(schema[i].path, path))
			return &schema[i];
	}
	return NULL;
}

size_t s2sim_cfg_index(const struct s2sim_cfg_key *key)
{
	return (size_t)(key - schema);
}

bool s2sim_cfg_is_section(const char *path)
{
	return s2sim_cfg_is_section_n(path, strlen(path));
}

bool s2sim_cfg_is_section_n(const char *path, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < sizeof(schema) / sizeof(schema[0]); i++) {
		if (!strncmp(schema[i].path, path, n) && schema[i].path[n] == '.')
			return true;
	}
	return false;
}
