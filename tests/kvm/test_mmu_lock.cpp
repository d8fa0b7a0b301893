// Tests of the simulated kvm->mmu_lock (core/kvm/mmu_lock.c).
//
// Timing expectations are written out by hand from the formulas of
// docs/kvm-lock.md, with a 1 GHz clock (1 cycle = 1000 ps) and
// A = acquire 30, R = release 20, X = transfer 150, S = per spinner 10 cycles.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <s2sim/engine.h>
#include <s2sim/stats.h>
#include "core/kvm/mmu_lock.h"

namespace {

constexpr s2sim_time_ps C = 1000; // ps per cycle
constexpr uint64_t A = 30, R = 20, X = 150, S = 10;
constexpr auto RD = S2SIM_MMU_LOCK_READ;
constexpr auto WR = S2SIM_MMU_LOCK_WRITE;

struct Grant {
	unsigned pe;
	s2sim_time_ps t;
	bool operator==(const Grant &o) const { return pe == o.pe && t == o.t; }
};

class MmuLock : public ::testing::Test {
protected:
	void SetUp() override
	{
		ASSERT_EQ(s2sim_engine_create(&eng), S2SIM_OK);
		ASSERT_EQ(s2sim_stats_create(&st), S2SIM_OK);
	}
	void TearDown() override
	{
		s2sim_mmu_lock_destroy(lk);
		s2sim_engine_destroy(eng);
		s2sim_stats_destroy(st);
	}

	static s2sim_mmu_lock_params params()
	{
		s2sim_mmu_lock_params p;
		p.clock = s2sim_clock_from_mhz(1000.0);
		p.acquire_cycles = A;
		p.release_cycles = R;
		p.transfer_cycles = X;
		p.transfer_per_spinner_cycles = S;
		return p;
	}

	void make(s2sim_mmu_lock_kind kind, unsigned npes = 16)
	{
		s2sim_mmu_lock_params p = params();
		ASSERT_EQ(s2sim_mmu_lock_create(&lk, kind, &p, npes, eng, st,
						"kvm.mmu_lock"),
			  S2SIM_OK)
			<< s2sim_mmu_lock_errmsg(lk);
	}

	// Run f at simulated time t, from an engine event.
	void at(s2sim_time_ps t, std::function<void()> f)
	{
		fns.push_back(std::make_unique<std::function<void()>>(std::move(f)));
		ASSERT_EQ(s2sim_engine_schedule_at(eng, t, call, fns.back().get(),
						   0, nullptr),
			  S2SIM_OK);
	}
	static void call(s2sim_engine *, void *ctx, uint64_t)
	{
		(*static_cast<std::function<void()> *>(ctx))();
	}

	// Grant callback: record it; release after hold[pe] if set.
	static void on_grant(void *ctx, unsigned pe, s2sim_time_ps t)
	{
		auto *self = static_cast<MmuLock *>(ctx);
		self->grants.push_back({ pe, t });
		auto it = self->auto_hold.find(pe);
		if (it != self->auto_hold.end()) {
			EXPECT_EQ(s2sim_mmu_lock_release(self->lk, pe,
							 t + it->second, nullptr),
				  S2SIM_OK);
		}
	}

	int acquire(unsigned pe, s2sim_mmu_lock_mode m, s2sim_time_ps t,
		    s2sim_time_ps *g = nullptr)
	{
		return s2sim_mmu_lock_acquire(lk, pe, m, t, on_grant, this, g);
	}
	int release(unsigned pe, s2sim_time_ps t)
	{
		return s2sim_mmu_lock_release(lk, pe, t, nullptr);
	}
	void run() { s2sim_engine_run(eng, S2SIM_TIME_MAX); }
	uint64_t stat(const std::string &name)
	{
		uint64_t v = 0;
		EXPECT_EQ(s2sim_stats_get(st, name.c_str(), &v), S2SIM_OK) << name;
		return v;
	}
	s2sim_time_ps grant_of(unsigned pe)
	{
		for (const Grant &g : grants)
			if (g.pe == pe)
				return g.t;
		ADD_FAILURE() << "PE " << pe << " never granted";
		return 0;
	}

