/*
 * Fabric life cycle: creation from parameters, the transaction pool, event
 * scheduling with sticky failure, and the snoop-filter feed.
 */
#include <stdlib.h>

#include <s2sim/fabric.h>
#include "interconnect/fabric_internal.h"

static void fabric_costs(struct s2sim_fabric *f)
{
	const struct s2sim_fabric_params *p = &f->p;

	f->fclk = s2sim_clock_from_mhz(p->fabric_mhz);
	f->pclk = s2sim_clock_from_mhz(p->pe_mhz);
	f->dn_op_ps = s2sim_clock_cycles(f->fclk, p->dn_op_cycles);
	f->dn_snoop_ps = s2sim_clock_cycles(f->fclk, p->dn_snoop_cycles);
	f->lookup_ps = s2sim_clock_cycles(f->fclk, p->filter_lookup_cycles);
	f->update_ps = s2sim_clock_cycles(f->fclk, p->filter_update_cycles);
	f->tgt_op_ps = s2sim_clock_cycles(f->pclk, p->target_op_cycles);
	f->tgt_sync_ps = s2sim_clock_cycles(f->pclk, p->target_sync_cycles);
	f->ishst_ps = s2sim_clock_cycles(f->pclk, p->dsb_ishst_cycles);
	f->nsh_ps = s2sim_clock_cycles(f->pclk, p->dsb_nsh_cycles);
	f->isb_ps = s2sim_clock_cycles(f->pclk, p->isb_cycles);
}

static int fabric_alloc_parts(struct s2sim_fabric *f)
{
	int rc;

	f->req = calloc(f->p.pes, sizeof(*f->req));
	f->pe_st = calloc(f->p.pes, sizeof(*f->pe_st));
	if (!f->req || !f->pe_st)
		return S2SIM_ENOMEM;
	rc = fab_topo_init(&f->topo, &f->p, f->fclk);
	if (rc == S2SIM_OK)
		rc = fab_sf_init(&f->sf, &f->p, &f->st);
	if (rc == S2SIM_OK)
		rc = fab_node_init(f);
	if (rc == S2SIM_OK)
		rc = fab_targets_init(f);
	if (rc == S2SIM_OK)
		rc = fab_bc_init(f);
	if (rc != S2SIM_OK)
		return rc;
	for (uint32_t pe = 0; pe < f->p.pes; pe++) {
		struct requester *rq = &f->req[pe];

		rq->dn = f->topo.pe_dn[pe];
		rq->travel = fab_topo_travel(&f->topo, rq->dn, pe);
	}
	return S2SIM_OK;
}

int s2sim_fabric_create(s2sim_engine *eng,
			const struct s2sim_fabric_params *p,
			s2sim_fabric **out)
{
	struct s2sim_fabric *f = calloc(1, sizeof(*f));
	int rc;

	*out = f;
	if (!f)
		return S2SIM_ENOMEM;
	f->fab_txn_free = TXN_NIL;
	if (!eng || !p)
		return s2sim_err(&f->err, S2SIM_EMISUSE,
				 "fabric: engine and parameters are required");
	f->eng = eng;
	f->p = *p;
	rc = fab_params_check(p, &f->err);
	if (rc != S2SIM_OK)
		return rc;
	fabric_costs(f);
	rc = fabric_alloc_parts(f);
	if (rc != S2SIM_OK)
		return s2sim_err(&f->err, rc, "fabric: out of memory");
	return S2SIM_OK;
}

void s2sim_fabric_destroy(s2sim_fabric *f)
{
	if (!f)
		return;
	fab_bc_fini(f);
	fab_targets_fini(f);
	fab_node_fini(f);
	fab_sf_fini(&f->sf);
	fab_topo_fini(&f->topo);
	free(f->req);
	free(f->pe_st);
	free(f->txn);
	free(f);
}

const char *s2sim_fabric_errmsg(const s2sim_fabric *f)
{
	return f ? s2sim_err_msg(&f->err) : "out of memory";
}

void s2sim_fabric_set_callbacks(s2sim_fabric *f,
				const struct s2sim_fabric_callbacks *cb)
{
	f->cb = cb ? *cb : (struct s2sim_fabric_callbacks){ 0 };
}

