#include <s2sim/common.h>

const char *s2sim_errstr(int rc)
{
	switch (rc) {
	case S2SIM_OK: return "ok";
	case S2SIM_ROW: return "row";
	case S2SIM_DONE: return "done";
	case S2SIM_EMISUSE: return "API misuse";
	case S2SIM_EINPUT: return "bad input";
	case S2SIM_ELIMIT: return "input exceeds a limit";
	case S2SIM_EIO: return "I/O error";
	case S2SIM_ENOMEM: return "out of memory";
	case S2SIM_ESIM: return "simulation error";
	case S2SIM_ENOTFOUND: return "not found";
	case S2SIM_EINTR: return "stopped on request";
	default: return "unknown result code";
	}
}

const char *s2sim_version(void)
{
	return S2SIM_VERSION_STRING;
}
