#!/bin/sh
# valgrind memcheck of a small end-to-end case: `s2sim run` (the whole
# model: generator, MMUs, fabric, KVM, checker, outputs), then a trace
# generated, converted to zstd and text, and read back (trace info).
# Any memcheck error or definite / indirect leak fails the test.
#   memcheck.sh VALGRIND S2SIM SOURCE_DIR WORK_DIR
set -eu
valgrind=$1 s2sim=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
vg() {
	"$valgrind" --quiet --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect "$@"
}
small="--set workload.vcpus=2 --set workload.bytes_per_vcpu=4MiB \
--set workload.backing_page_size=2MiB --set workload.iterations=2"
# shellcheck disable=SC2086
vg "$s2sim" run "$src/configs/t2a-48.yaml" $small --out "$work/run" --quiet
test -s "$work/run/stats.json"
# shellcheck disable=SC2086
vg "$s2sim" trace generate "$src/configs/t2a-48.yaml" $small -o "$work/t.s2t"
vg "$s2sim" trace convert "$work/t.s2t" "$work/t.s2t.zst" --format zstd
vg "$s2sim" trace convert "$work/t.s2t.zst" "$work/t.txt" --format text
vg "$s2sim" trace info "$work/t.txt" >/dev/null
# A run of the trace, and a bad input (error paths free what they took).
vg "$s2sim" run "$src/configs/t2a-48.yaml" --set workload.source=trace \
	--set "workload.trace=$work/t.s2t.zst" --set workload.vcpus=2 \
	--out "$work/run-trace" --quiet
rc=0
vg "$s2sim" config show "$src/configs/t2a-48.yaml" --set workload.vcpus=lots \
	>/dev/null 2>&1 || rc=$?
test "$rc" -eq 3
echo "memcheck: no errors, no leaks"
