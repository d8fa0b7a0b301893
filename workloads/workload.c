/*
 * The workload handle: one stream of records from either the dirty-log
 * generator or a trace file, with the s2sim_trace_read() contract, plus
 * the glue from a configuration and to a trace writer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config/config_internal.h"
#include "core/util/errbuf.h"
#include "workloads/dirtylog_gen.h"
#include "workloads/workload_internal.h"

struct s2sim_workload {
	struct s2sim_errbuf err;
	struct s2sim_dlgen *gen;      /* exactly one of gen and trace */
	s2sim_trace_reader *trace;
	uint32_t vcpus;
};

static s2sim_workload *workload_new(s2sim_workload **out)
{
	*out = calloc(1, sizeof(**out));
	return *out;
}

int s2sim_workload_generator(s2sim_workload **out,
			     const s2sim_dirtylog_params *p)
{
	s2sim_workload *w = workload_new(out);
	int rc;

	if (!w)
		return S2SIM_ENOMEM;
	if (!p)
		return s2sim_err(&w->err, S2SIM_EMISUSE, "workload: no parameters");
	rc = s2sim_dlgen_create(&w->gen, p, &w->err);
	if (rc != S2SIM_OK)
		return rc;
	w->vcpus = p->vcpus;
	return S2SIM_OK;
}

int s2sim_workload_trace(s2sim_workload **out, const char *path)
{
	s2sim_workload *w = workload_new(out);
	int rc;

	if (!w)
		return S2SIM_ENOMEM;
	if (!path)
		return s2sim_err(&w->err, S2SIM_EMISUSE, "workload: no trace path");
	rc = s2sim_trace_open(&w->trace, path);
	if (rc != S2SIM_OK) {
		s2sim_err(&w->err, rc, "%s", w->trace ? s2sim_trace_errmsg(w->trace)
						       : "out of memory");
		s2sim_trace_close(w->trace);
		w->trace = NULL;
		return rc;
	}
	w->vcpus = s2sim_trace_get_info(w->trace)->vcpus;
	return S2SIM_OK;
}

void s2sim_workload_destroy(s2sim_workload *w)
{
	if (!w)
		return;
	s2sim_dlgen_destroy(w->gen);
	s2sim_trace_close(w->trace);
	free(w);
}

const char *s2sim_workload_errmsg(const s2sim_workload *w)
{
	return w ? s2sim_err_msg(&w->err) : "out of memory";
}

uint32_t s2sim_workload_vcpus(const s2sim_workload *w)
{
	return w ? w->vcpus : 0;
}

int s2sim_workload_read(s2sim_workload *w, s2sim_record *recs, size_t max,
			size_t *n)
{
	int rc;

	if (n)
		*n = 0;
	if (!w || !n || (!recs && max))
		return S2SIM_EMISUSE;
	if (w->gen) {
		*n = s2sim_dlgen_fill(w->gen, recs, max);
		return s2sim_dlgen_done(w->gen) ? S2SIM_DONE : S2SIM_ROW;
	}
	if (!w->trace)
		return w->err.rc ? w->err.rc : S2SIM_EMISUSE;
	rc = s2sim_trace_read(w->trace, recs, max, n);
	if (rc != S2SIM_ROW && rc != S2SIM_DONE)
		s2sim_err(&w->err, rc, "%s", s2sim_trace_errmsg(w->trace));
	return rc;
}

/* --- from a configuration --- */

/* "workload.<field> (set at <origin>)" for a message about a bad value. */
static void key_origin(const s2sim_config *cfg, const char *field, char *buf,
		       size_t size)
{
	char key[64];
	const char *origin;

	snprintf(key, sizeof(key), "workload.%s", field);
	origin = s2sim_config_origin(cfg, key);
	if (!origin && !strcmp(field, "base_ipa")) {
		snprintf(key, sizeof(key), "platform.ipa_bits");
		origin = s2sim_config_origin(cfg, key);
	}
	snprintf(buf, size, "%s (set by %s)", key, origin ? origin : "default");
}

