/*
 * A stage-2 page-table editor over simulated physical memory: the
 * operations the hypervisor model performs on a VM's tables, writing real
 * VMSAv8-64 descriptors.  It never does TLB maintenance: the caller issues
 * the TLBIs and DSBs (the removal callbacks and the write observer tell it
 * what changed).
 *
 * The operations mirror Linux arch/arm64/kvm/hyp/pgtable.c:
 *   s2sim_s2pt_map          kvm_pgtable_stage2_map (one leaf of 4K/2M/1G)
 *   s2sim_s2pt_unmap        kvm_pgtable_stage2_unmap (frees emptied tables)
 *   s2sim_s2pt_relax_perms  kvm_pgtable_stage2_relax_perms
 *   s2sim_s2pt_wrprotect    kvm_pgtable_stage2_wrprotect
 *   s2sim_s2pt_split        kvm_pgtable_stage2_split (one block)
 *   s2sim_s2pt_collapse     the table -> block replacement stage2_map does
 * and, so that break-before-make (or FEAT_BBML1/2 sequences) can be modelled
 * step by step, the primitives they are made of: read_entry / write_entry
 * of the descriptor at a level for an IPA, build_table_for_block (a new,
 * not yet linked table of next-level entries inheriting the block's
 * attributes), block_for_table and free_table.  The one-call split and
 * collapse write the new descriptor directly (the FEAT_BBML2 way).
 *
 * Tables are freed as soon as they are unlinked (KVM defers that with RCU;
 * a walk that reads a freed page here sees zeros: a Translation fault).
 */
#ifndef S2SIM_CORE_MMU_S2PT_H
#define S2SIM_CORE_MMU_S2PT_H

#include <stdint.h>

#include "core/mmu/desc.h"
#include "core/mmu/physmem.h"
#include "core/util/errbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Protections of a mapping (KVM_PGTABLE_PROT_*). */
enum {
	S2SIM_PROT_R = 1u << 0,
	S2SIM_PROT_W = 1u << 1,
	S2SIM_PROT_X = 1u << 2,
	S2SIM_PROT_DEVICE = 1u << 3, /* Device-nGnRE instead of Normal WB */
};

#define S2SIM_SIZE_4K (1ull << 12)
#define S2SIM_SIZE_2M (1ull << 21)
#define S2SIM_SIZE_1G (1ull << 30)

/* Called for every descriptor write, with the descriptor's PA (the cache
 * model's s2sim_memsys_note_write, the checker). */
typedef void (*s2sim_s2pt_write_fn)(void *ctx, uint64_t desc_pa,
				    uint64_t old_desc, uint64_t new_desc);
/* Called by unmap for every valid descriptor it removes: leaves, and the
 * table descriptors of tables it freed (so the caller can TLBI with the
 * right level hint). `ipa` is the first IPA the descriptor mapped. */
typedef void (*s2sim_s2pt_removed_fn)(void *ctx, uint64_t ipa,
				      unsigned level, uint64_t old_desc);

struct s2sim_s2pt {
	struct s2sim_physmem *pm;
	struct s2sim_s2ctx ctx;  /* what the walker needs: root, VMID, VTCR */
	s2sim_s2pt_write_fn on_write;
	void *on_write_ctx;
};

/* Allocate the start-level table(s) (concatenated as VTCR_EL2.T0SZ/SL0
 * require) from `pm`.  S2SIM_EINPUT for an inconsistent geometry,
 * S2SIM_ENOMEM when the page pool is exhausted. */
int s2sim_s2pt_init(struct s2sim_s2pt *pt, struct s2sim_physmem *pm,
		    uint16_t vmid, unsigned ipa_bits, unsigned pa_bits,
		    unsigned start_level, struct s2sim_errbuf *err);
/* Free every table page, the root included. */
void s2sim_s2pt_destroy(struct s2sim_s2pt *pt);
void s2sim_s2pt_set_observer(struct s2sim_s2pt *pt, s2sim_s2pt_write_fn fn,
			     void *ctx);

/* Leaf attribute bits KVM would use for `prot`: MemAttr Normal WB (or
 * Device-nGnRE), SH Inner Shareable, AF = 1, S2AP from R/W, XN = 0b10
 * unless X. */
uint64_t s2sim_s2pt_prot_attrs(unsigned prot);
/* R/W/X of a leaf descriptor, as S2SIM_PROT_* (EL1 execution). */
unsigned s2sim_s2pt_desc_prot(uint64_t desc);

/*
 * Map [ipa, ipa + size) to [pa, pa + size) with one leaf: size 4 KiB (level
 * 3), 2 MiB (level 2) or 1 GiB (level 1), both addresses aligned to it.
 * Missing tables are allocated.  S2SIM_EMISUSE if misaligned, out of the
 * IPA/PA space, above the start level, if a block at a higher level covers
 * the IPA (split it first) or the slot holds a table (collapse or unmap
 * first); S2SIM_ENOMEM when the pool is exhausted.  An existing leaf in
 * the slot is overwritten.
 */
