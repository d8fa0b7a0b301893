/*
 * Stage-2 page-table editor (see s2pt.h).  Shapes after Linux
 * arch/arm64/kvm/hyp/pgtable.c: a range walker visiting leaves (and tables
 * after their children, to free the empty ones), and single-entry helpers
 * for the descriptor at one level of one IPA.
 */
#include <stdbool.h>
#include <stdlib.h>

#include <s2sim/common.h>

#include "core/mmu/s2pt.h"

/* --- descriptor access --- */

static uint64_t pt_read(const struct s2sim_s2pt *pt, uint64_t dpa)
{
	return s2sim_physmem_read64(pt->pm, dpa);
}

static void pt_write(struct s2sim_s2pt *pt, uint64_t dpa, uint64_t v)
{
	if (pt->on_write)
		pt->on_write(pt->on_write_ctx, dpa, pt_read(pt, dpa), v);
	s2sim_physmem_write64(pt->pm, dpa, v);
	pt->ctx.epoch++;
}

static uint64_t slot_addr(const struct s2sim_s2pt *pt, uint64_t table,
			  uint64_t ipa, unsigned level)
{
	return table + 8 * s2sim_desc_index(ipa, level, pt->ctx.start_level,
					    pt->ctx.ipa_bits);
}

/* The attribute bits of a leaf at `level` (what set_attrs may change). */
static uint64_t attr_mask(unsigned level)
{
	return ~(s2sim_desc_output_addr(~0ull, level) | 3ull);
}

static bool is_leaf(enum s2sim_desc_type t)
{
	return t == S2SIM_DESC_T_BLOCK || t == S2SIM_DESC_T_PAGE;
}

/* Descend from the root to the slot at `level` for `ipa` through table
 * descriptors only. */
static int find_slot(const struct s2sim_s2pt *pt, uint64_t ipa,
		     unsigned level, uint64_t *dpa)
{
	uint64_t table = pt->ctx.root_pa;

	if (level < pt->ctx.start_level || level > 3 ||
	    s2sim_ipa_out_of_range(ipa, pt->ctx.ipa_bits))
		return S2SIM_EMISUSE;
	for (unsigned l = pt->ctx.start_level; l < level; l++) {
		uint64_t d = pt_read(pt, slot_addr(pt, table, ipa, l));

		if (s2sim_desc_type(d, l) != S2SIM_DESC_T_TABLE)
			return S2SIM_ENOTFOUND;
		table = s2sim_desc_table_addr(d);
	}
	*dpa = slot_addr(pt, table, ipa, level);
	return S2SIM_OK;
}

/* As find_slot(), allocating a table for each invalid entry on the way;
 * S2SIM_EMISUSE when a block (or reserved entry) is in the way. */
static int make_slot(struct s2sim_s2pt *pt, uint64_t ipa, unsigned level,
		     uint64_t *dpa)
{
	uint64_t table = pt->ctx.root_pa;

	for (unsigned l = pt->ctx.start_level; l < level; l++) {
		uint64_t a = slot_addr(pt, table, ipa, l);
		uint64_t d = pt_read(pt, a);
		enum s2sim_desc_type t = s2sim_desc_type(d, l);

		if (t == S2SIM_DESC_INVALID) {
			int rc = s2sim_physmem_alloc_page(pt->pm, &table);

			if (rc)
				return rc;
			pt_write(pt, a, s2sim_desc_make_table(table));
			continue;
		}
		if (t != S2SIM_DESC_T_TABLE)
			return S2SIM_EMISUSE;
		table = s2sim_desc_table_addr(d);
	}
	*dpa = slot_addr(pt, table, ipa, level);
	return S2SIM_OK;
}

