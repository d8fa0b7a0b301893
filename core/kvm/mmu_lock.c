/*
 * The simulated kvm->mmu_lock: a FIFO spinlock (Linux <= 5.17) or a qrwlock
 * (Linux >= 5.18), with the lock word's cache line as a serial resource.
 *
 * Semantics mirrored (docs/kvm-lock.md has the details and the sources):
 *  - queued_spin_lock(): a request that finds the lock taken waits in FIFO
 *    order (pending bit, then the MCS queue);
 *  - queued_read_lock(): a reader gets in at once unless a writer holds or
 *    waits (_QW_WMASK); otherwise queued_read_lock_slowpath() queues it on
 *    wait_lock, behind any waiting writer;
 *  - queued_write_lock(): a writer gets in at once only when cnts == 0;
 *    otherwise queued_write_lock_slowpath() queues it, and at the head of
 *    the queue it waits for the readers to drain (_QW_WAITING).
 * When the queue head leaves wait_lock, the next waiter may enter too: a run
 * of readers at the head is granted together, one line handover apart.
 *
 * Every state change happens at engine time == request time, so decisions
 * are causal and deterministic even when PEs run ahead in local time.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kvm/mmu_lock.h"
#include "core/util/errbuf.h"

#define NO_PE (-1)
#define QNIL UINT32_MAX
#define PREFIX_MAX 200

enum hold_state { HOLD_NONE, HOLD_GRANTING, HOLD_HELD };
enum req_state { REQ_NONE, REQ_ARRIVING, REQ_QUEUED };

struct pe_slot {
	uint8_t hold;       /* enum hold_state */
	uint8_t hold_mode;  /* enum s2sim_mmu_lock_mode */
	uint8_t req;        /* enum req_state */
	uint8_t req_mode;
	bool release_pending;
	uint32_t next;      /* wait queue link, QNIL at the tail */
	s2sim_time_ps req_t;
	s2sim_time_ps grant_t;
	s2sim_time_ps release_t;
	s2sim_mmu_lock_grant_fn cb;
	void *ctx;
	s2sim_event_id arrival_ev, grant_ev, release_ev;
};

struct mode_stats {
	struct s2sim_mmu_lock_mode_stats c;
	s2sim_hist *wait;
	s2sim_hist *hold;
};

struct s2sim_mmu_lock {
	enum s2sim_mmu_lock_kind kind;
	struct s2sim_mmu_lock_params p;
	s2sim_engine *eng;
	unsigned npes;
	struct pe_slot *pes;

	int writer;          /* exclusive holder (also any SPIN holder) */
	unsigned readers;    /* shared holders (RW only) */
	uint32_t qhead, qtail;
	unsigned qlen;

	int line_pe;         /* last PE to access the lock line, or NO_PE */
	s2sim_time_ps line_free; /* the line is busy until then */

	struct mode_stats mode[S2SIM_MMU_LOCK_NMODES];
	uint64_t max_waiters;
	uint64_t line_transfers;
	uint64_t misuse;
	int sticky_rc;
	struct s2sim_errbuf err;
};

static const char *const mode_name[S2SIM_MMU_LOCK_NMODES] = { "read",
							      "write" };

static s2sim_time_ps add_sat(s2sim_time_ps a, s2sim_time_ps b)
{
	return a > S2SIM_TIME_MAX - b ? S2SIM_TIME_MAX : a + b;
}

static s2sim_time_ps cycles(const struct s2sim_mmu_lock *lk, uint64_t n)
{
	return s2sim_clock_cycles(lk->p.clock, n);
}

void s2sim_mmu_lock_default_params(struct s2sim_mmu_lock_params *p,
				   double cpu_mhz)
{
	/* Named estimates; docs/kvm-lock.md gives the reasoning. */
	p->clock = s2sim_clock_from_mhz(cpu_mhz);
	p->acquire_cycles = 30;
	p->release_cycles = 20;
	p->transfer_cycles = 150;            /* ~50 ns at 3 GHz */
	p->transfer_per_spinner_cycles = 1;
}

/* ---- state helpers ----------------------------------------------------- */

static bool is_exclusive(const struct s2sim_mmu_lock *lk,
			 enum s2sim_mmu_lock_mode mode)
{
	return lk->kind == S2SIM_MMU_LOCK_SPIN || mode == S2SIM_MMU_LOCK_WRITE;
}

