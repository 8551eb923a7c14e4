#!/usr/bin/env bash
# tests/bench/thumbnail_bench.sh: what review thumbnails (thumbs/<sha256>.jpg, made from the
# picture PDQ already decoded) add to a folder media scan: the trees of provenance_bench.sh (400
# six-megapixel photos; 5,000 tiny JPEGs), `triage scan` with and without --no-thumbnails (the
# best of BENCH_ROUNDS alternating runs; target <= 10%), and the peer an examiner would run for
# the same thumbnails, FFmpeg decoding each photo and writing a 256-pixel JPEG (timed on
# BENCH_PEER files, extrapolated). Not part of the test suite; the machine is shared: read the
# load averages printed.
#   Environment: BENCH_DIR (default /var/tmp/triage-provenance-bench), TRIAGE, BENCH_ROUNDS (3),
#   BENCH_PEER (40).
set -euo pipefail
cd "$(dirname "$0")/../.."
export BENCH_DIR=${BENCH_DIR:-/var/tmp/triage-provenance-bench}
TRIAGE=${TRIAGE:-build/release/cli/triage}
if [[ ! -x $TRIAGE ]]; then cmake --preset release >&2 && cmake --build --preset release -j2 --target triage >&2; fi
BENCH_ONLY_TREES=1 TRIAGE=$TRIAGE tests/bench/provenance_bench.sh
rounds=${BENCH_ROUNDS:-3}
seconds() { local start=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; echo "$(date +%s.%N) - $start" | bc; }
# Each run writes a case directory of its own, all removed at the end: a file system that has just
# deleted thousands of files (ext4 skips inodes freed in the last minute or so when it allocates)
# would charge the next run's thumbnails for that deletion.
trap 'rm -rf "$BENCH_DIR"/thumb-case-*' EXIT
rm -rf "$BENCH_DIR"/thumb-case-*
scan() { local t=$1; shift; "$TRIAGE" scan "$t" --out "$BENCH_DIR/thumb-case-$(date +%s%N)" "$@"; }
best() { printf '%s\n' "$@" | sort -g | head -1; }
peer() {  # FFmpeg: one 256-pixel JPEG per file, on the first BENCH_PEER files of the tree
  local out=$BENCH_DIR/peer-thumbs n=0
  rm -rf "$out" && mkdir -p "$out"
  while IFS= read -r f && ((n < ${BENCH_PEER:-40})); do
    ffmpeg -nostdin -loglevel error -y -i "$f" -vf "scale=256:256:force_original_aspect_ratio=decrease" "$out/$n.jpg"
    n=$((n + 1))
  done < <(find "$1" -name '*.JPG' | sort)
}
compare() {  # compare LABEL TREE FILES
  local with=() without=() w wo p
  for ((r = 0; r < rounds; r++)); do
    without+=("$(seconds scan "$2" --no-thumbnails)")
    with+=("$(seconds scan "$2")")
  done
  w=$(best "${with[@]}")
  wo=$(best "${without[@]}")
  p=$(seconds peer "$2")
  printf '%s, %s JPEGs (best of %s): scan %.2f s, with --no-thumbnails %.2f s: thumbnails add %.1f%% (target <= 10%%); peer FFmpeg thumbnails, %s files in %.2f s: about %.1f s for all\n' \
    "$1" "$3" "$rounds" "$w" "$wo" "$(echo "($w / $wo - 1) * 100" | bc -l)" "${BENCH_PEER:-40}" "$p" \
    "$(echo "$p * $3 / ${BENCH_PEER:-40}" | bc -l)"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
compare "photos (6 MP)" "$BENCH_DIR/photos" "${BENCH_PHOTOS:-400}"
compare "small" "$BENCH_DIR/phone" "${BENCH_JPEGS:-5000}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
