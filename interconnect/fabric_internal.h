/*
 * The fabric's internal state, shared by the files of interconnect/:
 *   fabric.c       life cycle, parameters, callbacks
 *   requester.c    what a PE issues: TLBI, DSB, barriers; DSB completion
 *   dvm_node.c     the DVM node: trackers, retries, serial distribution
 *   dvm_target.c   per-target timing (credits, processing) and delivery
 *   dvm_bcast.c    the same for broadcasts that queue nowhere, in O(1)
 *   snoop_filter.c (+ vmid_table.c, addr_dir.c) target selection
 *   topology.c     mesh placement and message times
 *   fabric_stats.c stats registration and time-integrated counters
 *
 * Timing is computed analytically where it is a pure function of FIFO
 * state (a target's credits and processing pipeline, the node's snoop
 * fan-out) and by engine events where state crosses components (arrival
 * at the node, readiness, tracker release and completion).  A broadcast
 * op is applied at every target when the node distributes it (before its
 * modelled processing window, which only the timing accounts for), so a
 * DVMOp costs O(1) events whatever the number of targets.
 */
#ifndef S2SIM_INTERCONNECT_FABRIC_INTERNAL_H
#define S2SIM_INTERCONNECT_FABRIC_INTERNAL_H

#include <stdbool.h>

#include <s2sim/fabric.h>
#include "core/util/errbuf.h"
#include "interconnect/snoop_filter.h"
#include "interconnect/topology.h"
#include "interconnect/u32_ring.h"

#define TXN_NIL UINT32_MAX
#define BLOCK_WINDOWS 8u /* processing windows remembered per target */

enum txn_type {
	TXN_OP = 0,  /* broadcast DVMOp */
	TXN_SYNC,    /* DVMSync */
	TXN_LOCAL,   /* non-shareable TLBI, applied at the issuing PE */
	TXN_REPEAT,  /* erratum 4118414 workaround's extra TLBI (applies
		      * nothing the model caches) */
};

/* One transaction in flight; lives in a pool and is named by index. */
struct txn {
	struct s2sim_dvm_op op;
	uint32_t pe;           /* requester */
	uint8_t type;          /* enum txn_type */
	uint8_t in_use;
	uint32_t next_free;
	uint32_t trk;          /* tracker slot at the node */
	uint64_t arrive;       /* arrival order at the node */
	uint64_t seq;          /* acceptance order at the node */
	s2sim_time_ps issue_t; /* when the PE issued it */
};

struct dvm_node {
	s2sim_time_ps busy_until; /* end of the current distribution */
	bool wake_pending;        /* an ev_node_wake is scheduled */
	struct u32_ring dist;     /* ready, waiting to be distributed */
	struct u32_ring retry_op, retry_sync; /* waiting for a tracker */
	uint32_t *trk;            /* [dn_trackers]: txn or TXN_NIL */
	uint32_t trk_used, trk_used_sync;
	uint32_t *waiting;        /* syncs held by sync_orders_all */
	uint32_t nwaiting;
	uint64_t accept_seq, arrive_seq;
	s2sim_time_ps trk_last_t; /* occupancy integrated up to here */
	uint64_t *dirty;          /* filter_syncs: snooped since last sync */
};

/* Per-PE state as a target of DVM operations (struct of arrays). */
struct dvm_targets {
	s2sim_time_ps *free_at;     /* processing pipeline free */
	s2sim_time_ps *sync_ack_at; /* previous sync answer reaches node */
	s2sim_time_ps *credit;      /* [pe * K + k]: ack times, ring */
	uint32_t *credit_head;      /* [pe]: oldest of the ring */
	s2sim_time_ps *blk_start;   /* [pe * BLOCK_WINDOWS + w] */
	s2sim_time_ps *blk_end;
	uint32_t *blk_head;         /* [pe]: newest window */
	s2sim_time_ps *local_done;  /* [pe]: last local TLBI applied */
};

