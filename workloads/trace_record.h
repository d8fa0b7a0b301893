/*
 * Trace records: the on-disk layout of format v1 (docs/trace-format.md) and
 * the checks on one record in isolation (its "shape": known kind, legal
 * flags, sizes, unused fields zero).  Checks that need the records before
 * it (memslots, dirty-log state, phase order) are in trace_validate.h.
 *
 * Internal to the library; shared by the reader, the writer and the tools.
 */
#ifndef S2SIM_WORKLOADS_TRACE_RECORD_H
#define S2SIM_WORKLOADS_TRACE_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <s2sim/trace.h>

/* File header. */
#define S2SIM_TRACE_MAGIC "S2TRACE" /* 8 bytes with its NUL */
#define S2SIM_TRACE_MAGIC_LEN 8
#define S2SIM_TRACE_HEADER_LEN 32
#define S2SIM_TRACE_HFLAG_ZSTD 0x0001u

/* Records are made of 16-byte units; the longest record has two. */
#define S2SIM_TRACE_UNIT 16
#define S2SIM_TRACE_MAX_RECORD 32

/*
 * First 8 bytes of every record, read as one little-endian u64 ("head"):
 *   bits  7:0   kind
 *   bits 15:8   attr   (ACCESS: bit 0 write, bits 6:4 size_log2;
 *                       MEMSLOT: backing page log2;
 *                       DIRTY_LOG_ENABLE: S2SIM_DLOG_* flags)
 *   bits 31:16  id     (ACCESS: vcpu; VMM events: slot)
 *   bits 63:32  value  (ACCESS: delta; PHASE: phase number)
 * Bytes 8..15 are a u64 address; a second unit holds a u64 length at
 * bytes 16..23 and reserved zeroes at 24..31.
 */
#define S2SIM_ACC_ATTR_WRITE 0x01u
#define S2SIM_ACC_ATTR_SIZE_SHIFT 4
#define S2SIM_ACC_ATTR_SIZE_MASK 0x70u
#define S2SIM_ACC_ATTR_RESERVED 0x8Eu

/* Head bits an ACCESS record must have as (kind == 1, attr reserved = 0):
 * the reader's fast path tests (head & MASK) == VALUE with one compare. */
#define S2SIM_ACC_HEAD_MASK 0x8EFFull
#define S2SIM_ACC_HEAD_VALUE 0x0001ull

/* Size of the dirty bitmap's page: KVM_CLEAR_DIRTY_LOG counts 4 KiB pages. */
#define S2SIM_TRACE_DIRTY_PAGE_SHIFT 12

static inline uint64_t s2sim_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void s2sim_put_le64(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, sizeof(v));
}

/* Number of 16-byte units of a kind, 0 for an unknown kind. */
unsigned s2sim_trace_kind_units(unsigned kind);
/* Lower-case name of a kind ("access", ...), or NULL when unknown. */
const char *s2sim_trace_kind_name(unsigned kind);

/* Check one record in isolation.  0 if fine, else -1 with a message. */
int s2sim_trace_record_check(const s2sim_record *rec, char *msg, size_t size);

/* Encode a record that passed s2sim_trace_record_check(); returns the
 * number of bytes written to `out` (16 or 32). */
size_t s2sim_trace_encode(const s2sim_record *rec,
			  uint8_t out[S2SIM_TRACE_MAX_RECORD]);

/* Decode one record from `p` (which holds at least the record's units:
 * call s2sim_trace_kind_units() on p[0] first).  Checks reserved bits and
 * the record's shape.  0 if fine, else -1 with a message. */
int s2sim_trace_decode(const uint8_t *p, s2sim_record *rec, char *msg,
		       size_t size);

/* Decode the fixed header.  0 if fine, else -1 with a message naming the
 * byte of the first bad field. */
int s2sim_trace_header_decode(const uint8_t hdr[S2SIM_TRACE_HEADER_LEN],
			      s2sim_trace_info *info, char *msg, size_t size);
void s2sim_trace_header_encode(uint8_t hdr[S2SIM_TRACE_HEADER_LEN],
			       uint32_t vcpus, uint32_t flags);

#endif
