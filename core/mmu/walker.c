/*
 * Stage-2 translation table walker (see walker.h).  The shape follows
 * QEMU's get_phys_addr_lpae(): descend while the descriptor is a table,
 * then check the leaf.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <s2sim/common.h>

#include "core/mmu/walker.h"

void s2sim_walker_params_from_cfg(struct s2sim_walker_params *p,
				  const struct s2sim_cfg *cfg)
{
	double mhz = cfg->platform.cpu_mhz > 0 ? cfg->platform.cpu_mhz : 1;

	p->wc_latency_ps = (uint64_t)llround(
		(double)cfg->platform.walk_cache_latency_cycles * 1e6 / mhz);
	p->max_outstanding = cfg->platform.walker_max_outstanding;
	p->nt_faults = false;
}

int s2sim_walker_init(struct s2sim_walker *w, struct s2sim_memport port,
		      struct s2sim_walk_cache *wc,
		      const struct s2sim_walker_params *p,
		      struct s2sim_errbuf *err)
{
	struct s2sim_errbuf scratch;

	memset(w, 0, sizeof(*w));
	if (!port.read64 || p->max_outstanding == 0)
		return s2sim_err(err ? err : &scratch, S2SIM_EINPUT,
				 "walker needs a memory port and at least one "
				 "outstanding walk");
	w->slot = calloc(p->max_outstanding, sizeof(*w->slot));
	if (!w->slot)
		return s2sim_err(err ? err : &scratch, S2SIM_ENOMEM,
				 "out of memory");
	w->port = port;
	w->wc = wc && s2sim_walk_cache_enabled(wc) ? wc : NULL;
	w->p = *p;
	return S2SIM_OK;
}

void s2sim_walker_fini(struct s2sim_walker *w)
{
	free(w->slot);
	w->slot = NULL;
}

/* --- translate --- */

static void set_fault(struct s2sim_walk_result *r, enum s2sim_fault f,
		      unsigned level, uint64_t ipa, enum s2sim_acc acc)
{
	r->fault = f;
	r->level = (uint8_t)level;
	r->dfsc = s2sim_fault_dfsc(f, level);
	r->esr = s2sim_fault_esr(f, level, acc);
	r->hpfar_valid = s2sim_fault_hpfar_valid(f);
	r->hpfar = r->hpfar_valid ? s2sim_fault_hpfar(ipa) : 0;
}

/* Read the descriptor at `pa` through the port and record the fetch. */
static uint64_t fetch(struct s2sim_walker *w, struct s2sim_walk_result *r,
		      uint64_t pa, unsigned level)
{
	struct s2sim_walk_fetch *f = &r->fetch[r->nfetch++];
	uint64_t lat = 0;
	int src;

	f->desc = w->port.read64(w->port.ctx, pa, (int)level, &lat);
	src = w->port.last_src ? w->port.last_src(w->port.ctx)
			       : S2SIM_MEM_UNKNOWN;
	if (src < 0 || src > S2SIM_MEM_UNKNOWN)
		src = S2SIM_MEM_UNKNOWN;
	f->pa = pa;
	f->latency_ps = lat;
	f->level = (uint8_t)level;
	f->src = (uint8_t)src;
	r->latency_ps += lat;
	w->stats.fetches[level][src]++;
	return f->desc;
}

/*
 * The walk cache lookup: on a hit at level L (at or below the start level)
 * the walk resumes at L + 1 in the table that descriptor points to.
 */
static void start_point(struct s2sim_walker *w, const struct s2sim_s2ctx *c,
			uint64_t ipa, struct s2sim_walk_result *r,
			unsigned *level, uint64_t *table)
{
	uint64_t d;
	int l;

	*level = c->start_level;
	*table = c->root_pa;
	if (!w->wc)
		return;
	r->latency_ps += w->p.wc_latency_ps;
	l = s2sim_walk_cache_lookup(w->wc, c->vmid, ipa, &d);
	if (l < (int)c->start_level)
		return;
	r->wc_level = (int8_t)l;
	*level = (unsigned)l + 1;
	*table = s2sim_desc_table_addr(d);
	w->stats.wc_start[l]++;
	w->stats.fetches[l][S2SIM_WALK_SRC_WALK_CACHE]++;
}

/* Leaf checks: Access flag, then permissions (walker.h, step 3). */
static void check_leaf(const struct s2sim_walker *w,
		       const struct s2sim_s2ctx *c, uint64_t ipa,
		       enum s2sim_acc acc, struct s2sim_walk_result *r)
{
	uint64_t d = r->desc;
	unsigned level = r->level;
	unsigned need = s2sim_access_perm(acc);
	uint64_t mask;

	if (w->p.nt_faults && s2sim_desc_nt(d, level)) {
		set_fault(r, S2SIM_FAULT_TRANSLATION, level, ipa, acc);
		return;
	}
	if (!s2sim_desc_af(d) && !c->ha) {
		set_fault(r, S2SIM_FAULT_ACCESS_FLAG, level, ipa, acc);
		return;
	}
	r->perms = s2sim_desc_perms(d, c->xnx);
	if (acc == S2SIM_ACC_WRITE && !(r->perms & S2SIM_PERM_W) &&
	    c->hd && s2sim_desc_dbm(d)) {
		r->perms |= S2SIM_PERM_W;
		r->dirty_update = true;
	}
	if (!(r->perms & need)) {
		r->dirty_update = false;
		set_fault(r, S2SIM_FAULT_PERMISSION, level, ipa, acc);
		return;
	}
	r->af_update = !s2sim_desc_af(d);
	r->size_log2 = (uint8_t)s2sim_level_shift(level);
	mask = (1ull << r->size_log2) - 1;
	r->ipa_base = ipa & ~mask;
	r->pa_base = s2sim_desc_output_addr(d, level);
	r->pa = r->pa_base | (ipa & mask);
	r->contiguous = s2sim_desc_contiguous(d);
	r->nt = s2sim_desc_nt(d, level);
}

