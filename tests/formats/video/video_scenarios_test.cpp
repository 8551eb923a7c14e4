// Planted video scenarios, generated here with Debian's ffmpeg from its built-in benign
// patterns (lavfi mandelbrot and testsrc): a re-encode at another codec, bitrate and
// resolution; a 10-second clip cut from a 60-second video; a known still image shown for 3
// seconds inside a video; a truncated file and a file with a corrupt header. Each goes through
// the scan's item analysis (MediaAnalyzer) with the matchers loaded, and must give the planted
// result; the damaged ones an item error within the time budget.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/match/pdq_matcher.h"
#include "core/match/video_matcher.h"
#include "core/media/sniff.h"
#include "app/media_analyzer.h"
#include "formats/image/image_pdq.h"
#include "formats/video/video_decoder.h"
#include "tests/formats/video/video_test_limits.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

using test::kBudget;
using test::kQuick;

bool run(const std::string& args) {
  const std::string cmd = "ffmpeg -nostdin -hide_banner -loglevel error -y " + args;
  return std::system(cmd.c_str()) == 0;
}

// The generated videos, made once for every test case of this file.
struct Planted {
  test::TempDir dir;
  fs::path base, reencoded, clip, still, with_still, truncated, corrupt;
  bool ok = false;

  Planted() {
    base = dir / "base.mp4";
    reencoded = dir / "reencoded.mp4";
    clip = dir / "clip.mp4";
    still = dir / "still.png";
    with_still = dir / "with-still.mp4";
    truncated = dir / "truncated.mp4";
    corrupt = dir / "corrupt.mp4";
    const auto p = [](const fs::path& f) { return "'" + f.string() + "'"; };
    // 60 s of a zooming Mandelbrot set, 320x240 at 10 fps, H.264 with a key frame every 5 s.
    ok = run(fmt::format("-f lavfi -i mandelbrot=size=320x240:rate=10 -t 60 -c:v libx264 -preset ultrafast "
                         "-pix_fmt yuv420p -g 50 {}", p(base))) &&
         // Another codec (MPEG-4 Part 2), bitrate and resolution.
         run(fmt::format("-i {} -vf scale=240:180 -c:v mpeg4 -b:v 150k {}", p(base), p(reencoded))) &&
         // Seconds 20 to 30, re-encoded (a cut as an editor exports it).
         run(fmt::format("-ss 20 -i {} -t 10 -c:v libx264 -preset ultrafast -pix_fmt yuv420p {}", p(base), p(clip))) &&
         // A still image (the test pattern), then 10 s of the base with it shown from 4 to 7 s.
         run(fmt::format("-f lavfi -i testsrc=size=320x240 -frames:v 1 {}", p(still))) &&
         run(fmt::format("-i {} -loop 1 -i {} -filter_complex \"[0:v][1:v]overlay=enable='between(t,4,7)'\" -t 10 "
                         "-c:v libx264 -preset ultrafast -pix_fmt yuv420p {}",
                         p(base), p(still), p(with_still)));
    if (!ok) {
      MESSAGE("SKIPPED: ffmpeg (with libx264) not available (tools/setup.sh --test)");
      return;
    }
    const auto whole = test::read_bytes(base);
    test::write_bytes(truncated, std::vector<std::byte>(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(whole.size() / 3)));
    // The header that matters in an MP4 is the moov box (track and sample tables; ffmpeg writes
    // it after the media data): its first 4 KiB overwritten.
    auto damaged = whole;
    const std::string bytes(reinterpret_cast<const char*>(whole.data()), whole.size());
    const auto moov = bytes.rfind("moov");
    if (moov == std::string::npos || moov < 4) {
      ok = false;
      FAIL("no moov box in the generated MP4");
      return;
    }
    for (std::size_t i = moov + 4; i < moov + 4100 && i < damaged.size(); ++i) damaged[i] = std::byte{0xa5};
    test::write_bytes(corrupt, damaged);
  }
};

const Planted& planted() {
  static const auto videos = std::make_unique<Planted>();
  return *videos;
}

