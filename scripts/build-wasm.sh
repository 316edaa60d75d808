#!/usr/bin/env bash
# Build the wasm module with Emscripten (emcmake) into build/wasm:
#   build/wasm/firstnet-core.mjs   ES module, default export createFirstnetModule
#   build/wasm/firstnet-core.wasm
# --with-threads (npm run build, npm run bench): also the optional threaded module
#   build/wasm/firstnet-core-mt.{mjs,wasm,worker.js,worker.cjs} (-pthread): the page uses it
#   only when crossOriginIsolated is true (web/src/engine/load-browser.ts), the bench in node
# Idempotent: configures once, then make rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"  # em++ 3.1.6 needs acorn from here
BUILD=build/wasm
if ! command -v emcmake >/dev/null; then
  echo "build-wasm: emcmake not found (apt-get install emscripten)" >&2
  exit 1
fi
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  emcmake cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$BUILD" --parallel "$(nproc 2>/dev/null || echo 2)"
test -f "$BUILD/firstnet-core.mjs" && test -f "$BUILD/firstnet-core.wasm"
if [ "${1:-}" = "--with-threads" ]; then
  cmake --build "$BUILD" --parallel "$(nproc 2>/dev/null || echo 2)" --target firstnet-core-mt
  test -f "$BUILD/firstnet-core-mt.wasm" && test -f "$BUILD/firstnet-core-mt.worker.js" && test -f "$BUILD/firstnet-core-mt.worker.cjs"
fi
