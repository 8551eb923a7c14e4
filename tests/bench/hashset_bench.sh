#!/usr/bin/env bash
# tests/bench/hashset_bench.sh: `triage hashset import` on large synthetic exports.
#
# README
#   Not part of the test suite (CTest never runs it). Run from anywhere:
#       tests/bench/hashset_bench.sh
#   It generates, once, two synthetic hash sets of BENCH_RECORDS records each (random hashes,
#   made-up categories; nothing is downloaded):
#     1. a VICS 2.0 JSON export ({"@odata.context": ".../2.0.xml/Default/$metadata#Media",
#        "value": [Media...]}, one Media per line, MD5 + SHA1 + SHA256 in AlternativeHashes, flags,
#        MediaFiles), about 400 bytes a record (4 GB at 10,000,000);
#     2. an NSRL RDS v3 SQLite database (FILE with upper-case hex, PKG with 1,000 products,
#        VERSION), made with the sqlite3 CLI;
#   then imports each into a new HASHSET.db and prints, per input: seconds, MB/s of input, peak
#   RSS (/usr/bin/time -f %M) and the size of HASHSET.db; for the VICS export also the parser alone
#   (`import --check`: read and check, nothing written). Targets: VICS JSON >= 150 MB/s, peak
#   RSS <= 1 GB.
#   Environment:
#     BENCH_DIR      work folder (default /var/tmp/triage-hashset-bench; about 10 GB at 10M records;
#                    inputs are kept and reused while their marker matches, delete to regenerate)
#     TRIAGE         binary (default build/release/cli/triage, built with the release preset if missing)
#     BENCH_RECORDS  records per input (default 10000000)
#     BENCH_INPUTS   "vics rds" (default) or either alone
#   Needs python3, sqlite3 and time (Debian packages python3, sqlite3, time).
#   The page cache is warmed by one read of each input first; read the load averages printed at
#   the start and the end before trusting the figures on a shared machine ("CPU s" is the import's
#   user + system time: with two cores and a loaded machine, wall time says more about the load).
set -euo pipefail

cd "$(dirname "$0")/../.."
BENCH_DIR=${BENCH_DIR:-/var/tmp/triage-hashset-bench}
TRIAGE=${TRIAGE:-build/release/cli/triage}
N=${BENCH_RECORDS:-10000000}
INPUTS=${BENCH_INPUTS:-vics rds}

die() { echo "hashset-bench: error: $*" >&2; exit 1; }
note() { echo "hashset-bench: $*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install the Debian package '$2'"; }
need python3 python3
need sqlite3 sqlite3
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found: install the Debian package 'time'"

if [[ ! -x $TRIAGE ]]; then
  [[ $TRIAGE == build/release/cli/triage ]] || die "TRIAGE=$TRIAGE is not an executable"
  note "building $TRIAGE (release preset)"
  cmake --preset release >&2 && cmake --build --preset release -j2 --target triage >&2 || die "release build failed"
fi
mkdir -p "$BENCH_DIR"
vics=$BENCH_DIR/vics-2.0-$N.json
rds=$BENCH_DIR/rds3-$N.db

inputs=()
[[ $INPUTS == *vics* ]] && inputs+=("$vics")
[[ $INPUTS == *rds* ]] && inputs+=("$rds")

if [[ $INPUTS == *vics* ]] && [[ ! -s $vics || ! -f $vics.done ]]; then
  note "generating $vics ($N records)"
  python3 - "$vics" "$N" <<'PY'
import hashlib, sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w", buffering=1 << 22) as out:
    out.write('{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media",\n"value":[\n')
    parts = []
    for i in range(n):
        seed = i.to_bytes(8, "little")
        md5 = hashlib.md5(seed).hexdigest().upper()
        sha1 = hashlib.sha1(seed).hexdigest().upper()
        sha256 = hashlib.sha256(seed).hexdigest().upper()
        flag = "true" if i % 7 == 0 else "false"
        parts.append(
            f'{{"MediaID":{i + 1},"Category":{i % 4},"MD5":"{md5}","SHA1":"{sha1}","MediaSize":{1000 + i % 100000},'
            f'"IsDistributed":{flag},"VictimIdentified":false,"OffenderIdentified":"false","IsPrecategorized":true,'
            f'"AlternativeHashes":[{{"HashName":"SHA256","HashValue":"{sha256}"}}],'
            f'"MediaFiles":[{{"FileName":"synthetic{i}.jpg","FilePath":"x/y"}}]}}')
        if len(parts) == 10000:
            out.write(",\n".join(parts))
            out.write(",\n" if i + 1 < n else "\n")
            parts = []
    if parts:
        out.write(",\n".join(parts) + "\n")
    out.write("]}\n")
