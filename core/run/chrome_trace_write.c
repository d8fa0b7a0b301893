/*
 * Writing trace.json (chrome_trace.h) in the Trace Event Format's JSON
 * object form, which both ui.perfetto.dev and chrome://tracing open:
 *
 *   {"displayTimeUnit":"ns","otherData":{...},"traceEvents":[...]}
 *
 * ts and dur are microseconds; they are printed from the integer
 * picoseconds as exact decimals (never through a double), so the file
 * is byte-identical from run to run.  Events are sorted by time, then
 * thread, then longest first, so a parent slice precedes the slices it
 * contains even when they start together.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <s2sim/fabric.h>

#include "core/mmu/desc.h"
#include "core/run/chrome_trace.h"
#include "core/util/atomic_file.h"

#define CT_PID 1

/* Names of the time buckets' slices, then of the other events. */
static const char *const slice_names[S2SIM_CT_NNAMES] = {
	[S2SIM_T_GUEST] = "guest",         [S2SIM_T_WALK] = "walk",
	[S2SIM_T_EXIT] = "exit",           [S2SIM_T_LOCK_WAIT] = "mmu_lock wait",
	[S2SIM_T_HANDLER] = "handler",     [S2SIM_T_TLBI] = "TLBI issue",
	[S2SIM_T_DSB_WAIT] = "DSB wait",   [S2SIM_T_CONFLICT] = "conflict recovery",
	[S2SIM_T_BARRIER] = "parked",      [S2SIM_CT_FAULT] = "fault",
	[S2SIM_CT_VMM_PAUSE] = "pause",    [S2SIM_CT_TRUNCATED] = "trace truncated",
};

static const char *const slice_cats[S2SIM_CT_NNAMES] = {
	[S2SIM_T_GUEST] = "guest",         [S2SIM_T_WALK] = "mmu",
	[S2SIM_T_EXIT] = "kvm",            [S2SIM_T_LOCK_WAIT] = "kvm",
	[S2SIM_T_HANDLER] = "kvm",         [S2SIM_T_TLBI] = "tlbi",
	[S2SIM_T_DSB_WAIT] = "tlbi",       [S2SIM_T_CONFLICT] = "kvm",
	[S2SIM_T_BARRIER] = "barrier",     [S2SIM_CT_FAULT] = "kvm",
	[S2SIM_CT_VMM_PAUSE] = "vmm",      [S2SIM_CT_VMM_OP] = "vmm",
	[S2SIM_CT_TLBI_OP] = "tlbi",       [S2SIM_CT_DIRTY_LOG] = "dirty_log",
	[S2SIM_CT_PHASE] = "phase",        [S2SIM_CT_TRUNCATED] = "s2sim",
};

/* The VMM ioctl of a record, and what its instant says. */
static const char *vmm_op_name(unsigned kind, bool instant)
{
	switch (kind) {
	case S2SIM_REC_MEMSLOT:
		return instant ? "memslot" : "KVM_SET_USER_MEMORY_REGION";
	case S2SIM_REC_DIRTY_LOG_ENABLE:
		return instant ? "dirty log: enable" : "enable dirty logging";
	case S2SIM_REC_DIRTY_LOG_DISABLE:
		return instant ? "dirty log: disable" : "disable dirty logging";
	case S2SIM_REC_GET_DIRTY_LOG:
		return instant ? "dirty log: get" : "KVM_GET_DIRTY_LOG";
	case S2SIM_REC_CLEAR_DIRTY_LOG:
		return instant ? "dirty log: clear" : "KVM_CLEAR_DIRTY_LOG";
	default:
		return "VMM";
	}
}

/* Slices that contain others: first among equals (a fault clipped by the
 * window can be exactly as long as its one child). */
static int is_parent(const struct s2sim_ct_event *e)
{
	return e->name == S2SIM_CT_FAULT || e->name == S2SIM_CT_VMM_OP;
}

static int cmp_events(const void *pa, const void *pb)
{
	const struct s2sim_ct_event *a = pa, *b = pb;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->tid != b->tid)
		return a->tid < b->tid ? -1 : 1;
	if (a->dur != b->dur)
		return a->dur > b->dur ? -1 : 1;
	if (is_parent(a) != is_parent(b))
		return is_parent(b) - is_parent(a);
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* After truncation (chrome_trace.c shrink()) the window ends at tr->hi:
 * clip what crosses it. */
static void trim_to_window(struct s2sim_ctrace *tr)
{
	for (uint64_t i = 0; i < tr->n; i++) {
		struct s2sim_ct_event *e = &tr->ev[i];

		if (e->dur > tr->hi - e->ts)
			e->dur = tr->hi - e->ts;
	}
}

