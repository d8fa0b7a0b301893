/*
 * The simulated kvm->mmu_lock (internal to the hypervisor model).
 *
 * Simulated PEs running hypervisor code acquire and release it at simulated
 * times; the lock decides, in engine order, when each request is granted.
 * Two kinds, chosen at creation (docs/kvm-lock.md):
 *
 *  - S2SIM_MMU_LOCK_SPIN: Linux <= 5.17 arm64, where kvm->mmu_lock is a
 *    spinlock_t (a queued spinlock since 2018, a ticket lock before): FIFO,
 *    every acquisition exclusive, whatever mode the caller names;
 *  - S2SIM_MMU_LOCK_RW: Linux >= 5.18, an rwlock_t, i.e. a qrwlock on arm64:
 *    readers share it, a writer excludes everyone, and a request that cannot
 *    be granted at once queues FIFO (the qrwlock's wait_lock), so a reader
 *    arriving while a writer waits is granted after that writer.
 *
 * Timing: every lock operation is an access to the lock word's cache line,
 * a serial resource.  An access costs the operation's own cycles, plus a
 * line transfer when another PE wrote the line last or other PEs spin on
 * it: transfer_cycles + transfer_per_spinner_cycles * spinners.  The exact
 * formulas are in docs/kvm-lock.md.
 *
 * Time rules: a request at time t must have t >= engine now.  Requests are
 * processed in engine order: at once when t == now, else from an engine event
 * at t.  This keeps the decisions causal when PEs run ahead of the engine in
 * local time (DESIGN.md section 2).
 *
 * The lock schedules events on the engine: destroy the lock before the
 * engine.
 */
#ifndef S2SIM_CORE_KVM_MMU_LOCK_H
#define S2SIM_CORE_KVM_MMU_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <s2sim/common.h>
#include <s2sim/engine.h>
#include <s2sim/stats.h>