/* Target state of broadcasts that queued uniformly, kept as bases
 * (dvm_bcast.c).  Ops on: target pe's pipeline is free at free_base +
 * off, op x of the run's ack reached the node at ack[x % k] + off + tr,
 * where off = pe * snoop + tr and tr its travel from node dn.  Syncs on:
 * its last sync answer reached node sync_dn at sync_base + off + tr. */
struct dvm_bcast {
	bool enabled;             /* off with target_blocks_translation */
	bool on;                  /* ops on: free_at, credit are stale */
	bool sync_on;             /* syncs on: sync_ack_at is stale */
	uint32_t dn, sync_dn;
	uint64_t nops;            /* ops in this run */
	s2sim_time_ps *ack;       /* [target_outstanding] */
	s2sim_time_ps free_base, sync_base;
	s2sim_time_ps bound;      /* every value ever written to free_at or
				   * credit, minus pe * snoop, is <= bound */
	s2sim_time_ps *span;      /* [dn]: max over pe of pe * snoop + 2 tr */
	s2sim_time_ps *tr2_max;   /* [dn]: max over pe of 2 tr */
};

enum dsb_state {
	DSB_NONE = 0,
	DSB_WAIT_OPS, /* waiting for the Comp of the PE's DVMOps */
	DSB_SYNC,     /* DVMSync in flight */
	DSB_FINISH,   /* completion event scheduled */
};

struct requester {
	uint32_t dn;
	s2sim_time_ps travel;    /* to and from its DVM node */
	s2sim_time_ps last_t;    /* time of the PE's latest call */
	uint32_t outstanding;    /* DVMOps without Comp */
	s2sim_time_ps last_comp; /* latest Comp arrival of its DVMOps */
	bool since_sync;         /* a DVMOp was issued since the last sync */
	uint8_t dsb;             /* enum dsb_state */
	uint8_t repeat_done;     /* the erratum's second pair was issued */
	s2sim_time_ps dsb_t;     /* DSB issue (latency start) */
	s2sim_time_ps sync_t;    /* earliest departure of the sync */
};

struct fabric_hists {
	s2sim_hist *op_latency;
	s2sim_hist *sync_latency;
	s2sim_hist *queue_delay;
};

struct s2sim_fabric {
	s2sim_engine *eng;
	struct s2sim_fabric_params p;
	struct s2sim_fabric_callbacks cb;
	struct s2sim_errbuf err;
	bool broken;               /* an event could not be scheduled */

	s2sim_clock fclk, pclk;
	/* costs in ps */
	s2sim_time_ps dn_op_ps, dn_snoop_ps, lookup_ps, update_ps;
	s2sim_time_ps tgt_op_ps, tgt_sync_ps;
	s2sim_time_ps ishst_ps, nsh_ps, isb_ps;

	struct fabric_topo topo;
	struct snoop_filter sf;
	s2sim_time_ps filter_busy_until;
	struct dvm_node *dn;
	struct dvm_targets tgt;
	struct dvm_bcast bc;
	struct requester *req;

	struct txn *txn;
	uint32_t ntxn, txn_cap, fab_txn_free;

	/* time integrals behind the cycle counters */
	uint64_t occ_all_ps, occ_op_ps, occ_sync_ps, full_ps, busy_ps,
		 stall_ps;

	struct s2sim_fabric_stats st;
	struct s2sim_fabric_pe_stats *pe_st;
	struct fabric_hists h;
};

/* dvm_op.c */
int fab_op_check(const struct s2sim_dvm_op *op, struct s2sim_errbuf *err);

/* fabric_params.c */
int fab_params_check(const struct s2sim_fabric_params *p,
		     struct s2sim_errbuf *e);

/* fabric.c */
uint32_t fab_txn_alloc(struct s2sim_fabric *f); /* TXN_NIL on ENOMEM */
void fab_txn_free(struct s2sim_fabric *f, uint32_t ti);
/* Schedule fn(f, arg) at t; on failure the fabric is marked broken, the
 * engine stopped and the error kept in f->err. */
int fab_schedule(struct s2sim_fabric *f, s2sim_time_ps t, s2sim_event_fn fn,
		 uint64_t arg);