	s2sim_engine *eng = nullptr;
	s2sim_stats *st = nullptr;
	s2sim_mmu_lock *lk = nullptr;
	std::vector<std::unique_ptr<std::function<void()>>> fns;
	std::vector<Grant> grants;
	std::map<unsigned, s2sim_time_ps> auto_hold;
};

class BothKinds : public MmuLock,
		  public ::testing::WithParamInterface<s2sim_mmu_lock_kind> {};

// ---- uncontended timing ---------------------------------------------------

TEST_P(BothKinds, UncontendedTimingMatchesFormula)
{
	make(GetParam());
	s2sim_time_ps g = 0, done = 0;

	// First use: the line comes from elsewhere: X + A.
	ASSERT_EQ(acquire(0, WR, 0, &g), S2SIM_OK);
	EXPECT_EQ(g, (X + A) * C);
	EXPECT_TRUE(s2sim_mmu_lock_holds(lk, 0));
	EXPECT_EQ(s2sim_mmu_lock_writer(lk), 0);
	// A release in the future is deferred; the PE pays R.
	ASSERT_EQ(s2sim_mmu_lock_release(lk, 0, 500000, &done), S2SIM_OK);
	EXPECT_EQ(done, 500000 + R * C);
	EXPECT_TRUE(s2sim_mmu_lock_holds(lk, 0));

	// Same PE again: the line is still local: A only.
	at(1000000, [&] {
		s2sim_time_ps g2 = 0;
		EXPECT_EQ(s2sim_mmu_lock_writer(lk), -1);
		ASSERT_EQ(acquire(0, RD, 1000000, &g2), S2SIM_OK);
		EXPECT_EQ(g2, 1000000 + A * C);
		ASSERT_EQ(release(0, g2 + 100000), S2SIM_OK);
	});
	// Another PE: transfer again.
	at(2000000, [&] {
		s2sim_time_ps g3 = 0;
		ASSERT_EQ(acquire(1, WR, 2000000, &g3), S2SIM_OK);
		EXPECT_EQ(g3, 2000000 + (X + A) * C);
		ASSERT_EQ(release(1, g3), S2SIM_OK);
	});
	// The asynchronous style: request in the future, callback at the grant.
	at(2500000, [&] {
		ASSERT_EQ(acquire(2, WR, 3000000), S2SIM_OK);
		EXPECT_FALSE(s2sim_mmu_lock_holds(lk, 2));
	});
	run();

	ASSERT_EQ(grants.size(), 1u);
	EXPECT_EQ(grants[0], (Grant{ 2, 3000000 + (X + A) * C }));
	EXPECT_TRUE(s2sim_mmu_lock_holds(lk, 2));
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, WR)->acquisitions, 3u);
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, RD)->acquisitions, 1u);
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, WR)->contended, 0u);
	s2sim_hist *w = s2sim_mmu_lock_wait_hist(lk, WR);
	ASSERT_NE(w, nullptr);
	EXPECT_EQ(s2sim_hist_count(w), 3u);
	EXPECT_EQ(s2sim_hist_max(w), (X + A) * C);
	EXPECT_EQ(s2sim_mmu_lock_line_transfers(lk), 3u);
}

