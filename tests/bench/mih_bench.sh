#!/usr/bin/env bash
# tests/bench/mih_bench.sh: the PDQ multi-index (core/match/mih_index) against brute force, one run.
#
# README
#   Not part of the test suite (CTest never runs it; no CMake target). Run from anywhere:
#       tests/bench/mih_bench.sh [--no-table] [database sizes...]   (default: 1000000 10000000)
#   It compiles tests/bench/mih_bench.cpp with the index sources straight with g++ and prints, per
#   database of uniformly random 256-bit hashes:
#     - index build time (target <= 10 s at 10M) and memory: computed bytes, VmRSS, VmHWM
#       (target <= 1.5 GB at 10M);
#     - single-threaded queries/s at distance 31 of the index (automatic method) and of a brute-force
#       scan, both by wall clock and per CPU second; queries alternate between random hashes and
#       planted near-duplicates (a database hash with 0..31 bits flipped), so half have a match
#       (target >= 2,000 queries/s at 10M);
#     - a recall check: the index's results equal brute force's (ids and distances) on a sample;
#     - a table over thresholds 0..64: forced index vs automatic, probes and candidates per query,
#       and the index's cost in units of one scanned hash (the cost model's calibration);
#       --no-table leaves it out.
#   Environment:
#     BENCH_BIN   where the binary goes (default /tmp/triage-mih-bench)
#     CXX         compiler (default g++)
#   Built for baseline x86-64 as Debian builds triage: the popcount loops carry their own POPCNT
#   clones (function multiversioning), as in the product.
#   Needs about 1.2 GB of free memory for the 10M database. The machine is shared: read the load
#   averages printed at the start and the end before trusting the figures; the per-CPU-second
#   rates are less disturbed by other processes than the wall-clock ones.
#   The index asks Linux for transparent huge pages on its big arrays (madvise; about 1.5x more
#   queries/s at 10M in this VM than 4 KiB pages); the THP mode is printed below, and with THP
#   "never" the figures drop accordingly.
#   Only the two index sources are compiled (not core/match/*.cpp): other files in core/match/
#   need the rest of triage::core.
set -euo pipefail

cd "$(dirname "$0")/../.."

BENCH_BIN=${BENCH_BIN:-/tmp/triage-mih-bench}
CXX=${CXX:-g++}

echo "mih_bench: compiling $BENCH_BIN" >&2
"$CXX" -O2 -std=c++20 -I. \
  core/match/hash256.cpp core/match/mih_index.cpp tests/bench/mih_bench.cpp -o "$BENCH_BIN"

echo "== mih_bench  $(date -u +%FT%TZ)  $(nproc) cores  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "   transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo '?')"
echo "   load at start:$(uptime | sed 's/.*load average/ load average/')"
"$BENCH_BIN" "$@"
echo "   load at end:$(uptime | sed 's/.*load average/ load average/')"