/* Record an allocation failure inside an event handler. */
void fab_fail(struct s2sim_fabric *f, int rc, const char *what);

/* dvm_node.c */
int fab_node_init(struct s2sim_fabric *f);
void fab_node_fini(struct s2sim_fabric *f);
void fab_ev_req_arrive(s2sim_engine *eng, void *ctx, uint64_t ti);
void fab_node_account(struct s2sim_fabric *f, uint32_t d, s2sim_time_ps now);

/* fabric_stats.c */
void fab_update_cycle_counters(struct s2sim_fabric *f);

/* dvm_target.c */
int fab_targets_init(struct s2sim_fabric *f);
void fab_targets_fini(struct s2sim_fabric *f);
/* Reserve a non-sync snoop from node `d` to target `pe`, no earlier than
 * *cursor (the node's fan-out position, advanced): the credit wait, the
 * target's processing window and its ack, all computed here; returns when
 * the ack reaches the node.  No event is scheduled. */
s2sim_time_ps fab_tgt_snoop_op(struct s2sim_fabric *f, uint32_t d, uint32_t pe,
			       s2sim_time_ps *cursor);
/* Apply `op` (of a txn of `type`) at target `pe` through the owner's
 * callback and count it; `op` must not point into the txn pool (the
 * callback may issue TLBIs, which may move it). */
void fab_tgt_deliver(struct s2sim_fabric *f, uint32_t pe, uint8_t type,
		     const struct s2sim_dvm_op *op);
s2sim_time_ps fab_tgt_snoop_sync(struct s2sim_fabric *f, uint32_t d,
				 uint32_t pe, s2sim_time_ps *cursor);
/* A non-shareable TLBI of txn `ti` at its PE at t. */
int fab_tgt_local(struct s2sim_fabric *f, uint32_t ti, s2sim_time_ps t);
/* Apply `op` at every target, in PE order, charging each the processing
 * and the common queueing delay `waited` (a uniform broadcast). */
void fab_tgt_deliver_all(struct s2sim_fabric *f, uint8_t type,
			 const struct s2sim_dvm_op *op, s2sim_time_ps waited);

/* dvm_bcast.c: uniform broadcasts.  fab_bc_op: node d snoops everybody,
 * the first snoop leaving at c; when the targets' timing is uniform,
 * records it and returns true with the time the last ack is in and every
 * target's queueing delay; on false the per-target arrays hold the state.
 * fab_bc_sync: node d sends a sync to everybody from *cursor (advanced);
 * returns the time the last answer is in.  Whatever else reads or writes
 * dvm_targets' free_at or credit must call fab_bc_settle_ops() first (and
 * fab_bc_note() for each value written); sync_ack_at: fab_bc_settle(). */
int fab_bc_init(struct s2sim_fabric *f);
void fab_bc_fini(struct s2sim_fabric *f);
bool fab_bc_op(struct s2sim_fabric *f, uint32_t d, s2sim_time_ps c,
	       s2sim_time_ps *last, s2sim_time_ps *waited);
s2sim_time_ps fab_bc_sync(struct s2sim_fabric *f, uint32_t d,
			  s2sim_time_ps *cursor);
void fab_bc_settle_ops(struct s2sim_fabric *f);
void fab_bc_settle(struct s2sim_fabric *f);

/* requester.c: the node reports completions (times at the requester). */
void fab_req_op_completed(struct s2sim_fabric *f, uint32_t ti,
			  s2sim_time_ps comp_t);
void fab_req_sync_completed(struct s2sim_fabric *f, uint32_t pe,
			    s2sim_time_ps comp_t);

static inline s2sim_time_ps max_t(s2sim_time_ps a, s2sim_time_ps b)
{
	return a > b ? a : b;
}

/* Keep dvm_bcast.bound above value v written for target pe. */
static inline void fab_bc_note(struct s2sim_fabric *f, uint32_t pe,
			       s2sim_time_ps v)
{
	s2sim_time_ps off = (s2sim_time_ps)pe * f->dn_snoop_ps;

	if (v > off && v - off > f->bc.bound)
		f->bc.bound = v - off;
}

#endif
