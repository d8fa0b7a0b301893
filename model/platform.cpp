/*
 * s2sim::Platform: the example virtual platform (platform.h).  The C side
 * is built as core/run/sim.c builds it, so the two runs share every model.
 */
#include <s2sim/systemc/report.h>

#include "model/platform_impl.h"

namespace s2sim {

using sc_core::sc_time;

Platform::Impl::~Impl()
{
	/* modules first: they point into the C objects */
	vcpus.clear();
	disp.reset();
	hyp.reset();
	memory.reset();
	dvm.reset();
	vmm_mmu.reset();
	mmus.clear();
	bridge.reset();
	s2sim_kvm_destroy(kvm);
	s2sim_fabric_destroy(fabric);
	if (machine_ready)
		s2sim_machine_fini(&machine);
	s2sim_workload_destroy(wl);
	s2sim_stats_destroy(stats);
	s2sim_engine_destroy(eng);
}

int Platform::fail(int rc, const std::string &msg)
{
	rc_ = rc;
	msg_ = msg;
	return rc;
}

static void note_install(void *ctx, std::uint32_t pe, std::uint16_t vmid,
			 std::uint64_t ipa, unsigned size_log2)
{
	s2sim_fabric_note_install(static_cast<s2sim_fabric *>(ctx), pe, vmid, ipa,
				  size_log2);
}

/* The C objects, as sim.c's sim_build() and build_hypervisor() make them. */
static int build_core(Platform::Impl &m, std::string &msg)
{
	const struct s2sim_cfg *c = m.cfg;
	struct s2sim_fabric_params fp;
	int rc;

	/* The VP's dispatcher parks the vCPUs for every VMM record; the
	 * concurrent VMM thread is core/run/vmm_thread.c's only. */
	if (c->workload.vmm_concurrent)
		return msg = "workload.vmm_concurrent: s2sim-vp does not model a "
			     "VMM thread running concurrently with the vCPUs "
			     "(use s2sim run, or set it to false)",
		       S2SIM_EINPUT;
	if (s2sim_engine_create(&m.eng) != S2SIM_OK ||
	    s2sim_stats_create(&m.stats) != S2SIM_OK)
		return msg = "out of memory", S2SIM_ENOMEM;
	m.quantum_ps = c->sim.quantum_ns * 1000;
	m.interval_ps = c->sim.timeline_interval_us * 1000000;
	m.access_ps = s2sim_clock_cycles(s2sim_clock_from_mhz(c->platform.cpu_mhz),
					 c->platform.access_cycles);
	s2sim_engine_set_quantum(m.eng, m.quantum_ps);
	rc = s2sim_workload_from_config(&m.wl, m.config);
	if (rc != S2SIM_OK)
		return msg = s2sim_workload_errmsg(m.wl), rc;
	m.nvcpus = s2sim_workload_vcpus(m.wl);
	if (m.nvcpus == 0 || m.nvcpus > c->platform.pes)
		return msg = "the workload has " + std::to_string(m.nvcpus) +
			     " vCPUs; the platform has " +
			     std::to_string(c->platform.pes) + " PEs",
		       S2SIM_EINPUT;
	rc = m.register_stats();
	if (rc != S2SIM_OK)
		return msg = std::string("stats: ") + s2sim_stats_errmsg(m.stats), rc;
	m.machine_ready = true;
	rc = s2sim_machine_init(&m.machine, c, m.nvcpus, m.stats, &m.err);
	if (rc != S2SIM_OK)
		return msg = s2sim_err_msg(&m.err), rc;
	s2sim_cfg_fabric_params(c, &fp);
	rc = s2sim_fabric_create(m.eng, &fp, &m.fabric);
	if (rc == S2SIM_OK)
		rc = s2sim_fabric_register_stats(m.fabric, m.stats, "fabric");
	if (rc != S2SIM_OK)
		return msg = std::string("fabric: ") +
			     (m.fabric ? s2sim_fabric_errmsg(m.fabric) : "out of memory"),
		       rc;
	if (c->fabric.snoop_filter != S2SIM_SNOOP_FILTER_NONE)
		for (std::uint32_t i = 0; i < m.nvcpus; i++) {
			m.machine.mmu[i].on_install = note_install;
			m.machine.mmu[i].install_ctx = m.fabric;
		}
	rc = s2sim_kvm_create(&m.kvm, c, m.eng, m.fabric, m.stats, &m.machine.pt,
			      m.machine.mmu, m.nvcpus, &m.err);
	if (rc != S2SIM_OK)
		return msg = s2sim_err_msg(&m.err), rc;
	return S2SIM_OK;
}

/* The VMM thread's PE, when no vCPU runs there, still needs an Mmu for its
 * TLB maintenance to leave by (it holds no entries of the VM). */
static void make_vmm_mmu(Platform::Impl &m)
{
	std::uint32_t pe = m.cfg->hypervisor.vmm_pe;
	const struct s2sim_s2ctx &x = m.machine.pt.ctx;
	VmContext vm;

	if (pe < m.nvcpus)
		return;
	vm.root_pa = x.root_pa;
	vm.vmid = x.vmid;
	vm.ipa_bits = x.ipa_bits;
	vm.pa_bits = m.cfg->platform.pa_bits;
	vm.start_level = x.start_level;
	m.vmm_mmu.reset(new Mmu("vmm_mmu", m.config, pe, vm));
}

static void bind_mmu(Platform::Impl &m, Mmu &u)
{
	u.pa_out.bind(m.memory->data_in);
	u.walk_out.bind(m.memory->walk_in);
	u.dvm_out.bind(m.dvm->req);
	m.dvm->snoop.bind(u.dvm_in);
	m.hyp->maint_out.bind(u.maint_in);
	m.hyp->attach(u);
}

static void build_modules(Platform::Impl &m)
{
	sc_time q = ps_to_time(m.quantum_ps);
	TrafficInitiator::Params p;

	m.bridge.reset(new EngineBridge("bridge", m.eng, q));
	tlm_utils::tlm_quantumkeeper::set_global_quantum(q);
	m.dvm.reset(new DvmFabric("dvm", *m.bridge, m.fabric));
	m.hyp.reset(new Hypervisor("hypervisor", *m.bridge, m.kvm));
	m.memory.reset(new Memory("memory", m.machine.ms, m.machine.pm,
				  ps_to_time(m.access_ps)));
	m.disp.reset(new WorkloadDispatcher("workload", *m.bridge, m.wl, *m.hyp));
	p.cpi = m.cfg->platform.cpi;
	p.cycle_ps = s2sim_clock_from_mhz(m.cfg->platform.cpu_mhz).period_ps;
	p.interval_ps = m.interval_ps;
	p.timeline = m.tl;
	for (std::uint32_t i = 0; i < m.nvcpus; i++) {
		std::string n = std::to_string(i);

		m.mmus.emplace_back(new Mmu(("mmu_" + n).c_str(), &m.machine.mmu[i]));
		m.vcpus.emplace_back(new TrafficInitiator(("vcpu_" + n).c_str(),
							  *m.bridge, *m.disp, i, p));
		m.vcpus[i]->mem.bind(m.mmus[i]->ipa_in);
		m.vcpus[i]->abort_out.bind(m.hyp->abort_in);
		bind_mmu(m, *m.mmus[i]);
	}
	make_vmm_mmu(m);
	if (m.vmm_mmu)
		bind_mmu(m, *m.vmm_mmu);
}

Platform::Platform(sc_core::sc_module_name name, const s2sim_config *cfg)
	: sc_module(name), impl_(new Impl)
{
	Impl &m = *impl_;
	int rc;

	if (!cfg) {
		fail(S2SIM_EMISUSE, "no configuration");
		return;
	}
	if (!check_time_resolution()) {
		fail(S2SIM_EMISUSE, "SystemC time resolution is not 1 ps");
		return;
	}
	m.config = cfg;
	m.cfg = s2sim_config_values(cfg);
	rc = build_core(m, msg_);
	if (rc != S2SIM_OK) {
		rc_ = rc;
		return;
	}
	build_modules(m);
	rc = m.register_vcpu_stats();
	if (rc != S2SIM_OK) {
		fail(rc, std::string("stats: ") + s2sim_stats_errmsg(m.stats));
		return;
	}
	m.bridge->set_check([this]() {
		Impl &i = *impl_;
		int e = s2sim_kvm_error(i.kvm);

		if (e != S2SIM_OK && rc_ == S2SIM_OK) {
			fail(e, s2sim_kvm_errmsg(i.kvm));
			SC_REPORT_ERROR(msg::hypervisor, s2sim_kvm_errmsg(i.kvm));
		}
		if (i.disp->failed() && rc_ == S2SIM_OK)
			fail(S2SIM_EINPUT, "the workload failed (see the report above)");
		return rc_ == S2SIM_OK;
	});
}

Platform::~Platform() = default;

int Platform::finish()
{
	Impl &m = *impl_;

	if (rc_ != S2SIM_OK)
		return rc_;
	if (m.disp->failed())
		return fail(S2SIM_EINPUT, "the workload failed (see the report above)");
	if (!m.disp->finished())
		return fail(S2SIM_ESIM, "no event left before the workload ended");
	m.end_time_ps = m.disp->end_time_ps();
	int rc = m.finalize();
	if (rc != S2SIM_OK)
		return fail(rc, std::string("stats: ") + s2sim_stats_errmsg(m.stats));
	return S2SIM_OK;
}

s2sim_stats *Platform::stats() const
{
	return impl_->stats;
}

std::uint64_t Platform::end_time_ps() const
{
	return impl_->end_time_ps;
}

std::uint32_t Platform::vcpus() const
{
	return impl_->nvcpus;
}

std::uint64_t Platform::accesses() const
{
	return impl_->total_accesses;
}

std::uint64_t Platform::grants() const
{
	return impl_->bridge ? impl_->bridge->grants() : 0;
}

} // namespace s2sim
