/*
 * DVM targets: each PE's side of a SnpDVMOp.
 *
 * A target holds at most target_outstanding non-sync snoops (CCN-502 TRM:
 * 4 DVM transactions per RN-F) plus one sync (CHI IHI0050 B8.2.3: only one
 * SnpDVMOp(Sync) outstanding per RN).  It applies ops one at a time, in
 * arrival order, each costing target_op_cycles, and acknowledges an op
 * once it is applied (a simplification of CHI, where SnpResp may precede
 * completion; the sync then waits for it).  Because all of this is FIFO,
 * the times are computed when the node sends the snoop, and no event is
 * scheduled per target: a broadcast op is applied (the apply callback) when
 * the node distributes it, at or before its modelled processing window,
 * which the sync's answer then follows (docs/fabric.md "applied when
 * delivered").  Only a non-shareable TLBI, which never leaves its PE, is
 * applied by an event at its start.  dvm_bcast.c keeps the same state as
 * bases while every target queues alike.
 */
#include <stdlib.h>

#include "interconnect/fabric_internal.h"
#include "interconnect/pe_bitmap.h"

int fab_targets_init(struct s2sim_fabric *f)
{
	struct dvm_targets *tg = &f->tgt;
	size_t n = f->p.pes;

	tg->free_at = calloc(n, sizeof(*tg->free_at));
	tg->sync_ack_at = calloc(n, sizeof(*tg->sync_ack_at));
	tg->credit = calloc(n * f->p.target_outstanding, sizeof(*tg->credit));
	tg->credit_head = calloc(n, sizeof(*tg->credit_head));
	tg->blk_start = calloc(n * BLOCK_WINDOWS, sizeof(*tg->blk_start));
	tg->blk_end = calloc(n * BLOCK_WINDOWS, sizeof(*tg->blk_end));
	tg->blk_head = calloc(n, sizeof(*tg->blk_head));
	tg->local_done = calloc(n, sizeof(*tg->local_done));
	if (!tg->free_at || !tg->sync_ack_at || !tg->credit ||
	    !tg->credit_head || !tg->blk_start || !tg->blk_end ||
	    !tg->blk_head || !tg->local_done)
		return S2SIM_ENOMEM;
	return S2SIM_OK;
}

void fab_targets_fini(struct s2sim_fabric *f)
{
	struct dvm_targets *tg = &f->tgt;

	free(tg->free_at);
	free(tg->sync_ack_at);
	free(tg->credit);
	free(tg->credit_head);
	free(tg->blk_start);
	free(tg->blk_end);
	free(tg->blk_head);
	free(tg->local_done);
	*tg = (struct dvm_targets){ 0 };
}

/* Remember [start, end) as a processing window of `pe`, merging it with
 * the newest window when they touch. */
static void note_window(struct dvm_targets *tg, uint32_t pe,
			s2sim_time_ps start, s2sim_time_ps end)
{
	size_t base = (size_t)pe * BLOCK_WINDOWS;
	uint32_t h = tg->blk_head[pe];

	if (start <= tg->blk_end[base + h]) {
		tg->blk_end[base + h] = max_t(tg->blk_end[base + h], end);
		return;
	}
	h = (h + 1) % BLOCK_WINDOWS;
	tg->blk_head[pe] = h;
	tg->blk_start[base + h] = start;
	tg->blk_end[base + h] = end;
}

/* Hand op `op` (of a txn of `type`) to target `pe`'s owner and count it.
 * The erratum's extra TLBI names nothing the model caches: charged only. */
void fab_tgt_deliver(struct s2sim_fabric *f, uint32_t pe, uint8_t type,
		     const struct s2sim_dvm_op *op)
{
	uint64_t removed = 0;

	if (type != TXN_REPEAT && f->cb.apply)
		removed = f->cb.apply(f->cb.ctx, pe, op);
	f->st.ops_applied++;
	f->st.entries_invalidated += removed;
	f->pe_st[pe].dvmops_applied++;
	f->pe_st[pe].invalidations += removed;
}

void fab_tgt_deliver_all(struct s2sim_fabric *f, uint8_t type,
			 const struct s2sim_dvm_op *op, s2sim_time_ps waited)
{
	struct s2sim_fabric_pe_stats *ps = f->pe_st;
	uint64_t (*apply)(void *, uint32_t, const struct s2sim_dvm_op *) =
		type != TXN_REPEAT ? f->cb.apply : NULL;
	uint32_t pes = f->p.pes;
	uint64_t total = 0;

	for (uint32_t pe = 0; pe < pes; pe++) {
		uint64_t removed = apply ? apply(f->cb.ctx, pe, op) : 0;

		ps[pe].dvmops_applied++;
		ps[pe].invalidations += removed;
		ps[pe].queue_delay_ps += waited;
		ps[pe].busy_ps += f->tgt_op_ps;
		total += removed;
	}
	f->st.ops_applied += pes;
	f->st.entries_invalidated += total;
	if (f->h.queue_delay)
		s2sim_hist_add_n(f->h.queue_delay, waited, pes);
}

