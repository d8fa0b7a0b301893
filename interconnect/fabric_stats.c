/*
 * Fabric statistics: the time-integrated counters (tracker occupancy, busy
 * and stall time, kept in ps internally and shown in fabric cycles as the
 * CMN PMU counts them) and registration with an s2sim_stats registry.
 * docs/fabric.md maps each name to its Arm CMN DN PMU event.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <s2sim/fabric.h>
#include "interconnect/fabric_internal.h"

void fab_update_cycle_counters(struct s2sim_fabric *f)
{
	uint64_t period = f->fclk.period_ps;
	struct s2sim_fabric_stats *st = &f->st;

	st->trk_occupancy_all = f->occ_all_ps / period;
	st->trk_occupancy_dvmop = f->occ_op_ps / period;
	st->trk_occupancy_dvmsync = f->occ_sync_ps / period;
	st->trk_full_cycles = f->full_ps / period;
	st->dn_busy_cycles = f->busy_ps / period;
	st->txsnp_stall_cycles = f->stall_ps / period;
}

void s2sim_fabric_stats_flush(s2sim_fabric *f)
{
	s2sim_time_ps now = s2sim_engine_now(f->eng);

	for (uint32_t d = 0; d < f->p.dn_count; d++)
		if (now > f->dn[d].trk_last_t)
			fab_node_account(f, d, now);
	fab_update_cycle_counters(f);
}

/* A counter: its name under the prefix, unit, description, and offset
 * in its stats struct. */
struct counter_def {
	const char *name, *unit, *desc;
	size_t off;
};

static int register_list(s2sim_fabric *f, s2sim_stats *st,
			 const char *prefix, const struct counter_def *c,
			 size_t n, const void *base)
{
	char name[256];

	for (size_t i = 0; i < n; i++) {
		const uint64_t *v = (const uint64_t *)((const char *)base +
						       c[i].off);
		int rc;

		snprintf(name, sizeof(name), "%s.%s", prefix, c[i].name);
		rc = s2sim_stats_counter(st, name, c[i].unit, c[i].desc, v);
		if (rc != S2SIM_OK)
			return s2sim_err(&f->err, rc, "fabric: registering "
					 "%s: %s", name,
					 s2sim_stats_errmsg(st));
	}
	return S2SIM_OK;
}

#define OFF(field) offsetof(struct s2sim_fabric_stats, field)
static const struct counter_def total_defs[] = {
	{ "dn.rxreq_dvmop", "ops",
	  "DVMOps received by DVM nodes",
	  OFF(rxreq_dvmop) },
	{ "dn.rxreq_dvmsync", "syncs",
	  "DVMSyncs received by DVM nodes",
	  OFF(rxreq_dvmsync) },
	{ "dn.rxreq_retried", "requests",
	  "DVM requests retried for want of a tracker",
	  OFF(rxreq_retried) },
	{ "dn.rxreq_dvmop_vmid_filtered", "ops",
	  "DVMOps whose snoops VMID presence narrowed",
	  OFF(dvmop_vmid_filtered) },
	{ "dn.rxreq_dvmop_addr_filtered", "ops",
	  "DVMOps whose snoops the address directory narrowed",
	  OFF(dvmop_addr_filtered) },
	{ "dn.snoops_sent", "snoops",
	  "non-sync SnpDVMOps sent to targets",
	  OFF(snoops_sent) },
	{ "dn.sync_snoops_sent", "snoops",
	  "SnpDVMOp(Sync) sent to targets",
	  OFF(sync_snoops_sent) },
	{ "dn.snoops_filtered", "snoops",
	  "non-sync snoops the filter saved",
	  OFF(snoops_filtered) },
	{ "dn.txsnp_flitv", "flits",
	  "snoop flits sent (2 per SnpDVMOp)",
	  OFF(txsnp_flits) },
	{ "dn.txsnp_stall", "cycles",
	  "fabric cycles a node waited for a target credit",
	  OFF(txsnp_stall_cycles) },
	{ "dn.rxreq_trk_occupancy_all", "tracker-cycles",
	  "sum over fabric cycles of trackers in use",
	  OFF(trk_occupancy_all) },
	{ "dn.rxreq_trk_occupancy_dvmop", "tracker-cycles",
	  "... held by non-sync DVMOps",
	  OFF(trk_occupancy_dvmop) },
	{ "dn.rxreq_trk_occupancy_dvmsync", "tracker-cycles",
	  "... held by DVMSyncs",
	  OFF(trk_occupancy_dvmsync) },
	{ "dn.trkfull", "cycles",
	  "fabric cycles with every tracker of a node in use",
	  OFF(trk_full_cycles) },
	{ "dn.busy", "cycles",
	  "fabric cycles nodes spent distributing",
	  OFF(dn_busy_cycles) },
	{ "local_tlbi", "ops",
	  "non-shareable TLBIs (never left the PE)",
	  OFF(local_tlbi) },
	{ "dsb_ish", "barriers",
	  "DSB ISH executed",
	  OFF(dsb_ish) },
	{ "dsb_ish_elided", "barriers",
	  "DSB ISH with no DVMOp since the last sync",
	  OFF(dsb_ish_elided) },
	{ "erratum_repeats", "pairs",
	  "extra TLBI; DSB ISH pairs (erratum 4118414)",
	  OFF(erratum_repeats) },
	{ "ops_applied", "ops",
	  "DVM op applications at targets",
	  OFF(ops_applied) },
	{ "entries_invalidated", "entries",
	  "TLB entries the targets removed",
	  OFF(entries_invalidated) },
	{ "filter.lookups", "lookups",
	  "snoop filter lookups",
	  OFF(filter_lookups) },
	{ "filter.hits", "lookups",
	  "address directory hits",
	  OFF(filter_hits) },
	{ "filter.misses", "lookups",
	  "address directory misses",
	  OFF(filter_misses) },
	{ "filter.updates", "updates",
	  "snoop filter state changes",
	  OFF(filter_updates) },
	{ "filter.evictions", "regions",
	  "address directory evictions",
	  OFF(filter_evictions) },
	{ "filter.broadcasts", "ops",
	  "DVMOps the filter could not narrow",
	  OFF(filter_broadcasts) },
	{ "filter.untracked", "installs",
	  "installs of a VMID without a filter entry",
	  OFF(filter_untracked) },
};
#undef OFF

