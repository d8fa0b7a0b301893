/*
 * Fabric parameters: the CMN-600 / Neoverse-N1-class defaults and their
 * validation.  docs/fabric.md "Parameters" gives the source of each
 * default or marks it an estimate.
 */
#include <s2sim/fabric.h>
#include "interconnect/fabric_internal.h"

void s2sim_fabric_params_default(struct s2sim_fabric_params *p)
{
	*p = (struct s2sim_fabric_params){
		.pes = 48,                /* t2a-standard-48 */
		.mesh_x = 8,              /* CMN-600 maximum 8 x 8 */
		.mesh_y = 6,              /* estimate */
		.pes_per_xp = 4,          /* Altra: 2 DSUs x 2 N1 per XP */
		.hop_cycles = 2,          /* estimate */
		.fabric_mhz = 2000.0,     /* estimate */
		.pe_mhz = 3000.0,         /* Altra Q80-30 class */
		.dn_count = 1,
		.dn_xp = { 3 * 8 + 4 },   /* mesh centre, estimate */
		.dn_op_cycles = 4,        /* estimate */
		.dn_snoop_cycles = 2,     /* CHI: 2 snoop flits per target */
		.dn_trackers = 16,        /* gem5 CHI MN: 16 DVM TBEs */
		.sync_orders_all = false, /* CHI B8.2.2 minimum */
		.filter_syncs = false,    /* a Sync carries no VMID */
		.target_outstanding = 4,  /* CCN-502 TRM: 4 per RN-F */
		.target_op_cycles = 50,   /* estimate */
		.target_sync_cycles = 250,/* ~ one DRAM access, estimate */
		.target_blocks_translation = false,
		.dsb_ishst_cycles = 20,   /* estimate */
		.dsb_nsh_cycles = 20,     /* estimate */
		.isb_cycles = 15,         /* estimate */
		.filter = S2SIM_SNOOP_FILTER_NONE, /* not programmed by Linux */
		.filter_lookup_cycles = 1, /* estimate */
		.filter_update_cycles = 1, /* estimate */
		.vmid_filter_entries = 16, /* CMN-600 POR_DN_VMF0..15 */
		.addr_sets = 1024,         /* estimate (no such hardware) */
		.addr_ways = 8,
		.addr_region_bytes = UINT64_C(2) << 20,
		.erratum_repeat_tlbi = false,
	};
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int check_topology(const struct s2sim_fabric_params *p,
			  struct s2sim_errbuf *e)
{
	uint64_t xps = (uint64_t)p->mesh_x * p->mesh_y;

	if (p->pes < 1 || p->pes > S2SIM_FABRIC_MAX_PES)
		return s2sim_err(e, S2SIM_EINPUT, "fabric.pes = %u: must be "
				 "1..%u", p->pes, S2SIM_FABRIC_MAX_PES);
	if (p->mesh_x < 1 || p->mesh_x > 64 || p->mesh_y < 1 ||
	    p->mesh_y > 64)
		return s2sim_err(e, S2SIM_EINPUT, "fabric.mesh %u x %u: each "
				 "dimension must be 1..64", p->mesh_x,
				 p->mesh_y);
	if (p->pes_per_xp < 1 || (uint64_t)p->pes > xps * p->pes_per_xp)
		return s2sim_err(e, S2SIM_EINPUT, "fabric: %u PEs do not fit "
				 "a %u x %u mesh with %u PEs per XP", p->pes,
				 p->mesh_x, p->mesh_y, p->pes_per_xp);
	if (p->dn_count < 1 || p->dn_count > S2SIM_FABRIC_MAX_DNS)
		return s2sim_err(e, S2SIM_EINPUT, "fabric.dn_count = %u: must "
				 "be 1..%u", p->dn_count, S2SIM_FABRIC_MAX_DNS);
	for (uint32_t d = 0; d < p->dn_count; d++)
		if (p->dn_xp[d] >= xps)
			return s2sim_err(e, S2SIM_EINPUT, "fabric.dn_xp[%u] = "
					 "%u: the mesh has %llu XPs", d,
					 p->dn_xp[d], (unsigned long long)xps);
	if (s2sim_clock_from_mhz(p->fabric_mhz).period_ps == 0)
		return s2sim_err(e, S2SIM_EINPUT, "fabric.fabric_mhz = %g: "
				 "not a usable clock", p->fabric_mhz);
	if (s2sim_clock_from_mhz(p->pe_mhz).period_ps == 0)
		return s2sim_err(e, S2SIM_EINPUT, "fabric.pe_mhz = %g: not a "
				 "usable clock", p->pe_mhz);
	return S2SIM_OK;
}

static int check_node(const struct s2sim_fabric_params *p,
		      struct s2sim_errbuf *e)
{
	if (p->dn_trackers < 2 || p->dn_trackers > 4096)
		return s2sim_err(e, S2SIM_EINPUT, "fabric.dn_trackers = %u: "
				 "must be 2..4096 (one is reserved for "
				 "non-sync ops)", p->dn_trackers);
	if (p->target_outstanding < 1 || p->target_outstanding > 64)
		return s2sim_err(e, S2SIM_EINPUT, "fabric.target_outstanding"
				 " = %u: must be 1..64",
				 p->target_outstanding);
	return S2SIM_OK;
}

static int check_filter(const struct s2sim_fabric_params *p,
			struct s2sim_errbuf *e)
{
	if ((unsigned)p->filter > S2SIM_SNOOP_FILTER_ADDRESS)
		return s2sim_err(e, S2SIM_EINPUT, "fabric.snoop_filter = %u: "
				 "unknown kind", (unsigned)p->filter);
	if (p->vmid_filter_entries > VT_VMIDS)
		return s2sim_err(e, S2SIM_EINPUT, "fabric.vmid_filter_entries"
				 " = %u: at most %u", p->vmid_filter_entries,
				 VT_VMIDS);
	if (p->filter != S2SIM_SNOOP_FILTER_ADDRESS)
		return S2SIM_OK;
	if (!is_pow2(p->addr_sets) || p->addr_sets > (1u << 20))
		return s2sim_err(e, S2SIM_EINPUT, "fabric.addr_sets = %u: "
				 "must be a power of two <= 2^20",
				 p->addr_sets);
	if (p->addr_ways < 1 || p->addr_ways > 64)
		return s2sim_err(e, S2SIM_EINPUT, "fabric.addr_ways = %u: "
				 "must be 1..64", p->addr_ways);
	if (!is_pow2(p->addr_region_bytes) ||
	    p->addr_region_bytes < 4096 ||
	    p->addr_region_bytes > (UINT64_C(1) << 40))
		return s2sim_err(e, S2SIM_EINPUT, "fabric.addr_region_bytes "
				 "= %llu: must be a power of two, 4 KiB .. "
				 "1 TiB",
				 (unsigned long long)p->addr_region_bytes);
	return S2SIM_OK;
}

int fab_params_check(const struct s2sim_fabric_params *p,
		     struct s2sim_errbuf *e)
{
	int rc = check_topology(p, e);

	if (rc == S2SIM_OK)
		rc = check_node(p, e);
	if (rc == S2SIM_OK)
		rc = check_filter(p, e);
	return rc;
}
