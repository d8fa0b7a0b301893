/*
 * Trace records: binary layout of format v1 and the per-record checks.
 * The layout is specified byte by byte in docs/trace-format.md.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "workloads/trace_record.h"

/* Arm IPAs are at most 52 bits (FEAT_LPA / FEAT_LPA2, VTCR_EL2.PS). */
#define S2SIM_TRACE_IPA_LIMIT (1ull << 52)

static int fail(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -1;
}

unsigned s2sim_trace_kind_units(unsigned kind)
{
	switch (kind) {
	case S2SIM_REC_ACCESS:
	case S2SIM_REC_DIRTY_LOG_ENABLE:
	case S2SIM_REC_DIRTY_LOG_DISABLE:
	case S2SIM_REC_GET_DIRTY_LOG:
	case S2SIM_REC_PHASE:
		return 1;
	case S2SIM_REC_MEMSLOT:
	case S2SIM_REC_CLEAR_DIRTY_LOG:
		return 2;
	default:
		return 0;
	}
}

const char *s2sim_trace_kind_name(unsigned kind)
{
	switch (kind) {
	case S2SIM_REC_ACCESS: return "access";
	case S2SIM_REC_MEMSLOT: return "memslot";
	case S2SIM_REC_DIRTY_LOG_ENABLE: return "dirty_log_enable";
	case S2SIM_REC_DIRTY_LOG_DISABLE: return "dirty_log_disable";
	case S2SIM_REC_GET_DIRTY_LOG: return "get_dirty_log";
	case S2SIM_REC_CLEAR_DIRTY_LOG: return "clear_dirty_log";
	case S2SIM_REC_PHASE: return "phase";
	default: return NULL;
	}
}

/* Fields a kind does not carry must be zero, so that every record has one
 * encoding and binary <-> text round trips are exact. */
static int check_unused(const s2sim_record *r, const char *name, int flags,
			int size_log2, int vcpu, int slot, int delta, int addr,
			int len, char *msg, size_t size)
{
	const char *field = NULL;

	if (r->reserved)
		field = "reserved";
	else if (!flags && r->flags)
		field = "flags";
	else if (!size_log2 && r->size_log2)
		field = "size_log2";
	else if (!vcpu && r->vcpu)
		field = "vcpu";
	else if (!slot && r->slot)
		field = "slot";
	else if (!delta && r->delta)
		field = "delta";
	else if (!addr && r->addr)
		field = "addr";
	else if (!len && r->len)
		field = "len";
	if (field)
		return fail(msg, size, "%s record has a nonzero %s field",
			    name, field);
	return 0;
}

static int check_access(const s2sim_record *r, char *msg, size_t size)
{
	if (check_unused(r, "access", 1, 1, 1, 0, 1, 1, 0, msg, size))
		return -1;
	if (r->flags & ~S2SIM_ACCESS_WRITE)
		return fail(msg, size, "access flags 0x%x: only bit 0 (write) is defined",
			    r->flags);
	if (r->size_log2 > 6)
		return fail(msg, size, "access size_log2 %u out of range (0..6, 1 to 64 bytes)",
			    r->size_log2);
	if (r->addr & ((1ull << r->size_log2) - 1))
		return fail(msg, size, "access IPA 0x%" PRIx64 " not aligned to its size %u",
			    r->addr, 1u << r->size_log2);
	if (r->addr >= S2SIM_TRACE_IPA_LIMIT)
		return fail(msg, size, "access IPA 0x%" PRIx64 " beyond the 52-bit IPA space",
			    r->addr);
	return 0;
}

static int check_slot_id(const s2sim_record *r, char *msg, size_t size)
{
	if (r->slot >= S2SIM_TRACE_MAX_MEMSLOTS)
		return fail(msg, size, "%s: slot %u out of range (max %u)",
			    s2sim_trace_kind_name(r->kind), r->slot,
			    S2SIM_TRACE_MAX_MEMSLOTS - 1);
	return 0;
}

