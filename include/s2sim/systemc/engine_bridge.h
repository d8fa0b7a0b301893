/*
 * s2sim SystemC model: the bridge between SystemC and the C core's event
 * engine.
 *
 * The C core's shared models (the DVM fabric, the hypervisor and its
 * mmu_lock) schedule their work on an s2sim_engine.  The bridge runs that
 * engine from one SC_THREAD, in loosely-timed style: it dispatches engine
 * events up to one quantum ahead of SystemC time (a C event reaching a TLM
 * socket carries the difference as its annotated delay) and moves SystemC
 * time forward when the engine's next event is further away.
 *
 * Processes that act on shared C state (the vCPU initiators) are sequenced
 * by the engine through a Turn: instead of wait(local_time) they ask for a
 * grant at their local time; the grant is an engine event, so it is
 * ordered with every other C event exactly as in the native `s2sim run`
 * (time, then insertion order).  When it fires the bridge advances
 * SystemC time to it and hands control to the process, which runs until it
 * yields again; only one turn holder runs at a time.  This is what makes
 * every count of s2sim-vp identical to `s2sim run`.
 */
#ifndef S2SIM_SYSTEMC_ENGINE_BRIDGE_H
#define S2SIM_SYSTEMC_ENGINE_BRIDGE_H

#include <cstdint>
#include <functional>
#include <systemc>

#include <s2sim/engine.h>
#include <s2sim/systemc/report.h>

namespace s2sim {

class EngineBridge;

/* A process sequenced by the engine.  Create one per SC_THREAD that must
 * run in engine order; grant_at() the first time during elaboration. */
class Turn {
public:
	explicit Turn(EngineBridge &bridge) : bridge_(bridge) {}
	Turn(const Turn &) = delete;
	Turn &operator=(const Turn &) = delete;

	/* Schedule this turn's next grant at max(t, engine now).  From
	 * elaboration, from the holder, or from an engine callback. */
	void grant_at(std::uint64_t t_ps);
	/* Wait for a grant (first call of the thread, or after another
	 * process released this one's turn). */
	void wait_grant();
	/* The holder gives control back to the bridge and waits for its
	 * next grant (schedule it first, or have someone else schedule it). */
	void yield();
	bool holding() const;

private:
	friend class EngineBridge;
	EngineBridge &bridge_;
	sc_core::sc_event ev_;
	bool granted_ = false;
	std::uint64_t grant_ps_ = 0;
};

class EngineBridge : public sc_core::sc_module {
public:
	/* `eng` is not owned; `quantum` is how far ahead of SystemC time the
	 * bridge may dispatch engine events. */
	EngineBridge(sc_core::sc_module_name name, s2sim_engine *eng,
		     const sc_core::sc_time &quantum);

	s2sim_engine *engine() const { return eng_; }
	/* Engine time: the last dispatched event's. */
	std::uint64_t engine_ps() const { return s2sim_engine_now(eng_); }
	/* Annotated delay of something happening at engine time `t_ps`
	 * relative to SystemC time (0 if SystemC time is already past it). */
	sc_core::sc_time delay_of(std::uint64_t t_ps) const;
	/* The turn whose process is running, or null (the bridge runs). */
	Turn *holder() const { return holder_; }
	/* Called after each burst of engine events; returning false stops
	 * the bridge (for errors the C models record). */
	void set_check(std::function<bool()> check) { check_ = std::move(check); }
	/* Engine events were scheduled from outside the bridge's thread and
	 * outside any turn (say, a DVM request from a plain initiator): look
	 * at the engine again.  Such a caller must not be in the engine's
	 * past (SystemC time + delay >= engine_ps()). */
	void kick();
	/* Grants handed over, SystemC waits of the bridge. */
	std::uint64_t grants() const { return grants_; }
	std::uint64_t waits() const { return waits_; }

private:
	friend class Turn;
	void thread();
	void hand_over(Turn *t);
	static void on_grant(s2sim_engine *eng, void *ctx, std::uint64_t arg);

	s2sim_engine *eng_;
	std::uint64_t quantum_ps_;
	Turn *holder_ = nullptr;
	Turn *granted_ = nullptr;
	sc_core::sc_event released_;
	sc_core::sc_event kick_;
	bool waiting_ = false;
	std::function<bool()> check_;
	std::uint64_t grants_ = 0, waits_ = 0;
	mutable PsTime delay_;
};

} // namespace s2sim

#endif
