#!/usr/bin/env python3
"""ClipKit's benchmark harness: the same inputs through ClipKit and through the reference tools,
interleaved run by run, reported as medians and ratios (ClipKit time / reference time)."""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("--clipkit", required=True)
parser.add_argument("--runs", type=int, default=5)
parser.add_argument("--only", default=None, help="run only the cases whose name contains this")
parser.add_argument("--work", default=None, help="working directory (default: a temporary one)")
args = parser.parse_args()
CK = args.clipkit
work = args.work or tempfile.mkdtemp(prefix="clipkit-bench-")
os.makedirs(work, exist_ok=True)
def path(*p): return os.path.join(work, *p)

def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)

def has_command(name):
    listing = subprocess.run([CK, "--help"], capture_output=True, text=True).stdout
    return any(line.split()[:1] == [name] for line in listing.splitlines())

# Test clips: 1280x720, 24 fps, H.264 with B-frames and one keyframe (x264's default keyint 250), faststart,
# a moving test pattern with temporal noise so the encoder has real work; 121 frames as Ray 2's "5 s".
def make_clip(name, frames=121, size="1280x720"):
    out = path(name)
    if not os.path.exists(out):
        sh(f"ffmpeg -v error -y -f lavfi -i testsrc2=s={size}:r=24 -vf noise=alls=6:allf=t -frames:v {frames} "
           f"-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -movflags +faststart {out}")
    return out

def time_once(cmd, setup=None):
    if setup: sh(setup)
    start = time.perf_counter()
    sh(cmd)
    return time.perf_counter() - start

rows = []
def case(name, ours, references, setup=None, note=""):
    """Runs `ours` and each reference `runs` times, interleaved; records medians."""
    if args.only and args.only not in name: return
    times = {"ours": []}
    for label, _ in references: times[label] = []
    for _ in range(args.runs):
        times["ours"].append(time_once(ours, setup))
        for label, cmd in references:
            times[label].append(time_once(cmd, setup))
    ours_median = statistics.median(times["ours"])
    for label, _ in references:
        ref = statistics.median(times[label])
        rows.append((name, ours_median, label, ref, ours_median / ref, note))
        print(f"  {name}: {ours_median * 1000:.0f} ms vs {label} {ref * 1000:.0f} ms = {ours_median / ref:.2f}x", file=sys.stderr)

clip = make_clip("clip5s.mp4")
clip9 = make_clip("clip9s.mp4", frames=217)
print(f"bench: clips in {work}", file=sys.stderr)

# --- Foundation (issue 2)
case("last-frame, 5 s 720p", f"{CK} last-frame {clip} -o {path('last.png')}", [
    ("ffmpeg -sseof -1 -update 1 (PNG)", f"ffmpeg -v error -y -sseof -1 -i {clip} -update 1 {path('ref-last.png')}"),
    ("ffmpeg full decode -f null", f"ffmpeg -v error -i {clip} -f null -"),
])
case("last-frame, 9 s 720p", f"{CK} last-frame {clip9} -o {path('last9.png')}", [
    ("ffmpeg -sseof -1 -update 1 (PNG)", f"ffmpeg -v error -y -sseof -1 -i {clip9} -update 1 {path('ref-last9.png')}"),
    ("ffmpeg full decode -f null", f"ffmpeg -v error -i {clip9} -f null -"),
])
times10 = [5.0417 * (i + 0.5) / 10 for i in range(10)]
ten_seeks = " && ".join(f"ffmpeg -v error -y -ss {t:.3f} -i {clip} -frames:v 1 {path(f'ref-{i}.jpg')}" for i, t in enumerate(times10))
ten_thumbnailer = " && ".join(f"ffmpegthumbnailer -i {clip} -o {path(f'ft-{i}.jpg')} -s 0 -t {int(100 * (i + 0.5) / 10)}" for i in range(10))
case("thumbs --count 10, 5 s 720p", f"{CK} thumbs {clip} -o {path('thumbs')} --count 10", [
    ("ffmpeg full decode -f null", f"ffmpeg -v error -i {clip} -f null -"),
    ("10 x ffmpeg -ss T -frames:v 1", ten_seeks),
    ("10 x ffmpegthumbnailer -t P%", ten_thumbnailer),
])
many = path("many")
if not os.path.isdir(many):
    os.makedirs(many)
    for i in range(100): shutil.copyfile(clip, os.path.join(many, f"clip{i:03d}.mp4"))
