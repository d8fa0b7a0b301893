// Tests of the deterministic event engine (core/sim) and clock domains.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include <s2sim/engine.h>
#include "core/sim/engine_internal.h"

namespace {

// One dispatched event as seen by a handler: (now, arg).
using Fired = std::pair<s2sim_time_ps, uint64_t>;

struct Recorder {
	std::vector<Fired> fired;
};

void record(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	static_cast<Recorder *>(ctx)->fired.emplace_back(s2sim_engine_now(eng),
							 arg);
}

class Engine : public ::testing::Test {
protected:
	void SetUp() override { ASSERT_EQ(s2sim_engine_create(&eng), S2SIM_OK); }
	void TearDown() override { s2sim_engine_destroy(eng); }

	s2sim_event_id at(s2sim_time_ps t, uint64_t arg)
	{
		s2sim_event_id id = 0;
		EXPECT_EQ(s2sim_engine_schedule_at(eng, t, record, &rec, arg, &id),
			  S2SIM_OK);
		EXPECT_NE(id, 0u);
		return id;
	}

	s2sim_engine *eng = nullptr;
	Recorder rec;
};

TEST_F(Engine, DispatchesInTimeOrder)
{
	at(30, 3);
	at(10, 1);
	at(20, 2);
	EXPECT_EQ(s2sim_engine_pending(eng), 3u);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	std::vector<Fired> want = { { 10, 1 }, { 20, 2 }, { 30, 3 } };
	EXPECT_EQ(rec.fired, want);
	EXPECT_EQ(s2sim_engine_now(eng), 30u);
	EXPECT_EQ(s2sim_engine_dispatched(eng), 3u);
	EXPECT_EQ(s2sim_engine_pending(eng), 0u);
}

TEST_F(Engine, EqualTimesFireInInsertionOrder)
{
	// Interleave two times so that heap moves cannot preserve FIFO by luck.
	for (uint64_t i = 0; i < 500; i++)
		at(i % 2 ? 7 : 5, i);
	ASSERT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	ASSERT_EQ(rec.fired.size(), 500u);
	for (size_t i = 0; i < 250; i++) {
		EXPECT_EQ(rec.fired[i], Fired(5, 2 * i));
		EXPECT_EQ(rec.fired[250 + i], Fired(7, 2 * i + 1));
	}
}

// A handler that schedules at `now` (after the events already queued at that
// time) and at a later time.
struct Chain {
	Recorder rec;
	int left = 3;
};

void chain_fn(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	auto *c = static_cast<Chain *>(ctx);
	c->rec.fired.emplace_back(s2sim_engine_now(eng), arg);
	if (arg == 0 && c->left-- > 0) {
		EXPECT_EQ(s2sim_engine_schedule_in(eng, 0, chain_fn, c, 0, nullptr),
			  S2SIM_OK);
	}
}

TEST_F(Engine, ScheduleAtNowFromHandlerFiresInSameRunAfterQueued)
{
	Chain c;
	ASSERT_EQ(s2sim_engine_schedule_at(eng, 100, chain_fn, &c, 0, nullptr),
		  S2SIM_OK);
	ASSERT_EQ(s2sim_engine_schedule_at(eng, 100, chain_fn, &c, 9, nullptr),
		  S2SIM_OK);
	ASSERT_EQ(s2sim_engine_schedule_at(eng, 101, chain_fn, &c, 8, nullptr),
		  S2SIM_OK);
	// Run only up to 100: the re-scheduled events at 100 must all fire.
	EXPECT_EQ(s2sim_engine_run(eng, 100), S2SIM_OK);
	std::vector<Fired> want = { { 100, 0 }, { 100, 9 }, { 100, 0 },
				    { 100, 0 }, { 100, 0 } };
	EXPECT_EQ(c.rec.fired, want);
	EXPECT_EQ(s2sim_engine_pending(eng), 1u);
}

TEST_F(Engine, CancelPendingEvent)
{
	at(10, 1);
	s2sim_event_id b = at(20, 2);
	at(30, 3);
	EXPECT_EQ(s2sim_engine_cancel(eng, b), S2SIM_OK);
	EXPECT_EQ(s2sim_engine_pending(eng), 2u);
	EXPECT_EQ(s2sim_engine_cancel(eng, b), S2SIM_ENOTFOUND);
	EXPECT_NE(std::string(s2sim_engine_errmsg(eng)).find("not pending"),
		  std::string::npos);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	std::vector<Fired> want = { { 10, 1 }, { 30, 3 } };
	EXPECT_EQ(rec.fired, want);
}

TEST_F(Engine, CancelAfterFireAndBogusIdsAreNotFound)
{
	s2sim_event_id a = at(10, 1);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	EXPECT_EQ(s2sim_engine_cancel(eng, a), S2SIM_ENOTFOUND);
	EXPECT_EQ(s2sim_engine_cancel(eng, 0), S2SIM_ENOTFOUND);
	EXPECT_EQ(s2sim_engine_cancel(eng, UINT64_MAX), S2SIM_ENOTFOUND);
}

TEST_F(Engine, StaleIdDoesNotCancelTheSlotsNextEvent)
{
	s2sim_event_id a = at(10, 1);
	ASSERT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	// The freed slot is reused by the next event; its id must differ.
	s2sim_event_id b = at(20, 2);
	EXPECT_NE(a, b);
	EXPECT_EQ(s2sim_engine_cancel(eng, a), S2SIM_ENOTFOUND);
	EXPECT_EQ(s2sim_engine_pending(eng), 1u);
	// Same after a cancel: the cancelled id stays dead.
	EXPECT_EQ(s2sim_engine_cancel(eng, b), S2SIM_OK);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	s2sim_event_id c = at(30, 3);
	EXPECT_EQ(s2sim_engine_cancel(eng, b), S2SIM_ENOTFOUND);
	EXPECT_NE(c, b);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	std::vector<Fired> want = { { 10, 1 }, { 30, 3 } };
	EXPECT_EQ(rec.fired, want);
}

struct Canceller {
	Recorder rec;
	s2sim_event_id victim = 0;
	s2sim_event_id self = 0;
	int victim_rc = -1;
	int self_rc = -1;
};

void cancel_fn(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	auto *c = static_cast<Canceller *>(ctx);
	c->rec.fired.emplace_back(s2sim_engine_now(eng), arg);
	if (arg == 1) {
		c->victim_rc = s2sim_engine_cancel(eng, c->victim);
		c->self_rc = s2sim_engine_cancel(eng, c->self);
	}
}

TEST_F(Engine, CancelFromHandler)
{
	Canceller c;
	ASSERT_EQ(s2sim_engine_schedule_at(eng, 5, cancel_fn, &c, 1, &c.self),
		  S2SIM_OK);
	// Same time, queued after the canceller: must not fire.
	ASSERT_EQ(s2sim_engine_schedule_at(eng, 5, cancel_fn, &c, 2, &c.victim),
		  S2SIM_OK);
	ASSERT_EQ(s2sim_engine_schedule_at(eng, 6, cancel_fn, &c, 3, nullptr),
		  S2SIM_OK);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	EXPECT_EQ(c.victim_rc, S2SIM_OK);
	EXPECT_EQ(c.self_rc, S2SIM_ENOTFOUND); // the running event already fired
	std::vector<Fired> want = { { 5, 1 }, { 6, 3 } };
	EXPECT_EQ(c.rec.fired, want);
}

TEST_F(Engine, RunUntilStopsAtBoundaryWithoutAdvancingNow)
{
	EXPECT_EQ(s2sim_engine_run(eng, 1000), S2SIM_DONE); // empty queue
	EXPECT_EQ(s2sim_engine_now(eng), 0u);
	at(10, 1);
	at(20, 2);
	at(30, 3);
	EXPECT_EQ(s2sim_engine_run(eng, 19), S2SIM_OK);
	EXPECT_EQ(s2sim_engine_now(eng), 10u);
	EXPECT_EQ(s2sim_engine_run(eng, 20), S2SIM_OK); // `until` is inclusive
	EXPECT_EQ(s2sim_engine_now(eng), 20u);
	EXPECT_EQ(s2sim_engine_run(eng, 29), S2SIM_OK); // nothing due
	EXPECT_EQ(s2sim_engine_now(eng), 20u);          // not moved to 29
	EXPECT_EQ(rec.fired.size(), 2u);
	// Scheduling between now and the old `until` is still allowed.
	at(25, 4);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	std::vector<Fired> want = { { 10, 1 }, { 20, 2 }, { 25, 4 }, { 30, 3 } };
	EXPECT_EQ(rec.fired, want);
	EXPECT_EQ(s2sim_engine_now(eng), 30u);
}

TEST_F(Engine, RunUntilIgnoresCancelledHead)
{
	s2sim_event_id a = at(10, 1);
	at(50, 2);
	ASSERT_EQ(s2sim_engine_cancel(eng, a), S2SIM_OK);
	EXPECT_EQ(s2sim_engine_run(eng, 40), S2SIM_OK);
	EXPECT_EQ(s2sim_engine_now(eng), 0u);
	EXPECT_TRUE(rec.fired.empty());
	EXPECT_EQ(s2sim_engine_pending(eng), 1u);
}

struct Stopper {
	Recorder rec;
};

void stop_fn(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	static_cast<Stopper *>(ctx)->rec.fired.emplace_back(
		s2sim_engine_now(eng), arg);
	if (arg == 2)
		s2sim_engine_stop(eng);
}

TEST_F(Engine, StopFromHandlerReturnsAfterIt)
{
	Stopper s;
	for (uint64_t i = 1; i <= 4; i++)
		ASSERT_EQ(s2sim_engine_schedule_at(eng, 10, stop_fn, &s, i,
						   nullptr),
			  S2SIM_OK);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_OK);
	EXPECT_EQ(s.rec.fired.size(), 2u);
	EXPECT_EQ(s2sim_engine_pending(eng), 2u);
	// The stop request is consumed: the next run goes on.
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	std::vector<Fired> want = { { 10, 1 }, { 10, 2 }, { 10, 3 }, { 10, 4 } };
	EXPECT_EQ(s.rec.fired, want);
}