std::vector<VideoFrameHash> frames_of(const fs::path& video, bool keyframes = false) {
  VideoOptions options;
  options.keyframes_only = keyframes;
  auto got = hash_video_file(video.string(), options);
  REQUIRE_MESSAGE(got.ok(), got.error().message);
  return got->frames;
}

// The scan's analysis of one file, as a worker does it.
ItemRecord analyse(const fs::path& file, const AnalysisContext& context) {
  WalkedItem item;
  item.record.path = file.string();
  item.content.bytes = test::read_bytes(file);
  item.content.complete = true;
  item.record.size = item.content.bytes.size();
  MediaAnalyzer analyzer(context);
  analyzer.process(item);
  return item.record;
}

const ItemMatch* find_type(const ItemRecord& r, const std::string& type) {
  for (const auto& m : r.matches)
    if (to_string(m.hash_type) == type) return &m;
  return nullptr;
}

struct KnownVideos {
  VideoMatcher matcher;
  explicit KnownVideos(const std::vector<std::pair<std::string, fs::path>>& videos) {
    const auto set = matcher.add_set({"known-videos", HashSetRole::alert});
    for (const auto& [name, file] : videos) REQUIRE(matcher.add_video(set, name, "1", frames_of(file), 50));
    matcher.build();
  }
};

AnalysisContext video_context() {
  AnalysisContext c;
  c.video = true;  // 1 frame per second, as a scan with --video-fps 1
  c.video_options.max_time = kBudget;
  return c;
}

}  // namespace

TEST_CASE("video scenarios: a re-encode at another codec, bitrate and resolution matches its original") {
  const auto& v = planted();
  if (!v.ok) return;
  KnownVideos known({{"base", v.base}});
  AnalysisContext context = video_context();
  context.video_matcher = &known.matcher;
  const auto r = analyse(v.reencoded, context);
  CHECK(r.problems.empty());
  const ItemMatch* m = find_type(r, "vpdq");
  REQUIRE(m != nullptr);
  MESSAGE("re-encode: " << *m->seized_percent << "% of its frames in the original, " << *m->known_percent
                        << "% of the original's frames found");
  CHECK(m->media_id == "base");
  CHECK(*m->known_percent >= 80.0);
  CHECK(*m->seized_percent >= 80.0);

  // Not a match for an unrelated known video (the clip is 1/6 of the base, known the other way).
  KnownVideos other({{"still-video", v.with_still}});
  context.video_matcher = &other.matcher;
  CHECK(find_type(analyse(v.reencoded, context), "vpdq") == nullptr);
}

TEST_CASE("video scenarios: a known 10-second clip is found inside the 60-second video; the reverse share is low") {
  const auto& v = planted();
  if (!v.ok) return;
  KnownVideos known_clip({{"clip", v.clip}});
  AnalysisContext context = video_context();
  context.video_matcher = &known_clip.matcher;
  const auto r = analyse(v.base, context);
  const ItemMatch* m = find_type(r, "vpdq");
  REQUIRE(m != nullptr);
  MESSAGE("clip in the long video: " << *m->known_percent << "% of the clip's frames found, " << *m->seized_percent
                                     << "% of the long video's frames in the clip");
  CHECK(*m->known_percent >= 80.0);
  CHECK(*m->seized_percent < 40.0);

  // Known: the long video; seized: the clip. All of the clip is in it, but too little of the
  // known video is in the clip for the default rule.
  KnownVideos known_long({{"base", v.base}});
  context.video_matcher = &known_long.matcher;
  CHECK(find_type(analyse(v.clip, context), "vpdq") == nullptr);
  context.video_match_options.min_known_percent = 10.0;
  const auto reverse = analyse(v.clip, context);
  const ItemMatch* rm = find_type(reverse, "vpdq");
  REQUIRE(rm != nullptr);
  MESSAGE("clip against the long video: " << *rm->seized_percent << "% / " << *rm->known_percent << "%");
  CHECK(*rm->seized_percent >= 80.0);
  CHECK(*rm->known_percent < 40.0);
}

