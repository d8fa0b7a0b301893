// A platform author's TLM-2.0 components, written with the standard
// tlm_utils sockets only (no s2sim helper class): a memory and an
// initiator whose thread runs a test body.
#ifndef S2SIM_TESTS_MODEL_PLAIN_TLM_H
#define S2SIM_TESTS_MODEL_PLAIN_TLM_H

#include <cstdint>
#include <cstring>
#include <functional>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

namespace plain {

using namespace sc_core;
using tlm::tlm_generic_payload;

struct PlainMemory : sc_module {
	tlm_utils::multi_passthrough_target_socket<PlainMemory> socket;
	std::vector<unsigned char> mem;
	sc_time latency;
	unsigned accesses = 0;

	PlainMemory(sc_module_name n, std::size_t size, sc_time lat)
		: sc_module(n), socket("socket"), mem(size), latency(lat)
	{
		socket.register_b_transport(this, &PlainMemory::b_transport);
		socket.register_get_direct_mem_ptr(this, &PlainMemory::get_dmi);
	}
	void b_transport(int, tlm_generic_payload &t, sc_time &d)
	{
		sc_dt::uint64 a = t.get_address();
		unsigned len = t.get_data_length();

		if (a + len > mem.size()) {
			t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
			return;
		}
		if (t.is_read())
			std::memcpy(t.get_data_ptr(), &mem[a], len);
		else if (t.is_write())
			std::memcpy(&mem[a], t.get_data_ptr(), len);
		d += latency;
		accesses++;
		t.set_dmi_allowed(true);
		t.set_response_status(tlm::TLM_OK_RESPONSE);
	}
	bool get_dmi(int, tlm_generic_payload &, tlm::tlm_dmi &dmi)
	{
		dmi.allow_read_write();
		dmi.set_dmi_ptr(mem.data());
		dmi.set_start_address(0);
		dmi.set_end_address(mem.size() - 1);
		dmi.set_read_latency(latency);
		dmi.set_write_latency(latency);
		return true;
	}
	void put64(sc_dt::uint64 a, uint64_t v) // the loader's back door
	{
		for (int i = 0; i < 8; i++)
			mem[a + i] = static_cast<unsigned char>(v >> (8 * i));
	}
};

struct PlainInitiator : sc_module {
	tlm_utils::simple_initiator_socket<PlainInitiator> socket;
	std::function<void(PlainInitiator &)> body;
	std::vector<std::pair<sc_dt::uint64, sc_dt::uint64>> invalidated;

	explicit PlainInitiator(sc_module_name n) : sc_module(n), socket("socket")
	{
		SC_HAS_PROCESS(PlainInitiator);
		SC_THREAD(run);
		socket.register_invalidate_direct_mem_ptr(this, &PlainInitiator::inval);
	}
	void run() { body(*this); }
	void inval(sc_dt::uint64 s, sc_dt::uint64 e) { invalidated.emplace_back(s, e); }
	// One access; the payload lives here, as in most initiators.
	tlm::tlm_response_status access(tlm_generic_payload &t, sc_dt::uint64 a,
					bool write, unsigned char *data, unsigned len,
					sc_time &d)
	{
		t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
		t.set_address(a);
		t.set_data_ptr(data);
		t.set_data_length(len);
		t.set_streaming_width(len);
		t.set_byte_enable_ptr(nullptr);
		t.set_dmi_allowed(false);
		t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
		socket->b_transport(t, d);
		return t.get_response_status();
	}
};

namespace tables {

// The tables: IPA 0x4000_0000 + ... (39-bit IPA, start level 1) ---

constexpr uint64_t kRoot = 0x1000, kL2 = 0x2000, kL3 = 0x3000;
constexpr uint64_t kPageAttrs = 1ull << 10 /* AF */ | 3ull << 8 /* SH inner */ |
				0xfull << 2 /* MemAttr normal WB */;
constexpr uint64_t kRW = 3ull << 6, kRO = 1ull << 6; // S2AP
constexpr uint64_t kTable = 3, kPage = 3, kBlock = 1;

inline void load_tables(PlainMemory &m)
{
	m.put64(kRoot + 1 * 8, kL2 | kTable);                       // L1[1]: 1 GiB at 0x4000_0000
	m.put64(kL2 + 0 * 8, kL3 | kTable);                         // L2[0]
	m.put64(kL2 + 1 * 8, 0x200000 | kPageAttrs | kRW | kBlock); // L2[1]: 2 MiB block
	m.put64(kL3 + 5 * 8, 0x80000 | kPageAttrs | kRW | kPage);   // 0x4000_5000 RW
	m.put64(kL3 + 6 * 8, 0x81000 | kPageAttrs | kRO | kPage);   // 0x4000_6000 RO
	// L3[7] stays 0: 0x4000_7000 is unmapped
	const char msg[] = "hello, stage 2";
	std::memcpy(&m.mem[0x80123], msg, sizeof(msg));
	m.put64(0x201008, 0x1122334455667788ull);
}

} // namespace tables
} // namespace plain

#endif
