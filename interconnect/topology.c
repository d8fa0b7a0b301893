/*
 * Mesh topology tables (see topology.h).  Everything is precomputed at
 * creation: a DVMOp then costs one table read per target.
 */
#include <stdlib.h>

#include "interconnect/topology.h"

uint32_t fab_topo_pe_xp(const struct s2sim_fabric_params *p, uint32_t pe)
{
	return pe / p->pes_per_xp;
}

static uint32_t absdiff(uint32_t a, uint32_t b)
{
	return a > b ? a - b : b - a;
}

uint32_t fab_topo_xps_between(const struct s2sim_fabric_params *p, uint32_t a,
			      uint32_t b)
{
	uint32_t ax = a % p->mesh_x, ay = a / p->mesh_x;
	uint32_t bx = b % p->mesh_x, by = b / p->mesh_x;

	return absdiff(ax, bx) + absdiff(ay, by) + 1;
}

/* The nearest DVM node of `pe` in XPs passed; the lowest index on ties. */
static uint32_t nearest_dn(const struct s2sim_fabric_params *p, uint32_t pe)
{
	uint32_t xp = fab_topo_pe_xp(p, pe);
	uint32_t best = 0, best_d = fab_topo_xps_between(p, xp, p->dn_xp[0]);

	for (uint32_t d = 1; d < p->dn_count; d++) {
		uint32_t dist = fab_topo_xps_between(p, xp, p->dn_xp[d]);

		if (dist < best_d) {
			best = d;
			best_d = dist;
		}
	}
	return best;
}

int fab_topo_init(struct fabric_topo *t, const struct s2sim_fabric_params *p,
		  s2sim_clock fabric_clock)
{
	size_t n = (size_t)p->dn_count * p->pes;

	t->pes = p->pes;
	t->dns = p->dn_count;
	t->pe_dn = calloc(p->pes, sizeof(*t->pe_dn));
	t->xps_passed = calloc(n, sizeof(*t->xps_passed));
	t->travel = calloc(n, sizeof(*t->travel));
	if (!t->pe_dn || !t->xps_passed || !t->travel) {
		fab_topo_fini(t);
		return S2SIM_ENOMEM;
	}
	for (uint32_t d = 0; d < p->dn_count; d++) {
		for (uint32_t pe = 0; pe < p->pes; pe++) {
			size_t i = (size_t)d * p->pes + pe;
			uint32_t xp = fab_topo_pe_xp(p, pe);
			uint32_t xps = fab_topo_xps_between(p, xp, p->dn_xp[d]);

			t->xps_passed[i] = xps;
			t->travel[i] = s2sim_clock_cycles(
				fabric_clock, (uint64_t)xps * p->hop_cycles);
		}
	}
	for (uint32_t pe = 0; pe < p->pes; pe++)
		t->pe_dn[pe] = nearest_dn(p, pe);
	return S2SIM_OK;
}

void fab_topo_fini(struct fabric_topo *t)
{
	free(t->pe_dn);
	free(t->xps_passed);
	free(t->travel);
	t->pe_dn = NULL;
	t->xps_passed = NULL;
	t->travel = NULL;
}