// Handover from a holder to the head of n waiters: release access
// X + S*n + R, then the grant access X + S*(n-1) + A.
TEST_P(BothKinds, HandoverCostGrowsWithSpinningWaiters)
{
	const unsigned nmax = 8;
	make(GetParam());
	for (unsigned n = 1; n <= nmax; n++) {
		const s2sim_time_ps base = n * 100000000ull;
		const s2sim_time_ps rel = base + 50000000;
		grants.clear();
		at(base, [&, n, base, rel] {
			s2sim_time_ps g;
			ASSERT_EQ(acquire(0, WR, base, &g), S2SIM_OK);
			// Waiters arrive well after each other's line accesses.
			for (unsigned i = 1; i <= n; i++)
				ASSERT_EQ(acquire(i, WR, base + i * 1000000),
					  S2SIM_OK);
			ASSERT_EQ(release(0, rel), S2SIM_OK);
			for (unsigned i = 1; i <= n; i++)
				auto_hold[i] = 1000000;
		});
		s2sim_engine_run(eng, base + 99999999);
		ASSERT_EQ(grants.size(), n);
		const s2sim_time_ps handover = 2 * X + S * (2 * n - 1) + R + A;
		EXPECT_EQ(grants[0], (Grant{ 1, rel + handover * C }))
			<< "n = " << n;
		auto_hold.clear();
	}
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, WR)->max_waiters, nmax);
	EXPECT_EQ(stat("kvm.mmu_lock.max_waiters"), nmax);
}

INSTANTIATE_TEST_SUITE_P(Kinds, BothKinds,
			 ::testing::Values(S2SIM_MMU_LOCK_SPIN,
					   S2SIM_MMU_LOCK_RW));

// ---- spinlock ---------------------------------------------------------------

TEST_F(MmuLock, SpinlockIsFifo)
{
	make(S2SIM_MMU_LOCK_SPIN);
	const std::vector<unsigned> order = { 7, 3, 5, 1, 6, 2, 4 };
	at(0, [&] {
		s2sim_time_ps g;
		ASSERT_EQ(acquire(0, WR, 0, &g), S2SIM_OK);
		ASSERT_EQ(release(0, 10000000), S2SIM_OK);
		for (size_t i = 0; i < order.size(); i++) {
			// Mixed modes: a spinlock serves them all exclusively.
			auto m = i % 2 ? RD : WR;
			ASSERT_EQ(acquire(order[i], m, 1000000 * (i + 1)),
				  S2SIM_OK);
			auto_hold[order[i]] = 50000;
		}
	});
	run();
	ASSERT_EQ(grants.size(), order.size());
	s2sim_time_ps prev_release = 10000000;
	for (size_t i = 0; i < order.size(); i++) {
		EXPECT_EQ(grants[i].pe, order[i]) << "position " << i;
		EXPECT_GT(grants[i].t, prev_release) << "overlap at " << i;
		prev_release = grants[i].t + 50000;
	}
	EXPECT_EQ(stat("kvm.mmu_lock.write.contended") +
			  stat("kvm.mmu_lock.read.contended"),
		  order.size());
	EXPECT_EQ(stat("kvm.mmu_lock.max_waiters"), order.size());
	EXPECT_EQ(s2sim_mmu_lock_writer(lk), -1);
	EXPECT_EQ(s2sim_mmu_lock_waiters(lk), 0u);
}

TEST_F(MmuLock, SpinlockReadersExcludeEachOther)
{
	make(S2SIM_MMU_LOCK_SPIN);
	at(0, [&] {
		s2sim_time_ps g = 0;
		ASSERT_EQ(acquire(0, RD, 0, &g), S2SIM_OK);
		EXPECT_NE(g, S2SIM_TIME_MAX);
		ASSERT_EQ(acquire(1, RD, 0, &g), S2SIM_OK);
		EXPECT_EQ(g, S2SIM_TIME_MAX); // queued
		EXPECT_EQ(s2sim_mmu_lock_readers(lk), 0u);
		EXPECT_EQ(s2sim_mmu_lock_writer(lk), 0);
		ASSERT_EQ(release(0, 2000000), S2SIM_OK);
	});
	run();
	ASSERT_EQ(grants.size(), 1u);
	EXPECT_GT(grants[0].t, 2000000u);
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, RD)->contended, 1u);
}

