/*
 * s2sim::Hypervisor: the C core's KVM model as a module (hypervisor.h).
 */
#include <s2sim/systemc/hypervisor.h>
#include <s2sim/systemc/report.h>

#include "model/c_core.h"

namespace s2sim {

using sc_core::sc_time;
using tlm::tlm_generic_payload;

static_assert(S2SIM_T_NBUCKETS <= 16, "scratch time buckets");

Hypervisor::Hypervisor(sc_core::sc_module_name name, EngineBridge &bridge,
		       struct s2sim_kvm *kvm)
	: sc_module(name), abort_in("abort_in"), maint_out("maint_out"),
	  bridge_(bridge), kvm_(kvm)
{
	struct s2sim_kvm_dvm_port port = { this, port_tlbi, port_dsb_ish,
					   port_barrier };

	abort_in.register_b_transport(this, &Hypervisor::abort_transport);
	s2sim_kvm_set_dvm_port(kvm, &port);
	for (unsigned i = 0; i < max_depth; i++)
		gp_[i].set_extension(&ext_[i]);
}

Hypervisor::~Hypervisor()
{
	for (unsigned i = 0; i < max_depth; i++)
		gp_[i].clear_extension(&ext_[i]);
}

void Hypervisor::attach(Mmu &mmu)
{
	struct s2sim_kvm *kvm = kvm_;

	mmu.on_sync_complete([kvm](std::uint32_t pe, std::uint64_t t) {
		s2sim_kvm_sync_done(kvm, pe, t);
	});
}

static void prepare(tlm_generic_payload &gp, DvmExtension &x, DvmCommand cmd)
{
	gp.set_command(tlm::TLM_IGNORE_COMMAND);
	gp.set_address(0);
	gp.set_data_ptr(nullptr);
	gp.set_data_length(0);
	gp.set_streaming_width(0);
	gp.set_byte_enable_ptr(nullptr);
	gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	x = DvmExtension();
	x.cmd = cmd;
}

/* Which maint_out index reaches which PE's Mmu. */
void Hypervisor::start_of_simulation()
{
	for (int i = 0; i < static_cast<int>(maint_out.size()); i++) {
		sc_time d = sc_core::SC_ZERO_TIME;

		prepare(gp_[0], ext_[0], DvmCommand::Identify);
		maint_out[i]->b_transport(gp_[0], d);
		if (!gp_[0].is_response_ok()) {
			SC_REPORT_ERROR(msg::hypervisor, "maint_out target did not identify its PE");
			continue;
		}
		std::uint32_t pe = ext_[0].pe;
		if (pe >= route_.size())
			route_.resize(pe + 1, -1);
		route_[pe] = i;
	}
}

/* One maintenance instruction of PE `pe` at time t. */
int Hypervisor::maint(std::uint32_t pe, std::uint64_t t, DvmCommand cmd,
		      const struct s2sim_dvm_op *op, std::uint64_t *done)
{
	int idx = pe < route_.size() ? route_[pe] : -1;
	std::uint64_t now = now_ps();

	if (idx < 0 || depth_ == max_depth || t < now) {
		SC_REPORT_ERROR(msg::hypervisor,
				idx < 0 ? "TLB maintenance from a PE with no Mmu on maint_out"
					: "TLB maintenance nested too deeply or in the past");
		return S2SIM_ESIM;
	}
	tlm_generic_payload &gp = gp_[depth_];
	DvmExtension &x = ext_[depth_];
	sc_time d = delay_(t - now);

	prepare(gp, x, cmd);
	x.pe = pe;
	if (op) {
		x.op = *op;
		gp.set_address(op->ipa);
	}
	depth_++;
	maint_out[idx]->b_transport(gp, d);
	depth_--;
	maint_++;
	if (done)
		*done = x.done_ps;
	if (gp.is_response_ok())
		return S2SIM_OK;
	return x.rc != S2SIM_OK ? x.rc : S2SIM_ESIM;
}

int Hypervisor::port_tlbi(void *ctx, std::uint32_t pe, s2sim_time_ps t,
			  const struct s2sim_dvm_op *op)
{
	return static_cast<Hypervisor *>(ctx)->maint(pe, t, DvmCommand::Tlbi, op,
						     nullptr);
}

int Hypervisor::port_dsb_ish(void *ctx, std::uint32_t pe, s2sim_time_ps t)
{
	return static_cast<Hypervisor *>(ctx)->maint(pe, t, DvmCommand::DsbIsh,
						     nullptr, nullptr);
}

int Hypervisor::port_barrier(void *ctx, std::uint32_t pe, s2sim_time_ps t,
			     enum s2sim_barrier b, s2sim_time_ps *done)
{
	DvmCommand cmd = b == S2SIM_BARRIER_DSB_ISHST ? DvmCommand::DsbIshst
			 : b == S2SIM_BARRIER_DSB_NSH ? DvmCommand::DsbNsh
						      : DvmCommand::Isb;

