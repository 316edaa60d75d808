#!/usr/bin/env bash
# `npm test`: install what is missing, build, and run every suite:
#   1. C++ (GoogleTest through ctest, native build)
#   2. Vitest in node against the real wasm
#   3. browser tests in Debian's Chromium (playwright-core) against the built app
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test || exit 1
bash scripts/build.sh || exit 1
bash scripts/build-native.sh || exit 1

failed=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "== C++ tests (ctest)"
(cd build/native && ctest --output-on-failure -j2) 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=(ctest)
echo "== Vitest (node, real wasm)"
npx vitest run 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=(vitest)
echo "== Browser tests (Chromium)"
npx vitest run -c vitest.browser.config.ts 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=(browser)

# One closing line over all three suites, counted from their own summaries.
plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
ctest_total=$(grep -oE 'tests passed, [0-9]+ tests failed out of [0-9]+' <<<"$plain" | awk '{s+=$NF; f+=$3} END {print s+0, f+0}')
vt_pass=$(grep -E '^ +Tests +' <<<"$plain" | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
vt_fail=$(grep -E '^ +Tests +' <<<"$plain" | grep -oE '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
read -r c_total c_fail <<<"$ctest_total"
passed=$((c_total - c_fail + vt_pass))
nfailed=$((c_fail + vt_fail))
if [ ${#failed[@]} -gt 0 ]; then
  echo "npm test: FAILED suites: ${failed[*]}"
  echo "$passed passed, $((nfailed > 0 ? nfailed : 1)) failed"
  exit 1
fi
echo "npm test: all suites passed (ctest, vitest, browser)"
echo "$passed passed, 0 failed"
