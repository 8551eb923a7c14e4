// carve_runs: the window loop of unallocated carving, over bytes in memory. The images found
// must not depend on the window size (overlap and skip logic), and run edges are respected.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "formats/image/image_decoder.h"
#include "formats/source/carve_runs.h"
#include "tests/support/test_support.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

struct Carved {
  std::vector<WalkedItem> items;
  std::vector<WalkProblem> problems;
};

class CarveSink final : public WalkSink {
 public:
  explicit CarveSink(Carved& out) : out_(out) {}
  void item(WalkedItem&& walked) override { out_.items.push_back(std::move(walked)); }
  void problem(WalkProblem&& problem) override { out_.problems.push_back(std::move(problem)); }
  bool stopping() const override { return false; }

 private:
  Carved& out_;
};

Carved carve(const std::vector<std::byte>& bytes, const std::vector<ByteRun>& runs, const CarveLimits& limits) {
  const RunReader read = [&bytes](std::uint64_t offset, std::span<std::byte> out) -> std::optional<std::string> {
    if (offset > bytes.size() || out.size() > bytes.size() - offset) return "past the end";
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(offset), out.size(), out.begin());
    return std::nullopt;
  };
  Carved out;
  CarveSink sink(out);
  carve_runs(runs, read, EvidencePath("img"), 1000, ContentPolicy{}, sink, image_decode_failure, limits);
  return out;
}

void place(std::vector<std::byte>& bytes, std::size_t at, const std::vector<std::byte>& what) {
  std::copy(what.begin(), what.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
}

}  // namespace

TEST_CASE("carve_runs: the same images at the same offsets whatever the window; run edges and read errors") {
  const fs::path samples = test::source_dir() / "samples" / "evidence";
  const auto jpeg = test::read_bytes(samples / "DCIM" / "100TEST" / "IMG_0002.jpg");
  const auto gif = test::read_bytes(samples / "Pictures" / "bars.gif");
  REQUIRE(jpeg.size() < 2048);
  REQUIRE(gif.size() < 2048);
  std::vector<std::byte> bytes(12000, std::byte{0x5A});
  place(bytes, 5000, jpeg);
  place(bytes, 9000, gif);
  const std::vector<ByteRun> whole = {ByteRun{0, bytes.size()}};

  for (const std::size_t window : {std::size_t{2049}, std::size_t{4096}, std::size_t{5001}, std::size_t{1} << 20}) {
    CAPTURE(window);
    const Carved c = carve(bytes, whole, CarveLimits{2048, window, 100'000'000});
    REQUIRE(c.items.size() == 2);
    CHECK(c.items[0].record.path == "img/unalloc@6000");  // image offset 1000 + 5000
    CHECK(c.items[0].content.bytes == jpeg);
    CHECK(c.items[0].record.fs.carved);
    CHECK(c.items[1].record.path == "img/unalloc@10000");
    CHECK(c.items[1].content.bytes == gif);
    CHECK(c.problems.empty());
  }

  // An allocated block inside the JPEG: two runs, neither holds it whole; the GIF is still found.
  const Carved split = carve(bytes, {ByteRun{0, 5512}, ByteRun{6024, bytes.size()}}, CarveLimits{2048, 4096, 100'000'000});
  REQUIRE(split.items.size() == 1);
  CHECK(split.items[0].record.path == "img/unalloc@10000");

  // A run reaching past the readable bytes: a carving_incomplete notice with its offset, not a fault.
  const Carved past = carve(bytes, {ByteRun{0, bytes.size() + 512}}, CarveLimits{2048, 4096, 100'000'000});
  REQUIRE_FALSE(past.problems.empty());
  CHECK(past.problems.back().kind == "carving_incomplete");
  CHECK_FALSE(past.problems.back().is_error);

  // A window not above the largest image is raised, never a loop that does not advance.
  const Carved tiny = carve(bytes, whole, CarveLimits{2048, 16, 100'000'000});
  CHECK(tiny.items.size() == 2);
}
