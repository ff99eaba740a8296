#!/usr/bin/env bash
# Builds ClipKit in release mode, makes its test clips, runs ClipKit and the reference tools (ffmpeg,
# ffprobe, ffmpegthumbnailer, curl) on the same files in one run, and prints medians and ratios.
# Then times the work queue's own overhead per step (claim + commit) on a throwaway PostgreSQL.
#   scripts/bench.sh [--runs N] [--only NAME]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product clipkit >&2
clipkit="$(swift build -c release --show-bin-path)/clipkit"
python3 scripts/bench.py --clipkit "$clipkit" "$@"

only=""
while [ $# -gt 0 ]; do
  case "$1" in --only) only="${2:-}"; shift 2 || break ;; --only=*) only="${1#--only=}"; shift ;; *) shift ;; esac
done
if [ -z "$only" ] || [[ "queue" == *"$only"* ]]; then
  if started="$(scripts/postgres.sh start)"; then
    eval "$started"
    trap 'scripts/postgres.sh stop "$CLIPKIT_PG_DIR"' EXIT
    echo
    echo "Work queue (PostgreSQL on loopback, no provider): claim + commit per no-op step"
    "$clipkit" batch bench --queue "$CLIPKIT_TEST_POSTGRES_URL" --steps 1000
    echo
    echo "Fleet throughput: extend chains (3 segments) through 1 and 2 workers, sandbox without render delay"
    "$clipkit" batch bench-chains --queue "$CLIPKIT_TEST_POSTGRES_URL" --chains 8 --segments 3 --workers 1 2
  else
    echo "bench.sh: PostgreSQL could not be started; skipping the queue benchmark" >&2
  fi
fi
