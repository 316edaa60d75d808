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
echo "== C++ tests (ctest)"
(cd build/native && ctest --output-on-failure -j2) || failed+=(ctest)
echo "== Vitest (node, real wasm)"
npx vitest run || failed+=(vitest)
echo "== Browser tests (Chromium)"
npx vitest run -c vitest.browser.config.ts || failed+=(browser)

if [ ${#failed[@]} -gt 0 ]; then
  echo "npm test: FAILED suites: ${failed[*]}"
  exit 1
fi
echo "npm test: all suites passed (ctest, vitest, browser)"
