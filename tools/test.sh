#!/usr/bin/env bash
# The test suite, through CTest (one test per test file, labelled: see tests/CMakeLists.txt).
#   tools/test.sh           two builds: ci (gcc, optimised, warnings as errors) runs every test once
#                           (unit, cli, corpus, browser, fuzz-replay, soak); asan (clang, address +
#                           undefined sanitizers, the libFuzzer harnesses too) runs unit, fuzz-replay
#                           and the cli smoke set, then each harness for a fixed number of inputs
#                           (tests/fuzz/run.sh, FUZZ_RUNS, deterministic).
#   tools/test.sh --quick   one build (ci): unit and the cli smoke set, for a developer's loop.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
if [[ "${1:-}" == "--quick" ]]; then
  cmake --preset ci >/dev/null
  cmake --build --preset ci
  ctest --preset ci -j "$jobs" -L '^(unit|smoke)$'
  exit 0
fi
for preset in ci asan; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  # One test more than the cores in the ci pass: several of its tests mostly wait (a Slurm
  # cluster's scheduler, a killed child, a signal) while the others compute.
  parallel=$jobs
  [[ $preset == ci ]] && parallel=$((jobs + 1))
  ctest --preset "$preset" -j "$parallel"
done
FUZZ_RUNS=${FUZZ_RUNS:-800} FUZZ_PRESET=asan tests/fuzz/run.sh
