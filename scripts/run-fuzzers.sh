#!/usr/bin/env bash
# Runs every libFuzzer target listed in BUILD_DIR/fuzzers.txt for an equal
# share of TOTAL_SECONDS (at least 10 s each), starting from its seed corpus.
# A crash, leak or timeout fails the target; its reproducer is kept in
# BUILD_DIR/fuzz-artifacts/. Ends with "fuzz: P passed, F failed".
set -uo pipefail
build=${1:?usage: run-fuzzers.sh BUILD_DIR TOTAL_SECONDS}
total=${2:-60}
list="$build/fuzzers.txt"
mapfile -t entries < <(grep -v '^$' "$list")
n=${#entries[@]}
if [ "$n" -eq 0 ]; then echo "fuzz: no targets in $list" >&2; echo "fuzz: 0 passed, 1 failed"; exit 1; fi
each=$(( total / n )); [ "$each" -ge 10 ] || each=10
art="$build/fuzz-artifacts"; mkdir -p "$art"
passed=0; failed=0
for e in "${entries[@]}"; do
  name=${e%%=*}; seeds=${e#*=}
  bin=$(find "$build" -type f -name "$name" -perm -u+x | head -1)
  work=$(mktemp -d)                 # new inputs go here; the seed corpus stays as committed
  echo "fuzz: $name for ${each}s (seeds: $seeds)"
  if "$bin" -max_total_time="$each" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$art/$name-" "$work" "$seeds" >"$art/$name.log" 2>&1; then
    echo "fuzz: $name ok ($(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$art/$name.log" | grep -oE '[0-9]+$') runs)"
    passed=$((passed + 1))
  else
    echo "fuzz: $name FAILED; log: $art/$name.log"; tail -30 "$art/$name.log"
    failed=$((failed + 1))
  fi
  rm -rf "$work"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
