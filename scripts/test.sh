#!/usr/bin/env bash
# Sets up a fresh machine (scripts/setup.sh), starts a throwaway PostgreSQL for the queue tests
# (scripts/postgres.sh; stopped on exit) and runs the whole test suite.
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
swift build --build-tests "$@"
swift test --skip-build "$@"
