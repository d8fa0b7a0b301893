/* Uses the installed public API only: engine ordering and a config key. */
#include <stdio.h>
#include <string.h>

#include <s2sim/s2sim.h>

static void on_event(s2sim_engine *eng, void *ctx, uint64_t arg)
{
	uint64_t *order = ctx;

	(void)eng;
	*order = *order * 10 + arg;
}

int main(void)
{
	s2sim_engine *eng = NULL;
	s2sim_config *cfg = NULL;
	uint64_t order = 0, pes = 0;

	if (s2sim_engine_create(&eng) != S2SIM_OK)
		return 1;
	s2sim_engine_schedule_at(eng, 200, on_event, &order, 2, NULL);
	s2sim_engine_schedule_at(eng, 100, on_event, &order, 1, NULL);
	s2sim_engine_run(eng, S2SIM_TIME_MAX);
	s2sim_engine_destroy(eng);
	if (s2sim_config_create(&cfg) != S2SIM_OK ||
	    s2sim_config_get_u64(cfg, "platform.pes", &pes) != S2SIM_OK)
		return 2;
	s2sim_config_destroy(cfg);
	printf("s2sim %s: order=%llu pes=%llu\n", s2sim_version(),
	       (unsigned long long)order, (unsigned long long)pes);
	return order == 12 && pes > 0 ? 0 : 3;
}
