/*
 * The DVM node (CMN's DN, CHI's MN for DVM; IHI0050 B8.2).
 *
 *  - A request (DVMOp or DVMSync) arriving at the node takes a tracker if
 *    one fits (a sync may not take the last one: B8.2.3 reserves one for
 *    non-sync ops) and nobody is waiting; otherwise it is retried
 *    (RetryAck) and granted a tracker in arrival order when one frees
 *    (PCrdGrant).  Write semantics: the payload arrives after a DBIDResp
 *    round trip, so an op is ready 2 message times after acceptance, 4
 *    after a grant.
 *  - Ready requests are distributed one at a time (gem5's CHI MN: one op
 *    distributing snoops at a time): dn_op_cycles, the filter lookup, then
 *    dn_snoop_cycles per target, waiting for a target's snoop credit when
 *    it has none (CMN event txsnp_stall).
 *  - An op completes (tracker freed, Comp sent) when every target has
 *    acknowledged.  With sync_orders_all a sync is not distributed before
 *    every non-sync op accepted ahead of it has completed.
 */
#include <stdlib.h>

#include "interconnect/fabric_internal.h"
#include "interconnect/pe_bitmap.h"

static void ev_req_ready(s2sim_engine *eng, void *ctx, uint64_t ti);
static void ev_node_wake(s2sim_engine *eng, void *ctx, uint64_t d);
static void ev_op_complete(s2sim_engine *eng, void *ctx, uint64_t ti);
static void ev_sync_complete(s2sim_engine *eng, void *ctx, uint64_t ti);

int fab_node_init(struct s2sim_fabric *f)
{
	uint32_t c = f->p.dn_trackers;

	f->dn = calloc(f->p.dn_count, sizeof(*f->dn));
	if (!f->dn)
		return S2SIM_ENOMEM;
	for (uint32_t d = 0; d < f->p.dn_count; d++) {
		struct dvm_node *dn = &f->dn[d];

		dn->trk = malloc(c * sizeof(*dn->trk));
		dn->waiting = malloc(c * sizeof(*dn->waiting));
		dn->dirty = calloc(pe_bitmap_words(f->p.pes),
				   sizeof(*dn->dirty));
		if (!dn->trk || !dn->waiting || !dn->dirty)
			return S2SIM_ENOMEM;
		for (uint32_t i = 0; i < c; i++)
			dn->trk[i] = TXN_NIL;
	}
	return S2SIM_OK;
}

void fab_node_fini(struct s2sim_fabric *f)
{
	for (uint32_t d = 0; f->dn && d < f->p.dn_count; d++) {
		struct dvm_node *dn = &f->dn[d];

		free(dn->trk);
		free(dn->waiting);
		free(dn->dirty);
		fab_ring_free(&dn->dist);
		fab_ring_free(&dn->retry_op);
		fab_ring_free(&dn->retry_sync);
	}
	free(f->dn);
	f->dn = NULL;
}

void fab_node_account(struct s2sim_fabric *f, uint32_t d, s2sim_time_ps now)
{
	struct dvm_node *dn = &f->dn[d];
	s2sim_time_ps dt = now - dn->trk_last_t;

	f->occ_all_ps += dt * dn->trk_used;
	f->occ_sync_ps += dt * dn->trk_used_sync;
	f->occ_op_ps += dt * (dn->trk_used - dn->trk_used_sync);
	if (dn->trk_used == f->p.dn_trackers)
		f->full_ps += dt;
	dn->trk_last_t = now;
}

static bool fab_node_fits(const struct s2sim_fabric *f,
			  const struct dvm_node *dn, bool sync)
{
	return dn->trk_used + (sync ? 1u : 0u) < f->p.dn_trackers;
}

/* Give txn `ti` a tracker now; its payload is at the node at ready_t. */
static void fab_node_accept(struct s2sim_fabric *f, uint32_t d, uint32_t ti,
			    s2sim_time_ps ready_t)
{
	struct dvm_node *dn = &f->dn[d];
	struct txn *tx = &f->txn[ti];
	uint32_t slot = 0;

	fab_node_account(f, d, s2sim_engine_now(f->eng));
	while (dn->trk[slot] != TXN_NIL)
		slot++;
	dn->trk[slot] = ti;
	dn->trk_used++;
	if (tx->type == TXN_SYNC)
		dn->trk_used_sync++;
	tx->trk = slot;
	tx->seq = dn->accept_seq++;
	fab_schedule(f, ready_t, ev_req_ready, ti);
}

