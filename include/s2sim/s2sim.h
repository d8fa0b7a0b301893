/* s2sim — umbrella header of the public C API. */
#ifndef S2SIM_S2SIM_H
#define S2SIM_S2SIM_H

#include <s2sim/common.h>
#include <s2sim/engine.h>
#include <s2sim/stats.h>
#include <s2sim/config.h>
#include <s2sim/trace.h>
#include <s2sim/workload.h>
#include <s2sim/sim.h>
#include <s2sim/fabric.h>

#endif