uint32_t fab_txn_alloc(struct s2sim_fabric *f)
{
	uint32_t ti;

	if (f->fab_txn_free != TXN_NIL) {
		ti = f->fab_txn_free;
		f->fab_txn_free = f->txn[ti].next_free;
	} else {
		if (f->ntxn == f->txn_cap) {
			uint32_t ncap = f->txn_cap ? f->txn_cap * 2 : 64;
			struct txn *n;

			if (ncap >= TXN_NIL / 2)
				return TXN_NIL;
			n = realloc(f->txn, (size_t)ncap * sizeof(*n));
			if (!n)
				return TXN_NIL;
			f->txn = n;
			f->txn_cap = ncap;
		}
		ti = f->ntxn++;
	}
	f->txn[ti] = (struct txn){ .in_use = 1, .next_free = TXN_NIL };
	return ti;
}

void fab_txn_free(struct s2sim_fabric *f, uint32_t ti)
{
	f->txn[ti].in_use = 0;
	f->txn[ti].next_free = f->fab_txn_free;
	f->fab_txn_free = ti;
}

void fab_fail(struct s2sim_fabric *f, int rc, const char *what)
{
	if (!f->broken)
		s2sim_err(&f->err, rc, "fabric: %s: %s", what,
			  s2sim_errstr(rc));
	f->broken = true;
	s2sim_engine_stop(f->eng);
}

int fab_schedule(struct s2sim_fabric *f, s2sim_time_ps t, s2sim_event_fn fn,
		 uint64_t arg)
{
	int rc = s2sim_engine_schedule_at(f->eng, t, fn, f, arg, NULL);

	if (rc != S2SIM_OK)
		fab_fail(f, rc, "cannot schedule an event");
	return rc;
}

s2sim_time_ps s2sim_fabric_translation_ready(const s2sim_fabric *f,
					     uint32_t pe, s2sim_time_ps t)
{
	const struct dvm_targets *tg = &f->tgt;
	s2sim_time_ps ready = t;

	if (!f->p.target_blocks_translation || pe >= f->p.pes)
		return t;
	/* Windows are FIFO and rarely more than target_outstanding ahead;
	 * chained windows are merged, so one pass finds the end. */
	for (uint32_t w = 0; w < BLOCK_WINDOWS; w++) {
		size_t i = (size_t)pe * BLOCK_WINDOWS + w;

		if (tg->blk_start[i] <= ready && ready < tg->blk_end[i])
			ready = tg->blk_end[i];
	}
	return ready;
}

int s2sim_fabric_note_install(s2sim_fabric *f, uint32_t pe, uint16_t vmid,
			      uint64_t ipa, unsigned size_log2)
{
	int changes;

	if (pe >= f->p.pes || size_log2 < 12 || size_log2 > 52)
		return s2sim_err(&f->err, S2SIM_EMISUSE, "fabric: install on "
				 "PE %u of size 2^%u", pe, size_log2);
	changes = fab_sf_note_install(&f->sf, pe, vmid, ipa, size_log2);
	if (changes < 0)
		return s2sim_err(&f->err, -changes, "fabric: snoop filter "
				 "out of memory");
	if (changes > 0) {
		/* Each change occupies the filter's port; a DVMOp's lookup
		 * waits behind it (filter_busy_until). */
		s2sim_time_ps now = s2sim_engine_now(f->eng);

		f->st.filter_updates += (uint64_t)changes;
		f->filter_busy_until = max_t(f->filter_busy_until, now) +
				       (s2sim_time_ps)changes * f->update_ps;
	}
	return S2SIM_OK;
}

int s2sim_fabric_note_vmid_empty(s2sim_fabric *f, uint32_t pe,
				 uint16_t vmid)
{
	if (pe >= f->p.pes)
		return s2sim_err(&f->err, S2SIM_EMISUSE, "fabric: PE %u out "
				 "of range", pe);
	fab_sf_note_vmid_empty(&f->sf, pe, vmid);
	return S2SIM_OK;
}

const struct s2sim_fabric_stats *s2sim_fabric_get_stats(const s2sim_fabric *f)
{
	return &f->st;
}

const struct s2sim_fabric_pe_stats *s2sim_fabric_get_pe_stats(
	const s2sim_fabric *f, uint32_t pe)
{
	return pe < f->p.pes ? &f->pe_st[pe] : NULL;
}
