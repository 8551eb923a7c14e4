#!/usr/bin/env bash
# tests/bench/provenance_bench.sh: what provenance (origin rules, camera signals, the device's
# media databases, the indicators decided after the walk) adds to a folder media scan. Not part
# of the test suite. Two phone-like trees spread over camera rolls, messaging folders, downloads
# and an unlisted folder, the iOS camera roll described by a Photos.sqlite:
#   small: BENCH_JPEGS tiny JPEGs (the samples, each made distinct by a JPEG comment; a fraction
#          carry camera EXIF), where the per-item cost of provenance shows most;
#   photos: BENCH_PHOTOS 6-megapixel JPEGs (ffmpeg's testsrc2, a third given camera EXIF with
#          exiftool), what a phone's camera roll holds.
# For each: `triage scan` with and without --no-provenance and with --faces (the best of
# BENCH_ROUNDS alternating runs of each), the share provenance adds (target <= 3%), the share face
# counting adds (on by default only under 10%), and the peer an examiner uses today for the same
# fields, `exiftool -r -fast2 -Make -Model -LensModel -Software`, on the same tree.
# The machine is shared: read the load averages printed.
#   Environment: BENCH_DIR (default /var/tmp/triage-provenance-bench), TRIAGE (default the release
#   build, made when missing), BENCH_JPEGS (5000), BENCH_PHOTOS (400), BENCH_ROUNDS (3),
#   BENCH_ONLY_TREES (set: make the trees and stop).
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_DIR=${BENCH_DIR:-/var/tmp/triage-provenance-bench}
TRIAGE=${TRIAGE:-build/release/cli/triage}
if [[ ! -x $TRIAGE ]]; then cmake --preset release >&2 && cmake --build --preset release -j2 --target triage >&2; fi
jpegs=${BENCH_JPEGS:-5000}
rounds=${BENCH_ROUNDS:-3}
tree=$BENCH_DIR/phone
if [[ ! -s $BENCH_DIR/made-$jpegs ]]; then
  rm -rf "$tree"
  mkdir -p "$tree"
  python3 - "$PWD/samples/evidence" "$tree" "$jpegs" <<'PY'
import os, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
seeds = [open(os.path.join(src, p), 'rb').read() for p in
         ('DCIM/100TEST/IMG_0001.jpg', 'DCIM/100TEST/IMG_0002.jpg', 'Documents/photo.jpg', 'Pictures/holiday-copy.jpg')]
folders = ['private/var/mobile/Media/DCIM/100APPLE', 'sdcard/DCIM/Camera', 'sdcard/WhatsApp/Media/WhatsApp Images',
           'sdcard/WhatsApp/Media/WhatsApp Images/Sent', 'sdcard/Telegram/Telegram Images', 'sdcard/Download',
           'sdcard/Pictures/Screenshots', 'Users/alice/Pictures/Camera Roll', 'Users/alice/Downloads', 'misc/unlisted']
for i in range(n):
    jpeg = seeds[i % len(seeds)]
    comment = ('triage bench %06d' % i).encode()
    data = jpeg[:2] + b'\xff\xfe' + (len(comment) + 2).to_bytes(2, 'big') + comment + jpeg[2:]
    folder = os.path.join(out, folders[i % len(folders)])
    os.makedirs(folder, exist_ok=True)
    open(os.path.join(folder, 'IMG_%05d.JPG' % i), 'wb').write(data)
PY
  touch "$BENCH_DIR/made-$jpegs"
