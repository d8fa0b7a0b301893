/*
 * Mesh topology: where each PE and DVM node sits, and how long a message
 * between a node and a PE takes.  XY routing on a mesh of crosspoints
 * (XPs), as in Arm CMN: a message between XPs (x0, y0) and (x1, y1) passes
 * through |x0 - x1| + |y0 - y1| + 1 XPs, hop_cycles fabric cycles each.
 */
#ifndef S2SIM_INTERCONNECT_TOPOLOGY_H
#define S2SIM_INTERCONNECT_TOPOLOGY_H

#include <s2sim/engine.h>
#include <s2sim/fabric.h>

struct fabric_topo {
	uint32_t pes;
	uint32_t dns;
	uint32_t *pe_dn;       /* [pe]: the PE's DVM node (the nearest) */
	uint32_t *xps_passed;  /* [dn * pes + pe]: XPs a message passes */
	s2sim_time_ps *travel; /* [dn * pes + pe]: one-way message time */
};

/* The XP of PE `pe` (row-major index). */
uint32_t fab_topo_pe_xp(const struct s2sim_fabric_params *p, uint32_t pe);
/* XPs a message between XPs a and b passes through (>= 1). */
uint32_t fab_topo_xps_between(const struct s2sim_fabric_params *p, uint32_t a,
			      uint32_t b);

/* Build the tables; `p` must have been validated.  S2SIM_ENOMEM. */
int fab_topo_init(struct fabric_topo *t, const struct s2sim_fabric_params *p,
		  s2sim_clock fabric_clock);
void fab_topo_fini(struct fabric_topo *t);

static inline s2sim_time_ps fab_topo_travel(const struct fabric_topo *t,
					    uint32_t dn, uint32_t pe)
{
	return t->travel[(size_t)dn * t->pes + pe];
}

#endif
