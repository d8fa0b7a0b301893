#!/bin/sh
# Fuzz one harness for a while, starting from a copy of its seed corpus.
#   fuzz/run_fuzzer.sh FUZZER CORPUS_DIR WORK_DIR SECONDS [libFuzzer options...]
# New inputs go to WORK_DIR/corpus; a crash, leak, timeout or OOM leaves
# WORK_DIR/crash-* (or leak-, timeout-, oom-) and exits non-zero.  Used by
# the ctest fuzz_smoke_* tests and for the long runs of docs/fuzzing.md.
set -eu
fuzzer=$1 corpus=$2 work=$3 seconds=$4
shift 4
# A known leak of libfyaml 0.7.12 (see the file).
LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
rm -rf "$work/corpus"
mkdir -p "$work/corpus"
cp "$corpus"/* "$work/corpus/"
cd "$work"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-max_len=8192 -print_final_stats=1 -artifact_prefix="$work/" "$@" \
	"$work/corpus"
