/*
 * s2sim SystemC model: one PE's stage-2 MMU as a TLM-2.0 component.
 *
 *   ipa_in   (target)     guest accesses addressed by IPA (generic payload;
 *                         optional AccessExtension).  Translated by the C
 *                         core's MMU (L1 TLB, L2 TLB, walk cache, walker);
 *                         on success forwarded to pa_out with the address
 *                         replaced by the PA (restored on return) and the
 *                         translation latency added to the annotated delay;
 *                         on a fault answered TLM_ADDRESS_ERROR_RESPONSE
 *                         with a FaultExtension.  DMI: see below.
 *   pa_out   (initiator)  the data access, addressed by PA.
 *   walk_out (initiator)  the walker's descriptor fetches: 8-byte reads with
 *                         a WalkExtension; each fetch's latency is what the
 *                         memory adds to the annotated delay (plus any time
 *                         it waits), so table-walk timing comes from the
 *                         platform's memory.  An error response reads as an
 *                         invalid descriptor (and is reported).
 *   maint_in (target)     TLB maintenance this PE executes (DvmExtension:
 *                         TLBI, DSB, ISB); stamped with the PE and passed to
 *                         dvm_out.  Optional.
 *   dvm_out  (initiator)  to the DvmFabric.  Optional.
 *   dvm_in   (target)     from the DvmFabric: a TLBI to apply to this PE's
 *                         TLBs and walk cache, or the completion of this
 *                         PE's DSB ISH (sync_complete_event() and the
 *                         listener).  Optional.
 *
 * DMI (off unless enable_dmi(true)): a get_direct_mem_ptr on ipa_in is
 * translated like an access (it counts in the MMU's statistics); if it
 * succeeds and pa_out grants DMI over the page, the Mmu grants the 4 KiB
 * IPA page, read-only unless the translating access was a write.  Every
 * grant is withdrawn (invalidate_direct_mem_ptr on ipa_in) when a TLBI
 * applied through dvm_in may cover it, and when pa_out withdraws the PA.
 * A DMI user bypasses the TLB model (no hits counted, no latency), which is
 * why s2sim-vp's initiators do not use it.
 */
#ifndef S2SIM_SYSTEMC_MMU_H
#define S2SIM_SYSTEMC_MMU_H

#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <s2sim/config.h>
#include <s2sim/systemc/extensions.h>
#include <s2sim/systemc/report.h>

struct s2sim_mmu;
struct s2sim_s2ctx;

namespace s2sim {

/* The VM a standalone Mmu translates for: VTTBR_EL2 and VTCR_EL2. */
struct VmContext {
	std::uint64_t root_pa = 0;     /* VTTBR_EL2.BADDR */
	std::uint16_t vmid = 1;
	unsigned ipa_bits = 40;        /* 64 - VTCR_EL2.T0SZ */
	unsigned pa_bits = 48;         /* VTCR_EL2.PS */
	unsigned start_level = 1;      /* VTCR_EL2.SL0 */
};

class Mmu : public sc_core::sc_module {
public:
	tlm_utils::simple_target_socket_optional<Mmu> ipa_in;
	tlm_utils::simple_initiator_socket<Mmu> pa_out;
	tlm_utils::simple_initiator_socket<Mmu> walk_out;
	tlm_utils::simple_target_socket_optional<Mmu> maint_in;
	tlm_utils::simple_initiator_socket_optional<Mmu> dvm_out;
	tlm_utils::simple_target_socket_optional<Mmu> dvm_in;

	/* A standalone MMU of PE `pe`, built from the platform section of a
	 * validated configuration (TLBs, walk cache, latencies).  Errors are
	 * reported (SC_REPORT_ERROR, s2sim/mmu). */
	Mmu(sc_core::sc_module_name name, const s2sim_config *cfg,
	    std::uint32_t pe, const VmContext &vm);
	/* Wrap an MMU the caller owns (its walker's memory port is re-pointed
	 * at walk_out); it must outlive the module. */
	Mmu(sc_core::sc_module_name name, struct s2sim_mmu *core);
	~Mmu() override;

	struct s2sim_mmu *core() const { return core_; }
	std::uint32_t pe() const { return pe_; }

	/* The listener is told of this PE's DSB ISH completions (time in ps);
	 * the event is notified at that time too. */
	void on_sync_complete(std::function<void(std::uint32_t, std::uint64_t)> f)
	{
		sync_listener_ = std::move(f);
	}
	const sc_core::sc_event &sync_complete_event() const { return sync_ev_; }

	void enable_dmi(bool on) { dmi_enabled_ = on; }
	std::uint64_t dmi_grants() const { return dmi_grants_; }
	std::uint64_t dmi_invalidations() const { return dmi_invalidations_; }
	/* Descriptor fetches that got an error response. */
	std::uint64_t walk_errors() const { return walk_errors_; }

private:
	struct DmiGrant {
		std::uint64_t ipa, pa; /* 4 KiB pages */
	};

	void bind_sockets();
	void attach_port();
	void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
	bool get_direct_mem_ptr(tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi);
	void invalidate_pa(sc_dt::uint64 start, sc_dt::uint64 end);
	void maint_b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
	void dvm_b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
	void apply_tlbi(DvmExtension &ext);
	void report_fault(tlm::tlm_generic_payload &trans, const void *result,
			  std::uint64_t ipa, bool write);
	static std::uint64_t port_read64(void *ctx, std::uint64_t pa, int level,
					 std::uint64_t *latency_ps);
	static int port_last_src(void *ctx);

	struct s2sim_mmu *core_ = nullptr;
	struct s2sim_s2ctx *own_ctx_ = nullptr;
	bool owned_ = false;
	std::uint32_t pe_ = 0;

	/* walker fetches */
	tlm::tlm_generic_payload walk_gp_;
	WalkExtension walk_ext_;
	unsigned char walk_buf_[8] = {};
	sc_core::sc_time walk_offset_;   /* annotated time of the next fetch */
	std::uint64_t walk_errors_ = 0;
	PsTime lookup_time_, latency_time_, fetch_time_;

	std::function<void(std::uint32_t, std::uint64_t)> sync_listener_;
	sc_core::sc_event sync_ev_;

	bool dmi_enabled_ = false;
	std::vector<DmiGrant> dmi_;
	std::uint64_t dmi_grants_ = 0, dmi_invalidations_ = 0;
};

} // namespace s2sim

#endif
