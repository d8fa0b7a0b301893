/*
 * Internal helpers around the workload handle (include/s2sim/workload.h).
 */
#ifndef S2SIM_WORKLOADS_WORKLOAD_INTERNAL_H
#define S2SIM_WORKLOADS_WORKLOAD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <s2sim/config.h>
#include <s2sim/trace.h>
#include <s2sim/workload.h>

/*
 * The generator parameters a configuration describes: the workload.* keys,
 * with base_ipa placed as memstress places it in a platform.ipa_bits IPA
 * space.  S2SIM_OK, or an error with a message in err (naming the key and
 * where it was set).  The configuration must be a generator one.
 */
int s2sim_dirtylog_params_from_config(s2sim_dirtylog_params *p,
				      const s2sim_config *cfg, char *err,
				      size_t errsz);

/*
 * `s2sim trace generate`: stream every record of `w` (from where it is)
 * into a new trace file at `path` in `format`.  The file appears only when
 * the whole stream was written.  S2SIM_OK, or the workload's or the
 * writer's error with a message (naming the file) in err.  *records (if not
 * NULL) is the number of records written.
 */
int s2sim_workload_write_trace(s2sim_workload *w, const char *path,
			       enum s2sim_trace_format format, char *err,
			       size_t errsz, uint64_t *records);

#endif
