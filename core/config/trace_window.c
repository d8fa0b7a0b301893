/*
 * sim.trace_window: parsing of the trace's time window (trace_window.h).
 * Shared by the configuration's validation, which rejects a bad window
 * before a run starts, and by the run, which applies it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config/trace_window.h"

struct time_unit {
	const char *name;
	double ps;
};

/* Longest names first, so that "ms" is not read as "m" + "s". */
static const struct time_unit units[] = {
	{ "ms", 1e9 }, { "us", 1e6 }, { "ns", 1e3 }, { "s", 1e12 },
};

/* One time, "0.25", "250ms", ...: the whole of [p, end). */
static int parse_time(const char *p, const char *end, uint64_t *ps)
{
	char buf[64], *rest;
	size_t n = (size_t)(end - p);
	double scale = 1e12, v;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	v = strtod(buf, &rest);
	if (rest == buf || !isfinite(v) || v < 0)
		return -1;
	if (*rest) {
		size_t i;

		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strcmp(rest, units[i].name))
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return -1;
		scale = units[i].ps;
	}
	/* llround() stops at 2^63 ps, about 106 days of simulated time */
	if (v * scale >= 9e18)
		return -1;
	*ps = (uint64_t)llround(v * scale);
	return 0;
}

static int parse_auto(const char *text, struct s2sim_trace_window *w,
		      char *why, size_t why_size)
{
	w->mode = S2SIM_TRACE_AUTO;
	w->len_ps = S2SIM_TRACE_AUTO_LEN_PS;
	if (text[4] == '\0')
		return 0;
	if (text[4] != ':' ||
	    parse_time(text + 5, text + strlen(text), &w->len_ps) != 0 ||
	    w->len_ps == 0) {
		snprintf(why, why_size, "'%s': auto:LEN needs a length above 0, "
			 "e.g. auto:5ms", text);
		return -1;
	}
	return 0;
}

static int parse_absolute(const char *text, struct s2sim_trace_window *w,
			  char *why, size_t why_size)
{
	const char *colon = strchr(text, ':');
	const char *end = text + strlen(text);

	w->mode = S2SIM_TRACE_ABSOLUTE;
	w->start_ps = 0;
	w->end_ps = S2SIM_TRACE_OPEN_END;
	if (!colon || (colon > text && parse_time(text, colon, &w->start_ps)) ||
	    (colon + 1 < end && parse_time(colon + 1, end, &w->end_ps))) {
		snprintf(why, why_size,
			 "'%s': expected off, auto, auto:LEN or START:END in "
			 "simulated seconds (units s, ms, us, ns allowed), "
			 "e.g. 0.1:0.102 or 100ms:102ms", text);
		return -1;
	}
	if (w->end_ps <= w->start_ps) {
		snprintf(why, why_size, "'%s': END must be after START", text);
		return -1;
	}
	return 0;
}

int s2sim_trace_window_parse(const char *text, struct s2sim_trace_window *w,
			     char *why, size_t why_size)
{
	memset(w, 0, sizeof(*w));
	if (!strcmp(text, "off")) {
		w->mode = S2SIM_TRACE_OFF;
		return 0;
	}
	if (!strncmp(text, "auto", 4))
		return parse_auto(text, w, why, why_size);
	return parse_absolute(text, w, why, why_size);
}
