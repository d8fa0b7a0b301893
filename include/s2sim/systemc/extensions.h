/*
 * s2sim SystemC model: the TLM-2.0 generic-payload extensions.
 *
 *  AccessExtension  initiator -> Mmu: who is accessing (vCPU, VMID) and,
 *                   filled by the Mmu, how it was translated.  Optional:
 *                   a plain payload is translated in the Mmu's VM context.
 *  FaultExtension   Mmu -> initiator with TLM_ADDRESS_ERROR_RESPONSE: the
 *                   stage-2 syndrome (type, level, IPA, ESR_EL2, HPFAR_EL2).
 *                   The Mmu fills the one the payload carries, or attaches
 *                   a heap one (set_auto_extension with a memory manager,
 *                   set_extension without: the payload frees it).
 *  WalkExtension    Mmu -> memory on walk_out: the PE and walk level of a
 *                   descriptor fetch; a memory model may report where the
 *                   fetch was served (the walker counts fetches by source).
 *  DvmExtension     TLB maintenance between the PEs' Mmus and the DvmFabric
 *                   (TLBI, DSB, ISB, DSB completion, PE discovery).
 *
 * Every extension here is set by the initiator that owns the payload,
 * except FaultExtension as described.
 */
#ifndef S2SIM_SYSTEMC_EXTENSIONS_H
#define S2SIM_SYSTEMC_EXTENSIONS_H

#include <cstdint>
#include <tlm>

#include <s2sim/common.h>
#include <s2sim/fabric.h>

namespace s2sim {

/* Copy-everything clone/copy_from for the plain-data extensions below. */
template <typename T>
class PlainExtension : public tlm::tlm_extension<T> {
public:
	tlm::tlm_extension_base *clone() const override
	{
		return new T(static_cast<const T &>(*this));
	}
	void copy_from(const tlm::tlm_extension_base &other) override
	{
		static_cast<T &>(*this) = static_cast<const T &>(other);
	}
};

/* Where a translation was decided (s2sim_mmu_result.where). */
enum class TranslatedBy : std::uint8_t { None = 0, L1Tlb = 1, L2Tlb = 2, Walk = 3 };

class AccessExtension : public PlainExtension<AccessExtension> {
public:
	/* in */
	std::uint32_t vcpu = 0;
	bool check_vmid = false;     /* reject unless vmid is the Mmu's VMID */
	std::uint16_t vmid = 0;
	/* Where the hypervisor charges a fault's time (S2SIM_T_* buckets of
	 * core/kvm/kvm.h, 9 of them); may be null. */
	std::uint64_t *time_buckets = nullptr;
	/* out, filled by the Mmu on every access */
	TranslatedBy where = TranslatedBy::None;
	std::uint8_t level = 0;
	std::uint64_t pa = 0;
	std::uint64_t translation_ps = 0; /* TLB lookups and walk */
};

enum class FaultType : std::uint8_t {
	AddressSize = 1, /* the values of enum s2sim_fault */
	Translation = 2,
	AccessFlag = 3,
	Permission = 4,
	TlbConflict = 5, /* TLB conflict abort, DFSC 0b110000 */
};

class FaultExtension : public PlainExtension<FaultExtension> {
public:
	FaultType type = FaultType::Translation;
	std::uint8_t level = 0;
	bool write = false;
	std::uint64_t ipa = 0;
	std::uint32_t dfsc = 0;       /* ESR_EL2.ISS.DFSC */
	std::uint64_t esr = 0;        /* ESR_EL2 of the data abort */
	std::uint64_t hpfar = 0;      /* HPFAR_EL2 (valid when hpfar_valid) */
	bool hpfar_valid = false;
	/* what the hypervisor model needs besides (s2sim_mmu_result) */
	TranslatedBy where = TranslatedBy::None;
	std::uint64_t latency_ps = 0;
	std::uint64_t pa = 0;         /* a TLB hit's output address, else 0 */
};

/* Where a descriptor fetch was served (enum s2sim_mem_src). */
enum class MemSource : std::uint8_t { L1D = 0, L2, SLC, DRAM, Unknown };

class WalkExtension : public PlainExtension<WalkExtension> {
public:
	std::uint32_t pe = 0;
	int level = 0;
	MemSource src = MemSource::Unknown; /* out, optional */
};

enum class DvmCommand : std::uint8_t {
	Tlbi,          /* PE -> fabric: issue op; fabric -> PE: apply op */
	DsbIsh,        /* PE -> fabric: posted; completion comes back as
			* SyncComplete to the same PE */
	DsbIshst,      /* PE -> fabric: done_ps = when the PE may go on */
	DsbNsh,
	Isb,
	SyncComplete,  /* fabric -> PE: this PE's DSB ISH completed */
	Identify,      /* anyone -> Mmu: answer with pe (socket discovery) */
};

class DvmExtension : public PlainExtension<DvmExtension> {
public:
	DvmCommand cmd = DvmCommand::Tlbi;
	std::uint32_t pe = 0;           /* issuing PE, or target PE */
	struct s2sim_dvm_op op = {};    /* operation, VMID, IPA or range,
					 * shareability (include/s2sim/fabric.h) */
	/* out */
	int rc = S2SIM_OK;              /* the C fabric's result */
	std::uint64_t done_ps = 0;      /* barriers: completion time */
	std::uint64_t removed = 0;      /* Tlbi at a PE: entries removed */

	/* The IPA interval an address-based op covers (false: VMID-wide). */
	bool range(std::uint64_t &lo, std::uint64_t &hi) const
	{
		return s2sim_dvm_op_range(&op, &lo, &hi);
	}
};

} // namespace s2sim

#endif
