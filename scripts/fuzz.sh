#!/usr/bin/env bash
# Fuzzes ClipKit's media reading (probe, last frame, check) with libFuzzer under AddressSanitizer.
#
#   scripts/fuzz.sh [SECONDS]        default 600
#
# Builds the `clipkit-fuzz` target with -sanitize=fuzzer,address into .build-fuzz (gitignored), makes
# a seed corpus of small clips with ffmpeg (H.264 MP4 faststart / moov at the end / fragmented, MOV,
# VP9 WebM, MKV), and fuzzes for SECONDS. Inputs that crash land in .build-fuzz/artifacts/; replay one
# without sanitizers with `swift build --product clipkit-fuzz && .build/debug/clipkit-fuzz FILE`.
# -timeout=120: FFmpeg 5.1's own MP4 header parser can spend ~30 s on a 3 KB damaged file (ffprobe too);
# a real hang still trips it.
# Env: FUZZ_JOBS (parallel fuzzing processes, default 1), FUZZ_NICE (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
jobs="${FUZZ_JOBS:-1}"
root="$PWD/.build-fuzz"
mkdir -p "$root/corpus" "$root/seeds" "$root/artifacts"

command -v ffmpeg >/dev/null || scripts/setup.sh

# Reuse the resolved package checkouts of the normal build (no network needed).
if [ -d .build/checkouts ] && [ ! -d "$root/checkouts" ]; then
    cp -r .build/checkouts .build/repositories .build/workspace-state.json "$root/" 2>/dev/null || true
fi

echo "== building clipkit-fuzz with libFuzzer + AddressSanitizer into .build-fuzz"
nice -n "${FUZZ_NICE:-10}" swift build --scratch-path "$root" --product clipkit-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DCLIPKIT_FUZZ

echo "== seed corpus"
seed() { # name, ffmpeg output options...
    local name="$1"; shift
    [ -s "$root/seeds/$name" ] && return
    ffmpeg -v error -y -f lavfi -i "testsrc2=size=64x36:rate=12:duration=1" "$@" "$root/seeds/$name"
}
seed faststart.mp4 -c:v libx264 -preset ultrafast -bf 2 -g 6 -pix_fmt yuv420p -movflags +faststart
seed moov-at-end.mp4 -c:v libx264 -preset ultrafast -bf 2 -g 6 -pix_fmt yuv420p
seed fragmented.mp4 -c:v libx264 -preset ultrafast -g 6 -pix_fmt yuv420p -movflags frag_keyframe+empty_moov+default_base_moof
seed sar.mov -c:v libx264 -preset ultrafast -pix_fmt yuv420p -vf setsar=4/3
seed vp9.webm -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 6
seed mpeg4.mkv -c:v mpeg4 -g 6
cp -n "$root/seeds/"* "$root/corpus/" 2>/dev/null || true

echo "== fuzzing for ${seconds}s (jobs: $jobs)"
cd "$root/artifacts"
# Swift's own crash backtracer would race AddressSanitizer's report; libFuzzer prints the stack.
export SWIFT_BACKTRACE=enable=no
nice -n "${FUZZ_NICE:-10}" "$root/debug/clipkit-fuzz" "$root/corpus" \
    -max_total_time="$seconds" -timeout=120 -rss_limit_mb=4096 -max_len=200000 \
    $([ "$jobs" -gt 1 ] && echo "-jobs=$jobs -workers=$jobs") -print_final_stats=1 -artifact_prefix="$root/artifacts/" 2>&1 \
    | tee "$root/fuzz.log" | grep -E "^#[0-9]+.*(INITED|pulse|DONE|NEW)|ERROR|SUMMARY|stat::|Done" | grep -v "NEW" || true
echo "== corpus: $(ls "$root/corpus" | wc -l) inputs; crashes: $(ls "$root/artifacts" | grep -c '^crash-\|^timeout-\|^oom-' || true)"