void fab_ev_req_arrive(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_fabric *f = ctx;
	uint32_t ti = (uint32_t)arg;
	struct txn *tx = &f->txn[ti];
	const struct requester *rq = &f->req[tx->pe];
	struct dvm_node *dn = &f->dn[rq->dn];
	bool sync = tx->type == TXN_SYNC;

	if (sync)
		f->st.rxreq_dvmsync++;
	else
		f->st.rxreq_dvmop++;
	tx->arrive = dn->arrive_seq++;
	if (fab_node_fits(f, dn, sync) && !dn->retry_op.len &&
	    !dn->retry_sync.len) {
		fab_node_accept(f, rq->dn, ti,
				s2sim_engine_now(eng) + 2 * rq->travel);
		return;
	}
	f->st.rxreq_retried++;
	if (fab_ring_push(sync ? &dn->retry_sync : &dn->retry_op, ti))
		fab_fail(f, S2SIM_ENOMEM, "retry queue");
}

/* Grant freed trackers to retried requests, oldest first; a sync at the
 * head that does not fit holds the others back (it cannot starve). */
static void fab_node_grant(struct s2sim_fabric *f, uint32_t d)
{
	struct dvm_node *dn = &f->dn[d];
	s2sim_time_ps now = s2sim_engine_now(f->eng);

	for (;;) {
		struct u32_ring *ops = &dn->retry_op, *syncs = &dn->retry_sync;
		bool pick_sync;
		uint32_t ti;

		if (!ops->len && !syncs->len)
			return;
		pick_sync = syncs->len &&
			    (!ops->len ||
			     f->txn[fab_ring_peek(syncs)].arrive <
				     f->txn[fab_ring_peek(ops)].arrive);
		if (!fab_node_fits(f, dn, pick_sync))
			return;
		ti = fab_ring_pop(pick_sync ? syncs : ops);
		/* PCrdGrant out, request again, DBIDResp out, data in. */
		fab_node_accept(f, d, ti,
				now + 4 * f->req[f->txn[ti].pe].travel);
	}
}

/* Whether a non-sync op accepted before `seq` is still in a tracker. */
static bool fab_node_older_ops(const struct s2sim_fabric *f,
			       const struct dvm_node *dn, uint64_t seq)
{
	for (uint32_t i = 0; i < f->p.dn_trackers; i++) {
		uint32_t ti = dn->trk[i];

		if (ti != TXN_NIL && f->txn[ti].type != TXN_SYNC &&
		    f->txn[ti].seq < seq)
			return true;
	}
	return false;
}

/* Snoop every requester of the domain; returns the snoops sent.  When
 * the targets' timing is uniform it is O(1) arithmetic (dvm_bcast.c) and
 * the loop only applies the op.  Either way every target's timing is
 * reserved before the first apply callback runs (a callback may issue a
 * TLBI, which must queue behind this op). */
static uint32_t snoop_all(struct s2sim_fabric *f, uint32_t d,
			  const struct txn *tx, s2sim_time_ps *cursor,
			  s2sim_time_ps *last)
{
	uint32_t pes = f->p.pes;
	s2sim_time_ps waited;

	if (f->p.filter_syncs)
		pe_bitmap_fill(f->dn[d].dirty, pes);
	if (fab_bc_op(f, d, *cursor, last, &waited)) {
		*cursor += (s2sim_time_ps)pes * f->dn_snoop_ps;
		fab_tgt_deliver_all(f, tx->type, &tx->op, waited);
		return pes;
	}
	for (uint32_t pe = 0; pe < pes; pe++)
		*last = max_t(*last, fab_tgt_snoop_op(f, d, pe, cursor));
	for (uint32_t pe = 0; pe < pes; pe++)
		fab_tgt_deliver(f, pe, tx->type, &tx->op);
	return pes;
}

