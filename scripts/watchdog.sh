#!/usr/bin/env bash
# Usage: scripts/watchdog.sh SECONDS COMMAND [ARGS...]
#
# Runs COMMAND with its output passed through, and stops it when it has printed nothing for SECONDS:
# first every thread's backtrace of each process under it (gdb) and the process tree go to
# stderr, then the whole tree is killed and the script exits 124. A hung test run then fails in minutes
# and says where it hung, instead of running into CI's time limit with nothing to show.
set -uo pipefail
stall="$1"
shift

log="$(mktemp "${TMPDIR:-/tmp}/watchdog.XXXXXX")"
trap 'rm -f "$log"' EXIT
setsid "$@" >"$log" 2>&1 &
pid=$!
tail -n +1 -f --pid="$pid" "$log" &
tailer=$!

descendants() {
  local children
  children="$(pgrep -P "$1" || true)"
  for child in $children; do
    echo "$child"
    descendants "$child"
  done
}

# Swift symbols in a backtrace, readable (swift demangle ships with the toolchain).
demangle() {
  if command -v swift-demangle >/dev/null; then swift-demangle --simplified; else cat; fi
}

backtraces() {
  echo "watchdog: no output for ${stall}s; the processes still running:" >&2
  ps -o pid,ppid,stat,etime,time,args --forest -g "$pid" >&2 || true
  for p in "$pid" $(descendants "$pid"); do
    echo "watchdog: backtraces of $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-200)" >&2
    timeout 120 gdb -p "$p" -batch -ex "thread apply all bt" 2>&1 | grep -E '^(Thread|#)' | demangle | cut -c1-240 >&2
  done
}

while kill -0 "$pid" 2>/dev/null; do
  sleep 15
  idle=$(( $(date +%s) - $(stat -c %Y "$log") ))
  if [ "$idle" -ge "$stall" ] && kill -0 "$pid" 2>/dev/null; then
    backtraces
    # The whole tree: the tests start their children in process groups of their own.
    for p in $(descendants "$pid"); do kill -KILL "$p" 2>/dev/null; done
    kill -KILL -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    wait "$tailer" 2>/dev/null
    echo "watchdog: stopped $* after ${stall}s without output" >&2
    exit 124
  fi
done
wait "$pid"
status=$?
wait "$tailer" 2>/dev/null
exit "$status"
