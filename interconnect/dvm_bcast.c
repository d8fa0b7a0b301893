/*
 * Uniform broadcasts: the target state left by broadcasts that queue the
 * same way at every target, kept as a few numbers instead of per target.
 *
 * When a DVM node snoops every requester in PE order from time C, one
 * snoop every s, and no target lacks a credit, target i receives the snoop
 * at C + i*s + tr_i (tr_i: its travel from the node).  If every pipeline
 * was free by then -- or all were busy until the same F + i*s + tr_i --
 * each target's new state (pipeline free, ack in its credit ring) is one
 * base shared by all targets plus the offset i*s + tr_i or i*s + 2*tr_i.
 * Likewise for the answers to a sync sent to everybody.  So while a node
 * sends only such broadcasts, the fabric keeps the bases alone: the last k
 * op-ack bases (k = target_outstanding) and the free base ("ops on"), and
 * the sync-answer base ("syncs on").  A broadcast then costs O(1)
 * arithmetic instead of O(targets), and so does a sync when both are on;
 * the apply callbacks remain.  The per-target arrays are written back
 * ("settled") before anything else uses them: a filtered op or sync, a
 * local TLBI, another node's broadcast, or a broadcast that would wait for
 * a credit.  The result is exactly that of the per-target path (test
 * FabricProperty.UniformBroadcastsMatchPerTargetTiming).
 *
 * Entering "ops on" needs the arrays to be unable to delay a broadcast:
 * `bound` is the largest (value - pe * s) ever written to free_at or the
 * credit rings, so one that starts at C >= bound finds every credit free
 * and every pipeline idle at every target; later broadcasts start later.
 * "Syncs on" is entered when a sync to everybody, computed per target,
 * leaves uniform answers.
 */
#include <stdlib.h>

#include "interconnect/fabric_internal.h"

int fab_bc_init(struct s2sim_fabric *f)
{
	struct dvm_bcast *bc = &f->bc;
	uint32_t dns = f->p.dn_count;

	bc->enabled = !f->p.target_blocks_translation; /* windows per PE */
	bc->ack = calloc(f->p.target_outstanding, sizeof(*bc->ack));
	bc->span = calloc(dns, sizeof(*bc->span));
	bc->tr2_max = calloc(dns, sizeof(*bc->tr2_max));
	if (!bc->ack || !bc->span || !bc->tr2_max)
		return S2SIM_ENOMEM;
	for (uint32_t d = 0; d < dns; d++) {
		for (uint32_t pe = 0; pe < f->p.pes; pe++) {
			s2sim_time_ps tr2 =
				2 * fab_topo_travel(&f->topo, d, pe);

			bc->tr2_max[d] = max_t(bc->tr2_max[d], tr2);
			bc->span[d] = max_t(bc->span[d],
					    pe * f->dn_snoop_ps + tr2);
		}
	}
	return S2SIM_OK;
}

void fab_bc_fini(struct s2sim_fabric *f)
{
	free(f->bc.ack);
	free(f->bc.span);
	free(f->bc.tr2_max);
	f->bc = (struct dvm_bcast){ 0 };
}

/* Offset of target pe in node d's broadcasts: pe * s + travel. */
static s2sim_time_ps bc_off(const struct s2sim_fabric *f, uint32_t d,
			    uint32_t pe)
{
	return pe * f->dn_snoop_ps + fab_topo_travel(&f->topo, d, pe);
}

/* Start keeping bases for node d's broadcasts, if the arrays allow one
 * starting at c to go through undelayed. */
static bool fab_bc_enter(struct s2sim_fabric *f, uint32_t d, s2sim_time_ps c)
{
	struct dvm_bcast *bc = &f->bc;

	if (bc->on && bc->dn != d)
		fab_bc_settle_ops(f);
	if (bc->on)
		return true;
	if (!bc->enabled || bc->bound > c)
		return false;
	bc->on = true;
	bc->dn = d;
	bc->nops = 0;
	return true;
}

bool fab_bc_op(struct s2sim_fabric *f, uint32_t d, s2sim_time_ps c,
	       s2sim_time_ps *last, s2sim_time_ps *waited)
{
	struct dvm_bcast *bc = &f->bc;
	uint32_t k = f->p.target_outstanding;
	s2sim_time_ps start = c;

	if (!fab_bc_enter(f, d, c))
		return false;
	/* The credit this op needs is freed by the ack of op nops - k (for
	 * the first k ops the arrays' own acks, <= bound <= c). */
	if (bc->nops >= k && bc->ack[bc->nops % k] + bc->tr2_max[d] > c) {
		fab_bc_settle_ops(f);
		return false;
	}
	if (bc->nops)
		start = max_t(c, bc->free_base);
	*waited = start - c;
	bc->free_base = start + f->tgt_op_ps;
	bc->ack[bc->nops % k] = bc->free_base;
	bc->nops++;
	*last = bc->free_base + bc->span[d];
	return true;
}

/* A sync to everybody, target by target (as fab_tgt_snoop_sync(), reading
 * the bases where they hold the state); enters "syncs on" when the
 * answers come out uniform. */
