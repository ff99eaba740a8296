#!/usr/bin/env bash
# Builds ClipKit in release mode, makes its test clips, runs ClipKit and the reference tools (ffmpeg,
# ffprobe, ffmpegthumbnailer, curl) on the same files in one run, and prints medians and ratios.
#   scripts/bench.sh [--runs N] [--only NAME]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product clipkit >&2
exec python3 scripts/bench.py --clipkit "$(swift build -c release --show-bin-path)/clipkit" "$@"
