#!/usr/bin/env bash
# tests/bench/run.sh: triage against its peer tools (hashdeep, exiftool), measured in one run.
#
# README
#   Not part of the test suite (CTest never runs it). Run from anywhere:
#       tests/bench/run.sh
#   It builds a corpus once, warms the page cache, times each command BENCH_RUNS times (median)
#   and prints a table of triage against its peers with the ratio and the target:
#     1. large files  triage hash BIG1 BIG2 BIG3 --format jsonl
#                     vs hashdeep -c md5,sha1,sha256 BIG1 BIG2 BIG3          MB/s     target >= 2.0x
#     2. small files  triage scan JPEG_DIR --out NEW --all-files --no-pdq --format jsonl
#                     vs hashdeep -c md5,sha1,sha256 -r JPEG_DIR              files/s  target >= 1.5x
#     3. media scan   triage scan JPEG_DIR --out NEW --no-pdq   (digests + EXIF)
#                     vs hashdeep (as in 2) + exiftool -json -r JPEG_DIR      files/s  target >= 3.0x
#     4. default scan triage scan JPEG_DIR --out NEW   (digests + EXIF + PDQ of every image)
#                     vs the same peers, for reference (they compute no perceptual hash)  no target
#   Environment:
#     BENCH_DIR    work folder (default /var/tmp/triage-bench; about 10 GB; the corpus is kept and
#                  reused while its marker file matches, delete the folder to regenerate)
#     TRIAGE       binary (default build/release/cli/triage, built with the release preset if missing)
#     BENCH_RUNS   runs per measurement, odd (default 3)
#     BENCH_PDQ    0 to skip measurement 4 (default 1)
#     BENCH_FILES  number of JPEGs (default 2400), BENCH_BIG_MB size of each big file (default 512)
#   Needs the Debian packages hashdeep, libimage-exiftool-perl, ffmpeg and time.
#   Caches are not dropped (not a fair thing to do on a shared machine): every tool runs on a warm
#   page cache after one read of the whole corpus, so this measures CPU and pipeline work, not the
#   disk. Runs of the tools are interleaved so that a change of load hits all of them alike; still,
#   read the load averages printed at the start and the end before trusting the figures.
#   Both sides run with their default thread counts (hashdeep: one per core; triage: one per core).
set -euo pipefail

cd "$(dirname "$0")/../.."
repo_root=$(pwd)

BENCH_DIR=${BENCH_DIR:-/var/tmp/triage-bench}
TRIAGE=${TRIAGE:-build/release/cli/triage}
RUNS=${BENCH_RUNS:-3}
N_FILES=${BENCH_FILES:-2400}
BIG_MB=${BENCH_BIG_MB:-512}
BENCH_PDQ=${BENCH_PDQ:-1}   # 0 skips measurement 4 (the default scan with PDQ, the slowest)
FILES_PER_FOLDER=200

