#!/usr/bin/env bash
# tests/bench/archive_bench.sh: archives against the same files in a folder. Not part of the
# test suite. Prints
#   1. `triage scan` of 5,000 JPEGs (distinct: each gets its own JPEG comment) in a folder, in a
#      stored ZIP and in a deflated ZIP: seconds and the ratio to the folder (target <= 1.3x);
#      the peer, bsdtar extracting the deflated ZIP to a pipe into sha256sum, for scale;
#   2. a TAR.GZ of about 2 GB (files of incompressible bytes) scanned with --all-files: seconds
#      and peak RSS (target < 300 MB), beside `tar -xzOf | sha256sum` for the same bytes.
# The machine is shared: read the load averages printed.
#   Environment: BENCH_DIR (default /var/tmp/triage-archive-bench), TRIAGE (default the release
#   build, made when missing), BENCH_JPEGS (5000), BENCH_TAR_MB (2048).
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_DIR=${BENCH_DIR:-/var/tmp/triage-archive-bench}
TRIAGE=${TRIAGE:-build/release/cli/triage}
if [[ ! -x $TRIAGE ]]; then cmake --preset release >&2 && cmake --build --preset release -j2 --target triage >&2; fi
mkdir -p "$BENCH_DIR"
jpegs=${BENCH_JPEGS:-5000}
if [[ ! -s $BENCH_DIR/album-deflated.zip ]]; then
  python3 - "$PWD/samples/evidence" "$BENCH_DIR" "$jpegs" <<'PY'
import os, sys, zipfile
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
seeds = [open(os.path.join(src, p), 'rb').read() for p in
         ('DCIM/100TEST/IMG_0001.jpg', 'DCIM/100TEST/IMG_0002.jpg', 'Documents/photo.jpg', 'Pictures/holiday-copy.jpg')]
folder = os.path.join(out, 'folder')
os.makedirs(folder, exist_ok=True)
names = []
for i in range(n):
    jpeg = seeds[i % len(seeds)]
    comment = ('triage bench %06d' % i).encode()
    data = jpeg[:2] + b'\xff\xfe' + (len(comment) + 2).to_bytes(2, 'big') + comment + jpeg[2:]
    name = 'DCIM/%03dTEST/IMG_%05d.jpg' % (100 + i // 1000, i)
    os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
    open(os.path.join(folder, name), 'wb').write(data)
    names.append(name)
for kind, method in (('stored', zipfile.ZIP_STORED), ('deflated', zipfile.ZIP_DEFLATED)):
    with zipfile.ZipFile(os.path.join(out, 'album-%s.zip' % kind), 'w', method) as z:
        for name in names: z.write(os.path.join(folder, name), name)
PY
fi
seconds() { local start=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; echo "$(date +%s.%N) - $start" | bc; }
scan() { rm -rf "$BENCH_DIR/case"; "$TRIAGE" scan "$@" --out "$BENCH_DIR/case"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
folder=$(seconds scan "$BENCH_DIR/folder")
stored=$(seconds scan "$BENCH_DIR/album-stored.zip")
deflated=$(seconds scan "$BENCH_DIR/album-deflated.zip")
peer=$(seconds sh -c "bsdtar -xOf '$BENCH_DIR/album-deflated.zip' | sha256sum")
printf '%s JPEGs: folder %.2f s, stored ZIP %.2f s (%.2fx), deflated ZIP %.2f s (%.2fx); peer bsdtar | sha256sum %.2f s\n' \
  "$jpegs" "$folder" "$stored" "$(echo "$stored / $folder" | bc -l)" "$deflated" "$(echo "$deflated / $folder" | bc -l)" "$peer"

mb=${BENCH_TAR_MB:-2048}
if [[ ! -s $BENCH_DIR/big.tar.gz ]]; then
  python3 - "$BENCH_DIR/big.tar.gz" "$mb" <<'PY'
import io, os, sys, tarfile
out, mb = sys.argv[1], int(sys.argv[2])
with tarfile.open(out, 'w:gz', compresslevel=1) as t:
    for i in range(mb // 64):
        data = os.urandom(64 << 20)
        info = tarfile.TarInfo('data/part-%04d.bin' % i); info.size = len(data)
        t.addfile(info, io.BytesIO(data))
PY
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$BENCH_DIR/case"
/usr/bin/time -f '%e %M' -o "$BENCH_DIR/time.txt" "$TRIAGE" scan "$BENCH_DIR/big.tar.gz" --all-files --out "$BENCH_DIR/case" > /dev/null 2>&1 || true
read -r big_s big_kib < "$BENCH_DIR/time.txt"
peer=$(seconds sh -c "tar -xzOf '$BENCH_DIR/big.tar.gz' | sha256sum")
printf 'TAR.GZ of %s MB (%s bytes compressed): triage --all-files %.2f s, peak RSS %d MB (target < 300); peer tar -xzO | sha256sum %.2f s (%.2fx)\n' \
  "$mb" "$(stat -c %s "$BENCH_DIR/big.tar.gz")" "$big_s" "$((big_kib / 1024))" "$peer" "$(echo "$big_s / $peer" | bc -l)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