// ---- rwlock -----------------------------------------------------------------

TEST_F(MmuLock, RwReadersShare)
{
	make(S2SIM_MMU_LOCK_RW);
	for (unsigned i = 0; i < 4; i++)
		at(10000 * i, [&, i] { ASSERT_EQ(acquire(i, RD, 10000 * i),
						  S2SIM_OK); });
	run();
	ASSERT_EQ(grants.size(), 4u);
	EXPECT_EQ(s2sim_mmu_lock_readers(lk), 4u);
	// Nobody waited for a release; the atomics on the line serialise:
	// each reader takes the line from the previous one, X + A apiece.
	for (unsigned i = 0; i < 4; i++)
		EXPECT_EQ(grants[i], (Grant{ i, (i + 1) * (X + A) * C }));
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, RD)->contended, 0u);
	EXPECT_EQ(stat("kvm.mmu_lock.read.acquisitions"), 4u);
}

TEST_F(MmuLock, RwWriterExcludesReaders)
{
	make(S2SIM_MMU_LOCK_RW);
	at(0, [&] {
		ASSERT_EQ(acquire(0, WR, 0), S2SIM_OK);
		ASSERT_EQ(acquire(1, RD, 100000), S2SIM_OK);
		ASSERT_EQ(acquire(2, RD, 200000), S2SIM_OK);
	});
	at(1000000, [&] {
		EXPECT_EQ(grants.size(), 1u);
		EXPECT_EQ(s2sim_mmu_lock_waiters(lk), 2u);
		ASSERT_EQ(release(0, 1000000), S2SIM_OK);
	});
	run();
	ASSERT_EQ(grants.size(), 3u);
	EXPECT_EQ(grants[1].pe, 1u);
	EXPECT_EQ(grants[2].pe, 2u);
	EXPECT_GT(grants[1].t, 1000000u);
	// Both readers are in together, one line handover apart.
	EXPECT_EQ(s2sim_mmu_lock_readers(lk), 2u);
	EXPECT_EQ(grants[2].t - grants[1].t, (X + A) * C);
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, RD)->contended, 2u);
}

TEST_F(MmuLock, RwWriterWaitsForAllReaders)
{
	make(S2SIM_MMU_LOCK_RW);
	at(0, [&] {
		s2sim_time_ps g;
		ASSERT_EQ(acquire(0, RD, 0, &g), S2SIM_OK);
		ASSERT_EQ(release(0, 1000000), S2SIM_OK);
		ASSERT_EQ(acquire(1, RD, 0, &g), S2SIM_OK);
		ASSERT_EQ(release(1, 2000000), S2SIM_OK);
		ASSERT_EQ(acquire(2, WR, 500000), S2SIM_OK);
	});
	at(1500000, [&] {
		EXPECT_TRUE(grants.empty()); // one reader still in
		EXPECT_EQ(s2sim_mmu_lock_readers(lk), 1u);
	});
	run();
	ASSERT_EQ(grants.size(), 1u);
	// Last reader's release (X + S*1 + R), then the writer (X + A).
	EXPECT_EQ(grants[0], (Grant{ 2, 2000000 + (X + S + R + X + A) * C }));
	EXPECT_EQ(s2sim_mmu_lock_writer(lk), 2);
}

