#!/usr/bin/env bash
# tests/fuzz/run.sh: builds the libFuzzer harnesses (preset fuzz, or FUZZ_PRESET) and runs each for a set time.
#
# README
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     (default: 600 s each, every target)
#   Targets (tests/fuzz/fuzz_targets.h): tsk_source, image_pdq, video, carver, hashset_text,
#   hashset_binary, exif, sniff, evidence_path, archive, device_db (FUZZ_PARALLEL at a time, default one per core).
#   Seeds: the bundled samples, ../shared/corpus (images under 256 KiB; disk images up to 4 MiB,
#   gunzipped, for tsk_source and carver, which libFuzzer cuts to its 1 MiB default max_len),
#   small hash-set files, carving inputs (sample images between filler bytes) and tiny videos
#   (ffmpeg's test pattern in ten containers and codecs) written here; the working corpus grows in
#   $FUZZ_DIR/<target>/ (default /var/tmp/triage-fuzz) and is reused by the next run.
#   A crash, leak, timeout (> 10 s for one input) or out-of-memory (> 2 GB) stops that target,
#   saves the input as tests/fuzz/regressions/<target>/<kind>-<sha1>, and the script fails:
#   fix the bug, keep the file (the normal test suite replays every file there), commit both.
#   Prints executions and corpus size per target. Needs clang and libclang-rt-14-dev.
#   FUZZ_RUNS=N runs N inputs per target instead of a time (image_pdq, video and archive:
#   FUZZ_RUNS_SLOW, default N/3; tsk_source: FUZZ_RUNS_SLOW, default N/8), with a fixed seed (FUZZ_SEED, default 1) and a fresh corpus:
#   the short deterministic form tools/test.sh runs in CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
# Longest first, so that the parallel lanes end together.
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(tsk_source image_pdq video carver archive hashset_text hashset_binary exif sniff evidence_path device_db)
FUZZ_DIR=${FUZZ_DIR:-/var/tmp/triage-fuzz}
FUZZ_RUNS=${FUZZ_RUNS:-}
limit=(-max_total_time="$SECONDS_EACH")
if [[ -n $FUZZ_RUNS ]]; then
  FUZZ_DIR=$(mktemp -d)
  trap 'rm -rf "$FUZZ_DIR"' EXIT
  limit=(-runs="$FUZZ_RUNS" -seed="${FUZZ_SEED:-1}")
fi
corpus=../shared/corpus

# FUZZ_PRESET=asan: the sanitizer tree of tools/test.sh, which builds the harnesses beside the
# tests (one build for both); the fuzz preset is optimised (-O2) for long runs.
preset=${FUZZ_PRESET:-fuzz}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target "${TARGETS[@]/#/fuzz_}" >/dev/null  # only the harnesses run

seed_upto() {  # seed_upto MAX_BYTES TARGET FILES...
  local max=$1 dir=$FUZZ_DIR/$2/seeds
  shift 2
  mkdir -p "$dir"
  for f in "$@"; do
    [[ -f $f && $(stat -c %s "$f") -le $max ]] && cp -f "$f" "$dir/$(sha1sum "$f" | cut -c1-40)"
  done
  return 0
}
seed() { seed_upto 262144 "$@"; }  # seed TARGET FILES...

images=()
while IFS= read -r -d '' f; do images+=("$f"); done < <(find samples/evidence "$corpus/exif-samples" \
  "$corpus/libexif-testdata" "$corpus/pdq-threatexchange/images" -type f -print0 2>/dev/null | sort -z)
seed sniff "${images[@]}"
seed exif "${images[@]}"
seed image_pdq "${images[@]}"

