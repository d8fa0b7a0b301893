/*
 * Trace writer: binary, zstd-compressed binary (ZSTD_compressStream2,
 * level 3) or text.  Records are checked with the reader's own rules
 * (trace_record.c, trace_validate.c) before they are written, and the file
 * is built under a temporary name and renamed into place by finish().
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "core/util/atomic_file.h"
#include "core/util/errbuf.h"
#include "workloads/trace_record.h"
#include "workloads/trace_validate.h"

#define WRITER_BUF (256u * 1024u)
#define WRITER_ZSTD_LEVEL 3
/* Room kept free in the staging buffer: one record, binary or text. */
#define WRITER_SLACK 256

enum writer_state { W_OPEN, W_FINISHED, W_FAILED };

struct s2sim_trace_writer {
	struct s2sim_errbuf err;
	enum s2sim_trace_format format;
	enum writer_state state;
	char *path;
	struct s2sim_atomic_file af;
	bool af_open;
	uint64_t index;                /* records written */
	uint8_t *buf;                  /* staged, not yet compressed/written */
	size_t len;
	ZSTD_CCtx *cctx;
	uint8_t *zout;
	size_t zout_cap;
	struct s2sim_trace_validator val;
};

static int fail_io(s2sim_trace_writer *w, const char *what)
{
	w->state = W_FAILED;
	return s2sim_err(&w->err, S2SIM_EIO, "%s: %s", w->path, what);
}

static int put(s2sim_trace_writer *w, const void *p, size_t n)
{
	if (fwrite(p, 1, n, w->af.fp) != n)
		return fail_io(w, "write failed");
	return S2SIM_OK;
}

/* Feed buf[0, len) to zstd with `mode`, writing whatever it produces; with
 * ZSTD_e_end, loop until the frame is complete. */
static int compress(s2sim_trace_writer *w, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { w->buf, w->len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer out = { w->zout, w->zout_cap, 0 };

		left = ZSTD_compressStream2(w->cctx, &out, &in, mode);
		if (ZSTD_isError(left)) {
			w->state = W_FAILED;
			return s2sim_err(&w->err, S2SIM_EIO, "%s: zstd: %s", w->path,
					 ZSTD_getErrorName(left));
		}
		if (out.pos && put(w, w->zout, out.pos) != S2SIM_OK)
			return S2SIM_EIO;
	} while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
	return S2SIM_OK;
}

static int flush(s2sim_trace_writer *w, ZSTD_EndDirective mode)
{
	int rc;

	if (w->cctx)
		rc = compress(w, mode);
	else
		rc = w->len ? put(w, w->buf, w->len) : S2SIM_OK;
	w->len = 0;
	return rc;
}

static int writer_setup(s2sim_trace_writer *w, uint32_t vcpus)
{
	if (w->format == S2SIM_TRACE_ZSTD) {
		w->cctx = ZSTD_createCCtx();
		w->zout_cap = ZSTD_CStreamOutSize();
		w->zout = malloc(w->zout_cap);
		if (!w->cctx || !w->zout)
			return s2sim_err(&w->err, S2SIM_ENOMEM, "out of memory");
		if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel,
							WRITER_ZSTD_LEVEL)))
			return s2sim_err(&w->err, S2SIM_EIO, "zstd: cannot set level");
	}
	s2sim_trace_validator_init(&w->val, vcpus);
	if (s2sim_atomic_open(&w->af, w->path, &w->err) != S2SIM_OK)
		return w->err.rc;
	w->af_open = true;
	if (w->format == S2SIM_TRACE_TEXT) {
		fprintf(w->af.fp, "s2trace %u vcpus=%" PRIu32 "\n", S2SIM_TRACE_VERSION, vcpus);
	} else {
		uint8_t hdr[S2SIM_TRACE_HEADER_LEN];

		s2sim_trace_header_encode(hdr, vcpus, w->cctx ? S2SIM_TRACE_HFLAG_ZSTD : 0);
		if (put(w, hdr, sizeof(hdr)) != S2SIM_OK)
			return S2SIM_EIO;
	}
	return S2SIM_OK;
}

