# Builds the Next app when any source changed since the last build (hash of tracked inputs).
ensure_build() {
  local hash
  hash=$(find app components lib server public instrumentation.ts next.config.js package-lock.json tsconfig.json \
    -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.css' -o -name '*.js' -o -name '*.json' -o -name '*.svg' -o -name '*.sql' \) \
    -not -name '*.test.ts' -not -path '*/bench/*' 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
  if [ -f .next/BUILD_ID ] && [ "$(cat .next/.source-hash 2>/dev/null)" = "$hash" ]; then
    return 0
  fi
  # Consoles started at once (tests, two terminals) build one at a time: Next refuses a second
  # concurrent build, and the one that waited finds the build done.
  exec 9>.next-build.lock
  flock 9
  if [ -f .next/BUILD_ID ] && [ "$(cat .next/.source-hash 2>/dev/null)" = "$hash" ]; then
    exec 9>&-
    return 0
  fi
  echo "[build] next build"
  NEXT_TELEMETRY_DISABLED=1 npx next build >.next-build.log 2>&1 || { cat .next-build.log; exec 9>&-; return 1; }
  echo "$hash" > .next/.source-hash
  exec 9>&-
}
