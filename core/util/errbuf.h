/*
 * A handle's "last error" message (the SQLite-style errmsg of every handle).
 */
#ifndef S2SIM_CORE_UTIL_ERRBUF_H
#define S2SIM_CORE_UTIL_ERRBUF_H

#include <stdarg.h>

#define S2SIM_ERRMSG_MAX 1024

struct s2sim_errbuf {
	int rc;
	char msg[S2SIM_ERRMSG_MAX];
};

/* Record an error and return `rc`, so callers can `return s2sim_err(...)`.
 * With rc == S2SIM_OK the message is cleared. */
int s2sim_err(struct s2sim_errbuf *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int s2sim_verr(struct s2sim_errbuf *e, int rc, const char *fmt, va_list ap);
void s2sim_err_clear(struct s2sim_errbuf *e);
/* The message, or "not an error" when none is set. */
const char *s2sim_err_msg(const struct s2sim_errbuf *e);

#endif
