/*
 * s2sim SystemC model: message types for sc_report, and time conversion.
 *
 * Every report of the model goes through sc_report with one of the message
 * types below ("s2sim/<part>"), so a platform can set actions per part with
 * sc_report_handler::set_actions(type, ...).  Simulated time in the C core
 * is picoseconds; the model requires SystemC's time resolution to be 1 ps
 * (the default), which check_time_resolution() verifies.
 */
#ifndef S2SIM_SYSTEMC_REPORT_H
#define S2SIM_SYSTEMC_REPORT_H

#include <cstdint>
#include <systemc>

namespace s2sim {
namespace msg {
constexpr const char *bridge = "s2sim/bridge";
constexpr const char *mmu = "s2sim/mmu";
constexpr const char *fabric = "s2sim/fabric";
constexpr const char *hypervisor = "s2sim/hypervisor";
constexpr const char *memory = "s2sim/memory";
constexpr const char *workload = "s2sim/workload";
constexpr const char *platform = "s2sim/platform";
constexpr const char *vp = "s2sim/vp";
} // namespace msg

/* Every message type above, for set_actions loops. */
extern const char *const all_msg_types[8];

/* Make SC_ERROR reports of every s2sim message type display, cache and
 * call sc_stop() instead of throwing (what s2sim-vp wants). */
void stop_on_errors();

/* SC_REPORT_ERROR(msg::platform) unless the resolution is 1 ps; true if
 * it is.  Reading the resolution freezes it (SystemC rule). */
bool check_time_resolution();

inline sc_core::sc_time ps_to_time(std::uint64_t ps)
{
	return sc_core::sc_time::from_value(ps);
}

inline std::uint64_t time_to_ps(const sc_core::sc_time &t)
{
	return t.value();
}

inline std::uint64_t now_ps()
{
	return sc_core::sc_time_stamp().value();
}

/* ps -> sc_time remembering the last conversion: sc_time has no inline
 * way to be made from a raw value, and hot paths convert the same
 * latencies over and over. */
class PsTime {
public:
	const sc_core::sc_time &operator()(std::uint64_t ps)
	{
		if (ps != ps_) {
			ps_ = ps;
			t_ = sc_core::sc_time::from_value(ps);
		}
		return t_;
	}

private:
	std::uint64_t ps_ = 0;
	sc_core::sc_time t_;
};

} // namespace s2sim

#endif