TEST_F(Engine, StopOutsideRunMakesNextRunReturnAtOnce)
{
	at(10, 1);
	s2sim_engine_stop(eng);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_OK);
	EXPECT_TRUE(rec.fired.empty());
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	EXPECT_EQ(rec.fired.size(), 1u);
}

TEST_F(Engine, StopOnLastEventReturnsDone)
{
	Stopper s;
	ASSERT_EQ(s2sim_engine_schedule_at(eng, 3, stop_fn, &s, 2, nullptr),
		  S2SIM_OK);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
}

TEST_F(Engine, MisuseIsReportedWithMessage)
{
	at(100, 1);
	ASSERT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	EXPECT_EQ(s2sim_engine_schedule_at(eng, 99, record, &rec, 0, nullptr),
		  S2SIM_EMISUSE);
	std::string msg = s2sim_engine_errmsg(eng);
	EXPECT_NE(msg.find("past"), std::string::npos) << msg;
	EXPECT_NE(msg.find("99"), std::string::npos) << msg;
	EXPECT_NE(msg.find("100"), std::string::npos) << msg;
	EXPECT_EQ(s2sim_engine_pending(eng), 0u);

	EXPECT_EQ(s2sim_engine_schedule_at(eng, 200, nullptr, nullptr, 0,
					   nullptr),
		  S2SIM_EMISUSE);
	EXPECT_NE(std::string(s2sim_engine_errmsg(eng)).find("NULL"),
		  std::string::npos);

	EXPECT_EQ(s2sim_engine_schedule_in(eng, S2SIM_TIME_MAX, record, &rec, 0,
					   nullptr),
		  S2SIM_ELIMIT);
	EXPECT_NE(std::string(s2sim_engine_errmsg(eng)).find("overflow"),
		  std::string::npos);
	EXPECT_EQ(s2sim_engine_pending(eng), 0u);

	// The last representable time is a valid time.
	EXPECT_EQ(s2sim_engine_schedule_at(eng, S2SIM_TIME_MAX, record, &rec, 7,
					   nullptr),
		  S2SIM_OK);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	EXPECT_EQ(rec.fired.back(), Fired(S2SIM_TIME_MAX, 7));
}

