#!/usr/bin/env bash
# tests/bench/pdq_bench.sh: PDQ throughput and the PDQ index, measured in one run.
#
# README
#   Not part of the test suite (CTest never runs it). Run from anywhere:
#       tests/bench/pdq_bench.sh
#   1. Builds tests/bench/pdq_bench.cpp (target pdq_bench, ci preset: -O2) and, once, a corpus of
#      2,000 generated JPEGs (1,000 at 640x480, 700 at 1920x1080, 300 at 4000x3000; smooth shading
#      plus noise, quality 90, so that sizes are those of photographs).
#   2. Prints, single-threaded on a warm page cache, medians of BENCH_RUNS interleaved passes:
#      the decode-only rate of the files (OpenCV IMREAD_GRAYSCALE: the yardstick) and the rate of
#      triage's PDQ path (read, reduced JPEG decode where allowed, grey, PDQ), with their ratio
#      (target >= 0.8x); and what the reduced decode costs in bits against a full-resolution grey
#      decode of every file (the conformance bound on the reference corpus is held by
#      tests/formats/image/pdq_conformance_test.cpp).
#   3. Runs tests/bench/mih_bench.sh --no-table 1000000 10000000: single-hash queries/s at distance
#      31 against 1M and 10M random hashes, index and brute force in the same run (target >= 2,000
#      queries/s at 10M, build <= 10 s, memory <= 1.5 GB).
#   Environment: BENCH_DIR (default /var/tmp/triage-pdq-bench, about 2 GB), BENCH_RUNS (default 3).
#   The machine is shared: read the load averages printed at the start and the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_DIR=${BENCH_DIR:-/var/tmp/triage-pdq-bench}
RUNS=${BENCH_RUNS:-3}
corpus=$BENCH_DIR/corpus-v1

echo "pdq-bench: load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
cmake --preset ci >/dev/null
cmake --build --preset ci --target pdq_bench >/dev/null
if [[ ! -f $corpus/.done ]]; then
  build/ci/tests/bench/pdq_bench generate "$corpus"
  touch "$corpus/.done"
fi
cat "$corpus"/*.jpg >/dev/null  # warm the page cache
build/ci/tests/bench/pdq_bench measure "$corpus" "$RUNS"
tests/bench/mih_bench.sh --no-table 1000000 10000000
echo "pdq-bench: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
