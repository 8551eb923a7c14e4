// Replays the fuzz targets (tests/fuzz/fuzz_targets.h) in the normal suite, where the asan preset
// checks them too: every input kept in tests/fuzz/regressions/<target>/ (each was a crash, leak
// or hang once, since fixed), and deterministic truncations and bit flips of the sample files.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz_targets.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace triage;

namespace {

void run(fuzz::Target target, const std::vector<std::byte>& bytes) {
  target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("fuzz regressions: every kept input runs through its target without a fault") {
  const fs::path root = test::source_dir() / "tests" / "fuzz" / "regressions";
  std::size_t replayed = 0;
  for (const std::string_view name : fuzz::kTargetNames) {
    const fuzz::Target target = fuzz::find_target(name);
    REQUIRE(static_cast<bool>(target));
    for (const auto& file : files_under(root / std::string(name))) {
      CAPTURE(file.string());
      run(target, test::read_bytes(file));
      ++replayed;
    }
  }
  CHECK_FALSE(static_cast<bool>(fuzz::find_target("no such target")));
  MESSAGE(replayed << " regression inputs replayed");
}

TEST_CASE("fuzz targets: truncated and bit-flipped sample files") {
  std::vector<fs::path> inputs = files_under(test::source_dir() / "samples");
  REQUIRE(inputs.size() >= 10);
  std::mt19937 rng(20261128);
  std::size_t runs = 0;
  for (const auto& file : inputs) {
    const auto bytes = test::read_bytes(file);
    if (bytes.size() > (1u << 20)) continue;
    std::vector<std::vector<std::byte>> variants = {bytes};
    for (const std::size_t keep : {bytes.size() / 2, bytes.size() / 10, std::size_t{3}})
      variants.emplace_back(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(std::min(keep, bytes.size())));
    for (int k = 0; k < 4 && !bytes.empty(); ++k) {
      auto flipped = bytes;
      for (int f = 0; f < 8; ++f) flipped[rng() % flipped.size()] ^= static_cast<std::byte>(1u << (rng() % 8));
      variants.push_back(std::move(flipped));
    }
    for (const std::string_view name : fuzz::kTargetNames)
      for (const auto& v : variants) {
        CAPTURE(file.string());
        const std::string target_name(name);
        CAPTURE(target_name);
        run(fuzz::find_target(name), v);
        ++runs;
      }
  }
  MESSAGE(runs << " runs over " << inputs.size() << " sample files");
}
