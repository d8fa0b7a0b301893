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

/* An event handler.  `now` is the engine time at dispatch. */
typedef void (*s2sim_event_fn)(s2sim_engine *eng, void *ctx, uint64_t arg);

/* Identifies a scheduled event for cancellation; 0 is never a valid id. */
typedef uint64_t s2sim_event_id;

/* A clock domain: converts cycles of one clock to picoseconds. */
typedef struct s2sim_clock {
	uint64_t period_ps; /* one cycle, > 0 */
} s2sim_clock;

/* Clock of `mhz` MHz; the period is rounded to the nearest picosecond. */
S2SIM_API s2sim_clock s2sim_clock_from_mhz(double mhz);
S2SIM_API s2sim_time_ps s2sim_clock_cycles(s2sim_clock c, uint64_t cycles);
/* Whole cycles elapsed in `t` (rounded down). */
S2SIM_API uint64_t s2sim_clock_to_cycles(s2sim_clock c, s2sim_time_ps t);
/* First clock edge at or after `t` (edges at multiples of the period). */
S2SIM_API s2sim_time_ps s2sim_clock_next_edge(s2sim_clock c, s2sim_time_ps t);

S2SIM_API int s2sim_engine_create(s2sim_engine **out);
S2SIM_API void s2sim_engine_destroy(s2sim_engine *eng);
S2SIM_API const char *s2sim_engine_errmsg(const s2sim_engine *eng);

/* Current time: the time of the event being dispatched, or of the last one. */
S2SIM_API s2sim_time_ps s2sim_engine_now(const s2sim_engine *eng);

/* Schedule fn(ctx, arg) at absolute time `when` (>= now).  `id` may be NULL. */
S2SIM_API int s2sim_engine_schedule_at(s2sim_engine *eng, s2sim_time_ps when,
				       s2sim_event_fn fn, void *ctx, uint64_t arg,
				       s2sim_event_id *id);
/* Schedule `delay` picoseconds after now. */
S2SIM_API int s2sim_engine_schedule_in(s2sim_engine *eng, s2sim_time_ps delay,
				       s2sim_event_fn fn, void *ctx, uint64_t arg,
				       s2sim_event_id *id);
/* Cancel a pending event.  S2SIM_ENOTFOUND if it already fired or was
 * cancelled. */
S2SIM_API int s2sim_engine_cancel(s2sim_engine *eng, s2sim_event_id id);

/* Dispatch events in order until none is left, the next one is later than
 * `until`, or s2sim_engine_stop() is called from a handler.  On return, now is
 * the time of the last dispatched event (never moved past it).  Returns
 * S2SIM_OK, or S2SIM_DONE when the queue is empty. */
S2SIM_API int s2sim_engine_run(s2sim_engine *eng, s2sim_time_ps until);
/* Ask run() to return after the current handler. */
S2SIM_API void s2sim_engine_stop(s2sim_engine *eng);

S2SIM_API uint64_t s2sim_engine_pending(const s2sim_engine *eng);
S2SIM_API uint64_t s2sim_engine_dispatched(const s2sim_engine *eng);

/* The temporal-decoupling quantum components may run ahead by (default
 * 1 us of simulated time). */
S2SIM_API void s2sim_engine_set_quantum(s2sim_engine *eng, s2sim_time_ps q);
S2SIM_API s2sim_time_ps s2sim_engine_quantum(const s2sim_engine *eng);

#ifdef __cplusplus
}
#endif
#endif
