/*
 * s2sim — the inner-shareable fabric: broadcast TLB maintenance as AMBA CHI
 * DVM transactions on an Arm CMN-style mesh.
 *
 *  - A `TLBI ...IS` becomes a DVMOp: it travels from the issuing PE to its
 *    DVM node (DN), which serialises DVMOps (occupancy, a bounded tracker),
 *    snoops every target its snoop filter selects, and completes the op when
 *    every target has applied it and acknowledged.  A non-shareable TLBI
 *    never leaves the PE.  A range TLBI (FEAT_TLBIRANGE) is one DVMOp.
 *  - A `DSB ISH` becomes a DVMSync: it completes only when every DVMOp the
 *    PE issued before it has been applied by every target (Arm ARM R_YNJCP;
 *    CHI IHI0050 B8.2.2).  Its completion is reported through the
 *    sync_done callback, from an engine event at the completion time.
 *  - Targets apply a delivered DVMOp through the apply callback the owner
 *    registers (the MMU's invalidation), and are charged a per-op cost.
 *    A DVMOp costs O(1) engine events however many targets it snoops.
 *
 * The fabric runs on an s2sim_engine and is deterministic.  docs/fabric.md
 * describes the model, the parameters with their sources, and the stats
 * with the Arm CMN PMU events they correspond to.
 *
 * Error handling follows the SQLite style of common.h: int result codes,
 * s2sim_fabric_errmsg() for the last error.
 */
#ifndef S2SIM_FABRIC_H
#define S2SIM_FABRIC_H

#include <stdbool.h>

#include <s2sim/common.h>
#include <s2sim/engine.h>
#include <s2sim/stats.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct s2sim_fabric s2sim_fabric;

#define S2SIM_FABRIC_MAX_PES 1024u /* requesters (one per PE) */
#define S2SIM_FABRIC_MAX_DNS 8u    /* DVM nodes */

/* ---------------------------------------------------------------------
 * DVM operations
 * ------------------------------------------------------------------- */

/* The stage-2-relevant TLBI operations (Arm ARM C5.5). */
enum s2sim_dvm_kind {
	S2SIM_DVM_IPAS2E1 = 0, /* stage-2 entries for one IPA, all levels */
	S2SIM_DVM_IPAS2LE1,    /* same, last level only */
	S2SIM_DVM_RIPAS2E1,    /* stage-2 entries for an IPA range */
	S2SIM_DVM_RIPAS2LE1,   /* same, last level only */
	S2SIM_DVM_VMALLE1,     /* stage-1 (combined) entries of the VMID */
	S2SIM_DVM_VMALLS12E1,  /* stage-1 and stage-2 entries of the VMID */
	S2SIM_DVM_ALLE1,       /* every EL1&0 entry, all VMIDs */
	S2SIM_DVM_NKINDS
};

/* Shareability of a TLBI: the ...IS forms broadcast as DVM operations; the
 * non-shareable forms act on the issuing PE only (Arm ARM R_QRNJC). */
enum s2sim_dvm_share {
	S2SIM_DVM_NSH = 0,
	S2SIM_DVM_ISH = 1,
};

/* One TLBI as the fabric carries it (the fields of the CHI DVMOp payload,
 * IHI0050 Table B8.5, that matter for stage 2). */
struct s2sim_dvm_op {
	uint8_t kind;   /* enum s2sim_dvm_kind */
	uint8_t share;  /* enum s2sim_dvm_share */
	uint16_t vmid;  /* VMID the op applies to (ignored by ALLE1) */
	uint8_t ttl;    /* IPAS2*: the 4-bit TTL field (0 = no hint);
			 * RIPAS2*: the 2-bit TTL field (0 = any level) */
	uint8_t tg;     /* RIPAS2*: TG, 1 = 4 KiB, 2 = 16 KiB, 3 = 64 KiB
			 * (0 is reserved: nothing is invalidated) */
	uint8_t scale;  /* RIPAS2*: SCALE, 0..3 */
	uint8_t num;    /* RIPAS2*: NUM, 0..31 */
	uint64_t ipa;   /* IPAS2*: the IPA; RIPAS2*: BaseADDR as an IPA */
};

/* The IPA interval [*lo, *hi) an address-based op (IPAS2*, RIPAS2*) may
 * affect: every entry whose input range overlaps it is in scope.  IPAS2*
 * gives [ipa, ipa + 1); RIPAS2* gives BaseADDR + (NUM + 1) *
 * 2^(5 * SCALE + 1) granules (an empty interval when TG is reserved).
 * Returns false (and leaves *lo, *hi alone) for VMID-wide and ALL ops. */
