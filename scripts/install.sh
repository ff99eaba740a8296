#!/usr/bin/env bash
# Builds a stripped release clipkit and installs it with its shell completions, man page and presets.
#
#   scripts/install.sh [PREFIX]        (default PREFIX: /usr/local; needs write access to it)
#   CLIPKIT_INSTALL_BINARY=path/to/clipkit scripts/install.sh PREFIX   (install a binary built elsewhere)
#
#   PREFIX/bin/clipkit
#   PREFIX/share/clipkit/presets/*.json                     (found by the binary: ../share/clipkit/presets)
#   PREFIX/share/bash-completion/completions/clipkit
#   PREFIX/share/zsh/site-functions/_clipkit
#   PREFIX/share/fish/vendor_completions.d/clipkit.fish
#   PREFIX/share/man/man1/clipkit.1
#
# The release build leaves out debug information (-Xswiftc -gnone; swiftc has no -g0) and the binary is stripped.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-/usr/local}"
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac

if [ -n "${CLIPKIT_INSTALL_BINARY:-}" ]; then
  built="$CLIPKIT_INSTALL_BINARY"   # an already-built clipkit (e.g. from CI); still stripped on install
else
  scripts/setup.sh
  echo "install: building release (this takes a few minutes)" >&2
  swift build -c release -Xswiftc -gnone --product clipkit >&2
  built="$(swift build -c release -Xswiftc -gnone --product clipkit --show-bin-path)/clipkit"
fi

mkdir -p "$prefix/bin" "$prefix/share/clipkit/presets" "$prefix/share/man/man1" \
  "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
temporary="$prefix/bin/.clipkit.partial"
cp "$built" "$temporary"
strip "$temporary"
chmod 755 "$temporary"
mv -f "$temporary" "$prefix/bin/clipkit"
cp presets/*.json "$prefix/share/clipkit/presets/"

binary="$prefix/bin/clipkit"
"$binary" --generate-completion-script bash > "$prefix/share/bash-completion/completions/clipkit"
"$binary" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_clipkit"
"$binary" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/clipkit.fish"
"$binary" manual > "$prefix/share/man/man1/clipkit.1"

size=$(stat -c %s "$binary")
echo "install: $binary ($((size / 1000000)) MB, stripped), completions, man page and presets under $prefix" >&2
"$binary" --version | head -1