/* Whether a request of `mode` is compatible with the current holders. */
static bool can_enter(const struct s2sim_mmu_lock *lk,
		      enum s2sim_mmu_lock_mode mode)
{
	if (lk->writer != NO_PE)
		return false;
	return is_exclusive(lk, mode) ? lk->readers == 0 : true;
}

static void take(struct s2sim_mmu_lock *lk, unsigned pe,
		 enum s2sim_mmu_lock_mode mode)
{
	if (is_exclusive(lk, mode))
		lk->writer = (int)pe;
	else
		lk->readers++;
}

static void drop(struct s2sim_mmu_lock *lk, unsigned pe)
{
	if (lk->writer == (int)pe)
		lk->writer = NO_PE;
	else
		lk->readers--;
}

static void enqueue(struct s2sim_mmu_lock *lk, unsigned pe)
{
	struct pe_slot *s = &lk->pes[pe];
	struct mode_stats *ms = &lk->mode[s->req_mode];

	s->req = REQ_QUEUED;
	s->next = QNIL;
	if (lk->qtail == QNIL)
		lk->qhead = pe;
	else
		lk->pes[lk->qtail].next = pe;
	lk->qtail = pe;
	lk->qlen++;
	if (lk->qlen > ms->c.max_waiters)
		ms->c.max_waiters = lk->qlen;
	if (lk->qlen > lk->max_waiters)
		lk->max_waiters = lk->qlen;
}

static unsigned dequeue(struct s2sim_mmu_lock *lk)
{
	unsigned pe = lk->qhead;

	lk->qhead = lk->pes[pe].next;
	if (lk->qhead == QNIL)
		lk->qtail = QNIL;
	lk->qlen--;
	return pe;
}

/*
 * One access by `pe` to the lock word's cache line, from time t: the line
 * serialises accesses; the access costs `op_cycles`, plus a transfer when
 * another PE touched the line last or `spinners` other PEs hold copies of
 * it (they spin on it; the writer must invalidate them and their re-reads
 * queue at the home node with ours).  Returns the access's end.
 */
static s2sim_time_ps line_access(struct s2sim_mmu_lock *lk, unsigned pe,
				 s2sim_time_ps t, uint32_t op_cycles,
				 unsigned spinners)
{
	s2sim_time_ps start = t > lk->line_free ? t : lk->line_free;
	uint64_t n = op_cycles;

	if (lk->line_pe != (int)pe || spinners > 0) {
		n += lk->p.transfer_cycles +
		     (uint64_t)lk->p.transfer_per_spinner_cycles * spinners;
		lk->line_transfers++;
	}
	lk->line_free = add_sat(start, cycles(lk, n));
	lk->line_pe = (int)pe;
	return lk->line_free;
}

static void account_grant(struct s2sim_mmu_lock *lk,
			  enum s2sim_mmu_lock_mode mode, bool contended,
			  s2sim_time_ps wait)
{
	struct mode_stats *ms = &lk->mode[mode];

	ms->c.acquisitions++;
	if (contended)
		ms->c.contended++;
	if (ms->wait)
		s2sim_hist_add(ms->wait, wait);
}

/* A grant that could not be scheduled leaves a PE granted with no event to
 * tell it: the lock is unusable from then on (sticky S2SIM_ESIM), and the
 * engine is stopped so that the run reports it. */
static int fail(struct s2sim_mmu_lock *lk, int rc)
{
	if (lk->sticky_rc == S2SIM_OK) {
		lk->sticky_rc = S2SIM_ESIM;
		s2sim_err(&lk->err, S2SIM_ESIM,
			  "mmu_lock: could not schedule a grant: %s",
			  s2sim_errstr(rc));
	}
	s2sim_engine_stop(lk->eng);
	return lk->sticky_rc;
}

