#!/bin/sh
# Install s2sim into a scratch prefix, then configure, build and run a
# separate project that finds it with find_package(s2sim).
set -eu
build_dir=$1 src_dir=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$src_dir/tests/cli/consumer" -B "$work/build" \
	-DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}" \
	"$work/build/consumer"
