#!/usr/bin/env bash
# Installs what ClipKit needs on a fresh Debian 12 machine: FFmpeg 5.1's libraries and headers, SQLite,
# and the reference tools the tests and benchmarks compare against (ffmpeg, ffprobe,
# ffmpegthumbnailer, curl, chromium), and PostgreSQL for the work-queue tests (scripts/postgres.sh starts a
# throwaway cluster). Does nothing when everything is already there.
set -euo pipefail

packages=(
  pkg-config
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
  libsqlite3-dev
  ffmpeg ffmpegthumbnailer curl
  postgresql
)
if [ "${CLIPKIT_SKIP_BROWSER:-0}" != "1" ]; then packages+=(chromium); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
