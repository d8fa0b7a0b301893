/*
 * `s2sim trace info|dump|convert`: streaming tools over the trace API.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/trace_record.h"
#include "workloads/trace_text.h"
#include "workloads/trace_tools.h"

#define TOOLS_BATCH 4096

static int copy_err(int rc, const char *msg, char *err, size_t errsz)
{
	if (err && errsz)
		snprintf(err, errsz, "%s", msg);
	return rc;
}

/* Open `path` and call fn on each batch of records. */
typedef int (*batch_fn)(void *ctx, const s2sim_trace_info *info,
			const s2sim_record *recs, size_t n);

static int for_each_batch(const char *path, batch_fn fn, void *ctx,
			  int (*start)(void *ctx, const s2sim_trace_info *info),
			  char *err, size_t errsz)
{
	s2sim_trace_reader *r;
	s2sim_record *recs = malloc(TOOLS_BATCH * sizeof(*recs));
	int rc = s2sim_trace_open(&r, path);
	size_t n;

	if (rc != S2SIM_OK || !recs) {
		if (rc == S2SIM_OK)
			rc = copy_err(S2SIM_ENOMEM, "out of memory", err, errsz);
		else
			copy_err(rc, s2sim_trace_errmsg(r), err, errsz);
		free(recs);
		s2sim_trace_close(r);
		return rc;
	}
	/* The callbacks leave their own message in err. */
	if (start)
		rc = start(ctx, s2sim_trace_get_info(r));
	while (rc == S2SIM_OK) {
		int rrc = s2sim_trace_read(r, recs, TOOLS_BATCH, &n);

		if (rrc != S2SIM_ROW && rrc != S2SIM_DONE) {
			rc = copy_err(rrc, s2sim_trace_errmsg(r), err, errsz);
			break;
		}
		rc = fn(ctx, s2sim_trace_get_info(r), recs, n);
		if (rrc == S2SIM_DONE)
			break;
	}
	free(recs);
	s2sim_trace_close(r);
	return rc;
}

/* --- info ------------------------------------------------------------------ */

static int summary_start(void *ctx, const s2sim_trace_info *info)
{
	struct s2sim_trace_summary *s = ctx;

	s->info = *info;
	s->vcpu_accesses = calloc(info->vcpus, sizeof(*s->vcpu_accesses));
	if (!s->vcpu_accesses)
		return copy_err(S2SIM_ENOMEM, "out of memory", s->err, s->errsz);
	return S2SIM_OK;
}

static int summary_batch(void *ctx, const s2sim_trace_info *info,
			 const s2sim_record *recs, size_t n)
{
	struct s2sim_trace_summary *s = ctx;
	size_t i;

	(void)info;
	s->records += n;
	for (i = 0; i < n; i++) {
		const s2sim_record *r = &recs[i];

		s->by_kind[r->kind]++;
		if (r->kind == S2SIM_REC_ACCESS) {
			s->vcpu_accesses[r->vcpu]++;
			if (r->flags & S2SIM_ACCESS_WRITE)
				s->writes++;
			else
				s->reads++;
		} else if (r->kind == S2SIM_REC_MEMSLOT) {
			s->slots[s->nslots++] = *r;
		}
	}
	return S2SIM_OK;
}

int s2sim_trace_summarize(const char *path, struct s2sim_trace_summary *s,
			  char *err, size_t errsz)
{
	memset(s, 0, sizeof(*s));
	s->err = err;
	s->errsz = errsz;
	if (err && errsz)
		err[0] = '\0';
	return for_each_batch(path, summary_batch, s, summary_start, err, errsz);
}

void s2sim_trace_summary_free(struct s2sim_trace_summary *s)
{
	free(s->vcpu_accesses);
	s->vcpu_accesses = NULL;
}

static void print_summary(const char *path, const struct s2sim_trace_summary *s,
			  FILE *out)
{
	static const uint8_t kinds[] = {
		S2SIM_REC_ACCESS, S2SIM_REC_MEMSLOT, S2SIM_REC_DIRTY_LOG_ENABLE,
		S2SIM_REC_DIRTY_LOG_DISABLE, S2SIM_REC_GET_DIRTY_LOG,
		S2SIM_REC_CLEAR_DIRTY_LOG, S2SIM_REC_PHASE,
	};
	char line[160];
	size_t i;

	fprintf(out, "trace:    %s\nformat:   %s\nversion:  %" PRIu32 "\n"
		"vcpus:    %" PRIu32 "\nflags:    0x%04" PRIx32 "\nrecords:  %" PRIu64 "\n",
		path, s2sim_trace_format_name(s->info.format), s->info.version,
		s->info.vcpus, s->info.flags, s->records);
	for (i = 0; i < sizeof(kinds); i++)
		fprintf(out, "  %-18s %" PRIu64 "\n", s2sim_trace_kind_name(kinds[i]),
			s->by_kind[kinds[i]]);
	fprintf(out, "accesses: %" PRIu64 " (reads %" PRIu64 ", writes %" PRIu64 ")\n",
		s->reads + s->writes, s->reads, s->writes);
	fprintf(out, "accesses per vCPU:\n");
	for (i = 0; i < s->info.vcpus; i++)
		fprintf(out, "  vcpu %-5zu %" PRIu64 "\n", i, s->vcpu_accesses[i]);
	fprintf(out, "memslots: %" PRIu32 "\n", s->nslots);
	for (i = 0; i < s->nslots; i++) {
		s2sim_record_format(&s->slots[i], line, sizeof(line));
		fprintf(out, "  %s\n", line);
	}
}