static int register_totals(s2sim_fabric *f, s2sim_stats *st,
			   const char *prefix)
{
	return register_list(f, st, prefix, total_defs,
			     sizeof(total_defs) / sizeof(total_defs[0]),
			     &f->st);
}

#define OFF(field) offsetof(struct s2sim_fabric_pe_stats, field)
static const struct counter_def pe_defs[] = {
	{ "dvmops_applied", "ops",
	  "DVM ops this PE applied",
	  OFF(dvmops_applied) },
	{ "invalidations", "entries",
	  "TLB entries this PE's DVM ops removed",
	  OFF(invalidations) },
	{ "queue_delay", "ps",
	  "time DVM ops waited for this PE (credit and processing)",
	  OFF(queue_delay_ps) },
	{ "busy", "ps",
	  "time this PE spent applying DVM ops",
	  OFF(busy_ps) },
};
#undef OFF

static int register_pe(s2sim_fabric *f, s2sim_stats *st, const char *prefix,
		       uint32_t pe)
{
	char pfx[160];

	snprintf(pfx, sizeof(pfx), "%s.pe.%u", prefix, pe);
	return register_list(f, st, pfx, pe_defs,
			     sizeof(pe_defs) / sizeof(pe_defs[0]),
			     &f->pe_st[pe]);
}

static s2sim_hist *make_hist(s2sim_fabric *f, s2sim_stats *st,
			     const char *prefix, const char *name,
			     const char *desc)
{
	char full[256];
	s2sim_hist *h;

	snprintf(full, sizeof(full), "%s.%s", prefix, name);
	h = s2sim_stats_hist(st, full, "ps", desc);
	if (!h)
		s2sim_err(&f->err, S2SIM_EMISUSE, "fabric: cannot create "
			  "histogram %s: %s", full, s2sim_stats_errmsg(st));
	return h;
}

int s2sim_fabric_register_stats(s2sim_fabric *f, s2sim_stats *st,
				const char *prefix)
{
	int rc;

	if (!prefix)
		prefix = "fabric";
	if (strlen(prefix) > 100)
		return s2sim_err(&f->err, S2SIM_EMISUSE, "fabric: stats "
				 "prefix longer than 100 characters");
	rc = register_totals(f, st, prefix);
	for (uint32_t pe = 0; rc == S2SIM_OK && pe < f->p.pes; pe++)
		rc = register_pe(f, st, prefix, pe);
	if (rc != S2SIM_OK)
		return rc;
	f->h.op_latency = make_hist(f, st, prefix, "dvmop_latency",
				    "TLBI issue to DVMOp Comp at the PE");
	f->h.sync_latency = make_hist(f, st, prefix, "dvmsync_latency",
				      "DSB ISH issue to completion");
	f->h.queue_delay = make_hist(f, st, prefix, "target_queue_delay",
				     "time a DVM op waited at its target");
	if (!f->h.op_latency || !f->h.sync_latency || !f->h.queue_delay)
		return f->err.rc ? f->err.rc : S2SIM_EMISUSE;
	return S2SIM_OK;
}
