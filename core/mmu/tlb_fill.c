/*
 * From a stage-2 walk result to the TLB entry to install.
 *
 * A combined stage-1+2 entry can cover no more than either stage maps
 * contiguously, so its size is the smaller of the guest's stage-1 page
 * size and the stage-2 mapping size; the latter is the block or page, or
 * the whole contiguous run when the leaf has the Contiguous bit (Arm ARM
 * D8.7.1: a run of 16 4K pages, 16 2M blocks, ... may be cached as one
 * entry).  A 2M stage-2 block under a 4K stage 1 therefore fills 4K
 * entries, one per page touched, as Neoverse TLBs do.  Stage-2-only
 * entries (IPA -> PA) take the stage-2 size alone.
 */
#include "core/mmu/tlb.h"

unsigned s2sim_tlb_contig_size(unsigned size_log2)
{
	switch (size_log2) {
	case 12: return 16; /* 4K granule, level 3: 16 x 4K */
	case 21: return 25; /* 4K granule, level 2: 16 x 2M */
	case 30: return 34; /* 4K granule, level 1: 16 x 1G */
	case 14: return 21; /* 16K granule, level 3: 128 x 16K */
	case 25: return 30; /* 16K granule, level 2: 32 x 32M */
	case 16: return 21; /* 64K granule, level 3: 32 x 64K */
	case 29: return 34; /* 64K granule, level 2: 32 x 512M */
	default: return 0;
	}
}

int s2sim_tlb_entry_from_walk(const struct s2sim_tlb_walk_leaf *leaf,
			      uint64_t ipa, unsigned s1_page_log2,
			      uint16_t vmid, enum s2sim_tlb_kind kind,
			      struct s2sim_tlb_entry *out)
{
	unsigned s2 = leaf->size, size;
	uint64_t base;

	if (s2sim_tlb_size_class(s2) < 0)
		return S2SIM_EMISUSE;
	if ((ipa >> s2) != (leaf->ipa >> s2) ||
	    (leaf->ipa & ((UINT64_C(1) << s2) - 1)))
		return S2SIM_EMISUSE;
	if (leaf->contiguous && s2sim_tlb_contig_size(s2))
		s2 = s2sim_tlb_contig_size(s2);
	size = s2;
	if (kind == S2SIM_TLB_KIND_COMBINED && s1_page_log2 < size)
		size = s1_page_log2;
	if (s2sim_tlb_size_class(size) < 0)
		return S2SIM_EMISUSE;
	base = ipa & ~((UINT64_C(1) << size) - 1);
	out->ipa = base;
	/* modulo 2^64: a contiguous run may start below the leaf */
	out->pa = leaf->pa + (base - leaf->ipa);
	out->vmid = vmid;
	out->size = (uint8_t)size;
	out->perms = leaf->perms;
	out->level = leaf->level;
	out->kind = (uint8_t)kind;
	out->nt = leaf->nt;
	out->stale = 0;
	out->epoch = 0; /* the caller stamps the tables' epoch */
	return S2SIM_OK;
}
