#!/usr/bin/env python3
"""Run s2sim's benchmarks, print a table and write bench-results.json.

Usage:
  python3 bench/run_benchmarks.py --build-dir build-release [--out bench-results.json]
  python3 bench/run_benchmarks.py [--out FILE] path/to/bench_x path/to/bench_y ...

Every benchmark executable prints one line per figure on stdout:
``name<TAB>value<TAB>unit``.  This script runs each executable given on the
command line, or every ``bench_*`` executable under the build directory, one
after the other (they measure wall time, so never in parallel), and collects
those lines.  It prints an aligned table and writes a JSON array of
``{"name", "value", "unit"}`` objects to --out, atomically (temp file in the
same directory, then os.replace), so a reader never sees a half-written file.

Exit status: 0 when every benchmark succeeded; 1 when one failed (non-zero
exit, timeout, or no figure printed) -- its figures are left out, those of
the others are still written; 2 on bad usage (no benchmark found).
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile


def find_benchmarks(build_dir):
    """Every executable file named bench_* under build_dir, sorted."""
    found = []
    for root, dirs, files in os.walk(build_dir):
        dirs[:] = sorted(d for d in dirs if d != "CMakeFiles")
        for name in files:
            path = os.path.join(root, name)
            if (name.startswith("bench_") and os.path.isfile(path)
                    and os.access(path, os.X_OK)):
                found.append(path)
    return sorted(found, key=lambda p: (os.path.basename(p), p))


def parse_value(text):
    """int or finite float; ValueError otherwise (JSON has no NaN)."""
    try:
        return int(text)
    except ValueError:
        value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_figures(stdout, exe):
    """The name/value/unit lines of one benchmark's output."""
    figures = []
    for line in stdout.splitlines():
        if not line.strip():
            continue
        fields = line.split("\t")
        try:
            if len(fields) != 3 or not fields[0] or not fields[2]:
                raise ValueError(line)
            value = parse_value(fields[1])
        except ValueError:
            print(f"run_benchmarks: {exe}: ignoring line {line!r}",
                  file=sys.stderr)
            continue
        figures.append({"name": fields[0], "value": value, "unit": fields[2]})
    return figures


def run_one(exe, timeout):
    """Run one benchmark; (figures, error message or None)."""
    try:
        # A bare name would be looked up in PATH: run the file given.
        if os.path.exists(exe):
            exe = os.path.abspath(exe)
        proc = subprocess.run([exe], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return [], f"timed out after {timeout} s"
    except OSError as e:
        return [], f"cannot run: {e.strerror}"
    if proc.stderr:
        sys.stderr.write(proc.stderr)
    figures = parse_figures(proc.stdout, exe)
    if proc.returncode != 0:
        return figures, f"exit status {proc.returncode}"
    if not figures:
        return figures, "printed no figure"
    return figures, None


def print_table(results):
    if not results:
        return
    wn = max(len("benchmark"), *(len(r["name"]) for r in results))
    values = [f"{r['value']:.2f}" if isinstance(r["value"], float)
              else str(r["value"]) for r in results]
    wv = max(len("value"), *(len(v) for v in values))
    print(f"{'benchmark':<{wn}}  {'value':>{wv}}  unit")
    print(f"{'-' * wn}  {'-' * wv}  ----")
    for r, v in zip(results, values):
        print(f"{r['name']:<{wn}}  {v:>{wv}}  {r['unit']}")


def write_json_atomic(path, data):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".bench-results.", suffix=".tmp",
                               dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Run s2sim benchmarks; print a table and write JSON.")
    ap.add_argument("executables", nargs="*",
                    help="benchmark executables (default: every bench_* "
                         "under --build-dir)")
    ap.add_argument("--build-dir", help="build directory to search for "
                    "bench_* executables (a Release build)")
    ap.add_argument("--out", default="bench-results.json",
                    help="JSON output file (default: %(default)s)")
    ap.add_argument("--timeout", type=float, default=600.0,
                    help="seconds allowed per benchmark (default: %(default)s)")
    args = ap.parse_args(argv)

    exes = list(args.executables)
    if not exes and args.build_dir:
        if not os.path.isdir(args.build_dir):
            print(f"run_benchmarks: {args.build_dir}: not a directory",
                  file=sys.stderr)
            return 2
        exes = find_benchmarks(args.build_dir)
    if not exes:
        print("run_benchmarks: no benchmark to run (give executables or "
              "--build-dir with bench_* executables)", file=sys.stderr)
        return 2

    results, failed = [], []
    for exe in exes:
        print(f"running {exe} ...", file=sys.stderr, flush=True)
        figures, error = run_one(exe, args.timeout)
        if error:
            print(f"run_benchmarks: {exe}: {error}", file=sys.stderr)
            failed.append(exe)
        else:
            results.extend(figures)

    seen = set()
    for r in results:
        if r["name"] in seen:
            print(f"run_benchmarks: figure {r['name']!r} reported twice",
                  file=sys.stderr)
        seen.add(r["name"])

    print_table(results)
    write_json_atomic(args.out, results)
    print(f"wrote {len(results)} figures to {args.out}", file=sys.stderr)
    if failed:
        print(f"run_benchmarks: {len(failed)} of {len(exes)} benchmarks "
              f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
