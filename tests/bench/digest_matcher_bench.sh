#!/usr/bin/env bash
# tests/bench/digest_matcher_bench.sh: the scan's in-memory exact index at 10M records.
# Not part of the test suite. Prints load+build time (target <= 3 s for 10M records) and
# single-thread lookups/s (target >= 5,000,000 per core). Note: the load here starts from
# records already in memory; loading from a HASHSET.db adds SQLite's read (about 1 s for 10M
# rows measured here), see hashset_bench.sh. The machine is shared: read the load average.
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_BIN=${BENCH_BIN:-/tmp/triage-digest-matcher-bench}
N=${1:-10000000}
g++ -O2 -std=c++20 -I. core/match/digest_matcher.cpp core/match/exact_index.cpp core/text/hex.cpp \
  core/item.cpp tests/bench/digest_matcher_bench.cpp -o "$BENCH_BIN" -lfmt
echo "load: $(uptime)"
"$BENCH_BIN" "$N" 1000000
echo "load: $(uptime)"
