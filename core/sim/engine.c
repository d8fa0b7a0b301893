/*
 * The deterministic discrete-event engine.
 *
 * Events live in two structures:
 *  - a pool of payload slots (handler, context, argument, generation) with a
 *    free list, so scheduling never allocates in steady state;
 *  - a 4-ary heap of 16-byte keys (time, seq << 24 | slot), eventq.h.
 * The sequence number is taken from a counter that only grows, so equal times
 * fire in insertion order and the dispatch order is a function of the
 * schedule/cancel calls alone.
 *
 * Event ids are (generation << 24 | slot).  A slot's generation is bumped when
 * its event fires or is cancelled, so a stale id never matches the slot's
 * next occupant (ids repeat only after 2^40 reuses of one slot).
 *
 * Cancellation is lazy, O(1): the slot is marked dead and its key stays in the
 * heap until it reaches the top (then it is dropped) or until dead keys make
 * up half of the heap (then they are all dropped and the heap is rebuilt in
 * O(n), which keeps the amortised cost O(1) and the memory bounded).
 */
#include <stdbool.h>
#include <stdlib.h>

#include <s2sim/engine.h>
#include "core/sim/engine_internal.h"
#include "core/sim/eventq.h"
#include "core/util/errbuf.h"

#define SLOT_NIL UINT32_MAX
#define GEN_LIMIT (UINT64_C(1) << (64 - EVQ_SLOT_BITS))
#define DEFAULT_QUANTUM_PS UINT64_C(1000000) /* 1 us */
#define COMPACT_MIN 64 /* don't rebuild tiny heaps for a few dead keys */

_Static_assert(S2SIM_ENGINE_MAX_EVENTS == EVQ_SLOT_MASK + 1,
	       "the slot index fills the low bits of a key and of an id");
_Static_assert(S2SIM_ENGINE_SEQ_LIMIT == EVQ_SEQ_LIMIT,
	       "the sequence number fills the high bits of a key");

struct ev_slot {
	s2sim_event_fn fn; /* NULL: free, or cancelled with its key queued */
	void *ctx;
	uint64_t arg;      /* while on the free list: index of the next one */
	uint64_t gen;      /* 1 .. GEN_LIMIT-1, bumped on fire and on cancel */
};

struct s2sim_engine {
	struct evq q;
	struct ev_slot *slots;
	uint32_t nslots;    /* slots ever used: [0, nslots) */
	uint32_t slots_cap;
	uint32_t free_head; /* SLOT_NIL when empty */
	uint64_t next_seq;
	uint64_t ncancelled; /* dead keys still in q */
	s2sim_time_ps now;
	s2sim_time_ps quantum;
	uint64_t dispatched;
	bool running;
	bool stop;
	struct s2sim_errbuf err;
};

static void slot_retire(struct ev_slot *s)
{
	s->fn = NULL;
	s->gen = s->gen + 1 < GEN_LIMIT ? s->gen + 1 : 1;
}

static void slot_release(s2sim_engine *eng, uint32_t idx)
{
	eng->slots[idx].arg = eng->free_head;
	eng->free_head = idx;
}

/* Drop every dead key and rebuild the heap (O(n)).  Order is unaffected: it
 * is fixed by the keys, which are unique. */
static void compact(s2sim_engine *eng)
{
	struct evq *q = &eng->q;
	size_t j = 0;

	for (size_t i = 0; i < q->len; i++) {
		uint32_t idx = evq_key_slot(q->keys[i]);

		if (eng->slots[idx].fn)
			q->keys[j++] = q->keys[i];
		else
			slot_release(eng, idx);
	}
	q->len = j;
	eng->ncancelled = 0;
	evq_heapify(q);
}

/* The 40-bit sequence counter ran out: renumber queued keys 0..n-1 in their
 * current order.  A sorted array is a valid heap, so no rebuild is needed. */
static void renumber(s2sim_engine *eng)
{
	struct evq *q = &eng->q;

	compact(eng);
	evq_sort(q);
	for (size_t i = 0; i < q->len; i++)
		q->keys[i].sk = (uint64_t)i << EVQ_SLOT_BITS |
				evq_key_slot(q->keys[i]);
	eng->next_seq = q->len;
}

