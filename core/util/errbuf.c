#include <stdio.h>
#include <string.h>

#include <s2sim/common.h>
#include "core/util/errbuf.h"

int s2sim_verr(struct s2sim_errbuf *e, int rc, const char *fmt, va_list ap)
{
	e->rc = rc;
	if (rc == S2SIM_OK || !fmt) {
		e->msg[0] = '\0';
		return rc;
	}
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return rc;
}

int s2sim_err(struct s2sim_errbuf *e, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	s2sim_verr(e, rc, fmt, ap);
	va_end(ap);
	return rc;
}

void s2sim_err_clear(struct s2sim_errbuf *e)
{
	e->rc = S2SIM_OK;
	e->msg[0] = '\0';
}

const char *s2sim_err_msg(const struct s2sim_errbuf *e)
{
	if (!e)
		return "out of memory";
	return e->msg[0] ? e->msg : "not an error";
}
