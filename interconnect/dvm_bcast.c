/*
 * Uniform broadcasts: the target state left by a run of broadcasts that
 * queue nowhere, kept as a few numbers instead of per target.
 *
 * When a DVM node snoops every requester in PE order from time C, one
 * snoop every s, and no target lacks a credit, target i receives the snoop
 * at C + i*s + tr_i (tr_i: its travel from the node).  If every pipeline
 * was free by then -- or all were busy until the same F + i*s + tr_i --
 * each target's new state (pipeline free, ack in its credit ring, sync
 * answer) is one base shared by all targets plus the offset i*s + tr_i or
 * i*s + 2*tr_i.  So while a node sends only such broadcasts and syncs to
 * everybody, the fabric keeps the bases alone: the last k op-ack bases
 * (k = target_outstanding), the free base and the sync-answer base.  A
 * broadcast or sync then costs O(1) arithmetic instead of O(targets); the
 * apply callbacks remain.  The per-target arrays are written back
 * ("settled") before anything else reads them: a filtered op or sync, a
 * local TLBI, another node's broadcast, or a broadcast that would wait
 * for a credit.  The result is exactly that of the per-target path
 * (test FabricProperty.UniformBroadcastsMatchPerTargetTiming).
 *
 * Entering needs the per-target arrays to be unable to delay a broadcast:
 * `bound` is the largest (value - pe * s) ever written there, so one that
 * starts at C >= bound finds every credit free, every pipeline idle and
 * every sync answered, at every target; later broadcasts start later.
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
			s2sim_time_ps tr2 = 2 * fab_topo_travel(&f->topo, d, pe);

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

/* Start keeping bases for node d's broadcasts, if the arrays allow one
 * starting at c to go through undelayed. */
static bool fab_bc_enter(struct s2sim_fabric *f, uint32_t d, s2sim_time_ps c)
{
	struct dvm_bcast *bc = &f->bc;

	if (bc->on && bc->dn != d)
		fab_bc_settle(f);
	if (bc->on)
		return true;
	if (!bc->enabled || bc->bound > c)
		return false;
	bc->on = true;
	bc->dn = d;
	bc->nops = 0;
	bc->has_sync = false;
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
		fab_bc_settle(f);
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

bool fab_bc_sync(struct s2sim_fabric *f, uint32_t d, s2sim_time_ps c,
		 s2sim_time_ps *last)
{
	struct dvm_bcast *bc = &f->bc;

	if (!bc->on)
		return false;
	/* One sync snoop per target at a time: the previous answer must be
	 * in before this one is sent. */
	if (bc->dn != d ||
	    (bc->has_sync && bc->sync_base + bc->tr2_max[d] > c)) {
		fab_bc_settle(f);
		return false;
	}
	/* Every target answers once its ops are applied (free_base >= the
	 * entering op's start, so defined), plus the drain. */
	bc->sync_base = max_t(c, bc->free_base) + f->tgt_sync_ps;
	bc->has_sync = true;
	*last = bc->sync_base + bc->span[d];
	return true;
}

/* Write target `pe`'s state back from the bases. */
static void fab_bc_settle_pe(struct s2sim_fabric *f, uint32_t pe)
{
	const struct dvm_bcast *bc = &f->bc;
	struct dvm_targets *tg = &f->tgt;
	uint32_t k = f->p.target_outstanding;
	s2sim_time_ps tr = fab_topo_travel(&f->topo, bc->dn, pe);
	s2sim_time_ps off1 = pe * f->dn_snoop_ps + tr, off2 = off1 + tr;
	s2sim_time_ps *ring = tg->credit + (size_t)pe * k;
	uint64_t h = tg->credit_head[pe];
	uint64_t first = bc->nops > k ? bc->nops - k : 0;

	/* Op x of the run took the credit ring slot (h + x) % k. */
	for (uint64_t x = first; x < bc->nops; x++)
		ring[(h + x) % k] = bc->ack[x % k] + off2;
	tg->credit_head[pe] = (uint32_t)((h + bc->nops) % k);
	tg->free_at[pe] = bc->free_base + off1;
	fab_bc_note(f, pe, bc->free_base + off2); /* the newest ack */
	if (bc->has_sync) {
		tg->sync_ack_at[pe] = bc->sync_base + off2;
		fab_bc_note(f, pe, bc->sync_base + off2);
	}
}

void fab_bc_settle(struct s2sim_fabric *f)
{
	if (!f->bc.on)
		return;
	f->bc.on = false;
	for (uint32_t pe = 0; pe < f->p.pes; pe++)
		fab_bc_settle_pe(f, pe);
}
