// VideoMatcher and frame coverage: quality gate, de-duplication, inclusive distance, both shares,
// the 80% rule in both directions (a known clip inside a longer seized video matches; a seized
// clip of a longer known video does not), and agreement of the index with brute force.
#include "core/match/video_matcher.h"

#include <doctest/doctest.h>

#include <random>

#include "core/match/pdq_matcher.h"
#include "tests/core/match/random_pdq.h"

namespace triage {
namespace {

using test::with_flipped_bits;

std::vector<VideoFrameHash> frames_of(const std::vector<PdqHash>& hashes, int quality = 100) {
  std::vector<VideoFrameHash> out;
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    VideoFrameHash f;
    f.frame = static_cast<std::int64_t>(i);
    f.timestamp = static_cast<double>(i);
    f.pdq.hash = hashes[i];
    f.pdq.quality = quality;
    out.push_back(f);
  }
  return out;
}

std::vector<PdqHash> random_hashes(std::mt19937& rng, std::size_t n) {
  std::vector<PdqHash> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(test::random_pdq(rng));
  return out;
}

}  // namespace

TEST_CASE("video matcher: low-quality frames dropped, equal hashes kept once") {
  std::mt19937 rng(1);
  const auto a = test::random_pdq(rng), b = test::random_pdq(rng);
  auto frames = frames_of({a, a, b, a});
  frames[2].pdq.quality = 49;
  const auto distinct = distinct_good_frames(frames, 50);
  REQUIRE(distinct.size() == 1);
  CHECK(distinct[0] == to_hash256(a));
  frames[2].pdq.quality = 50;
  CHECK(distinct_good_frames(frames, 50).size() == 2);
}

TEST_CASE("video matcher: coverage shares, distance inclusive") {
  std::mt19937 rng(2);
  const auto known = random_hashes(rng, 10);
  std::vector<PdqHash> seized;
  for (int i = 0; i < 4; ++i) seized.push_back(with_flipped_bits(known[static_cast<std::size_t>(i)], 31));
  for (int i = 0; i < 4; ++i) seized.push_back(test::random_pdq(rng));
  seized.push_back(with_flipped_bits(known[9], 32));  // just too far
  const auto s = distinct_good_frames(frames_of(seized), 50);
  const auto k = distinct_good_frames(frames_of(known), 50);
  const auto c = frame_coverage(s, k, 31);
  CHECK(c.seized_frames == 9);
  CHECK(c.known_frames == 10);
  CHECK(c.seized_percent == doctest::Approx(100.0 * 4 / 9));
  CHECK(c.known_percent == doctest::Approx(40.0));
  CHECK(frame_coverage(s, k, 32).known_percent == doctest::Approx(50.0));
  CHECK(frame_coverage({}, k, 31).seized_percent == 0.0);
}

TEST_CASE("video matcher: a known clip inside a longer seized video matches; the reverse does not") {
  std::mt19937 rng(3);
  const auto long_video = random_hashes(rng, 60);
  const std::vector<PdqHash> clip(long_video.begin() + 20, long_video.begin() + 30);
  std::vector<PdqHash> clip_reencoded;
  for (const auto& h : clip) clip_reencoded.push_back(with_flipped_bits(h, 12));

  VideoMatcher known_clip;
  const auto set = known_clip.add_set({"clips", HashSetRole::alert});
  REQUIRE(known_clip.add_video(set, "clip-1", "A", frames_of(clip), 50));
  known_clip.build();
  const auto hits = known_clip.match(frames_of(long_video), VideoMatchOptions{});
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].set == "clips");
  CHECK(hits[0].role == HashSetRole::alert);
  CHECK(hits[0].hash_type == HashType::vpdq);
  CHECK(hits[0].probable());
  CHECK(hits[0].media_id == "clip-1");
  CHECK(hits[0].category == "A");
  CHECK(*hits[0].known_percent == doctest::Approx(100.0));
  CHECK(*hits[0].seized_percent == doctest::Approx(100.0 * 10 / 60));

  VideoMatcher known_long;
  const auto set2 = known_long.add_set({"long", HashSetRole::alert});
  REQUIRE(known_long.add_video(set2, "long-1", "A", frames_of(long_video), 50));
  known_long.build();
  CHECK(known_long.match(frames_of(clip_reencoded), VideoMatchOptions{}).empty());  // 10/60 of the known
  VideoMatchOptions lenient;
  lenient.min_known_percent = 15.0;
  const auto reverse = known_long.match(frames_of(clip_reencoded), lenient);
  REQUIRE(reverse.size() == 1);
  CHECK(*reverse[0].seized_percent == doctest::Approx(100.0));
  CHECK(*reverse[0].known_percent == doctest::Approx(100.0 * 10 / 60));
}

TEST_CASE("video matcher: a seized video of low-quality frames matches nothing; empty known videos are refused") {
  std::mt19937 rng(4);
  const auto v = random_hashes(rng, 5);
  VideoMatcher m;
  const auto set = m.add_set({"s", HashSetRole::alert});
  CHECK(!m.add_video(set, "flat", "", frames_of(v, 10), 50));
  REQUIRE(m.add_video(set, "v", "", frames_of(v), 50));
  m.build();
  CHECK(m.video_count() == 1);
  CHECK(m.match(frames_of(v, 49), VideoMatchOptions{}).empty());
  CHECK(m.match(frames_of(v, 50), VideoMatchOptions{}).size() == 1);
}

TEST_CASE("video matcher: the index gives the brute-force shares for many known videos") {
  std::mt19937 rng(5);
  VideoMatcher m;
  const auto set = m.add_set({"s", HashSetRole::alert});
  std::vector<std::vector<PdqHash>> known;
  for (int v = 0; v < 20; ++v) {
    known.push_back(random_hashes(rng, 30));
    REQUIRE(m.add_video(set, std::to_string(v), "", frames_of(known.back()), 50));
  }
  m.build();
  // The seized video holds near copies of 23 frames of video 7 and 27 of video 12, and noise.
  std::vector<PdqHash> seized;
  for (int i = 0; i < 23; ++i) seized.push_back(with_flipped_bits(known[7][static_cast<std::size_t>(i)], 20));
  for (int i = 0; i < 27; ++i) seized.push_back(with_flipped_bits(known[12][static_cast<std::size_t>(i)], 25));
  for (int i = 0; i < 10; ++i) seized.push_back(test::random_pdq(rng));
  VideoMatchOptions options;
  options.min_known_percent = 0.0;
  const auto hits = m.match(frames_of(seized), options);
  const auto s = distinct_good_frames(frames_of(seized), 50);
  REQUIRE(hits.size() == 2);
  for (const auto& h : hits) {
    const auto k = distinct_good_frames(frames_of(known[static_cast<std::size_t>(std::stoi(h.media_id))]), 50);
    const auto brute = frame_coverage(s, k, 31);
    CHECK(*h.seized_percent == doctest::Approx(brute.seized_percent));
    CHECK(*h.known_percent == doctest::Approx(brute.known_percent));
  }
  CHECK(hits[0].media_id == "7");
  CHECK(hits[1].media_id == "12");
  const auto by_rule = m.match(frames_of(seized), VideoMatchOptions{});  // 27/30 = 90% >= 80; 23/30 = 77% < 80
  REQUIRE(by_rule.size() == 1);
  CHECK(by_rule[0].media_id == "12");
}

}  // namespace triage