TEST_CASE("video scenarios: a known still image shown for 3 seconds is a hit with its timestamp") {
  const auto& v = planted();
  if (!v.ok) return;
  const auto png = test::read_bytes(v.still);
  auto still = image_pdq(sniff_media(png), png, 64'000'000);
  REQUIRE(still.ok());
  PdqMatcher stills;
  const auto set = stills.add_set({"stills", HashSetRole::alert});
  REQUIRE(stills.add_record(set, still->hash.to_hex(), "still-1", "2"));
  stills.build();
  AnalysisContext context = video_context();
  context.pdq_matcher = &stills;

  const auto r = analyse(v.with_still, context);
  const ItemMatch* m = find_type(r, "pdq");
  REQUIRE(m != nullptr);
  REQUIRE(m->frame);
  REQUIRE(m->timestamp);
  MESSAGE("still at frame " << *m->frame << ", " << *m->timestamp << " s, distance " << m->distance.value_or(-1));
  CHECK(m->media_id == "still-1");
  CHECK(m->category == "2");
  CHECK(m->probable());
  CHECK(*m->timestamp >= 4.0);
  CHECK(*m->timestamp <= 7.0);
  CHECK(*m->distance <= 31);
  // The same video without the still: no hit.
  CHECK(find_type(analyse(v.base, context), "pdq") == nullptr);
}

TEST_CASE("video scenarios: a truncated file and a corrupt header are item errors within the time budget") {
  const auto& v = planted();
  if (!v.ok) return;
  AnalysisContext context = video_context();
  for (const auto& file : {v.truncated, v.corrupt}) {
    CAPTURE(file.filename().string());
    const auto start = Clock::now();
    const auto r = analyse(file, context);
    CHECK(Clock::now() - start < kQuick);
    REQUIRE(!r.problems.empty());
    CHECK(r.problems[0].stage == "video");
    MESSAGE(file.filename().string() << ": " << r.problems[0].message);
  }
}

TEST_CASE("video scenarios: key-frame mode hashes exactly the key frames of a full decode") {
  const auto& v = planted();
  if (!v.ok) return;
  const auto keys = frames_of(v.base, true);
  VideoOptions every;
  every.fps = 0;
  auto all = hash_video_file(v.base.string(), every);
  REQUIRE(all.ok());
  REQUIRE(keys.size() >= 12);  // a key frame every 5 s of 60 s (the encoder may add scene cuts)
  CHECK(keys.size() < all->frames.size() / 10);
  for (const auto& k : keys) {
    CAPTURE(k.frame);
    REQUIRE(k.frame >= 0);
    REQUIRE(static_cast<std::size_t>(k.frame) < all->frames.size());
    CHECK(all->frames[static_cast<std::size_t>(k.frame)].pdq.hash == k.pdq.hash);
  }
  // Recall against the 1 fps mode on the re-encode and clip scenarios (reported, not asserted:
  // it depends on the encoder's key-frame interval): the known video's frames found by key
  // frames only, as a share of those found at 1 fps.
  VideoMatchOptions any;
  any.min_known_percent = 0.0;
  KnownVideos base({{"base", v.base}});
  KnownVideos clip({{"clip", v.clip}});
  for (const auto& [name, matcher, seized] :
       {std::tuple{std::string("re-encode"), &base.matcher, v.reencoded},
        std::tuple{std::string("clip"), &clip.matcher, v.base}}) {
    const auto full = matcher->match(frames_of(seized), any);
    const auto fast = matcher->match(frames_of(seized, true), any);
    const double full_known = full.empty() ? 0.0 : *full[0].known_percent;
    const double fast_known = fast.empty() ? 0.0 : *fast[0].known_percent;
    MESSAGE(name << ": known frames found at 1 fps " << full_known << "%, key frames only " << fast_known
                 << "% (recall " << (full_known > 0 ? 100.0 * fast_known / full_known : 0.0) << "%); seized frames in the known video "
                 << (full.empty() ? 0.0 : *full[0].seized_percent) << "% vs " << (fast.empty() ? 0.0 : *fast[0].seized_percent) << "%");
    CHECK(!full.empty());
  }
}

}  // namespace triage
