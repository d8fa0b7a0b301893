/*
 * s2sim::Mmu's direct memory interface (mmu.h): a 4 KiB IPA page granted
 * over the PA page the memory grants, withdrawn by any TLBI that may
 * cover it -- a DMI pointer is a TLB entry the TLB model cannot see, so it
 * must never outlive an invalidation of its translation.
 */
#include <s2sim/systemc/mmu.h>
#include <s2sim/systemc/report.h>

#include "model/c_core.h"

namespace s2sim {

static constexpr std::uint64_t page_mask = 0xfff;

bool Mmu::get_direct_mem_ptr(tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi)
{
	std::uint64_t ipa = trans.get_address(), ipa_pg = ipa & ~page_mask, pa_pg;
	bool write = trans.is_write();
	struct s2sim_mmu_result r;
	tlm::tlm_dmi down;
	bool ok;

	/* whatever the answer, it is about this page only */
	dmi.set_start_address(ipa_pg);
	dmi.set_end_address(ipa_pg + page_mask);
	if (!dmi_enabled_)
		return false;
	walk_offset_ = sc_core::SC_ZERO_TIME;
	s2sim_mmu_access(core_, ipa, write, &r);
	if (r.outcome != S2SIM_MMU_OK)
		return false;
	pa_pg = r.pa & ~page_mask;
	trans.set_address(pa_pg);
	ok = pa_out->get_direct_mem_ptr(trans, down);
	trans.set_address(ipa);
	if (!ok || down.get_start_address() > pa_pg ||
	    down.get_end_address() < pa_pg + page_mask)
		return false;
	/* read-only unless a write was translated: the entry may not allow
	 * writes (a write-protected page while dirty logging) */
	unsigned access = down.get_granted_access() &
			  (write ? tlm::tlm_dmi::DMI_ACCESS_READ_WRITE
				 : tlm::tlm_dmi::DMI_ACCESS_READ);
	if (!(access & tlm::tlm_dmi::DMI_ACCESS_READ))
		return false;
	dmi.set_dmi_ptr(down.get_dmi_ptr() + (pa_pg - down.get_start_address()));
	dmi.set_granted_access(static_cast<tlm::tlm_dmi::dmi_access_e>(access));
	dmi.set_read_latency(down.get_read_latency() + ps_to_time(core_->l1_ps));
	dmi.set_write_latency(down.get_write_latency() + ps_to_time(core_->l1_ps));
	for (const DmiGrant &g : dmi_)
		if (g.ipa == ipa_pg)
			return true; /* renewed */
	dmi_.push_back(DmiGrant{ ipa_pg, pa_pg });
	dmi_grants_++;
	return true;
}

/* The memory withdrew [start, end] of PA space. */
void Mmu::invalidate_pa(sc_dt::uint64 start, sc_dt::uint64 end)
{
	for (std::size_t i = 0; i < dmi_.size();) {
		if (dmi_[i].pa > end || dmi_[i].pa + page_mask < start) {
			i++;
			continue;
		}
		std::uint64_t ipa = dmi_[i].ipa;

		dmi_[i] = dmi_.back();
		dmi_.pop_back();
		dmi_invalidations_++;
		ipa_in->invalidate_direct_mem_ptr(ipa, ipa + page_mask);
	}
}

} // namespace s2sim
