#!/usr/bin/env bash
# tests/bench/provenance_bench.sh: what provenance (origin rules, camera signals, the device's
# media databases, the indicators decided after the walk) adds to a folder media scan. Not part
# of the test suite. Prints, for a phone-like tree of JPEGs (distinct: each gets its own JPEG
# comment; a third carry camera EXIF) spread over a camera roll, messaging folders, downloads and
# an unlisted folder, with a Photos.sqlite describing the camera roll:
#   `triage scan` with and without --no-provenance (the best of BENCH_ROUNDS alternating runs of
#   each), the ratio (target <= 1.03x), and the peer an examiner uses today for the same fields,
#   `exiftool -r -fast2 -Make -Model -LensModel -Software`, on the same tree.
# The machine is shared: read the load averages printed.
#   Environment: BENCH_DIR (default /var/tmp/triage-provenance-bench), TRIAGE (default the release
#   build, made when missing), BENCH_JPEGS (5000), BENCH_ROUNDS (3).
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
  # A Photos.sqlite naming every picture of the iOS camera roll (front and back cameras, an app).
  db=$tree/private/var/mobile/Media/PhotoData/Photos.sqlite
  mkdir -p "$(dirname "$db")"
  {
    echo 'CREATE TABLE ZASSET (Z_PK INTEGER PRIMARY KEY, ZDIRECTORY VARCHAR, ZFILENAME VARCHAR);'
    echo 'CREATE TABLE ZADDITIONALASSETATTRIBUTES (Z_PK INTEGER PRIMARY KEY, ZASSET INTEGER, ZIMPORTEDBY INTEGER, ZCREATORBUNDLEID VARCHAR);'
    echo 'BEGIN;'
    k=0
    for f in "$tree"/private/var/mobile/Media/DCIM/100APPLE/*.JPG; do
      k=$((k + 1))
      echo "INSERT INTO ZASSET VALUES ($k, 'DCIM/100APPLE', '$(basename "$f")');"
      echo "INSERT INTO ZADDITIONALASSETATTRIBUTES VALUES ($k, $k, $((k % 3 + 1)), 'com.apple.camera');"
    done
    echo 'COMMIT;'
  } | sqlite3 "$db"
  touch "$BENCH_DIR/made-$jpegs"
fi
seconds() { local start=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; echo "$(date +%s.%N) - $start" | bc; }
scan() { rm -rf "$BENCH_DIR/case"; "$TRIAGE" scan "$tree" --out "$BENCH_DIR/case" "$@"; }
best() { printf '%s\n' "$@" | sort -g | head -1; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
with=() without=()
for ((r = 0; r < rounds; r++)); do
  without+=("$(seconds scan --no-provenance)")
  with+=("$(seconds scan)")
done
w=$(best "${with[@]}")
wo=$(best "${without[@]}")
peer=$(seconds exiftool -q -r -fast2 -Make -Model -LensModel -Software "$tree")
printf '%s JPEGs (best of %s): scan %.2f s, with --no-provenance %.2f s: provenance adds %.1f%% (target <= 3%%); peer exiftool -r (the same EXIF fields) %.2f s\n' \
  "$jpegs" "$rounds" "$w" "$wo" "$(echo "($w / $wo - 1) * 100" | bc -l)" "$peer"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