PY
  touch "$vics.done"
fi

if [[ $INPUTS == *rds* ]] && [[ ! -s $rds || ! -f $rds.done ]]; then
  note "generating $rds ($N rows)"
  rm -f "$rds"
  sqlite3 "$rds" > /dev/null <<SQL
PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
CREATE TABLE VERSION (version TEXT, build_set TEXT, build_date TEXT, release_date TEXT, description TEXT);
INSERT INTO VERSION VALUES ('2099.01.1', 'synthetic', '2099-01-01', '2099-01-01', 'triage benchmark');
CREATE TABLE PKG (package_id INTEGER PRIMARY KEY, name TEXT, version TEXT, operating_system_id INTEGER,
  manufacturer_id INTEGER, language TEXT, application_type TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000)
  INSERT INTO PKG SELECT x, 'Product ' || x, '1.' || (x % 10), 1, 1, 'English', 'Synthetic' FROM c;
CREATE TABLE FILE (sha256 TEXT NOT NULL, sha1 TEXT NOT NULL, md5 TEXT NOT NULL, crc32 TEXT, file_name TEXT NOT NULL,
  file_size INTEGER NOT NULL, package_id INTEGER NOT NULL);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $N)
  INSERT INTO FILE SELECT upper(hex(randomblob(32))), upper(hex(randomblob(20))), upper(hex(randomblob(16))),
    'ABCD1234', 'file' || x || '.dll', x % 100000, x % 1000 + 1 FROM c;
COMMIT;
SQL
  touch "$rds.done"
fi

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %12s %9s %9s %12s %14s %9s\n' input "input bytes" seconds "MB/s" "peak RSS MB" "HASHSET.db MB" "CPU s"
for input in "${inputs[@]}"; do
  cat "$input" > /dev/null  # warm the page cache
  db=$BENCH_DIR/HASHSET-$(basename "$input").db
  rm -f "$db" "$db-journal"
  /usr/bin/time -f "%e %M %U %S" -o "$BENCH_DIR/time.txt" "$TRIAGE" hashset import "$input" --into "$db" \
    > "$BENCH_DIR/import.out" 2> "$BENCH_DIR/import.err" || {
    cat "$BENCH_DIR/import.err" >&2
    die "import of $input failed"
  }
  read -r secs rss_kb user_s sys_s < "$BENCH_DIR/time.txt"
  bytes=$(stat -c %s "$input")
  dbbytes=$(stat -c %s "$db")
  awk -v name="$(basename "$input")" -v b="$bytes" -v s="$secs" -v r="$rss_kb" -v d="$dbbytes" -v u="$user_s" -v y="$sys_s" \
    'BEGIN { printf "%-34s %12.0f %9.1f %9.1f %12.0f %14.0f %9.1f\n", name, b, s, b / 1e6 / s, r / 1024, d / 1e6, u + y }'
  sed 's/^/  /' "$BENCH_DIR/import.out"
  if [[ $input == "$vics" ]]; then  # the parser alone: --check reads and checks, writes nothing
    /usr/bin/time -f "%e %M" -o "$BENCH_DIR/time.txt" "$TRIAGE" hashset import --check "$input" > /dev/null
    read -r secs rss_kb < "$BENCH_DIR/time.txt"
    awk -v name="  (parse only: --check)" -v b="$bytes" -v s="$secs" -v r="$rss_kb" \
      'BEGIN { printf "%-34s %12.0f %9.1f %9.1f %12.0f %14s\n", name, b, s, b / 1e6 / s, r / 1024, "-" }'
  fi
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
