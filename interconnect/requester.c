/*
 * The requester side: what a PE issues (TLBI, DSB ISH, local barriers) and
 * when its DSB ISH completes.
 *
 * Arm ARM R_YNJCP: a TLBI is only guaranteed finished on other PEs after
 * the issuing PE's DSB.  CHI IHI0050 B8.2.2: the requester sends its
 * DVMOp(Sync) only once every earlier DVMOp it must cover has received
 * Comp; the sync completes when every target has answered it.  So a DSB
 * ISH here waits for the Comp of the PE's outstanding DVMOps, then sends
 * one DVMSync, and finishes when the sync's Comp is back (and the PE's
 * local TLBIs are applied).  With erratum_repeat_tlbi the sequence is
 * issued twice, as Linux's workaround for erratum 4118414 does.
 */
#include <s2sim/fabric.h>
#include "interconnect/fabric_internal.h"

static int fab_req_check(struct s2sim_fabric *f, uint32_t pe, s2sim_time_ps t,
			 const char *what)
{
	struct requester *rq;

	if (f->broken)
		return S2SIM_ESIM;
	if (pe >= f->p.pes)
		return s2sim_err(&f->err, S2SIM_EMISUSE, "fabric: %s from PE "
				 "%u of %u", what, pe, f->p.pes);
	rq = &f->req[pe];
	if (t < s2sim_engine_now(f->eng) || t < rq->last_t)
		return s2sim_err(&f->err, S2SIM_EMISUSE, "fabric: %s from PE "
				 "%u at %llu ps, before its previous call or "
				 "engine time", what, pe,
				 (unsigned long long)t);
	if (rq->dsb != DSB_NONE)
		return s2sim_err(&f->err, S2SIM_EMISUSE, "fabric: %s from PE "
				 "%u while it is stalled in a DSB ISH", what,
				 pe);
	rq->last_t = t;
	return S2SIM_OK;
}

/* Send DVMOp txn `ti` from its PE at t. */
static int fab_req_send_op(struct s2sim_fabric *f, uint32_t ti, s2sim_time_ps t)
{
	struct requester *rq = &f->req[f->txn[ti].pe];

	rq->outstanding++;
	rq->since_sync = true;
	return fab_schedule(f, t + rq->travel, fab_ev_req_arrive, ti);
}

int s2sim_fabric_tlbi(s2sim_fabric *f, uint32_t pe, s2sim_time_ps t,
		      const struct s2sim_dvm_op *op)
{
	int rc = fab_req_check(f, pe, t, "TLBI");
	uint32_t ti;

	if (rc == S2SIM_OK)
		rc = fab_op_check(op, &f->err);
	if (rc != S2SIM_OK)
		return rc;
	ti = fab_txn_alloc(f);
	if (ti == TXN_NIL)
		return s2sim_err(&f->err, S2SIM_ENOMEM, "fabric: TLBI: out "
				 "of memory");
	f->txn[ti].op = *op;
	f->txn[ti].pe = pe;
	f->txn[ti].issue_t = t;
	if (op->share == S2SIM_DVM_NSH) {
		f->txn[ti].type = TXN_LOCAL;
		f->st.local_tlbi++;
		return fab_tgt_local(f, ti, t);
	}
	f->txn[ti].type = TXN_OP;
	return fab_req_send_op(f, ti, t);
}

static void ev_dsb_done(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_fabric *f = ctx;
	uint32_t pe = (uint32_t)arg;
	struct requester *rq = &f->req[pe];
	s2sim_time_ps now = s2sim_engine_now(eng);

	rq->dsb = DSB_NONE;
	if (f->h.sync_latency)
		s2sim_hist_add(f->h.sync_latency, now - rq->dsb_t);
	if (f->cb.sync_done)
		f->cb.sync_done(f->cb.ctx, pe, now);
}

static int fab_req_finish_at(struct s2sim_fabric *f, uint32_t pe,
			     s2sim_time_ps t)
{
	f->req[pe].dsb = DSB_FINISH;
	return fab_schedule(f, t, ev_dsb_done, pe);
}