static void put_time(FILE *fp, const char *key, uint64_t ps)
{
	fprintf(fp, ",\"%s\":%" PRIu64 ".%06" PRIu64, key, ps / 1000000,
		ps % 1000000);
}

/* A JSON string; the names come from the configuration. */
static void put_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static void put_fault_args(FILE *fp, const struct s2sim_ct_event *e)
{
	unsigned kind = e->aux & S2SIM_CT_FAULT_KIND;

	fprintf(fp, ",\"args\":{\"type\":\"%s\",\"level\":%u,\"write\":%s,"
		    "\"ipa\":\"0x%" PRIx64 "\"}",
		e->aux & S2SIM_CT_FAULT_CONFLICT ? "TLB conflict"
						 : s2sim_fault_name(kind),
		(unsigned)(e->aux >> S2SIM_CT_FAULT_LEVEL_SHIFT),
		e->aux & S2SIM_CT_FAULT_WRITE ? "true" : "false", e->arg);
}

static void put_vmm_args(FILE *fp, const struct s2sim_ct_event *e)
{
	fprintf(fp, ",\"args\":{\"slot\":%u", (unsigned)e->slot);
	if (e->aux == S2SIM_REC_CLEAR_DIRTY_LOG)
		fprintf(fp, ",\"first_page\":%" PRIu64 ",\"pages\":%" PRIu64,
			e->arg, e->arg2);
	fputc('}', fp);
}

static void put_tlbi_op(FILE *fp, const struct s2sim_ct_event *e)
{
	unsigned kind = e->aux & 0xff;
	bool is = (e->aux >> 8) == S2SIM_DVM_ISH;

	fprintf(fp, "\"name\":\"TLBI %s%s\"", s2sim_dvm_kind_name(kind),
		is ? "IS" : "");
	if (kind <= S2SIM_DVM_RIPAS2LE1)
		fprintf(fp, ",\"args\":{\"ipa\":\"0x%" PRIx64 "\"}", e->arg);
}

/* "name" and "args" of an event. */
static void put_name_args(FILE *fp, const struct s2sim_ct_event *e)
{
	switch (e->name) {
	case S2SIM_CT_TLBI_OP:
		put_tlbi_op(fp, e);
		return;
	case S2SIM_CT_VMM_OP:
	case S2SIM_CT_DIRTY_LOG:
		fprintf(fp, "\"name\":\"%s\"",
			vmm_op_name(e->aux, e->name == S2SIM_CT_DIRTY_LOG));
		put_vmm_args(fp, e);
		return;
	case S2SIM_CT_PHASE:
		if (e->arg == S2SIM_PHASE_POPULATE)
			fprintf(fp, "\"name\":\"populate\"");
		else if (e->arg == S2SIM_PHASE_END)
			fprintf(fp, "\"name\":\"end of workload\"");
		else
			fprintf(fp, "\"name\":\"dirty-log pass %" PRIu64 "\"", e->arg);
		return;
	case S2SIM_CT_TRUNCATED:
		fprintf(fp, "\"name\":\"%s\",\"args\":{\"why\":\"more than "
			    "sim.trace_max_events (%" PRIu64 ") events\"}",
			slice_names[e->name], e->arg);
		return;
	default:
		fprintf(fp, "\"name\":\"%s\"", slice_names[e->name]);
		if (e->name == S2SIM_CT_FAULT)
			put_fault_args(fp, e);
	}
}

static void put_event(FILE *fp, const struct s2sim_ct_event *e)
{
	bool global = e->name == S2SIM_CT_DIRTY_LOG || e->name == S2SIM_CT_PHASE ||
		      e->name == S2SIM_CT_TRUNCATED;

	fputs(",\n{", fp);
	put_name_args(fp, e);
	fprintf(fp, ",\"cat\":\"%s\",\"ph\":\"%c\"", slice_cats[e->name], e->ph);
	if (e->ph == 'i')
		fprintf(fp, ",\"s\":\"%c\"", global ? 'g' : 't');
	put_time(fp, "ts", e->ts);
	if (e->ph == 'X')
		put_time(fp, "dur", e->dur);
	fprintf(fp, ",\"pid\":%d,\"tid\":%" PRIu32 "}", CT_PID, e->tid);
}

static void put_thread(FILE *fp, uint32_t tid, const char *name, uint32_t pe)
{
	fprintf(fp, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,"
		    "\"tid\":%" PRIu32 ",\"args\":{\"name\":\"%s (PE %" PRIu32 ")\"}}",
		CT_PID, tid, name, pe);
	fprintf(fp, ",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%d,"
		    "\"tid\":%" PRIu32 ",\"args\":{\"sort_index\":%" PRIu32 "}}",
		CT_PID, tid, tid);
}

