#!/usr/bin/env bash
# A throwaway S3-compatible server (moto in server mode) for the bucket tests, on a loopback port.
#   eval "$(scripts/moto.sh start)"   # prints export lines: CLIPKIT_TEST_S3_ENDPOINT, CLIPKIT_MOTO_DIR
#   scripts/moto.sh stop              # stops the server in $CLIPKIT_MOTO_DIR and removes its folder
# Needs python3 with moto[server] (scripts/setup.sh installs it). Exits non-zero when the server cannot
# be started. moto accepts any access key and does not check signatures.
set -euo pipefail

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Whether process $1 has a socket listening on TCP port $2 (from /proc: the socket's inode among its descriptors),
# and it answers HTTP.
listening() {
  python3 - "$1" "$2" <<'PY' 2>/dev/null
import os, sys, urllib.request
pid, port = sys.argv[1], int(sys.argv[2])
inodes = set()
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        rows = open(table).read().splitlines()[1:]
    except OSError:
        continue
    for row in rows:
        fields = row.split()
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
            inodes.add("socket:[%s]" % fields[9])
owned = any(os.readlink("/proc/%s/fd/%s" % (pid, fd)) in inodes for fd in os.listdir("/proc/%s/fd" % pid))
if not owned:
    sys.exit(1)
urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=2)
PY
}

case "${1:-}" in
  start)
    python3 -c 'import moto.server' 2>/dev/null || {
      echo "moto.sh: python3 has no moto server: python3 -m pip install 'moto[server]' (scripts/setup.sh)" >&2; exit 1; }
    dir="$(mktemp -d /tmp/clipkit-moto.XXXXXX)"
    # A free port can be taken by another process (another test's moto) between the choice and the bind; then
    # the readiness probe would reach that other server. So the server must be seen listening itself, else
    # it is stopped and another port tried.
    for attempt in 1 2 3 4 5; do
      port="${CLIPKIT_MOTO_PORT:-$(free_port)}"
      # Descriptors beyond 0-2 are closed first: a caller's pipe inherited by the server would never end.
      python3 -c 'import os, sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])' \
        python3 -m moto.server -H 127.0.0.1 -p "$port" >"$dir/server.log" 2>&1 </dev/null &
      echo $! >"$dir/pid"
      for _ in $(seq 1 600); do
        if listening "$(cat "$dir/pid")" "$port"; then
          echo "export CLIPKIT_MOTO_DIR='$dir'"
          echo "export CLIPKIT_TEST_S3_ENDPOINT='http://127.0.0.1:$port'"
          echo "moto.sh: S3 (moto) on 127.0.0.1:$port ($dir)" >&2
          exit 0
        fi
        kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
        sleep 0.1
      done
      kill "$(cat "$dir/pid")" 2>/dev/null || true
      [ -z "${CLIPKIT_MOTO_PORT:-}" ] || break
    done
    echo "moto.sh: the server did not start:" >&2
    cat "$dir/server.log" >&2
    rm -rf "$dir"
    exit 1
    ;;
  stop)
    dir="${2:-${CLIPKIT_MOTO_DIR:-}}"
    [ -n "$dir" ] && [ -f "$dir/pid" ] || exit 0
    pid="$(cat "$dir/pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/moto.sh start|stop [DIR]" >&2
    exit 2
    ;;
esac