S2SIM_API bool s2sim_dvm_op_range(const struct s2sim_dvm_op *op,
				  uint64_t *lo, uint64_t *hi);

/* Whether `op` may affect an entry of `vmid` covering the input range
 * [base, base + 2^size_log2): the VMID matches (or the op is ALLE1) and,
 * for address-based ops, the ranges overlap.  A conservative superset of
 * what the architecture removes: TTL, leaf-only and the stage-1/stage-2
 * distinction are the TLB's business and are not looked at. */
S2SIM_API bool s2sim_dvm_op_overlaps(const struct s2sim_dvm_op *op,
				     uint16_t vmid, uint64_t base,
				     unsigned size_log2);

/* Short name of a kind ("IPAS2E1", ...); "?" when out of range. */
S2SIM_API const char *s2sim_dvm_kind_name(unsigned kind);

/* ---------------------------------------------------------------------
 * Parameters
 * ------------------------------------------------------------------- */

enum s2sim_snoop_filter_kind {
	S2SIM_SNOOP_FILTER_NONE = 0, /* every DVMOp snoops every requester */
	S2SIM_SNOOP_FILTER_VMID,     /* presence vector per VMID */
	S2SIM_SNOOP_FILTER_ADDRESS,  /* set-associative region directory */
};

/* Every field has its unit in the comment; docs/fabric.md gives the
 * source of each default (or marks it an estimate). */
struct s2sim_fabric_params {
	/* topology: a mesh of crosspoints (XPs), numbered row-major
	 * (xp = x + y * mesh_x); PE i sits on XP i / pes_per_xp. */
	uint32_t pes;          /* requesters = PEs, 1..S2SIM_FABRIC_MAX_PES */
	uint32_t mesh_x;       /* XPs per row */
	uint32_t mesh_y;       /* rows */
	uint32_t pes_per_xp;   /* PEs attached to one XP */
	uint32_t hop_cycles;   /* fabric cycles per XP a message passes
				* through (a message between XPs d apart
				* passes through d + 1 XPs) */
	double fabric_mhz;     /* fabric (mesh) clock, MHz */
	double pe_mhz;         /* PE clock, MHz (costs in PE cycles) */
	uint32_t dn_count;     /* DVM nodes, 1..S2SIM_FABRIC_MAX_DNS; a PE
				* uses the nearest one (lowest index on ties) */
	uint32_t dn_xp[S2SIM_FABRIC_MAX_DNS]; /* XP of each DVM node */

	/* DVM node */
	uint32_t dn_op_cycles;    /* fabric cycles the node is busy per op
				   * or sync before it snoops */
	uint32_t dn_snoop_cycles; /* fabric cycles per target snooped (one
				   * SnpDVMOp = 2 flits) */
	uint32_t dn_trackers;     /* tracker entries per node, >= 2 (one is
				   * reserved for non-sync ops) */
	bool sync_orders_all;     /* a sync also waits for every op any
				   * requester had in the node before it */
	bool filter_syncs;        /* send a sync only to targets snooped by
				   * an op since their last sync (else to
				   * every requester in the domain) */

	/* targets */
	uint32_t target_outstanding;  /* non-sync SnpDVMOps a target holds
				       * at once, 1..64 (one sync more) */
	uint32_t target_op_cycles;    /* PE cycles to apply one DVMOp */
	uint32_t target_sync_cycles;  /* PE cycles to answer a sync once its
				       * earlier ops are applied (drain) */
	bool target_blocks_translation; /* the target's translation stalls
					 * while it applies an op */

	/* barriers at the issuing PE, PE cycles */
	uint32_t dsb_ishst_cycles;
	uint32_t dsb_nsh_cycles;  /* also a DSB ISH with no DVMOp since the
				   * PE's previous sync (no DVMSync is sent) */
	uint32_t isb_cycles;

	/* snoop filter */
	enum s2sim_snoop_filter_kind filter;
	uint32_t filter_lookup_cycles; /* fabric cycles per lookup (per
					* region probed, address filter) */
	uint32_t filter_update_cycles; /* fabric cycles the filter is busy
					* per state change */
	uint32_t vmid_filter_entries;  /* VMIDs the vmid filter tracks;
					* 0 = unlimited */
	uint32_t addr_sets;            /* address directory sets (power of
					* two) */
	uint32_t addr_ways;            /* address directory ways */
	uint64_t addr_region_bytes;    /* bytes per directory region (power
					* of two, 4 KiB .. 1 TiB) */

