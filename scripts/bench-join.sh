#!/usr/bin/env bash
# Times `clipkit join` against the ffmpeg CLI on three 5 s 720p H.264 clips (issue 5's speed targets):
#   keep  vs  ffmpeg -f concat -safe 0 -i list.txt -c copy
#   drop  vs  ffmpeg -f concat -safe 0 -i list.txt -c:v libx264   (a full re-encode)
# Builds release, generates its clips with the ffmpeg CLI (benchmark only), prints medians and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${SCRATCH:-.build-release}"
runs="${RUNS:-5}"
swift build -c release --scratch-path "$scratch" --product clipkit >/dev/null
clipkit="$scratch/release/clipkit"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for i in 0 1 2; do
    ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=24,noise=alls=6:allf=t" -frames:v 121 \
        -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -colorspace bt709 -color_primaries bt709 \
        -color_trc bt709 -movflags +faststart "$work/clip$i.mp4"
    echo "file 'clip$i.mp4'" >>"$work/list.txt"
done
clips=("$work/clip0.mp4" "$work/clip1.mp4" "$work/clip2.mp4")

# median wall time in seconds of `runs` runs of a command
median() {
    local n=$1
    shift
    for _ in $(seq "$n"); do
        local start end
        start=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s.%N)
        echo "$end - $start" | bc -l
    done | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}

copy_ff=$(median "$runs" ffmpeg -v error -y -f concat -safe 0 -i "$work/list.txt" -c copy -movflags +faststart "$work/ff_copy.mp4")
copy_ck=$(median "$runs" "$clipkit" join "${clips[@]}" -o "$work/ck_keep.mp4" --seam keep --no-report)
drop_ff=$(median 1 ffmpeg -v error -y -f concat -safe 0 -i "$work/list.txt" -c:v libx264 -movflags +faststart "$work/ff_re.mp4")
drop_ck=$(median 1 "$clipkit" join "${clips[@]}" -o "$work/ck_drop.mp4" --seam drop --no-report)
drop_ck_report=$(median 1 "$clipkit" join "${clips[@]}" -o "$work/ck_drop.mp4" --seam drop)

printf '| operation | clipkit (s) | ffmpeg CLI (s) | ratio |\n|---|---|---|---|\n'
printf '| join keep, 3x5 s 720p (vs concat -c copy) | %s | %s | %.2fx |\n' "$copy_ck" "$copy_ff" "$(echo "$copy_ck / $copy_ff" | bc -l)"
printf '| join drop, 3x5 s 720p (vs concat -c:v libx264) | %s | %s | %.2fx |\n' "$drop_ck" "$drop_ff" "$(echo "$drop_ck / $drop_ff" | bc -l)"
printf '| join drop + seam report | %s | %s | %.2fx |\n' "$drop_ck_report" "$drop_ff" "$(echo "$drop_ck_report / $drop_ff" | bc -l)"
