/*
 * Clock domains: conversions between cycles of one clock and picoseconds.
 *
 * A clock is just its period.  Edges are at whole multiples of the period
 * from time 0, so two components in the same domain agree on edges without
 * sharing state.  A period of 0 marks an invalid clock (s2sim_clock_from_mhz()
 * of a non-positive, non-finite or absurd frequency); the conversions then
 * return 0 cycles / the unchanged time rather than dividing by zero.
 */
#include <math.h>

#include <s2sim/engine.h>

/* Longest period we accept: beyond it (below ~1e-13 MHz) the double would
 * not convert to uint64_t. */
#define CLOCK_MAX_PERIOD 1.8e19

s2sim_clock s2sim_clock_from_mhz(double mhz)
{
	s2sim_clock c = { 0 };
	double period;

	if (!isfinite(mhz) || mhz <= 0.0)
		return c;
	period = 1e6 / mhz; /* 1 MHz is 1e6 ps */
	if (period >= CLOCK_MAX_PERIOD)
		return c;
	c.period_ps = (uint64_t)(period + 0.5);
	return c;
}

s2sim_time_ps s2sim_clock_cycles(s2sim_clock c, uint64_t cycles)
{
	if (c.period_ps && cycles > S2SIM_TIME_MAX / c.period_ps)
		return S2SIM_TIME_MAX; /* saturate rather than wrap */
	return cycles * c.period_ps;
}

uint64_t s2sim_clock_to_cycles(s2sim_clock c, s2sim_time_ps t)
{
	if (!c.period_ps)
		return 0;
	return t / c.period_ps;
}

s2sim_time_ps s2sim_clock_next_edge(s2sim_clock c, s2sim_time_ps t)
{
	uint64_t rem, gap;

	if (!c.period_ps)
		return t;
	rem = t % c.period_ps;
	if (rem == 0)
		return t;
	gap = c.period_ps - rem;
	if (t > S2SIM_TIME_MAX - gap)
		return S2SIM_TIME_MAX;
	return t + gap;
}