int s2sim_dirtylog_params_from_config(s2sim_dirtylog_params *p,
				      const s2sim_config *cfg, char *err,
				      size_t errsz)
{
	const struct s2sim_cfg *c = s2sim_config_values(cfg);
	struct s2sim_errbuf eb = { 0 };
	const char *field = "vcpus";
	char where[256];
	int rc;

	s2sim_dirtylog_params_default(p);
	p->vcpus = c->workload.vcpus;
	p->bytes_per_vcpu = c->workload.bytes_per_vcpu;
	p->guest_page_size = c->workload.guest_page_size;
	p->backing_page_size = c->workload.backing_page_size;
	p->write_percent = c->workload.write_percent;
	p->iterations = c->workload.iterations;
	p->random_access = c->workload.order == S2SIM_ORDER_RANDOM;
	p->seed = c->workload.seed;
	p->initially_set = c->workload.initially_set;
	p->instructions_per_access = c->workload.instructions_per_access;
	/* Check the workload keys first (base 0 always passes), then place
	 * the region, which needs them sane. */
	p->base_ipa = 0;
	rc = s2sim_dlgen_check(p, &eb, &field);
	if (rc == S2SIM_OK) {
		field = "base_ipa";
		rc = s2sim_dlgen_base_ipa(c->platform.ipa_bits,
					  p->vcpus * p->bytes_per_vcpu,
					  p->guest_page_size,
					  p->backing_page_size, &p->base_ipa, &eb);
	}
	if (rc == S2SIM_OK)
		return S2SIM_OK;
	key_origin(cfg, field, where, sizeof(where));
	snprintf(err, errsz, "workload: %s: %s", where, s2sim_err_msg(&eb));
	return rc;
}

int s2sim_workload_from_config(s2sim_workload **out, const s2sim_config *cfg)
{
	const struct s2sim_cfg *c;
	s2sim_dirtylog_params p;
	char msg[S2SIM_ERRMSG_MAX];
	s2sim_workload *w;
	int rc;

	if (!cfg) {
		w = workload_new(out);
		return w ? s2sim_err(&w->err, S2SIM_EMISUSE,
				     "workload: no configuration")
			 : S2SIM_ENOMEM;
	}
	c = s2sim_config_values(cfg);
	if (c->workload.source == S2SIM_SRC_TRACE)
		return s2sim_workload_trace(out, c->workload.trace);
	rc = s2sim_dirtylog_params_from_config(&p, cfg, msg, sizeof(msg));
	if (rc == S2SIM_OK)
		return s2sim_workload_generator(out, &p);
	w = workload_new(out);
	return w ? s2sim_err(&w->err, rc, "%s", msg) : S2SIM_ENOMEM;
}

/* --- to a trace file --- */

static int copy_err(char *err, size_t errsz, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int copy_err(char *err, size_t errsz, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return rc;
}

/* Drain `w` into `tw`; the writer's or the workload's error. */
static int pump(s2sim_workload *w, s2sim_trace_writer *tw, const char *path,
		char *err, size_t errsz, uint64_t *records)
{
	s2sim_record recs[1024];
	int rrc = S2SIM_ROW;

	while (rrc == S2SIM_ROW) {
		size_t n = 0;

		rrc = s2sim_workload_read(w, recs, 1024, &n);
		for (size_t i = 0; i < n; i++) {
			int rc = s2sim_trace_write(tw, &recs[i]);

			if (rc != S2SIM_OK)
				return copy_err(err, errsz, rc, "%s: %s", path,
						s2sim_trace_writer_errmsg(tw));
			(*records)++;
		}
	}
	if (rrc != S2SIM_DONE)
		return copy_err(err, errsz, rrc, "workload: %s",
				s2sim_workload_errmsg(w));
	return S2SIM_OK;
}

int s2sim_workload_write_trace(s2sim_workload *w, const char *path,
			       enum s2sim_trace_format format, char *err,
			       size_t errsz, uint64_t *records)
{
	s2sim_trace_writer *tw = NULL;
	uint64_t count = 0;
	int rc;

	if (records)
		*records = 0;
	if (!w || !path)
		return copy_err(err, errsz, S2SIM_EMISUSE,
				"no workload or no path");
	rc = s2sim_trace_writer_create(&tw, path, format, w->vcpus);
	if (rc != S2SIM_OK) {
		copy_err(err, errsz, rc, "%s: %s", path,
			 tw ? s2sim_trace_writer_errmsg(tw) : "out of memory");
		s2sim_trace_writer_destroy(tw);
		return rc;
	}
	rc = pump(w, tw, path, err, errsz, &count);
	if (rc == S2SIM_OK) {
		rc = s2sim_trace_writer_finish(tw);
		if (rc != S2SIM_OK)
			copy_err(err, errsz, rc, "%s: %s", path,
				 s2sim_trace_writer_errmsg(tw));
	}
	s2sim_trace_writer_destroy(tw);
	if (records)
		*records = count;
	return rc;
}