/* The valid leaf covering `ipa`: its slot, value and level. */
static int find_leaf(const struct s2sim_s2pt *pt, uint64_t ipa,
		     uint64_t *dpa, uint64_t *desc, unsigned *level)
{
	uint64_t table = pt->ctx.root_pa;

	if (s2sim_ipa_out_of_range(ipa, pt->ctx.ipa_bits))
		return S2SIM_ENOTFOUND;
	for (unsigned l = pt->ctx.start_level; l <= 3; l++) {
		uint64_t a = slot_addr(pt, table, ipa, l);
		uint64_t d = pt_read(pt, a);
		enum s2sim_desc_type t = s2sim_desc_type(d, l);

		if (is_leaf(t)) {
			*dpa = a;
			*desc = d;
			*level = l;
			return S2SIM_OK;
		}
		if (t != S2SIM_DESC_T_TABLE)
			break;
		table = s2sim_desc_table_addr(d);
	}
	return S2SIM_ENOTFOUND;
}

/* --- setup --- */

int s2sim_s2pt_init(struct s2sim_s2pt *pt, struct s2sim_physmem *pm,
		    uint16_t vmid, unsigned ipa_bits, unsigned pa_bits,
		    unsigned start_level, struct s2sim_errbuf *err)
{
	unsigned n = s2sim_start_tables(ipa_bits, start_level);
	uint64_t root;
	int rc;

	pt->pm = pm;
	pt->on_write = NULL;
	pt->on_write_ctx = NULL;
	rc = s2sim_s2ctx_init(&pt->ctx, 0, vmid, ipa_bits, pa_bits,
			      start_level, err);
	if (rc)
		return rc;
	rc = s2sim_physmem_alloc_pages(pm, n, &root);
	if (rc) {
		struct s2sim_errbuf scratch;

		return s2sim_err(err ? err : &scratch, rc,
				 "no room for %u start-level tables", n);
	}
	pt->ctx.root_pa = root;
	return S2SIM_OK;
}

void s2sim_s2pt_destroy(struct s2sim_s2pt *pt)
{
	for (unsigned i = 0; pt->pm && i < pt->ctx.root_tables; i++)
		s2sim_s2pt_free_table(pt, pt->ctx.root_pa + i * S2SIM_GRANULE,
				      pt->ctx.start_level);
	pt->pm = NULL;
}

void s2sim_s2pt_set_observer(struct s2sim_s2pt *pt, s2sim_s2pt_write_fn fn,
			     void *ctx)
{
	pt->on_write = fn;
	pt->on_write_ctx = ctx;
}

/* KVM's stage2_set_prot_attr(): Normal WB (or Device) memory, Inner
 * Shareable, AF set, S2AP from R/W, XN[1] unless executable. */
uint64_t s2sim_s2pt_prot_attrs(unsigned prot)
{
	bool dev = (prot & S2SIM_PROT_DEVICE) != 0;
	uint64_t a = S2SIM_DESC_AF | S2SIM_SH_INNER << S2SIM_DESC_SH_SHIFT;

	a |= (dev ? S2SIM_MEMATTR_DEVICE_nGnRE : S2SIM_MEMATTR_NORMAL_WB)
	     << S2SIM_DESC_MEMATTR_SHIFT;
	if (prot & S2SIM_PROT_R)
		a |= S2SIM_DESC_S2AP_R;
	if (prot & S2SIM_PROT_W)
		a |= S2SIM_DESC_S2AP_W;
	if (!(prot & S2SIM_PROT_X) || dev)
		a |= 2ull << S2SIM_DESC_XN_SHIFT;
	return a;
}

unsigned s2sim_s2pt_desc_prot(uint64_t desc)
{
	unsigned perms = s2sim_desc_perms(desc, true);
	unsigned prot = 0;

	if (perms & S2SIM_PERM_R)
		prot |= S2SIM_PROT_R;
	if (perms & S2SIM_PERM_W)
		prot |= S2SIM_PROT_W;
	if (perms & S2SIM_PERM_X)
		prot |= S2SIM_PROT_X;
	return prot;
}

/* --- map --- */

static int size_level(uint64_t size)
{
	switch (size) {
	case S2SIM_SIZE_4K:
		return 3;
	case S2SIM_SIZE_2M:
		return 2;
	case S2SIM_SIZE_1G:
		return 1;
	}
	return -1;
}