// qrwlock: a reader arriving while a writer waits queues behind the writer,
// although only readers hold the lock.
TEST_F(MmuLock, RwWriterPreference)
{
	make(S2SIM_MMU_LOCK_RW);
	auto_hold[2] = 500000; // the writer
	auto_hold[3] = 500000;
	at(0, [&] {
		s2sim_time_ps g;
		ASSERT_EQ(acquire(1, RD, 0, &g), S2SIM_OK);
		ASSERT_EQ(release(1, 1000000), S2SIM_OK);
		ASSERT_EQ(acquire(2, WR, 100000), S2SIM_OK);
		ASSERT_EQ(acquire(3, RD, 200000), S2SIM_OK);
	});
	at(900000, [&] {
		EXPECT_TRUE(grants.empty());
		EXPECT_EQ(s2sim_mmu_lock_waiters(lk), 2u);
	});
	run();
	ASSERT_EQ(grants.size(), 2u);
	EXPECT_EQ(grants[0].pe, 2u);
	EXPECT_EQ(grants[1].pe, 3u);
	EXPECT_GT(grants[0].t, 1000000u);
	EXPECT_GT(grants[1].t, grants[0].t + 500000);
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, RD)->contended, 1u);
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, WR)->contended, 1u);
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, RD)->max_waiters, 2u);
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, WR)->max_waiters, 1u);
}

// ---- statistics ---------------------------------------------------------------

TEST_F(MmuLock, WaitAndHoldHistograms)
{
	make(S2SIM_MMU_LOCK_RW);
	// Writer 0 holds 0 .. 1 ms; readers 1..3 queue; writer 4 queues after
	// them; everyone holds 100 us.
	for (unsigned pe = 1; pe <= 4; pe++)
		auto_hold[pe] = 100000;
	std::vector<s2sim_time_ps> req = { 0, 100000, 200000, 300000, 400000 };
	at(0, [&] {
		s2sim_time_ps g;
		ASSERT_EQ(acquire(0, WR, 0, &g), S2SIM_OK);
		grants.push_back({ 0, g });
		ASSERT_EQ(release(0, 1000000), S2SIM_OK);
		for (unsigned pe = 1; pe <= 4; pe++)
			ASSERT_EQ(acquire(pe, pe == 4 ? WR : RD, req[pe]),
				  S2SIM_OK);
	});
	run();
	ASSERT_EQ(grants.size(), 5u);
	EXPECT_EQ(stat("kvm.mmu_lock.read.acquisitions"), 3u);
	EXPECT_EQ(stat("kvm.mmu_lock.write.acquisitions"), 2u);
	EXPECT_EQ(stat("kvm.mmu_lock.read.contended"), 3u);
	EXPECT_EQ(stat("kvm.mmu_lock.write.contended"), 1u);
	EXPECT_EQ(stat("kvm.mmu_lock.read.max_waiters"), 3u);
	EXPECT_EQ(stat("kvm.mmu_lock.write.max_waiters"), 4u);
	EXPECT_EQ(stat("kvm.mmu_lock.misuse"), 0u);

	s2sim_hist *rw = s2sim_mmu_lock_wait_hist(lk, RD);
	s2sim_hist *ww = s2sim_mmu_lock_wait_hist(lk, WR);
	s2sim_hist *rh = s2sim_mmu_lock_hold_hist(lk, RD);
	s2sim_hist *wh = s2sim_mmu_lock_hold_hist(lk, WR);
	EXPECT_EQ(s2sim_hist_count(rw), 3u);
	EXPECT_EQ(s2sim_hist_count(ww), 2u);
	EXPECT_EQ(s2sim_hist_count(rh), 3u);
	EXPECT_EQ(s2sim_hist_count(wh), 2u);
	s2sim_time_ps max_rwait = 0;
	for (unsigned pe = 1; pe <= 3; pe++)
		max_rwait = std::max(max_rwait, grant_of(pe) - req[pe]);
	EXPECT_EQ(s2sim_hist_max(rw), max_rwait);
	EXPECT_EQ(s2sim_hist_max(ww), grant_of(4) - req[4]);
	EXPECT_EQ(s2sim_hist_max(wh), 1000000 - grant_of(0));
	EXPECT_EQ(s2sim_hist_max(rh), 100000u);
	// The last writer entered after the last reader left.
	EXPECT_GT(grant_of(4), grant_of(3) + 100000);
}

// ---- determinism and invariants under a random load -------------------------

