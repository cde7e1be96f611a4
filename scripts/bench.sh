#!/usr/bin/env bash
# npm run bench: runs every benchmark file (server/**/bench/*.bench.ts, lab/**/bench/*.bench.ts).
# Each prints "name: value" lines, ratios measured against a reference in the same run.
# Never fails on a figure; a crashed benchmark is reported and the others still run.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
source scripts/lib/build.sh
ensure_debs "${RUNTIME_DEBS[@]}"
ensure_node_modules
# The compiled PKCS#11 worker, measured against a tsx-started one (server/pkcs11/bench/worker-start.bench.ts).
ensure_server_build
status=0
while IFS= read -r file; do
  echo "# $file"
  node --import tsx "$file" || { echo "# $file crashed" >&2; status=1; }
done < <(find server lab -path '*/bench/*.bench.ts' -not -path '*/node_modules/*' 2>/dev/null | LC_ALL=C sort)
exit $status
