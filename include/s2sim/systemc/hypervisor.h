/*
 * s2sim SystemC model: the hypervisor (the C core's KVM model, core/kvm)
 * as a module.
 *
 *   abort_in  (multi-passthrough target)  guest aborts: the payload an Mmu
 *             answered with TLM_ADDRESS_ERROR_RESPONSE, with its
 *             FaultExtension (and the AccessExtension naming the vCPU and
 *             its time buckets; without it the socket index is the vCPU).
 *             The call runs the KVM fault handler (user_mem_abort and the
 *             TLB maintenance it issues) and returns when the vCPU would
 *             re-enter the guest: TLM_OK_RESPONSE, SystemC time advanced to
 *             that moment, delay zero.  The caller retries the access.  The
 *             caller must hold its EngineBridge Turn (as TrafficInitiator
 *             does): the handler's steps are engine events.
 *   maint_out (multi-passthrough initiator) the TLBIs, DSBs and ISBs the
 *             handler and the VMM issue, as DvmExtension transactions to the
 *             Mmu (maint_in) of the PE running the code; each socket index's
 *             PE is discovered at start of simulation.
 *
 * attach(mmu) routes that PE's DSB ISH completions back into the model.
 * vmm() runs one VMM record (memslot, dirty-log operation) on the VMM
 * thread's PE (hypervisor.vmm_pe).
 */
#ifndef S2SIM_SYSTEMC_HYPERVISOR_H
#define S2SIM_SYSTEMC_HYPERVISOR_H

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <s2sim/trace.h>
#include <s2sim/systemc/engine_bridge.h>
#include <s2sim/systemc/extensions.h>
#include <s2sim/systemc/mmu.h>
#include <s2sim/systemc/report.h>

struct s2sim_kvm;

namespace s2sim {

class Hypervisor : public sc_core::sc_module {
public:
	tlm_utils::multi_passthrough_target_socket_optional<Hypervisor> abort_in;
	tlm_utils::multi_passthrough_initiator_socket<Hypervisor> maint_out;

	using DoneFn = std::function<void(std::uint64_t t_ps)>;

	/* `kvm` runs on bridge.engine(); not owned.  Its TLB maintenance is
	 * routed through maint_out from now on. */
	Hypervisor(sc_core::sc_module_name name, EngineBridge &bridge,
		   struct s2sim_kvm *kvm);
	~Hypervisor() override;

	void attach(Mmu &mmu);
	/* Run a VMM record at t_ps (from engine context); done(t') when the
	 * VMM continues.  Returns the model's error code. */
	int vmm(const s2sim_record &rec, std::uint64_t t_ps, DoneFn done);

	std::uint64_t aborts() const { return aborts_; }
	std::uint64_t maintenance() const { return maint_; }

private:
	struct Pending {
		Hypervisor *hyp;
		Turn *turn;
	};

	void start_of_simulation() override;
	void abort_transport(int id, tlm::tlm_generic_payload &trans,
			     sc_core::sc_time &delay);
	int maint(std::uint32_t pe, std::uint64_t t, DvmCommand cmd,
		  const struct s2sim_dvm_op *op, std::uint64_t *done);
	Pending &pending(std::uint32_t vcpu);
	static int port_tlbi(void *ctx, std::uint32_t pe, s2sim_time_ps t,
			     const struct s2sim_dvm_op *op);
	static int port_dsb_ish(void *ctx, std::uint32_t pe, s2sim_time_ps t);
	static int port_barrier(void *ctx, std::uint32_t pe, s2sim_time_ps t,
				enum s2sim_barrier b, s2sim_time_ps *done);
	static void abort_done(void *ctx, s2sim_time_ps t);
	static void vmm_done(void *ctx, s2sim_time_ps t);

	EngineBridge &bridge_;
	struct s2sim_kvm *kvm_;
	std::vector<int> route_;     /* PE -> maint_out index, -1 */
	std::vector<std::unique_ptr<Pending>> pending_;
	DoneFn vmm_done_;
	std::uint64_t scratch_[16] = {};
	static constexpr unsigned max_depth = 4;
	tlm::tlm_generic_payload gp_[max_depth];
	DvmExtension ext_[max_depth];
	unsigned depth_ = 0;
	std::uint64_t aborts_ = 0, maint_ = 0;
	PsTime delay_;
};

} // namespace s2sim

#endif