int s2sim_s2pt_map(struct s2sim_s2pt *pt, uint64_t ipa, uint64_t pa,
		   uint64_t size, unsigned prot)
{
	int level = size_level(size);
	uint64_t dpa;
	int rc;

	if (level < (int)pt->ctx.start_level || ((ipa | pa) & (size - 1)) ||
	    s2sim_ipa_out_of_range(ipa, pt->ctx.ipa_bits) ||
	    s2sim_oa_out_of_range(pa + size - 1, pt->ctx.oa_bits))
		return S2SIM_EMISUSE;
	rc = make_slot(pt, ipa, (unsigned)level, &dpa);
	if (rc)
		return rc;
	if (s2sim_desc_type(pt_read(pt, dpa), (unsigned)level) ==
	    S2SIM_DESC_T_TABLE)
		return S2SIM_EMISUSE;
	pt_write(pt, dpa, s2sim_desc_make_leaf(pa, (unsigned)level,
					       s2sim_s2pt_prot_attrs(prot)));
	return S2SIM_OK;
}

/* --- range walks: unmap and write-protect --- */

struct range_op {
	struct s2sim_s2pt *pt;
	uint64_t lo, hi; /* inclusive */
	void (*leaf)(struct range_op *op, uint64_t dpa, uint64_t ipa,
		     unsigned level, uint64_t d);
	bool free_empty;
	s2sim_s2pt_removed_fn removed;
	void *ctx;
};

static bool table_empty(const struct s2sim_s2pt *pt, uint64_t table)
{
	const uint64_t *page = s2sim_physmem_page(pt->pm, table);

	for (unsigned i = 0; page && i < S2SIM_PTES_PER_TABLE; i++)
		if (s2sim_desc_is_valid(page[i]))
			return false;
	return true;
}

/* KVM's stage2_unmap_walker on a table after its children: unlink and free
 * it once it maps nothing. */
static void free_if_empty(struct range_op *op, uint64_t dpa, uint64_t ipa,
			  unsigned level, uint64_t d)
{
	uint64_t table = s2sim_desc_table_addr(d);

	if (!table_empty(op->pt, table))
		return;
	pt_write(op->pt, dpa, 0);
	if (op->removed)
		op->removed(op->ctx, ipa, level, d);
	s2sim_physmem_free_page(op->pt->pm, table);
}

/* Visit the `n` entries of the table at `table` (level `level`, mapping
 * from `base`) that overlap [op->lo, op->hi]. */
static void walk_range(struct range_op *op, uint64_t table, uint64_t base,
		       unsigned level, uint64_t n)
{
	unsigned sh = s2sim_level_shift(level);
	uint64_t first = op->lo > base ? (op->lo - base) >> sh : 0;
	uint64_t last = (op->hi - base) >> sh;

	if (last >= n)
		last = n - 1;
	for (uint64_t i = first; i <= last; i++) {
		uint64_t dpa = table + 8 * i, ipa = base + (i << sh);
		uint64_t d = pt_read(op->pt, dpa);
		enum s2sim_desc_type t = s2sim_desc_type(d, level);

		if (is_leaf(t)) {
			op->leaf(op, dpa, ipa, level, d);
		} else if (t == S2SIM_DESC_T_TABLE) {
			walk_range(op, s2sim_desc_table_addr(d), ipa, level + 1,
				   S2SIM_PTES_PER_TABLE);
			if (op->free_empty)
				free_if_empty(op, dpa, ipa, level, d);
		}
	}
}

/* Clamp [ipa, ipa + size) to the IPA space and walk it from the root. */
static int run_range(struct range_op *op, uint64_t ipa, uint64_t size)
{
	const struct s2sim_s2ctx *c = &op->pt->ctx;
	uint64_t space_last = (1ull << c->ipa_bits) - 1;

	if (size == 0 || ipa + size - 1 < ipa)
		return S2SIM_EMISUSE;
	if (ipa > space_last)
		return S2SIM_OK;
	op->lo = ipa;
	op->hi = ipa + size - 1 < space_last ? ipa + size - 1 : space_last;
	walk_range(op, c->root_pa, 0, c->start_level,
		   (uint64_t)c->root_tables * S2SIM_PTES_PER_TABLE);
	return S2SIM_OK;
}

static void unmap_leaf(struct range_op *op, uint64_t dpa, uint64_t ipa,
		       unsigned level, uint64_t d)
{
	pt_write(op->pt, dpa, 0);
	if (op->removed)
		op->removed(op->ctx, ipa, level, d);
}

