#!/usr/bin/env bash
# Installs what firstnet needs and is missing, then the npm packages.
#   setup.sh app   — what `npm start` needs: emscripten, Eigen, cmake, g++
#   setup.sh test  — also what `npm test` needs: GoogleTest, Chromium, NumPy (interop test),
#                    Fashion-MNIST (bring-your-own-data tests)
# Only Debian's and npm's registries are used. Idempotent and quick when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-app}

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
want() { have_pkg "$1" || need+=("$1"); }
want emscripten
want libeigen3-dev
want cmake
want g++
want make
if [ "$profile" = test ]; then
  want libgtest-dev
  want chromium
  want python3-numpy
  want dataset-fashion-mnist
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then SUDO=sudo; else
      echo "setup: missing Debian packages: ${need[*]} — install them as root (apt-get install ${need[*]})" >&2
      exit 1
    fi
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
