/*
 * The fabric's parameters (include/s2sim/fabric.h) from a resolved
 * configuration, so a run can build the interconnect.
 */
#ifndef S2SIM_CORE_CONFIG_FABRIC_CFG_H
#define S2SIM_CORE_CONFIG_FABRIC_CFG_H

#include <s2sim/fabric.h>
#include "core/config/cfg.h"

/*
 * Fill `p` from `c`: every fabric.* key, pes = platform.pes, pe_mhz =
 * platform.cpu_mhz, and the DVM nodes placed by s2sim_cfg_dn_xp().  A
 * validated configuration gives parameters s2sim_fabric_create() accepts.
 */
void s2sim_cfg_fabric_params(const struct s2sim_cfg *c,
			     struct s2sim_fabric_params *p);

/*
 * The XP of DVM node `d` of `count` on a `mesh_x` x `mesh_y` mesh: nodes
 * are spread evenly along the middle row, node d at the centre of the d-th
 * of `count` equal column strips.  One node sits at the mesh centre, where
 * s2sim_fabric_params_default() puts it (XP 3 * 8 + 4 on 8 x 6).
 */
uint32_t s2sim_cfg_dn_xp(uint32_t mesh_x, uint32_t mesh_y, uint32_t count,
			 uint32_t d);

#endif
