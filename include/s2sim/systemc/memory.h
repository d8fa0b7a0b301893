/*
 * s2sim SystemC model: the example platform's memory target.
 *
 *   walk_in (multi-passthrough target)  descriptor fetches from the Mmus'
 *           walk_out: 8-byte little-endian reads of the VM's stage-2 tables
 *           in the C core's simulated physical memory, timed by the C core's
 *           default memory port (memport.h: per-PE L1D and L2, shared SLC,
 *           DRAM, only table lines tracked), so the walks of s2sim-vp cost
 *           what they cost in `s2sim run`.  The PE comes from the
 *           WalkExtension (else the socket index); the level served is
 *           reported in it.  8-byte writes store a descriptor (untimed).
 *   data_in (multi-passthrough target)  guest data accesses from the Mmus'
 *           pa_out: guest data is not stored (reads return zeros, writes
 *           are dropped); each access costs `data_latency`
 *           (platform.access_cycles in s2sim-vp).  No DMI.
 */
#ifndef S2SIM_SYSTEMC_MEMORY_H
#define S2SIM_SYSTEMC_MEMORY_H

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

struct s2sim_memsys;
struct s2sim_physmem;

namespace s2sim {

class Memory : public sc_core::sc_module {
public:
	tlm_utils::multi_passthrough_target_socket_optional<Memory> walk_in;
	tlm_utils::multi_passthrough_target_socket_optional<Memory> data_in;

	/* Neither is owned. */
	Memory(sc_core::sc_module_name name, struct s2sim_memsys *ms,
	       struct s2sim_physmem *pm, const sc_core::sc_time &data_latency);

	std::uint64_t walk_reads() const { return walk_reads_; }
	std::uint64_t data_accesses() const { return data_accesses_; }

private:
	void walk_transport(int id, tlm::tlm_generic_payload &trans,
			    sc_core::sc_time &delay);
	void data_transport(int id, tlm::tlm_generic_payload &trans,
			    sc_core::sc_time &delay);

	struct s2sim_memsys *ms_;
	struct s2sim_physmem *pm_;
	sc_core::sc_time data_latency_;
	std::uint64_t walk_reads_ = 0, data_accesses_ = 0;
};

} // namespace s2sim

#endif
