/*
 * Fabric statistics: the time-integrated counters (tracker occupancy, busy
 * and stall time, kept in ps internally and shown in fabric cycles as the
 * CMN PMU counts them) and registration with an s2sim_stats registry.
 * docs/fabric.md maps each name to its Arm CMN DN PMU event.
 */
#include <stdio.h>
#include <string.h>

#include <s2sim/fabric.h>
#include "interconnect/fabric_internal.h"

void fabric_update_cycle_counters(struct s2sim_fabric *f)
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
			node_account(f, d, now);
	fabric_update_cycle_counters(f);
}

struct counter_def {
	const char *name, *unit, *desc;
	const uint64_t *v;
};

static int register_list(s2sim_fabric *f, s2sim_stats *st,
			 const char *prefix, const struct counter_def *c,
			 size_t n)
{
	char name[256];

	for (size_t i = 0; i < n; i++) {
		int rc;

		snprintf(name, sizeof(name), "%s.%s", prefix, c[i].name);
		rc = s2sim_stats_counter(st, name, c[i].unit, c[i].desc,
					 c[i].v);
		if (rc != S2SIM_OK)
			return s2sim_err(&f->err, rc, "fabric: registering "
					 "%s: %s", name,
					 s2sim_stats_errmsg(st));
	}
	return S2SIM_OK;
}

static int register_totals(s2sim_fabric *f, s2sim_stats *st,
			   const char *prefix)
{
	const struct s2sim_fabric_stats *s = &f->st;
	const struct counter_def c[] = {
	{ "dn.rxreq_dvmop", "ops", "DVMOps received by DVM nodes", &s->rxreq_dvmop },
	{ "dn.rxreq_dvmsync", "syncs", "DVMSyncs received by DVM nodes", &s->rxreq_dvmsync },
	{ "dn.rxreq_retried", "requests", "DVM requests retried for want of a tracker", &s->rxreq_retried },
	{ "dn.rxreq_dvmop_vmid_filtered", "ops", "DVMOps whose snoops VMID presence narrowed", &s->dvmop_vmid_filtered },
	{ "dn.rxreq_dvmop_addr_filtered", "ops", "DVMOps whose snoops the address directory narrowed", &s->dvmop_addr_filtered },
	{ "dn.snoops_sent", "snoops", "non-sync SnpDVMOps sent to targets", &s->snoops_sent },
	{ "dn.sync_snoops_sent", "snoops", "SnpDVMOp(Sync) sent to targets", &s->sync_snoops_sent },
	{ "dn.snoops_filtered", "snoops", "non-sync snoops the filter saved", &s->snoops_filtered },
	{ "dn.txsnp_flitv", "flits", "snoop flits sent (2 per SnpDVMOp)", &s->txsnp_flits },
	{ "dn.txsnp_stall", "cycles", "fabric cycles a node waited for a target credit", &s->txsnp_stall_cycles },
	{ "dn.trk_occupancy_all", "tracker-cycles", "sum over fabric cycles of trackers in use", &s->trk_occupancy_all },
	{ "dn.trk_occupancy_dvmop", "tracker-cycles", "... held by non-sync DVMOps", &s->trk_occupancy_dvmop },
	{ "dn.trk_occupancy_dvmsync", "tracker-cycles", "... held by DVMSyncs", &s->trk_occupancy_dvmsync },
	{ "dn.trk_full", "cycles", "fabric cycles with every tracker of a node in use", &s->trk_full_cycles },
	{ "dn.busy", "cycles", "fabric cycles nodes spent distributing", &s->dn_busy_cycles },
	{ "local_tlbi", "ops", "non-shareable TLBIs (never left the PE)", &s->local_tlbi },
	{ "dsb_ish", "barriers", "DSB ISH executed", &s->dsb_ish },
	{ "dsb_ish_elided", "barriers", "DSB ISH with no DVMOp since the last sync", &s->dsb_ish_elided },
	{ "erratum_repeats", "pairs", "extra TLBI; DSB ISH pairs (erratum 4118414)", &s->erratum_repeats },
	{ "ops_applied", "ops", "DVM op applications at targets", &s->ops_applied },
	{ "entries_invalidated", "entries", "TLB entries the targets removed", &s->entries_invalidated },
	{ "filter.lookups", "lookups", "snoop filter lookups", &s->filter_lookups },
	{ "filter.hits", "lookups", "address directory hits", &s->filter_hits },
	{ "filter.misses", "lookups", "address directory misses", &s->filter_misses },
	{ "filter.updates", "updates", "snoop filter state changes", &s->filter_updates },
	{ "filter.evictions", "regions", "address directory evictions", &s->filter_evictions },
	{ "filter.broadcasts", "ops", "DVMOps the filter could not narrow", &s->filter_broadcasts },
	{ "filter.untracked", "installs", "installs of a VMID without a filter entry", &s->filter_untracked },
	};

	return register_list(f, st, prefix, c, sizeof(c) / sizeof(c[0]));
}

static int register_pe(s2sim_fabric *f, s2sim_stats *st, const char *prefix,
		       uint32_t pe)
{
	const struct s2sim_fabric_pe_stats *s = &f->pe_st[pe];
	char pfx[160];
	const struct counter_def c[] = {
	{ "dvmops_applied", "ops", "DVM ops this PE applied", &s->dvmops_applied },
	{ "invalidations", "entries", "TLB entries this PE's DVM ops removed", &s->invalidations },
	{ "queue_delay", "ps", "time DVM ops waited for this PE (credit and processing)", &s->queue_delay_ps },
	{ "busy", "ps", "time this PE spent applying DVM ops", &s->busy_ps },
	};

	snprintf(pfx, sizeof(pfx), "%s.pe.%u", prefix, pe);
	return register_list(f, st, pfx, c, sizeof(c) / sizeof(c[0]));
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