/* The descent: returns with r->level and r->desc set to the leaf, or with
 * a fault recorded. */
static void descend(struct s2sim_walker *w, const struct s2sim_s2ctx *c,
		    uint64_t ipa, enum s2sim_acc acc,
		    struct s2sim_walk_result *r)
{
	unsigned level;
	uint64_t table, d;

	start_point(w, c, ipa, r, &level, &table);
	for (;;) {
		uint64_t idx = s2sim_desc_index(ipa, level, c->start_level,
						c->ipa_bits);
		enum s2sim_desc_type t;

		d = fetch(w, r, table + idx * 8, level);
		r->desc = d;
		r->level = (uint8_t)level;
		t = s2sim_desc_type(d, level);
		if (t == S2SIM_DESC_INVALID || t == S2SIM_DESC_RESERVED) {
			set_fault(r, S2SIM_FAULT_TRANSLATION, level, ipa, acc);
			return;
		}
		if (t != S2SIM_DESC_T_TABLE)
			break;
		table = s2sim_desc_table_addr(d);
		if (s2sim_oa_out_of_range(table, c->oa_bits)) {
			set_fault(r, S2SIM_FAULT_ADDRESS_SIZE, level, ipa, acc);
			return;
		}
		if (w->wc)
			s2sim_walk_cache_insert(w->wc, c->vmid, ipa, level, d);
		level++;
	}
	if (s2sim_oa_out_of_range(s2sim_desc_output_addr(d, level),
				  c->oa_bits)) {
		set_fault(r, S2SIM_FAULT_ADDRESS_SIZE, level, ipa, acc);
		return;
	}
	check_leaf(w, c, ipa, acc, r);
}

static unsigned hist_bucket(uint64_t ps)
{
	uint64_t ns = ps / 1000 + 1;
	unsigned b = 0;

	while (ns >>= 1)
		b++;
	return b < S2SIM_WALK_HIST ? b : S2SIM_WALK_HIST - 1;
}

static void account(struct s2sim_walker *w,
		    const struct s2sim_walk_result *r)
{
	struct s2sim_walker_stats *st = &w->stats;

	st->walks++;
	if (r->fault != S2SIM_FAULT_NONE)
		st->faults[r->fault][r->level & 3]++;
	st->latency_ps_sum += r->latency_ps;
	if (r->latency_ps > st->latency_ps_max)
		st->latency_ps_max = r->latency_ps;
	st->latency_hist[hist_bucket(r->latency_ps)]++;
}

void s2sim_walker_translate(struct s2sim_walker *w,
			    const struct s2sim_s2ctx *c, uint64_t ipa,
			    enum s2sim_acc acc,
			    struct s2sim_walk_result *r)
{
	memset(r, 0, offsetof(struct s2sim_walk_result, fetch));
	r->wc_level = -1;
	if (s2sim_ipa_out_of_range(ipa, c->ipa_bits))
		set_fault(r, S2SIM_FAULT_TRANSLATION, 0, ipa, acc);
	else
		descend(w, c, ipa, acc, r);
	account(w, r);
}

/* --- outstanding walks --- */

enum s2sim_walk_begin s2sim_walker_begin(struct s2sim_walker *w,
					 uint16_t vmid, uint64_t ipa,
					 uint32_t *slot)
{
	uint64_t page = ipa >> S2SIM_GRANULE_SHIFT;
	uint32_t n = w->p.max_outstanding, free_slot = n;

	for (uint32_t i = 0; i < n; i++) {
		struct s2sim_walk_slot *s = &w->slot[i];

		if (!s->busy) {
			if (free_slot == n)
				free_slot = i;
			continue;
		}
		if (s->page == page && s->vmid == vmid) {
			s->waiters++;
			w->stats.coalesced++;
			*slot = i;
			return S2SIM_WALK_JOINED;
		}
	}
	if (free_slot == n) {
		w->stats.full++;
		return S2SIM_WALK_FULL;
	}
	w->slot[free_slot] = (struct s2sim_walk_slot){
		.page = page, .waiters = 0, .vmid = vmid, .busy = true };
	w->busy++;
	w->stats.begun++;
	*slot = free_slot;
	return S2SIM_WALK_NEW;
}

uint32_t s2sim_walker_complete(struct s2sim_walker *w, uint32_t slot)
{
	struct s2sim_walk_slot *s;
	uint32_t joined;

	if (slot >= w->p.max_outstanding || !w->slot[slot].busy)
		return 0;
	s = &w->slot[slot];
	joined = s->waiters;
	s->busy = false;
	s->waiters = 0;
	w->busy--;
	return joined;
}

uint32_t s2sim_walker_outstanding(const struct s2sim_walker *w)
{
	return w->busy;
}
