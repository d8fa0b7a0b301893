/* The summary `s2sim run` prints (tools/run_report.c). */
#ifndef S2SIM_TOOLS_RUN_REPORT_H
#define S2SIM_TOOLS_RUN_REPORT_H

#include <stdbool.h>

#include <s2sim/sim.h>

/* `checker`: hypervisor.check (off: the report says so rather than
 * printing zero findings). */
void s2sim_print_run_report(s2sim_sim *sim, const char *cfg_path,
			    const char *policy, bool checker, const char *out,
			    double host_s);

#endif
