#!/usr/bin/env bash
# npm test: installs what the tests need, then the layer rules (dependency-cruiser), type-check,
# lint, unit and integration tests (real SoftHSM, PGlite and a throwaway PostgreSQL), the build,
# and the e2e suite on Debian's Chromium. Ends with "N passed, N failed" and a non-zero exit on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
source scripts/lib/build.sh
source scripts/lib/native.sh
source scripts/lib/postgres.sh

ensure_debs "${RUNTIME_DEBS[@]}" "${NATIVE_DEBS[@]}" "${TEST_DEBS[@]}" || exit 1
ensure_node_modules || exit 1
ensure_native || exit 1

RESULTS=$(mktemp -d /tmp/hsm-console-test.XXXXXX)
# Service engines run nginx as nobody, which must traverse to the e2e data folder inside.
chmod 711 "$RESULTS"
CHECKS="$RESULTS/checks"
: >"$CHECKS"
stage() { # name, command...
  local name=$1
  shift
  echo "== $name"
  if "$@"; then echo "$name ok" >>"$CHECKS"; else echo "$name FAILED" >>"$CHECKS"; fi
}
cleanup() {
  stop_test_postgres
  rm -rf "${E2E_DATA:-/nonexistent}"
}
trap cleanup EXIT

# Layer rules (.dependency-cruiser.cjs) first: an import across layers fails the run, whatever else passes.
check_layers() {
  npx depcruise app components lib server bin lab scripts --output-type err ||
    { echo "layer rules broken: the imports above cross a rule of .dependency-cruiser.cjs (see DESIGN.md §3)"; return 1; }
}
stage layers check_layers
stage typecheck bash -c 'npx next typegen >/dev/null && npx tsc --noEmit'
stage lint npx biome lint .

start_test_postgres
echo "== unit and integration tests"
npx vitest run --reporter=default --reporter=json --outputFile.json="$RESULTS/vitest.json"
echo $? >"$RESULTS/vitest.rc"
stop_test_postgres

stage build ensure_build
export E2E_DATA="$RESULTS/e2e-data" E2E_JSON="$RESULTS/e2e.json" E2E_PORT="${E2E_PORT:-3100}"
echo "== e2e (Playwright, /usr/bin/chromium)"
npx playwright test
echo $? >"$RESULTS/e2e.rc"

echo
grep -v ' ok$' "$CHECKS" | sed 's/^/failed stage: /'
node scripts/lib/summary.mjs "$CHECKS" "$RESULTS"
