#!/bin/sh
# Soak run: the full t2a-48 scenario (one dirty-logging pass, without
# KVM_DIRTY_LOG_INITIALLY_SET) under every hypervisor policy back to back
# in one process, then the first policy again; checks that RSS stays flat
# between runs and that the results are byte-identical to the first run
# and to a separate `s2sim run`.  About 40 s per run on one core: ~5 min.
#   tools/soak.sh [BUILD_DIR] [OUT_DIR]     (defaults: build, soak-out)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-soak-out}
exec "$build/tools/s2sim-soak" configs/t2a-48.yaml \
	--set workload.iterations=1 --set workload.initially_set=false \
	--out "$out" --cli "$build/tools/s2sim"
