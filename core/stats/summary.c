/*
 * The readable summary behind `s2sim run`'s stdout: the counters, gauges
 * and histograms under a name prefix, sorted by name, aligned.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats/stats_internal.h"

static bool selected(const struct s2sim_stat *s, const char *prefix,
		     size_t plen)
{
	return s->kind != S2SIM_STAT_TIMELINE &&
	       strncmp(s->name, prefix, plen) == 0;
}

static void print_one(const struct s2sim_stat *s, FILE *out, int width)
{
	const struct s2sim_hist *h;

	switch (s->kind) {
	case S2SIM_STAT_COUNTER:
		fprintf(out, "  %-*s %20" PRIu64 " %s\n", width, s->name,
			*s->u.counter, s->unit);
		break;
	case S2SIM_STAT_GAUGE:
		fprintf(out, "  %-*s %20.6g %s\n", width, s->name, *s->u.gauge,
			s->unit);
		break;
	case S2SIM_STAT_HIST:
		h = s->u.hist;
		fprintf(out, "  %-*s count %" PRIu64 ", mean %.1f, p50 %" PRIu64
			", p99 %" PRIu64 ", max %" PRIu64 " %s\n", width, s->name,
			h->count, s2sim_hist_mean(h), s2sim_hist_percentile(h, 50),
			s2sim_hist_percentile(h, 99), h->max, s->unit);
		break;
	case S2SIM_STAT_TIMELINE:
		break;
	}
}

size_t s2sim_stats_print_summary(const s2sim_stats *st, FILE *out,
				 const char *prefix)
{
	const struct s2sim_stat **v = s2sim_stats_sorted(st);
	size_t plen = prefix ? strlen(prefix) : 0;
	size_t printed = 0, width = 0;

	if (!v)
		return 0;
	if (!prefix)
		prefix = "";
	for (size_t i = 0; i < st->nitems; i++)
		if (selected(v[i], prefix, plen) && strlen(v[i]->name) > width)
			width = strlen(v[i]->name);
	for (size_t i = 0; i < st->nitems; i++) {
		if (!selected(v[i], prefix, plen))
			continue;
		print_one(v[i], out, (int)width);
		printed++;
	}
	free(v);
	return printed;
}
