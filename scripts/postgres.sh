#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on a loopback port, in a temporary directory.
#   eval "$(scripts/postgres.sh start)"   # prints export lines: CLIPKIT_TEST_POSTGRES_URL, CLIPKIT_PG_DIR
#   scripts/postgres.sh stop              # stops the cluster in $CLIPKIT_PG_DIR and removes it
# Needs Debian's `postgresql` package (scripts/setup.sh installs it). As root, the cluster runs as the
# `postgres` system user (initdb refuses root). Exits non-zero when the server cannot be started.
set -euo pipefail

bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  echo "postgres.sh: initdb not found: install Debian's postgresql package (scripts/setup.sh)" >&2
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

case "${1:-}" in
  start)
    bin="$(bindir)"
    dir="$(mktemp -d /tmp/clipkit-pg.XXXXXX)"
    chmod 755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
    port="${CLIPKIT_PG_PORT:-$(free_port)}"
    as_owner "$bin/initdb" -D "$dir/data" -U clipkit --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
      echo "postgres.sh: initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" \
      start >/dev/null 2>&1 || { echo "postgres.sh: the server did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }
    echo "export CLIPKIT_PG_DIR='$dir'"
    echo "export CLIPKIT_TEST_POSTGRES_URL='postgres://clipkit@127.0.0.1:$port/postgres'"
    echo "postgres.sh: PostgreSQL on 127.0.0.1:$port ($dir)" >&2
    ;;
  stop)
    dir="${2:-${CLIPKIT_PG_DIR:-}}"
    [ -n "$dir" ] && [ -d "$dir/data" ] || exit 0
    as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop [DIR]" >&2
    exit 2
    ;;
esac
