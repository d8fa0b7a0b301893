/*
 * Engine internals shared with the tests (not part of the public API).
 */
#ifndef S2SIM_CORE_SIM_ENGINE_INTERNAL_H
#define S2SIM_CORE_SIM_ENGINE_INTERNAL_H

#include <s2sim/engine.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Most events that can be pending (or cancelled and not yet dropped) at
 * once: the slot index is 24 bits of a queue key and of an event id. */
#define S2SIM_ENGINE_MAX_EVENTS (UINT32_C(1) << 24)

/* Insertion sequence numbers are 40 bits; at this value the engine renumbers
 * the queued events (preserving their order) and starts again. */
#define S2SIM_ENGINE_SEQ_LIMIT (UINT64_C(1) << 40)

/* Test hook: jump the next insertion sequence number forward to `seq`
 * (>= the current one, <= S2SIM_ENGINE_SEQ_LIMIT) to exercise renumbering. */
int s2sim_engine_set_next_seq(s2sim_engine *eng, uint64_t seq);

/* Cancelled events whose queue key has not been dropped yet (lazy
 * cancellation; see engine.c). */
uint64_t s2sim_engine_cancelled_keys(const s2sim_engine *eng);

/* Time of the next live event in *t (cancelled keys on top are dropped on
 * the way); S2SIM_DONE when none is pending.  For a driver that steps the
 * engine from another scheduler (the SystemC bridge, model/). */
int s2sim_engine_next_time(s2sim_engine *eng, s2sim_time_ps *t);

#ifdef __cplusplus
}
#endif
#endif