int nested_rc = -1;

void nested_run_fn(s2sim_engine *eng, void *, uint64_t)
{
	nested_rc = s2sim_engine_run(eng, S2SIM_TIME_MAX);
}

TEST_F(Engine, RunFromHandlerIsMisuse)
{
	ASSERT_EQ(s2sim_engine_schedule_at(eng, 1, nested_run_fn, nullptr, 0,
					   nullptr),
		  S2SIM_OK);
	at(2, 2);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	EXPECT_EQ(nested_rc, S2SIM_EMISUSE);
	EXPECT_EQ(rec.fired.size(), 1u); // the nested run dispatched nothing
}

TEST_F(Engine, ErrmsgBeforeAnyError)
{
	EXPECT_STREQ(s2sim_engine_errmsg(eng), "not an error");
	EXPECT_STREQ(s2sim_engine_errmsg(nullptr), "out of memory");
	EXPECT_EQ(s2sim_engine_create(nullptr), S2SIM_EMISUSE);
}

TEST_F(Engine, QuantumDefaultsToOneMicrosecond)
{
	EXPECT_EQ(s2sim_engine_quantum(eng), 1000000u);
	s2sim_engine_set_quantum(eng, 250000);
	EXPECT_EQ(s2sim_engine_quantum(eng), 250000u);
}

