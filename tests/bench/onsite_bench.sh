#!/usr/bin/env bash
# tests/bench/onsite_bench.sh: on-site triage (issue 22). Not part of the test suite.
# Builds a FAT32 disk image of at least 3 GB laid out like a Windows profile: a large
# `Program Files/` tree walked before `Users/` in name order and a large `Windows/` after it
# (20,000 other files, large ones among them), 5,000 JPEGs of 2 megapixels spread over the
# user's folders, 3 alert pictures in Users/alex/Pictures/Camera Roll and 2 in WhatsApp Desktop's
# transfers folder, named in a VICS export with synthetic categories. A second image holds
# every JPEG three times. For each, `triage scan IMAGE --hashset alerts.json --alerts FILE` with
# the source hash on and off prints the time to the first alert and to the fifth (from the
# alerts file's t), the whole scan's time, and the time with `--budget 20s` and what it found.
# Targets: first alert within 5 s and within 10 % of the full scan; --budget 20s finds all 5;
# three copies of every JPEG add less than 15 % to the full scan.
# Each is also run with --no-priorities (plain walk order) for comparison.
#   Environment: BENCH_DIR (default /var/tmp/triage-onsite-bench, about 12 GB), TRIAGE (default
#   the release build, made when missing), BENCH_JPEGS (5000), BENCH_OTHERS (20000),
#   BENCH_BIG_MB (MB of large program files, default 1800).
# Needs dosfstools and mtools (mkfs.fat and mcopy build the file system from a folder: no mount,
# no root; its directories list entries in the order they were added, top-level in name order).
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_DIR=${BENCH_DIR:-/var/tmp/triage-onsite-bench}
TRIAGE=${TRIAGE:-build/release/cli/triage}
if [[ ! -x $TRIAGE ]]; then cmake --preset release >&2 && cmake --build --preset release -j2 --target triage >&2; fi
jpegs=${BENCH_JPEGS:-5000}
others=${BENCH_OTHERS:-20000}
big_mb=${BENCH_BIG_MB:-1800}
mark=$BENCH_DIR/made-fat-$jpegs-$others-$big_mb
mkdir -p "$BENCH_DIR"

