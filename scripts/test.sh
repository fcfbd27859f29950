#!/usr/bin/env bash
# The whole test suite (README's second command; .ci/run calls it).
#   1. install missing Debian packages, 2. build and run every test (g++),
#   3. build with clang ASan+UBSan and run the unit tests again,
#   4. build the libFuzzer targets and fuzz each for a bounded time.
# Environment: FUZZ_SECONDS (total fuzzing budget, default 60),
#              HA_TEST_SKIP_ASAN=1 / HA_TEST_SKIP_FUZZ=1 for quick local runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
logs="$root/build/test-logs"

step() { printf '\n==== %s ====\n' "$*"; }

step "dependencies"
bash scripts/install-deps.sh
mkdir -p "$logs"
jobs=$(nproc)

step "build (default preset: g++, RelWithDebInfo)"
cmake --preset default >/dev/null
cmake --build --preset default -j "$jobs"

step "tests (default preset: unit, fuzz seeds, interop, netns)"
ctest --preset default -j "$jobs" --timeout 600 2>&1 | tee "$logs/default.log"

if [ "${HA_TEST_SKIP_ASAN:-0}" != 1 ]; then
  step "build (asan preset: clang, ASan+UBSan)"
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$jobs"
  step "unit tests under ASan+UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --preset asan -j "$jobs" --timeout 600 2>&1 | tee "$logs/asan.log"
fi

if [ "${HA_TEST_SKIP_FUZZ:-0}" != 1 ]; then
  step "build (fuzz preset: clang, libFuzzer)"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$jobs" --target fuzzers
  step "bounded fuzzing (${FUZZ_SECONDS:-60} s in total)"
  bash scripts/run-fuzzers.sh build/fuzz "${FUZZ_SECONDS:-60}" 2>&1 | tee "$logs/fuzz.log"
fi

# One closing line over every stage. ctest's and the fuzz runner's own
# summaries are "N% tests passed, F tests failed out of T" / "fuzz: P passed, F failed".
passed=0; failed=0; skipped=0
for f in "$logs"/default.log "$logs"/asan.log; do
  [ -f "$f" ] || continue
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$f" | tail -1 || true)
  [ -n "$line" ] || { echo "no ctest summary in $f" >&2; exit 1; }
  t=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line"); fl=$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<<"$line")
  # A skipped test (e.g. exit 77: no root for namespaces) is not a pass.
  sk=$(grep -cE '^\s*[0-9]+ - .*\(Skipped\)$' "$f" || true)
  passed=$((passed + t - fl - sk)); failed=$((failed + fl)); skipped=$((skipped + sk))
done
if [ -f "$logs/fuzz.log" ] && [ "${HA_TEST_SKIP_FUZZ:-0}" != 1 ]; then
  line=$(grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed' "$logs/fuzz.log" | tail -1)
  passed=$((passed + $(sed -E 's/fuzz: ([0-9]+) passed.*/\1/' <<<"$line")))
  failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
fi
echo
echo "suite: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
