/*
 * s2sim SystemC model: the inner-shareable DVM fabric (include/s2sim/
 * fabric.h) as a TLM-2.0 interconnect component.
 *
 *   req   (multi-passthrough target)    TLB maintenance from the PEs (their
 *         Mmu's dvm_out, or any initiator): DvmExtension with the issuing
 *         PE.  Tlbi -> s2sim_fabric_tlbi (posted), DsbIsh ->
 *         s2sim_fabric_dsb_ish (posted: completion returns as SyncComplete
 *         on snoop), DsbIshst / DsbNsh / Isb -> s2sim_fabric_barrier
 *         (done_ps and the annotated delay give the completion).  The time
 *         of the instruction is SystemC time + the annotated delay.
 *   snoop (multi-passthrough initiator) to the PEs' Mmu dvm_in: every
 *         DVMOp the fabric delivers (Tlbi: apply it, entries removed come
 *         back in `removed`) and every DSB completion (SyncComplete).  The
 *         socket index of each PE is discovered at start of simulation
 *         with an Identify transaction, so binding order does not matter;
 *         a PE with no Mmu bound holds no entries (apply removes nothing).
 *
 * The fabric runs on the EngineBridge's engine; DvmFabric installs the
 * fabric's callbacks (replacing any).
 */
#ifndef S2SIM_SYSTEMC_DVM_FABRIC_H
#define S2SIM_SYSTEMC_DVM_FABRIC_H

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <s2sim/fabric.h>
#include <s2sim/systemc/engine_bridge.h>
#include <s2sim/systemc/extensions.h>
#include <s2sim/systemc/report.h>

namespace s2sim {

class DvmFabric : public sc_core::sc_module {
public:
	tlm_utils::multi_passthrough_target_socket<DvmFabric> req;
	tlm_utils::multi_passthrough_initiator_socket_optional<DvmFabric> snoop;

	/* `fab` must run on bridge.engine(); not owned. */
	DvmFabric(sc_core::sc_module_name name, EngineBridge &bridge,
		  s2sim_fabric *fab);
	~DvmFabric() override;

	s2sim_fabric *core() const { return fab_; }
	/* Snoop transactions sent (TLBI applications, sync completions). */
	std::uint64_t snoops() const { return snoops_; }

private:
	void start_of_simulation() override;
	void b_transport(int id, tlm::tlm_generic_payload &trans,
			 sc_core::sc_time &delay);
	void issue(DvmExtension &x, std::uint64_t t);
	std::uint64_t snoop_to(std::uint32_t pe, DvmCommand cmd,
			       const struct s2sim_dvm_op *op, std::uint64_t t);
	static std::uint64_t apply_cb(void *ctx, std::uint32_t pe,
				      const struct s2sim_dvm_op *op);
	static void sync_done_cb(void *ctx, std::uint32_t pe, s2sim_time_ps t);

	EngineBridge &bridge_;
	s2sim_fabric *fab_;
	std::vector<int> index_of_pe_;   /* -1: no Mmu bound */
	tlm::tlm_generic_payload gp_[2]; /* a snoop may nest in another */
	DvmExtension ext_[2];
	unsigned depth_ = 0;
	std::uint64_t snoops_ = 0;
	PsTime done_time_;
};

} // namespace s2sim

#endif
