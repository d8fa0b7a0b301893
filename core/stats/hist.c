/*
 * Histograms: 65 power-of-two buckets (0, [1,2), [2,4), ... [2^63,2^64))
 * with exact count, sum, min and max.  Adding is a count-leading-zeros and
 * a few stores, cheap enough for per-access latencies.
 *
 * Percentiles are estimated from the buckets: find the bucket holding the
 * p-th percent of the values and interpolate linearly between its bounds,
 * narrowed to the observed [min, max] (so a histogram of one repeated
 * value gives that value for every percentile).
 */
#include <stdlib.h>

#include "core/stats/stats_internal.h"

s2sim_hist *s2sim_stats_hist(s2sim_stats *st, const char *name,
			     const char *unit, const char *desc)
{
	struct s2sim_hist *h;
	struct s2sim_stat *s;

	if (!st)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (!h) {
		s2sim_err(&st->err, S2SIM_ENOMEM, "%s: out of memory",
			  name ? name : "(null)");
		return NULL;
	}
	h->min = UINT64_MAX;
	s = s2sim_stats_add(st, S2SIM_STAT_HIST, name, unit, desc);
	if (!s) {
		free(h);
		return NULL;
	}
	s->u.hist = h;
	return h;
}

static unsigned bucket_of(uint64_t v)
{
	return v ? 64u - (unsigned)__builtin_clzll(v) : 0u;
}

void s2sim_hist_bucket_range(unsigned b, uint64_t *lo, uint64_t *hi_incl)
{
	if (b == 0) {
		*lo = 0;
		*hi_incl = 0;
		return;
	}
	*lo = UINT64_C(1) << (b - 1);
	*hi_incl = b == 64 ? UINT64_MAX : (UINT64_C(1) << b) - 1;
}

void s2sim_hist_add(s2sim_hist *h, uint64_t value)
{
	h->count++;
	if (h->sum > UINT64_MAX - value) {
		h->sum = UINT64_MAX;
		h->sum_saturated = true;
	} else {
		h->sum += value;
	}
	if (value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
	h->buckets[bucket_of(value)]++;
}

void s2sim_hist_add_n(s2sim_hist *h, uint64_t value, uint64_t n)
{
	if (!n)
		return;
	h->count += n;
	if (value && (n > UINT64_MAX / value ||
		      h->sum > UINT64_MAX - value * n)) {
		h->sum = UINT64_MAX;
		h->sum_saturated = true;
	} else {
		h->sum += value * n;
	}
	if (value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
	h->buckets[bucket_of(value)] += n;
}

uint64_t s2sim_hist_count(const s2sim_hist *h)
{
	return h->count;
}

uint64_t s2sim_hist_max(const s2sim_hist *h)
{
	return h->max;
}

double s2sim_hist_mean(const struct s2sim_hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0.0;
}

/* lo + frac * (hi - lo), rounded to nearest, never past hi. */
static uint64_t interpolate(uint64_t lo, uint64_t hi, double frac)
{
	double span = (double)(hi - lo);
	double d = frac * span + 0.5;

	if (d >= span)
		return hi;
	return lo + (uint64_t)d;
}

uint64_t s2sim_hist_percentile(const s2sim_hist *h, double p)
{
	double target, cum = 0.0;

	if (!h || h->count == 0)
		return 0;
	if (!(p > 0.0)) /* also NaN */
		p = 0.0;
	if (p > 100.0)
		p = 100.0;
	target = p / 100.0 * (double)h->count;
	for (unsigned b = 0; b < S2SIM_HIST_BUCKETS; b++) {
		double c = (double)h->buckets[b];
		uint64_t lo, hi;

		if (h->buckets[b] == 0)
			continue;
		if (cum + c >= target) {
			s2sim_hist_bucket_range(b, &lo, &hi);
			lo = lo > h->min ? lo : h->min;
			hi = hi < h->max ? hi : h->max;
			return interpolate(lo, hi, (target - cum) / c);
		}
		cum += c;
	}
	return h->max; /* rounding left target above the last bucket */
}
