#!/usr/bin/env bash
# tests/bench/report_bench.sh: time and peak memory of rendering a case's outputs, by case size.
#
# README
#   Not part of the test suite (CTest never runs it). Run from anywhere:
#       tests/bench/report_bench.sh
#   It scans the bundled sample evidence once (the README's first command, with --all-files),
#   then, for each size in BENCH_SIZES, grows a copy of that case.db by copying its items
#   (new walk positions; digests, categories, EXIF, matches, video facts and item errors kept,
#   so the copies are more instances of the same media and most are findings; one item in four
#   is given an error row first) until it holds exactly that many items. For each grown case it prints, per output, `triage report --format F`
#   (written to a file): wall seconds, peak RSS (/usr/bin/time -f %M) and the output's size; the
#   rewrite of every output with SHA256SUMS (`triage report --case-ref`); and, as the floor any
#   renderer needs, the sqlite3 shell dumping the same items as JSON (`sqlite3 -json`).
#   Target: a report's memory barely grows with the case: at most 64 bytes of peak RSS per item
#   (the walk positions of its findings and a 32-byte key per medium for the unique counts; the
#   items themselves are read one at a time), printed per output between the smallest and the
#   largest size. The report model that held every item needed about 3.5 KB per item.
#   Time grows with the items.
#   Environment:
#     BENCH_DIR    work folder (default /var/tmp/triage-report-bench; ~3 GB at a million items)
#     TRIAGE       binary (default build/release/cli/triage, built with the release preset if missing)
#     BENCH_SIZES  item counts (default "100000 1000000")
#   Needs sqlite3 and time (Debian packages sqlite3, time).
set -euo pipefail

cd "$(dirname "$0")/../.."
BENCH_DIR=${BENCH_DIR:-/var/tmp/triage-report-bench}
TRIAGE=${TRIAGE:-build/release/cli/triage}
SIZES=${BENCH_SIZES:-100000 1000000}

die() { echo "report-bench: error: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install the Debian package '$2'"; }
need sqlite3 sqlite3
[ -x /usr/bin/time ] || die "/usr/bin/time not found: install the Debian package 'time'"
if [ ! -x "$TRIAGE" ]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target triage >/dev/null
fi
mkdir -p "$BENCH_DIR"

base="$BENCH_DIR/base"
rm -rf "$base"
"$TRIAGE" scan samples/evidence samples/disk/sample-fat12.img --all-files \
  --hashset samples/hashsets/sample-uk.vics.json --hashset samples/hashsets/known-good.rds.db \
  --out "$base" >/dev/null 2>&1 || [ $? -eq 1 ] || die "the base scan failed"
# One item in four gets an error row, as damaged files on a real device do (each item's errors
# are looked up as it is read).
sqlite3 "$base/case.db" "INSERT INTO errors (run_id, seq, item_id, source_index, path, stage, message, is_error)
  SELECT run_id, id, id, source_index, path, 'exif', 'synthetic error row (benchmark)', 1 FROM items WHERE id % 4 = 0"

columns() {  # the columns of table $2 in $1 but those named in $3 (a regex)
  sqlite3 "$1" "SELECT group_concat(name, ',') FROM pragma_table_info('$2')" | tr ',' '\n' | grep -Ev "^($3)\$" |
    paste -sd, -
}

# Adds copies of the first $2 items of case.db $1 (at most doubling it), with their matches,
# video facts and item errors.
grow_items() {
  local db=$1 need=$2 off last icols mcols vcols
  off=$(sqlite3 "$db" "SELECT max(coalesce((SELECT max(id) FROM items), 0), coalesce((SELECT max(seq) FROM errors), 0)) + 1")
  last=$(sqlite3 "$db" "SELECT max(id) FROM (SELECT id FROM items ORDER BY id LIMIT $need)")
  icols=$(columns "$db" items 'id')
  mcols=$(columns "$db" matches 'id|item_id')
  vcols=$(columns "$db" videos 'item_id')
  sqlite3 "$db" "BEGIN;
    INSERT INTO items (id, $icols) SELECT id + $off, $icols FROM items WHERE id <= $last;
    INSERT INTO matches (item_id, $mcols) SELECT item_id + $off, $mcols FROM matches WHERE item_id <= $last;
    INSERT INTO videos (item_id, $vcols) SELECT item_id + $off, $vcols FROM videos WHERE item_id <= $last;
    INSERT INTO errors (run_id, seq, item_id, source_index, path, stage, message, is_error)
      SELECT run_id, seq + $off, item_id + $off, source_index, path, stage, message, is_error FROM errors
      WHERE item_id IS NOT NULL AND item_id <= $last;
    COMMIT;"
}

measure() {  # prints "seconds peak_MB" of the command
  /usr/bin/time -o "$BENCH_DIR/time.txt" -f "%e %M" "$@" >/dev/null 2>"$BENCH_DIR/stderr.txt" ||
    die "failed: $* ($(tail -1 "$BENCH_DIR/stderr.txt"))"
  awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }' "$BENCH_DIR/time.txt"
}

echo "report-bench: load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A first_rss last_rss
first_items='' last_items=
for size in $SIZES; do
  dir="$BENCH_DIR/case-$size"
  rm -rf "$dir" && mkdir -p "$dir" && chmod 700 "$dir"
  cp "$base/case.db" "$dir/case.db"
  while :; do
    items=$(sqlite3 "$dir/case.db" 'SELECT count(*) FROM items')
    [ "$items" -lt "$size" ] || break
    grow_items "$dir/case.db" $(( size - items < items ? size - items : items ))
  done
  errors=$(sqlite3 "$dir/case.db" 'SELECT count(*) FROM errors')
  first_items=${first_items:-$items}
  last_items=$items
  echo
  echo "case of $items items ($errors error rows), case.db $(( $(stat -c %s "$dir/case.db") / 1048576 )) MB"
  printf '%-34s %9s %9s %10s\n' command "wall s" "RSS MB" "output MB"
  read -r s m < <(measure sqlite3 -json "$dir/case.db" "SELECT * FROM items")
  printf '%-34s %9s %9s %10s\n' "floor: sqlite3 -json items" "$s" "$m" "-"
  for f in html json csv vics; do
    read -r s m < <(measure "$TRIAGE" report "$dir" --format "$f" -o "$dir/out.$f")
    printf '%-34s %9s %9s %10s\n' "triage report --format $f" "$s" "$m" "$(( $(stat -c %s "$dir/out.$f") / 1048576 ))"
    first_rss[$f]=${first_rss[$f]:-$m}
    last_rss[$f]=$m
    rm -f "$dir/out.$f"
  done
  read -r s m < <(measure "$TRIAGE" report "$dir" --case-ref BENCH -o /dev/null)
  printf '%-34s %9s %9s %10s\n' "--case-ref: all outputs + html again" "$s" "$m" "-"
  first_rss[all]=${first_rss[all]:-$m}
  last_rss[all]=$m
  (cd "$dir" && sha256sum --quiet -c SHA256SUMS) || die "SHA256SUMS does not match the outputs written"
  rm -f "$dir"/*.csv "$dir"/*.html "$dir"/*.json
done
echo
[ "$last_items" -gt "$first_items" ] || die "BENCH_SIZES needs two sizes, smallest first"
for f in html json csv vics all; do
  awk -v f="$f" -v a="${first_rss[$f]}" -v b="${last_rss[$f]}" -v n=$((last_items - first_items)) \
    'BEGIN { printf "peak RSS growth per item, %-5s %5.1f bytes (target <= 64)\n", f, (b - a) * 1048576 / n }'
done
echo "report-bench: load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
