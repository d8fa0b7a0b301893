/*
 * DVM snoop filters: which targets a DVMOp must snoop.
 *
 * Invariant (conservative superset): whenever a PE may hold a TLB or
 * walk-cache entry of VMID v covering IPA a, the filter's answer for every
 * op in scope of (v, a) includes that PE.  State is only ever added by
 * installs and removed when the owner reports a VMID empty on a PE, so
 * the answer can be too large (extra snoops) but never too small.
 * docs/fabric.md "Snoop filters" explains why each structure keeps it.
 *
 *  - vmid_table: a presence vector per VMID (set on install, cleared on
 *    note_vmid_empty), with an optional limit on the VMIDs tracked (CMN-600
 *    has 16 VMID filter registers); a VMID installed when the table is full
 *    is "untracked" and its ops go to everyone from then on.
 *  - addr_dir: a set-associative directory of (VMID, region) -> sharers.
 *    A victim's sharers are ORed into its set's overflow vector, which
 *    every later lookup of that set adds to its answer.  Entries larger
 *    than a few regions are kept per VMID in a "wide" vector instead.
 */
#ifndef S2SIM_INTERCONNECT_SNOOP_FILTER_H
#define S2SIM_INTERCONNECT_SNOOP_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include <s2sim/fabric.h>

#define VT_NONE UINT32_MAX              /* VMID held by no PE */
#define VT_UNTRACKED (UINT32_MAX - 1u) /* VMID with no filter entry */
#define VT_VMIDS 65536u

/* Regions an install may mark before it goes to the wide vector, and
 * regions a lookup may probe before it uses the presence vector alone. */
#define ADDR_MAX_MARK 8u
#define ADDR_MAX_PROBE 16u

struct vmid_table {
	uint32_t *slot;      /* [VT_VMIDS]: entry, VT_NONE or VT_UNTRACKED */
	uint16_t *ent_vmid;  /* [cap] */
	uint32_t *ent_count; /* [cap]: PEs present */
	uint32_t *ent_next;  /* [cap]: free list link */
	uint64_t *present;   /* [cap * words] */
	uint64_t *wide;      /* [cap * words]: holders of wide entries */
	uint32_t cap;        /* entries allocated */
	uint32_t used;       /* entries ever handed out */
	uint32_t free_head;  /* VT_NONE when empty */
	uint32_t limit;      /* most entries; 0 = VT_VMIDS */
	uint32_t words;
};

struct addr_dir {
	uint32_t sets, ways, words;
	unsigned shift;      /* log2 region bytes */
	uint64_t *key;       /* [sets * ways]: vmid << 48 | region, or free */
	uint64_t *stamp;     /* [sets * ways]: LRU time */
	uint64_t *sharers;   /* [sets * ways * words] */
	uint64_t *overflow;  /* [sets * words]: sharers of evicted regions */
	uint64_t clock;
};

struct snoop_filter {
	enum s2sim_snoop_filter_kind kind;
	uint32_t pes, words;
	struct vmid_table vt;
	struct addr_dir ad;
	uint64_t *scratch;   /* [words]: the last answer */
	struct s2sim_fabric_stats *st;
};

/* What fab_sf_select() answered. */
enum sf_answer {
	SF_ALL = 0, /* snoop every requester */
	SF_SET,     /* snoop the PEs set in sf->scratch */
};

int fab_vt_init(struct vmid_table *vt, uint32_t words, uint32_t limit);
void fab_vt_fini(struct vmid_table *vt);
/* Set `pe` in the presence (and with `wide`, the wide) vector of `vmid`.
 * Returns the number of bits that changed (0..2), or -S2SIM_ENOMEM.
 * *untracked is set when the VMID has no entry (table full). */
int fab_vt_set(struct vmid_table *vt, uint16_t vmid, uint32_t pe, bool wide,
	       bool *untracked);
void fab_vt_clear(struct vmid_table *vt, uint16_t vmid, uint32_t pe);
/* The entry of `vmid`, VT_NONE or VT_UNTRACKED. */
static inline uint32_t fab_vt_entry(const struct vmid_table *vt, uint16_t vmid)
{
	return vt->slot[vmid];
}

int fab_ad_init(struct addr_dir *ad, uint32_t sets, uint32_t ways,
		unsigned shift, uint32_t words);
void fab_ad_fini(struct addr_dir *ad);
/* Record `pe` as a sharer of (vmid, region); returns 1 when the directory
 * changed.  Counts evictions in *evictions. */
int fab_ad_mark(struct addr_dir *ad, uint16_t vmid, uint64_t region,
		uint32_t pe, uint64_t *evictions);
/* OR into `acc` what the directory knows about (vmid, region); returns
 * true on a hit. */
bool fab_ad_lookup(struct addr_dir *ad, uint16_t vmid, uint64_t region,
		   uint64_t *acc);

int fab_sf_init(struct snoop_filter *sf, const struct s2sim_fabric_params *p,
		struct s2sim_fabric_stats *st);
void fab_sf_fini(struct snoop_filter *sf);
/* Targets of `op` (SF_SET: in sf->scratch); *lookups receives the filter
 * lookups made, for the latency. */
enum sf_answer fab_sf_select(struct snoop_filter *sf,
			     const struct s2sim_dvm_op *op, uint32_t *lookups);
/* Returns the filter state changes made (each costs an update), or
 * -S2SIM_ENOMEM. */
int fab_sf_note_install(struct snoop_filter *sf, uint32_t pe, uint16_t vmid,
			uint64_t ipa, unsigned size_log2);
void fab_sf_note_vmid_empty(struct snoop_filter *sf, uint32_t pe,
			    uint16_t vmid);

#endif
