#!/usr/bin/env bash
# Configure and build the native core, its GoogleTest suites, parity_dump and the benchmark
# into build/native (Release: -O3). Run the tests with: (cd build/native && ctest)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build/native
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$BUILD" --parallel "$(nproc 2>/dev/null || echo 2)"