struct Stress {
	s2sim_engine *eng = nullptr;
	s2sim_mmu_lock *lk = nullptr;
	uint64_t rng[16];
	unsigned left[16];
	std::vector<Grant> trace;
	std::vector<std::string> violations;
	unsigned npes = 16;

	static uint64_t next(uint64_t &s)
	{
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		return s >> 33;
	}

	static void granted(void *ctx, unsigned pe, s2sim_time_ps t)
	{
		static_cast<Stress *>(ctx)->on(pe, t);
	}

	void check_exclusion(unsigned pe)
	{
		int w = s2sim_mmu_lock_writer(lk);
		unsigned r = s2sim_mmu_lock_readers(lk);
		if (!(w == (int)pe && r == 0) && !(w == -1 && r >= 1))
			violations.push_back("PE " + std::to_string(pe) +
					     " granted with writer " +
					     std::to_string(w) + " readers " +
					     std::to_string(r));
	}

	void on(unsigned pe, s2sim_time_ps t)
	{
		trace.push_back({ pe, t });
		check_exclusion(pe);
		s2sim_time_ps rel = t + 1000 * (1 + next(rng[pe]) % 3000);
		if (s2sim_mmu_lock_release(lk, pe, rel, nullptr) != S2SIM_OK)
			violations.push_back(s2sim_mmu_lock_errmsg(lk));
		if (--left[pe] == 0)
			return;
		// Re-request after a think time: the request is later than
		// the (still pending) release, which is allowed.
		request(pe, rel + 1000 * (next(rng[pe]) % 2000));
	}

	void request(unsigned pe, s2sim_time_ps t)
	{
		auto m = next(rng[pe]) % 5 == 0 ? S2SIM_MMU_LOCK_WRITE
						 : S2SIM_MMU_LOCK_READ;
		if (s2sim_mmu_lock_acquire(lk, pe, m, t, granted, this,
					   nullptr) != S2SIM_OK)
			violations.push_back(s2sim_mmu_lock_errmsg(lk));
	}

	std::vector<Grant> run(s2sim_mmu_lock_kind kind)
	{
		s2sim_mmu_lock_params p;
		s2sim_mmu_lock_default_params(&p, 3000.0);
		EXPECT_EQ(s2sim_engine_create(&eng), S2SIM_OK);
		EXPECT_EQ(s2sim_mmu_lock_create(&lk, kind, &p, npes, eng,
						nullptr, nullptr),
			  S2SIM_OK);
		for (unsigned pe = 0; pe < npes; pe++) {
			rng[pe] = 0x9e3779b97f4a7c15ull * (pe + 1);
			left[pe] = 200;
			request(pe, 1000 * (next(rng[pe]) % 500));
		}
		EXPECT_EQ(s2sim_engine_run(eng, S2SIM_TIME_MAX), S2SIM_DONE);
		EXPECT_EQ(s2sim_mmu_lock_waiters(lk), 0u);
		EXPECT_EQ(s2sim_mmu_lock_readers(lk), 0u);
		EXPECT_EQ(s2sim_mmu_lock_writer(lk), -1);
		EXPECT_EQ(s2sim_mmu_lock_wait_hist(lk, S2SIM_MMU_LOCK_READ),
			  nullptr);
		uint64_t n = s2sim_mmu_lock_counts(lk, S2SIM_MMU_LOCK_READ)
				     ->acquisitions +
			     s2sim_mmu_lock_counts(lk, S2SIM_MMU_LOCK_WRITE)
				     ->acquisitions;
		EXPECT_EQ(n, 200u * npes);
		// The load really contends, in both modes.
		EXPECT_GT(s2sim_mmu_lock_counts(lk, S2SIM_MMU_LOCK_READ)
				  ->contended, 100u);
		EXPECT_GT(s2sim_mmu_lock_counts(lk, S2SIM_MMU_LOCK_WRITE)
				  ->contended, 100u);
		EXPECT_GE(s2sim_mmu_lock_counts(lk, S2SIM_MMU_LOCK_WRITE)
				  ->max_waiters, 8u);
		s2sim_mmu_lock_destroy(lk);
		s2sim_engine_destroy(eng);
		return trace;
	}
};