	return static_cast<Hypervisor *>(ctx)->maint(pe, t, cmd, nullptr, done);
}

Hypervisor::Pending &Hypervisor::pending(std::uint32_t vcpu)
{
	while (pending_.size() <= vcpu)
		pending_.push_back(std::unique_ptr<Pending>(new Pending{ this, nullptr }));
	return *pending_[vcpu];
}

/* The fault's result as the core's MMU returned it. */
static struct s2sim_mmu_result mmu_result(const FaultExtension &fx)
{
	struct s2sim_mmu_result r = {};

	if (fx.type == FaultType::TlbConflict) {
		r.outcome = S2SIM_MMU_CONFLICT;
	} else {
		r.outcome = S2SIM_MMU_FAULT;
		r.fault = static_cast<enum s2sim_fault>(fx.type);
	}
	r.level = fx.level;
	r.where = static_cast<std::uint8_t>(fx.where);
	r.pa = fx.pa;
	r.latency_ps = fx.latency_ps;
	return r;
}

void Hypervisor::abort_transport(int id, tlm_generic_payload &trans, sc_time &delay)
{
	FaultExtension *fx = trans.get_extension<FaultExtension>();
	AccessExtension *ax = trans.get_extension<AccessExtension>();
	std::uint32_t vcpu = ax ? ax->vcpu : static_cast<std::uint32_t>(id);
	Turn *turn = bridge_.holder();

	trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
	if (!fx || !turn) {
		SC_REPORT_ERROR(msg::hypervisor,
				!fx ? "abort without FaultExtension"
				    : "abort from a process that does not hold its Turn");
		return;
	}
	struct s2sim_mmu_result r = mmu_result(*fx);
	Pending &p = pending(vcpu);
	std::uint64_t *acct = ax && ax->time_buckets ? ax->time_buckets : scratch_;

	p.turn = turn;
	aborts_++;
	int rc = s2sim_kvm_guest_abort(kvm_, vcpu, now_ps() + time_to_ps(delay),
				       fx->ipa, fx->write, &r, acct, abort_done, &p);
	if (rc != S2SIM_OK) {
		SC_REPORT_ERROR(msg::hypervisor, s2sim_kvm_errmsg(kvm_));
		return;
	}
	turn->yield(); /* abort_done() schedules the grant */
	delay = sc_core::SC_ZERO_TIME;
	trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

/* Back into the guest at t: the vCPU runs again from an engine event at
 * max(t, now), as the native run's fault_done() schedules it. */
void Hypervisor::abort_done(void *ctx, s2sim_time_ps t)
{
	static_cast<Pending *>(ctx)->turn->grant_at(t);
}

int Hypervisor::vmm(const s2sim_record &rec, std::uint64_t t_ps, DoneFn done)
{
	int rc;

	vmm_done_ = std::move(done);
	rc = s2sim_kvm_vmm(kvm_, &rec, t_ps, vmm_done, this);
	if (rc != S2SIM_OK)
		SC_REPORT_ERROR(msg::hypervisor, s2sim_kvm_errmsg(kvm_));
	return rc;
}

void Hypervisor::vmm_done(void *ctx, s2sim_time_ps t)
{
	Hypervisor *h = static_cast<Hypervisor *>(ctx);
	DoneFn done = h->vmm_done_;

	if (done)
		done(t);
}

} // namespace s2sim