/* Snoop the PEs of the filter's answer: O(words + targets). */
static uint32_t snoop_set(struct s2sim_fabric *f, uint32_t d,
			  const struct txn *tx, s2sim_time_ps *cursor,
			  s2sim_time_ps *last)
{
	const uint64_t *set = f->sf.scratch;
	uint64_t *dirty = f->p.filter_syncs ? f->dn[d].dirty : NULL;
	uint32_t n = 0, pes = f->p.pes;

	fab_bc_settle_ops(f);
	for (uint32_t pe = pe_bitmap_next(set, 0, pes); pe < pes;
	     pe = pe_bitmap_next(set, pe + 1, pes)) {
		*last = max_t(*last, fab_tgt_snoop_op(f, d, pe, cursor));
		if (dirty)
			pe_bitmap_set(dirty, pe);
		n++;
	}
	/* The set stays: callbacks never select (only the node does). */
	for (uint32_t pe = pe_bitmap_next(set, 0, pes); pe < pes;
	     pe = pe_bitmap_next(set, pe + 1, pes))
		fab_tgt_deliver(f, pe, tx->type, &tx->op);
	return n;
}

static void count_filtered(struct s2sim_fabric *f, const struct txn *tx,
			   enum sf_answer a, uint32_t n)
{
	uint64_t lo, hi;

	if (a == SF_ALL || n == f->p.pes)
		return;
	f->st.snoops_filtered += f->p.pes - n;
	if (f->sf.kind == S2SIM_SNOOP_FILTER_ADDRESS &&
	    s2sim_dvm_op_range(&tx->op, &lo, &hi))
		f->st.dvmop_addr_filtered++;
	else
		f->st.dvmop_vmid_filtered++;
}

/* Distribute DVMOp `ti`: the filter picks the targets; each target's
 * timing is reserved and the op applied there now, ahead of its modelled
 * processing window (docs/fabric.md "applied when delivered").  The only
 * event is the op's completion, when the last ack is in. */
static void fab_node_distribute_op(struct s2sim_fabric *f, uint32_t d,
				   uint32_t ti)
{
	s2sim_time_ps now = s2sim_engine_now(f->eng);
	s2sim_time_ps cursor = now, last;
	/* A copy: the apply callback may issue TLBIs and move the pool. */
	const struct txn tx = f->txn[ti];
	enum sf_answer a = SF_ALL;
	uint32_t lookups = 0, n;

	if (tx.type == TXN_OP && f->sf.kind != S2SIM_SNOOP_FILTER_NONE) {
		a = fab_sf_select(&f->sf, &tx.op, &lookups);
		cursor = max_t(now, f->filter_busy_until) +
			 (s2sim_time_ps)lookups * f->lookup_ps;
		f->filter_busy_until = cursor;
	}
	cursor += f->dn_op_ps;
	last = cursor;
	if (a == SF_ALL)
		n = snoop_all(f, d, &tx, &cursor, &last);
	else
		n = snoop_set(f, d, &tx, &cursor, &last);
	count_filtered(f, &tx, a, n);
	f->st.snoops_sent += n;
	f->st.txsnp_flits += 2 * (uint64_t)n;
	f->busy_ps += cursor - now;
	f->dn[d].busy_until = cursor;
	fab_schedule(f, last, ev_op_complete, ti);
}

/* Distribute DVMSync `ti` to every requester, or with filter_syncs to
 * those snooped since their last sync.  The only event is its completion,
 * when the last answer is in. */
static void fab_node_distribute_sync(struct s2sim_fabric *f, uint32_t d,
				     uint32_t ti)
{
	struct dvm_node *dn = &f->dn[d];
	s2sim_time_ps now = s2sim_engine_now(f->eng);
	s2sim_time_ps cursor = now + f->dn_op_ps, last = cursor;
	uint32_t n = 0, pes = f->p.pes, words = pe_bitmap_words(pes);

	if (!f->p.filter_syncs || pe_bitmap_full(dn->dirty, pes)) {
		last = fab_bc_sync(f, d, &cursor);
		n = pes;
	} else if (!pe_bitmap_empty(dn->dirty, words)) {
		/* Only targets snooped since their last sync can have ops
		 * to complete; every earlier op is known complete. */
		fab_bc_settle(f);
		for (uint32_t pe = pe_bitmap_next(dn->dirty, 0, pes); pe < pes;
		     pe = pe_bitmap_next(dn->dirty, pe + 1, pes), n++)
			last = max_t(last,
				     fab_tgt_snoop_sync(f, d, pe, &cursor));
	}
	if (f->p.filter_syncs)
		pe_bitmap_zero(dn->dirty, words);
	f->st.sync_snoops_sent += n;
	f->st.txsnp_flits += 2 * (uint64_t)n;
	f->busy_ps += cursor - now;
	dn->busy_until = cursor;
	fab_schedule(f, last, ev_sync_complete, ti);
}

