#!/usr/bin/env bash
# `npm start`: install what is missing, build, and serve the app on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
bash scripts/build.sh
port=${PORT:-5173}
echo
echo "firstnet: serving dist/ — open the Local URL below (Ctrl-C stops the server)"
exec npx vite preview --port "$port" --host 127.0.0.1
