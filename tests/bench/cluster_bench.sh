#!/usr/bin/env bash
# tests/bench/cluster_bench.sh: near-duplicate clustering of a large case's PDQ hashes (see
# cluster_bench.cpp): 1,000,000 hashes, a tenth planted near-duplicates, against the all-pairs
# pass it avoids. Not part of the test suite. The machine is shared: read the load averages.
#   Environment: BENCH_HASHES (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake --preset release >&2 && cmake --build --preset release -j2 --target cluster_bench >&2
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
build/release/tests/bench/cluster_bench
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
