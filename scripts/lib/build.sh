# Builds what the console runs when any of its sources changed since the last build (hash of the
# tracked inputs): the Next app (.next/) and the Node entries compiled by esbuild (build/: the
# launcher, the server, the PKCS#11 worker, the CLI; scripts/build-server.mjs).
ensure_build() {
  ensure_next_build && ensure_server_build
}

# Hash of the files under the given folders that a build reads (tests and benches excluded).
source_hash() {
  find "$@" -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.mjs' -o -name '*.css' -o -name '*.js' -o -name '*.json' -o -name '*.svg' -o -name '*.sql' \) \
    -not -name '*.test.ts' -not -path '*/bench/*' -not -path '*/node_modules/*' 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16
}

# Runs "$@" (a build) unless the stamp file holds the hash; consoles started at once (tests, two
# terminals) build one at a time, and the one that waited finds the build done.
build_once() { # stamp, hash, lock, command...
  local stamp=$1 hash=$2 lock=$3
  shift 3
  [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ] && return 0
  exec 9>"$lock"
  flock 9
  if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    "$@" || { exec 9>&-; return 1; }
    echo "$hash" >"$stamp"
  fi
  exec 9>&-
}

ensure_next_build() {
  local hash
  hash=$(source_hash app components lib server public instrumentation.ts next.config.js package-lock.json tsconfig.json)
  [ -f .next/BUILD_ID ] || rm -f .next/.source-hash
  build_once .next/.source-hash "$hash" .next-build.lock next_build
}

next_build() {
  echo "[build] next build"
  mkdir -p .next
  NEXT_TELEMETRY_DISABLED=1 npx next build >.next-build.log 2>&1 || { cat .next-build.log; return 1; }
}

ensure_server_build() {
  local hash
  hash=$(source_hash scripts bin server lib lab package-lock.json tsconfig.json)
  [ -f build/launch.cjs ] || rm -f build/.source-hash
  mkdir -p build
  build_once build/.source-hash "$hash" .next-build.lock node scripts/build-server.mjs
}
