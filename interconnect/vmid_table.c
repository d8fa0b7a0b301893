/*
 * Per-VMID presence vectors (the "vmid" snoop filter, and the VMID mask of
 * the address filter).  CMN-600's DN has 16 VMID filter registers
 * (POR_DN_VMF0..15, FreeBSD sys/arm64/include/cmn600_reg.h) with a target
 * bitmap each; here the vectors are kept up to date from TLB installs and
 * the owner's "VMID empty" reports instead of being programmed by firmware.
 */
#include <stdlib.h>

#include <s2sim/common.h>
#include "interconnect/pe_bitmap.h"
#include "interconnect/snoop_filter.h"

int fab_vt_init(struct vmid_table *vt, uint32_t words, uint32_t limit)
{
	*vt = (struct vmid_table){ .words = words, .free_head = VT_NONE };
	vt->limit = limit && limit < VT_VMIDS ? limit : VT_VMIDS;
	vt->slot = malloc(VT_VMIDS * sizeof(*vt->slot));
	if (!vt->slot)
		return S2SIM_ENOMEM;
	for (uint32_t i = 0; i < VT_VMIDS; i++)
		vt->slot[i] = VT_NONE;
	return S2SIM_OK;
}

void fab_vt_fini(struct vmid_table *vt)
{
	free(vt->slot);
	free(vt->ent_vmid);
	free(vt->ent_count);
	free(vt->ent_next);
	free(vt->present);
	free(vt->wide);
	*vt = (struct vmid_table){ 0 };
}

static int grow_array(void **arr, size_t elem, uint32_t ncap)
{
	void *n = realloc(*arr, elem * ncap);

	if (!n)
		return S2SIM_ENOMEM;
	*arr = n;
	return S2SIM_OK;
}

static int fab_vt_grow(struct vmid_table *vt)
{
	uint32_t ncap = vt->cap ? vt->cap * 2 : 16;
	size_t bm = (size_t)vt->words * sizeof(uint64_t);

	if (ncap > vt->limit)
		ncap = vt->limit;
	if (grow_array((void **)&vt->ent_vmid, sizeof(uint16_t), ncap) ||
	    grow_array((void **)&vt->ent_count, sizeof(uint32_t), ncap) ||
	    grow_array((void **)&vt->ent_next, sizeof(uint32_t), ncap) ||
	    grow_array((void **)&vt->present, bm, ncap) ||
	    grow_array((void **)&vt->wide, bm, ncap))
		return S2SIM_ENOMEM;
	vt->cap = ncap;
	return S2SIM_OK;
}

/* A free entry: S2SIM_ELIMIT when `limit` entries are in use. */
static int fab_vt_alloc(struct vmid_table *vt, uint32_t *out)
{
	uint32_t e;

	if (vt->free_head != VT_NONE) {
		e = vt->free_head;
		vt->free_head = vt->ent_next[e];
	} else {
		if (vt->used == vt->limit)
			return S2SIM_ELIMIT;
		if (vt->used == vt->cap && fab_vt_grow(vt) != S2SIM_OK)
			return S2SIM_ENOMEM;
		e = vt->used++;
	}
	vt->ent_count[e] = 0;
	pe_bitmap_zero(vt->present + (size_t)e * vt->words, vt->words);
	pe_bitmap_zero(vt->wide + (size_t)e * vt->words, vt->words);
	*out = e;
	return S2SIM_OK;
}

int fab_vt_set(struct vmid_table *vt, uint16_t vmid, uint32_t pe, bool wide,
	       bool *untracked)
{
	uint32_t e = vt->slot[vmid];
	int changes = 0;

	*untracked = false;
	if (e == VT_UNTRACKED) {
		*untracked = true;
		return 0;
	}
	if (e == VT_NONE) {
		int rc = fab_vt_alloc(vt, &e);

		if (rc == S2SIM_ELIMIT) {
			/* No entry: every op of this VMID is broadcast from
			 * now on, which keeps the superset invariant. */
			vt->slot[vmid] = VT_UNTRACKED;
			*untracked = true;
			return 1;
		}
		if (rc != S2SIM_OK)
			return -S2SIM_ENOMEM;
		vt->slot[vmid] = e;
		vt->ent_vmid[e] = vmid;
	}
	if (pe_bitmap_set(vt->present + (size_t)e * vt->words, pe)) {
		vt->ent_count[e]++;
		changes++;
	}
	if (wide && pe_bitmap_set(vt->wide + (size_t)e * vt->words, pe))
		changes++;
	return changes;
}

void fab_vt_clear(struct vmid_table *vt, uint16_t vmid, uint32_t pe)
{
	uint32_t e = vt->slot[vmid];

	if (e == VT_NONE || e == VT_UNTRACKED)
		return;
	pe_bitmap_clear(vt->wide + (size_t)e * vt->words, pe);
	if (!pe_bitmap_clear(vt->present + (size_t)e * vt->words, pe))
		return;
	if (--vt->ent_count[e] == 0) {
		vt->slot[vmid] = VT_NONE;
		vt->ent_next[e] = vt->free_head;
		vt->free_head = e;
	}
}
