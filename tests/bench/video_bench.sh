#!/usr/bin/env bash
# tests/bench/video_bench.sh: video frame hashing against FFmpeg's decode-only time, in one run.
#
# README
#   Not part of the test suite (CTest never runs it). Run from anywhere:
#       tests/bench/video_bench.sh
#   1. Generates once (ffmpeg, lavfi testsrc2: a benign test pattern) a 720p H.264 video of
#      BENCH_SECONDS (default 180) at 30 fps, key frame interval 250 (x264's default), CRF 23; and
#      for the recall figures a 60 s Mandelbrot video (320x240, 10 fps), a re-encode of it at
#      another codec, bitrate and size, and a 10 s clip cut from it.
#   2. Times, single-threaded, medians of BENCH_RUNS interleaved runs:
#        decode-only  ffmpeg -threads 1 -i X -f null -              (the yardstick)
#        1 fps        triage hash X --video-fps 1 --jobs 1          target <= 1.1x decode-only
#        key frames   triage hash X --video-keyframes --jobs 1      target >= 5x faster than decode-only
#      (triage hash also computes MD5, SHA-1 and SHA-256 of the file; its decoder runs on one
#      thread, as ffmpeg -threads 1.)
#   3. Recall of key-frame mode against 1 fps mode: known sets made with
#      `triage hash --format vpdq` (1 fps) of the 60 s video and of the clip; then
#      `triage scan --hashset SET --video-fps 1 [--video-keyframes] --format jsonl` of the re-encode
#      (known: the 60 s video) and of the 60 s video (known: the clip); prints each vpdq match's
#      known_percent and seized_percent per mode (match = known_percent >= 80).
#   Environment: BENCH_DIR (default /var/tmp/triage-video-bench, about 100 MB), BENCH_RUNS
#   (default 3), BENCH_SECONDS (default 180), TRIAGE (default build/ci/cli/triage, built if
#   missing). The machine may be shared: read the load averages printed at the start and the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_DIR=${BENCH_DIR:-/var/tmp/triage-video-bench}
RUNS=${BENCH_RUNS:-3}
SECONDS_LONG=${BENCH_SECONDS:-180}
TRIAGE=${TRIAGE:-build/ci/cli/triage}
mkdir -p "$BENCH_DIR"
echo "video-bench: load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ ! -x $TRIAGE ]]; then
  cmake --preset ci >/dev/null
  cmake --build --preset ci --target triage >/dev/null
fi
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

big=$BENCH_DIR/720p-${SECONDS_LONG}s.mp4
if [[ ! -f $big ]]; then
  ff -f lavfi -i "testsrc2=size=1280x720:rate=30" -t "$SECONDS_LONG" -c:v libx264 -preset veryfast -crf 23 \
    -pix_fmt yuv420p "$big.tmp.mp4"
  mv "$big.tmp.mp4" "$big"
fi
rec=$BENCH_DIR/recall
if [[ ! -f $rec/.done ]]; then
  rm -rf "$rec" && mkdir -p "$rec/known" "$rec/reencode" "$rec/long"
  ff -f lavfi -i mandelbrot=size=320x240:rate=10 -t 60 -c:v libx264 -preset ultrafast -pix_fmt yuv420p "$rec/long/base.mp4"
  ff -i "$rec/long/base.mp4" -vf scale=240:180 -c:v mpeg4 -b:v 150k "$rec/reencode/reencoded.mp4"
  ff -ss 20 -i "$rec/long/base.mp4" -t 10 -c:v libx264 -preset ultrafast -pix_fmt yuv420p "$rec/known/clip.mp4"
  touch "$rec/.done"
fi
cat "$big" >/dev/null  # warm the page cache

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() {  # seconds of wall time of "$@", output discarded
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
decode=() fps1=() keys=()
for ((i = 0; i < RUNS; i++)); do
  decode+=("$(timed ffmpeg -nostdin -hide_banner -loglevel error -threads 1 -i "$big" -f null -)")
  fps1+=("$(timed "$TRIAGE" hash "$big" --video-fps 1 --jobs 1)")
  keys+=("$(timed "$TRIAGE" hash "$big" --video-keyframes --jobs 1)")
done
d=$(printf '%s\n' "${decode[@]}" | median)
f=$(printf '%s\n' "${fps1[@]}" | median)
k=$(printf '%s\n' "${keys[@]}" | median)
frames=$("$TRIAGE" hash "$big" --video-keyframes --jobs 1 | grep -c '"frame":' || true)
echo "video-bench: $big ($(stat -c %s "$big") bytes, ${SECONDS_LONG} s at 30 fps), medians of $RUNS runs:"
printf '  %-44s %8.2f s\n' "decode only (ffmpeg -threads 1 -f null)" "$d"
printf '  %-44s %8.2f s   %.3fx decode-only (target <= 1.1x)\n' "triage hash --video-fps 1 --jobs 1" "$f" "$(echo "$f / $d" | bc -l)"
printf '  %-44s %8.2f s   %.1fx faster than decode-only (target >= 5x); %s key frames hashed\n' \
  "triage hash --video-keyframes --jobs 1" "$k" "$(echo "$d / $k" | bc -l)" "$frames"

"$TRIAGE" hash "$rec/long/base.mp4" --format vpdq --jobs 1 >"$rec/long.vpdq"
"$TRIAGE" hash "$rec/known/clip.mp4" --format vpdq --jobs 1 >"$rec/clip.vpdq"
shares() {  # known set, seized folder, extra options: "known_percent seized_percent" of the first vpdq match
  local out=$rec/case-$RANDOM
  "$TRIAGE" scan "$2" --out "$out" --hashset "$1" --video-fps 1 --jobs 1 --format jsonl "${@:3}" 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    o = json.loads(line)
    for m in o.get("matches", []):
        if m["hash_type"] == "vpdq":
            print("%.1f%% known, %.1f%% seized" % (m["known_percent"], m["seized_percent"])); sys.exit()
print("no match")' || true
  rm -rf "$out"
}
echo "video-bench: recall of key-frame mode against 1 fps mode (known video's frames found; match >= 80% known):"
for mode in "" "--video-keyframes"; do
  printf '  %-18s re-encode vs 60 s original: %-28s clip inside the 60 s video: %s\n' "${mode:-1 fps}" \
    "$(shares "$rec/long.vpdq" "$rec/reencode" $mode)" "$(shares "$rec/clip.vpdq" "$rec/long" $mode)"
done
echo "video-bench: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
