/*
 * Trace reader: format detection, the binary/zstd decode loop and the
 * text-form reader.  Every record is validated as it is read; the first bad
 * one stops the reader for good with S2SIM_EINPUT.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util/errbuf.h"
#include "workloads/trace_input.h"
#include "workloads/trace_record.h"
#include "workloads/trace_text.h"
#include "workloads/trace_validate.h"

/* Longest text line accepted (bounds memory on a file that is not text). */
#define TEXT_LINE_MAX 4096

struct s2sim_trace_reader {
	struct s2sim_errbuf err;
	s2sim_trace_info info;
	char *path;
	int rc;             /* S2SIM_OK, S2SIM_DONE, or the sticky error */
	uint64_t index;     /* index of the next record */
	uint64_t offset;    /* its byte offset (uncompressed stream / text file) */
	struct s2sim_trace_input in;  /* binary and zstd */
	FILE *fp;                     /* text */
	uint64_t lineno;
	char line[TEXT_LINE_MAX + 1];
	struct s2sim_trace_validator val;
};

/* --- errors ------------------------------------------------------------ */

static int stop(s2sim_trace_reader *r, int rc)
{
	r->rc = rc;
	return rc;
}

/* A bad record of a binary trace: name the record and its byte offset. */
static int bad_record(s2sim_trace_reader *r, const char *msg)
{
	s2sim_err(&r->err, S2SIM_EINPUT, "%s: record %" PRIu64 " at byte %" PRIu64 ": %s",
		  r->path, r->index, r->offset, msg);
	return stop(r, S2SIM_EINPUT);
}

/* A bad line of a text trace. */
static int bad_line(s2sim_trace_reader *r, const char *msg)
{
	s2sim_err(&r->err, S2SIM_EINPUT, "%s:%" PRIu64 ": %s", r->path, r->lineno, msg);
	return stop(r, S2SIM_EINPUT);
}

/* --- binary and zstd ----------------------------------------------------- */

/*
 * The hot loop: decode consecutive ACCESS records that pass the fast
 * checks, straight from the buffer.  Stops at the first record that is not
 * such an access (another kind, a slot miss, anything invalid), which the
 * slow path then decodes or rejects.  The validator's fields are copied to
 * locals because the byte-sized stores into recs may alias them.
 */
static size_t decode_accesses(s2sim_trace_reader *r, s2sim_record *recs,
			      size_t max)
{
	const uint8_t *p = r->in.buf + r->in.pos;
	size_t n = (r->in.len - r->in.pos) / S2SIM_TRACE_UNIT, i;
	struct s2sim_trace_validator *v = &r->val;
	const uint64_t hit_base = v->hit_base, hit_size = v->hit_size;
	const uint32_t vcpus = v->vcpus;

	if (n > max)
		n = max;
	for (i = 0; i < n; i++, p += S2SIM_TRACE_UNIT) {
		uint64_t head = s2sim_le64(p), ipa = s2sim_le64(p + 8);
		unsigned sl = (unsigned)(head >> 12) & 7;
		uint32_t vcpu = (uint16_t)(head >> 16);
		s2sim_record *rec = &recs[i];

		if ((head & S2SIM_ACC_HEAD_MASK) != S2SIM_ACC_HEAD_VALUE ||
		    vcpu >= vcpus || sl > 6 || (ipa & ((1ull << sl) - 1)) ||
		    ipa - hit_base >= hit_size)
			break;
		rec->kind = S2SIM_REC_ACCESS;
		rec->flags = (uint8_t)(head >> 8) & S2SIM_ACCESS_WRITE;
		rec->size_log2 = (uint8_t)sl;
		rec->reserved = 0;
		rec->vcpu = (uint16_t)vcpu;
		rec->slot = 0;
		rec->delta = (uint32_t)(head >> 32);
		rec->addr = ipa;
		rec->len = 0;
	}
	r->in.pos += i * S2SIM_TRACE_UNIT;
	r->index += i;
	r->offset += i * S2SIM_TRACE_UNIT;
	return i;
}

/* Make `need` bytes available if the stream has them.  0, or an error. */
static int ensure(s2sim_trace_reader *r, size_t need)
{
	char msg[256];
	int rc;

	if (r->in.len - r->in.pos >= need || r->in.eof)
		return S2SIM_OK;
	rc = s2sim_trace_input_fill(&r->in, msg, sizeof(msg));
	if (rc == S2SIM_EINPUT)
		return bad_record(r, msg);
	if (rc != S2SIM_OK) {
		s2sim_err(&r->err, rc, "%s: %s", r->path, msg);
		return stop(r, rc);
	}
	return S2SIM_OK;
}

/* The end of the stream was reached with `avail` (< one record) bytes. */
static int end_of_stream(s2sim_trace_reader *r, size_t avail, size_t need)
{
	char msg[128];

	if (s2sim_trace_input_truncated(&r->in))
		return bad_record(r, "truncated zstd stream (it ends inside a frame)");
	if (avail == 0)
		return stop(r, S2SIM_DONE);
	snprintf(msg, sizeof(msg), "truncated record (%zu of %zu bytes)", avail, need);
	return bad_record(r, msg);
}