files = " ".join(os.path.join(many, f"clip{i:03d}.mp4") for i in range(100))
case("probe 100 clips (exact frame counts)", f"{CK} probe --json {files}", [
    ("100 x ffprobe -show_format -show_streams", f"for f in {files}; do ffprobe -v error -show_format -show_streams $f; done"),
])

# --- QA (issue 3)
if has_command("check"):
    case("check, 5 s 720p", f"{CK} check {clip}", [
        ("ffmpeg blackdetect,freezedetect", f"ffmpeg -v error -i {clip} -vf blackdetect,freezedetect -f null -"),
    ])
    case("check a directory of 100 clips", f"{CK} check {many}", [
        ("100 x ffmpeg blackdetect,freezedetect", f"for f in {files}; do ffmpeg -v error -i $f -vf blackdetect,freezedetect -f null -; done"),
    ])

# --- Join (issue 5)
if has_command("join"):
    parts = [make_clip(f"part{i}.mp4") for i in range(3)]
    listing = path("list.txt")
    with open(listing, "w") as f:
        for p in parts: f.write(f"file '{p}'\n")
    case("join 3 x 5 s 720p, keep (stream copy)", f"{CK} join {' '.join(parts)} -o {path('joined-keep.mp4')} --seam keep", [
        ("ffmpeg -f concat -c copy", f"ffmpeg -v error -y -f concat -safe 0 -i {listing} -c copy -movflags +faststart {path('ref-keep.mp4')}"),
    ])
    case("join 3 x 5 s 720p, drop seam frames", f"{CK} join {' '.join(parts)} -o {path('joined-drop.mp4')} --seam drop", [
        ("ffmpeg -f concat re-encode (libx264)", f"ffmpeg -v error -y -f concat -safe 0 -i {listing} -c:v libx264 -movflags +faststart {path('ref-drop.mp4')}"),
    ])

# --- Gallery (issue 6)
if has_command("gallery"):
    gallery_in = path("gallery-in")
    if not os.path.isdir(gallery_in):
        os.makedirs(gallery_in)
        for i in range(50): shutil.copyfile(clip, os.path.join(gallery_in, f"clip{i:02d}.mp4"))
    gfiles = " ".join(os.path.join(gallery_in, f"clip{i:02d}.mp4") for i in range(50))
    site = path("site")
    case("gallery of 50 clips, from scratch", f"{CK} gallery {gallery_in} -o {site}", [
        ("50 x ffmpeg full decode -f null", f"for f in {gfiles}; do ffmpeg -v error -i $f -f null -; done"),
    ], setup=f"rm -rf {site}")
    sh(f"{CK} gallery {gallery_in} -o {site}")
    case("gallery of 50 clips, unchanged rerun", f"{CK} gallery {gallery_in} -o {site}", [
        ("50 x ffmpeg full decode -f null", f"for f in {gfiles}; do ffmpeg -v error -i $f -f null -; done"),
    ])

# --- Download (issue 4)
if has_command("download"):
    big = path("download.bin")
    if not os.path.exists(big):
        with open(big, "wb") as f: f.write(os.urandom(64 * 1024 * 1024))
    server = subprocess.Popen([sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", work],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = server.stdout.readline().split("port ")[1].split(" ")[0]
    url = f"http://127.0.0.1:{port}/download.bin"
    try:
        case("download 64 MiB over loopback", f"{CK} download {url} -o {path('dl.bin')}", [
            ("curl -o", f"curl -sf -o {path('dl-curl.bin')} {url}"),
        ], setup=f"rm -f {path('dl.bin')} {path('dl-curl.bin')}")
    finally:
        server.terminate()

print(f"\nClipKit benchmark: median of {args.runs} runs, interleaved; ratio = ClipKit / reference (below 1 is faster).\n")
print("| task | ClipKit | reference | reference time | ratio |")
print("|---|---:|---|---:|---:|")
for name, ours, label, ref, ratio, note in rows:
    print(f"| {name} | {ours * 1000:.0f} ms | {label} | {ref * 1000:.0f} ms | **{ratio:.2f}x** |")
