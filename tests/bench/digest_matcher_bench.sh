#!/usr/bin/env bash
# tests/bench/digest_matcher_bench.sh: the scan's in-memory exact index, loaded from real
# HASHSET.db stores of 1,000,000 and 10,000,000 VICS records as `triage scan --hashset` loads it.
# Not part of the test suite. Prints, per store: load time (target <= 3 s for 10M records), peak
# RSS, and single-thread match() calls per second, each call looking up an item's MD5, SHA-1
# and SHA-256 (target >= 5,000,000 lookups/s per core), for misses and for half hits.
# The stores are made by tests/bench/hashset_bench.sh (BENCH_INPUTS=vics) in BENCH_DIR when
# missing. The machine is shared: read the load averages printed.
#   Environment: BENCH_DIR (default /var/tmp/triage-hashset-bench), BENCH_SIZES (default
#   "1000000 10000000"), BENCH_LOOKUPS (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_DIR=${BENCH_DIR:-/var/tmp/triage-hashset-bench}
BIN=build/release/tests/bench/digest_matcher_bench
cmake --preset release >&2 && cmake --build --preset release -j2 --target digest_matcher_bench triage >&2
for n in ${BENCH_SIZES:-1000000 10000000}; do
  db=$BENCH_DIR/HASHSET-vics-2.0-$n.json.db
  if [[ ! -s $db ]]; then
    BENCH_DIR=$BENCH_DIR BENCH_RECORDS=$n BENCH_INPUTS=vics tests/bench/hashset_bench.sh >&2
  fi
  cat "$db" > /dev/null  # warm the page cache, as a store read moments before would be
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$BIN" "$db" "${BENCH_LOOKUPS:-1000000}"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
