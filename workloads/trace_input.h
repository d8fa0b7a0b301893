/*
 * The byte stream under a binary trace reader: the body of the file after
 * its header, read through a fixed buffer with read(2), or decompressed
 * from a zstd stream with ZSTD_decompressStream() into that same buffer.
 * Memory use is bounded by the buffer whatever the size of the trace.
 */
#ifndef S2SIM_WORKLOADS_TRACE_INPUT_H
#define S2SIM_WORKLOADS_TRACE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zstd.h>

/* Decoded-bytes buffer.  Large enough that one read(2) amortises well,
 * small enough to stay in a core's L2 while it is decoded. */
#define S2SIM_TRACE_INPUT_BUF (256u * 1024u)

struct s2sim_trace_input {
	int fd;
	uint8_t *buf;        /* decoded bytes; unread ones are [pos, len) */
	size_t cap;
	size_t pos;
	size_t len;
	bool eof;            /* every byte of the stream is in buf */
	/* zstd only (dctx == NULL for a plain body) */
	ZSTD_DCtx *dctx;
	uint8_t *zin;
	size_t zin_cap;
	ZSTD_inBuffer zb;
	bool zin_eof;
	size_t zlast;        /* last hint of ZSTD_decompressStream; 0 = a frame ended */
};

/* Take over `fd` positioned at the body (even on failure).  S2SIM_OK, or
 * S2SIM_ENOMEM with a message. */
int s2sim_trace_input_init(struct s2sim_trace_input *in, int fd, bool zstd,
			   char *msg, size_t size);
/* Move the unread bytes to the front of buf and refill it as far as the
 * stream allows.  S2SIM_OK, or an error with a message: S2SIM_EIO (read
 * error) or S2SIM_EINPUT (corrupt zstd data).
 * At the end of a zstd stream that stopped inside a frame, sets eof and
 * s2sim_trace_input_truncated() says so. */
int s2sim_trace_input_fill(struct s2sim_trace_input *in, char *msg,
			   size_t size);
bool s2sim_trace_input_truncated(const struct s2sim_trace_input *in);
/* Free the buffers and close the fd. */
void s2sim_trace_input_close(struct s2sim_trace_input *in);

#endif