/* Send the DVMSync once the PE's DVMOps all have their Comp. */
static int fab_req_try_sync(struct s2sim_fabric *f, uint32_t pe)
{
	struct requester *rq = &f->req[pe];
	s2sim_time_ps depart;
	uint32_t ti;

	if (rq->outstanding)
		return S2SIM_OK;
	ti = fab_txn_alloc(f);
	if (ti == TXN_NIL) {
		fab_fail(f, S2SIM_ENOMEM, "DVMSync");
		return S2SIM_ENOMEM;
	}
	depart = max_t(rq->sync_t, rq->last_comp);
	f->txn[ti].type = TXN_SYNC;
	f->txn[ti].pe = pe;
	f->txn[ti].issue_t = depart;
	rq->since_sync = false;
	rq->dsb = DSB_SYNC;
	return fab_schedule(f, depart + rq->travel, fab_ev_req_arrive, ti);
}

int s2sim_fabric_dsb_ish(s2sim_fabric *f, uint32_t pe, s2sim_time_ps t)
{
	int rc = fab_req_check(f, pe, t, "DSB ISH");
	struct requester *rq;

	if (rc != S2SIM_OK)
		return rc;
	rq = &f->req[pe];
	rq->dsb_t = t;
	rq->repeat_done = 0;
	f->st.dsb_ish++;
	if (!rq->since_sync && !rq->outstanding) {
		/* Nothing to synchronise: no DVMSync leaves the PE. */
		f->st.dsb_ish_elided++;
		return fab_req_finish_at(f, pe, max_t(t + f->nsh_ps,
						      f->tgt.local_done[pe]));
	}
	rq->dsb = DSB_WAIT_OPS;
	rq->sync_t = t;
	return fab_req_try_sync(f, pe);
}

int s2sim_fabric_barrier(s2sim_fabric *f, uint32_t pe, s2sim_time_ps t,
			 enum s2sim_barrier b, s2sim_time_ps *done)
{
	int rc = fab_req_check(f, pe, t, "barrier");

	if (rc != S2SIM_OK)
		return rc;
	switch (b) {
	case S2SIM_BARRIER_DSB_ISHST:
		*done = t + f->ishst_ps;
		return S2SIM_OK;
	case S2SIM_BARRIER_DSB_NSH:
		*done = max_t(t + f->nsh_ps, f->tgt.local_done[pe]);
		return S2SIM_OK;
	case S2SIM_BARRIER_ISB:
		*done = t + f->isb_ps;
		return S2SIM_OK;
	}
	return s2sim_err(&f->err, S2SIM_EMISUSE, "fabric: barrier %d "
			 "unknown", (int)b);
}

void fab_req_op_completed(struct s2sim_fabric *f, uint32_t ti,
			  s2sim_time_ps comp_t)
{
	const struct txn *tx = &f->txn[ti];
	uint32_t pe = tx->pe;
	struct requester *rq = &f->req[pe];

	if (tx->type == TXN_OP && f->h.op_latency)
		s2sim_hist_add(f->h.op_latency, comp_t - tx->issue_t);
	rq->outstanding--;
	rq->last_comp = max_t(rq->last_comp, comp_t);
	if (rq->dsb == DSB_WAIT_OPS)
		fab_req_try_sync(f, pe);
}

/* The erratum 4118414 workaround's second pair: `TLBI VALE1IS, XZR;
 * DSB ISH` (Linux __tlbi_sync_s1ish), issued when the first sync's Comp
 * is back.  The op is broadcast and charged like any other; it names
 * nothing the model caches, so no apply callback is made for it. */
static void fab_req_repeat(struct s2sim_fabric *f, uint32_t pe, s2sim_time_ps t)
{
	struct requester *rq = &f->req[pe];
	uint32_t ti = fab_txn_alloc(f);

	if (ti == TXN_NIL) {
		fab_fail(f, S2SIM_ENOMEM, "erratum repeat");
		return;
	}
	f->txn[ti].type = TXN_REPEAT;
	f->txn[ti].pe = pe;
	f->txn[ti].issue_t = t;
	f->txn[ti].op.kind = S2SIM_DVM_ALLE1;
	f->txn[ti].op.share = S2SIM_DVM_ISH;
	rq->repeat_done = 1;
	rq->dsb = DSB_WAIT_OPS;
	rq->sync_t = t;
	f->st.erratum_repeats++;
	fab_req_send_op(f, ti, t);
}

void fab_req_sync_completed(struct s2sim_fabric *f, uint32_t pe,
			    s2sim_time_ps comp_t)
{
	if (f->p.erratum_repeat_tlbi && !f->req[pe].repeat_done) {
		fab_req_repeat(f, pe, comp_t);
		return;
	}
	fab_req_finish_at(f, pe, max_t(comp_t, f->tgt.local_done[pe]));
}
