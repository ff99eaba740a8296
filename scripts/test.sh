#!/usr/bin/env bash
# Sets up a fresh machine (scripts/setup.sh), starts a throwaway PostgreSQL for the queue tests
# (scripts/postgres.sh; stopped on exit) and runs the whole test suite. The S3 tests start their own moto
# server (scripts/moto.sh); with CI=true they fail rather than skip when moto is missing.
#
# Green on a busy machine too: the CLI tests run one clipkit process at a time with deadlines derived from
# the command and the load (Tests/ClipKitTests/Support/HeavyWork.swift), and Swift Testing runs at most
# CLIPKIT_TEST_WIDTH test cases at once (default: twice the cores), so media work and the in-process
# servers (sandbox, gallery, webhooks) are not starved by a pile of parallel decodes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if started="$(scripts/postgres.sh start)"; then
  eval "$started"
  trap 'scripts/postgres.sh stop "$CLIPKIT_PG_DIR"' EXIT
elif [ "${CI:-}" = "true" ]; then
  echo "test.sh: PostgreSQL could not be started; the queue tests need it in CI" >&2
  exit 1
else
  echo "test.sh: PostgreSQL could not be started; the queue tests will be skipped" >&2
fi
# ClipMedia and the sandbox are built with -O even in this debug build (see Package.swift): their pixel
# loops otherwise dominate the end-to-end tests' time.
export CLIPKIT_OPTIMIZED_DEBUG=1
swift build --build-tests "$@"
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${CLIPKIT_TEST_WIDTH:-$(( $(nproc) * 2 ))}"
# A part that prints nothing for CLIPKIT_TEST_STALL seconds is hung: the watchdog prints every thread's
# backtrace and stops it (exit 124), long before CI's own time limit. A stalled part is run once more, and
# says so; a part that fails is not. The work-queue suites run apart from the rest, so a stall in one
# costs a rerun of that part only.
stall="${CLIPKIT_TEST_STALL:-300}"
part() {
  local status=0
  scripts/watchdog.sh "$stall" swift test --skip-build "$@" || status=$?
  if [ "$status" -eq 124 ]; then
    echo "test.sh: that part stalled (backtraces above); running it once more" >&2
    status=0
    scripts/watchdog.sh "$stall" swift test --skip-build "$@" || status=$?
  fi
  return "$status"
}
status=0
part --skip ClipQueueTests "$@" || status=$?
part --filter ClipQueueTests "$@" || status=$?
exit "$status"
