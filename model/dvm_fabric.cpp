/*
 * s2sim::DvmFabric: the C fabric behind TLM-2.0 sockets (dvm_fabric.h).
 */
#include <s2sim/systemc/dvm_fabric.h>
#include <s2sim/systemc/report.h>

#include "model/c_core.h"

namespace s2sim {

using sc_core::sc_time;
using tlm::tlm_generic_payload;

static void prepare(tlm_generic_payload &gp)
{
	gp.set_command(tlm::TLM_IGNORE_COMMAND);
	gp.set_address(0);
	gp.set_data_ptr(nullptr);
	gp.set_data_length(0);
	gp.set_streaming_width(0);
	gp.set_byte_enable_ptr(nullptr);
	gp.set_dmi_allowed(false);
	gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

DvmFabric::DvmFabric(sc_core::sc_module_name name, EngineBridge &bridge,
		     s2sim_fabric *fab)
	: sc_module(name), req("req"), snoop("snoop"), bridge_(bridge), fab_(fab)
{
	struct s2sim_fabric_callbacks cb = { this, apply_cb, sync_done_cb };

	req.register_b_transport(this, &DvmFabric::b_transport);
	s2sim_fabric_set_callbacks(fab, &cb);
	for (int i = 0; i < 2; i++)
		gp_[i].set_extension(&ext_[i]);
}

DvmFabric::~DvmFabric()
{
	for (int i = 0; i < 2; i++)
		gp_[i].clear_extension(&ext_[i]);
}

/* Which snoop index reaches which PE: ask each bound Mmu. */
void DvmFabric::start_of_simulation()
{
	for (int i = 0; i < static_cast<int>(snoop.size()); i++) {
		sc_time d = sc_core::SC_ZERO_TIME;

		prepare(gp_[0]);
		ext_[0] = DvmExtension();
		ext_[0].cmd = DvmCommand::Identify;
		snoop[i]->b_transport(gp_[0], d);
		if (!gp_[0].is_response_ok()) {
			SC_REPORT_ERROR(msg::fabric, "a snoop target did not identify its PE");
			continue;
		}
		std::uint32_t pe = ext_[0].pe;
		if (pe >= index_of_pe_.size())
			index_of_pe_.resize(pe + 1, -1);
		if (index_of_pe_[pe] >= 0)
			SC_REPORT_ERROR(msg::fabric, "two snoop targets claim the same PE");
		index_of_pe_[pe] = i;
	}
}

void DvmFabric::b_transport(int id, tlm_generic_payload &trans, sc_time &delay)
{
	DvmExtension *x = trans.get_extension<DvmExtension>();
	std::uint64_t t = now_ps() + time_to_ps(delay);

	(void)id;
	if (!x) {
		trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
		SC_REPORT_WARNING(msg::fabric, "req: a payload without DvmExtension");
		return;
	}
	if (t < bridge_.engine_ps()) {
		/* the fabric's state is already past that time */
		x->rc = S2SIM_EMISUSE;
		trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
		SC_REPORT_ERROR(msg::fabric, "DVM request in the fabric's past");
		return;
	}
	issue(*x, t);
	bridge_.kick();
	if (x->rc == S2SIM_OK && x->done_ps > t)
		delay += done_time_(x->done_ps - t);
	trans.set_response_status(x->rc == S2SIM_OK ? tlm::TLM_OK_RESPONSE
						    : tlm::TLM_GENERIC_ERROR_RESPONSE);
}

void DvmFabric::issue(DvmExtension &x, std::uint64_t t)
{
	s2sim_time_ps done = t;

	x.done_ps = t;
	switch (x.cmd) {
	case DvmCommand::Tlbi:
		x.rc = s2sim_fabric_tlbi(fab_, x.pe, t, &x.op);
		return;
	case DvmCommand::DsbIsh:
		x.rc = s2sim_fabric_dsb_ish(fab_, x.pe, t);
		return;
	case DvmCommand::DsbIshst:
		x.rc = s2sim_fabric_barrier(fab_, x.pe, t, S2SIM_BARRIER_DSB_ISHST, &done);
		break;
	case DvmCommand::DsbNsh:
		x.rc = s2sim_fabric_barrier(fab_, x.pe, t, S2SIM_BARRIER_DSB_NSH, &done);
		break;
	case DvmCommand::Isb:
		x.rc = s2sim_fabric_barrier(fab_, x.pe, t, S2SIM_BARRIER_ISB, &done);
		break;
	default:
		x.rc = S2SIM_EMISUSE;
		return;
	}
	x.done_ps = done;
}

/* Send `cmd` (with `op`) to PE `pe` at engine time `t` (engine now when
 * t is 0); returns the entries the PE removed (0 when no Mmu is bound for
 * it: such a PE holds no entries). */
std::uint64_t DvmFabric::snoop_to(std::uint32_t pe, DvmCommand cmd,
				  const struct s2sim_dvm_op *op, std::uint64_t t)
{
	int idx = pe < index_of_pe_.size() ? index_of_pe_[pe] : -1;

	if (idx < 0)
		return 0;
	if (depth_ == 2) {
		SC_REPORT_ERROR(msg::fabric, "snoops nested too deeply");
		return 0;
	}
	tlm_generic_payload &gp = gp_[depth_];
	DvmExtension &x = ext_[depth_];
	sc_time d = bridge_.delay_of(t ? t : bridge_.engine_ps());

	prepare(gp);
	x.cmd = cmd;
	x.pe = pe;
	x.removed = 0;
	if (op)
		x.op = *op;
	depth_++;
	snoop[idx]->b_transport(gp, d);
	depth_--;
	snoops_++;
	if (!gp.is_response_ok())
		SC_REPORT_ERROR(msg::fabric, "a PE rejected a snoop");
	return x.removed;
}

/* The fabric's callbacks, from engine events (the bridge's thread). */
std::uint64_t DvmFabric::apply_cb(void *ctx, std::uint32_t pe,
				  const struct s2sim_dvm_op *op)
{
	DvmFabric *f = static_cast<DvmFabric *>(ctx);

	if (pe >= f->index_of_pe_.size() || f->index_of_pe_[pe] < 0)
		return 0; /* most PEs of a large platform run no vCPU */
	return f->snoop_to(pe, DvmCommand::Tlbi, op, 0);
}

void DvmFabric::sync_done_cb(void *ctx, std::uint32_t pe, s2sim_time_ps t)
{
	DvmFabric *f = static_cast<DvmFabric *>(ctx);

	f->snoop_to(pe, DvmCommand::SyncComplete, nullptr, t);
}

} // namespace s2sim