text=$FUZZ_DIR/generated-hashsets
mkdir -p "$text"
printf 'd41d8cd98f00b204e9800998ecf8427e  empty.txt\n' >"$text/md5sum.txt"
printf 'MD5 (empty.txt) = d41d8cd98f00b204e9800998ecf8427e\n' >"$text/md5sum-bsd.txt"
printf '%%%%%%%% HASHDEEP-1.0\n%%%%%%%% size,md5,sha1,filename\n0,d41d8cd98f00b204e9800998ecf8427e,da39a3ee5e6b4b0d3255bfef95601890afd80709,/e\n' >"$text/hashdeep.txt"
printf 'MD5;SHA1;ZZ40;PhotoDNA\nd41d8cd98f00b204e9800998ecf8427e;da39a3ee5e6b4b0d3255bfef95601890afd80709;1;\n' >"$text/icse.csv"
printf '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"\n"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709","D41D8CD98F00B204E9800998ECF8427E","00000000","e",0,1,"WIN",""\n' >"$text/rds2.txt"
printf '"file_id","hashset_id","file_name","directory","hash","file_size","date_modified","time_modified","time_zone","comments","date_accessed","time_accessed"\n1,1,"e","\\\\",D41D8CD98F00B204E9800998ECF8427E,0,,,,,,\n' >"$text/hashkeeper.hsh"
printf 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22 1\n' >"$text/list.pdq"
printf 'd41d8cd98f00b204e9800998ecf8427e\n' >"$text/plain.txt"
seed hashset_text "$text"/* samples/hashsets/sample-uk.vics.json
seed hashset_binary samples/hashsets/known-good.rds.db $(find tests -name '*.hash' 2>/dev/null)

# Disk images: the corpus's small ones (raw, gunzipped; not E01/VHD/VMDK containers, which the
# in-memory image would read as raw bytes) and the bundled FAT12 sample.
disks=$FUZZ_DIR/disk-images
mkdir -p "$disks"
while IFS= read -r -d '' f; do
  name=$(basename "$f" .gz)
  case $name in *.E01 | *.vhd | *.vmdk) continue ;; esac
  [[ -s $disks/$name ]] || { gzip -dcf "$f" | head -c $((4 << 20)) >"$disks/$name"; } || true
done < <(find "$corpus/disk-images/dfir_ntfs" "$corpus/disk-images/dfvfs" "$corpus/disk-images/lde-testdata" \
  -type f -print0 2>/dev/null | sort -z)
seed_upto $((4 << 20)) tsk_source samples/disk/sample-fat12.img "$disks"/*

# Carving inputs: sample JPEG/PNG/GIF whole, cut and back to back between filler bytes, one
# across the 4 KiB window edge the carver harness also uses; and the FAT12 sample image.
carve=$FUZZ_DIR/generated-carve
mkdir -p "$carve"
pics=(samples/evidence/DCIM/100TEST/IMG_0002.jpg samples/evidence/Pictures/bars.gif
  samples/evidence/Pictures/pattern.png samples/evidence/DCIM/100TEST/IMG_0001.jpg)
filler() { head -c "$1" /dev/zero | tr '\0' "$2"; }
{ filler 700 Z; cat "${pics[@]}"; filler 300 Z; } >"$carve/back-to-back.bin"
{ for p in "${pics[@]}"; do filler 1111 '\377'; cat "$p"; done; } >"$carve/ff-filler.bin"
{ filler 3500 A; cat "${pics[0]}"; filler 100 A; } >"$carve/window-edge.bin"
{ head -c 900 "${pics[3]}"; cat "${pics[2]}"; head -c 500 "${pics[1]}"; cat "${pics[0]}"; } >"$carve/cut.bin"
seed_upto $((1 << 20)) carver "$carve"/* "${pics[@]}" samples/disk/sample-fat12.img

# Videos: the bundled sample, the corpus's small one, and tiny generated ones in the containers and
# codecs a seized device holds (Debian's ffmpeg, lavfi test pattern: benign).
vids=$FUZZ_DIR/generated-videos
mkdir -p "$vids"
if command -v ffmpeg >/dev/null; then
  for spec in "mp4 libx264" "mov mjpeg" "avi mpeg4" "mkv libvpx" "webm libvpx-vp9" "3gp h263" "flv flv1" \
    "ts mpeg2video" "wmv wmv2" "mpg mpeg1video"; do
    set -- $spec
    size=32x24
    [[ $2 == h263 ]] && size=128x96  # H.263's smallest picture size
    [[ -s $vids/tiny-$2.$1 ]] || ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi \
      -i "testsrc=size=$size:rate=25:duration=0.4" -c:v "$2" -g 4 "$vids/tiny-$2.$1" || true
  done
fi
# Evidence paths: the kinds outputs show, after a first byte giving the source's length (8).
paths=$FUZZ_DIR/generated-paths
mkdir -p "$paths"
for p in 'disk.E01/p2(ntfs@1048576):/Users/a/x.jpg:Zone.Identifier' 'disk.E01/p1(fat32@32256)/unalloc@786432' \
  'disk.E01/p1(apfs-container@20480)/v1(apfs@24576):/a%3Ab%25' 'disk.E01/unpartitioned@0'; do
  { printf '\010'; printf '%s' "$p"; } >"$paths/$(printf '%s' "$p" | sha1sum | cut -c1-12)"
done
seed evidence_path "$paths"/*

# Archives: the sample files in every format the opener reads, one nested, one encrypted with the
# harness's password, and libarchive's RAR test archives.
arch=$FUZZ_DIR/generated-archives
mkdir -p "$arch"
if [[ ! -s $arch/album.zip ]] && command -v python3 >/dev/null; then
  python3 - samples/evidence "$arch" <<'PY' || true
import io, sys, tarfile, zipfile
src, out = sys.argv[1], sys.argv[2]
names = ['DCIM/100TEST/IMG_0002.jpg', 'Pictures/bars.gif', 'Documents/notes.txt']
with zipfile.ZipFile(out + '/album.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    for n in names: z.write(src + '/' + n, n)
for mode, ext in (('w:gz', 'tar.gz'), ('w:bz2', 'tar.bz2'), ('w:xz', 'tar.xz'), ('w', 'tar')):
    with tarfile.open(out + '/album.' + ext, mode) as t:
        for n in names: t.add(src + '/' + n, n)
inner = io.BytesIO()
with zipfile.ZipFile(inner, 'w') as z: z.write(src + '/' + names[1], names[1])
with zipfile.ZipFile(out + '/nested.zip', 'w') as z: z.writestr('inner.zip', inner.getvalue())
PY
  command -v 7z >/dev/null && (cd samples/evidence && 7z a -bd -tzip -ppassword "$arch/encrypted.zip" Pictures/bars.gif >/dev/null &&
    7z a -bd "$arch/album.7z" Pictures/bars.gif Documents/notes.txt >/dev/null) || true
  command -v zstd >/dev/null && zstd -q -f -o "$arch/album.tar.zst" "$arch/album.tar" || true
  gzip -c samples/evidence/Documents/notes.txt >"$arch/notes.txt.gz" || true
fi
seed_upto $((1 << 20)) archive "$arch"/* tests/fixtures/archives/*.rar

# Device media databases: the fixtures built by SQLite, after the byte that picks the layout
# (0: Photos.sqlite, 1: external.db).
dbs=$FUZZ_DIR/generated-device-db
mkdir -p "$dbs"
if command -v sqlite3 >/dev/null; then
  for sql in tests/fixtures/device_media/*.sql; do
    name=$(basename "$sql" .sql)
    [[ -s $dbs/$name ]] && continue
    rm -f "$dbs/$name.db"
    sqlite3 "$dbs/$name.db" ".read $sql" && { [[ $name == photos* ]] && printf '\000' || printf '\001'; cat "$dbs/$name.db"; } >"$dbs/$name"
    rm -f "$dbs/$name.db"
  done
fi
seed device_db "$dbs"/*

seed_upto $((1 << 20)) video samples/evidence/Videos/clip.mp4 "$corpus/vpdq-threatexchange/videos/test-padded-dimensions.mp4" \
  "$vids"/*

# Leaks inside libtsk itself (tests/lsan.supp says which) are not findings of triage. libtsk is
# built without frame pointers, so with libFuzzer's fast unwinding the stack of what it allocates
# ends at tsk_malloc and cannot be matched to those entries: here every allocation made inside
# libtsk is left out. The asan test suite replays each kept input with full unwinding and the
# precise entries of tests/lsan.supp, so a libtsk handle triage failed to close is still caught.
supp=$FUZZ_DIR/lsan.supp
mkdir -p "$FUZZ_DIR"
{ cat tests/lsan.supp; echo 'leak:libtsk.so'; } >"$supp"
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$supp}

# Each target on its own (deterministic for a fixed seed and number of runs); FUZZ_PARALLEL of them
# at a time (default: one per core), their summaries printed in target order.
run_target() {
  local t=$1 bin=build/$preset/tests/fuzz/fuzz_$1 work=$FUZZ_DIR/$1/corpus out=tests/fuzz/regressions/$1
  local log=$FUZZ_DIR/$1/last.log summary=$FUZZ_DIR/$1/summary started=$SECONDS
  local run_limit=("${limit[@]}")
  # The four whose inputs are whole disk images, pictures, videos and archives (10 to 100 ms per
  # input under the sanitizers, against milliseconds for the others) get a third of the runs, and
  # tsk_source (the slowest, 72 s for 1,000) a fifth, so that the suite's fuzz pass stays within
  # its share of the 20 minutes.
  if [[ -n $FUZZ_RUNS && $t =~ ^(tsk_source|image_pdq|video|archive)$ ]]; then
    local slow=${FUZZ_RUNS_SLOW:-$((FUZZ_RUNS / 3))}
    [[ $t == tsk_source && -z ${FUZZ_RUNS_SLOW:-} ]] && slow=$((FUZZ_RUNS / 8))
    run_limit=(-runs="$slow" -seed="${FUZZ_SEED:-1}")
  fi
  mkdir -p "$work" "$out"
  {
    echo "fuzz: $t (${run_limit[*]})"
    if ! "$bin" "$work" "$FUZZ_DIR/$t/seeds" "${run_limit[@]}" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$out/" -print_final_stats=1 >"$log" 2>&1; then
      echo "fuzz: $t FOUND A PROBLEM (input saved under $out/; log $log):"
      grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5
      touch "$FUZZ_DIR/$t/failed"
    fi
    echo "fuzz: $t: $(grep -m1 -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') executions," \
      "corpus $(ls "$work" | wc -l) inputs, $(grep -m1 'stat::peak_rss_mb' "$log" | awk '{print $2}') MB peak RSS," \
      "$((SECONDS - started)) s"
  } >"$summary"
}
parallel=${FUZZ_PARALLEL:-$(nproc)}
for t in "${TARGETS[@]}"; do rm -f "$FUZZ_DIR/$t/failed"; done
running=0
for t in "${TARGETS[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if ((running >= parallel)); then
    wait -n
    running=$((running - 1))
  fi
done
wait
status=0
for t in "${TARGETS[@]}"; do
  cat "$FUZZ_DIR/$t/summary"
  [[ ! -e $FUZZ_DIR/$t/failed ]] || status=1
done
exit $status
