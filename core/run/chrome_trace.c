/*
 * Collecting trace.json's events during a run (chrome_trace.h): the
 * window, the slices kept open while an activity goes on, and the cap.
 */
#include <stdlib.h>
#include <string.h>

#include "core/run/chrome_trace.h"

#define CT_MIN_CAP 1024u

static uint32_t vmm_tid(const struct s2sim_ctrace *tr)
{
	return tr->nvcpus;
}

static void set_window(struct s2sim_ctrace *tr, uint64_t lo, uint64_t len)
{
	tr->lo = lo;
	tr->hi = len > S2SIM_TRACE_OPEN_END - lo ? S2SIM_TRACE_OPEN_END : lo + len;
}

static int register_stats(struct s2sim_ctrace *tr, s2sim_stats *st)
{
	const struct { const char *name, *unit, *desc; const uint64_t *v; } c[] = {
		{ "trace.events", "events", "events written to trace.json",
		  &tr->st_events },
		{ "trace.window_start_ps", "ps", "start of trace.json's window",
		  &tr->st_lo },
		{ "trace.window_end_ps", "ps",
		  "end of trace.json's window (the cut, when truncated)", &tr->st_hi },
		{ "trace.truncated", "bool",
		  "1 if trace.json stopped early at sim.trace_max_events", &tr->st_truncated },
	};
	int rc = S2SIM_OK;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]) && rc == S2SIM_OK; i++)
		rc = s2sim_stats_counter(st, c[i].name, c[i].unit, c[i].desc, c[i].v);
	return rc;
}

int s2sim_ct_create(struct s2sim_ctrace **out, const struct s2sim_cfg *cfg,
		    uint32_t nvcpus, s2sim_stats *st, struct s2sim_errbuf *err)
{
	struct s2sim_trace_window w;
	struct s2sim_ctrace *tr;
	char why[256];

	*out = NULL;
	if (s2sim_trace_window_parse(cfg->sim.trace_window, &w, why, sizeof(why)))
		return s2sim_err(err, S2SIM_EINPUT, "sim.trace_window: %s", why);
	if (w.mode == S2SIM_TRACE_OFF)
		return S2SIM_OK;
	tr = calloc(1, sizeof(*tr));
	if (!tr)
		return s2sim_err(err, S2SIM_ENOMEM, "out of memory");
	*out = tr;
	tr->win = w;
	tr->max_events = cfg->sim.trace_max_events;
	tr->nvcpus = nvcpus;
	tr->vmm_pe = cfg->hypervisor.vmm_pe;
	tr->anchor_at_begin = cfg->workload.vmm_concurrent;
	if (w.mode == S2SIM_TRACE_ABSOLUTE) {
		tr->lo = w.start_ps;
		tr->hi = w.end_ps;
	} else {
		/* until the anchor shows up, the run's first LEN */
		set_window(tr, 0, w.len_ps);
	}
	tr->open = calloc(nvcpus + 1, sizeof(*tr->open));
	tr->fault = calloc(nvcpus, sizeof(*tr->fault));
	if (!tr->open || !tr->fault)
		return s2sim_err(err, S2SIM_ENOMEM, "out of memory");
	if (register_stats(tr, st) != S2SIM_OK)
		return s2sim_err(err, S2SIM_ENOMEM, "stats: %s", s2sim_stats_errmsg(st));
	return S2SIM_OK;
}

void s2sim_ct_destroy(struct s2sim_ctrace *tr)
{
	if (!tr)
		return;
	free(tr->ev);
	free(tr->open);
	free(tr->fault);
	free(tr);
}