#ifdef __cplusplus
extern "C" {
#endif

enum s2sim_mmu_lock_kind {
	S2SIM_MMU_LOCK_SPIN, /* spinlock_t, Linux <= 5.17 */
	S2SIM_MMU_LOCK_RW,   /* rwlock_t (qrwlock), Linux >= 5.18 */
};

enum s2sim_mmu_lock_mode {
	S2SIM_MMU_LOCK_READ,  /* read_lock(); exclusive on a SPIN lock */
	S2SIM_MMU_LOCK_WRITE, /* write_lock() / spin_lock() */
};
#define S2SIM_MMU_LOCK_NMODES 2

/* Timing parameters.  Cycles are cycles of `clock` (the PE clock). */
struct s2sim_mmu_lock_params {
	s2sim_clock clock;
	/* Acquire atomic (LSE CAS / LDADD with acquire) with the line local. */
	uint32_t acquire_cycles;
	/* Release store / atomic with the line local. */
	uint32_t release_cycles;
	/* Moving the lock's cache line in from another PE's cache. */
	uint32_t transfer_cycles;
	/* Added to a transfer per other PE spinning on the line. */
	uint32_t transfer_per_spinner_cycles;
};

/* Counts kept per requested mode (also registered as statistics). */
struct s2sim_mmu_lock_mode_stats {
	uint64_t acquisitions; /* grants */
	uint64_t contended;    /* grants of requests that had to queue */
	uint64_t max_waiters;  /* longest queue a request of this mode joined,
				* itself included */
};

/* Called from an engine event at the grant time (== engine now). */
typedef void (*s2sim_mmu_lock_grant_fn)(void *ctx, unsigned pe,
					s2sim_time_ps grant_time);

typedef struct s2sim_mmu_lock s2sim_mmu_lock;

/* The named estimates of docs/kvm-lock.md (Neoverse N1-class mesh) for a PE
 * clock of `cpu_mhz` MHz. */
void s2sim_mmu_lock_default_params(struct s2sim_mmu_lock_params *p,
				   double cpu_mhz);

/*
 * Create a lock for PEs 0 .. npes-1 on `eng`.  With `stats` non-NULL, the
 * statistics are registered under `prefix` (e.g. "kvm.mmu_lock"):
 * <prefix>.{read,write}.{acquisitions,contended,max_waiters,wait_ps,hold_ps},
 * <prefix>.max_waiters, <prefix>.line_transfers, <prefix>.misuse.
 * As with every constructor, *out is set whenever memory allows, even on
 * failure (read the message, then destroy it).  A failure while registering
 * may leave some of the names in the registry, pointing at the destroyed
 * lock: treat it as fatal for that registry.
 */
int s2sim_mmu_lock_create(struct s2sim_mmu_lock **out,
			  enum s2sim_mmu_lock_kind kind,
			  const struct s2sim_mmu_lock_params *params,
			  unsigned npes, s2sim_engine *eng,
			  s2sim_stats *stats, const char *prefix);
/* Cancels the lock's pending events (the engine must still exist). */
void s2sim_mmu_lock_destroy(struct s2sim_mmu_lock *lk);
const char *s2sim_mmu_lock_errmsg(const struct s2sim_mmu_lock *lk);

/*
 * PE `pe` asks for the lock in `mode` at time t (>= engine now).
 *
 * If `granted_at` is non-NULL, t == engine now and the lock can be taken on
 * the spot (compatible holders, nobody queued), the grant time is stored in
 * *granted_at and `cb` is NOT called.  Otherwise *granted_at (if given) is set
 * to S2SIM_TIME_MAX and cb(ctx, pe, grant_time) is called from an engine
 * event at the grant time.  cb must not be NULL.
 *
 * S2SIM_EMISUSE (the model has a bug) if pe is out of range, t < now, the PE
 * already holds the lock and has not released it (recursive locking), has a
 * request outstanding, or releases it at a time later than t.  S2SIM_ESIM
 * (sticky) once the lock failed to schedule an event from an event handler
 * (out of memory); it then also stops the engine.
 */
int s2sim_mmu_lock_acquire(struct s2sim_mmu_lock *lk, unsigned pe,
			   enum s2sim_mmu_lock_mode mode, s2sim_time_ps t,
			   s2sim_mmu_lock_grant_fn cb, void *ctx,
			   s2sim_time_ps *granted_at);

/*
 * PE `pe` releases the lock at time t (>= engine now and >= its grant time).
 * The releasing PE itself is busy until t + release_cycles; `done` (if
 * non-NULL) receives that time.  Waiters are granted as the handover
 * formula says.  S2SIM_EMISUSE if the PE does not hold the lock (never
 * granted, grant callback still pending, or already released).
 */
int s2sim_mmu_lock_release(struct s2sim_mmu_lock *lk, unsigned pe,
			   s2sim_time_ps t, s2sim_time_ps *done);

/* State, for the hypervisor model, the checker and the tests. */
enum s2sim_mmu_lock_kind s2sim_mmu_lock_kind_of(const struct s2sim_mmu_lock *lk);
/* True once the PE's grant has been delivered, until its release time. */
bool s2sim_mmu_lock_holds(const struct s2sim_mmu_lock *lk, unsigned pe);
unsigned s2sim_mmu_lock_readers(const struct s2sim_mmu_lock *lk);
/* The PE holding it exclusively, or -1. */
int s2sim_mmu_lock_writer(const struct s2sim_mmu_lock *lk);
unsigned s2sim_mmu_lock_waiters(const struct s2sim_mmu_lock *lk);
const struct s2sim_mmu_lock_mode_stats *
s2sim_mmu_lock_counts(const struct s2sim_mmu_lock *lk,
		      enum s2sim_mmu_lock_mode mode);
uint64_t s2sim_mmu_lock_line_transfers(const struct s2sim_mmu_lock *lk);
uint64_t s2sim_mmu_lock_misuses(const struct s2sim_mmu_lock *lk);
/* Wait-time (grant - request) and hold-time (release - grant) histograms,
 * in ps; NULL when the lock was created without a stats registry. */
s2sim_hist *s2sim_mmu_lock_wait_hist(const struct s2sim_mmu_lock *lk,
				     enum s2sim_mmu_lock_mode mode);
s2sim_hist *s2sim_mmu_lock_hold_hist(const struct s2sim_mmu_lock *lk,
				     enum s2sim_mmu_lock_mode mode);

#ifdef __cplusplus
}
#endif
#endif