static int grow_slots(s2sim_engine *eng)
{
	uint32_t cap = eng->slots_cap ? eng->slots_cap * 2 : 64;
	struct ev_slot *s;

	if (eng->slots_cap >= S2SIM_ENGINE_MAX_EVENTS) {
		if (eng->ncancelled) {
			compact(eng);
			return S2SIM_OK;
		}
		return s2sim_err(&eng->err, S2SIM_ELIMIT,
				 "schedule: more than %lu events pending",
				 (unsigned long)S2SIM_ENGINE_MAX_EVENTS);
	}
	if (cap > S2SIM_ENGINE_MAX_EVENTS)
		cap = S2SIM_ENGINE_MAX_EVENTS;
	s = realloc(eng->slots, cap * sizeof(*s));
	if (!s)
		return s2sim_err(&eng->err, S2SIM_ENOMEM,
				 "schedule: out of memory for %u events", cap);
	eng->slots = s;
	eng->slots_cap = cap;
	return S2SIM_OK;
}

/* A free slot index, or SLOT_NIL with the error recorded. */
static uint32_t slot_alloc(s2sim_engine *eng)
{
	uint32_t idx = eng->free_head;

	if (idx != SLOT_NIL) {
		eng->free_head = (uint32_t)eng->slots[idx].arg;
		return idx;
	}
	if (eng->nslots == eng->slots_cap) {
		if (grow_slots(eng) != S2SIM_OK)
			return SLOT_NIL;
		if (eng->free_head != SLOT_NIL) /* compact() freed some */
			return slot_alloc(eng);
	}
	idx = eng->nslots++;
	eng->slots[idx].gen = 1;
	return idx;
}

int s2sim_engine_create(s2sim_engine **out)
{
	s2sim_engine *eng;

	if (!out)
		return S2SIM_EMISUSE;
	eng = calloc(1, sizeof(*eng));
	*out = eng;
	if (!eng)
		return S2SIM_ENOMEM;
	evq_init(&eng->q);
	eng->free_head = SLOT_NIL;
	eng->quantum = DEFAULT_QUANTUM_PS;
	return S2SIM_OK;
}

void s2sim_engine_destroy(s2sim_engine *eng)
{
	if (!eng)
		return;
	evq_free(&eng->q);
	free(eng->slots);
	free(eng);
}

const char *s2sim_engine_errmsg(const s2sim_engine *eng)
{
	return s2sim_err_msg(eng ? &eng->err : NULL);
}

s2sim_time_ps s2sim_engine_now(const s2sim_engine *eng)
{
	return eng->now;
}

int s2sim_engine_schedule_at(s2sim_engine *eng, s2sim_time_ps when,
			     s2sim_event_fn fn, void *ctx, uint64_t arg,
			     s2sim_event_id *id)
{
	struct ev_slot *s;
	uint32_t idx;

	if (!fn)
		return s2sim_err(&eng->err, S2SIM_EMISUSE,
				 "schedule: NULL event handler");
	if (when < eng->now)
		return s2sim_err(&eng->err, S2SIM_EMISUSE,
				 "schedule: time %llu ps is in the past (now is %llu ps)",
				 (unsigned long long)when,
				 (unsigned long long)eng->now);
	if (eng->q.len == eng->q.cap && !evq_reserve(&eng->q, eng->q.len + 1))
		return s2sim_err(&eng->err, S2SIM_ENOMEM,
				 "schedule: out of memory for the event queue");
	idx = slot_alloc(eng);
	if (idx == SLOT_NIL)
		return eng->err.rc;
	if (eng->next_seq == S2SIM_ENGINE_SEQ_LIMIT)
		renumber(eng);
	s = &eng->slots[idx];
	s->fn = fn;
	s->ctx = ctx;
	s->arg = arg;
	evq_push(&eng->q, (struct evq_key){
		.time = when,
		.sk = eng->next_seq++ << EVQ_SLOT_BITS | idx,
	});
	if (id)
		*id = s->gen << EVQ_SLOT_BITS | idx;
	return S2SIM_OK;
}

int s2sim_engine_schedule_in(s2sim_engine *eng, s2sim_time_ps delay,
			     s2sim_event_fn fn, void *ctx, uint64_t arg,
			     s2sim_event_id *id)
{
	if (delay > S2SIM_TIME_MAX - eng->now)
		return s2sim_err(&eng->err, S2SIM_ELIMIT,
				 "schedule: now (%llu ps) + delay (%llu ps) overflows",
				 (unsigned long long)eng->now,
				 (unsigned long long)delay);
	return s2sim_engine_schedule_at(eng, eng->now + delay, fn, ctx, arg,
					id);
}

