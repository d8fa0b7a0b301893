/*
 * s2sim — the deterministic discrete-event engine.
 *
 * Time is s2sim_time_ps (picoseconds).  Events fire in order of time, then of
 * scheduling (insertion) order, so the same sequence of schedule calls always
 * gives the same dispatch order.  Events can be cancelled by id.
 *
 * The engine is meant for the temporally decoupled style of DESIGN.md §2: a
 * component (a PE) advances its own local time while it only touches private
 * state, and schedules an engine event only when it must interact with shared
 * state or when its quantum ends.  s2sim_engine_quantum() gives that quantum.
 */
#ifndef S2SIM_ENGINE_H
#define S2SIM_ENGINE_H

#include <s2sim/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct s2sim_engine s2sim_engine;

/* An event handler.  During the call, s2sim_engine_now(eng) is the event's
 * time.  A handler may schedule (also at the current time: such an event
 * fires in the same run, after every event already queued for that time),
 * cancel, and call s2sim_engine_stop(); it must not call s2sim_engine_run()
 * or destroy the engine. */
typedef void (*s2sim_event_fn)(s2sim_engine *eng, void *ctx, uint64_t arg);

/* Identifies a scheduled event for cancellation; 0 is never a valid id.  An
 * id is never given to two events of one engine in practice (it carries a
 * per-slot generation; see docs/engine.md), so a stale id is always
 * S2SIM_ENOTFOUND, never another event. */
typedef uint64_t s2sim_event_id;

/* A clock domain: converts cycles of one clock to picoseconds. */
typedef struct s2sim_clock {
	uint64_t period_ps; /* one cycle, > 0 */
} s2sim_clock;

/* Clock of `mhz` MHz; the period is rounded to the nearest picosecond.  A
 * frequency that is not finite and positive, or whose period rounds to 0 or
 * does not fit 64 bits, gives period_ps == 0: an invalid clock, with which
 * the conversions below return 0 cycles / `t` unchanged. */
S2SIM_API s2sim_clock s2sim_clock_from_mhz(double mhz);
/* Duration of `cycles` cycles (saturates at S2SIM_TIME_MAX). */
S2SIM_API s2sim_time_ps s2sim_clock_cycles(s2sim_clock c, uint64_t cycles);
/* Whole cycles elapsed in `t` (rounded down). */
S2SIM_API uint64_t s2sim_clock_to_cycles(s2sim_clock c, s2sim_time_ps t);
/* First clock edge at or after `t` (edges at multiples of the period;
 * S2SIM_TIME_MAX if that edge is not representable). */
S2SIM_API s2sim_time_ps s2sim_clock_next_edge(s2sim_clock c, s2sim_time_ps t);

S2SIM_API int s2sim_engine_create(s2sim_engine **out);
S2SIM_API void s2sim_engine_destroy(s2sim_engine *eng);
S2SIM_API const char *s2sim_engine_errmsg(const s2sim_engine *eng);

/* Current time: the time of the event being dispatched, or of the last one. */
S2SIM_API s2sim_time_ps s2sim_engine_now(const s2sim_engine *eng);

/* Schedule fn(ctx, arg) at absolute time `when` (>= now).  `id` may be NULL.
 * S2SIM_EMISUSE if `when` < now or fn is NULL; S2SIM_ELIMIT beyond 2^24
 * events pending at once; S2SIM_ENOMEM.  On error nothing is scheduled. */
S2SIM_API int s2sim_engine_schedule_at(s2sim_engine *eng, s2sim_time_ps when,
				       s2sim_event_fn fn, void *ctx, uint64_t arg,
				       s2sim_event_id *id);
/* Schedule `delay` picoseconds after now (S2SIM_ELIMIT if that overflows). */
S2SIM_API int s2sim_engine_schedule_in(s2sim_engine *eng, s2sim_time_ps delay,
				       s2sim_event_fn fn, void *ctx, uint64_t arg,
				       s2sim_event_id *id);
/* Cancel a pending event, O(1).  S2SIM_ENOTFOUND if it already fired (also:
 * a handler cancelling its own event), was cancelled, or never existed. */
S2SIM_API int s2sim_engine_cancel(s2sim_engine *eng, s2sim_event_id id);

/* Dispatch events in order until none is left, the next one is later than
 * `until` (events at `until` do fire), or s2sim_engine_stop() is called from
 * a handler.  On return, now is the time of the last dispatched event (never
 * moved past it, nor to `until`).  Returns S2SIM_DONE when no event is
 * pending on return, S2SIM_OK otherwise; S2SIM_EMISUSE when called from a
 * handler. */
S2SIM_API int s2sim_engine_run(s2sim_engine *eng, s2sim_time_ps until);
/* Ask run() to return after the current handler.  Called outside run(), it
 * makes the next run() return before dispatching anything.  Either way the
 * request is consumed by that run(). */
S2SIM_API void s2sim_engine_stop(s2sim_engine *eng);

/* Events scheduled and neither fired nor cancelled. */
S2SIM_API uint64_t s2sim_engine_pending(const s2sim_engine *eng);
/* Events dispatched since creation. */
S2SIM_API uint64_t s2sim_engine_dispatched(const s2sim_engine *eng);

/* The temporal-decoupling quantum components may run ahead by (default
 * 1 us of simulated time).  The engine only stores it: components read it
 * (docs/engine.md). */
S2SIM_API void s2sim_engine_set_quantum(s2sim_engine *eng, s2sim_time_ps q);
S2SIM_API s2sim_time_ps s2sim_engine_quantum(const s2sim_engine *eng);

#ifdef __cplusplus
}
#endif
#endif
