/*
 * DVM operation helpers: the IPA interval a TLBI covers and the overlap
 * test the snoop filters and tests share (Arm ARM C5.5.14 "TLBI IPAS2E1",
 * C5.5.22 "TLBI RIPAS2E1": Range = BaseADDR <= IPA < BaseADDR +
 * (NUM + 1) * 2^(5 * SCALE + 1) * granule).
 */
#include <s2sim/fabric.h>
#include "interconnect/fabric_internal.h"

static const char *const kind_names[S2SIM_DVM_NKINDS] = {
	"IPAS2E1", "IPAS2LE1", "RIPAS2E1", "RIPAS2LE1",
	"VMALLE1", "VMALLS12E1", "ALLE1",
};

const char *s2sim_dvm_kind_name(unsigned kind)
{
	return kind < S2SIM_DVM_NKINDS ? kind_names[kind] : "?";
}

/* log2 of the translation granule a range TLBI's TG names; 0 when TG is
 * reserved (then nothing is required to be invalidated). */
static unsigned range_granule_log2(unsigned tg)
{
	switch (tg) {
	case 1: return 12;
	case 2: return 14;
	case 3: return 16;
	default: return 0;
	}
}

static bool is_range_kind(unsigned kind)
{
	return kind == S2SIM_DVM_RIPAS2E1 || kind == S2SIM_DVM_RIPAS2LE1;
}

static bool is_ipa_kind(unsigned kind)
{
	return kind == S2SIM_DVM_IPAS2E1 || kind == S2SIM_DVM_IPAS2LE1;
}

bool s2sim_dvm_op_range(const struct s2sim_dvm_op *op, uint64_t *lo,
			uint64_t *hi)
{
	if (is_ipa_kind(op->kind)) {
		*lo = op->ipa;
		*hi = op->ipa + 1;
		return true;
	}
	if (is_range_kind(op->kind)) {
		unsigned g = range_granule_log2(op->tg);
		uint64_t pages = (uint64_t)(op->num + 1u)
				 << (5u * op->scale + 1u);

		if (!g) {
			*lo = *hi = op->ipa;
			return true;
		}
		*lo = op->ipa & ~((UINT64_C(1) << g) - 1);
		*hi = *lo + (pages << g);
		return true;
	}
	return false;
}

bool s2sim_dvm_op_overlaps(const struct s2sim_dvm_op *op, uint16_t vmid,
			   uint64_t base, unsigned size_log2)
{
	uint64_t lo, hi, b, e;

	if (op->kind == S2SIM_DVM_ALLE1)
		return true;
	if (op->vmid != vmid)
		return false;
	if (!s2sim_dvm_op_range(op, &lo, &hi))
		return true;
	if (size_log2 >= 64)
		return lo < hi;
	b = base & ~((UINT64_C(1) << size_log2) - 1);
	e = b + (UINT64_C(1) << size_log2);
	if (e < b) /* the entry reaches the top of the address space */
		return lo < hi && hi > b;
	return lo < hi && b < hi && lo < e;
}

int fab_op_check(const struct s2sim_dvm_op *op, struct s2sim_errbuf *err)
{
	if (op->kind >= S2SIM_DVM_NKINDS)
		return s2sim_err(err, S2SIM_EMISUSE, "DVM op kind %u unknown",
				 op->kind);
	if (op->share != S2SIM_DVM_NSH && op->share != S2SIM_DVM_ISH)
		return s2sim_err(err, S2SIM_EMISUSE,
				 "DVM op shareability %u unknown", op->share);
	if (is_range_kind(op->kind) && (op->scale > 3 || op->num > 31 ||
					op->tg > 3 || op->ttl > 3))
		return s2sim_err(err, S2SIM_EMISUSE,
				 "%s: SCALE %u, NUM %u, TG %u or TTL %u out of "
				 "range", s2sim_dvm_kind_name(op->kind),
				 op->scale, op->num, op->tg, op->ttl);
	if (is_ipa_kind(op->kind) && op->ttl > 15)
		return s2sim_err(err, S2SIM_EMISUSE, "%s: TTL %u out of range",
				 s2sim_dvm_kind_name(op->kind), op->ttl);
	if ((is_ipa_kind(op->kind) || is_range_kind(op->kind)) &&
	    op->ipa >> 52)
		return s2sim_err(err, S2SIM_EMISUSE,
				 "%s: IPA 0x%llx beyond 52 bits",
				 s2sim_dvm_kind_name(op->kind),
				 (unsigned long long)op->ipa);
	return S2SIM_OK;
}
