#!/usr/bin/env bash
# Gallery benchmark (issue 6): 50 five-second 720p clips, one `clipkit gallery` call vs one full
# decode of each clip by the ffmpeg CLI (`ffmpeg -i clip -f null -` x 50), then the incremental
# rerun. Prints medians and ratios as a Markdown table.
#
#   scripts/bench-gallery.sh [WORKDIR]      (env: CLIPS=50 DISTINCT=10 RUNS=3 JOBS=2 SCRATCH=...)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-bench-out/gallery}
CLIPS=${CLIPS:-50}
DISTINCT=${DISTINCT:-10}
RUNS=${RUNS:-3}
JOBS=${JOBS:-$(nproc)}
SCRATCH=${SCRATCH:-.build-bench}

swift build -c release --scratch-path "$SCRATCH" -j 1 --product clipkit >&2
CLIPKIT="$SCRATCH/release/clipkit"
mkdir -p "$WORK/source" "$WORK/clips"

# Heavy synthetic clips, like media-notes §3.1: testsrc2 plus temporal noise, x264 veryfast crf 20,
# B-frames, one keyframe, 121 frames (Ray 2's "5 s"). DISTINCT different ones, copied up to CLIPS files.
for i in $(seq 1 "$DISTINCT"); do
  f="$WORK/source/clip-$i.mp4"
  [ -s "$f" ] || ffmpeg -v error -y -f lavfi -i "testsrc2=s=1280x720:r=24,noise=alls=12:allf=t:all_seed=$i,hue=h=$((i * 36))" \
    -frames:v 121 -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -movflags +faststart "$f"
done
for i in $(seq 1 "$CLIPS"); do
  src="$WORK/source/clip-$(( (i - 1) % DISTINCT + 1 )).mp4"
  dst="$WORK/clips/clip-$(printf %03d "$i").mp4"
  [ -s "$dst" ] || cp "$src" "$dst"
done

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

decode=(); build=(); rerun=()
for r in $(seq 1 "$RUNS"); do
  t0=$(now); for f in "$WORK"/clips/*.mp4; do ffmpeg -v error -i "$f" -f null -; done; t1=$(now)
  decode+=("$(calc "$t1 - $t0")")
  rm -rf "$WORK/site"
  t0=$(now); "$CLIPKIT" gallery "$WORK/clips" -o "$WORK/site" --jobs "$JOBS" >/dev/null; t1=$(now)
  build+=("$(calc "$t1 - $t0")")
  t0=$(now); "$CLIPKIT" gallery "$WORK/clips" -o "$WORK/site" --jobs "$JOBS" >/dev/null; t1=$(now)
  rerun+=("$(calc "$t1 - $t0")")
done
D=$(printf '%s\n' "${decode[@]}" | median)
B=$(printf '%s\n' "${build[@]}" | median)
R=$(printf '%s\n' "${rerun[@]}" | median)

# What a full-content hash would cost on a rerun, against the size+mtime+first/last MiB fingerprint.
t0=$(now); sha256sum "$WORK"/clips/*.mp4 >/dev/null; t1=$(now); H=$(calc "$t1 - $t0")
SIZE=$(du -sh "$WORK/clips" | cut -f1)

printf '\n| Gallery, %d x 5 s 720p clips (%s), median of %d | seconds | ratio |\n|---|---|---|\n' "$CLIPS" "$SIZE" "$RUNS"
printf '| `ffmpeg -i clip -f null -` x %d (full decode, baseline) | %.2f | 1.00 |\n' "$CLIPS" "$D"
printf '| `clipkit gallery DIR -o SITE --jobs %d` (first build) | %.2f | %.2f |\n' "$JOBS" "$B" "$(calc "$B / $D")"
printf '| `clipkit gallery` rerun, nothing changed | %.3f | %.3f |\n' "$R" "$(calc "$R / $D")"
printf '| (`sha256sum` of every clip: a full-content hash would cost) | %.3f | |\n' "$H"
