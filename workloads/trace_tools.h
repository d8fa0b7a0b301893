/*
 * Helpers behind `s2sim trace info|dump|convert`: each streams the trace
 * through s2sim_trace_read(), so any size works in bounded memory.
 *
 * Every function returns an s2sim result code (S2SIM_OK, or the reader's or
 * writer's error) and on error leaves a message naming the file in `err`.
 */
#ifndef S2SIM_WORKLOADS_TRACE_TOOLS_H
#define S2SIM_WORKLOADS_TRACE_TOOLS_H

#include <stdint.h>
#include <stdio.h>

#include <s2sim/trace.h>

/* What `trace info` reports. */
struct s2sim_trace_summary {
	s2sim_trace_info info;
	uint64_t records;
	uint64_t by_kind[256];        /* indexed by the kind byte */
	uint64_t reads;
	uint64_t writes;
	uint64_t *vcpu_accesses;      /* info.vcpus entries (malloc'ed) */
	uint32_t nslots;              /* memslots, in trace order */
	s2sim_record slots[S2SIM_TRACE_MAX_MEMSLOTS];
	char *err;                    /* where summarize() reports */
	size_t errsz;
};

/* Read the whole trace and fill `s`.  Free with s2sim_trace_summary_free()
 * whatever the result. */
int s2sim_trace_summarize(const char *path, struct s2sim_trace_summary *s,
			  char *err, size_t errsz);
void s2sim_trace_summary_free(struct s2sim_trace_summary *s);

/* `s2sim trace info PATH`: header, records per kind, reads/writes,
 * accesses per vCPU, memslots. */
int s2sim_trace_info_print(const char *path, FILE *out, char *err,
			   size_t errsz);
/* `s2sim trace dump PATH`: the trace in text form (a valid text trace). */
int s2sim_trace_dump(const char *path, FILE *out, char *err, size_t errsz);
/* `s2sim trace convert IN OUT --format F`: any format to any format.
 * OUT appears only when the whole input converted. */
int s2sim_trace_convert(const char *in_path, const char *out_path,
			enum s2sim_trace_format format, char *err,
			size_t errsz);

/* "binary", "zstd", "text" <-> enum.  Parse returns 0, or -1 if unknown. */
const char *s2sim_trace_format_name(enum s2sim_trace_format format);
int s2sim_trace_format_parse(const char *name,
			     enum s2sim_trace_format *format);

#endif
