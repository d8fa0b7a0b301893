/*
 * Snoop filter front end: picks the targets of a DVMOp from the VMID
 * presence vectors and (address filter) the region directory, and feeds
 * both from the owner's install / VMID-empty reports.  See snoop_filter.h
 * for the superset invariant every answer keeps.
 */
#include <stdlib.h>

#include "interconnect/pe_bitmap.h"
#include "interconnect/snoop_filter.h"

static unsigned log2_u64(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

int fab_sf_init(struct snoop_filter *sf, const struct s2sim_fabric_params *p,
		struct s2sim_fabric_stats *st)
{
	uint32_t limit = p->filter == S2SIM_SNOOP_FILTER_VMID
				 ? p->vmid_filter_entries : 0;
	int rc;

	*sf = (struct snoop_filter){ .kind = p->filter, .pes = p->pes,
				     .words = pe_bitmap_words(p->pes),
				     .st = st };
	if (sf->kind == S2SIM_SNOOP_FILTER_NONE)
		return S2SIM_OK;
	sf->scratch = calloc(sf->words, sizeof(*sf->scratch));
	if (!sf->scratch)
		return S2SIM_ENOMEM;
	rc = fab_vt_init(&sf->vt, sf->words, limit);
	if (rc == S2SIM_OK && sf->kind == S2SIM_SNOOP_FILTER_ADDRESS)
		rc = fab_ad_init(&sf->ad, p->addr_sets, p->addr_ways,
				 log2_u64(p->addr_region_bytes), sf->words);
	return rc;
}

void fab_sf_fini(struct snoop_filter *sf)
{
	fab_vt_fini(&sf->vt);
	fab_ad_fini(&sf->ad);
	free(sf->scratch);
	sf->scratch = NULL;
}

static void copy_vector(struct snoop_filter *sf, const uint64_t *v)
{
	for (uint32_t i = 0; i < sf->words; i++)
		sf->scratch[i] = v[i];
}

/* Address op of a tracked VMID (entry e) over [lo, hi): the wide holders
 * plus what the directory knows of each region, masked by the presence
 * vector (a PE holding nothing of the VMID holds nothing in range). */
static enum sf_answer select_address(struct snoop_filter *sf, uint16_t vmid,
				     uint32_t e, uint64_t lo, uint64_t hi,
				     uint32_t *lookups)
{
	struct vmid_table *vt = &sf->vt;
	const uint64_t *present = vt->present + (size_t)e * vt->words;
	uint64_t first, last;

	if (lo >= hi) { /* reserved TG: nothing is in scope */
		pe_bitmap_zero(sf->scratch, sf->words);
		return SF_SET;
	}
	first = lo >> sf->ad.shift;
	last = (hi - 1) >> sf->ad.shift;
	if (last - first >= ADDR_MAX_PROBE) {
		copy_vector(sf, present);
		return SF_SET;
	}
	copy_vector(sf, vt->wide + (size_t)e * vt->words);
	for (uint64_t r = first; r <= last; r++) {
		if (fab_ad_lookup(&sf->ad, vmid, r, sf->scratch))
			sf->st->filter_hits++;
		else
			sf->st->filter_misses++;
	}
	*lookups = (uint32_t)(last - first + 1);
	pe_bitmap_and(sf->scratch, present, sf->words);
	return SF_SET;
}

enum sf_answer fab_sf_select(struct snoop_filter *sf,
			     const struct s2sim_dvm_op *op, uint32_t *lookups)
{
	uint64_t lo, hi;
	uint32_t e;
	enum sf_answer a;

	*lookups = 0;
	if (sf->kind == S2SIM_SNOOP_FILTER_NONE)
		return SF_ALL;
	*lookups = 1;
	e = fab_vt_entry(&sf->vt, op->vmid);
	if (op->kind == S2SIM_DVM_ALLE1 || e == VT_UNTRACKED) {
		sf->st->filter_lookups++;
		sf->st->filter_broadcasts++;
		return SF_ALL;
	}
	if (e == VT_NONE) { /* no PE holds anything of this VMID */
		a = SF_SET;
		pe_bitmap_zero(sf->scratch, sf->words);
	} else if (sf->kind == S2SIM_SNOOP_FILTER_VMID ||
		   !s2sim_dvm_op_range(op, &lo, &hi)) {
		a = SF_SET;
		copy_vector(sf, sf->vt.present + (size_t)e * sf->vt.words);
	} else {
		a = select_address(sf, op->vmid, e, lo, hi, lookups);
	}
	sf->st->filter_lookups += *lookups;
	return a;
}

/* Mark the regions of an entry [base, base + 2^size_log2) that is no
 * larger than ADDR_MAX_MARK regions. */
static int mark_regions(struct snoop_filter *sf, uint32_t pe, uint16_t vmid,
			uint64_t ipa, unsigned size_log2)
{
	unsigned shift = sf->ad.shift;
	uint64_t n = size_log2 > shift ? UINT64_C(1) << (size_log2 - shift)
				       : 1;
	uint64_t first = (ipa >> shift) & ~(n - 1);
	int changes = 0;

	for (uint64_t r = first; r < first + n; r++)
		changes += fab_ad_mark(&sf->ad, vmid, r, pe,
				       &sf->st->filter_evictions);
	return changes;
}

int fab_sf_note_install(struct snoop_filter *sf, uint32_t pe, uint16_t vmid,
			uint64_t ipa, unsigned size_log2)
{
	bool wide = false, untracked;
	int changes;

	if (sf->kind == S2SIM_SNOOP_FILTER_NONE)
		return 0;
	if (sf->kind == S2SIM_SNOOP_FILTER_ADDRESS &&
	    size_log2 > sf->ad.shift &&
	    (UINT64_C(1) << (size_log2 - sf->ad.shift)) > ADDR_MAX_MARK)
		wide = true;
	changes = fab_vt_set(&sf->vt, vmid, pe, wide, &untracked);
	if (changes < 0)
		return changes;
	if (untracked)
		sf->st->filter_untracked++;
	if (sf->kind == S2SIM_SNOOP_FILTER_ADDRESS && !wide)
		changes += mark_regions(sf, pe, vmid, ipa, size_log2);
	return changes;
}

void fab_sf_note_vmid_empty(struct snoop_filter *sf, uint32_t pe, uint16_t vmid)
{
	/* Directory bits of `pe` for this VMID are left in place: the
	 * presence vector masks them, and keeping them is conservative. */
	if (sf->kind != S2SIM_SNOOP_FILTER_NONE)
		fab_vt_clear(&sf->vt, vmid, pe);
}
