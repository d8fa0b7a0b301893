/*
 * Stage-2 descriptor rules, one function each.  Section numbers are those of
 * the Arm ARM DDI 0487 M.a (see desc.h for the list).
 */
#include <stdarg.h>

#include <s2sim/common.h>

#include "core/mmu/desc.h"

/* --- levels and address geometry (D8.2) --- */

/*
 * D8.2, "Concatenated translation tables for the initial stage 2 lookup"
 * and Tables D8-21/D8-22 (4 KiB granule, DS = 0): a level-L table resolves
 * IA bits up to 12 + 9 * (4 - L); 2, 4, 8 or 16 concatenated tables resolve
 * 1-4 more bits.  A start level whose next level could resolve the whole
 * space is inconsistent (AArch64.S2InconsistentSL); concatenation at level
 * 0 needs FEAT_LPA2 and a level-3 start FEAT_TTST, neither modelled.
 */
unsigned s2sim_start_tables(unsigned ipa_bits, unsigned level)
{
	unsigned top;

	/* AArch64.MaxTxSZ: T0SZ <= 39 (IPA >= 25 bits) without FEAT_TTST. */
	if (level > 2 || ipa_bits < 25)
		return 0;
	top = s2sim_level_shift(level) + 9;
	if (ipa_bits <= top - 9)
		return 0;
	if (ipa_bits <= top)
		return 1;
	if (level == 0 || ipa_bits - top > 4)
		return 0;
	return 1u << (ipa_bits - top);
}

/*
 * D8.2 "Output address size": with the 4 KiB granule and VTCR_EL2.DS = 0 a
 * descriptor holds OA[47:12], so a PS above 48 bits acts as 48 (QEMU's
 * get_phys_addr_lpae caps outputsize the same way).
 */
unsigned s2sim_oa_bits(unsigned pa_bits)
{
	return pa_bits > 48 ? 48 : pa_bits;
}

/* D8.2, "Translation table walk": the index at level L is
 * IA[shift(L) + 8 : shift(L)], and at the start level
 * IA[ipa_bits - 1 : shift(L)] (which spans concatenated tables). */
uint64_t s2sim_desc_index(uint64_t ipa, unsigned level, unsigned start_level,
			  unsigned ipa_bits)
{
	unsigned shift = s2sim_level_shift(level);
	unsigned bits = level == start_level ? ipa_bits - shift : 9;

	return (ipa >> shift) & ((1ull << bits) - 1);
}

/* AArch64.IPAIsOutOfRange: an IPA at or above 2^(64 - T0SZ) gives a
 * stage-2 level-0 Translation fault (the caller reports it). */
bool s2sim_ipa_out_of_range(uint64_t ipa, unsigned ipa_bits)
{
	return ipa_bits < 64 && (ipa >> ipa_bits) != 0;
}

/* D8.2 "Output address size" / AArch64.OAOutOfRange: a table or output
 * address wider than PS gives an Address size fault at that level. */
bool s2sim_oa_out_of_range(uint64_t oa, unsigned oa_bits)
{
	return oa_bits < 64 && (oa >> oa_bits) != 0;
}

/* --- descriptor fields --- */

/* D8.3, Table D8-48: bit[0] == 0 is an invalid descriptor (Translation
 * fault). */
bool s2sim_desc_is_valid(uint64_t d)
{
	return (d & S2SIM_DESC_VALID) != 0;
}

/*
 * D8.3, Table D8-48, 4 KiB granule: bits[1:0] == 0b11 is a table descriptor at levels
 * 0-2 and a page descriptor at level 3; 0b01 is a block descriptor at
 * levels 1 and 2.  0b01 at level 3 is reserved and treated as invalid, and
 * a level-0 block exists only with DS = 1 (FEAT_LPA2): both give a
 * Translation fault.
 */
enum s2sim_desc_type s2sim_desc_type(uint64_t d, unsigned level)
{
	bool table = (d & S2SIM_DESC_TABLE) != 0;

	if (!s2sim_desc_is_valid(d))
		return S2SIM_DESC_INVALID;
	if (level == 3)
		return table ? S2SIM_DESC_T_PAGE : S2SIM_DESC_RESERVED;
	if (table)
		return S2SIM_DESC_T_TABLE;
	return level == 0 ? S2SIM_DESC_RESERVED : S2SIM_DESC_T_BLOCK;
}

/* D8.3.1.1, Table descriptor: next-level table address NLTA[47:12]. */
uint64_t s2sim_desc_table_addr(uint64_t d)
{
	return d & S2SIM_DESC_OA_MASK;
}

/* D8.3.1.2, stage-2 Block and Page descriptors: OAB[47:n] with n = 30 (L1
 * block), 21 (L2 block), 12 (page); block bits[n-1:17] are RES0. */
uint64_t s2sim_desc_output_addr(uint64_t d, unsigned level)
{
	uint64_t low = (1ull << s2sim_level_shift(level)) - 1;

	return d & S2SIM_DESC_OA_MASK & ~low;
}

