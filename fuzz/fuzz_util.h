/*
 * Helpers shared by the fuzz harnesses: a private scratch directory and
 * whole-file writes.  The parsers under test take file names, so each
 * input is written to a file first (in /dev/shm when it exists, so the
 * fuzz loop does not touch a disk).
 */
#ifndef S2SIM_FUZZ_UTIL_H
#define S2SIM_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* The scratch directory, created on first use (the process aborts if it
 * cannot be); removed with its files at exit. */
const char *fuzz_dir(void);

/* Write `size` bytes to `path`, replacing the file; aborts on failure
 * (a harness that cannot write its input must not report success). */
void fuzz_write_file(const char *path, const void *data, size_t size);

/* "<fuzz_dir()>/<name>" into buf (aborts if it does not fit). */
void fuzz_path(char *buf, size_t n, const char *name);

#endif
