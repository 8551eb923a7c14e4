// vPDQ conformance: every frame of the reference sample videos (shared corpus
// vpdq-threatexchange, see its README.md) hashed at fps 0 and compared by frame number with the
// reference program's output on Debian 12's FFmpeg 5.1 (expected/local-debian12/<video>.txt:
// frame,quality,pdq,timestamp). Oracle: the reference vpdq-hash-video -r 0, built by the corpus
// curators against the same FFmpeg the tool links.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/pdq/pdq.h"
#include "formats/video/video_decoder.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;

struct ExpectedFrame {
  int quality = 0;
  PdqHash hash;
  std::string timestamp;  // 3 decimals, as printed by the reference
};

std::map<std::int64_t, ExpectedFrame> read_expected(const fs::path& file) {
  std::map<std::int64_t, ExpectedFrame> out;
  std::istringstream in(test::read_text(file));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::istringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) f.push_back(field);
    REQUIRE(f.size() == 4);
    auto hash = PdqHash::from_hex(f[2]);
    REQUIRE(hash);
    out[std::stoll(f[0])] = ExpectedFrame{std::stoi(f[1]), *hash, f[3]};
  }
  return out;
}

}  // namespace

TEST_CASE("vpdq conformance: every frame of the reference videos against the reference on Debian 12's FFmpeg") {
  auto dir = test::require_corpus("vpdq-threatexchange");
  if (!dir) return;
  const std::vector<std::string> videos = {"doorknob-hd-no-bar", "pattern-sd-grey-bar",
                                           "pattern-sd-with-large-logo-bar", "test-padded-dimensions"};
  VideoOptions options;
  options.fps = 0;
  for (const auto& name : videos) {
    CAPTURE(name);
    const auto expected = read_expected(*dir / "expected" / "local-debian12" / (name + ".txt"));
    REQUIRE(!expected.empty());
    auto got = hash_video_file((*dir / "videos" / (name + ".mp4")).string(), options);
    REQUIRE_MESSAGE(got.ok(), got.error().message);
    CHECK_MESSAGE(!got->incomplete, (got->incomplete ? got->incomplete->message : ""));
    CHECK(got->frames.size() == expected.size());

    int exact = 0, compared = 0, max_distance_q50 = 0, max_distance = 0, timestamps_equal = 0;
    for (const auto& frame : got->frames) {
      const auto it = expected.find(frame.frame);
      if (it == expected.end()) continue;
      ++compared;
      const int d = hamming_distance(frame.pdq.hash, it->second.hash);
      exact += d == 0 && frame.pdq.quality == it->second.quality ? 1 : 0;
      max_distance = std::max(max_distance, d);
      if (frame.pdq.quality >= 50 && it->second.quality >= 50) {
        max_distance_q50 = std::max(max_distance_q50, d);
        CHECK_MESSAGE(d <= 31, "frame " << frame.frame);
      }
      char ts[32];
      std::snprintf(ts, sizeof ts, "%.3f", frame.timestamp);
      timestamps_equal += it->second.timestamp == ts ? 1 : 0;
    }
    CHECK(compared == static_cast<int>(expected.size()));
    const double share = compared == 0 ? 0.0 : 100.0 * exact / compared;
    MESSAGE(name << ": " << exact << "/" << compared << " frames exactly equal (" << share
                 << " %), max distance at quality >= 50: " << max_distance_q50 << ", over all frames: " << max_distance
                 << ", timestamps equal: " << timestamps_equal << "/" << compared);
    CHECK(share >= 80.0);
    CHECK(timestamps_equal == compared);
  }
}

TEST_CASE("vpdq conformance: the in-memory path gives the same frames as the file path") {
  auto dir = test::require_corpus("vpdq-threatexchange");
  if (!dir) return;
  const auto path = *dir / "videos" / "test-padded-dimensions.mp4";
  VideoOptions options;
  options.fps = 0;
  auto from_file = hash_video_file(path.string(), options);
  const auto bytes = test::read_bytes(path);
  auto from_memory = hash_video_buffer(bytes, options);
  REQUIRE(from_file.ok());
  REQUIRE_MESSAGE(from_memory.ok(), from_memory.error().message);
  REQUIRE(from_file->frames.size() == from_memory->frames.size());
  for (std::size_t i = 0; i < from_file->frames.size(); ++i) {
    CHECK(from_file->frames[i].frame == from_memory->frames[i].frame);
    CHECK(from_file->frames[i].pdq.hash == from_memory->frames[i].pdq.hash);
  }
  CHECK(from_memory->info.codec == from_file->info.codec);
  CHECK(from_memory->info.width == from_file->info.width);
}

}  // namespace triage