/* Decode one record of any kind, with full checks.  S2SIM_ROW or not. */
static int decode_one(s2sim_trace_reader *r, s2sim_record *rec)
{
	size_t need = S2SIM_TRACE_UNIT, avail;
	char msg[256];
	int rc;

	for (int pass = 0; pass < 2; pass++) {
		rc = ensure(r, need);
		if (rc)
			return rc;
		avail = r->in.len - r->in.pos;
		if (avail < need)
			return end_of_stream(r, avail, need);
		need = S2SIM_TRACE_UNIT * s2sim_trace_kind_units(r->in.buf[r->in.pos]);
		if (need == 0)
			need = S2SIM_TRACE_UNIT; /* unknown kind: decode reports it */
		if (avail >= need)
			break;
	}
	if (s2sim_trace_decode(r->in.buf + r->in.pos, rec, msg, sizeof(msg)) != 0 ||
	    s2sim_trace_validate(&r->val, rec, msg, sizeof(msg)) != 0)
		return bad_record(r, msg);
	r->in.pos += need;
	r->index++;
	r->offset += need;
	return S2SIM_ROW;
}

static int read_binary(s2sim_trace_reader *r, s2sim_record *recs, size_t max,
		       size_t *n)
{
	size_t got = 0;
	int rc = S2SIM_ROW;

	while (got < max) {
		got += decode_accesses(r, recs + got, max - got);
		if (got == max)
			break;
		rc = decode_one(r, &recs[got]);
		if (rc != S2SIM_ROW)
			break;
		got++;
	}
	*n = got;
	return rc;
}

static int open_binary(s2sim_trace_reader *r, int fd, const uint8_t *hdr,
		       size_t len)
{
	char msg[256];

	r->offset = len;
	if (len < S2SIM_TRACE_HEADER_LEN) {
		close(fd);
		return s2sim_err(&r->err, S2SIM_EINPUT, "%s: truncated header (%zu of %u bytes)",
				 r->path, len, S2SIM_TRACE_HEADER_LEN);
	}
	if (s2sim_trace_header_decode(hdr, &r->info, msg, sizeof(msg)) != 0) {
		close(fd);
		return s2sim_err(&r->err, S2SIM_EINPUT, "%s: header %s", r->path, msg);
	}
	s2sim_trace_validator_init(&r->val, r->info.vcpus);
	if (s2sim_trace_input_init(&r->in, fd, r->info.format == S2SIM_TRACE_ZSTD,
				   msg, sizeof(msg)) != S2SIM_OK)
		return s2sim_err(&r->err, S2SIM_ENOMEM, "%s: %s", r->path, msg);
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	return S2SIM_OK;
}

/* --- text ---------------------------------------------------------------- */

