/*
 * The host memory a simulation will need, estimated from its
 * configuration before anything big is allocated, and checked against a
 * limit: a configuration too large for the host is refused with a message
 * naming the key (and where it was set) instead of being OOM-killed
 * half-way.  docs/errors.md describes the limit.
 */
#ifndef S2SIM_CORE_RUN_MEM_BUDGET_H
#define S2SIM_CORE_RUN_MEM_BUDGET_H

#include <stdint.h>

#include <s2sim/config.h>

#include "core/util/errbuf.h"

/* The limit: S2SIM_MEMORY_LIMIT from the environment (bytes, or with a
 * K/M/G/T[iB] suffix), else the host's physical memory.  0 if neither is
 * known (no limit). */
uint64_t s2sim_mem_limit(void);

/* Bytes the model of `cfg` with `nvcpus` vCPUs needs, about; with the key
 * that contributes most in *key (a schema path). */
uint64_t s2sim_mem_estimate(const s2sim_config *cfg, uint32_t nvcpus,
			    const char **key);

/* S2SIM_OK, or S2SIM_ELIMIT with "ORIGIN: key 'K': ..." in `err`. */
int s2sim_mem_check(const s2sim_config *cfg, uint32_t nvcpus,
		    struct s2sim_errbuf *err);

#endif