/* Engine event: a non-shareable TLBI (txn `ti`, arg = ti << 16 | pe)
 * starts at its PE. */
static void ev_apply_local(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_fabric *f = ctx;
	uint32_t ti = (uint32_t)(arg >> 16);
	uint32_t pe = (uint32_t)(arg & 0xffff);
	struct s2sim_dvm_op op = f->txn[ti].op; /* the pool may move */

	(void)eng;
	fab_txn_free(f, ti);
	fab_tgt_deliver(f, pe, TXN_LOCAL, &op);
}

/* Reserve the processing of one op at `pe` that may start at `ready`; the
 * queueing delay `waited` already accrued is added to the stats.  Sets
 * *start and returns the time the op is applied (processing ends). */
static s2sim_time_ps fab_tgt_process(struct s2sim_fabric *f, uint32_t pe,
				     s2sim_time_ps ready, s2sim_time_ps waited,
				     s2sim_time_ps *start)
{
	struct dvm_targets *tg = &f->tgt;
	s2sim_time_ps s = max_t(ready, tg->free_at[pe]);
	s2sim_time_ps done = s + f->tgt_op_ps;

	tg->free_at[pe] = done;
	fab_bc_note(f, pe, done);
	if (f->p.target_blocks_translation)
		note_window(tg, pe, s, done);
	waited += s - ready;
	f->pe_st[pe].queue_delay_ps += waited;
	f->pe_st[pe].busy_ps += f->tgt_op_ps;
	if (f->h.queue_delay)
		s2sim_hist_add(f->h.queue_delay, waited);
	*start = s;
	return done;
}

s2sim_time_ps fab_tgt_snoop_op(struct s2sim_fabric *f, uint32_t d, uint32_t pe,
			       s2sim_time_ps *cursor)
{
	struct dvm_targets *tg = &f->tgt;
	uint32_t k = f->p.target_outstanding;
	s2sim_time_ps *ring = tg->credit + (size_t)pe * k;
	uint32_t h = tg->credit_head[pe];
	s2sim_time_ps travel = fab_topo_travel(&f->topo, d, pe);
	/* The oldest of the last k acks frees the credit this op needs
	 * (acks come back in order: the target is FIFO). */
	s2sim_time_ps send = max_t(*cursor, ring[h]);
	s2sim_time_ps stall = send - *cursor;
	s2sim_time_ps start, ack;

	f->stall_ps += stall;
	*cursor = send + f->dn_snoop_ps;
	ack = fab_tgt_process(f, pe, send + travel, stall, &start) + travel;
	ring[h] = ack;
	tg->credit_head[pe] = h + 1 < k ? h + 1 : 0;
	fab_bc_note(f, pe, ack);
	return ack;
}

s2sim_time_ps fab_tgt_snoop_sync(struct s2sim_fabric *f, uint32_t d,
				 uint32_t pe, s2sim_time_ps *cursor)
{
	struct dvm_targets *tg = &f->tgt;
	s2sim_time_ps travel = fab_topo_travel(&f->topo, d, pe);
	/* One sync outstanding per target: wait for the previous answer. */
	s2sim_time_ps send = max_t(*cursor, tg->sync_ack_at[pe]);
	s2sim_time_ps answer;

	f->stall_ps += send - *cursor;
	*cursor = send + f->dn_snoop_ps;
	/* The target answers once every op it received earlier is applied
	 * (CHI B8.2.2) and its accesses have drained. */
	answer = max_t(send + travel, tg->free_at[pe]) + f->tgt_sync_ps;
	tg->sync_ack_at[pe] = answer + travel;
	return answer + travel;
}

int fab_tgt_local(struct s2sim_fabric *f, uint32_t ti, s2sim_time_ps t)
{
	uint32_t pe = f->txn[ti].pe;
	s2sim_time_ps start;

	fab_bc_settle_ops(f); /* the PE's pipeline leaves the pattern */
	f->tgt.local_done[pe] = fab_tgt_process(f, pe, t, 0, &start);
	/* The PE's own TLBI takes effect at its (local) start time. */
	fab_schedule(f, start, ev_apply_local, (uint64_t)ti << 16 | pe);
	return f->broken ? S2SIM_ESIM : S2SIM_OK;
}