TEST_F(Engine, ManyCancellationsCompactTheQueue)
{
	std::vector<s2sim_event_id> ids;
	for (uint64_t i = 0; i < 10000; i++)
		ids.push_back(at(1000000 - i, i)); // descending times
	for (uint64_t i = 0; i < 10000; i++) {
		if (i % 10) {
			ASSERT_EQ(s2sim_engine_cancel(eng, ids[i]), S2SIM_OK);
		}
	}
	EXPECT_EQ(s2sim_engine_pending(eng), 1000u);
	// Dead keys are dropped before they outnumber the live ones.
	EXPECT_LE(s2sim_engine_cancelled_keys(eng), 1000u);
	for (uint64_t i = 0; i < 10000; i++)
		EXPECT_EQ(s2sim_engine_cancel(eng, ids[i]),
			  i % 10 ? S2SIM_ENOTFOUND : S2SIM_OK);
	EXPECT_EQ(s2sim_engine_pending(eng), 0u);
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	EXPECT_TRUE(rec.fired.empty());
}

TEST_F(Engine, OrderSurvivesSequenceRenumbering)
{
	// Some events queued with small sequence numbers...
	for (uint64_t i = 0; i < 10; i++)
		at(50, i);
	s2sim_event_id dead = at(50, 99);
	ASSERT_EQ(s2sim_engine_cancel(eng, dead), S2SIM_OK);
	// ...then jump to just below the 40-bit limit and cross it.
	ASSERT_EQ(s2sim_engine_set_next_seq(eng, S2SIM_ENGINE_SEQ_LIMIT - 5),
		  S2SIM_OK);
	std::vector<s2sim_event_id> ids;
	for (uint64_t i = 10; i < 30; i++)
		ids.push_back(at(i % 2 ? 50 : 40, i));
	ASSERT_EQ(s2sim_engine_set_next_seq(eng, 0), S2SIM_EMISUSE);
	// Ids stay valid across renumbering.
	ASSERT_EQ(s2sim_engine_cancel(eng, ids[1]), S2SIM_OK); // arg 11
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	std::vector<Fired> want;
	for (uint64_t i = 10; i < 30; i += 2)
		want.emplace_back(40, i);
	for (uint64_t i = 0; i < 10; i++)
		want.emplace_back(50, i);
	for (uint64_t i = 13; i < 30; i += 2)
		want.emplace_back(50, i);
	EXPECT_EQ(rec.fired, want);
}