static int check_memslot(const s2sim_record *r, char *msg, size_t size)
{
	uint64_t page;

	if (check_unused(r, "memslot", 0, 1, 0, 1, 0, 1, 1, msg, size) ||
	    check_slot_id(r, msg, size))
		return -1;
	if (r->size_log2 != 12 && r->size_log2 != 21 && r->size_log2 != 30)
		return fail(msg, size, "memslot %u: backing page 2^%u bytes is not 4KiB, 2MiB or 1GiB",
			    r->slot, r->size_log2);
	page = 1ull << r->size_log2;
	if (r->len == 0)
		return fail(msg, size, "memslot %u: size is zero", r->slot);
	if ((r->addr | r->len) & (page - 1))
		return fail(msg, size, "memslot %u: base 0x%" PRIx64 " or size 0x%" PRIx64
			    " not aligned to the backing page (0x%" PRIx64 ")",
			    r->slot, r->addr, r->len, page);
	if (r->addr >= S2SIM_TRACE_IPA_LIMIT ||
	    r->len > S2SIM_TRACE_IPA_LIMIT - r->addr)
		return fail(msg, size, "memslot %u: ends beyond the 52-bit IPA space",
			    r->slot);
	return 0;
}

/* KVM_CLEAR_DIRTY_LOG wants first_page a multiple of 64 (one bitmap word);
 * see kvm_clear_dirty_log_protect() in virt/kvm/kvm_main.c.  The rule on
 * num_pages needs the slot's size and is in trace_validate.c. */
static int check_clear(const s2sim_record *r, char *msg, size_t size)
{
	if (check_unused(r, "clear_dirty_log", 0, 0, 0, 1, 0, 1, 1, msg, size) ||
	    check_slot_id(r, msg, size))
		return -1;
	if (r->addr & 63)
		return fail(msg, size, "clear_dirty_log: first page %" PRIu64
			    " is not a multiple of 64", r->addr);
	return 0;
}

int s2sim_trace_record_check(const s2sim_record *r, char *msg, size_t size)
{
	const char *name = s2sim_trace_kind_name(r->kind);

	switch (r->kind) {
	case S2SIM_REC_ACCESS:
		return check_access(r, msg, size);
	case S2SIM_REC_MEMSLOT:
		return check_memslot(r, msg, size);
	case S2SIM_REC_DIRTY_LOG_ENABLE:
		if (check_unused(r, name, 1, 0, 0, 1, 0, 0, 0, msg, size))
			return -1;
		if (r->flags & ~(S2SIM_DLOG_MANUAL_PROTECT | S2SIM_DLOG_INITIALLY_SET))
			return fail(msg, size, "dirty_log_enable: unknown flags 0x%x",
				    r->flags);
		return check_slot_id(r, msg, size);
	case S2SIM_REC_DIRTY_LOG_DISABLE:
	case S2SIM_REC_GET_DIRTY_LOG:
		if (check_unused(r, name, 0, 0, 0, 1, 0, 0, 0, msg, size))
			return -1;
		return check_slot_id(r, msg, size);
	case S2SIM_REC_CLEAR_DIRTY_LOG:
		return check_clear(r, msg, size);
	case S2SIM_REC_PHASE:
		return check_unused(r, name, 0, 0, 0, 0, 1, 0, 0, msg, size);
	default:
		return fail(msg, size, "unknown record kind 0x%02x", r->kind);
	}
}

static uint8_t encode_attr(const s2sim_record *r)
{
	switch (r->kind) {
	case S2SIM_REC_ACCESS:
		return (uint8_t)((r->flags & S2SIM_ACCESS_WRITE) |
				 (r->size_log2 << S2SIM_ACC_ATTR_SIZE_SHIFT));
	case S2SIM_REC_MEMSLOT:
		return r->size_log2;
	default:
		return r->flags;
	}
}

size_t s2sim_trace_encode(const s2sim_record *r,
			  uint8_t out[S2SIM_TRACE_MAX_RECORD])
{
	uint16_t id = r->kind == S2SIM_REC_ACCESS ? r->vcpu : r->slot;
	uint64_t head = (uint64_t)r->kind | (uint64_t)encode_attr(r) << 8 |
			(uint64_t)id << 16 | (uint64_t)r->delta << 32;

	s2sim_put_le64(out, head);
	s2sim_put_le64(out + 8, r->addr);
	if (s2sim_trace_kind_units(r->kind) == 1)
		return S2SIM_TRACE_UNIT;
	s2sim_put_le64(out + 16, r->len);
	s2sim_put_le64(out + 24, 0);
	return 2 * S2SIM_TRACE_UNIT;
}

