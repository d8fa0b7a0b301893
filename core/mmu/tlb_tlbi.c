/*
 * Stage-2 TLBI operands (Arm ARM C5.5.13 TLBI IPAS2E1 and C5.5.21 TLBI
 * RIPAS2E1; the IS/OS/last-level forms share the layouts).  The model has
 * no FEAT_LPA2 and no FEAT_D128: the TTL encodings those features define
 * are decoded as "no hint", as the Arm ARM says to treat them otherwise.
 */
#include "core/mmu/tlb_tlbi.h"

static uint64_t field(uint64_t v, unsigned lo, unsigned width)
{
	return (v >> lo) & ((UINT64_C(1) << width) - 1);
}

uint64_t s2sim_tlbi_ipa_encode(const struct s2sim_tlbi_ipa *op)
{
	/* Xt[39:0] is IPA[51:12]: IPA[47:12] in [35:0], IPA[51:48] above */
	return field(op->ipa, 12, 40) | (uint64_t)(op->ttl & 0xf) << 44 |
	       (uint64_t)op->ns << 63;
}

/* TTL[3:2] granule and TTL[1:0] level; the "treat as 0b00xx" cases of the
 * C5.5.13 table (level 0 with 4K and level 1 with 16K need FEAT_LPA2; level
 * 0 with 16K and 64K is reserved) give no hint. */
static void decode_ttl4(unsigned ttl, struct s2sim_tlbi_ipa *op)
{
	static const unsigned granule[4] = { 0, 12, 14, 16 };
	unsigned tg = ttl >> 2, level = ttl & 3;

	op->granule_log2 = 0;
	op->level = 0;
	if (tg == 0 || level == 0 || (tg == 2 && level == 1))
		return;
	op->granule_log2 = granule[tg];
	op->level = level;
}

void s2sim_tlbi_ipa_decode(uint64_t xt, struct s2sim_tlbi_ipa *op)
{
	op->ipa = field(xt, 0, 40) << 12;
	op->ttl = (unsigned)field(xt, 44, 4);
	op->ns = field(xt, 63, 1) != 0;
	decode_ttl4(op->ttl, op);
}

uint64_t s2sim_tlbi_range_pages(unsigned scale, unsigned num)
{
	return (uint64_t)((num & 0x1f) + 1) << (5 * (scale & 3) + 1);
}

static unsigned tg_granule_log2(unsigned tg)
{
	static const unsigned g[4] = { 0, 12, 14, 16 };

	return g[tg & 3];
}

uint64_t s2sim_tlbi_range_encode(const struct s2sim_tlbi_range *op)
{
	unsigned g = tg_granule_log2(op->tg);
	uint64_t base = g ? field(op->base, g, 37) : 0;

	return base | (uint64_t)(op->ttl & 3) << 37 |
	       (uint64_t)(op->num & 0x1f) << 39 |
	       (uint64_t)(op->scale & 3) << 44 | (uint64_t)(op->tg & 3) << 46 |
	       (uint64_t)op->ns << 63;
}

bool s2sim_tlbi_range_decode(uint64_t xt, struct s2sim_tlbi_range *op)
{
	op->tg = (unsigned)field(xt, 46, 2);
	op->scale = (unsigned)field(xt, 44, 2);
	op->num = (unsigned)field(xt, 39, 5);
	op->ttl = (unsigned)field(xt, 37, 2);
	op->ns = field(xt, 63, 1) != 0;
	op->granule_log2 = tg_granule_log2(op->tg);
	if (!op->granule_log2) {
		op->base = 0;
		op->len = 0;
		return false;
	}
	/* TTL 0b01 with 16K (no FEAT_LPA2) is reserved: treat as 0b00 */
	if (op->granule_log2 == 14 && op->ttl == 1)
		op->ttl = 0;
	op->base = field(xt, 0, 37) << op->granule_log2;
	op->len = s2sim_tlbi_range_pages(op->scale, op->num)
		  << op->granule_log2;
	return true;
}