static s2sim_time_ps fab_bc_sync_each(struct s2sim_fabric *f, uint32_t d,
				      s2sim_time_ps *cursor)
{
	struct dvm_bcast *bc = &f->bc;
	struct dvm_targets *tg = &f->tgt;
	uint32_t pes = f->p.pes;
	const s2sim_time_ps *tr = f->topo.travel + (size_t)d * pes;
	const s2sim_time_ps *str = f->topo.travel + (size_t)bc->sync_dn * pes;
	const s2sim_time_ps *otr = f->topo.travel + (size_t)bc->dn * pes;
	/* Locals: the stores below could alias them through f. */
	const s2sim_time_ps snoop = f->dn_snoop_ps, drain = f->tgt_sync_ps;
	const s2sim_time_ps sync_base = bc->sync_base;
	const s2sim_time_ps free_base = bc->free_base;
	const bool sync_on = bc->sync_on, ops_on = bc->on;
	s2sim_time_ps last = *cursor, base = 0, pos = 0, c = *cursor;
	s2sim_time_ps stall = 0;
	bool uniform = true;

	for (uint32_t pe = 0; pe < pes; pe++, pos += snoop) {
		s2sim_time_ps prev = sync_on ? sync_base + pos + 2 * str[pe] :
					       tg->sync_ack_at[pe];
		s2sim_time_ps free_at = ops_on ? free_base + pos + otr[pe] :
						 tg->free_at[pe];
		/* One sync outstanding per target; it answers once its
		 * earlier ops are applied, plus the drain. */
		s2sim_time_ps send = max_t(c, prev);
		s2sim_time_ps ack = max_t(send + tr[pe], free_at) + drain +
				    tr[pe];
		s2sim_time_ps rel = ack - pos - 2 * tr[pe]; /* send >= pos */

		stall += send - c;
		c = send + snoop;
		tg->sync_ack_at[pe] = ack;
		if (pe == 0)
			base = rel;
		uniform = uniform && rel == base;
		last = max_t(last, ack);
	}
	f->stall_ps += stall;
	*cursor = c;
	bc->sync_on = uniform && bc->enabled;
	bc->sync_dn = d;
	bc->sync_base = base;
	return last;
}

s2sim_time_ps fab_bc_sync(struct s2sim_fabric *f, uint32_t d,
			  s2sim_time_ps *cursor)
{
	struct dvm_bcast *bc = &f->bc;
	s2sim_time_ps c = *cursor;

	/* O(1) when every previous answer is in before this sync's snoop
	 * leaves and every pipeline follows the same base. */
	if (!bc->on || !bc->sync_on || bc->dn != d || bc->sync_dn != d ||
	    bc->sync_base + bc->tr2_max[d] > c)
		return fab_bc_sync_each(f, d, cursor);
	bc->sync_base = max_t(c, bc->free_base) + f->tgt_sync_ps;
	*cursor = c + (s2sim_time_ps)f->p.pes * f->dn_snoop_ps;
	return bc->sync_base + bc->span[d];
}

/* Write target `pe`'s pipeline and credit ring back from the bases. */
static void fab_bc_settle_pe(struct s2sim_fabric *f, uint32_t pe)
{
	const struct dvm_bcast *bc = &f->bc;
	struct dvm_targets *tg = &f->tgt;
	uint32_t k = f->p.target_outstanding;
	s2sim_time_ps off1 = bc_off(f, bc->dn, pe);
	s2sim_time_ps off2 = off1 + fab_topo_travel(&f->topo, bc->dn, pe);
	s2sim_time_ps *ring = tg->credit + (size_t)pe * k;
	uint64_t h = tg->credit_head[pe];
	uint64_t first = bc->nops > k ? bc->nops - k : 0;

	/* Op x of the run took the credit ring slot (h + x) % k. */
	for (uint64_t x = first; x < bc->nops; x++)
		ring[(h + x) % k] = bc->ack[x % k] + off2;
	tg->credit_head[pe] = (uint32_t)((h + bc->nops) % k);
	tg->free_at[pe] = bc->free_base + off1;
	fab_bc_note(f, pe, bc->free_base + off2); /* the newest ack */
}

void fab_bc_settle_ops(struct s2sim_fabric *f)
{
	if (!f->bc.on)
		return;
	f->bc.on = false;
	for (uint32_t pe = 0; pe < f->p.pes; pe++)
		fab_bc_settle_pe(f, pe);
}

void fab_bc_settle(struct s2sim_fabric *f)
{
	struct dvm_bcast *bc = &f->bc;

	fab_bc_settle_ops(f);
	if (!bc->sync_on)
		return;
	bc->sync_on = false;
	for (uint32_t pe = 0; pe < f->p.pes; pe++)
		f->tgt.sync_ack_at[pe] = bc->sync_base +
					 bc_off(f, bc->sync_dn, pe) +
					 fab_topo_travel(&f->topo,
							 bc->sync_dn, pe);
}