int s2sim_s2pt_map(struct s2sim_s2pt *pt, uint64_t ipa, uint64_t pa,
		   uint64_t size, unsigned prot);
/* Invalidate every leaf overlapping [ipa, ipa + size) -- a block only
 * partly inside is removed whole, as KVM's stage2_unmap_walker does -- and
 * free the tables this leaves empty (not the root).  `removed` may be
 * NULL.  Returns S2SIM_OK or S2SIM_EMISUSE for an empty/overflowing range. */
int s2sim_s2pt_unmap(struct s2sim_s2pt *pt, uint64_t ipa, uint64_t size,
		     s2sim_s2pt_removed_fn removed, void *ctx);
/* Add the permissions of `prot` (R/W/X) to the valid leaf covering `ipa`
 * and set its AF; *level (may be NULL) gets the leaf's level.
 * S2SIM_ENOTFOUND if no valid leaf covers it. */
int s2sim_s2pt_relax_perms(struct s2sim_s2pt *pt, uint64_t ipa,
			   unsigned prot, unsigned *level);
/* Replace bits of the valid leaf covering `ipa`: new = (old & ~clear) | set
 * (attribute bits only).  S2SIM_ENOTFOUND as above. */
int s2sim_s2pt_set_attrs(struct s2sim_s2pt *pt, uint64_t ipa, uint64_t set,
			 uint64_t clear, unsigned *level);
/* Clear S2AP[1] (write) of every valid leaf overlapping the range. */
int s2sim_s2pt_wrprotect(struct s2sim_s2pt *pt, uint64_t ipa, uint64_t size);

/* The valid leaf covering `ipa` (a software walk); S2SIM_ENOTFOUND if the
 * walk ends on an invalid descriptor. */
int s2sim_s2pt_lookup(const struct s2sim_s2pt *pt, uint64_t ipa,
		      uint64_t *desc, unsigned *level);

/* --- break-before-make primitives --- */

/* PA of the descriptor at `level` for `ipa`; S2SIM_ENOTFOUND if the path
 * down to `level` is not made of table descriptors. */
int s2sim_s2pt_entry_pa(const struct s2sim_s2pt *pt, uint64_t ipa,
			unsigned level, uint64_t *desc_pa);
int s2sim_s2pt_read_entry(const struct s2sim_s2pt *pt, uint64_t ipa,
			  unsigned level, uint64_t *desc);
/* Write `desc` at `level` for `ipa`.  Whatever the slot held is not
 * freed: an unlinked table is the caller's to free_table() (after its
 * TLBI). */
int s2sim_s2pt_write_entry(struct s2sim_s2pt *pt, uint64_t ipa,
			   unsigned level, uint64_t desc);
/* A new table of level + 1 entries mapping the range of block descriptor
 * `block` (at `level`, 1 or 2) with its attributes (nT and Contiguous
 * cleared): 2 MiB blocks or 4 KiB pages.  Not linked anywhere. */
int s2sim_s2pt_build_table_for_block(struct s2sim_s2pt *pt, uint64_t block,
				     unsigned level, uint64_t *table_pa);
/* The block descriptor at `level` (1 or 2) equivalent to the table at
 * `table_pa` (whose entries are at level + 1): every entry a valid leaf,
 * output addresses contiguous from a `level`-aligned base, identical
 * attributes (Contiguous ignored).  S2SIM_EINPUT if it is not. */
int s2sim_s2pt_block_for_table(const struct s2sim_s2pt *pt,
			       uint64_t table_pa, unsigned level,
			       uint64_t *block);
/* Free the table page at `table_pa` holding level-`level` entries, and
 * every table below it. */
int s2sim_s2pt_free_table(struct s2sim_s2pt *pt, uint64_t table_pa,
			  unsigned level);

/* Split the block at `level` covering `ipa` into a table (written
 * directly); *table_pa (may be NULL) gets it.  S2SIM_ENOTFOUND if that
 * entry is not a valid block. */
int s2sim_s2pt_split(struct s2sim_s2pt *pt, uint64_t ipa, unsigned level,
		     uint64_t *table_pa);
/* Replace the table descriptor at `level` covering `ipa` by the equivalent
 * block (written directly) and free the old tables.  S2SIM_ENOTFOUND if
 * the entry is not a table, S2SIM_EINPUT if it cannot be collapsed. */
int s2sim_s2pt_collapse(struct s2sim_s2pt *pt, uint64_t ipa, unsigned level);

#ifdef __cplusplus
}
#endif
#endif
