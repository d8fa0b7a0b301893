/*
 * s2sim — traces: the versioned binary format (optionally zstd-compressed)
 * and its text form.  The format is specified in docs/trace-format.md.
 *
 * A trace is a header (vCPU count, flags) and a sequence of records: vCPU
 * accesses and VMM events.  Readers stream record by record through a fixed
 * buffer; nothing is ever loaded whole.  A reader validates as it goes: bad
 * magic or version, truncated records, vCPU out of range, unaligned or
 * out-of-memslot IPAs and VMM events out of order stop it with S2SIM_EINPUT
 * and a message naming the record index and byte offset ("PATH: record N at
 * byte B: ..."), or the line for the text form ("PATH:LINE: ...").  The
 * writer applies the same checks, so it cannot write a trace the reader
 * rejects.
 */
#ifndef S2SIM_TRACE_H
#define S2SIM_TRACE_H

#include <s2sim/common.h>

#ifdef __cplusplus
extern "C" {
#endif

#define S2SIM_TRACE_VERSION 1
#define S2SIM_TRACE_MAX_VCPUS 4096
#define S2SIM_TRACE_MAX_MEMSLOTS 512

/* Record kinds (values are the on-disk kind byte). */
enum s2sim_record_kind {
	S2SIM_REC_ACCESS = 0x01,            /* vcpu, flags(W), size_log2, delta, addr */
	S2SIM_REC_MEMSLOT = 0x10,           /* slot, size_log2 = backing (12, 21, 30),
					       addr = base, len = bytes */
	S2SIM_REC_DIRTY_LOG_ENABLE = 0x11,  /* slot, flags = S2SIM_DLOG_* */
	S2SIM_REC_DIRTY_LOG_DISABLE = 0x12, /* slot */
	S2SIM_REC_GET_DIRTY_LOG = 0x13,     /* slot */
	S2SIM_REC_CLEAR_DIRTY_LOG = 0x14,   /* slot, addr = first page, len = pages
					       (4 KiB pages from the slot base) */
	S2SIM_REC_PHASE = 0x15,             /* delta = phase number (see below) */
};

/* Access flags. */
#define S2SIM_ACCESS_WRITE 0x01u
/* Dirty-log enable flags (KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 bits). */
#define S2SIM_DLOG_MANUAL_PROTECT 0x01u
#define S2SIM_DLOG_INITIALLY_SET 0x02u

/* Phase markers: 0 = populate, n >= 1 = dirty-logging iteration n,
 * 0xFFFFFFFF = end of the workload. */
#define S2SIM_PHASE_POPULATE 0u
#define S2SIM_PHASE_END 0xFFFFFFFFu

/* A decoded record.  Fields a kind does not use are zero (the writer
 * rejects a record where they are not, so every record has one encoding). */
typedef struct s2sim_record {
	uint8_t kind;
	uint8_t flags;
	uint8_t size_log2; /* access: log2 bytes (0..6); memslot: backing page */
	uint8_t reserved;
	uint16_t vcpu;     /* access */
	uint16_t slot;     /* VMM events */
	uint32_t delta;    /* access: guest instructions since this vCPU's
			      previous access; phase: phase number */
	uint64_t addr;     /* access: IPA; memslot: base IPA; clear: first page */
	uint64_t len;      /* memslot: bytes; clear: number of pages */
} s2sim_record;

enum s2sim_trace_format {
	S2SIM_TRACE_BINARY = 0,
	S2SIM_TRACE_ZSTD = 1, /* binary, body compressed with zstd */
	S2SIM_TRACE_TEXT = 2,
};

typedef struct s2sim_trace_info {
	uint32_t version;
	uint32_t vcpus;
	uint32_t flags;    /* header flags as stored */
	enum s2sim_trace_format format;
} s2sim_trace_info;

/* --- reading --- */
typedef struct s2sim_trace_reader s2sim_trace_reader;

/* Open a trace; the format (binary, zstd, text) is detected from content. */
S2SIM_API int s2sim_trace_open(s2sim_trace_reader **out, const char *path);
S2SIM_API void s2sim_trace_close(s2sim_trace_reader *r);
S2SIM_API const char *s2sim_trace_errmsg(const s2sim_trace_reader *r);
S2SIM_API const s2sim_trace_info *s2sim_trace_get_info(const s2sim_trace_reader *r);
/* Next record: S2SIM_ROW (rec filled), S2SIM_DONE, or an error code.
 * Errors are sticky: after one, every call returns it again. */
S2SIM_API int s2sim_trace_next(s2sim_trace_reader *r, s2sim_record *rec);
/* Up to `max` records into `recs`; *n is how many.  Returns S2SIM_ROW while
 * records came, S2SIM_DONE at the end (*n may be > 0 with DONE), or an error
 * (the *n records before the bad one are valid).  This is the fast path:
 * use batches of a few hundred records or more. */
S2SIM_API int s2sim_trace_read(s2sim_trace_reader *r, s2sim_record *recs,
			       size_t max, size_t *n);
/* Index of the next record and byte offset of it in the (uncompressed)
 * stream, for progress and messages.  Binary: offsets count the 32-byte
 * header, so record 0 is at byte 32.  Text: the offset in the file of the
 * next unread line.  After an error, both name the bad record. */
S2SIM_API uint64_t s2sim_trace_record_index(const s2sim_trace_reader *r);
S2SIM_API uint64_t s2sim_trace_byte_offset(const s2sim_trace_reader *r);

/* --- writing --- */
typedef struct s2sim_trace_writer s2sim_trace_writer;

/* Create a writer.  The file appears at `path` only on a successful
 * s2sim_trace_writer_finish() (written to a temp file, then renamed). */
S2SIM_API int s2sim_trace_writer_create(s2sim_trace_writer **out,
					const char *path,
					enum s2sim_trace_format format,
					uint32_t vcpus);
/* Validate and append one record.  S2SIM_EINPUT: the record is refused
 * (nothing written, message names the record index) and the writer stays
 * usable; S2SIM_EIO: the writer has failed for good. */
S2SIM_API int s2sim_trace_write(s2sim_trace_writer *w, const s2sim_record *rec);
S2SIM_API int s2sim_trace_writer_finish(s2sim_trace_writer *w);
/* Free the writer; discards the output unless finish() succeeded. */
S2SIM_API void s2sim_trace_writer_destroy(s2sim_trace_writer *w);
S2SIM_API const char *s2sim_trace_writer_errmsg(const s2sim_trace_writer *w);

/* Format one record in the text form (no newline). Returns chars written
 * as snprintf does. */
S2SIM_API int s2sim_record_format(const s2sim_record *rec, char *buf,
				  size_t size);

#ifdef __cplusplus
}
#endif
#endif
