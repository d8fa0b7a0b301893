/*
 * s2sim::Mmu: the C core's per-PE MMU behind TLM-2.0 sockets (mmu.h).
 */
#include <cstring>

#include <s2sim/systemc/mmu.h>
#include <s2sim/systemc/report.h>

#include "model/c_core.h"

namespace s2sim {

using sc_core::sc_time;
using tlm::tlm_generic_payload;

static_assert(static_cast<int>(MemSource::Unknown) == S2SIM_MEM_UNKNOWN,
	      "MemSource mirrors enum s2sim_mem_src");
static_assert(static_cast<int>(FaultType::Permission) == S2SIM_FAULT_PERMISSION,
	      "FaultType mirrors enum s2sim_fault");

Mmu::Mmu(sc_core::sc_module_name name, const s2sim_config *cfg,
	 std::uint32_t pe, const VmContext &vm)
	: sc_module(name), ipa_in("ipa_in"), pa_out("pa_out"),
	  walk_out("walk_out"), maint_in("maint_in"), dvm_out("dvm_out"),
	  dvm_in("dvm_in"), pe_(pe)
{
	struct s2sim_errbuf err = {};
	int rc;

	bind_sockets();
	check_time_resolution();
	core_ = new s2sim_mmu();
	own_ctx_ = new s2sim_s2ctx();
	rc = s2sim_s2ctx_init(own_ctx_, vm.root_pa, vm.vmid, vm.ipa_bits,
			      vm.pa_bits, vm.start_level, &err);
	if (rc == S2SIM_OK)
		rc = s2sim_mmu_init(core_, s2sim_config_values(cfg), pe,
				    s2sim_memport{ port_read64, this, port_last_src },
				    own_ctx_, &err);
	if (rc != S2SIM_OK) {
		SC_REPORT_ERROR(msg::mmu, s2sim_err_msg(&err));
		return;
	}
	owned_ = true;
}

Mmu::Mmu(sc_core::sc_module_name name, struct s2sim_mmu *core)
	: sc_module(name), ipa_in("ipa_in"), pa_out("pa_out"),
	  walk_out("walk_out"), maint_in("maint_in"), dvm_out("dvm_out"),
	  dvm_in("dvm_in"), core_(core), pe_(core->pe)
{
	bind_sockets();
	check_time_resolution();
	attach_port();
}

Mmu::~Mmu()
{
	walk_gp_.clear_extension(&walk_ext_);
	if (owned_)
		s2sim_mmu_fini(core_);
	if (own_ctx_) {
		delete core_;
		delete own_ctx_;
	}
}

void Mmu::bind_sockets()
{
	ipa_in.register_b_transport(this, &Mmu::b_transport);
	ipa_in.register_get_direct_mem_ptr(this, &Mmu::get_direct_mem_ptr);
	pa_out.register_invalidate_direct_mem_ptr(this, &Mmu::invalidate_pa);
	maint_in.register_b_transport(this, &Mmu::maint_b_transport);
	dvm_in.register_b_transport(this, &Mmu::dvm_b_transport);
	walk_gp_.set_extension(&walk_ext_);
	walk_gp_.set_data_ptr(walk_buf_);
	walk_gp_.set_data_length(sizeof(walk_buf_));
	walk_gp_.set_streaming_width(sizeof(walk_buf_));
}

/* The walker fetches through walk_out (memport.h's contract). */
void Mmu::attach_port()
{
	core_->walker.port = s2sim_memport{ port_read64, this, port_last_src };
}

std::uint64_t Mmu::port_read64(void *ctx, std::uint64_t pa, int level,
			       std::uint64_t *latency_ps)
{
	Mmu *m = static_cast<Mmu *>(ctx);
	tlm_generic_payload &gp = m->walk_gp_;
	sc_time d = m->walk_offset_;
	std::uint64_t t0 = now_ps(), before = time_to_ps(d), lat, desc = 0;

	gp.set_command(tlm::TLM_READ_COMMAND);
	gp.set_address(pa);
	gp.set_byte_enable_ptr(nullptr);
	gp.set_dmi_allowed(false);
	gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	m->walk_ext_.pe = m->pe_;
	m->walk_ext_.level = level;
	m->walk_ext_.src = MemSource::Unknown;
	m->walk_out->b_transport(gp, d);
	/* what the memory added, including any time it waited */
	lat = now_ps() - t0 + time_to_ps(d);
	lat = lat > before ? lat - before : 0;
	*latency_ps = lat;
	m->walk_offset_ += m->fetch_time_(lat);
	if (gp.is_response_error()) {
		m->walk_errors_++;
		SC_REPORT_WARNING(msg::mmu, (std::string(m->name()) +
				  ": descriptor fetch failed: " +
				  gp.get_response_string()).c_str());
		return 0; /* an invalid descriptor: a translation fault */
	}
	for (int i = 7; i >= 0; i--) /* descriptors are little-endian */
		desc = desc << 8 | m->walk_buf_[i];
	return desc;
}

int Mmu::port_last_src(void *ctx)
{
	return static_cast<int>(static_cast<Mmu *>(ctx)->walk_ext_.src);
}

void Mmu::b_transport(tlm_generic_payload &trans, sc_time &delay)
{
	AccessExtension *ax = trans.get_extension<AccessExtension>();
	std::uint64_t ipa = trans.get_address();
	bool write = trans.is_write();
	struct s2sim_mmu_result r;

	if (ax && ax->check_vmid && ax->vmid != core_->ctx->vmid) {
		trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
		SC_REPORT_WARNING(msg::mmu, "access for a VMID this MMU does not run");
		return;
	}
	walk_offset_ = delay + lookup_time_(core_->l1_ps + core_->l2_ps);
	s2sim_mmu_access(core_, ipa, write, &r);
	delay += latency_time_(r.latency_ps);
	if (ax) {
		ax->where = static_cast<TranslatedBy>(r.where);
		ax->level = r.level;
		ax->pa = r.outcome == S2SIM_MMU_OK ? r.pa : 0;
		ax->translation_ps = r.latency_ps;
	}
	if (r.outcome != S2SIM_MMU_OK) {
		report_fault(trans, &r, ipa, write);
		return;
	}
	trans.set_address(r.pa);
	pa_out->b_transport(trans, delay);
	trans.set_address(ipa);
}

/* The syndrome of a stage-2 abort (ESR_EL2 and HPFAR_EL2 as the core's
 * desc.c computes them; a TLB conflict abort has DFSC 0b110000). */
void Mmu::report_fault(tlm_generic_payload &trans, const void *result,
		       std::uint64_t ipa, bool write)
{
	const struct s2sim_mmu_result &r =
		*static_cast<const struct s2sim_mmu_result *>(result);
	FaultExtension *fx = trans.get_extension<FaultExtension>();

	if (!fx) {
		fx = new FaultExtension;
		if (trans.has_mm())
			trans.set_auto_extension(fx);
		else
			trans.set_extension(fx);
	}
	if (r.outcome == S2SIM_MMU_CONFLICT) {
		fx->type = FaultType::TlbConflict;
		fx->dfsc = S2SIM_DFSC_TLB_CONFLICT;
		fx->esr = 0x24ull << 26 | 1ull << 25 | (write ? 1u << 6 : 0) |
			  S2SIM_DFSC_TLB_CONFLICT;
		fx->hpfar_valid = false;
	} else {
		fx->type = static_cast<FaultType>(r.fault);
		fx->dfsc = s2sim_fault_dfsc(r.fault, r.level);
		fx->esr = s2sim_fault_esr(r.fault, r.level,
					  write ? S2SIM_ACC_WRITE : S2SIM_ACC_READ);
		fx->hpfar_valid = s2sim_fault_hpfar_valid(r.fault);
	}
	fx->hpfar = s2sim_fault_hpfar(ipa);
	fx->level = r.level;
	fx->write = write;
	fx->ipa = ipa;
	fx->where = static_cast<TranslatedBy>(r.where);
	fx->latency_ps = r.latency_ps;
	fx->pa = r.pa;
	trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

void Mmu::maint_b_transport(tlm_generic_payload &trans, sc_time &delay)
{
	DvmExtension *x = trans.get_extension<DvmExtension>();

	if (!x) {
		trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
		SC_REPORT_WARNING(msg::mmu, "maint_in: a payload without DvmExtension");
		return;
	}
	x->pe = pe_;
	if (x->cmd == DvmCommand::Identify) {
		trans.set_response_status(tlm::TLM_OK_RESPONSE);
		return;
	}
	if (dvm_out.size() == 0) {
		x->rc = S2SIM_EMISUSE;
		trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
		SC_REPORT_ERROR(msg::mmu, "TLB maintenance with dvm_out unbound");
		return;
	}
	dvm_out->b_transport(trans, delay);
}

void Mmu::dvm_b_transport(tlm_generic_payload &trans, sc_time &delay)
{
	DvmExtension *x = trans.get_extension<DvmExtension>();

	trans.set_response_status(tlm::TLM_OK_RESPONSE);
	if (!x) {
		trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
		SC_REPORT_WARNING(msg::mmu, "dvm_in: a payload without DvmExtension");
		return;
	}
	switch (x->cmd) {
	case DvmCommand::Identify:
		x->pe = pe_;
		break;
	case DvmCommand::Tlbi:
		apply_tlbi(*x);
		break;
	case DvmCommand::SyncComplete:
		sync_ev_.notify(delay);
		if (sync_listener_)
			sync_listener_(pe_, now_ps() + time_to_ps(delay));
		break;
	default:
		trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
		SC_REPORT_WARNING(msg::mmu, "dvm_in: not a snoop command");
		break;
	}
}

void Mmu::apply_tlbi(DvmExtension &x)
{
	x.removed = s2sim_mmu_tlbi(core_, &x.op);
	for (std::size_t i = 0; i < dmi_.size();) {
		if (!s2sim_dvm_op_overlaps(&x.op, core_->ctx->vmid, dmi_[i].ipa, 12)) {
			i++;
			continue;
		}
		std::uint64_t ipa = dmi_[i].ipa;

		dmi_[i] = dmi_.back();
		dmi_.pop_back();
		dmi_invalidations_++;
		ipa_in->invalidate_direct_mem_ptr(ipa, ipa + 0xfff);
	}
}

} // namespace s2sim
