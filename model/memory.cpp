/*
 * s2sim::Memory: table memory timed by the core's memory port, and an
 * untimed-data guest memory (memory.h).
 */
#include <cstring>

#include <s2sim/systemc/extensions.h>
#include <s2sim/systemc/memory.h>
#include <s2sim/systemc/report.h>

#include "model/c_core.h"

namespace s2sim {

using sc_core::sc_time;
using tlm::tlm_generic_payload;

Memory::Memory(sc_core::sc_module_name name, struct s2sim_memsys *ms,
	       struct s2sim_physmem *pm, const sc_time &data_latency)
	: sc_module(name), walk_in("walk_in"), data_in("data_in"), ms_(ms),
	  pm_(pm), data_latency_(data_latency)
{
	walk_in.register_b_transport(this, &Memory::walk_transport);
	data_in.register_b_transport(this, &Memory::data_transport);
}

static bool plain_8byte(const tlm_generic_payload &t)
{
	return t.get_data_length() == 8 && t.get_data_ptr() &&
	       !t.get_byte_enable_ptr() && t.get_streaming_width() >= 8 &&
	       (t.get_address() & 7) == 0;
}

void Memory::walk_transport(int id, tlm_generic_payload &trans, sc_time &delay)
{
	WalkExtension *wx = trans.get_extension<WalkExtension>();
	std::uint32_t pe = wx ? wx->pe : static_cast<std::uint32_t>(id);
	unsigned char *buf = trans.get_data_ptr();
	std::uint64_t pa = trans.get_address(), v = 0;

	if (!plain_8byte(trans)) {
		trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
		return;
	}
	if (trans.is_write()) {
		for (int i = 7; i >= 0; i--)
			v = v << 8 | buf[i];
		if (s2sim_physmem_write64(pm_, pa, v) != S2SIM_OK) {
			trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
			return;
		}
		trans.set_response_status(tlm::TLM_OK_RESPONSE);
		return;
	}
	struct s2sim_memport port = s2sim_memsys_port(ms_, pe);
	std::uint64_t lat = 0;

	if (!port.read64) {
		trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
		SC_REPORT_ERROR(msg::memory, "descriptor fetch from a PE the memory system does not have");
		return;
	}
	v = port.read64(port.ctx, pa, wx ? wx->level : 0, &lat);
	if (wx && port.last_src)
		wx->src = static_cast<MemSource>(port.last_src(port.ctx));
	for (int i = 0; i < 8; i++, v >>= 8)
		buf[i] = static_cast<unsigned char>(v);
	delay += ps_to_time(lat);
	walk_reads_++;
	trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Memory::data_transport(int id, tlm_generic_payload &trans, sc_time &delay)
{
	(void)id;
	if (trans.is_read() && trans.get_data_ptr())
		std::memset(trans.get_data_ptr(), 0, trans.get_data_length());
	delay += data_latency_;
	data_accesses_++;
	trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace s2sim
