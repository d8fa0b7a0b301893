/*
 * Results of a sweep: headline metrics of each point's stats.json
 * (jansson) into results.csv and a table.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <s2sim/common.h>

#include "core/util/atomic_file.h"
#include "tools/sweep_collect.h"
#include "tools/sweep_dir.h"

/* The fixed metrics; the phase.iteration_N.time_ps columns come between
 * M_DVMOP and M_LOCK_P99 in the CSV. */
enum { M_TIME, M_ACCESSES, M_FAULTS, M_TLBI, M_DVMOP, M_LOCK_P99,
       M_FINDINGS, M_FIXED };

static const char *const metric_names[M_FIXED] = {
	"sim.time_ps", "guest.accesses", "kvm.faults", "kvm.tlbi.broadcast",
	"fabric.dn.rxreq_dvmop", "kvm.mmu_lock.write.wait_ps.p99",
	"check.findings",
};

struct num {
	int kind; /* 0 absent, 1 integer, 2 real */
	json_int_t i;
	double d;
};

struct row {
	int done;
	struct num m[M_FIXED];
	struct num iter[SWEEP_MAX_ITER];
	char **vals; /* swept keys' values */
};

struct table {
	struct row *rows;
	int n, niter;
};

static struct num to_num(const json_t *v)
{
	struct num x = { 0 };

	if (json_is_integer(v)) {
		x.kind = 1;
		x.i = json_integer_value(v);
	} else if (json_is_real(v)) {
		x.kind = 2;
		x.d = json_real_value(v);
	}
	return x;
}

static double num_value(const struct num *x)
{
	return x->kind == 1 ? (double)x->i : x->d;
}

static const json_t *counter(const json_t *root, const char *name)
{
	return json_object_get(json_object_get(json_object_get(root, "counters"),
					       name), "value");
}

/* phase.iteration_N.time_ps and the sum of check.findings.*. */
static void scan_counters(const json_t *root, struct row *r, int *niter)
{
	const char *name;
	json_t *c;
	json_int_t findings = 0;
	int have = 0;

	json_object_foreach(json_object_get(root, "counters"), name, c) {
		unsigned it;
		int end = 0;

		if (!strncmp(name, "check.findings.", 15)) {
			findings += json_integer_value(json_object_get(c, "value"));
			have = 1;
		} else if (sscanf(name, "phase.iteration_%u.time_ps%n", &it, &end) == 1 &&
			   name[end] == '\0' && it >= 1 && it <= SWEEP_MAX_ITER) {
			r->iter[it - 1] = to_num(json_object_get(c, "value"));
			if ((int)it > *niter)
				*niter = (int)it;
		}
	}
	if (have)
		r->m[M_FINDINGS] = (struct num){ .kind = 1, .i = findings };
}

static int read_stats(const char *path, struct row *r, int *niter,
		      struct s2sim_errbuf *err)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	const json_t *h;

	if (!root)
		return s2sim_err(err, S2SIM_EINPUT, "%s:%d: cannot parse: %s (remove "
				 "the file to run the point again)", path, je.line,
				 je.text);
	for (int m = M_TIME; m <= M_DVMOP; m++)
		r->m[m] = to_num(counter(root, metric_names[m]));
	h = json_object_get(json_object_get(root, "histograms"),
			    "kvm.mmu_lock.write.wait_ps");
	r->m[M_LOCK_P99] = to_num(json_object_get(h, "p99"));
	scan_counters(root, r, niter);
	json_decref(root);
	r->done = 1;
	return S2SIM_OK;
}

/* The swept keys' values of point p: the spec's text, or for a key the
 * point leaves at its base value, that value from its point.yaml. */
static int row_values(const struct sweep_spec *s, int p, const char *dir,
		      struct row *r)
{
	char path[SWEEP_PATH_MAX], buf[SWEEP_MAX_TEXT];
	s2sim_config *cfg = NULL;

	r->vals = calloc((size_t)s->nkeys + 1, sizeof(*r->vals));
	if (!r->vals)
		return S2SIM_ENOMEM;
	if (snprintf(path, sizeof(path), "%s/" SWEEP_POINT_CONFIG, dir) >=
	    (int)sizeof(path))
		path[0] = '\0';
	for (int k = 0; k < s->nkeys; k++) {
		const struct sweep_value *v = sweep_cell(s, p, k);

		if (!v && !cfg && s2sim_config_create(&cfg) == S2SIM_OK &&
		    s2sim_config_load(cfg, path) != S2SIM_OK) {
			s2sim_config_destroy(cfg);
			cfg = NULL;
		}
		if (!v)
			sweep_config_value(cfg, s->keys[k].path, buf, sizeof(buf));
		r->vals[k] = strdup(v ? v->text : buf);
		if (!r->vals[k]) {
			s2sim_config_destroy(cfg);
			return S2SIM_ENOMEM;
		}
	}
	s2sim_config_destroy(cfg);
	return S2SIM_OK;
}

