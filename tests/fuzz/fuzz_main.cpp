// One libFuzzer executable per target: TRIAGE_FUZZ_TARGET names the function of
// tests/fuzz/fuzz_targets.h that this binary drives.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  triage::fuzz::TRIAGE_FUZZ_TARGET(data, size);
  return 0;
}
