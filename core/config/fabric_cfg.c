/*
 * s2sim_cfg_fabric_params(): struct s2sim_fabric_params from the fabric.*
 * keys and the platform's PE count and clock.
 */
#include <string.h>

#include "core/config/fabric_cfg.h"

uint32_t s2sim_cfg_dn_xp(uint32_t mesh_x, uint32_t mesh_y, uint32_t count,
			 uint32_t d)
{
	uint64_t x = ((2 * (uint64_t)d + 1) * mesh_x) / (2 * (uint64_t)count);

	if (x >= mesh_x)
		x = mesh_x - 1;
	return (uint32_t)x + (mesh_y / 2) * mesh_x;
}

static void fill_topology(const struct s2sim_cfg *c,
			  struct s2sim_fabric_params *p)
{
	uint32_t count = c->fabric.dn_count;

	p->pes = c->platform.pes;
	p->mesh_x = c->fabric.mesh_x;
	p->mesh_y = c->fabric.mesh_y;
	p->pes_per_xp = c->fabric.pes_per_xp;
	p->hop_cycles = c->fabric.hop_cycles;
	p->fabric_mhz = c->fabric.mhz;
	p->pe_mhz = c->platform.cpu_mhz;
	if (count > S2SIM_FABRIC_MAX_DNS)
		count = S2SIM_FABRIC_MAX_DNS;
	p->dn_count = count;
	for (uint32_t d = 0; d < count; d++)
		p->dn_xp[d] = s2sim_cfg_dn_xp(p->mesh_x, p->mesh_y, count, d);
}

void s2sim_cfg_fabric_params(const struct s2sim_cfg *c,
			     struct s2sim_fabric_params *p)
{
	memset(p, 0, sizeof(*p));
	fill_topology(c, p);
	p->dn_op_cycles = c->fabric.dn_op_cycles;
	p->dn_snoop_cycles = c->fabric.dn_snoop_cycles;
	p->dn_trackers = c->fabric.dn_trackers;
	p->sync_orders_all = c->fabric.sync_orders_all;
	p->filter_syncs = c->fabric.filter_syncs;
	p->target_outstanding = c->fabric.target_outstanding;
	p->target_op_cycles = c->fabric.target_op_cycles;
	p->target_sync_cycles = c->fabric.target_sync_cycles;
	p->target_blocks_translation = c->fabric.target_blocks_translation;
	p->dsb_ishst_cycles = c->fabric.dsb_ishst_cycles;
	p->dsb_nsh_cycles = c->fabric.dsb_nsh_cycles;
	p->isb_cycles = c->fabric.isb_cycles;
	p->filter = (enum s2sim_snoop_filter_kind)c->fabric.snoop_filter;
	p->filter_lookup_cycles = c->fabric.filter_lookup_cycles;
	p->filter_update_cycles = c->fabric.filter_update_cycles;
	p->vmid_filter_entries = c->fabric.vmid_filter_entries;
	p->addr_sets = c->fabric.addr_sets;
	p->addr_ways = c->fabric.addr_ways;
	p->addr_region_bytes = c->fabric.addr_region_bytes;
	p->erratum_repeat_tlbi = c->fabric.erratum_repeat_tlbi;
}