make_tree() {  # make_tree DIR COPIES
  /usr/bin/python3 - "$1" "$jpegs" "$others" "$big_mb" "$2" "$BENCH_DIR/alerts.json" <<'PY'
import hashlib, io, json, os, random, sys
from PIL import Image, ImageDraw
out, n_jpegs, n_others, big_mb, copies, alerts_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
rnd = random.Random(22)
def put(rel, data):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f: f.write(data)
# 40 distinct 1600x1200 base pictures (shapes over gradients), each JPEG made distinct by a comment.
bases = []
for b in range(40):
    img = Image.new('RGB', (1600, 1200), (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    d = ImageDraw.Draw(img)
    for _ in range(60):
        x, y = rnd.randrange(1600), rnd.randrange(1200)
        d.ellipse((x, y, x + rnd.randrange(20, 400), y + rnd.randrange(20, 300)),
                  fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    buf = io.BytesIO(); img.save(buf, 'JPEG', quality=85); bases.append(buf.getvalue())
def jpeg(i):
    base, c = bases[i % len(bases)], ('triage onsite bench %06d' % i).encode()
    return base[:2] + b'\xff\xfe' + (len(c) + 2).to_bytes(2, 'big') + c + base[2:]
user = 'Users/alex/'
folders = ['AppData/Local/Temp', 'Desktop', 'Documents/Scans', 'Downloads', 'OneDrive/Pictures',
           'Pictures/Camera Roll', 'Pictures/Saved Pictures', 'Videos/Captures']
for i in range(n_jpegs):
    for c in range(copies):
        put(user + folders[(i + c * 3) % len(folders)] + '/IMG_%05d%s.jpg' % (i, '' if c == 0 else '_%d' % c), jpeg(i))
alerts = []
places = [user + 'Pictures/Camera Roll/WIN_20240101_%02d.jpg' % k for k in range(3)] + \
         [user + 'AppData/Local/Packages/5319275A.WhatsAppDesktop_cv1g1gvanyjgm/LocalState/shared/transfers/IMG-2024-WA%04d.jpg' % k for k in range(2)]
for k, rel in enumerate(places):
    data = jpeg(900000 + k)
    put(rel, data)
    alerts.append({'MediaID': 5001 + k, 'Category': 1 + k % 3, 'MD5': hashlib.md5(data).hexdigest().upper(),
                   'SHA1': hashlib.sha1(data).hexdigest().upper(), 'MediaSize': str(len(data)),
                   'Series': 'SYNTHETIC-ONSITE-BENCH', 'IsPrecategorized': 'true'})
with open(alerts_file, 'w') as f:
    json.dump({'@odata.context': 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media', 'value': alerts}, f)
# Other files: program and system files, large ones (random bytes: not compressible) among them.
big = max(1, big_mb // 45)
for i in range(n_others):
    top = 'Program Files/Vendor%03d/' % (i % 300) if i < n_others * 2 // 5 else 'Windows/System32/sub%03d/' % (i % 400)
    size = 45 << 20 if i % (n_others // big) == 0 else rnd.randrange(1024, 60 << 10)
    put(top + 'file%05d.%s' % (i, rnd.choice(['dll', 'exe', 'dat', 'mui', 'cat'])), rnd.randbytes(size))
PY
}
make_image() {  # make_image TREE IMAGE: FAT32, top-level folders added in name order as NTFS would list them
  local kb
  kb=$(du -sk "$1" | cut -f1)
  rm -f "$2"
  mkfs.fat -C -F 32 -n WINDOWS "$2" "$((kb * 12 / 10 + 65536))" > /dev/null
  (cd "$1" && mcopy -s -m -i "$2" "Program Files" Users Windows ::/)
}
if [[ ! -e $mark ]]; then
  rm -rf "$BENCH_DIR"/tree* "$BENCH_DIR"/*.img "$BENCH_DIR"/made-*
  make_tree "$BENCH_DIR/tree" 1 && make_image "$BENCH_DIR/tree" "$BENCH_DIR/windows.img"
  make_tree "$BENCH_DIR/tree3" 3 && make_image "$BENCH_DIR/tree3" "$BENCH_DIR/windows3.img"
  rm -rf "$BENCH_DIR"/tree*
  touch "$mark"
fi
rm -f "$BENCH_DIR/alerts.db"
"$TRIAGE" hashset import "$BENCH_DIR/alerts.json" --into "$BENCH_DIR/alerts.db" > /dev/null

n=0
run() {  # run IMAGE LABEL [OPTIONS...]: one scan; prints its figures
  local image=$1 label=$2 start end total first fifth found case
  shift 2
  n=$((n + 1))
  case=$BENCH_DIR/case.$n
  rm -rf "$case" "$case.alerts"
  start=$(date +%s.%N)
  "$TRIAGE" scan "$image" --hashset "$BENCH_DIR/alerts.db" --alerts "$case.alerts" --out "$case" "$@" \
    > "$case.out" 2> "$case.err" || true
  end=$(date +%s.%N)
  total=$(echo "$end - $start" | bc -l)
  found=$(wc -l < "$case.alerts" 2>/dev/null || echo 0)
  first=$(/usr/bin/python3 -c 'import json,sys; t=[json.loads(l)["t"] for l in open(sys.argv[1])]; print(min(t) if t else "nan")' "$case.alerts")
  fifth=$(/usr/bin/python3 -c 'import json,sys; t=sorted(json.loads(l)["t"] for l in open(sys.argv[1])); print(t[4] if len(t) >= 5 else "nan")' "$case.alerts")
  printf '%-44s first alert %6s s (%5.1f %% of the scan)  fifth %6s s  whole scan %6.1f s  alerts %s\n' \
    "$label" "$first" "$(echo "$first / $total * 100" | bc -l 2>/dev/null || echo nan)" "$fifth" "$total" "$found"
  eval "total_${label//[^a-z0-9]/_}=$total"
  rm -rf "$case"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image: $(du -h --apparent-size "$BENCH_DIR/windows.img" | cut -f1), $jpegs JPEGs, $others other files, 5 alerts"
sync; cat "$BENCH_DIR/windows.img" > /dev/null  # warm once: the figures are CPU and pipeline work
run "$BENCH_DIR/windows.img" "default"
run "$BENCH_DIR/windows.img" "priorities off" --no-priorities
run "$BENCH_DIR/windows.img" "no source hash" --no-source-hash
run "$BENCH_DIR/windows.img" "no source hash, priorities off" --no-source-hash --no-priorities
run "$BENCH_DIR/windows.img" "budget 20s" --budget 20s
cat "$BENCH_DIR/windows3.img" > /dev/null
run "$BENCH_DIR/windows3.img" "x3 default"
run "$BENCH_DIR/windows3.img" "x3 no source hash" --no-source-hash
run "$BENCH_DIR/windows.img" "no source hash again" --no-source-hash
printf 'three copies of every JPEG add %.1f %% to the scan without the source hash (target < 15 %%; the image grows by the copies, and its hash with it)\n' \
  "$(echo "($total_x3_no_source_hash / ((${total_no_source_hash} + ${total_no_source_hash_again}) / 2) - 1) * 100" | bc -l)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
