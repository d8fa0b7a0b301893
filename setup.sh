#!/bin/sh
# s2sim one-step setup: installs missing Debian packages, configures, builds,
# then runs one job.  Idempotent: a second call with nothing changed only
# re-checks packages and does a no-op build.
#
#   ./setup.sh run [s2sim run options...]  build, then `s2sim run` on the default config
#   ./setup.sh test                        build (normal + ASan/UBSan), run the whole test suite
#   ./setup.sh bench                       Release build, run the benchmarks -> bench-results.json
#
# Environment: CI=true turns warnings into errors.  JOBS=N sets build parallelism.
set -eu
cd "$(dirname "$0")"

PKGS="build-essential cmake ninja-build pkg-config python3 libfyaml-dev \
libjansson-dev libzstd-dev libsystemc-dev libgtest-dev python3-matplotlib"

# The test run also starts a single-node Slurm (tests/sweep/slurm_test.sh),
# checks the GNU parallel job list, runs valgrind memcheck on a small case
# (tests/hardening/memcheck.sh) and builds the libFuzzer harnesses with
# clang (docs/fuzzing.md; libFuzzer's runtime is only a Recommends of clang).
TEST_PKGS="slurmctld slurmd slurm-client parallel valgrind clang libclang-rt-14-dev"

install_missing() {
	missing=""
	for p in $PKGS ${EXTRA_PKGS:-}; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "setup.sh: installing$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup.sh: missing packages and not root; run as root or install:$missing" >&2
		exit 1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

JOBS=${JOBS:-$(nproc)}
WERROR=OFF
[ "${CI:-}" = "true" ] && WERROR=ON

# build DIR BUILD_TYPE [extra cmake args...]
build() {
	dir=$1 type=$2
	shift 2
	cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" \
		-DS2SIM_WERROR="$WERROR" "$@" >/dev/null
	cmake --build "$dir" -j "$JOBS"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
	install_missing
	build build RelWithDebInfo
	exec ./build/tools/s2sim run configs/t2a-48.yaml "$@"
	;;
test)
	EXTRA_PKGS=$TEST_PKGS
	install_missing
	build build-asan Debug -DS2SIM_SANITIZE=ON -DS2SIM_BUILD_BENCH=OFF
	build build RelWithDebInfo
	# The fuzzers (clang, libFuzzer + ASan + UBSan): only the library and
	# the three harnesses; ctest -L fuzz runs a 60 s smoke run of each.
	# Warnings are enforced by the gcc builds above, not here.
	WERROR=OFF build build-fuzz Debug -DCMAKE_C_COMPILER=clang \
		-DCMAKE_CXX_COMPILER=clang++ "-DCMAKE_C_FLAGS_DEBUG=-g -O1" \
		-DS2SIM_FUZZ=ON -DS2SIM_BUILD_TESTS=OFF -DS2SIM_WITH_SYSTEMC=OFF \
		-DS2SIM_BUILD_BENCH=OFF
	asan_rc=0 fuzz_rc=0
	ctest --test-dir build-asan -j "$JOBS" --output-on-failure || asan_rc=$?
	ctest --test-dir build-fuzz -j "$JOBS" -L fuzz --output-on-failure || fuzz_rc=$?
	echo "setup.sh: the summary below is the normal build; the ASan+UBSan and fuzz builds' are above"
	ctest --test-dir build -j "$JOBS" --output-on-failure
	[ "$asan_rc" -eq 0 ] || exit "$asan_rc"
	exit "$fuzz_rc"
	;;
bench)
	install_missing
	build build-release Release -DS2SIM_BUILD_TESTS=OFF
	exec python3 bench/run_benchmarks.py --build-dir build-release --out bench-results.json
	;;
*)
	echo "usage: ./setup.sh run|test|bench" >&2
	exit 2
	;;
esac