/* process_name and thread_name records: the VM, vCPU i, the VMM. */
static void put_metadata(FILE *fp, const struct s2sim_ctrace *tr,
			 const struct s2sim_ct_meta *m)
{
	char name[192];

	snprintf(name, sizeof(name), "VM (VMID 1): %s on %s", m->policy,
		 m->platform);
	fprintf(fp, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,"
		    "\"tid\":0,\"args\":{\"name\":", CT_PID);
	put_str(fp, name);
	fputs("}}", fp);
	for (uint32_t i = 0; i < tr->nvcpus; i++) {
		snprintf(name, sizeof(name), "vCPU %" PRIu32, i);
		put_thread(fp, i, name, i);
	}
	put_thread(fp, tr->nvcpus, "VMM thread", tr->vmm_pe);
}

static const char *window_kind(const struct s2sim_ctrace *tr)
{
	if (tr->win.mode != S2SIM_TRACE_AUTO)
		return "absolute";
	return tr->anchored ? "auto: from the end of the first write-protection"
			    : "auto: nothing write-protected, from the start";
}

/* The window as it was in the end (clamped to the run, cut if truncated),
 * also kept as the trace.* statistics. */
static void put_window(FILE *fp, struct s2sim_ctrace *tr,
		       const struct s2sim_ct_meta *m)
{
	tr->st_hi = tr->hi < m->end_ps ? tr->hi : m->end_ps;
	tr->st_lo = tr->lo < tr->st_hi ? tr->lo : tr->st_hi;
	tr->st_truncated = tr->truncated;
	tr->st_events = tr->n;
	fprintf(fp, "\"window\":\"%s\"", window_kind(tr));
	put_time(fp, "window_start_us", tr->st_lo);
	put_time(fp, "window_end_us", tr->st_hi);
	put_time(fp, "run_end_us", m->end_ps);
}

static void put_other_data(FILE *fp, struct s2sim_ctrace *tr,
			   const struct s2sim_ct_meta *m)
{
	fputs("\"otherData\":{\"generator\":\"s2sim run\",\"policy\":", fp);
	put_str(fp, m->policy);
	fputs(",\"platform\":", fp);
	put_str(fp, m->platform);
	fprintf(fp, ",\"seed\":%" PRIu64 ",", m->seed);
	put_window(fp, tr, m);
	fprintf(fp, ",\"events\":%" PRIu64 ",\"max_events\":%" PRIu64
		    ",\"truncated\":%s",
		tr->n, tr->max_events, tr->truncated ? "true" : "false");
	if (tr->truncated)
		fputs(",\"note\":\"TRUNCATED: the window holds more than "
		      "sim.trace_max_events events; this trace is complete up to "
		      "window_end_us only. Narrow sim.trace_window or raise "
		      "sim.trace_max_events.\"", fp);
	fputs("}", fp);
}

/* The cut, as an event the viewers show across every track. */
static void add_truncated_marker(struct s2sim_ctrace *tr)
{
	struct s2sim_ct_event *e = &tr->ev[tr->n > 0 ? tr->n - 1 : 0];

	if (!tr->truncated || tr->n == 0 || tr->hi == 0)
		return;
	/* it replaces the latest-sorted kept event: the count stays bounded */
	*e = (struct s2sim_ct_event){ .ts = tr->hi - 1, .tid = tr->nvcpus,
				      .name = S2SIM_CT_TRUNCATED, .ph = 'i',
				      .arg = tr->max_events, .seq = UINT32_MAX };
}

int s2sim_ct_write(struct s2sim_ctrace *tr, const struct s2sim_ct_meta *m,
		   const char *path, struct s2sim_errbuf *err)
{
	struct s2sim_atomic_file af;
	int rc;

	trim_to_window(tr);
	qsort(tr->ev, tr->n, sizeof(*tr->ev), cmp_events);
	add_truncated_marker(tr);
	rc = s2sim_atomic_open(&af, path, err);
	if (rc != S2SIM_OK)
		return rc;
	fputs("{\"displayTimeUnit\":\"ns\",", af.fp);
	put_other_data(af.fp, tr, m);
	fputs(",\n\"traceEvents\":[\n", af.fp);
	put_metadata(af.fp, tr, m);
	for (uint64_t i = 0; i < tr->n; i++)
		put_event(af.fp, &tr->ev[i]);
	fputs("\n]}\n", af.fp);
	return s2sim_atomic_commit(&af, err);
}
