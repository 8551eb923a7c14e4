// vPDQ video-to-video matching against the reference: the shared corpus's expected-matches.tsv
// is the reference `match-hashes-brute QUERY TARGET 31 50` over the upstream frame-hash files.
// Both shares computed here (quality >= 50, distinct hashes, distance <= 31) must be within
// 1 percentage point of it: from the upstream files themselves (the algorithm), and with this
// tool's own frame hashes of the corpus videos as the query (decoding + algorithm).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/match/video_matcher.h"
#include "formats/hashset/vpdq_reader.h"
#include "formats/video/video_decoder.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;

struct ExpectedMatch {
  std::string query, target;  // video names, e.g. "doorknob-hd-no-bar"
  double query_percent = 0, target_percent = 0;
};

std::string video_name(const std::string& expected_path) {  // "expected/x.txt" -> "x"
  return fs::path(expected_path).stem().string();
}

std::vector<ExpectedMatch> read_expected_matches(const fs::path& file) {
  std::vector<ExpectedMatch> out;
  std::istringstream in(test::read_text(file));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, '\t')) f.push_back(cell);
    REQUIRE(f.size() == 6);
    CHECK(f[2] == "31");
    CHECK(f[3] == "50");
    out.push_back({video_name(f[0]), video_name(f[1]), std::stod(f[4]), std::stod(f[5])});
  }
  return out;
}

std::vector<match::Hash256> upstream_frames(const fs::path& dir, const std::string& name) {
  const auto videos = hashset::read_vpdq_file(dir / "expected" / (name + ".txt"));
  REQUIRE(videos.size() == 1);
  CHECK(videos[0].media_id == name);
  return distinct_good_frames(videos[0].frames, 50);
}

}  // namespace

TEST_CASE("vpdq matching: both shares of every corpus pair within 1 point of the reference") {
  auto dir = test::require_corpus("vpdq-threatexchange");
  if (!dir) return;
  const auto expected = read_expected_matches(*dir / "expected-matches.tsv");
  REQUIRE(expected.size() == 16);

  std::map<std::string, std::vector<match::Hash256>> upstream;
  std::map<std::string, std::vector<match::Hash256>> ours;
  std::map<std::string, std::vector<VideoFrameHash>> our_frames;
  VideoOptions every_frame;
  every_frame.fps = 0;
  for (const auto& e : expected) {
    if (!upstream.count(e.query)) upstream[e.query] = upstream_frames(*dir, e.query);
    if (!ours.count(e.query)) {
      auto got = hash_video_file((*dir / "videos" / (e.query + ".mp4")).string(), every_frame);
      REQUIRE_MESSAGE(got.ok(), got.error().message);
      ours[e.query] = distinct_good_frames(got->frames, 50);
      our_frames[e.query] = got->frames;
    }
  }
  double worst_files = 0, worst_decoded = 0;
  for (const auto& e : expected) {
    CAPTURE(e.query);
    CAPTURE(e.target);
    const auto files = frame_coverage(upstream[e.query], upstream[e.target], 31);
    const auto decoded = frame_coverage(ours[e.query], upstream[e.target], 31);
    MESSAGE(e.query << " vs " << e.target << ": reference " << e.query_percent << " / " << e.target_percent
                    << "; upstream files " << files.seized_percent << " / " << files.known_percent
                    << "; our hashes " << decoded.seized_percent << " / " << decoded.known_percent);
    CHECK(std::abs(files.seized_percent - e.query_percent) <= 1.0);
    CHECK(std::abs(files.known_percent - e.target_percent) <= 1.0);
    CHECK(std::abs(decoded.seized_percent - e.query_percent) <= 1.0);
    CHECK(std::abs(decoded.known_percent - e.target_percent) <= 1.0);
    worst_files = std::max({worst_files, std::abs(files.seized_percent - e.query_percent),
                            std::abs(files.known_percent - e.target_percent)});
    worst_decoded = std::max({worst_decoded, std::abs(decoded.seized_percent - e.query_percent),
                              std::abs(decoded.known_percent - e.target_percent)});
  }
  MESSAGE("largest difference from the reference, in points: upstream files " << worst_files << ", our hashes "
                                                                               << worst_decoded);

  // The scan's matcher over the upstream files as a known-video set (hashed at every frame, so
  // the seized videos are too): each video is found as itself only, under the 80% rule.
  VideoMatcher matcher;
  const auto set = matcher.add_set({"upstream", HashSetRole::alert});
  for (const auto& [name, frames] : our_frames) {
    const auto videos = hashset::read_vpdq_file(*dir / "expected" / (name + ".txt"));
    REQUIRE(matcher.add_video(set, name, "1", videos.at(0).frames, 50));
  }
  matcher.build();
  for (const auto& video : our_frames) {  // no structured binding: CAPTURE's lambda takes it (clang 14)
    const auto& name = video.first;
    const auto& frames = video.second;
    CAPTURE(name);
    const auto hits = matcher.match(frames, VideoMatchOptions{});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].media_id == name);
    CHECK(hits[0].hash_type == HashType::vpdq);
    CHECK(hits[0].known_percent.value_or(0) >= 99.0);
    CHECK(hits[0].seized_percent.value_or(0) >= 99.0);
  }
}

}  // namespace triage