	/* errata */
	bool erratum_repeat_tlbi; /* erratum 4118414 workaround: every
				   * DSB ISH after TLBIs is followed by a
				   * second TLBI; DSB ISH */
};

/* CMN-600 / Neoverse-N1-class values (docs/fabric.md gives each source). */
S2SIM_API void s2sim_fabric_params_default(struct s2sim_fabric_params *p);

/* ---------------------------------------------------------------------
 * Life cycle and callbacks
 * ------------------------------------------------------------------- */

struct s2sim_fabric_callbacks {
	void *ctx;
	/* Apply `op` to the TLBs and walk cache of `pe`; return the entries
	 * removed (for stats).  Called from an engine event: for a broadcast
	 * op when the DVM node distributes it (engine now, at or before the
	 * target's modelled processing, which only the timing accounts for;
	 * the DSB ISH that covers it completes later), for a non-shareable
	 * one at its start at the PE.  May call the note_* functions.
	 * NULL: ops are charged but applied to nothing. */
	uint64_t (*apply)(void *ctx, uint32_t pe,
			  const struct s2sim_dvm_op *op);
	/* The DSB ISH `pe` issued has completed at `t` (== engine now).
	 * May issue the PE's next TLBI or DSB. */
	void (*sync_done)(void *ctx, uint32_t pe, s2sim_time_ps t);
};

/* Create a fabric scheduling on `eng` (which must outlive it).  On
 * S2SIM_EINPUT (bad parameters) *out is still a handle whose errmsg names
 * the field; destroy it either way.  *out is NULL only on S2SIM_ENOMEM. */
S2SIM_API int s2sim_fabric_create(s2sim_engine *eng,
				  const struct s2sim_fabric_params *p,
				  s2sim_fabric **out);
S2SIM_API void s2sim_fabric_destroy(s2sim_fabric *f);
S2SIM_API const char *s2sim_fabric_errmsg(const s2sim_fabric *f);
S2SIM_API void s2sim_fabric_set_callbacks(
	s2sim_fabric *f, const struct s2sim_fabric_callbacks *cb);

/* ---------------------------------------------------------------------
 * What a PE does
 *
 * `t` is the PE's (local) time of the instruction: >= engine now and >=
 * the time of the PE's previous call.  S2SIM_EMISUSE otherwise, for a PE
 * out of range, or while the PE's DSB ISH is outstanding (the PE is
 * stalled in it).
 * ------------------------------------------------------------------- */

/* Issue a TLBI.  ISH: a DVMOp to the PE's DVM node; NSH: applied at the
 * PE only.  Posted: the PE continues; the next DSB waits for it. */
S2SIM_API int s2sim_fabric_tlbi(s2sim_fabric *f, uint32_t pe,
				s2sim_time_ps t,
				const struct s2sim_dvm_op *op);

/* Issue a DSB ISH.  Its completion is reported by sync_done(pe, t_done)
 * from an engine event at t_done; the PE should stall until then. */
S2SIM_API int s2sim_fabric_dsb_ish(s2sim_fabric *f, uint32_t pe,
				   s2sim_time_ps t);

enum s2sim_barrier {
	S2SIM_BARRIER_DSB_ISHST = 0, /* orders stores; does not wait for
				      * TLBIs (Arm ARM R_PSMWS) */
	S2SIM_BARRIER_DSB_NSH,       /* waits for the PE's local TLBIs */
	S2SIM_BARRIER_ISB,
};

/* A barrier whose completion is known at once: *done receives the time
 * the PE may continue. */
S2SIM_API int s2sim_fabric_barrier(s2sim_fabric *f, uint32_t pe,
				   s2sim_time_ps t, enum s2sim_barrier b,
				   s2sim_time_ps *done);

/* With target_blocks_translation: the first time >= t at which `pe` may
 * translate (the end of the op processing window containing t); `t`
 * itself when the PE is not processing or blocking is off. */
S2SIM_API s2sim_time_ps s2sim_fabric_translation_ready(const s2sim_fabric *f,
						       uint32_t pe,
						       s2sim_time_ps t);

/* ---------------------------------------------------------------------
 * Snoop filter feed (from the owner of the TLBs)
 * ------------------------------------------------------------------- */

/* `pe` is installing a TLB or walk-cache entry of `vmid` covering the
 * input range [ipa & ~(2^size_log2 - 1), + 2^size_log2).  Call it no later
 * than the walk reads the descriptor it caches.  Cheap when nothing
 * changes.  S2SIM_EMISUSE for a bad PE or size_log2 outside 12..52. */