int s2sim_s2pt_unmap(struct s2sim_s2pt *pt, uint64_t ipa, uint64_t size,
		     s2sim_s2pt_removed_fn removed, void *ctx)
{
	struct range_op op = { .pt = pt, .leaf = unmap_leaf,
			       .free_empty = true, .removed = removed,
			       .ctx = ctx };

	return run_range(&op, ipa, size);
}

static void wrprotect_leaf(struct range_op *op, uint64_t dpa, uint64_t ipa,
			   unsigned level, uint64_t d)
{
	(void)ipa;
	(void)level;
	if (d & S2SIM_DESC_S2AP_W)
		pt_write(op->pt, dpa, d & ~S2SIM_DESC_S2AP_W);
}

int s2sim_s2pt_wrprotect(struct s2sim_s2pt *pt, uint64_t ipa, uint64_t size)
{
	struct range_op op = { .pt = pt, .leaf = wrprotect_leaf };

	return run_range(&op, ipa, size);
}

/* --- single leaves --- */

int s2sim_s2pt_set_attrs(struct s2sim_s2pt *pt, uint64_t ipa, uint64_t set,
			 uint64_t clear, unsigned *level)
{
	uint64_t dpa, d, nd, mask;
	unsigned l;
	int rc = find_leaf(pt, ipa, &dpa, &d, &l);

	if (rc)
		return rc;
	mask = attr_mask(l);
	nd = (d & ~(clear & mask)) | (set & mask);
	if (nd != d)
		pt_write(pt, dpa, nd);
	if (level)
		*level = l;
	return S2SIM_OK;
}

/* kvm_pgtable_stage2_relax_perms(): only ever adds permissions. */
int s2sim_s2pt_relax_perms(struct s2sim_s2pt *pt, uint64_t ipa,
			   unsigned prot, unsigned *level)
{
	uint64_t set = S2SIM_DESC_AF, clear = 0;

	if (prot & S2SIM_PROT_R)
		set |= S2SIM_DESC_S2AP_R;
	if (prot & S2SIM_PROT_W)
		set |= S2SIM_DESC_S2AP_W;
	if (prot & S2SIM_PROT_X)
		clear |= S2SIM_DESC_XN;
	return s2sim_s2pt_set_attrs(pt, ipa, set, clear, level);
}

int s2sim_s2pt_lookup(const struct s2sim_s2pt *pt, uint64_t ipa,
		      uint64_t *desc, unsigned *level)
{
	uint64_t dpa;

	return find_leaf(pt, ipa, &dpa, desc, level);
}

/* --- break-before-make primitives --- */

int s2sim_s2pt_entry_pa(const struct s2sim_s2pt *pt, uint64_t ipa,
			unsigned level, uint64_t *desc_pa)
{
	return find_slot(pt, ipa, level, desc_pa);
}

int s2sim_s2pt_read_entry(const struct s2sim_s2pt *pt, uint64_t ipa,
			  unsigned level, uint64_t *desc)
{
	uint64_t dpa;
	int rc = find_slot(pt, ipa, level, &dpa);

	if (!rc)
		*desc = pt_read(pt, dpa);
	return rc;
}

int s2sim_s2pt_write_entry(struct s2sim_s2pt *pt, uint64_t ipa,
			   unsigned level, uint64_t desc)
{
	uint64_t dpa;
	int rc = find_slot(pt, ipa, level, &dpa);

	if (!rc)
		pt_write(pt, dpa, desc);
	return rc;
}

int s2sim_s2pt_build_table_for_block(struct s2sim_s2pt *pt, uint64_t block,
				     unsigned level, uint64_t *table_pa)
{
	uint64_t attrs, oa, step, table;
	int rc;

	if ((level != 1 && level != 2) ||
	    s2sim_desc_type(block, level) != S2SIM_DESC_T_BLOCK)
		return S2SIM_EMISUSE;
	rc = s2sim_physmem_alloc_page(pt->pm, &table);
	if (rc)
		return rc;
	attrs = s2sim_desc_leaf_attrs(block, level) &
		~(S2SIM_DESC_NT | S2SIM_DESC_CONTIG);
	oa = s2sim_desc_output_addr(block, level);
	step = 1ull << s2sim_level_shift(level + 1);
	for (unsigned i = 0; i < S2SIM_PTES_PER_TABLE; i++)
		pt_write(pt, table + 8 * i,
			 s2sim_desc_make_leaf(oa + i * step, level + 1, attrs));
	*table_pa = table;
	return S2SIM_OK;
}