TEST(MmuLockStress, DeterministicAndExclusive)
{
	for (auto kind : { S2SIM_MMU_LOCK_SPIN, S2SIM_MMU_LOCK_RW }) {
		Stress a, b;
		std::vector<Grant> ta = a.run(kind), tb = b.run(kind);
		EXPECT_TRUE(a.violations.empty())
			<< a.violations.size() << " violations, first: "
			<< a.violations.front();
		ASSERT_EQ(ta.size(), 16u * 200);
		EXPECT_TRUE(ta == tb) << "kind " << kind;
		EXPECT_TRUE(std::is_sorted(ta.begin(), ta.end(),
					   [](const Grant &x, const Grant &y) {
						   return x.t < y.t;
					   }));
	}
}

// ---- misuse -------------------------------------------------------------------

TEST_F(MmuLock, MisuseIsReported)
{
	make(S2SIM_MMU_LOCK_RW, 4);
	auto expect_misuse = [&](int rc, const char *needle) {
		EXPECT_EQ(rc, S2SIM_EMISUSE);
		EXPECT_NE(std::string(s2sim_mmu_lock_errmsg(lk)).find(needle),
			  std::string::npos)
			<< s2sim_mmu_lock_errmsg(lk);
	};
	at(1000, [&] {
		s2sim_time_ps g0, g;
		expect_misuse(release(0, 1000), "does not hold");
		ASSERT_EQ(acquire(0, WR, 1000, &g0), S2SIM_OK);
		expect_misuse(acquire(0, RD, 5000), "recursive");
		expect_misuse(acquire(0, WR, 5000), "recursive");
		// PE 1 queues behind the writer.
		ASSERT_EQ(acquire(1, RD, 1000, &g), S2SIM_OK);
		EXPECT_EQ(g, S2SIM_TIME_MAX);
		expect_misuse(release(1, 1000), "does not hold");
		expect_misuse(acquire(1, RD, 2000), "outstanding");
		expect_misuse(acquire(4, RD, 1000), "PEs 0..3");
		expect_misuse(acquire(2, RD, 999), "before the engine's now");
		expect_misuse(s2sim_mmu_lock_acquire(lk, 2, RD, 1000, nullptr,
						     nullptr, nullptr),
			      "no grant callback");
		expect_misuse(release(0, g0 - 1), "before its grant");
		EXPECT_EQ(g0, 1000 + (X + A) * C);
		ASSERT_EQ(release(0, 300000), S2SIM_OK);
		expect_misuse(release(0, 400000), "twice");
		expect_misuse(acquire(0, WR, 250000), "before its own release");
	});
	// PE 0's release at 300 ns waits for the line: PE 1's queueing
	// access holds it until 1 ns + 2 (X + A).  Then the release access
	// X + S + R and PE 1's grant access X + A: delivered at 721 ns.
	at(500000, [&] {
		EXPECT_FALSE(s2sim_mmu_lock_holds(lk, 1));
		EXPECT_EQ(s2sim_mmu_lock_readers(lk), 1u);
		expect_misuse(release(1, 500000), "before its grant");
	});
	run();
	EXPECT_EQ(s2sim_mmu_lock_misuses(lk), 12u);
	EXPECT_EQ(stat("kvm.mmu_lock.misuse"), 12u);
	// Misuse changed nothing: PE 1 got the lock once PE 0 left.
	ASSERT_EQ(grants.size(), 1u);
	EXPECT_EQ(grants[0],
		  (Grant{ 1, 1000 + (2 * (X + A) + X + S + R + X + A) * C }));
	EXPECT_TRUE(s2sim_mmu_lock_holds(lk, 1));
	EXPECT_EQ(s2sim_mmu_lock_counts(lk, RD)->acquisitions, 1u);
}

