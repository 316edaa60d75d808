#!/usr/bin/env bash
# Builds everything the app and the CLI need: the wasm core (the default module and the
# threaded one that a cross-origin-isolated page loads instead), the MNIST web assets, the
# CLI bundle and the static site (dist/). Each step skips work that is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-wasm.sh --with-threads
node scripts/build-data.mjs
node scripts/build-cli.mjs
npx vite build --logLevel warn
