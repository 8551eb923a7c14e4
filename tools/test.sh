#!/usr/bin/env bash
# Builds and runs the whole test suite through CTest: once optimised with warnings as errors
# (preset ci), once under AddressSanitizer + UndefinedBehaviorSanitizer (preset asan); then each
# libFuzzer harness briefly (preset fuzz, a fixed seed and number of runs: deterministic).
set -euo pipefail
cd "$(dirname "$0")/.."
for preset in ci asan; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
FUZZ_RUNS=${FUZZ_RUNS:-3000} tests/fuzz/run.sh
