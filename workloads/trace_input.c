/*
 * Streaming byte source of binary trace bodies: plain read(2) or zstd.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <s2sim/common.h>
#include "workloads/trace_input.h"

static int fail(int rc, char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(int rc, char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return rc;
}

int s2sim_trace_input_init(struct s2sim_trace_input *in, int fd, bool zstd,
			   char *msg, size_t size)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->cap = S2SIM_TRACE_INPUT_BUF;
	in->buf = malloc(in->cap);
	if (!in->buf)
		return fail(S2SIM_ENOMEM, msg, size, "out of memory");
	if (!zstd)
		return S2SIM_OK;
	in->dctx = ZSTD_createDCtx();
	in->zin_cap = ZSTD_DStreamInSize() * 4;
	in->zin = malloc(in->zin_cap);
	if (!in->dctx || !in->zin)
		return fail(S2SIM_ENOMEM, msg, size, "out of memory");
	/* Until a frame has ended, the end of the input is a truncation: an
	 * empty body is not a zstd stream either. */
	in->zlast = 1;
	return S2SIM_OK;
}

/* read(2) until `want` bytes came or the end of the file. */
static ssize_t read_full(int fd, uint8_t *p, size_t want)
{
	size_t got = 0;

	while (got < want) {
		ssize_t n = read(fd, p + got, want - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int fill_plain(struct s2sim_trace_input *in, char *msg, size_t size)
{
	ssize_t n = read_full(in->fd, in->buf + in->len, in->cap - in->len);

	if (n < 0)
		return fail(S2SIM_EIO, msg, size, "read error: %s", strerror(errno));
	in->len += (size_t)n;
	if (in->len < in->cap)
		in->eof = true;
	return S2SIM_OK;
}

static int fill_zstd(struct s2sim_trace_input *in, char *msg, size_t size)
{
	ZSTD_outBuffer out = { in->buf, in->cap, in->len };

	while (out.pos < out.size) {
		size_t in_before = in->zb.pos, out_before = out.pos, ret;

		if (in->zb.pos == in->zb.size && !in->zin_eof) {
			ssize_t n = read_full(in->fd, in->zin, in->zin_cap);

			if (n < 0)
				return fail(S2SIM_EIO, msg, size, "read error: %s", strerror(errno));
			in->zb.src = in->zin;
			in->zb.size = (size_t)n;
			in->zb.pos = 0;
			in->zin_eof = (size_t)n < in->zin_cap;
			continue;
		}
		ret = ZSTD_decompressStream(in->dctx, &out, &in->zb);
		if (ZSTD_isError(ret))
			return fail(S2SIM_EINPUT, msg, size, "corrupt zstd stream: %s",
				    ZSTD_getErrorName(ret));
		/* A call that moved nothing after the input ran out means the
		 * stream is over; only calls that moved data update the hint, so
		 * an idle call after a finished frame does not look truncated. */
		if (in->zb.pos != in_before || out.pos != out_before)
			in->zlast = ret;
		else if (in->zin_eof && in->zb.pos == in->zb.size) {
			in->eof = true;
			break;
		}
	}
	in->len = out.pos;
	return S2SIM_OK;
}

int s2sim_trace_input_fill(struct s2sim_trace_input *in, char *msg,
			   size_t size)
{
	size_t rest = in->len - in->pos;

	if (in->pos) {
		memmove(in->buf, in->buf + in->pos, rest);
		in->pos = 0;
		in->len = rest;
	}
	if (in->eof)
		return S2SIM_OK;
	return in->dctx ? fill_zstd(in, msg, size) : fill_plain(in, msg, size);
}

bool s2sim_trace_input_truncated(const struct s2sim_trace_input *in)
{
	return in->dctx && in->eof && in->zlast != 0;
}

void s2sim_trace_input_close(struct s2sim_trace_input *in)
{
	free(in->buf);
	free(in->zin);
	ZSTD_freeDCtx(in->dctx);
	if (in->fd >= 0)
		close(in->fd);
	memset(in, 0, sizeof(*in));
	in->fd = -1;
}
