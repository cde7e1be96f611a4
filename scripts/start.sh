#!/usr/bin/env bash
# npm start: installs what is missing, builds when needed (the Next app, and the server, PKCS#11
# worker and CLI compiled to build/ by esbuild), then serves the console with plain node
# (migrations, data folder and setup token happen in the server's start-up).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
source scripts/lib/build.sh
source scripts/lib/native.sh

ensure_debs "${RUNTIME_DEBS[@]}" "${NATIVE_DEBS[@]}"
ensure_node_modules
ensure_native
ensure_build
export NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
exec node build/launch.cjs
