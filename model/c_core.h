/*
 * The C core's internal headers, for the model's C++ sources only (never
 * included by the public headers in include/s2sim/systemc/).
 */
#ifndef S2SIM_MODEL_C_CORE_H
#define S2SIM_MODEL_C_CORE_H

extern "C" {
#include <s2sim/config.h>
#include <s2sim/engine.h>
#include <s2sim/fabric.h>
#include <s2sim/stats.h>
#include <s2sim/trace.h>
#include <s2sim/workload.h>

#include "core/config/cfg.h"
#include "core/config/config_internal.h"
#include "core/config/fabric_cfg.h"
#include "core/kvm/kvm.h"
#include "core/mmu/desc.h"
#include "core/mmu/memport.h"
#include "core/mmu/mmu.h"
#include "core/mmu/physmem.h"
#include "core/run/machine.h"
#include "core/sim/engine_internal.h"
#include "core/util/errbuf.h"
}

#endif