S2SIM_API int s2sim_fabric_note_install(s2sim_fabric *f, uint32_t pe,
					uint16_t vmid, uint64_t ipa,
					unsigned size_log2);
/* The TLBs and walk cache of `pe` hold no entry of `vmid` any more. */
S2SIM_API int s2sim_fabric_note_vmid_empty(s2sim_fabric *f, uint32_t pe,
					   uint16_t vmid);

/* ---------------------------------------------------------------------
 * Statistics
 * ------------------------------------------------------------------- */

/* Totals over all DVM nodes.  Names follow the Arm CMN DN PMU events
 * where one exists (docs/fabric.md has the table). */
struct s2sim_fabric_stats {
	uint64_t rxreq_dvmop;          /* DVMOps received (accepted) */
	uint64_t rxreq_dvmsync;        /* DVMSyncs received (accepted) */
	uint64_t rxreq_retried;        /* requests retried: no tracker */
	uint64_t dvmop_vmid_filtered;  /* DVMOps whose snoops the VMID
					* presence vectors narrowed */
	uint64_t dvmop_addr_filtered;  /* DVMOps whose snoops the address
					* directory narrowed */
	uint64_t snoops_sent;          /* SnpDVMOp to targets, non-sync */
	uint64_t sync_snoops_sent;     /* SnpDVMOp(Sync) to targets */
	uint64_t snoops_filtered;      /* non-sync snoops the filter saved */
	uint64_t txsnp_flits;          /* snoop flits sent (2 per snoop) */
	uint64_t txsnp_stall_cycles;   /* fabric cycles a node waited for a
					* target's snoop credit */
	uint64_t trk_occupancy_all;    /* sum over fabric cycles of the
					* trackers in use */
	uint64_t trk_occupancy_dvmop;  /* ... held by non-sync ops */
	uint64_t trk_occupancy_dvmsync;/* ... held by syncs */
	uint64_t trk_full_cycles;      /* fabric cycles with every tracker
					* of a node in use */
	uint64_t dn_busy_cycles;       /* fabric cycles nodes spent
					* distributing */
	uint64_t local_tlbi;           /* non-shareable TLBIs */
	uint64_t dsb_ish;              /* DSB ISH executed */
	uint64_t dsb_ish_elided;       /* ... with no DVMOp since the last
					* sync (no DVMSync sent) */
	uint64_t erratum_repeats;      /* extra TLBI; DSB pairs (4118414) */
	uint64_t ops_applied;          /* op applications at targets */
	uint64_t entries_invalidated;  /* entries the apply callback removed */
	uint64_t filter_lookups;
	uint64_t filter_hits;          /* address: region found */
	uint64_t filter_misses;        /* address: region absent */
	uint64_t filter_updates;       /* state changes from installs */
	uint64_t filter_evictions;     /* address: regions evicted */
	uint64_t filter_broadcasts;    /* ops the filter could not narrow */
	uint64_t filter_untracked;     /* vmid: installs of a VMID with no
					* free filter entry */
};

/* Per PE, as a target of DVM operations. */
struct s2sim_fabric_pe_stats {
	uint64_t dvmops_applied;  /* ops applied (local and broadcast) */
	uint64_t invalidations;   /* entries the apply callback removed */
	uint64_t queue_delay_ps;  /* time ops waited for a snoop credit and
				   * for the PE's earlier ops */
	uint64_t busy_ps;         /* time spent applying ops */
};

S2SIM_API const struct s2sim_fabric_stats *
s2sim_fabric_get_stats(const s2sim_fabric *f);
/* NULL when pe is out of range. */
S2SIM_API const struct s2sim_fabric_pe_stats *
s2sim_fabric_get_pe_stats(const s2sim_fabric *f, uint32_t pe);

/* Bring the time-integrated counters (tracker occupancy) up to engine
 * now; call before reading or writing stats. */
S2SIM_API void s2sim_fabric_stats_flush(s2sim_fabric *f);

/* Register every counter under `prefix` ("fabric" when NULL) and create
 * the latency histograms (<prefix>.dvmop_latency, .dvmsync_latency,
 * .target_queue_delay, in ps) in `st`, which must outlive the fabric's
 * last event.  Per PE: <prefix>.pe.<i>.{dvmops_applied, invalidations,
 * queue_delay, busy}. */
S2SIM_API int s2sim_fabric_register_stats(s2sim_fabric *f, s2sim_stats *st,
					  const char *prefix);

#ifdef __cplusplus
}
#endif
#endif
