/*
 * Message types and time resolution (report.h).
 */
#include <s2sim/systemc/report.h>

namespace s2sim {

const char *const all_msg_types[8] = {
	msg::bridge, msg::mmu, msg::fabric, msg::hypervisor,
	msg::memory, msg::workload, msg::platform, msg::vp,
};

void stop_on_errors()
{
	using sc_core::sc_report_handler;

	for (const char *type : all_msg_types)
		sc_report_handler::set_actions(type, sc_core::SC_ERROR,
					       sc_core::SC_DISPLAY |
					       sc_core::SC_CACHE_REPORT |
					       sc_core::SC_STOP);
}

bool check_time_resolution()
{
	if (sc_core::sc_get_time_resolution() == sc_core::sc_time(1, sc_core::SC_PS))
		return true;
	SC_REPORT_ERROR(msg::platform,
			"s2sim needs the SystemC time resolution to be 1 ps");
	return false;
}

} // namespace s2sim