int s2sim_engine_cancel(s2sim_engine *eng, s2sim_event_id id)
{
	uint64_t idx = id & EVQ_SLOT_MASK;
	struct ev_slot *s;

	if (idx >= eng->nslots || eng->slots[idx].gen != id >> EVQ_SLOT_BITS ||
	    !eng->slots[idx].fn)
		return s2sim_err(&eng->err, S2SIM_ENOTFOUND,
				 "cancel: event %llu is not pending (fired, cancelled or never scheduled)",
				 (unsigned long long)id);
	s = &eng->slots[idx];
	slot_retire(s);
	eng->ncancelled++;
	if (eng->ncancelled >= COMPACT_MIN && eng->ncancelled * 2 > eng->q.len)
		compact(eng);
	return S2SIM_OK;
}

/* Call the event whose key was just popped.  The slot is released before
 * the call so that the handler's own schedule can reuse it while it is in
 * cache. */
static void dispatch(s2sim_engine *eng, struct evq_key k, uint32_t idx)
{
	struct ev_slot *s = &eng->slots[idx];
	s2sim_event_fn fn = s->fn;
	void *ctx = s->ctx;
	uint64_t arg = s->arg;

	slot_retire(s);
	slot_release(eng, idx);
	eng->now = k.time;
	eng->dispatched++;
	fn(eng, ctx, arg);
}

/* Start loading the next event's slot while this one runs: with a large
 * queue it is a cache miss otherwise. */
static void prefetch_top_slot(const s2sim_engine *eng)
{
	if (eng->q.len)
		__builtin_prefetch(&eng->slots[evq_key_slot(eng->q.keys[0])]);
}

int s2sim_engine_run(s2sim_engine *eng, s2sim_time_ps until)
{
	if (eng->running)
		return s2sim_err(&eng->err, S2SIM_EMISUSE,
				 "run: called from an event handler");
	eng->running = true;
	while (!eng->stop && eng->q.len) {
		struct evq_key k = eng->q.keys[0];
		uint32_t idx = evq_key_slot(k);
		bool live = eng->slots[idx].fn != NULL;

		/* A dead key is dropped whatever its time; a live one waits
		 * beyond `until`. */
		if (live && k.time > until)
			break;
		evq_pop(&eng->q);
		prefetch_top_slot(eng);
		if (live) {
			dispatch(eng, k, idx);
		} else {
			eng->ncancelled--;
			slot_release(eng, idx);
		}
	}
	eng->running = false;
	eng->stop = false;
	return s2sim_engine_pending(eng) ? S2SIM_OK : S2SIM_DONE;
}

void s2sim_engine_stop(s2sim_engine *eng)
{
	eng->stop = true;
}

uint64_t s2sim_engine_pending(const s2sim_engine *eng)
{
	return eng->q.len - eng->ncancelled;
}

uint64_t s2sim_engine_dispatched(const s2sim_engine *eng)
{
	return eng->dispatched;
}

void s2sim_engine_set_quantum(s2sim_engine *eng, s2sim_time_ps q)
{
	eng->quantum = q;
}

s2sim_time_ps s2sim_engine_quantum(const s2sim_engine *eng)
{
	return eng->quantum;
}

int s2sim_engine_set_next_seq(s2sim_engine *eng, uint64_t seq)
{
	if (seq < eng->next_seq || seq > S2SIM_ENGINE_SEQ_LIMIT)
		return s2sim_err(&eng->err, S2SIM_EMISUSE,
				 "set_next_seq: %llu is out of range",
				 (unsigned long long)seq);
	eng->next_seq = seq;
	return S2SIM_OK;
}

uint64_t s2sim_engine_cancelled_keys(const s2sim_engine *eng)
{
	return eng->ncancelled;
}

int s2sim_engine_next_time(s2sim_engine *eng, s2sim_time_ps *t)
{
	while (eng->q.len) {
		struct evq_key k = eng->q.keys[0];
		uint32_t idx = evq_key_slot(k);

		if (eng->slots[idx].fn != NULL) {
			*t = k.time;
			return S2SIM_OK;
		}
		evq_pop(&eng->q);
		eng->ncancelled--;
		slot_release(eng, idx);
	}
	return S2SIM_DONE;
}
