#!/usr/bin/env bash
# Builds and runs the whole test suite through CTest: once optimised with warnings as errors
# (preset ci), once under AddressSanitizer + UndefinedBehaviorSanitizer (preset asan).
set -euo pipefail
cd "$(dirname "$0")/.."
for preset in ci asan; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
