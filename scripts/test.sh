#!/usr/bin/env bash
# Sets up a fresh machine (scripts/setup.sh) and runs the whole test suite.
#
# Green on a busy machine too: the CLI tests run one clipkit process at a time with deadlines derived from
# the command and the load (Tests/ClipKitTests/Support/HeavyWork.swift), and Swift Testing runs at most
# CLIPKIT_TEST_WIDTH test cases at once (default: twice the cores), so media work and the in-process
# servers (sandbox, gallery, webhooks) are not starved by a pile of parallel decodes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests "$@"
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${CLIPKIT_TEST_WIDTH:-$(( $(nproc) * 2 ))}"
swift test --skip-build "$@"
