#!/usr/bin/env bash
# npm start: installs what is missing, builds when needed, then serves the console
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
exec node --import tsx scripts/launch.ts
