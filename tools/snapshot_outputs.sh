#!/usr/bin/env bash
# tools/snapshot_outputs.sh TRIAGE OUT_DIR: every case output of a fixed set of scans, with the run
# block masked, so that two builds can be compared byte for byte (`diff -r A B`): a refactoring
# must change no output.
#
# Scans (each into /tmp/triage-snapshot/cases/<name>, the same paths for every build, so command
# lines and evidence paths agree): the bundled sample evidence against the bundled hash sets;
# the bundled FAT12 image; every disk image of ../shared/corpus/disk-images with --all-files;
# a folder of 10,000 small files (generated, fixed times). Kept per case: items.csv, report.html,
# report.json, export.vics.json, the JSON Lines stream, and case.db as SQL text (sqlite3 .dump).
# Masked: the values that differ between two runs of the same build (the run's start and end,
# the raw exports' import times, the tool version and git commit), found in case.db and replaced
# wherever they appear. Needs sqlite3.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 TRIAGE OUT_DIR" >&2; exit 2; }
out=$(realpath -m "$2")
cd "$(dirname "$0")/.."
root=$PWD
work=/tmp/triage-snapshot
rm -rf "$work/cases" "$out"
mkdir -p "$work/cases" "$work/inputs" "$out"
# The binary runs from one path whatever build it is, so the recorded command lines agree.
triage=$work/triage
cp "$1" "$triage"

if [[ ! -f $work/inputs/many/.done ]]; then
  rm -rf "$work/inputs/many"
  python3 - "$work/inputs/many" <<'PY'
import os, sys
root = sys.argv[1]
for i in range(10000):
    d = os.path.join(root, f"d{i % 100:02d}")
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, f"f{i:05d}.txt")
    with open(p, "w") as f:
        f.write(f"file {i}\n" * (i % 7 + 1))
    os.utime(p, (1700000000 + i, 1700000000 + i))
open(os.path.join(root, ".done"), "w").close()
PY
fi
images=()
if [[ -d ../shared/corpus/disk-images ]]; then
  mkdir -p "$work/inputs/corpus"
  for f in ../shared/corpus/disk-images/*/*; do
    name=$(basename "$(dirname "$f")")_$(basename "$f" .gz)
    [[ -f $work/inputs/corpus/$name ]] || { if [[ $f == *.gz ]]; then gunzip -c "$f" > "$work/inputs/corpus/$name"; else cp "$f" "$work/inputs/corpus/$name"; fi; }
    [[ $name == *splitraw.001 ]] || images+=("$work/inputs/corpus/$name")
  done
else
  echo "snapshot: no ../shared/corpus: corpus images left out" >&2
fi

scan() {  # scan NAME ARGS...
  local name=$1
  shift
  "$triage" scan "$@" --out "$work/cases/$name" --format jsonl > "$work/cases/$name.jsonl" 2>/dev/null || true
  local case=$work/cases/$name dest=$out/$name
  mkdir -p "$dest"
  [[ -f $case/case.db ]] || { echo "no case" > "$dest/missing"; return; }
  # The outputs table holds digests of the unmasked outputs, which are compared themselves.
  sqlite3 "$case/case.db" .dump | grep -v '^INSERT INTO outputs VALUES' > "$dest/case.sql"
  cp "$case.jsonl" "$dest/stream.jsonl"
  for f in items.csv report.html report.json export.vics.json; do [[ -f $case/$f ]] && cp "$case/$f" "$dest/$f"; done
  # The run's own values, as recorded, masked wherever they appear.
  local masks
  masks=$(sqlite3 -separator $'\n' "$case/case.db" \
    "SELECT started_utc, coalesce(ended_utc, ''), tool_version, git_commit FROM runs;
     SELECT imported_utc FROM hash_sets;" 2>/dev/null | grep -v '^$' | sort -u || true)
  local expr=()
  while IFS= read -r m; do
    [[ -n $m ]] && expr+=(-e "s|$(printf '%s' "$m" | sed 's/[.[\*^$|]/\\&/g')|<masked>|g")
  done <<< "$masks"
  ((${#expr[@]})) && sed -i "${expr[@]}" "$dest"/*
  return 0
}

scan sample "$root/samples/evidence" --hashset "$root/samples/hashsets/sample-uk.vics.json" \
  --hashset "$root/samples/hashsets/known-good.rds.db" --case-ref SNAP-1 --examiner "Snapshot <test>"
scan sample-disk "$root/samples/disk/sample-fat12.img"
scan many "$work/inputs/many" --all-files
for image in "${images[@]}"; do
  scan "corpus-$(basename "$image")" "$image" --all-files
done
echo "snapshot: $(ls "$out" | wc -l) cases in $out" >&2
