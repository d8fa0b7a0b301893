/*
 * libFuzzer harness of the trace reader (workloads/trace_*.c): the input is
 * a whole trace file in any form (binary, zstd, text; the reader detects
 * it).  Besides crashes and sanitizer reports it checks three properties:
 *  - a plain binary trace read again with its body compressed by zstd
 *    gives the same records and the same outcome;
 *  - a trace read to its end without error, written out by the writer in
 *    the text form and read again, gives the same records;
 *  - every record is formatted (s2sim_record_format) without overflow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include <s2sim/trace.h>

#include "fuzz/fuzz_util.h"

#define BATCH 64
#define HEADER_LEN 32

struct recs {
	s2sim_record *v;
	size_t n, cap;
	int rc; /* S2SIM_DONE or the error that stopped the reader */
	int format; /* enum s2sim_trace_format, -1 if the open failed */
};

static void recs_push(struct recs *r, const s2sim_record *add, size_t n)
{
	if (n == 0)
		return;
	if (r->n + n > r->cap) {
		r->cap = (r->n + n) * 2;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		if (!r->v)
			abort();
	}
	memcpy(r->v + r->n, add, n * sizeof(*add));
	r->n += n;
}

static void format_all(const s2sim_record *v, size_t n)
{
	char line[160];

	for (size_t i = 0; i < n; i++) {
		int len = s2sim_record_format(&v[i], line, sizeof(line));

		if (len < 0 || (size_t)len >= sizeof(line))
			abort();
	}
}

/* Read the trace at `path` to its end or first error. */
static void read_trace(const char *path, struct recs *out)
{
	s2sim_trace_reader *r = NULL;
	s2sim_record batch[BATCH];
	size_t n = 0;
	int rc = s2sim_trace_open(&r, path);

	memset(out, 0, sizeof(*out));
	out->format = -1;
	if (rc == S2SIM_OK) {
		out->format = (int)s2sim_trace_get_info(r)->format;
		do {
			rc = s2sim_trace_read(r, batch, BATCH, &n);
			format_all(batch, n);
			recs_push(out, batch, n);
		} while (rc == S2SIM_ROW);
		/* errors are sticky, the end stays the end */
		if (s2sim_trace_next(r, batch) != rc)
			abort();
	}
	if (strlen(s2sim_trace_errmsg(r)) == 0)
		abort();
	s2sim_trace_close(r);
	out->rc = rc;
}

static int same_record(const s2sim_record *a, const s2sim_record *b)
{
	return a->kind == b->kind && a->flags == b->flags &&
	       a->size_log2 == b->size_log2 && a->vcpu == b->vcpu &&
	       a->slot == b->slot && a->delta == b->delta && a->addr == b->addr &&
	       a->len == b->len;
}

static void expect_same(const struct recs *a, const struct recs *b,
			const char *what)
{
	int same = a->rc == b->rc && a->n == b->n;

	for (size_t i = 0; same && i < a->n; i++)
		same = same_record(&a->v[i], &b->v[i]);
	if (!same) {
		fprintf(stderr, "%s: %zu records rc %d vs %zu records rc %d\n",
			what, a->n, a->rc, b->n, b->rc);
		abort();
	}
}

/* The same trace with its body as one zstd frame (header flag bit 0). */
static void check_zstd(const uint8_t *data, size_t size, const struct recs *plain)
{
	size_t body = size - HEADER_LEN, cap = HEADER_LEN + ZSTD_compressBound(body);
	uint8_t *z = malloc(cap);
	char path[512];
	struct recs again;
	size_t zn;

	if (!z)
		abort();
	memcpy(z, data, HEADER_LEN);
	z[10] |= 1;
	zn = ZSTD_compress(z + HEADER_LEN, cap - HEADER_LEN, data + HEADER_LEN, body, 1);
	if (ZSTD_isError(zn))
		abort();
	fuzz_path(path, sizeof(path), "trace.zst");
	fuzz_write_file(path, z, HEADER_LEN + zn);
	free(z);
	read_trace(path, &again);
	expect_same(plain, &again, "plain vs zstd");
	free(again.v);
}

/* Write the records as a text trace and read them back. */
static void check_text_roundtrip(const char *src, const struct recs *first)
{
	s2sim_trace_reader *r = NULL;
	s2sim_trace_writer *w = NULL;
	char path[512];
	struct recs again;
	uint32_t vcpus;

	if (s2sim_trace_open(&r, src) != S2SIM_OK)
		abort();
	vcpus = s2sim_trace_get_info(r)->vcpus;
	s2sim_trace_close(r);
	fuzz_path(path, sizeof(path), "roundtrip.txt");
	if (s2sim_trace_writer_create(&w, path, S2SIM_TRACE_TEXT, vcpus) != S2SIM_OK)
		abort();
	for (size_t i = 0; i < first->n; i++)
		if (s2sim_trace_write(w, &first->v[i]) != S2SIM_OK) {
			fprintf(stderr, "writer refused record %zu: %s\n", i,
				s2sim_trace_writer_errmsg(w));
			abort();
		}
	if (s2sim_trace_writer_finish(w) != S2SIM_OK)
		abort();
	s2sim_trace_writer_destroy(w);
	read_trace(path, &again);
	expect_same(first, &again, "text round trip");
	free(again.v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[512];
	struct recs first;

	fuzz_path(path, sizeof(path), "trace");
	fuzz_write_file(path, data, size);
	read_trace(path, &first);
	if (first.format == S2SIM_TRACE_BINARY && size >= HEADER_LEN)
		check_zstd(data, size, &first);
	if (first.rc == S2SIM_DONE)
		check_text_roundtrip(path, &first);
	free(first.v);
	return 0;
}