die() { echo "bench: error: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

(( RUNS >= 1 && RUNS % 2 == 1 )) || die "BENCH_RUNS must be odd (median), got $RUNS"
(( N_FILES >= 2000 )) || note "BENCH_FILES=$N_FILES is below the 2,000 the issue asks for"

# --- peers and helpers -------------------------------------------------------------------------
need() { # command, Debian package
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install the Debian package '$2' (sudo apt-get install $2)"
}
need hashdeep hashdeep
need exiftool libimage-exiftool-perl
need ffmpeg ffmpeg
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found: install the Debian package 'time'"

# --- triage binary -----------------------------------------------------------------------------
if [[ ! -x $TRIAGE ]]; then
  [[ $TRIAGE == build/release/cli/triage ]] || die "TRIAGE=$TRIAGE is not an executable"
  need cmake cmake
  note "building $TRIAGE (release preset)"
  if ! { cmake --preset release >&2 && cmake --build --preset release >&2; }; then
    die "release build failed (if someone is mid-edit, wait a few minutes and run again)"
  fi
fi
TRIAGE=$(realpath "$TRIAGE")

# --- corpus ------------------------------------------------------------------------------------
corpus=$BENCH_DIR/corpus
jpeg_dir=$corpus/jpeg   # cardN/DCIM/1nnXXXXX/IMG_nnnn.JPG
big_dir=$corpus/big     # big1.bin .. big3.bin
marker=$BENCH_DIR/.corpus-complete
# The marker holds the parameters, so a change of them regenerates instead of reusing a stale corpus.
corpus_id="v2 files=$N_FILES big_mb=$BIG_MB per_folder=$FILES_PER_FOLDER"

# Base images: width height make model date lat lon alt. 0.3 MP to 12 MP, like a mix of phones and
# cameras; the content is smooth shading plus noise, so JPEG sizes are those of real photos
# (about 3.8 MB at 12 MP; pure noise gave 8 MB, twice a phone's, and overweighted digests).
bases=(
  "640 480 Canon|Canon_PowerShot_A95 2012:05:01_09:12:30 48.8584 2.2945 35"
  "1024 768 Apple|iPhone_4 2013:07:14_16:45:02 51.5007 -0.1246 12"
  "1600 1200 NIKON_CORPORATION|NIKON_COOLPIX_P7000 2015:03:22_11:03:47 40.6892 -74.0445 5"
  "2048 1536 samsung|SM-G930F 2017:08:09_19:27:55 -33.8568 151.2153 8"
  "2592 1944 Apple|iPhone_6s 2018:12:24_08:15:00 35.6586 139.7454 40"
  "3264 2448 SONY|ILCE-6000 2020:02:29_13:59:59 -22.9519 -43.2105 700"
  "3648 2736 Canon|Canon_EOS_7D 2022:06:30_21:40:11 55.7539 37.6208 150"
  "4000 3000 NIKON_CORPORATION|NIKON_D850 2024:10:05_07:05:05 64.1466 -21.9426 20"
)

generate_corpus() {
  # About 8 GB of JPEGs plus the big files: refuse early rather than fill a shared disk.
  local need_mb=$(( N_FILES * 4 + 3 * BIG_MB + 1024 ))
  local avail_mb
  avail_mb=$(df -Pm "$BENCH_DIR" | awk 'NR==2 {print $4}')
  (( avail_mb > need_mb )) || die "$BENCH_DIR has $avail_mb MB free, the corpus needs about $need_mb MB"

  note "generating the corpus in $corpus (once; reused while $marker matches)"
  rm -rf "$corpus" "$BENCH_DIR/bases"
  mkdir -p "$jpeg_dir" "$big_dir" "$BENCH_DIR/bases"

  local i=0 b w h mk date lat lon alt make model base
  for b in "${bases[@]}"; do
    read -r w h mk date lat lon alt <<<"$b"
    make=${mk%%|*}; make=${make//_/ }
    model=${mk#*|}; model=${model//_/ }
    base=$BENCH_DIR/bases/base$i.jpg
    ffmpeg -v error -y -f lavfi -i "nullsrc=s=${w}x${h},geq=lum='128+70*sin(X/97)*cos(Y/83)+random(1)*40':cb=128:cr=128" \
      -frames:v 1 -q:v 3 "$base"
    # Camera-like EXIF, so the EXIF readers of both sides have real work to do.
    exiftool -q -overwrite_original \
      "-Make=$make" "-Model=$model" "-DateTimeOriginal=${date/_/ }" "-CreateDate=${date/_/ }" \
      "-GPSLatitude=${lat#-}" "-GPSLatitudeRef=$([[ $lat == -* ]] && echo S || echo N)" \
      "-GPSLongitude=${lon#-}" "-GPSLongitudeRef=$([[ $lon == -* ]] && echo W || echo E)" \
      "-GPSAltitude=$alt" "-GPSAltitudeRef=0" "-Orientation#=1" "$base"
    i=$(( i + 1 ))
  done

  # Copies of the bases, each with a few unique bytes after the JPEG EOI so every digest differs
  # (the bytes after EOI are ignored by decoders and EXIF readers).
  local n dir
  for (( n = 0; n < N_FILES; n++ )); do
    dir=$jpeg_dir/card$(( n / (FILES_PER_FOLDER * 6) + 1 ))/DCIM/$(( 100 + n / FILES_PER_FOLDER % 6 ))BENCH
    [[ -d $dir ]] || mkdir -p "$dir"
    cp "$BENCH_DIR/bases/base$(( n % ${#bases[@]} )).jpg" "$dir/IMG_$(printf %05d "$n").JPG"
    printf 'triage-bench-%08d\n' "$n" >>"$dir/IMG_$(printf %05d "$n").JPG"
  done

  # Large files: incompressible random data, so only the digest throughput counts.
  for i in 1 2 3; do
    head -c "$(( BIG_MB * 1024 * 1024 ))" /dev/urandom >"$big_dir/big$i.bin"
  done
  echo "$corpus_id" >"$marker"
}

mkdir -p "$BENCH_DIR"
if [[ -f $marker && $(cat "$marker") == "$corpus_id" ]]; then
  note "reusing the corpus in $corpus"
else
  rm -f "$marker"
  generate_corpus
fi

bigs=("$big_dir"/big1.bin "$big_dir"/big2.bin "$big_dir"/big3.bin)
n_jpeg=$(find "$jpeg_dir" -type f | wc -l)
jpeg_bytes=$(find "$jpeg_dir" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s}')
big_bytes=$(stat -c %s "${bigs[@]}" | awk '{s += $1} END {printf "%.0f", s}')
(( n_jpeg == N_FILES )) || die "corpus has $n_jpeg JPEGs, expected $N_FILES: delete $BENCH_DIR and rerun"

# --- warm-up -----------------------------------------------------------------------------------
# Caches are not dropped; one read of everything puts the whole corpus in the page cache so every
# tool, first run included, starts from the same warm state. Warn if it cannot fit.
mem_avail_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
if (( (jpeg_bytes + big_bytes) / 1024 > mem_avail_kb * 9 / 10 )); then
  note "warning: the corpus ($(( (jpeg_bytes + big_bytes) >> 20 )) MiB) may not fit in the page cache (${mem_avail_kb} KiB available); figures will include disk reads"
fi
note "warm-up: reading the corpus once (cat >/dev/null)"
find "$corpus" -type f -print0 | xargs -0 cat >/dev/null

# --- measuring ---------------------------------------------------------------------------------
out=$BENCH_DIR/out   # case directories, captured stdout and stderr of every run
rm -rf "$out"; mkdir -p "$out"
declare -A secs rss  # key "name run" -> elapsed seconds / peak RSS in KB

# timed NAME RUN CMD...: runs CMD under /usr/bin/time with stdout to $out/NAME.RUN.out. Stdout
# goes to a file rather than /dev/null (a few MB at most) so the results can be checked below.
timed() {
  local name=$1 run=$2; shift 2
  local tf=$out/$name.$run.time
  if ! /usr/bin/time -f "%e %M" -o "$tf" "$@" >"$out/$name.$run.out" 2>"$out/$name.$run.err"; then
    tail -n 5 "$out/$name.$run.err" >&2
    die "'$*' failed ($(head -n 1 "$tf")); see $out/$name.$run.err"
  fi
  read -r secs["$name $run"] rss["$name $run"] < <(tail -n 1 "$tf")
  note "  $(printf '%-13s run %d: %7.2f s  %8d KB' "$name" "$run" "${secs["$name $run"]}" "${rss["$name $run"]}")"
}

echo "== triage benchmark  $(date -u +%FT%TZ)  $(nproc) cores  $("$TRIAGE" --version 2>/dev/null | head -n 1 || echo '?')"
echo "   load at start:$(uptime | sed 's/.*load average/ load average/')"
echo "   corpus: $n_jpeg JPEGs ($(( jpeg_bytes / 1000000 )) MB) in $jpeg_dir, 3 x $(( BIG_MB ))MiB in $big_dir"
echo "   page cache warm (one cat >/dev/null of the corpus; caches not dropped); median of $RUNS runs"

# The runs are interleaved (one of each tool per round) so slow drift in the machine's load falls
# on all of them alike. hashdeep -r is one command used by both measurements 2 and 3.
for (( r = 1; r <= RUNS; r++ )); do
  note "round $r of $RUNS"
  timed triage_hash "$r" "$TRIAGE" hash "${bigs[@]}" --format jsonl
  timed hashdeep_big "$r" hashdeep -c md5,sha1,sha256 "${bigs[@]}"
  # --no-pdq: the peers compute no perceptual hash, so measurements 2 and 3 compare like with
  # like; measurement 4 is the default scan (digests + EXIF + PDQ of every image), for reference.
  timed triage_all "$r" "$TRIAGE" scan "$jpeg_dir" --out "$out/case-all.$r" --all-files --no-pdq --format jsonl
  timed hashdeep_r "$r" hashdeep -c md5,sha1,sha256 -r "$jpeg_dir"
  timed triage_scan "$r" "$TRIAGE" scan "$jpeg_dir" --out "$out/case-scan.$r" --no-pdq
  (( BENCH_PDQ )) && timed triage_pdq "$r" "$TRIAGE" scan "$jpeg_dir" --out "$out/case-pdq.$r"
  timed exiftool_r "$r" exiftool -json -r "$jpeg_dir"
  # The default-mode scan must have recorded every JPEG (items.csv: a header plus one row each).
  rows_csv=$(( $(wc -l <"$out/case-scan.$r/items.csv") - 1 ))
  (( rows_csv == n_jpeg )) || die "triage scan recorded $rows_csv items, expected $n_jpeg (see $out/case-scan.$r)"
  rm -rf "$out/case-all.$r" "$out/case-scan.$r" "$out/case-pdq.$r"   # outside the timing; keeps the disk tidy
done

# --- checks: a fast wrong answer is no win --------------------------------------------------------
# SHA-256 sets of triage's JSON Lines must equal hashdeep's (columns size,md5,sha1,sha256,name).
sha_jsonl() { grep -o '"sha256": *"[0-9a-f]\{64\}"' "$1" | grep -o '[0-9a-f]\{64\}' | sort; }
sha_hashdeep() { grep -v '^[%#]' "$1" | cut -d, -f4 | sort; }
cmp -s <(sha_jsonl "$out/triage_hash.1.out") <(sha_hashdeep "$out/hashdeep_big.1.out") \
  || die "triage hash and hashdeep disagree on the big files' SHA-256 (see $out)"
cmp -s <(sha_jsonl "$out/triage_all.1.out") <(sha_hashdeep "$out/hashdeep_r.1.out") \
  || die "triage scan --all-files and hashdeep -r disagree on the JPEGs' SHA-256 (see $out)"
(( $(sha_jsonl "$out/triage_all.1.out" | wc -l) == n_jpeg )) || die "triage scan --all-files did not digest all $n_jpeg files"

# --- results -----------------------------------------------------------------------------------
median() { sort -g | sed -n "$(( (RUNS + 1) / 2 ))p"; }   # of the RUNS lines on stdin
max() { sort -g | tail -n 1; }
col() { # col KIND NAME...: per-run values of KIND (secs/rss) for the named commands, summed per run
  local kind=$1 r v name; shift
  for (( r = 1; r <= RUNS; r++ )); do
    v=0
    for name in "$@"; do
      if [[ $kind == secs ]]; then v=$(awk -v a="$v" -v b="${secs["$name $r"]}" 'BEGIN {print a + b}')
      elif (( rss["$name $r"] > v )); then v=${rss["$name $r"]}; fi   # peak RSS of a sequence: its largest
    done
    echo "$v"
  done
}

rows=()
# row LABEL UNIT AMOUNT TARGET TRIAGE_CMDS PEER_CMDS: rate = AMOUNT / median seconds
row() {
  local label=$1 unit=$2 amount=$3 target=$4 t p t_s p_s t_rss p_rss
  read -r -a t <<<"$5"; read -r -a p <<<"$6"
  t_s=$(col secs "${t[@]}" | median); p_s=$(col secs "${p[@]}" | median)
  t_rss=$(col rss "${t[@]}" | max); p_rss=$(col rss "${p[@]}" | max)
  rows+=("$(awk -v l="$label" -v u="$unit" -v a="$amount" -v tg="$target" -v ts="$t_s" -v ps="$p_s" \
    -v tr="$t_rss" -v pr="$p_rss" 'BEGIN {
      if (ts <= 0) ts = 0.01; if (ps <= 0) ps = 0.01   # /usr/bin/time resolution is 10 ms
      tv = a / ts; pv = a / ps; ratio = tv / pv
      printf "%-24s %9.1f %-7s %9.1f %-7s %6.2fx %6s  %-5s %7.2f s %7.2f s %8.1f %8.1f\n",
        l, tv, u, pv, u, ratio, ">=" tg "x", (tg == 0 ? "info" : ratio >= tg ? "PASS" : "BELOW"), ts, ps, tr / 1024, pr / 1024
    }')")
}
row "1 large files (hash)" MB/s "$(( big_bytes / 1000000 ))" 2.0 triage_hash hashdeep_big
row "2 small files (digest)" files/s "$n_jpeg" 1.5 triage_all hashdeep_r
row "3 media scan (+EXIF)" files/s "$n_jpeg" 3.0 triage_scan "hashdeep_r exiftool_r"
(( BENCH_PDQ )) && row "4 default scan (+PDQ)" files/s "$n_jpeg" 0 triage_pdq "hashdeep_r exiftool_r"

echo
printf '%-24s %17s %17s %7s %6s  %-5s %9s %9s %8s %8s\n' measurement triage peer ratio target result \
  "triage t" "peer t" "tri MiB" "peer MiB"
printf '%s\n' "${rows[@]}"
echo
echo "   peer of 1: hashdeep -c md5,sha1,sha256 (3 files); of 2: hashdeep -r; of 3: hashdeep -r + exiftool -json -r (times summed)"
echo "   times are medians of $RUNS; MB = 10^6 bytes; MiB columns are peak RSS (largest of the runs)"
echo "   load at end:$(uptime | sed 's/.*load average/ load average/')"
echo "   script: $repo_root/tests/bench/run.sh  work folder: $BENCH_DIR"