/* Entry i of a collapsible table maps base + i * step with `attrs`. */
static bool entry_matches(uint64_t d, unsigned level, uint64_t oa,
			  uint64_t attrs)
{
	return is_leaf(s2sim_desc_type(d, level)) &&
	       s2sim_desc_output_addr(d, level) == oa &&
	       (s2sim_desc_leaf_attrs(d, level) & ~S2SIM_DESC_CONTIG) == attrs;
}

int s2sim_s2pt_block_for_table(const struct s2sim_s2pt *pt,
			       uint64_t table_pa, unsigned level,
			       uint64_t *block)
{
	const uint64_t *page = s2sim_physmem_page(pt->pm, table_pa);
	unsigned cl = level + 1;
	uint64_t base, attrs, step;

	if ((level != 1 && level != 2) || !page)
		return S2SIM_EMISUSE;
	base = s2sim_desc_output_addr(page[0], cl);
	attrs = s2sim_desc_leaf_attrs(page[0], cl) & ~S2SIM_DESC_CONTIG;
	step = 1ull << s2sim_level_shift(cl);
	if (base & ((1ull << s2sim_level_shift(level)) - 1))
		return S2SIM_EINPUT;
	for (unsigned i = 0; i < S2SIM_PTES_PER_TABLE; i++)
		if (!entry_matches(page[i], cl, base + i * step, attrs))
			return S2SIM_EINPUT;
	*block = s2sim_desc_make_leaf(base, level, attrs);
	return S2SIM_OK;
}

int s2sim_s2pt_free_table(struct s2sim_s2pt *pt, uint64_t table_pa,
			  unsigned level)
{
	const uint64_t *page = s2sim_physmem_page(pt->pm, table_pa);

	if (!page || level > 3)
		return S2SIM_EMISUSE;
	for (unsigned i = 0; level < 3 && i < S2SIM_PTES_PER_TABLE; i++)
		if (s2sim_desc_type(page[i], level) == S2SIM_DESC_T_TABLE)
			s2sim_s2pt_free_table(pt,
					      s2sim_desc_table_addr(page[i]),
					      level + 1);
	return s2sim_physmem_free_page(pt->pm, table_pa);
}

int s2sim_s2pt_split(struct s2sim_s2pt *pt, uint64_t ipa, unsigned level,
		     uint64_t *table_pa)
{
	uint64_t dpa, d, table;
	int rc = find_slot(pt, ipa, level, &dpa);

	if (rc)
		return rc;
	d = pt_read(pt, dpa);
	if (s2sim_desc_type(d, level) != S2SIM_DESC_T_BLOCK)
		return S2SIM_ENOTFOUND;
	rc = s2sim_s2pt_build_table_for_block(pt, d, level, &table);
	if (rc)
		return rc;
	pt_write(pt, dpa, s2sim_desc_make_table(table));
	if (table_pa)
		*table_pa = table;
	return S2SIM_OK;
}

int s2sim_s2pt_collapse(struct s2sim_s2pt *pt, uint64_t ipa, unsigned level)
{
	uint64_t dpa, d, block;
	int rc = find_slot(pt, ipa, level, &dpa);

	if (rc)
		return rc;
	d = pt_read(pt, dpa);
	if (s2sim_desc_type(d, level) != S2SIM_DESC_T_TABLE)
		return S2SIM_ENOTFOUND;
	rc = s2sim_s2pt_block_for_table(pt, s2sim_desc_table_addr(d), level,
					&block);
	if (rc)
		return rc;
	pt_write(pt, dpa, block);
	return s2sim_s2pt_free_table(pt, s2sim_desc_table_addr(d), level + 1);
}
