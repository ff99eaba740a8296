#!/usr/bin/env bash
# The main job on a fresh machine: installs what is missing, builds ClipKit, and extends three clips
# into one 15 s sequence on the built-in sandbox (no key, no network), each segment starting from the
# previous one's exact last frame. Output: demo/sequence.mp4, its sidecar and the journal in demo/.clipkit.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIPKIT_SKIP_BROWSER=1 scripts/setup.sh
swift build -c release --product clipkit >&2
bin="$(swift build -c release --show-bin-path)/clipkit"
mkdir -p demo
"$bin" extend --provider sandbox \
  --prompt "a lighthouse on a cliff at dusk, waves below" \
  --prompt "the camera rises slowly over the lighthouse" \
  --prompt "night falls and the lamp begins to turn" \
  -o demo/sequence.mp4 "$@"
"$bin" check demo/sequence.mp4
"$bin" gallery demo/.clipkit -o demo/site >/dev/null && echo "gallery of the segments: demo/site/index.html"
