/*
 * s2sim — common definitions of the public C API: result codes, export
 * macro, time type.
 *
 * Error handling follows SQLite: every fallible call returns an int result
 * code (S2SIM_OK on success); the handle it acted on keeps a readable
 * message for the last error (s2sim_<thing>_errmsg()).  Constructors always
 * hand back a handle when memory allows, even on failure, so that the message
 * can be read; the caller destroys it either way.
 */
#ifndef S2SIM_COMMON_H
#define S2SIM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(S2SIM_BUILDING_LIBRARY) && defined(__GNUC__)
#define S2SIM_API __attribute__((visibility("default")))
#else
#define S2SIM_API
#endif

/* Result codes. */
enum {
	S2SIM_OK = 0,      /* success */
	S2SIM_ROW = 100,   /* an iterator produced an item (like SQLITE_ROW) */
	S2SIM_DONE = 101,  /* an iterator is exhausted (like SQLITE_DONE) */

	S2SIM_EMISUSE = 1, /* the caller broke the API contract */
	S2SIM_EINPUT = 2,  /* malformed or inconsistent input (config, trace) */
	S2SIM_ELIMIT = 3,  /* input exceeds a documented limit */
	S2SIM_EIO = 4,     /* file system or compression library error */
	S2SIM_ENOMEM = 5,  /* out of memory */
	S2SIM_ESIM = 6,    /* the simulation could not continue */
	S2SIM_ENOTFOUND = 7, /* a named item does not exist */
	S2SIM_EINTR = 8,   /* stopped on request (a signal) before the end */
};

/* Simulated time in picoseconds (SystemC's default resolution). */
typedef uint64_t s2sim_time_ps;
#define S2SIM_TIME_MAX UINT64_MAX

/* Short English name of a result code ("bad input", ...). Never NULL. */
S2SIM_API const char *s2sim_errstr(int rc);

/* Library version, "MAJOR.MINOR.PATCH". */
S2SIM_API const char *s2sim_version(void);

#ifdef __cplusplus
}
#endif
#endif