static int load_rows(const struct sweep_spec *s, const char *out,
		     char (*names)[SWEEP_NAME_MAX], struct table *t,
		     struct s2sim_errbuf *err)
{
	char dir[SWEEP_PATH_MAX], path[SWEEP_PATH_MAX];
	int rc = S2SIM_OK;

	for (int p = 0; rc == S2SIM_OK && p < s->npoints; p++) {
		rc = sweep_join(dir, sizeof(dir), out, names[p], err);
		if (rc == S2SIM_OK)
			rc = sweep_join(path, sizeof(path), dir, SWEEP_DONE_FILE, err);
		if (rc == S2SIM_OK && row_values(s, p, dir, &t->rows[p]) != S2SIM_OK)
			rc = s2sim_err(err, S2SIM_ENOMEM, "out of memory");
		if (rc == S2SIM_OK && sweep_point_done(dir))
			rc = read_stats(path, &t->rows[p], &t->niter, err);
	}
	return rc;
}

/* ---- results.csv ---- */

/* RFC 4180: quote a field holding a comma, quote or line break. */
static void csv_field(FILE *f, const char *text, int first)
{
	if (!first)
		fputc(',', f);
	if (!strpbrk(text, ",\"\r\n")) {
		fputs(text, f);
		return;
	}
	fputc('"', f);
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static void num_text(const struct num *x, char *buf, size_t n)
{
	if (x->kind == 1)
		snprintf(buf, n, "%" JSON_INTEGER_FORMAT, x->i);
	else if (x->kind == 2)
		snprintf(buf, n, "%.17g", x->d);
	else
		buf[0] = '\0';
}

static void csv_header(FILE *f, const struct sweep_spec *s, int niter)
{
	char buf[64];

	fputs("index,dir,status", f);
	for (int k = 0; k < s->nkeys; k++)
		csv_field(f, s->keys[k].path, 0);
	for (int m = M_TIME; m <= M_DVMOP; m++)
		csv_field(f, metric_names[m], 0);
	for (int i = 1; i <= niter; i++) {
		snprintf(buf, sizeof(buf), "phase.iteration_%d.time_ps", i);
		csv_field(f, buf, 0);
	}
	csv_field(f, metric_names[M_LOCK_P99], 0);
	csv_field(f, metric_names[M_FINDINGS], 0);
	fputc('\n', f);
}

static void csv_row(FILE *f, const struct sweep_spec *s, const struct row *r,
		    int p, const char *name, int niter)
{
	char buf[64];

	fprintf(f, "%d", p);
	csv_field(f, name, 0);
	csv_field(f, r->done ? "ok" : "missing", 0);
	for (int k = 0; k < s->nkeys; k++)
		csv_field(f, r->vals[k], 0);
	for (int m = M_TIME; m <= M_DVMOP; m++) {
		num_text(&r->m[m], buf, sizeof(buf));
		csv_field(f, buf, 0);
	}
	for (int i = 0; i < niter; i++) {
		num_text(&r->iter[i], buf, sizeof(buf));
		csv_field(f, buf, 0);
	}
	num_text(&r->m[M_LOCK_P99], buf, sizeof(buf));
	csv_field(f, buf, 0);
	num_text(&r->m[M_FINDINGS], buf, sizeof(buf));
	csv_field(f, buf, 0);
	fputc('\n', f);
}

static int write_csv(const struct sweep_spec *s, const char *out,
		     char (*names)[SWEEP_NAME_MAX], const struct table *t,
		     struct s2sim_errbuf *err)
{
	struct s2sim_atomic_file af;
	char path[SWEEP_PATH_MAX];
	int rc = sweep_join(path, sizeof(path), out, "results.csv", err);

	if (rc == S2SIM_OK)
		rc = s2sim_atomic_open(&af, path, err);
	if (rc != S2SIM_OK)
		return rc;
	csv_header(af.fp, s, t->niter);
	for (int p = 0; p < s->npoints; p++)
		csv_row(af.fp, s, &t->rows[p], p, names[p], t->niter);
	return s2sim_atomic_commit(&af, err);
}

/* ---- the table on stdout ---- */

#define TABLE_ITER 8   /* iteration columns shown (results.csv has all) */
#define TABLE_CELL 40  /* bytes of a cell, longer values are cut */
#define TABLE_COLS (1 + SWEEP_MAX_KEYS + 1 + TABLE_ITER + 5)

static const char *last_part(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? dot + 1 : path;
}

/* `x` in ps shown in `unit_ps` units with 3 decimals; "-" if absent. */
static void scaled(char *buf, const struct num *x, double unit_ps)
{
	if (x->kind)
		snprintf(buf, TABLE_CELL, "%.3f", num_value(x) / unit_ps);
	else
		snprintf(buf, TABLE_CELL, "-");
}

static void count(char *buf, const struct num *x)
{
	if (x->kind)
		snprintf(buf, TABLE_CELL, "%.0f", num_value(x));
	else
		snprintf(buf, TABLE_CELL, "-");
}

/* Row p's cells (p < 0: the header); returns the number of columns. */
static int table_cells(const struct sweep_spec *s, const struct table *t,
		       int p, char (*c)[TABLE_CELL])
{
	const struct row *r = p >= 0 ? &t->rows[p] : NULL;
	int n = 0, niter = t->niter < TABLE_ITER ? t->niter : TABLE_ITER;
	static const char *const tail[] = { "faults", "TLBI IS", "DVMOps",
					    "lock p99 us", "findings" };
	static const int tail_m[] = { M_FAULTS, M_TLBI, M_DVMOP, M_LOCK_P99,
				      M_FINDINGS };

	if (r)
		snprintf(c[n++], TABLE_CELL, "%d", p);
	else
		snprintf(c[n++], TABLE_CELL, "#");
	for (int k = 0; k < s->nkeys; k++)
		snprintf(c[n++], TABLE_CELL, "%s",
			 r ? r->vals[k] : last_part(s->keys[k].path));
	if (r)
		scaled(c[n++], &r->m[M_TIME], 1e9);
	else
		snprintf(c[n++], TABLE_CELL, "time ms");
	for (int i = 0; i < niter; i++)
		if (r)
			scaled(c[n++], &r->iter[i], 1e9);
		else
			snprintf(c[n++], TABLE_CELL, "iter%d ms", i + 1);
	for (int j = 0; j < 5; j++)
		if (!r)
			snprintf(c[n++], TABLE_CELL, "%s", tail[j]);
		else if (tail_m[j] == M_LOCK_P99)
			scaled(c[n++], &r->m[M_LOCK_P99], 1e6);
		else
			count(c[n++], &r->m[tail_m[j]]);
	return n;
}

static void print_results_table(const struct sweep_spec *s,
				const struct table *t, FILE *f)
{
	char c[TABLE_COLS][TABLE_CELL];
	int w[TABLE_COLS] = { 0 }, n = 0, left = 1 + s->nkeys;

	for (int p = -1; p < t->n; p++) {
		n = table_cells(s, t, p, c);
		for (int i = 0; i < n; i++)
			if ((int)strlen(c[i]) > w[i])
				w[i] = (int)strlen(c[i]);
	}
	for (int p = -1; p < t->n; p++) {
		table_cells(s, t, p, c);
		for (int i = 0; i < n; i++)
			fprintf(f, "%s%*s", i ? "  " : "",
				i > 0 && i < left ? -w[i] : w[i], c[i]);
		fputc('\n', f);
	}
}

int sweep_collect(const struct sweep_spec *s, const char *out,
		  char (*names)[SWEEP_NAME_MAX], int print_table, int *missing,
		  struct s2sim_errbuf *err)
{
	struct table t = { .n = s->npoints };
	int rc;

	t.rows = calloc((size_t)s->npoints, sizeof(*t.rows));
	if (!t.rows)
		return s2sim_err(err, S2SIM_ENOMEM, "out of memory");
	rc = load_rows(s, out, names, &t, err);
	if (rc == S2SIM_OK)
		rc = write_csv(s, out, names, &t, err);
	*missing = 0;
	for (int p = 0; p < s->npoints; p++)
		*missing += !t.rows[p].done;
	if (rc == S2SIM_OK && print_table)
		print_results_table(s, &t, stdout);
	for (int p = 0; p < s->npoints; p++) {
		for (int k = 0; t.rows[p].vals && k < s->nkeys; k++)
			free(t.rows[p].vals[k]);
		free(t.rows[p].vals);
	}
	free(t.rows);
	return rc;
}