int s2sim_trace_info_print(const char *path, FILE *out, char *err,
			   size_t errsz)
{
	struct s2sim_trace_summary *s = malloc(sizeof(*s));
	int rc;

	if (!s)
		return copy_err(S2SIM_ENOMEM, "out of memory", err, errsz);
	rc = s2sim_trace_summarize(path, s, err, errsz);
	if (rc == S2SIM_OK)
		print_summary(path, s, out);
	s2sim_trace_summary_free(s);
	free(s);
	return rc;
}

/* --- dump ------------------------------------------------------------------ */

static int dump_start(void *ctx, const s2sim_trace_info *info)
{
	fprintf(ctx, "%s %u vcpus=%" PRIu32 "\n", S2SIM_TRACE_TEXT_TAG,
		S2SIM_TRACE_VERSION, info->vcpus);
	return S2SIM_OK;
}

static int dump_batch(void *ctx, const s2sim_trace_info *info,
		      const s2sim_record *recs, size_t n)
{
	char line[160];
	size_t i;

	(void)info;
	for (i = 0; i < n; i++) {
		s2sim_record_format(&recs[i], line, sizeof(line));
		fputs(line, ctx);
		fputc('\n', ctx);
	}
	return ferror((FILE *)ctx) ? S2SIM_EIO : S2SIM_OK;
}

int s2sim_trace_dump(const char *path, FILE *out, char *err, size_t errsz)
{
	int rc;

	if (err && errsz)
		err[0] = '\0';
	rc = for_each_batch(path, dump_batch, out, dump_start, err, errsz);
	if (rc == S2SIM_EIO && err && errsz && !err[0])
		snprintf(err, errsz, "%s: write error on output", path);
	return rc;
}

/* --- convert ---------------------------------------------------------------- */

struct convert_ctx {
	const char *out_path;
	enum s2sim_trace_format format;
	s2sim_trace_writer *w;
	char *err;
	size_t errsz;
};

static int convert_start(void *ctx, const s2sim_trace_info *info)
{
	struct convert_ctx *c = ctx;
	int rc = s2sim_trace_writer_create(&c->w, c->out_path, c->format, info->vcpus);

	if (rc != S2SIM_OK)
		copy_err(rc, s2sim_trace_writer_errmsg(c->w), c->err, c->errsz);
	return rc;
}

static int convert_batch(void *ctx, const s2sim_trace_info *info,
			 const s2sim_record *recs, size_t n)
{
	struct convert_ctx *c = ctx;
	size_t i;

	(void)info;
	for (i = 0; i < n; i++) {
		int rc = s2sim_trace_write(c->w, &recs[i]);

		if (rc != S2SIM_OK)
			return copy_err(rc, s2sim_trace_writer_errmsg(c->w), c->err, c->errsz);
	}
	return S2SIM_OK;
}

int s2sim_trace_convert(const char *in_path, const char *out_path,
			enum s2sim_trace_format format, char *err,
			size_t errsz)
{
	struct convert_ctx c = { out_path, format, NULL, err, errsz };
	int rc;

	if (err && errsz)
		err[0] = '\0';
	rc = for_each_batch(in_path, convert_batch, &c, convert_start, err, errsz);
	if (rc == S2SIM_OK) {
		rc = s2sim_trace_writer_finish(c.w);
		if (rc != S2SIM_OK)
			copy_err(rc, s2sim_trace_writer_errmsg(c.w), err, errsz);
	}
	s2sim_trace_writer_destroy(c.w);
	return rc;
}

const char *s2sim_trace_format_name(enum s2sim_trace_format format)
{
	switch (format) {
	case S2SIM_TRACE_BINARY: return "binary";
	case S2SIM_TRACE_ZSTD: return "zstd";
	case S2SIM_TRACE_TEXT: return "text";
	default: return "unknown";
	}
}

int s2sim_trace_format_parse(const char *name, enum s2sim_trace_format *format)
{
	static const enum s2sim_trace_format all[] = {
		S2SIM_TRACE_BINARY, S2SIM_TRACE_ZSTD, S2SIM_TRACE_TEXT,
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		if (strcmp(name, s2sim_trace_format_name(all[i])) == 0) {
			*format = all[i];
			return 0;
		}
	}
	return -1;
}
