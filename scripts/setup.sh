#!/usr/bin/env bash
# Installs what ClipKit needs on a fresh Debian 12 machine: FFmpeg 5.1's libraries and headers, SQLite,
# and the reference tools the tests and benchmarks compare against (ffmpeg, ffprobe,
# ffmpegthumbnailer, curl, chromium), PostgreSQL for the work-queue tests (scripts/postgres.sh starts a
# throwaway cluster), and moto from PyPI for the S3 bucket tests (scripts/moto.sh). Does nothing when
# everything is already there.
set -euo pipefail

packages=(
  pkg-config
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
  libsqlite3-dev
  ffmpeg ffmpegthumbnailer curl
  gdb procps
  postgresql
  python3-pip
)
if [ "${CLIPKIT_SKIP_BROWSER:-0}" != "1" ]; then packages+=(chromium); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The JSON Schema tests validate every command's --json output with python3's jsonschema (draft 2020-12).
if ! python3 -c 'import jsonschema, sys; sys.exit(0 if int(jsonschema.__version__.split(".")[0]) >= 4 else 1)' 2>/dev/null; then
  echo "setup: installing python3 jsonschema" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-jsonschema >/dev/null 2>&1 || true
  # Debian's package serves /usr/bin/python3; a python3 earlier on PATH (pyenv, a venv) needs pip.
  python3 -c 'import jsonschema' 2>/dev/null \
    || python3 -m pip install --quiet 'jsonschema>=4' \
    || python3 -m pip install --quiet --user --break-system-packages 'jsonschema>=4'
fi

# The S3 bucket tests run against moto in server mode, an S3-compatible server (scripts/moto.sh starts one).
if ! python3 -c 'import moto.server' 2>/dev/null; then
  echo "setup: installing python3 moto[server]" >&2
  # Debian's python3 is externally managed (PEP 668): plain pip first (a venv, pyenv), then past the guard.
  python3 -m pip install --quiet 'moto[server]' 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages 'moto[server]' 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages 'moto[server]' \
    || echo "setup: moto could not be installed; the S3 tests are skipped (in CI they fail)" >&2
fi