/* D8.3.1.2: MemAttr[3:0], bits[5:2] (HCR_EL2.FWB = 0); "Stage 2 memory type
 * and Cacheability attributes when FWB is disabled". */
unsigned s2sim_desc_memattr(uint64_t d)
{
	return (unsigned)((d & S2SIM_DESC_MEMATTR) >> S2SIM_DESC_MEMATTR_SHIFT);
}

/* D8.3.1.2: S2AP[1:0], bits[7:6]; D8.4 "Stage 2 data accesses using Direct
 * permissions": 00 none, 01 read, 10 write, 11 both. */
unsigned s2sim_desc_s2ap(uint64_t d)
{
	return (unsigned)((d >> 6) & 3);
}

/* D8.3.1.2: SH[1:0], bits[9:8] (4 KiB granule, DS = 0). */
unsigned s2sim_desc_sh(uint64_t d)
{
	return (unsigned)((d & S2SIM_DESC_SH) >> S2SIM_DESC_SH_SHIFT);
}

/* D8.3.1.2: AF, bit[10]; "The Access flag": 0 gives an Access flag
 * fault unless VTCR_EL2.HA is 1. */
bool s2sim_desc_af(uint64_t d)
{
	return (d & S2SIM_DESC_AF) != 0;
}

/* D8.3.1.2: DBM, bit[51]; "Hardware management of the dirty state":
 * with VTCR_EL2.HD a write to a DBM = 1 entry sets S2AP[1]. */
bool s2sim_desc_dbm(uint64_t d)
{
	return (d & S2SIM_DESC_DBM) != 0;
}

/* D8.3.1.2: Contiguous, bit[52]; D8.7.1 "The Contiguous bit": a hint that 16
 * adjacent entries (4 KiB granule) share attributes and map contiguously. */
bool s2sim_desc_contiguous(uint64_t d)
{
	return (d & S2SIM_DESC_CONTIG) != 0;
}

/* D8.3.1.2: XN, bit[54], and with FEAT_XNX XN[0], bit[53] (RES0 without). */
unsigned s2sim_desc_xn(uint64_t d)
{
	return (unsigned)((d & S2SIM_DESC_XN) >> S2SIM_DESC_XN_SHIFT);
}

/* D8.3.1.2: Block[16] is nT with FEAT_BBML1 (D8.17.2), RES0 otherwise; in a
 * page or table descriptor bit 16 is address. */
bool s2sim_desc_nt(uint64_t d, unsigned level)
{
	return s2sim_desc_type(d, level) == S2SIM_DESC_T_BLOCK &&
	       (d & S2SIM_DESC_NT) != 0;
}

/*
 * D8.4, "Stage 2 data accesses / instruction execution using Direct
 * permissions" (QEMU get_S2prot): S2AP[0] grants reads and S2AP[1]
 * writes.  Execution at stage 2 depends on XN only: with FEAT_XNX, XN 00
 * executable at EL1 and EL0, 01 not at EL1, 10 at neither, 11 not at EL0;
 * without it XN[1] alone forbids both (bit 53 is RES0).
 */
unsigned s2sim_desc_perms(uint64_t d, bool xnx)
{
	static const unsigned xn_exec[4] = {
		S2SIM_PERM_X | S2SIM_PERM_X_EL0, S2SIM_PERM_X_EL0, 0,
		S2SIM_PERM_X,
	};
	unsigned xn = s2sim_desc_xn(d);
	unsigned p = 0;

	if (d & S2SIM_DESC_S2AP_R)
		p |= S2SIM_PERM_R;
	if (d & S2SIM_DESC_S2AP_W)
		p |= S2SIM_PERM_W;
	if (!xnx)
		xn &= 2;
	return p | xn_exec[xn];
}

unsigned s2sim_access_perm(enum s2sim_acc acc)
{
	switch (acc) {
	case S2SIM_ACC_WRITE:
		return S2SIM_PERM_W;
	case S2SIM_ACC_EXEC:
		return S2SIM_PERM_X;
	case S2SIM_ACC_EXEC_EL0:
		return S2SIM_PERM_X_EL0;
	case S2SIM_ACC_READ:
	default:
		return S2SIM_PERM_R;
	}
}

/* --- building descriptors --- */

/* D8.3.1.1: Table descriptor = NLTA | 0b11; stage-2 tables carry no
 * hierarchical attributes. */
uint64_t s2sim_desc_make_table(uint64_t table_pa)
{
	return (table_pa & S2SIM_DESC_OA_MASK) | S2SIM_DESC_TABLE |
	       S2SIM_DESC_VALID;
}

/* The OA field of a leaf at `level`: bits[47:shift(level)]. */
static uint64_t leaf_oa_mask(unsigned level)
{
	return S2SIM_DESC_OA_MASK & ~((1ull << s2sim_level_shift(level)) - 1);
}

/* D8.3.1.2: block = OA | attributes | 0b01 (bits[shift-1:12] RES0 except nT,
 * bit 16); page = OA | attributes | 0b11 (bit 16 is OA there). */
