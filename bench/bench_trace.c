/*
 * Trace decode benchmark.
 *
 * Writes a temporary trace of RECORDS ACCESS records (after one memslot) in
 * the binary format and in the zstd one, with the access pattern of
 * memstress (each of 8 vCPUs walks its own 128 MiB region one 4 KiB page at
 * a time, 8-byte accesses, mostly writes), then decodes each file with
 * s2sim_trace_read() in batches of BATCH records.  The files were just
 * written, so they are read from the page cache: the figure is the
 * decoder's, not the disk's.  Each figure is the best of REPEATS passes
 * (wall time, CLOCK_MONOTONIC) on one thread.  The temp files are deleted.
 *
 * Output: "name<TAB>value<TAB>unit" lines on stdout.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <s2sim/trace.h>

#define RECORDS (20u * 1000u * 1000u)
#define VCPUS 8u
#define REGION (128ull << 20)
#define BASE 0x40000000ull
#define BATCH 1024u
#define REPEATS 3

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Access i of the memstress-like stream. */
static s2sim_record pattern(uint64_t i)
{
	s2sim_record r = { 0 };
	uint64_t vcpu = i % VCPUS, page = i / VCPUS;

	r.kind = S2SIM_REC_ACCESS;
	r.flags = (i % 5) ? S2SIM_ACCESS_WRITE : 0;
	r.size_log2 = 3;
	r.vcpu = (uint16_t)vcpu;
	r.delta = 100;
	r.addr = BASE + vcpu * REGION + (page * 4096) % REGION;
	return r;
}

static int write_trace(const char *path, enum s2sim_trace_format fmt)
{
	s2sim_trace_writer *w;
	s2sim_record slot = { 0 };
	int rc = s2sim_trace_writer_create(&w, path, fmt, VCPUS);
	uint64_t i;

	slot.kind = S2SIM_REC_MEMSLOT;
	slot.size_log2 = 21;
	slot.addr = BASE;
	slot.len = VCPUS * REGION;
	if (rc == S2SIM_OK)
		rc = s2sim_trace_write(w, &slot);
	for (i = 0; rc == S2SIM_OK && i < RECORDS; i++) {
		s2sim_record r = pattern(i);

		rc = s2sim_trace_write(w, &r);
	}
	if (rc == S2SIM_OK)
		rc = s2sim_trace_writer_finish(w);
	if (rc != S2SIM_OK)
		fprintf(stderr, "bench_trace: %s\n", s2sim_trace_writer_errmsg(w));
	s2sim_trace_writer_destroy(w);
	return rc;
}

/* One decode pass; returns records per second, or -1 on error. */
static double decode_pass(const char *path, uint64_t *checksum)
{
	static s2sim_record recs[BATCH];
	s2sim_trace_reader *r;
	uint64_t count = 0, sum = 0;
	double t0 = seconds(), t;
	int rc = s2sim_trace_open(&r, path);

	while (rc == S2SIM_OK || rc == S2SIM_ROW) {
		size_t n, i;

		rc = s2sim_trace_read(r, recs, BATCH, &n);
		for (i = 0; i < n; i++)
			sum += recs[i].addr;
		count += n;
	}
	t = seconds() - t0;
	if (rc != S2SIM_DONE || count != RECORDS + 1) {
		fprintf(stderr, "bench_trace: %s (%" PRIu64 " records)\n",
			s2sim_trace_errmsg(r), count);
		s2sim_trace_close(r);
		return -1;
	}
	s2sim_trace_close(r);
	*checksum += sum;
	return (double)count / t;
}

static double best_of(const char *path)
{
	double best = 0;
	uint64_t checksum = 0;
	int k;

	for (k = 0; k < REPEATS; k++) {
		double v = decode_pass(path, &checksum);

		if (v < 0)
			return -1;
		if (v > best)
			best = v;
	}
	return best;
}

int main(void)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char bin[4096], zst[4096];
	double vb, vz;

	snprintf(bin, sizeof(bin), "%s/s2sim-bench-trace-%ld.bin", dir, (long)getpid());
	snprintf(zst, sizeof(zst), "%s/s2sim-bench-trace-%ld.zst", dir, (long)getpid());
	if (write_trace(bin, S2SIM_TRACE_BINARY) != S2SIM_OK ||
	    write_trace(zst, S2SIM_TRACE_ZSTD) != S2SIM_OK) {
		unlink(bin);
		unlink(zst);
		return 1;
	}
	vb = best_of(bin);
	vz = best_of(zst);
	unlink(bin);
	unlink(zst);
	if (vb < 0 || vz < 0)
		return 1;
	printf("trace.decode_binary\t%.1f\tMrecords/s\n", vb / 1e6);
	printf("trace.decode_zstd\t%.1f\tMrecords/s\n", vz / 1e6);
	return 0;
}