/* Read one line into r->line.  1 with a line, 0 at EOF, or an error. */
static int text_getline(s2sim_trace_reader *r)
{
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(r->fp)) != EOF) {
		if (n == TEXT_LINE_MAX) {
			r->lineno++;
			return bad_line(r, "line too long (not a text trace?)");
		}
		if (c == '\0') {
			r->lineno++;
			return bad_line(r, "NUL byte in a text trace");
		}
		r->line[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (ferror(r->fp)) {
		s2sim_err(&r->err, S2SIM_EIO, "%s: read error: %s", r->path, strerror(errno));
		return stop(r, S2SIM_EIO);
	}
	r->line[n] = '\0';
	if (n == 0)
		return 0;
	r->lineno++;
	r->offset += n;
	return 1;
}

static int not_a_trace(s2sim_trace_reader *r)
{
	return s2sim_err(&r->err, S2SIM_EINPUT, "%s: not an s2sim trace "
			 "(no S2TRACE magic and no `s2trace` header line)", r->path);
}

static int open_text(s2sim_trace_reader *r, int fd)
{
	char msg[256];
	int rc;

	r->info.version = S2SIM_TRACE_VERSION;
	r->info.format = S2SIM_TRACE_TEXT;
	if (lseek(fd, 0, SEEK_SET) != 0 || !(r->fp = fdopen(fd, "r"))) {
		close(fd);
		return s2sim_err(&r->err, S2SIM_EIO, "%s: %s", r->path, strerror(errno));
	}
	/* Comments and blank lines may precede the header line.  Anything
	 * else, including a line that is not text at all, means this is no
	 * trace. */
	for (;;) {
		rc = text_getline(r);
		if (rc == S2SIM_EIO)
			return rc;
		if (rc != 1)
			return not_a_trace(r);
		rc = s2sim_trace_text_header(r->line, &r->info.vcpus, msg, sizeof(msg));
		if (rc == S2SIM_TEXT_ITEM)
			break;
		if (rc == S2SIM_TEXT_NOT_TRACE)
			return not_a_trace(r);
		if (rc == S2SIM_TEXT_ERROR)
			return bad_line(r, msg);
	}
	s2sim_trace_validator_init(&r->val, r->info.vcpus);
	return S2SIM_OK;
}

static int text_next(s2sim_trace_reader *r, s2sim_record *rec)
{
	char msg[256];

	for (;;) {
		uint64_t line_start = r->offset;
		int rc = text_getline(r);

		if (rc == 0)
			return stop(r, S2SIM_DONE);
		if (rc != 1)
			return rc;
		rc = s2sim_trace_text_record(r->line, rec, msg, sizeof(msg));
		if (rc == S2SIM_TEXT_BLANK)
			continue;
		if (rc != S2SIM_TEXT_ITEM ||
		    s2sim_trace_validate(&r->val, rec, msg, sizeof(msg)) != 0) {
			r->offset = line_start;
			return bad_line(r, msg);
		}
		r->index++;
		return S2SIM_ROW;
	}
}

static int read_text(s2sim_trace_reader *r, s2sim_record *recs, size_t max,
		     size_t *n)
{
	size_t got = 0;
	int rc = S2SIM_ROW;

	while (got < max && (rc = text_next(r, &recs[got])) == S2SIM_ROW)
		got++;
	*n = got;
	return rc;
}

/* --- public API ------------------------------------------------------------ */

static ssize_t read_prefix(int fd, uint8_t *buf, size_t want)
{
	size_t got = 0;

	while (got < want) {
		ssize_t k = read(fd, buf + got, want - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* Binary if the file starts with the magic (or with a piece of it, when the
 * file is shorter: a truncated header); otherwise the text form. */
static int detect_and_open(s2sim_trace_reader *r, int fd)
{
	uint8_t hdr[S2SIM_TRACE_HEADER_LEN];
	ssize_t len = read_prefix(fd, hdr, sizeof(hdr));
	size_t cmp;

	if (len < 0) {
		int e = errno;
		close(fd);
		return s2sim_err(&r->err, S2SIM_EIO, "%s: read error: %s", r->path, strerror(e));
	}
	cmp = (size_t)len < S2SIM_TRACE_MAGIC_LEN ? (size_t)len : S2SIM_TRACE_MAGIC_LEN;
	if (len > 0 && memcmp(hdr, S2SIM_TRACE_MAGIC, cmp) == 0)
		return open_binary(r, fd, hdr, (size_t)len);
	return open_text(r, fd);
}

int s2sim_trace_open(s2sim_trace_reader **out, const char *path)
{
	s2sim_trace_reader *r = calloc(1, sizeof(*r));
	int fd, rc;

	*out = r;
	if (!r)
		return S2SIM_ENOMEM;
	r->in.fd = -1;
	r->path = strdup(path ? path : "");
	if (!r->path)
		return stop(r, s2sim_err(&r->err, S2SIM_ENOMEM, "out of memory"));
	if (!path)
		return stop(r, s2sim_err(&r->err, S2SIM_EMISUSE, "trace path is NULL"));
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return stop(r, s2sim_err(&r->err, errno == ENOENT ? S2SIM_ENOTFOUND : S2SIM_EIO,
					 "%s: cannot open: %s", path, strerror(errno)));
	rc = detect_and_open(r, fd);
	if (rc != S2SIM_OK)
		return stop(r, rc);
	return S2SIM_OK;
}

void s2sim_trace_close(s2sim_trace_reader *r)
{
	if (!r)
		return;
	if (r->fp)
		fclose(r->fp);
	else
		s2sim_trace_input_close(&r->in);
	free(r->path);
	free(r);
}

const char *s2sim_trace_errmsg(const s2sim_trace_reader *r)
{
	return r ? s2sim_err_msg(&r->err) : "out of memory";
}

const s2sim_trace_info *s2sim_trace_get_info(const s2sim_trace_reader *r)
{
	return r ? &r->info : NULL;
}

int s2sim_trace_read(s2sim_trace_reader *r, s2sim_record *recs, size_t max,
		     size_t *n)
{
	if (n)
		*n = 0;
	if (!r || !n || (!recs && max))
		return S2SIM_EMISUSE;
	if (r->rc != S2SIM_OK)
		return r->rc;
	if (r->info.format == S2SIM_TRACE_TEXT)
		return read_text(r, recs, max, n);
	return read_binary(r, recs, max, n);
}

int s2sim_trace_next(s2sim_trace_reader *r, s2sim_record *rec)
{
	size_t n;
	int rc = s2sim_trace_read(r, rec, 1, &n);

	if (rc == S2SIM_DONE && n == 1)
		return S2SIM_ROW;
	return rc;
}

uint64_t s2sim_trace_record_index(const s2sim_trace_reader *r)
{
	return r ? r->index : 0;
}

uint64_t s2sim_trace_byte_offset(const s2sim_trace_reader *r)
{
	return r ? r->offset : 0;
}