uint64_t s2sim_desc_make_leaf(uint64_t oa, unsigned level, uint64_t attrs)
{
	uint64_t d = (oa & leaf_oa_mask(level)) | S2SIM_DESC_VALID;
	uint64_t a = attrs & ~(S2SIM_DESC_OA_MASK | 3ull);

	if (level == 3)
		return d | S2SIM_DESC_TABLE | a;
	return d | a | (attrs & S2SIM_DESC_NT);
}

uint64_t s2sim_desc_leaf_attrs(uint64_t d, unsigned level)
{
	return d & ~(leaf_oa_mask(level) | 3ull);
}

/* --- fault syndromes --- */

/* D24.2.46 ESR_EL2.ISS.DFSC: 0b0000LL address size, 0b0001LL translation,
 * 0b0010LL access flag, 0b0011LL permission (LL = level 0-3). */
unsigned s2sim_fault_dfsc(enum s2sim_fault f, unsigned level)
{
	static const unsigned base[] = {
		[S2SIM_FAULT_NONE] = 0,
		[S2SIM_FAULT_ADDRESS_SIZE] = 0x00,
		[S2SIM_FAULT_TRANSLATION] = 0x04,
		[S2SIM_FAULT_ACCESS_FLAG] = 0x08,
		[S2SIM_FAULT_PERMISSION] = 0x0c,
	};

	if (f == S2SIM_FAULT_NONE || (unsigned)f > S2SIM_FAULT_PERMISSION)
		return 0;
	return base[f] | (level & 3);
}

/* D24.2.46: EC 0x24 (Data Abort from a lower EL) or 0x20 (Instruction
 * Abort from a lower EL), IL = 1, ISS.WnR (bit 6) for writes. */
uint64_t s2sim_fault_esr(enum s2sim_fault f, unsigned level,
			 enum s2sim_acc acc)
{
	bool ifetch = acc == S2SIM_ACC_EXEC || acc == S2SIM_ACC_EXEC_EL0;
	uint64_t ec = ifetch ? 0x20 : 0x24;
	uint64_t iss = s2sim_fault_dfsc(f, level);

	if (acc == S2SIM_ACC_WRITE)
		iss |= 1u << 6;
	return ec << 26 | 1ull << 25 | iss;
}

/* D24.2.76: HPFAR_EL2 is written for a stage-2 Translation, Access flag or
 * Address size fault (not on a stage-1 walk); for a Permission fault it is
 * UNKNOWN (KVM re-derives the IPA). */
bool s2sim_fault_hpfar_valid(enum s2sim_fault f)
{
	return f == S2SIM_FAULT_TRANSLATION || f == S2SIM_FAULT_ACCESS_FLAG ||
	       f == S2SIM_FAULT_ADDRESS_SIZE;
}

/* D24.2.76: FIPA, bits[39:4], holds IPA[47:12]. */
uint64_t s2sim_fault_hpfar(uint64_t ipa)
{
	return ((ipa >> 12) & ((1ull << 36) - 1)) << 4;
}

const char *s2sim_fault_name(enum s2sim_fault f)
{
	switch (f) {
	case S2SIM_FAULT_NONE:
		return "none";
	case S2SIM_FAULT_ADDRESS_SIZE:
		return "address size";
	case S2SIM_FAULT_TRANSLATION:
		return "translation";
	case S2SIM_FAULT_ACCESS_FLAG:
		return "access flag";
	case S2SIM_FAULT_PERMISSION:
		return "permission";
	}
	return "?";
}

/* --- the stage-2 context --- */

static int ctx_fail(struct s2sim_errbuf *err, const char *fmt, ...)
{
	struct s2sim_errbuf scratch;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = s2sim_verr(err ? err : &scratch, S2SIM_EINPUT, fmt, ap);
	va_end(ap);
	return rc;
}

int s2sim_s2ctx_init(struct s2sim_s2ctx *c, uint64_t root_pa, uint16_t vmid,
		     unsigned ipa_bits, unsigned pa_bits, unsigned start_level,
		     struct s2sim_errbuf *err)
{
	unsigned n = s2sim_start_tables(ipa_bits, start_level);

	if (!n)
		return ctx_fail(err, "start level %u does not suit a %u-bit IPA "
				"space with the 4 KiB granule", start_level,
				ipa_bits);
	if (pa_bits < 32 || pa_bits > 52)
		return ctx_fail(err, "PA size %u bits out of range", pa_bits);
	/* D8.2: concatenated tables are aligned to their total size. */
	if (root_pa & ((uint64_t)n * S2SIM_GRANULE - 1))
		return ctx_fail(err, "root 0x%llx not aligned to %u tables",
				(unsigned long long)root_pa, n);
	c->root_pa = root_pa;
	c->vmid = vmid;
	c->ipa_bits = (uint8_t)ipa_bits;
	c->oa_bits = (uint8_t)s2sim_oa_bits(pa_bits);
	c->start_level = (uint8_t)start_level;
	c->root_tables = (uint8_t)n;
	c->ha = false;
	c->hd = false;
	c->xnx = true;
	return S2SIM_OK;
}
