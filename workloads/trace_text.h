/*
 * The text form of traces (docs/trace-format.md, "Text form"): parsing one
 * line into a record, and the header line.  Formatting a record is the
 * public s2sim_record_format().
 */
#ifndef S2SIM_WORKLOADS_TRACE_TEXT_H
#define S2SIM_WORKLOADS_TRACE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <s2sim/trace.h>

/* The first token of the header line, which also identifies the form. */
#define S2SIM_TRACE_TEXT_TAG "s2trace"

/* Results of the line parsers. */
enum {
	S2SIM_TEXT_BLANK = 0,    /* empty or comment-only line */
	S2SIM_TEXT_ITEM = 1,     /* a record (or the header) was parsed */
	S2SIM_TEXT_ERROR = -1,   /* message in msg */
	S2SIM_TEXT_NOT_TRACE = -2, /* header line does not start "s2trace" */
};

/* Parse the header line `s2trace 1 vcpus=N`.  `line` is modified. */
int s2sim_trace_text_header(char *line, uint32_t *vcpus, char *msg,
			    size_t size);
/* Parse one record line.  `line` is modified.  The record's shape is
 * checked (s2sim_trace_record_check()); trace state is not. */
int s2sim_trace_text_record(char *line, s2sim_record *rec, char *msg,
			    size_t size);

/* "4KiB", "2MiB", "1GiB", ... the largest binary unit that divides v. */
void s2sim_trace_format_bytes(uint64_t v, char *buf, size_t size);

#endif
