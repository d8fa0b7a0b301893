/*
 * s2sim — workloads: one stream of trace records, from a trace file or from
 * the built-in dirty-log generator (a model of the Linux KVM selftest
 * dirty_log_perf_test on memstress), behind one handle.
 */
#ifndef S2SIM_WORKLOAD_H
#define S2SIM_WORKLOAD_H

#include <stdbool.h>
#include <s2sim/common.h>
#include <s2sim/config.h>
#include <s2sim/trace.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Parameters of the dirty-log generator (dirty_log_perf_test options in
 * brackets). */
typedef struct s2sim_dirtylog_params {
	uint32_t vcpus;              /* [-v] */
	uint64_t bytes_per_vcpu;     /* [-b] */
	uint64_t guest_page_size;    /* [-m]: 4 KiB for mode 2 */
	uint64_t backing_page_size;  /* [-s]: 4 KiB, 2 MiB or 1 GiB */
	uint32_t write_percent;      /* [-w] 0..100 */
	uint32_t iterations;         /* [-i] dirty-logging passes */
	bool random_access;          /* [-a] */
	uint64_t seed;               /* [-r] */
	bool initially_set;          /* ![-g]: manual protect + initially set */
	uint32_t instructions_per_access; /* guest work between accesses */
	uint64_t base_ipa;           /* where the test region starts */
} s2sim_dirtylog_params;

/* dirty_log_perf_test's defaults (-b 1G -i 2 -w 100 -r 1, 4 KiB pages). */
S2SIM_API void s2sim_dirtylog_params_default(s2sim_dirtylog_params *p);

typedef struct s2sim_workload s2sim_workload;

/* The workload a validated configuration names (generator or trace). */
S2SIM_API int s2sim_workload_from_config(s2sim_workload **out,
					 const s2sim_config *cfg);
S2SIM_API int s2sim_workload_generator(s2sim_workload **out,
				       const s2sim_dirtylog_params *p);
S2SIM_API int s2sim_workload_trace(s2sim_workload **out, const char *path);
S2SIM_API void s2sim_workload_destroy(s2sim_workload *w);
S2SIM_API const char *s2sim_workload_errmsg(const s2sim_workload *w);
S2SIM_API uint32_t s2sim_workload_vcpus(const s2sim_workload *w);
/* Same contract as s2sim_trace_read(). */
S2SIM_API int s2sim_workload_read(s2sim_workload *w, s2sim_record *recs,
				  size_t max, size_t *n);

#ifdef __cplusplus
}
#endif
#endif
