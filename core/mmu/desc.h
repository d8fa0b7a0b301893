/*
 * VMSAv8-64 stage-2 translation table descriptors, 4 KiB granule, 64-bit
 * descriptors without FEAT_LPA2 (VTCR_EL2.DS = 0).  One small function per
 * architectural rule, each citing the Arm ARM (DDI 0487 M.a) section it
 * mirrors:
 *   D8.2   "Translation table walk": granule, levels, start level, T0SZ,
 *          concatenated start tables, input/output address size;
 *   D8.3   "Translation table descriptor formats": invalid / table / block /
 *          page encodings, output address field;
 *   D8.4   "Memory access control": stage-2 S2AP and XN (FEAT_XNX);
 *          "The Access flag", "Hardware management of the dirty state" (AF,
 *          DBM), the stage-2 memory type sections (MemAttr, SH);
 *   D8.7.1 "The Contiguous bit"; D8.17.2 FEAT_BBML1's nT;
 *   D8.15  "MMU fault types" and D24.2.46 ESR_EL2 / D24.2.76 HPFAR_EL2:
 *          the fault syndromes.
 * QEMU's target/arm/ptw.c (get_phys_addr_lpae, get_S2prot,
 * check_s2_mmu_setup) implements the same rules.
 *
 * 16 KiB and 64 KiB granules are not modelled (the platform config has no
 * granule key; KVM on arm64 hosts with 4 KiB pages uses the 4 KiB granule).
 */
#ifndef S2SIM_CORE_MMU_DESC_H
#define S2SIM_CORE_MMU_DESC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util/errbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Descriptor bits (D8.3, stage-2 block/page/table formats). */
#define S2SIM_DESC_VALID      (1ull << 0)         /* bit[0] */
#define S2SIM_DESC_TABLE      (1ull << 1)         /* bit[1]: table or page */
#define S2SIM_DESC_MEMATTR_SHIFT 2                /* MemAttr[3:0], bits[5:2] */
#define S2SIM_DESC_MEMATTR    (0xfull << 2)
#define S2SIM_DESC_S2AP_R     (1ull << 6)         /* S2AP[0]: read */
#define S2SIM_DESC_S2AP_W     (1ull << 7)         /* S2AP[1]: write */
#define S2SIM_DESC_SH_SHIFT   8                   /* SH[1:0], bits[9:8] */
#define S2SIM_DESC_SH         (3ull << 8)
#define S2SIM_DESC_AF         (1ull << 10)
#define S2SIM_DESC_NT         (1ull << 16)        /* FEAT_BBML1, blocks */
#define S2SIM_DESC_OA_MASK    0x0000fffffffff000ull /* bits[47:12] */
#define S2SIM_DESC_DBM        (1ull << 51)
#define S2SIM_DESC_CONTIG     (1ull << 52)
#define S2SIM_DESC_XN_SHIFT   53                  /* XN[1:0], bits[54:53] */
#define S2SIM_DESC_XN         (3ull << 53)

/* Stage-2 MemAttr values (HCR_EL2.FWB = 0). */
#define S2SIM_MEMATTR_DEVICE_nGnRE 0x1ull
#define S2SIM_MEMATTR_NORMAL_WB    0xfull /* Outer WB, Inner WB */
#define S2SIM_SH_INNER             0x3ull

#define S2SIM_GRANULE_SHIFT 12
#define S2SIM_GRANULE       (1ull << S2SIM_GRANULE_SHIFT)
#define S2SIM_PTES_PER_TABLE 512
#define S2SIM_MAX_ROOT_TABLES 16

/* What a descriptor is at a given level (D8.3). */
enum s2sim_desc_type {
	S2SIM_DESC_INVALID = 0, /* bit[0] == 0 */
	S2SIM_DESC_T_TABLE,     /* levels 0-2, bits[1:0] == 0b11 */
	S2SIM_DESC_T_BLOCK,     /* levels 1-2, bits[1:0] == 0b01 */
	S2SIM_DESC_T_PAGE,      /* level 3, bits[1:0] == 0b11 */
	S2SIM_DESC_RESERVED,    /* L3 0b01, or an L0 block without LPA2 */
};

/* Permissions a leaf grants (the TLB's S2SIM_TLB_PERM_* use the same
 * values for R, W and X). */
enum {
	S2SIM_PERM_R = 1u << 0,
	S2SIM_PERM_W = 1u << 1,
	S2SIM_PERM_X = 1u << 2,     /* instruction fetch at EL1 */
	S2SIM_PERM_X_EL0 = 1u << 3, /* instruction fetch at EL0 */
};

/* Access types of a translation. */
enum s2sim_acc {
	S2SIM_ACC_READ = 0,
	S2SIM_ACC_WRITE,
	S2SIM_ACC_EXEC,     /* instruction fetch from EL1 */
	S2SIM_ACC_EXEC_EL0, /* instruction fetch from EL0 */
};

/* Stage-2 MMU fault classes (D8.15); NONE means no fault. */
enum s2sim_fault {
	S2SIM_FAULT_NONE = 0,
	S2SIM_FAULT_ADDRESS_SIZE,
	S2SIM_FAULT_TRANSLATION,
	S2SIM_FAULT_ACCESS_FLAG,
	S2SIM_FAULT_PERMISSION,
};

#define S2SIM_DFSC_TLB_CONFLICT 0x30u /* 0b110000 (D8.15.1.6, I_JYDXJ) */