int s2sim_trace_decode(const uint8_t *p, s2sim_record *r, char *msg,
		       size_t size)
{
	uint64_t head = s2sim_le64(p);
	uint8_t attr = (uint8_t)(head >> 8);
	uint16_t id = (uint16_t)(head >> 16);
	unsigned units = s2sim_trace_kind_units(p[0]);

	memset(r, 0, sizeof(*r));
	r->kind = p[0];
	if (units == 0)
		return fail(msg, size, "unknown record kind 0x%02x", p[0]);
	r->delta = (uint32_t)(head >> 32);
	r->addr = s2sim_le64(p + 8);
	if (r->kind == S2SIM_REC_ACCESS) {
		if (attr & S2SIM_ACC_ATTR_RESERVED)
			return fail(msg, size, "access attr byte 0x%02x has reserved bits set",
				    attr);
		r->flags = attr & S2SIM_ACC_ATTR_WRITE;
		r->size_log2 = (attr & S2SIM_ACC_ATTR_SIZE_MASK) >>
			       S2SIM_ACC_ATTR_SIZE_SHIFT;
		r->vcpu = id;
	} else {
		if (r->kind == S2SIM_REC_MEMSLOT)
			r->size_log2 = attr;
		else
			r->flags = attr;
		r->slot = id;
	}
	if (units == 2) {
		r->len = s2sim_le64(p + 16);
		if (s2sim_le64(p + 24) != 0)
			return fail(msg, size, "%s record: reserved bytes 24..31 are not zero",
				    s2sim_trace_kind_name(r->kind));
	}
	return s2sim_trace_record_check(r, msg, size);
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int s2sim_trace_header_decode(const uint8_t hdr[S2SIM_TRACE_HEADER_LEN],
			      s2sim_trace_info *info,
			      char *msg, size_t size)
{
	unsigned i;

	if (memcmp(hdr, S2SIM_TRACE_MAGIC, S2SIM_TRACE_MAGIC_LEN) != 0)
		return fail(msg, size, "byte 0: bad magic (not an s2sim trace)");
	info->version = le16(hdr + 8);
	info->flags = le16(hdr + 10);
	info->vcpus = le32(hdr + 12);
	info->format = (info->flags & S2SIM_TRACE_HFLAG_ZSTD) ? S2SIM_TRACE_ZSTD
							       : S2SIM_TRACE_BINARY;
	if (info->version != S2SIM_TRACE_VERSION)
		return fail(msg, size, "byte 8: unknown trace version %u (this build reads version %u)",
			    info->version, S2SIM_TRACE_VERSION);
	if (info->flags & ~S2SIM_TRACE_HFLAG_ZSTD)
		return fail(msg, size, "byte 10: reserved header flags set (0x%04x)",
			    info->flags);
	if (info->vcpus == 0 || info->vcpus > S2SIM_TRACE_MAX_VCPUS)
		return fail(msg, size, "byte 12: vcpus %u out of range (1..%u)",
			    info->vcpus, S2SIM_TRACE_MAX_VCPUS);
	for (i = 16; i < S2SIM_TRACE_HEADER_LEN; i++)
		if (hdr[i])
			return fail(msg, size, "byte %u: reserved header byte is not zero", i);
	return 0;
}

void s2sim_trace_header_encode(uint8_t hdr[S2SIM_TRACE_HEADER_LEN],
			       uint32_t vcpus, uint32_t flags)
{
	memset(hdr, 0, S2SIM_TRACE_HEADER_LEN);
	memcpy(hdr, S2SIM_TRACE_MAGIC, S2SIM_TRACE_MAGIC_LEN);
	hdr[8] = S2SIM_TRACE_VERSION & 0xff;
	hdr[9] = S2SIM_TRACE_VERSION >> 8;
	hdr[10] = (uint8_t)(flags & 0xff);
	hdr[11] = (uint8_t)(flags >> 8);
	hdr[12] = (uint8_t)(vcpus & 0xff);
	hdr[13] = (uint8_t)(vcpus >> 8);
	hdr[14] = (uint8_t)(vcpus >> 16);
	hdr[15] = (uint8_t)(vcpus >> 24);
}