int s2sim_trace_writer_create(s2sim_trace_writer **out, const char *path,
			      enum s2sim_trace_format format, uint32_t vcpus)
{
	s2sim_trace_writer *w = calloc(1, sizeof(*w));
	int rc;

	*out = w;
	if (!w)
		return S2SIM_ENOMEM;
	w->state = W_FAILED;
	w->format = format;
	w->path = strdup(path ? path : "");
	w->buf = malloc(WRITER_BUF);
	if (!w->path || !w->buf)
		return s2sim_err(&w->err, S2SIM_ENOMEM, "out of memory");
	if (!path || (format != S2SIM_TRACE_BINARY && format != S2SIM_TRACE_ZSTD &&
		      format != S2SIM_TRACE_TEXT))
		return s2sim_err(&w->err, S2SIM_EMISUSE, "bad trace path or format");
	if (vcpus == 0 || vcpus > S2SIM_TRACE_MAX_VCPUS)
		return s2sim_err(&w->err, S2SIM_EINPUT, "%s: vcpus %" PRIu32 " out of range (1..%u)",
				 path, vcpus, S2SIM_TRACE_MAX_VCPUS);
	rc = writer_setup(w, vcpus);
	if (rc == S2SIM_OK)
		w->state = W_OPEN;
	return rc;
}

static int stage(s2sim_trace_writer *w, const s2sim_record *rec)
{
	if (w->format == S2SIM_TRACE_TEXT) {
		int n = s2sim_record_format(rec, (char *)w->buf + w->len,
					    WRITER_BUF - w->len - 1);

		w->len += (size_t)n;
		w->buf[w->len++] = '\n';
	} else {
		w->len += s2sim_trace_encode(rec, w->buf + w->len);
	}
	if (WRITER_BUF - w->len < WRITER_SLACK)
		return flush(w, ZSTD_e_continue);
	return S2SIM_OK;
}

int s2sim_trace_write(s2sim_trace_writer *w, const s2sim_record *rec)
{
	char msg[256];

	if (!w || !rec)
		return S2SIM_EMISUSE;
	if (w->state != W_OPEN)
		return s2sim_err(&w->err, S2SIM_EMISUSE, "%s: writer is %s", w->path,
				 w->state == W_FINISHED ? "finished" : "failed");
	/* A rejected record is not written and leaves the writer usable. */
	if (s2sim_trace_record_check(rec, msg, sizeof(msg)) != 0 ||
	    s2sim_trace_validate(&w->val, rec, msg, sizeof(msg)) != 0)
		return s2sim_err(&w->err, S2SIM_EINPUT, "%s: record %" PRIu64 ": %s",
				 w->path, w->index, msg);
	w->index++;
	return stage(w, rec);
}

int s2sim_trace_writer_finish(s2sim_trace_writer *w)
{
	int rc;

	if (!w)
		return S2SIM_EMISUSE;
	if (w->state != W_OPEN)
		return s2sim_err(&w->err, S2SIM_EMISUSE, "%s: writer is %s", w->path,
				 w->state == W_FINISHED ? "finished" : "failed");
	rc = flush(w, ZSTD_e_end);
	if (rc != S2SIM_OK)
		return rc;
	w->af_open = false;
	rc = s2sim_atomic_commit(&w->af, &w->err);
	w->state = rc == S2SIM_OK ? W_FINISHED : W_FAILED;
	return rc;
}

void s2sim_trace_writer_destroy(s2sim_trace_writer *w)
{
	if (!w)
		return;
	if (w->af_open)
		s2sim_atomic_abort(&w->af);
	ZSTD_freeCCtx(w->cctx);
	free(w->zout);
	free(w->buf);
	free(w->path);
	free(w);
}

const char *s2sim_trace_writer_errmsg(const s2sim_trace_writer *w)
{
	return w ? s2sim_err_msg(&w->err) : "out of memory";
}
