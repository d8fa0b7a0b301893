/*
 * Signal handling of `s2sim run` (see run_signal.h).  The handler only
 * stores to a volatile sig_atomic_t and, for the second signal, calls
 * write(2) and _exit(2), both async-signal-safe; it never touches a file
 * of the run.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tools/run_signal.h"

static volatile sig_atomic_t stop_signal;
static struct sigaction saved_int, saved_term;
static int installed;

static void say(const char *msg)
{
	ssize_t n = write(STDERR_FILENO, msg, strlen(msg));

	(void)n;
}

static void on_signal(int sig)
{
	if (stop_signal) {
		say("\ns2sim run: second signal, exiting at once\n");
		_exit(run_signal_exit_code(sig));
	}
	stop_signal = sig;
	say("\ns2sim run: stopping at the next safe point to write a partial "
	    "result (signal again to exit at once)\n");
}

const volatile sig_atomic_t *run_signal_flag(void)
{
	return &stop_signal;
}

void run_signal_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	stop_signal = 0;
	sigaction(SIGINT, &sa, &saved_int);
	sigaction(SIGTERM, &sa, &saved_term);
	installed = 1;
}

void run_signal_restore(void)
{
	if (!installed)
		return;
	installed = 0;
	sigaction(SIGINT, &saved_int, NULL);
	sigaction(SIGTERM, &saved_term, NULL);
}

int run_signal_received(void)
{
	return stop_signal;
}

const char *run_signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

int run_signal_exit_code(int sig)
{
	return 128 + sig;
}