/* --- levels and address geometry (D8.2) --- */

/* log2 of the bytes one descriptor at `level` maps: 39, 30, 21, 12. */
static inline unsigned s2sim_level_shift(unsigned level)
{
	return S2SIM_GRANULE_SHIFT + 9 * (3 - level);
}

/* Concatenated start tables for an `ipa_bits` IPA space starting at
 * `level`, or 0 if VTCR_EL2.{T0SZ, SL0} would be inconsistent. */
unsigned s2sim_start_tables(unsigned ipa_bits, unsigned level);
/* Output address size in bits for VTCR_EL2.PS = `pa_bits`. */
unsigned s2sim_oa_bits(unsigned pa_bits);
/* Descriptor index of `ipa` in the table(s) at `level`; at the start level
 * the index spans the concatenated tables. */
uint64_t s2sim_desc_index(uint64_t ipa, unsigned level, unsigned start_level,
			  unsigned ipa_bits);
/* True when `ipa` lies outside the 2^ipa_bits IPA space. */
bool s2sim_ipa_out_of_range(uint64_t ipa, unsigned ipa_bits);
/* True when an output or table address needs more than `oa_bits` bits. */
bool s2sim_oa_out_of_range(uint64_t oa, unsigned oa_bits);

/* --- descriptor fields --- */

bool s2sim_desc_is_valid(uint64_t d);
enum s2sim_desc_type s2sim_desc_type(uint64_t d, unsigned level);
uint64_t s2sim_desc_table_addr(uint64_t d);
uint64_t s2sim_desc_output_addr(uint64_t d, unsigned level);
unsigned s2sim_desc_memattr(uint64_t d);
unsigned s2sim_desc_s2ap(uint64_t d);
unsigned s2sim_desc_sh(uint64_t d);
bool s2sim_desc_af(uint64_t d);
bool s2sim_desc_dbm(uint64_t d);
bool s2sim_desc_contiguous(uint64_t d);
unsigned s2sim_desc_xn(uint64_t d);
bool s2sim_desc_nt(uint64_t d, unsigned level);
/* R, W, X, X_EL0 granted by a leaf (S2AP and XN); `xnx` = FEAT_XNX. */
unsigned s2sim_desc_perms(uint64_t d, bool xnx);
/* The permission an access needs. */
unsigned s2sim_access_perm(enum s2sim_acc acc);

/* --- building descriptors --- */

uint64_t s2sim_desc_make_table(uint64_t table_pa);
/* A block (levels 1-2) or page (level 3) descriptor: `oa` aligned to the
 * level, `attrs` the attribute bits (MemAttr, S2AP, SH, AF, nT, DBM,
 * Contiguous, XN). */
uint64_t s2sim_desc_make_leaf(uint64_t oa, unsigned level, uint64_t attrs);
/* The attribute bits of a leaf at `level` (all but bits[1:0] and the OA;
 * nT included for blocks). */
uint64_t s2sim_desc_leaf_attrs(uint64_t d, unsigned level);

/* --- fault syndromes (D8.15, D24.2.46, D24.2.76) --- */

/* ESR_EL2.ISS.DFSC / IFSC of a fault at `level`. */
unsigned s2sim_fault_dfsc(enum s2sim_fault f, unsigned level);
/* ESR_EL2 of a stage-2 abort from a lower EL (EC 0x24 data, 0x20
 * instruction; IL = 1; ISS = WnR and DFSC; ISV = 0). */
uint64_t s2sim_fault_esr(enum s2sim_fault f, unsigned level,
			 enum s2sim_acc acc);
/* Whether HPFAR_EL2 holds the faulting IPA for this fault. */
bool s2sim_fault_hpfar_valid(enum s2sim_fault f);
/* HPFAR_EL2: FIPA, bits[39:4] = IPA[47:12]. */
uint64_t s2sim_fault_hpfar(uint64_t ipa);
const char *s2sim_fault_name(enum s2sim_fault f);

/*
 * The stage-2 context of a translation: VTTBR_EL2 (BADDR, VMID) and the
 * VTCR_EL2 fields the walker reads, as plain values.
 */
struct s2sim_s2ctx {
	uint64_t root_pa;     /* VTTBR_EL2.BADDR: the (first) start table */
	uint16_t vmid;
	uint8_t ipa_bits;     /* 64 - VTCR_EL2.T0SZ */
	uint8_t oa_bits;      /* from VTCR_EL2.PS */
	uint8_t start_level;  /* from VTCR_EL2.SL0 */
	uint8_t root_tables;  /* concatenated start tables, 1..16 */
	bool ha;              /* VTCR_EL2.HA: hardware Access flag update */
	bool hd;              /* VTCR_EL2.HD: hardware dirty state (DBM) */
	bool xnx;             /* FEAT_XNX: XN[0] (bit 53) is meaningful */
	/* Not architectural: counts the descriptor writes made through
	 * s2pt (wrapping), so the checker can tell which TLB entries were
	 * read from the tables before a given write. */
	uint32_t epoch;
};

/* Fill `c`, checking the start level suits ipa_bits and that root_pa is
 * aligned to the concatenated tables' size (D8.2); S2SIM_EINPUT if not. */
int s2sim_s2ctx_init(struct s2sim_s2ctx *c, uint64_t root_pa, uint16_t vmid,
		     unsigned ipa_bits, unsigned pa_bits, unsigned start_level,
		     struct s2sim_errbuf *err);

#ifdef __cplusplus
}
#endif
#endif