fi
# A Photos.sqlite naming every picture of a tree's iOS camera roll (front and back cameras, an app).
photos_sqlite() {
  local tree=$1 db=$1/private/var/mobile/Media/PhotoData/Photos.sqlite k=0
  rm -f "$db"
  mkdir -p "$(dirname "$db")"
  {
    echo 'CREATE TABLE ZASSET (Z_PK INTEGER PRIMARY KEY, ZDIRECTORY VARCHAR, ZFILENAME VARCHAR);'
    echo 'CREATE TABLE ZADDITIONALASSETATTRIBUTES (Z_PK INTEGER PRIMARY KEY, ZASSET INTEGER, ZIMPORTEDBY INTEGER, ZCREATORBUNDLEID VARCHAR);'
    echo 'BEGIN;'
    for f in "$tree"/private/var/mobile/Media/DCIM/100APPLE/*.JPG; do
      k=$((k + 1))
      echo "INSERT INTO ZASSET VALUES ($k, 'DCIM/100APPLE', '$(basename "$f")');"
      echo "INSERT INTO ZADDITIONALASSETATTRIBUTES VALUES ($k, $k, $((k % 3 + 1)), 'com.apple.camera');"
    done
    echo 'COMMIT;'
  } | sqlite3 "$db"
}
[[ -s $tree/private/var/mobile/Media/PhotoData/Photos.sqlite ]] || photos_sqlite "$tree"
photos=${BENCH_PHOTOS:-400}
ptree=$BENCH_DIR/photos
if [[ ! -s $BENCH_DIR/made-photos-$photos ]]; then
  rm -rf "$ptree" "$BENCH_DIR/frames"
  mkdir -p "$BENCH_DIR/frames"
  ffmpeg -nostdin -loglevel error -f lavfi -i "testsrc2=size=3000x2000:rate=1" -frames:v "$photos" -q:v 3 \
    "$BENCH_DIR/frames/IMG_%05d.JPG"
  i=0
  folders=(private/var/mobile/Media/DCIM/100APPLE sdcard/DCIM/Camera "sdcard/WhatsApp/Media/WhatsApp Images"
           sdcard/Download "Users/alice/Pictures/Camera Roll" misc/unlisted)
  for f in "$BENCH_DIR"/frames/*.JPG; do
    d=$ptree/${folders[$((i % ${#folders[@]}))]}
    mkdir -p "$d"
    mv "$f" "$d/"
    i=$((i + 1))
  done
  find "$ptree" -name '*.JPG' | awk 'NR % 3 == 0' | tr '\n' '\0' |
    xargs -0 exiftool -q -overwrite_original -Make=Apple '-Model=iPhone 12' '-LensModel=iPhone 12 back camera 4.2mm f/1.6'
  photos_sqlite "$ptree"
  touch "$BENCH_DIR/made-photos-$photos"
fi
[[ -z ${BENCH_ONLY_TREES:-} ]] || exit 0  # tests/bench/thumbnail_bench.sh scans the same trees
seconds() { local start=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; echo "$(date +%s.%N) - $start" | bc; }
scan() { local t=$1; shift; rm -rf "$BENCH_DIR/case"; "$TRIAGE" scan "$t" --out "$BENCH_DIR/case" "$@"; }
best() { printf '%s\n' "$@" | sort -g | head -1; }
compare() {  # compare LABEL TREE FILES
  local with=() without=() faces=() w wo f peer
  for ((r = 0; r < rounds; r++)); do
    without+=("$(seconds scan "$2" --no-provenance)")
    with+=("$(seconds scan "$2")")
    faces+=("$(seconds scan "$2" --faces)")
  done
  w=$(best "${with[@]}")
  wo=$(best "${without[@]}")
  f=$(best "${faces[@]}")
  peer=$(seconds exiftool -q -r -fast2 -Make -Model -LensModel -Software "$2")
  printf '%s, %s JPEGs (best of %s): scan %.2f s, with --no-provenance %.2f s: provenance adds %.1f%% (target <= 3%%); peer exiftool -r (the same EXIF fields) %.2f s\n' \
    "$1" "$3" "$rounds" "$w" "$wo" "$(echo "($w / $wo - 1) * 100" | bc -l)" "$peer"
  printf '%s: with --faces %.2f s: faces add %.1f%% to the scan (on by default only if <= 10%%)\n' \
    "$1" "$f" "$(echo "($f / $w - 1) * 100" | bc -l)"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
compare "small" "$tree" "$jpegs"
compare "photos (6 MP)" "$ptree" "$photos"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
