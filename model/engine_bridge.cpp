/*
 * The SystemC side of the C event engine (engine_bridge.h).
 */
#include <s2sim/systemc/engine_bridge.h>
#include <s2sim/systemc/report.h>

#include "model/c_core.h"

namespace s2sim {

using sc_core::sc_time;

void Turn::grant_at(std::uint64_t t_ps)
{
	s2sim_engine *eng = bridge_.eng_;
	std::uint64_t now = s2sim_engine_now(eng);
	int rc = s2sim_engine_schedule_at(eng, t_ps > now ? t_ps : now,
					  EngineBridge::on_grant, this, 0, nullptr);

	if (rc != S2SIM_OK)
		SC_REPORT_ERROR(msg::bridge, s2sim_engine_errmsg(eng));
	bridge_.kick();
}

void Turn::wait_grant()
{
	while (!granted_ || now_ps() < grant_ps_)
		sc_core::wait(ev_);
	granted_ = false;
}

void Turn::yield()
{
	if (bridge_.holder_ == this) {
		bridge_.holder_ = nullptr;
		bridge_.released_.notify();
	}
	wait_grant();
}

bool Turn::holding() const
{
	return bridge_.holder_ == this;
}

EngineBridge::EngineBridge(sc_core::sc_module_name name, s2sim_engine *eng,
			   const sc_time &quantum)
	: sc_module(name), eng_(eng), quantum_ps_(time_to_ps(quantum))
{
	check_time_resolution();
	SC_HAS_PROCESS(EngineBridge);
	SC_THREAD(thread);
}

void EngineBridge::kick()
{
	if (waiting_)
		kick_.notify(sc_core::SC_ZERO_TIME);
}

sc_time EngineBridge::delay_of(std::uint64_t t_ps) const
{
	std::uint64_t now = now_ps();

	return delay_(t_ps > now ? t_ps - now : 0);
}

void EngineBridge::on_grant(s2sim_engine *eng, void *ctx, std::uint64_t arg)
{
	Turn *t = static_cast<Turn *>(ctx);

	(void)arg;
	t->bridge_.granted_ = t;
	s2sim_engine_stop(eng); /* the turn runs before any later event */
}

/* Run the turn's process from the grant's time until it yields.  The
 * process itself waits for that time (a timed notification), which saves
 * the bridge a wake-up. */
void EngineBridge::hand_over(Turn *t)
{
	std::uint64_t at = s2sim_engine_now(eng_), now = now_ps();

	grants_++;
	holder_ = t;
	t->granted_ = true;
	t->grant_ps_ = at;
	if (at > now)
		t->ev_.notify(delay_(at - now));
	else
		t->ev_.notify();
	while (holder_)
		wait(released_);
}

void EngineBridge::thread()
{
	for (;;) {
		std::uint64_t next, now = now_ps();

		if (s2sim_engine_next_time(eng_, &next) != S2SIM_OK) {
			/* Nothing scheduled: finished, unless a process not
			 * sequenced by a turn schedules a grant later. */
			waiting_ = true;
			wait(kick_);
			waiting_ = false;
			continue;
		}
		if (next > now + quantum_ps_) {
			waits_++;
			waiting_ = true;
			wait(ps_to_time(next - now), kick_);
			waiting_ = false;
			continue;
		}
		granted_ = nullptr;
		s2sim_engine_run(eng_, now + quantum_ps_);
		if (check_ && !check_())
			return;
		if (granted_)
			hand_over(granted_);
	}
}

} // namespace s2sim
