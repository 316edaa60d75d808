#!/usr/bin/env bash
# Native fuzzing of the C++ core with libFuzzer (clang), ASan and UBSan: builds
# tests/fuzz/ into build/fuzz (cmake -DFIRSTNET_FUZZ=ON) and runs each target for a bounded
# time, keeping its corpus in build/fuzz/corpus/<target>/ so later runs start where the
# last one stopped. Not part of `npm test`.
#
#   bash scripts/fuzz-native.sh             # 60 s per target
#   bash scripts/fuzz-native.sh --seconds 600
#
# Prints each target's exec count; exits non-zero if a target found a crash (the input is
# saved as build/fuzz/crash-* and can be replayed with: build/fuzz/tests/fuzz/<target> <file>).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "usage: $0 [--seconds N]" >&2; exit 2 ;;
  esac
done
if ! command -v clang++ >/dev/null; then
  echo "fuzz-native: clang++ not found (apt-get install clang)" >&2
  exit 1
fi
BUILD=build/fuzz
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DFIRSTNET_FUZZ=ON >/dev/null
fi
cmake --build "$BUILD" --parallel "$(nproc 2>/dev/null || echo 2)" --target fuzz_spec fuzz_trainer

status=0
summary=()
for target in fuzz_spec fuzz_trainer; do
  corpus="$BUILD/corpus/$target"
  mkdir -p "$corpus"
  log="$BUILD/$target.log"
  echo "== $target: ${seconds} s"
  set +e
  (cd "$BUILD" && "./tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -print_final_stats=1 "corpus/$target") >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  if [ $rc -ne 0 ]; then
    status=1
    echo "$target: FOUND A BUG (exit $rc); see $log"
    grep -E 'ERROR|fuzz_(spec|trainer):|SUMMARY' "$log" | head -5 || true
  fi
  summary+=("$target: $execs execs (${runs:-no final line}), $cov, corpus $(ls "$corpus" | wc -l) inputs, exit $rc")
done
echo "== libFuzzer summary"
printf '%s\n' "${summary[@]}"
exit $status
