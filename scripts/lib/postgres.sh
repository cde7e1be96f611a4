# A throwaway PostgreSQL cluster on a private loopback port for the database tests.
start_test_postgres() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bindir" ]; then
    echo "[postgres] not installed: database tests run on PGlite only" >&2
    return 0
  fi
  PG_TMP=$(mktemp -d /tmp/hsm-console-pg.XXXXXX)
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_TMP"
    as=(runuser -u postgres --)
  fi
  PG_PORT=$((20000 + RANDOM % 20000))
  "${as[@]}" "$bindir/initdb" -D "$PG_TMP/data" -A trust -U postgres >"$PG_TMP/initdb.log" 2>&1
  "${as[@]}" "$bindir/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w \
    -o "-p $PG_PORT -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  PG_CTL=("${as[@]}" "$bindir/pg_ctl" -D "$PG_TMP/data")
  export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "[postgres] throwaway cluster on 127.0.0.1:$PG_PORT"
}

stop_test_postgres() {
  [ -n "${PG_TMP:-}" ] || return 0
  "${PG_CTL[@]}" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_TMP"
}
