/*
 * The 64-bit register operands of the stage-2 TLBI instructions, encoded
 * and decoded exactly as the Arm ARM defines them (C5.5, "TLBI IPAS2E1,
 * IPAS2E1IS ..." and "TLBI RIPAS2E1, RIPAS2E1IS ..."), so the hypervisor
 * model can issue the operand Linux would build and the MMU can decode it.
 */
#ifndef S2SIM_CORE_MMU_TLB_TLBI_H
#define S2SIM_CORE_MMU_TLB_TLBI_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * IPAS2E1 / IPAS2LE1 operand:
 *   [63]    NS
 *   [47:44] TTL: 0b00xx no hint; 0b01xx 4K granule, level xx; 0b10xx 16K;
 *           0b11xx 64K (FEAT_TTL)
 *   [39:36] IPA[51:48] (52-bit IPAs), [35:0] IPA[47:12]
 */
struct s2sim_tlbi_ipa {
	uint64_t ipa;          /* page-aligned IPA */
	unsigned ttl;          /* raw 4-bit TTL field */
	unsigned granule_log2; /* from TTL[3:2]: 12, 14, 16; 0 = no hint */
	unsigned level;        /* from TTL[1:0], meaningful with a hint */
	bool ns;
};

uint64_t s2sim_tlbi_ipa_encode(const struct s2sim_tlbi_ipa *op);
void s2sim_tlbi_ipa_decode(uint64_t xt, struct s2sim_tlbi_ipa *op);

/*
 * RIPAS2E1 / RIPAS2LE1 operand (FEAT_TLBIRANGE):
 *   [63]    NS
 *   [47:46] TG: 0b01 4K, 0b10 16K, 0b11 64K; 0b00 reserved
 *   [45:44] SCALE, [43:39] NUM
 *   [38:37] TTL: 0b00 any level, else the level of the leaf entries
 *   [36:0]  BaseADDR: IPA[48:12] (4K), IPA[50:14] (16K), IPA[52:16] (64K)
 * The range is BaseADDR <= IPA < BaseADDR + (NUM + 1) * 2^(5 * SCALE + 1)
 * translation granules.
 */
struct s2sim_tlbi_range {
	uint64_t base;         /* IPA of the first byte */
	uint64_t len;          /* bytes */
	unsigned tg, scale, num;
	unsigned ttl;          /* level hint, 0 = any (a reserved value: 0) */
	unsigned granule_log2; /* 12, 14 or 16; 0 when TG is reserved */
	bool ns;
};

/* Pages of the range: (NUM + 1) * 2^(5 * SCALE + 1). */
uint64_t s2sim_tlbi_range_pages(unsigned scale, unsigned num);
/* From tg, scale, num, ttl, ns and base (low bits below the granule are
 * dropped, as the field cannot hold them); fills nothing back. */
uint64_t s2sim_tlbi_range_encode(const struct s2sim_tlbi_range *op);
/* Fills every field, len from the pages; returns false (len 0) when TG is
 * reserved: the architecture then requires nothing to be invalidated. */
bool s2sim_tlbi_range_decode(uint64_t xt, struct s2sim_tlbi_range *op);

#ifdef __cplusplus
}
#endif
#endif
