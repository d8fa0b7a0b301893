/*
 * libFuzzer harness of the sweep-spec parser (tools/sweep_spec.c) and of
 * the point configurations built from a spec (tools/sweep_point.c).  The
 * input is SPEC.yaml; it sits next to a small valid base configuration,
 * base.yaml, that a spec may name.  Every point gets its directory name;
 * the first, the middle and the last point get their configuration built
 * and validated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <s2sim/config.h>

#include "fuzz/fuzz_util.h"
#include "tools/sweep_point.h"
#include "tools/sweep_spec.h"

static const char base_yaml[] =
	"platform:\n"
	"  pes: 8\n"
	"workload:\n"
	"  vcpus: 2\n"
	"  bytes_per_vcpu: 4MiB\n"
	"  backing_page_size: 2MiB\n";

static void write_base(void)
{
	static int done;
	char path[512];

	if (done)
		return;
	fuzz_path(path, sizeof(path), "base.yaml");
	fuzz_write_file(path, base_yaml, sizeof(base_yaml) - 1);
	done = 1;
}

static void check_names(const struct sweep_spec *s)
{
	char name[SWEEP_NAME_MAX];

	for (int p = 0; p < s->npoints; p++) {
		sweep_point_name(s, p, name, sizeof(name));
		if (strlen(name) < 5 || strlen(name) >= sizeof(name))
			abort();
	}
}

static void build_point(const struct sweep_spec *s, int p)
{
	struct s2sim_errbuf err = { 0 };
	s2sim_config *cfg = NULL;
	int rc = sweep_point_config(s, p, &cfg, &err);

	if (rc == S2SIM_OK)
		(void)sweep_config_digest(cfg);
	else if ((rc != S2SIM_EINPUT && rc != S2SIM_EIO && rc != S2SIM_ELIMIT) ||
		 strlen(s2sim_err_msg(&err)) == 0)
		abort();
	s2sim_config_destroy(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct s2sim_errbuf err = { 0 };
	struct sweep_spec s;
	char path[512];
	int rc;

	write_base();
	fuzz_path(path, sizeof(path), "spec.yaml");
	fuzz_write_file(path, data, size);
	rc = sweep_spec_load(&s, path, &err);
	if (rc == S2SIM_OK) {
		if (s.npoints < 1 || s.npoints > SWEEP_MAX_POINTS)
			abort();
		check_names(&s);
		build_point(&s, 0);
		build_point(&s, s.npoints / 2);
		build_point(&s, s.npoints - 1);
	} else if (strlen(s2sim_err_msg(&err)) == 0) {
		abort();
	}
	sweep_spec_free(&s);
	return 0;
}
