/*
 * The time window of the Perfetto / Chrome trace (sim.trace_window):
 *
 *   off          no trace.json
 *   auto         2 ms from the first time dirty logging write-protects
 *                memory (see docs/trace-viewer.md)
 *   auto:LEN     the same, LEN long
 *   START:END    absolute simulated times; END may be empty (to the end)
 *
 * Times are decimal numbers of seconds, or take a unit: s, ms, us, ns
 * ("0.1:0.102" and "100ms:102ms" are the same window).
 */
#ifndef S2SIM_CORE_CONFIG_TRACE_WINDOW_H
#define S2SIM_CORE_CONFIG_TRACE_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#define S2SIM_TRACE_AUTO_LEN_PS 2000000000ull /* 2 ms */
#define S2SIM_TRACE_OPEN_END UINT64_MAX

enum s2sim_trace_mode {
	S2SIM_TRACE_OFF,
	S2SIM_TRACE_AUTO,     /* anchored at the first write-protection */
	S2SIM_TRACE_ABSOLUTE, /* [start_ps, end_ps) */
};

struct s2sim_trace_window {
	enum s2sim_trace_mode mode;
	uint64_t start_ps, end_ps; /* ABSOLUTE; end may be S2SIM_TRACE_OPEN_END */
	uint64_t len_ps;           /* AUTO */
};

/* Parse `text`; 0 on success, else -1 with the reason in `why`. */
int s2sim_trace_window_parse(const char *text, struct s2sim_trace_window *w,
			     char *why, size_t why_size);

#endif