static int cmp_ts(const void *pa, const void *pb)
{
	const struct s2sim_ct_event *a = pa, *b = pb;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The buffer is full: end the window earlier, where the latest eighth of
 * what is kept begins, and forget that eighth.  What is kept then covers
 * [lo, hi) completely: events arrive out of time order (by up to a
 * quantum, and a slice when it closes), and late ones before hi are still
 * taken, clipped to hi.  The write trims what crosses hi. */
static void shrink(struct s2sim_ctrace *tr)
{
	uint64_t drop = tr->n / 8 ? tr->n / 8 : 1, k = 0;

	qsort(tr->ev, tr->n, sizeof(*tr->ev), cmp_ts);
	tr->hi = tr->ev[tr->n - drop].ts;
	for (uint64_t i = 0; i < tr->n; i++)
		if (tr->ev[i].ts < tr->hi)
			tr->ev[k++] = tr->ev[i];
	tr->n = k;
	tr->truncated = true;
}

/* Make room for one more event; false if memory ran out. */
static bool reserve(struct s2sim_ctrace *tr)
{
	struct s2sim_ct_event *grown;
	uint64_t cap;

	if (tr->n < tr->cap)
		return true;
	cap = tr->cap ? tr->cap * 2 : CT_MIN_CAP;
	if (cap > tr->max_events)
		cap = tr->max_events;
	grown = realloc(tr->ev, cap * sizeof(*grown));
	if (!grown)
		return false;
	tr->ev = grown;
	tr->cap = cap;
	return true;
}

/* Keep one event that lies in the window. */
static void store(struct s2sim_ctrace *tr, const struct s2sim_ct_event *e)
{
	if (tr->n == tr->max_events)
		shrink(tr);
	if (e->ts >= tr->hi)
		return;
	if (!reserve(tr)) {
		/* out of memory: a cap where we are, the trace says so */
		tr->max_events = tr->n;
		shrink(tr);
		if (e->ts >= tr->hi || !reserve(tr))
			return;
	}
	tr->ev[tr->n] = *e;
	tr->ev[tr->n].seq = tr->next_seq++;
	tr->n++;
}

/* A complete event, clipped to the window; nothing if outside it. */
static void store_x(struct s2sim_ctrace *tr, struct s2sim_ct_event *e)
{
	uint64_t end = e->ts + e->dur;

	if (end <= tr->lo || e->ts >= tr->hi)
		return;
	if (e->ts < tr->lo)
		e->ts = tr->lo;
	if (end > tr->hi)
		end = tr->hi;
	e->dur = end - e->ts;
	e->ph = 'X';
	store(tr, e);
}

static void store_i(struct s2sim_ctrace *tr, struct s2sim_ct_event *e)
{
	if (e->ts < tr->lo || e->ts >= tr->hi)
		return;
	e->dur = 0;
	e->ph = 'i';
	store(tr, e);
}

static void flush_open(struct s2sim_ctrace *tr, uint32_t tid)
{
	struct s2sim_ct_open *o = &tr->open[tid];
	struct s2sim_ct_event e = { .ts = o->ts, .dur = o->end - o->ts,
				    .tid = tid, .name = o->name };

	if (!o->live)
		return;
	o->live = false;
	store_x(tr, &e);
}

void s2sim_ct_slice(struct s2sim_ctrace *tr, uint32_t tid, unsigned name,
		    uint64_t from, uint64_t until)
{
	struct s2sim_ct_open *o = &tr->open[tid];

	if (until <= from || from >= tr->hi)
		return; /* the open slice is flushed by s2sim_ct_finish() */
	if (o->live && o->name == name && o->end == from) {
		o->end = until;
		return;
	}
	flush_open(tr, tid);
	*o = (struct s2sim_ct_open){ .ts = from, .end = until,
				     .name = (uint8_t)name, .live = true };
}

void s2sim_ct_fault_begin(struct s2sim_ctrace *tr, uint32_t v, uint64_t t,
			  uint64_t ipa, bool write,
			  const struct s2sim_mmu_result *r)
{
	unsigned aux = (unsigned)r->fault & S2SIM_CT_FAULT_KIND;

	if (r->outcome == S2SIM_MMU_CONFLICT)
		aux |= S2SIM_CT_FAULT_CONFLICT;
	if (write)
		aux |= S2SIM_CT_FAULT_WRITE;
	aux |= (unsigned)r->level << S2SIM_CT_FAULT_LEVEL_SHIFT;
	tr->fault[v] = (struct s2sim_ct_event){ .ts = t, .arg = ipa, .tid = v,
						.aux = (uint16_t)aux,
						.name = S2SIM_CT_FAULT };
}

void s2sim_ct_fault_end(struct s2sim_ctrace *tr, uint32_t v, uint64_t t)
{
	struct s2sim_ct_event e = tr->fault[v];

	/* the parent of the hypervisor's slices: none of them is open
	 * across it, so nesting holds after clipping too */
	flush_open(tr, v);
	e.dur = t - e.ts;
	store_x(tr, &e);
}

/* The first time dirty logging write-protects memory: enabling it without
 * KVM_DIRTY_LOG_INITIALLY_SET, or the first CLEAR_DIRTY_LOG.  What comes
 * after it is what the policies differ in. */
static bool is_anchor(const s2sim_record *rec)
{
	if (rec->kind == S2SIM_REC_CLEAR_DIRTY_LOG)
		return true;
	return rec->kind == S2SIM_REC_DIRTY_LOG_ENABLE &&
	       !(rec->flags & S2SIM_DLOG_INITIALLY_SET);
}

/* auto: forget what was kept and start the window at t, when the VMM
 * call that write-protected returns and the vCPUs start faulting.  Every
 * vCPU is parked at the barrier, so nothing kept so far lies after t. */
static void anchor(struct s2sim_ctrace *tr, uint64_t t)
{
	tr->anchored = true;
	tr->anchor_pending = false;
	tr->n = 0;
	tr->truncated = false;
	for (uint32_t i = 0; i <= tr->nvcpus; i++)
		tr->open[i].live = false;
	set_window(tr, t, tr->win.len_ps);
}

/* auto, with a concurrent VMM: start the window at t, when the VMM call
 * that write-protects starts while the vCPUs run on.  What was kept from
 * before t goes, and so do the slices in progress (their start is before
 * the window); what the vCPUs already did at or after t stays. */
static void anchor_running(struct s2sim_ctrace *tr, uint64_t t)
{
	uint64_t k = 0;

	tr->anchored = true;
	tr->truncated = false;
	for (uint64_t i = 0; i < tr->n; i++)
		if (tr->ev[i].ts >= t)
			tr->ev[k++] = tr->ev[i];
	tr->n = k;
	for (uint32_t i = 0; i <= tr->nvcpus; i++)
		tr->open[i].live = false;
	set_window(tr, t, tr->win.len_ps);
}

void s2sim_ct_vmm_begin(struct s2sim_ctrace *tr, const s2sim_record *rec,
			uint64_t t)
{
	struct s2sim_ct_event e = { .ts = t, .tid = vmm_tid(tr),
				    .name = S2SIM_CT_DIRTY_LOG,
				    .aux = rec->kind, .slot = rec->slot,
				    .arg = rec->addr, .arg2 = rec->len };

	if (tr->win.mode == S2SIM_TRACE_AUTO && !tr->anchored && is_anchor(rec)) {
		if (tr->anchor_at_begin)
			anchor_running(tr, t);
		else
			tr->anchor_pending = true;
	}
	tr->vmm_active = true;
	tr->vmm_from = t;
	tr->vmm_rec = *rec;
	if (rec->kind != S2SIM_REC_MEMSLOT)
		store_i(tr, &e);
}

void s2sim_ct_vmm_end(struct s2sim_ctrace *tr, uint64_t t)
{
	struct s2sim_ct_event e = { .ts = tr->vmm_from, .dur = t - tr->vmm_from,
				    .tid = vmm_tid(tr), .name = S2SIM_CT_VMM_OP,
				    .aux = tr->vmm_rec.kind,
				    .slot = tr->vmm_rec.slot,
				    .arg = tr->vmm_rec.addr,
				    .arg2 = tr->vmm_rec.len };

	if (!tr->vmm_active)
		return; /* a phase marker: no VMM call */
	if (tr->anchor_pending)
		anchor(tr, t);
	tr->vmm_active = false;
	flush_open(tr, vmm_tid(tr));
	if (e.dur)
		store_x(tr, &e);
}

void s2sim_ct_phase(struct s2sim_ctrace *tr, uint32_t phase, uint64_t t)
{
	struct s2sim_ct_event e = { .ts = t, .tid = vmm_tid(tr),
				    .name = S2SIM_CT_PHASE, .arg = phase };

	store_i(tr, &e);
}

void s2sim_ct_finish(struct s2sim_ctrace *tr)
{
	for (uint32_t i = 0; i <= tr->nvcpus; i++)
		flush_open(tr, i);
}

/* s2sim_hyp_charge(): the hypervisor's side of a fault or a VMM call. */
static void on_span(void *ctx, uint32_t pe, bool vmm, enum s2sim_time_bucket b,
		    s2sim_time_ps from, s2sim_time_ps until)
{
	struct s2sim_ctrace *tr = ctx;
	unsigned name = b;

	if (vmm && b == S2SIM_T_BARRIER)
		name = S2SIM_CT_VMM_PAUSE;
	if (vmm || pe < tr->nvcpus)
		s2sim_ct_slice(tr, vmm ? vmm_tid(tr) : pe, name, from, until);
}

/* The TLBIs themselves, as instants inside the "TLBI issue" slices. */
static void on_kvm_event(void *ctx, const struct s2sim_kvm_event *ev)
{
	struct s2sim_ctrace *tr = ctx;
	struct s2sim_ct_event e;
	uint32_t tid = ev->pe;

	if (ev->kind != S2SIM_EV_TLBI || ev->t >= tr->hi)
		return;
	/* the vCPUs are parked while the VMM works */
	if (tr->vmm_active && ev->pe == tr->vmm_pe)
		tid = vmm_tid(tr);
	else if (tid >= tr->nvcpus)
		return;
	e = (struct s2sim_ct_event){
		.ts = ev->t, .tid = tid, .name = S2SIM_CT_TLBI_OP,
		.arg = ev->op.ipa,
		.aux = (uint16_t)(ev->op.kind | (unsigned)ev->op.share << 8),
	};
	store_i(tr, &e);
}

void s2sim_ct_attach_kvm(struct s2sim_ctrace *tr, struct s2sim_kvm *kvm)
{
	s2sim_kvm_set_span_hook(kvm, on_span, tr);
	s2sim_kvm_set_trace(kvm, on_kvm_event, tr);
}