static int misuse(struct s2sim_mmu_lock *lk, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int misuse(struct s2sim_mmu_lock *lk, const char *fmt, ...)
{
	va_list ap;

	lk->misuse++;
	va_start(ap, fmt);
	s2sim_verr(&lk->err, S2SIM_EMISUSE, fmt, ap);
	va_end(ap);
	return S2SIM_EMISUSE;
}

/* ---- grant, arrival, release ----------------------------------------- */

static void on_grant(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_mmu_lock *lk = ctx;
	struct pe_slot *s = &lk->pes[arg];

	s->grant_ev = 0;
	s->hold = HOLD_HELD;
	s->cb(s->ctx, (unsigned)arg, s2sim_engine_now(eng));
}

/* PE `pe` enters the lock at grant time g: the holder state changes now (the
 * lock is reserved for it), the callback fires at g. */
static int grant(struct s2sim_mmu_lock *lk, unsigned pe, s2sim_time_ps g,
		 bool contended, bool deferred)
{
	struct pe_slot *s = &lk->pes[pe];
	enum s2sim_mmu_lock_mode mode = s->req_mode;

	take(lk, pe, mode);
	account_grant(lk, mode, contended, g - s->req_t);
	s->req = REQ_NONE;
	s->hold_mode = mode;
	s->grant_t = g;
	if (!deferred) {
		s->hold = HOLD_HELD;
		return S2SIM_OK;
	}
	s->hold = HOLD_GRANTING;
	return s2sim_engine_schedule_at(lk->eng, g, on_grant, lk, pe,
					&s->grant_ev);
}

/* After a release: grant the queue head, and the readers behind a granted
 * reader, while they are compatible (queued_*_lock_slowpath hand wait_lock
 * on; a writer at the head stops new entries until it is in). */
static int hand_over(struct s2sim_mmu_lock *lk, s2sim_time_ps avail)
{
	while (lk->qlen > 0) {
		unsigned pe = lk->qhead;
		s2sim_time_ps g;
		int rc;

		if (!can_enter(lk, lk->pes[pe].req_mode))
			break;
		dequeue(lk);
		g = line_access(lk, pe, avail, lk->p.acquire_cycles, lk->qlen);
		rc = grant(lk, pe, g, true, true);
		if (rc != S2SIM_OK)
			return rc;
	}
	return S2SIM_OK;
}

/* The request of `pe` reaches the lock at t (== engine now). */
static int arrive(struct s2sim_mmu_lock *lk, unsigned pe, s2sim_time_ps t,
		  s2sim_time_ps *granted_at)
{
	struct pe_slot *s = &lk->pes[pe];
	s2sim_time_ps g;
	int rc;

	if (lk->qlen == 0 && can_enter(lk, s->req_mode)) {
		g = line_access(lk, pe, t, lk->p.acquire_cycles, 0);
		rc = grant(lk, pe, g, false, granted_at == NULL);
		if (rc == S2SIM_OK && granted_at)
			*granted_at = g;
		return rc;
	}
	/* The failed fast-path atomic (or xchg_tail) still takes the line. */
	line_access(lk, pe, t, lk->p.acquire_cycles, lk->qlen);
	enqueue(lk, pe);
	return S2SIM_OK;
}

static void on_arrival(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_mmu_lock *lk = ctx;
	int rc;

	lk->pes[arg].arrival_ev = 0;
	rc = arrive(lk, (unsigned)arg, s2sim_engine_now(eng), NULL);
	if (rc != S2SIM_OK)
		fail(lk, rc);
}

static int do_release(struct s2sim_mmu_lock *lk, unsigned pe,
		      s2sim_time_ps t)
{
	struct pe_slot *s = &lk->pes[pe];
	struct mode_stats *ms = &lk->mode[s->hold_mode];
	s2sim_time_ps avail;

	avail = line_access(lk, pe, t, lk->p.release_cycles, lk->qlen);
	if (ms->hold)
		s2sim_hist_add(ms->hold, t - s->grant_t);
	drop(lk, pe);
	s->hold = HOLD_NONE;
	s->release_pending = false;
	return hand_over(lk, avail);
}

static void on_release(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	struct s2sim_mmu_lock *lk = ctx;
	int rc;

	lk->pes[arg].release_ev = 0;
	rc = do_release(lk, (unsigned)arg, s2sim_engine_now(eng));
	if (rc != S2SIM_OK)
		fail(lk, rc);
}

/* ---- public API -------------------------------------------------------- */

static int check_call(struct s2sim_mmu_lock *lk, unsigned pe,
		      s2sim_time_ps t, const char *what)
{
	s2sim_time_ps now = s2sim_engine_now(lk->eng);

	if (lk->sticky_rc != S2SIM_OK)
		return lk->sticky_rc;
	if (pe >= lk->npes)
		return misuse(lk, "mmu_lock: %s by PE %u, but the lock serves "
			      "PEs 0..%u", what, pe, lk->npes - 1);
	if (t < now)
		return misuse(lk, "mmu_lock: PE %u: %s at %llu ps, before the "
			      "engine's now (%llu ps)", pe, what,
			      (unsigned long long)t, (unsigned long long)now);
	return S2SIM_OK;
}

static int check_acquire(struct s2sim_mmu_lock *lk, unsigned pe,
			 s2sim_time_ps t)
{
	const struct pe_slot *s = &lk->pes[pe];

	if (s->req != REQ_NONE)
		return misuse(lk, "mmu_lock: PE %u acquires the lock while its "
			      "request of %llu ps is still outstanding", pe,
			      (unsigned long long)s->req_t);
	if (s->hold != HOLD_NONE && !s->release_pending)
		return misuse(lk, "mmu_lock: PE %u acquires the lock it already "
			      "holds (%s, granted at %llu ps): recursive "
			      "locking", pe, mode_name[s->hold_mode],
			      (unsigned long long)s->grant_t);
	if (s->release_pending && t < s->release_t)
		return misuse(lk, "mmu_lock: PE %u acquires the lock at %llu ps, "
			      "before its own release at %llu ps", pe,
			      (unsigned long long)t,
			      (unsigned long long)s->release_t);
	return S2SIM_OK;
}

int s2sim_mmu_lock_acquire(struct s2sim_mmu_lock *lk, unsigned pe,
			   enum s2sim_mmu_lock_mode mode, s2sim_time_ps t,
			   s2sim_mmu_lock_grant_fn cb, void *ctx,
			   s2sim_time_ps *granted_at)
{
	struct pe_slot *s;
	int rc;

	if (granted_at)
		*granted_at = S2SIM_TIME_MAX;
	rc = check_call(lk, pe, t, "acquire");
	if (rc != S2SIM_OK)
		return rc;
	if ((unsigned)mode >= S2SIM_MMU_LOCK_NMODES || !cb)
		return misuse(lk, "mmu_lock: PE %u: acquire with %s", pe,
			      cb ? "an invalid mode" : "no grant callback");
	rc = check_acquire(lk, pe, t);
	if (rc != S2SIM_OK)
		return rc;

	s = &lk->pes[pe];
	s->req = REQ_ARRIVING;
	s->req_mode = (uint8_t)mode;
	s->req_t = t;
	s->cb = cb;
	s->ctx = ctx;
	if (t == s2sim_engine_now(lk->eng)) {
		rc = arrive(lk, pe, t, granted_at);
		return rc == S2SIM_OK ? rc : fail(lk, rc);
	}
	rc = s2sim_engine_schedule_at(lk->eng, t, on_arrival, lk, pe,
				      &s->arrival_ev);
	if (rc != S2SIM_OK) {
		s->req = REQ_NONE;
		return s2sim_err(&lk->err, rc, "mmu_lock: could not schedule "
				 "the request of PE %u", pe);
	}
	return S2SIM_OK;
}

static int check_release(struct s2sim_mmu_lock *lk, unsigned pe,
			 s2sim_time_ps t)
{
	const struct pe_slot *s = &lk->pes[pe];

	if (s->hold == HOLD_NONE)
		return misuse(lk, "mmu_lock: PE %u releases the lock, which it "
			      "does not hold", pe);
	if (s->hold == HOLD_GRANTING)
		return misuse(lk, "mmu_lock: PE %u releases the lock before "
			      "its grant at %llu ps was delivered", pe,
			      (unsigned long long)s->grant_t);
	if (s->release_pending)
		return misuse(lk, "mmu_lock: PE %u releases the lock twice "
			      "(first release at %llu ps)", pe,
			      (unsigned long long)s->release_t);
	if (t < s->grant_t)
		return misuse(lk, "mmu_lock: PE %u releases the lock at %llu "
			      "ps, before its grant at %llu ps", pe,
			      (unsigned long long)t,
			      (unsigned long long)s->grant_t);
	return S2SIM_OK;
}

int s2sim_mmu_lock_release(struct s2sim_mmu_lock *lk, unsigned pe,
			   s2sim_time_ps t, s2sim_time_ps *done)
{
	struct pe_slot *s;
	int rc;

	rc = check_call(lk, pe, t, "release");
	if (rc != S2SIM_OK)
		return rc;
	rc = check_release(lk, pe, t);
	if (rc != S2SIM_OK)
		return rc;

	/* The release store is posted: the PE only pays its own cycles. */
	if (done)
		*done = add_sat(t, cycles(lk, lk->p.release_cycles));
	if (t == s2sim_engine_now(lk->eng)) {
		rc = do_release(lk, pe, t);
		return rc == S2SIM_OK ? rc : fail(lk, rc);
	}
	s = &lk->pes[pe];
	rc = s2sim_engine_schedule_at(lk->eng, t, on_release, lk, pe,
				      &s->release_ev);
	if (rc != S2SIM_OK)
		return s2sim_err(&lk->err, rc, "mmu_lock: could not schedule "
				 "the release of PE %u", pe);
	s->release_pending = true;
	s->release_t = t;
	return S2SIM_OK;
}

/* ---- creation, statistics, queries ----------------------------------- */

static int reg_counter(struct s2sim_mmu_lock *lk, s2sim_stats *st,
		       const char *prefix, const char *name, const char *unit,
		       const char *desc, const uint64_t *v)
{
	char full[PREFIX_MAX + 64];
	int rc;

	snprintf(full, sizeof(full), "%s.%s", prefix, name);
	rc = s2sim_stats_counter(st, full, unit, desc, v);
	if (rc != S2SIM_OK)
		return s2sim_err(&lk->err, rc, "mmu_lock: cannot register "
				 "statistic %s: %s", full,
				 s2sim_stats_errmsg(st));
	return S2SIM_OK;
}

static s2sim_hist *reg_hist(struct s2sim_mmu_lock *lk, s2sim_stats *st,
			    const char *prefix, const char *name,
			    const char *desc)
{
	char full[PREFIX_MAX + 64];
	s2sim_hist *h;

	snprintf(full, sizeof(full), "%s.%s", prefix, name);
	h = s2sim_stats_hist(st, full, "ps", desc);
	if (!h)
		s2sim_err(&lk->err, S2SIM_EMISUSE, "mmu_lock: cannot register "
			  "histogram %s (duplicate name or out of memory)",
			  full);
	return h;
}

static int register_mode(struct s2sim_mmu_lock *lk, s2sim_stats *st,
			 const char *prefix, enum s2sim_mmu_lock_mode m)
{
	struct mode_stats *ms = &lk->mode[m];
	char pre[PREFIX_MAX + 16];
	int rc;

	snprintf(pre, sizeof(pre), "%s.%s", prefix, mode_name[m]);
	rc = reg_counter(lk, st, pre, "acquisitions", "acquisitions",
			 "mmu_lock grants in this mode", &ms->c.acquisitions);
	if (rc == S2SIM_OK)
		rc = reg_counter(lk, st, pre, "contended", "acquisitions",
				 "grants of requests that had to queue",
				 &ms->c.contended);
	if (rc == S2SIM_OK)
		rc = reg_counter(lk, st, pre, "max_waiters", "PEs",
				 "longest wait queue a request of this mode "
				 "joined, itself included", &ms->c.max_waiters);
	if (rc != S2SIM_OK)
		return rc;
	ms->wait = reg_hist(lk, st, pre, "wait_ps", "request to grant, "
			    "every acquisition (uncontended ones included)");
	if (!ms->wait)
		return S2SIM_EMISUSE;
	ms->hold = reg_hist(lk, st, pre, "hold_ps", "grant to release");
	return ms->hold ? S2SIM_OK : S2SIM_EMISUSE;
}

static int register_stats(struct s2sim_mmu_lock *lk, s2sim_stats *st,
			  const char *prefix)
{
	int rc;

	if (!prefix || !prefix[0] || strlen(prefix) > PREFIX_MAX)
		return s2sim_err(&lk->err, S2SIM_EMISUSE, "mmu_lock: the stats "
				 "prefix must be 1..%d characters",
				 PREFIX_MAX);
	rc = register_mode(lk, st, prefix, S2SIM_MMU_LOCK_READ);
	if (rc == S2SIM_OK)
		rc = register_mode(lk, st, prefix, S2SIM_MMU_LOCK_WRITE);
	if (rc == S2SIM_OK)
		rc = reg_counter(lk, st, prefix, "max_waiters", "PEs",
				 "longest mmu_lock wait queue",
				 &lk->max_waiters);
	if (rc == S2SIM_OK)
		rc = reg_counter(lk, st, prefix, "line_transfers", "transfers",
				 "lock cache line transfers between PEs",
				 &lk->line_transfers);
	if (rc == S2SIM_OK)
		rc = reg_counter(lk, st, prefix, "misuse", "errors",
				 "lock API misuses (model bugs)", &lk->misuse);
	return rc;
}

static int check_params(struct s2sim_mmu_lock *lk,
			enum s2sim_mmu_lock_kind kind,
			const struct s2sim_mmu_lock_params *p, unsigned npes,
			s2sim_engine *eng)
{
	if (!p || !eng)
		return s2sim_err(&lk->err, S2SIM_EMISUSE, "mmu_lock: %s is NULL",
				 p ? "the engine" : "params");
	if (kind != S2SIM_MMU_LOCK_SPIN && kind != S2SIM_MMU_LOCK_RW)
		return s2sim_err(&lk->err, S2SIM_EMISUSE,
				 "mmu_lock: unknown lock kind %d", (int)kind);
	if (npes == 0 || npes >= QNIL)
		return s2sim_err(&lk->err, S2SIM_EMISUSE,
				 "mmu_lock: %u PEs", npes);
	if (p->clock.period_ps == 0)
		return s2sim_err(&lk->err, S2SIM_EINPUT,
				 "mmu_lock: invalid PE clock (period 0 ps)");
	return S2SIM_OK;
}

int s2sim_mmu_lock_create(struct s2sim_mmu_lock **out,
			  enum s2sim_mmu_lock_kind kind,
			  const struct s2sim_mmu_lock_params *params,
			  unsigned npes, s2sim_engine *eng,
			  s2sim_stats *stats, const char *prefix)
{
	struct s2sim_mmu_lock *lk;
	int rc;

	*out = NULL;
	lk = calloc(1, sizeof(*lk));
	if (!lk)
		return S2SIM_ENOMEM;
	*out = lk;
	lk->writer = NO_PE;
	lk->line_pe = NO_PE;
	lk->qhead = lk->qtail = QNIL;
	rc = check_params(lk, kind, params, npes, eng);
	if (rc != S2SIM_OK)
		return rc;
	lk->kind = kind;
	lk->p = *params;
	lk->eng = eng;
	lk->pes = calloc(npes, sizeof(*lk->pes));
	if (!lk->pes)
		return s2sim_err(&lk->err, S2SIM_ENOMEM, "mmu_lock: out of "
				 "memory for %u PEs", npes);
	lk->npes = npes;
	return stats ? register_stats(lk, stats, prefix) : S2SIM_OK;
}

static void cancel(struct s2sim_mmu_lock *lk, s2sim_event_id id)
{
	if (id)
		s2sim_engine_cancel(lk->eng, id);
}

void s2sim_mmu_lock_destroy(struct s2sim_mmu_lock *lk)
{
	if (!lk)
		return;
	for (unsigned i = 0; i < lk->npes; i++) {
		cancel(lk, lk->pes[i].arrival_ev);
		cancel(lk, lk->pes[i].grant_ev);
		cancel(lk, lk->pes[i].release_ev);
	}
	free(lk->pes);
	free(lk);
}

const char *s2sim_mmu_lock_errmsg(const struct s2sim_mmu_lock *lk)
{
	return lk ? s2sim_err_msg(&lk->err) : "out of memory";
}

enum s2sim_mmu_lock_kind s2sim_mmu_lock_kind_of(const struct s2sim_mmu_lock *lk)
{
	return lk->kind;
}

bool s2sim_mmu_lock_holds(const struct s2sim_mmu_lock *lk, unsigned pe)
{
	return pe < lk->npes && lk->pes[pe].hold == HOLD_HELD;
}

unsigned s2sim_mmu_lock_readers(const struct s2sim_mmu_lock *lk)
{
	return lk->readers;
}

int s2sim_mmu_lock_writer(const struct s2sim_mmu_lock *lk)
{
	return lk->writer;
}

unsigned s2sim_mmu_lock_waiters(const struct s2sim_mmu_lock *lk)
{
	return lk->qlen;
}

const struct s2sim_mmu_lock_mode_stats *
s2sim_mmu_lock_counts(const struct s2sim_mmu_lock *lk,
		      enum s2sim_mmu_lock_mode mode)
{
	return &lk->mode[mode].c;
}

uint64_t s2sim_mmu_lock_line_transfers(const struct s2sim_mmu_lock *lk)
{
	return lk->line_transfers;
}

uint64_t s2sim_mmu_lock_misuses(const struct s2sim_mmu_lock *lk)
{
	return lk->misuse;
}

s2sim_hist *s2sim_mmu_lock_wait_hist(const struct s2sim_mmu_lock *lk,
				     enum s2sim_mmu_lock_mode mode)
{
	return lk->mode[mode].wait;
}

s2sim_hist *s2sim_mmu_lock_hold_hist(const struct s2sim_mmu_lock *lk,
				     enum s2sim_mmu_lock_mode mode)
{
	return lk->mode[mode].hold;
}
