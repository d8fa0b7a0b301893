/*
 * SIGINT / SIGTERM during `s2sim run`: the first signal asks the
 * simulation to stop at its next safe point (it then writes a partial
 * result); a second one exits at once with 128 + the signal number.
 */
#ifndef S2SIM_TOOLS_RUN_SIGNAL_H
#define S2SIM_TOOLS_RUN_SIGNAL_H

#include <signal.h>

/* Install the handlers (a signal before the run starts stops it at once). */
void run_signal_install(void);
/* The flag the first signal sets to its number, for
 * s2sim_sim_set_stop_flag(). */
const volatile sig_atomic_t *run_signal_flag(void);
/* Put the previous handlers back. */
void run_signal_restore(void);
/* The signal that asked for the stop (0: none), its name, and the exit
 * code of a run it stopped (128 + signal number, as a shell reports it). */
int run_signal_received(void);
const char *run_signal_name(int sig);
int run_signal_exit_code(int sig);

#endif