TEST_F(Engine, LargeQueueKeepsTimeThenInsertionOrder)
{
	// Beyond the size at which the heap starts prefetching (eventq.h).
	const uint64_t n = 100000;
	uint64_t s = 88172645463325252ull;
	std::vector<s2sim_event_id> ids;
	std::vector<std::pair<s2sim_time_ps, uint64_t>> want;
	for (uint64_t i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		s2sim_time_ps t = s % 5000; // ~20 events per time value
		ids.push_back(at(t, i));
		if (i % 7 != 3)
			want.emplace_back(t, i);
	}
	for (uint64_t i = 3; i < n; i += 7)
		ASSERT_EQ(s2sim_engine_cancel(eng, ids[i]), S2SIM_OK);
	std::sort(want.begin(), want.end());
	EXPECT_EQ(s2sim_engine_pending(eng), want.size());
	EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
	EXPECT_EQ(rec.fired, want);
}

// ---------------------------------------------------------------------------
// Randomised comparison against a reference model: a sorted std::vector.

uint64_t xorshift(uint64_t &s)
{
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

// What the scenario's handlers and driver do, against either engine.
class Api {
public:
	virtual ~Api() = default;
	virtual int schedule_at(s2sim_time_ps t, uint64_t arg, uint64_t *id) = 0;
	virtual int cancel(uint64_t id) = 0;
	virtual int run(s2sim_time_ps until) = 0;
	virtual void stop() = 0;
	virtual s2sim_time_ps now() const = 0;
	virtual uint64_t pending() const = 0;

	// Everything observable, in order: dispatches, return codes, counts.
	std::vector<std::tuple<char, uint64_t, uint64_t>> log;
	std::vector<uint64_t> ids; // by schedule order, same index in both

	// A handler: deterministic function of its argument.
	void on_event(uint64_t arg)
	{
		uint64_t h = arg * 0x9E3779B97F4A7C15ull;
		h ^= h >> 29;
		log.emplace_back('F', now(), arg);
		if (h % 3 == 0) {
			uint64_t id = 0;
			int rc = schedule_at(now() + (h >> 8) % 7, h >> 3, &id);
			ids.push_back(rc == S2SIM_OK ? id : 0);
			log.emplace_back('s', rc, 0);
		}
		if (h % 5 == 0 && !ids.empty())
			log.emplace_back('c', cancel(ids[(h >> 16) % ids.size()]),
					 0);
		if (h % 61 == 0)
			stop();
	}
};

class RealApi : public Api {
public:
	RealApi() { EXPECT_EQ(s2sim_engine_create(&eng_), S2SIM_OK); }
	~RealApi() override { s2sim_engine_destroy(eng_); }
	int schedule_at(s2sim_time_ps t, uint64_t arg, uint64_t *id) override
	{
		return s2sim_engine_schedule_at(eng_, t, fire, this, arg, id);
	}
	int cancel(uint64_t id) override { return s2sim_engine_cancel(eng_, id); }
	int run(s2sim_time_ps until) override
	{
		return s2sim_engine_run(eng_, until);
	}
	void stop() override { s2sim_engine_stop(eng_); }
	s2sim_time_ps now() const override { return s2sim_engine_now(eng_); }
	uint64_t pending() const override
	{
		return s2sim_engine_pending(eng_);
	}

private:
	static void fire(s2sim_engine *, void *ctx, uint64_t arg)
	{
		static_cast<RealApi *>(ctx)->on_event(arg);
	}
	s2sim_engine *eng_ = nullptr;
};

class RefApi : public Api {
	struct Ev {
		s2sim_time_ps time;
		uint64_t seq;
		uint64_t arg;
		uint64_t id;
	};

public:
	int schedule_at(s2sim_time_ps t, uint64_t arg, uint64_t *id) override
	{
		if (t < now_)
			return S2SIM_EMISUSE;
		Ev ev{ t, seq_++, arg, next_id_++ };
		auto pos = std::upper_bound(
			q_.begin(), q_.end(), ev, [](const Ev &a, const Ev &b) {
				return std::tie(a.time, a.seq) <
				       std::tie(b.time, b.seq);
			});
		q_.insert(pos, ev);
		*id = ev.id;
		return S2SIM_OK;
	}
	int cancel(uint64_t id) override
	{
		auto it = std::find_if(q_.begin(), q_.end(),
				       [id](const Ev &e) { return e.id == id; });
		if (it == q_.end())
			return S2SIM_ENOTFOUND;
		q_.erase(it);
		return S2SIM_OK;
	}
	int run(s2sim_time_ps until) override
	{
		while (!stop_ && !q_.empty() && q_.front().time <= until) {
			Ev ev = q_.front();
			q_.erase(q_.begin());
			now_ = ev.time;
			on_event(ev.arg);
		}
		stop_ = false;
		return q_.empty() ? S2SIM_DONE : S2SIM_OK;
	}
	void stop() override { stop_ = true; }
	s2sim_time_ps now() const override { return now_; }
	uint64_t pending() const override { return q_.size(); }

private:
	std::vector<Ev> q_;
	s2sim_time_ps now_ = 0;
	uint64_t seq_ = 0;
	uint64_t next_id_ = 1;
	bool stop_ = false;
};

// Drive `api` with `steps` random operations from `seed`.
void drive(Api &api, uint64_t seed, int steps)
{
	uint64_t s = seed;
	for (int i = 0; i < steps; i++) {
		uint64_t r = xorshift(s);
		switch (r % 10) {
		case 0: case 1: case 2: case 3: case 4: {
			// Small time range: many ties.  Sometimes in the past.
			s2sim_time_ps t = api.now() + (r >> 8) % 40;
			if ((r >> 20) % 16 == 0 && api.now() > 0)
				t = api.now() - 1;
			uint64_t id = 0;
			int rc = api.schedule_at(t, r >> 4, &id);
			api.ids.push_back(rc == S2SIM_OK ? id : 0);
			api.log.emplace_back('S', rc, 0);
			break;
		}
		case 5: case 6:
			if (!api.ids.empty())
				api.log.emplace_back(
					'C', api.cancel(api.ids[(r >> 8) %
								api.ids.size()]),
					0);
			break;
		case 7: case 8:
			api.log.emplace_back('R', api.run(api.now() + (r >> 8) % 30),
					     api.now());
			break;
		default:
			if ((r >> 8) % 8 == 0)
				api.log.emplace_back('R', api.run(S2SIM_TIME_MAX),
						     api.now());
			break;
		}
		api.log.emplace_back('P', api.pending(), 0);
	}
	api.log.emplace_back('E', api.run(S2SIM_TIME_MAX), api.now());
	while (api.pending()) // runs interrupted by stop()
		api.log.emplace_back('E', api.run(S2SIM_TIME_MAX), api.now());
}

TEST(EngineModel, MatchesSortedVectorReference)
{
	for (uint64_t seed = 1; seed <= 40; seed++) {
		RealApi real;
		RefApi ref;
		drive(real, seed * 0x2545F4914F6CDD1Dull, 3000);
		drive(ref, seed * 0x2545F4914F6CDD1Dull, 3000);
		ASSERT_GT(real.log.size(), 3000u);
		ASSERT_EQ(real.log.size(), ref.log.size()) << "seed " << seed;
		for (size_t i = 0; i < real.log.size(); i++)
			ASSERT_EQ(real.log[i], ref.log[i])
				<< "seed " << seed << " entry " << i;
	}
}

TEST(EngineModel, IdenticalSchedulesDispatchIdentically)
{
	RealApi a, b;
	drive(a, 12345, 20000);
	drive(b, 12345, 20000);
	size_t fired = std::count_if(a.log.begin(), a.log.end(),
				     [](const auto &e) {
					     return std::get<0>(e) == 'F';
				     });
	EXPECT_GT(fired, 5000u);
	EXPECT_EQ(a.log, b.log);
	EXPECT_EQ(a.ids, b.ids); // even the ids are reproducible
}

// ---------------------------------------------------------------------------
// Clock domains.

TEST(Clock, FromMhzRoundsToNearestPicosecond)
{
	EXPECT_EQ(s2sim_clock_from_mhz(1000.0).period_ps, 1000u);
	EXPECT_EQ(s2sim_clock_from_mhz(3000.0).period_ps, 333u); // 333.33
	EXPECT_EQ(s2sim_clock_from_mhz(1500.0).period_ps, 667u); // 666.67
	EXPECT_EQ(s2sim_clock_from_mhz(1.0).period_ps, 1000000u);
	EXPECT_EQ(s2sim_clock_from_mhz(0.0).period_ps, 0u);
	EXPECT_EQ(s2sim_clock_from_mhz(-5.0).period_ps, 0u);
	EXPECT_EQ(s2sim_clock_from_mhz(NAN).period_ps, 0u);
	EXPECT_EQ(s2sim_clock_from_mhz(INFINITY).period_ps, 0u);
	EXPECT_EQ(s2sim_clock_from_mhz(1e-30).period_ps, 0u);
}

TEST(Clock, CyclesAndEdges)
{
	s2sim_clock c = s2sim_clock_from_mhz(2500.0); // 400 ps
	ASSERT_EQ(c.period_ps, 400u);
	EXPECT_EQ(s2sim_clock_cycles(c, 0), 0u);
	EXPECT_EQ(s2sim_clock_cycles(c, 10), 4000u);
	EXPECT_EQ(s2sim_clock_cycles(c, UINT64_MAX / 100), S2SIM_TIME_MAX);
	EXPECT_EQ(s2sim_clock_to_cycles(c, 3999), 9u);
	EXPECT_EQ(s2sim_clock_to_cycles(c, 4000), 10u);
	EXPECT_EQ(s2sim_clock_next_edge(c, 0), 0u);
	EXPECT_EQ(s2sim_clock_next_edge(c, 1), 400u);
	EXPECT_EQ(s2sim_clock_next_edge(c, 400), 400u);
	EXPECT_EQ(s2sim_clock_next_edge(c, 401), 800u);
	EXPECT_EQ(s2sim_clock_next_edge(c, S2SIM_TIME_MAX), S2SIM_TIME_MAX);
	// Round trip: cycles -> ps -> cycles.
	for (uint64_t n = 0; n < 1000; n += 37)
		EXPECT_EQ(s2sim_clock_to_cycles(c, s2sim_clock_cycles(c, n)), n);
	// An invalid clock never divides by zero.
	s2sim_clock bad = s2sim_clock_from_mhz(0.0);
	EXPECT_EQ(s2sim_clock_to_cycles(bad, 1234), 0u);
	EXPECT_EQ(s2sim_clock_next_edge(bad, 1234), 1234u);
	EXPECT_EQ(s2sim_clock_cycles(bad, 1234), 0u);
}

} // namespace