/* Distribute what is ready while the node is free; else wake up when it
 * frees. */
static void fab_node_kick(struct s2sim_fabric *f, uint32_t d)
{
	struct dvm_node *dn = &f->dn[d];
	s2sim_time_ps now = s2sim_engine_now(f->eng);

	while (dn->dist.len && dn->busy_until <= now && !f->broken) {
		uint32_t ti = fab_ring_pop(&dn->dist);

		if (f->txn[ti].type == TXN_SYNC)
			fab_node_distribute_sync(f, d, ti);
		else
			fab_node_distribute_op(f, d, ti);
	}
	if (dn->dist.len && !dn->wake_pending) {
		dn->wake_pending = true;
		fab_schedule(f, dn->busy_until, ev_node_wake, d);
	}
}

static void ev_node_wake(s2sim_engine *eng, void *ctx, uint64_t d)
{
	struct s2sim_fabric *f = ctx;

	(void)eng;
	f->dn[d].wake_pending = false;
	fab_node_kick(f, (uint32_t)d);
}

static void fab_node_enqueue(struct s2sim_fabric *f, uint32_t d, uint32_t ti)
{
	if (fab_ring_push(&f->dn[d].dist, ti) != S2SIM_OK) {
		fab_fail(f, S2SIM_ENOMEM, "distribution queue");
		return;
	}
	fab_node_kick(f, d);
}

static void ev_req_ready(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_fabric *f = ctx;
	uint32_t ti = (uint32_t)arg;
	const struct txn *tx = &f->txn[ti];
	uint32_t d = f->req[tx->pe].dn;
	struct dvm_node *dn = &f->dn[d];

	(void)eng;
	if (tx->type == TXN_SYNC && f->p.sync_orders_all &&
	    fab_node_older_ops(f, dn, tx->seq)) {
		dn->waiting[dn->nwaiting++] = ti; /* holds a tracker: fits */
		return;
	}
	fab_node_enqueue(f, d, ti);
}

/* sync_orders_all: distribute the waiting syncs no op is older than. */
static void fab_node_release_syncs(struct s2sim_fabric *f, uint32_t d)
{
	struct dvm_node *dn = &f->dn[d];
	uint32_t kept = 0, n = dn->nwaiting;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t ti = dn->waiting[i];

		if (fab_node_older_ops(f, dn, f->txn[ti].seq))
			dn->waiting[kept++] = ti;
		else if (fab_ring_push(&dn->dist, ti) != S2SIM_OK)
			fab_fail(f, S2SIM_ENOMEM, "distribution queue");
	}
	dn->nwaiting = kept;
	if (kept != n)
		fab_node_kick(f, d);
}

static void fab_node_release(struct s2sim_fabric *f, uint32_t d, uint32_t ti)
{
	struct dvm_node *dn = &f->dn[d];
	const struct txn *tx = &f->txn[ti];

	fab_node_account(f, d, s2sim_engine_now(f->eng));
	dn->trk[tx->trk] = TXN_NIL;
	dn->trk_used--;
	if (tx->type == TXN_SYNC)
		dn->trk_used_sync--;
	fab_node_grant(f, d);
	if (f->p.sync_orders_all && dn->nwaiting)
		fab_node_release_syncs(f, d);
	/* The cycle counters are current as of the last release (and of
	 * s2sim_fabric_stats_flush()). */
	fab_update_cycle_counters(f);
}

static void ev_op_complete(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_fabric *f = ctx;
	uint32_t ti = (uint32_t)arg;
	const struct requester *rq = &f->req[f->txn[ti].pe];

	fab_node_release(f, rq->dn, ti);
	fab_req_op_completed(f, ti, s2sim_engine_now(eng) + rq->travel);
	fab_txn_free(f, ti);
}

static void ev_sync_complete(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_fabric *f = ctx;
	uint32_t ti = (uint32_t)arg;
	uint32_t pe = f->txn[ti].pe;
	const struct requester *rq = &f->req[pe];

	fab_node_release(f, rq->dn, ti);
	fab_txn_free(f, ti);
	fab_req_sync_completed(f, pe, s2sim_engine_now(eng) + rq->travel);
}