TEST_F(MmuLock, ReacquireAfterPendingRelease)
{
	make(S2SIM_MMU_LOCK_SPIN);
	at(0, [&] {
		s2sim_time_ps g;
		ASSERT_EQ(acquire(0, WR, 0, &g), S2SIM_OK);
		ASSERT_EQ(release(0, 1000000), S2SIM_OK);
		// cond_resched_lock(): drop and retake at the same time.
		ASSERT_EQ(acquire(0, WR, 1000000), S2SIM_OK);
	});
	run();
	ASSERT_EQ(grants.size(), 1u);
	EXPECT_EQ(grants[0], (Grant{ 0, 1000000 + (R + A) * C }));
	EXPECT_EQ(s2sim_mmu_lock_writer(lk), 0);
}

// ---- creation -------------------------------------------------------------------

TEST_F(MmuLock, CreateErrors)
{
	s2sim_mmu_lock_params p = params();
	s2sim_mmu_lock *bad = nullptr;

	p.clock.period_ps = 0;
	EXPECT_EQ(s2sim_mmu_lock_create(&bad, S2SIM_MMU_LOCK_RW, &p, 4, eng,
					nullptr, nullptr),
		  S2SIM_EINPUT);
	ASSERT_NE(bad, nullptr);
	EXPECT_NE(std::string(s2sim_mmu_lock_errmsg(bad)).find("clock"),
		  std::string::npos);
	s2sim_mmu_lock_destroy(bad);

	p = params();
	EXPECT_EQ(s2sim_mmu_lock_create(&bad, S2SIM_MMU_LOCK_RW, &p, 0, eng,
					nullptr, nullptr),
		  S2SIM_EMISUSE);
	s2sim_mmu_lock_destroy(bad);

	make(S2SIM_MMU_LOCK_RW);
	// A second lock under the same prefix clashes in the registry.
	EXPECT_NE(s2sim_mmu_lock_create(&bad, S2SIM_MMU_LOCK_RW, &p, 4, eng,
					st, "kvm.mmu_lock"),
		  S2SIM_OK);
	EXPECT_NE(std::string(s2sim_mmu_lock_errmsg(bad)).find("kvm.mmu_lock"),
		  std::string::npos);
	s2sim_mmu_lock_destroy(bad);
	EXPECT_EQ(s2sim_mmu_lock_create(&bad, S2SIM_MMU_LOCK_RW, &p, 4, eng,
					st, ""),
		  S2SIM_EMISUSE);
	s2sim_mmu_lock_destroy(bad);
}

TEST_F(MmuLock, DestroyCancelsPendingEvents)
{
	make(S2SIM_MMU_LOCK_RW);
	ASSERT_EQ(acquire(0, WR, 1000), S2SIM_OK);
	s2sim_time_ps g;
	ASSERT_EQ(acquire(1, WR, 0, &g), S2SIM_OK);
	ASSERT_EQ(release(1, g + 5000), S2SIM_OK);
	EXPECT_EQ(s2sim_engine_pending(eng), 2u);
	s2sim_mmu_lock_destroy(lk);
	lk = nullptr;
	EXPECT_EQ(s2sim_engine_pending(eng), 0u);
	run();
	EXPECT_TRUE(grants.empty());
}

TEST(MmuLockParams, DefaultsAreTheDocumentedEstimates)
{
	s2sim_mmu_lock_params p;
	s2sim_mmu_lock_default_params(&p, 3000.0);
	EXPECT_EQ(p.clock.period_ps, 333u);
	EXPECT_EQ(p.acquire_cycles, 30u);
	EXPECT_EQ(p.release_cycles, 20u);
	EXPECT_EQ(p.transfer_cycles, 150u);
	EXPECT_EQ(p.transfer_per_spinner_cycles, 1u);
}

} // namespace
