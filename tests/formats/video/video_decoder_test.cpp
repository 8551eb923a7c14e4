// Video decoding: metadata, 1 fps sampling, budgets, and damaged input as an error or a partial
// result within the time budget (never a crash or a hang). Videos are the corpus's benign samples
// or generated here with Debian's ffmpeg from its built-in test pattern.
#include "formats/video/video_decoder.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "tests/formats/video/video_test_limits.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

using Clock = std::chrono::steady_clock;

// A generated MPEG-4 Part 2 video (320x240, 25 fps, 3 s) with a creation time and a display
// matrix (FFmpeg 5.1's mov muxer writes `rotate=90` on a stream copy as a matrix that ffprobe
// reports as "rotation of 90.00 degrees", i.e. counter-clockwise: 270 clockwise to display);
// nullopt (and a SKIPPED message) when ffmpeg is missing.
std::optional<std::filesystem::path> generated_video(const test::TempDir& dir) {
  const auto plain = dir / "plain.mp4";
  const auto out = dir / "pattern.mp4";
  const std::string cmd = fmt::format(
      "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=25:duration=3 "
      "-c:v mpeg4 -q:v 5 '{}' && ffmpeg -nostdin -hide_banner -loglevel error -y -i '{}' -c copy "
      "-metadata creation_time=2024-01-02T03:04:05Z -metadata:s:v:0 rotate=90 '{}'",
      plain.string(), plain.string(), out.string());
  if (std::system(cmd.c_str()) != 0) {
    MESSAGE("SKIPPED: ffmpeg not available (tools/setup.sh --test)");
    return std::nullopt;
  }
  return out;
}

std::vector<std::byte> corpus_video(const std::filesystem::path& dir) {
  return test::read_bytes(dir / "videos" / "doorknob-hd-no-bar.mp4");
}

using test::kBudget;
using test::kQuick;

}  // namespace

TEST_CASE("video: metadata of a generated video (container, codec, size, rate, duration, count, time, rotation)") {
  test::TempDir dir;
  auto file = generated_video(dir);
  if (!file) return;
  auto info = probe_video_file(file->string());
  REQUIRE_MESSAGE(info.ok(), info.error().message);
  CHECK(info->container.find("mp4") != std::string::npos);
  CHECK(info->codec == "mpeg4");
  CHECK(info->width == 320);
  CHECK(info->height == 240);
  CHECK(info->frame_rate == doctest::Approx(25.0));
  REQUIRE(info->duration);
  CHECK(*info->duration == doctest::Approx(3.0).epsilon(0.05));
  CHECK(info->frame_count == 75);
  REQUIRE(info->creation_time);
  CHECK(info->creation_time->starts_with("2024-01-02T03:04:05"));
  CHECK(info->rotation == 270);
}

TEST_CASE("video: one frame per second by default, every frame at fps 0, two at fps 2") {
  test::TempDir dir;
  auto file = generated_video(dir);
  if (!file) return;
  auto one = hash_video_file(file->string());
  REQUIRE_MESSAGE(one.ok(), one.error().message);
  CHECK(!one->incomplete);
  CHECK(one->decoded_frames == 75);
  REQUIRE(one->frames.size() == 3);
  CHECK(one->frames[1].frame == 25);
  CHECK(one->frames[1].timestamp == doctest::Approx(1.0));
  CHECK(one->frames[2].frame == 50);
  for (const auto& f : one->frames) CHECK(f.pdq.quality >= 50);

  VideoOptions every;
  every.fps = 0;
  auto all = hash_video_file(file->string(), every);
  REQUIRE(all.ok());
  CHECK(all->frames.size() == 75);
  CHECK(all->frames[25].pdq.hash == one->frames[1].pdq.hash);

  VideoOptions two;
  two.fps = 2;
  auto half = hash_video_file(file->string(), two);
  REQUIRE(half.ok());
  REQUIRE(half->frames.size() == 7);  // 0, 12, 24, ... 72
  CHECK(half->frames[1].frame == 12);
}

TEST_CASE("video: the frame budget stops decoding with a partial result that says so") {
  test::TempDir dir;
  auto file = generated_video(dir);
  if (!file) return;
  VideoOptions options;
  options.fps = 0;
  options.max_frames = 10;
  auto got = hash_video_file(file->string(), options);
  REQUIRE(got.ok());
  CHECK(got->decoded_frames == 10);
  CHECK(got->frames.size() == 10);
  REQUIRE(got->incomplete);
  CHECK(got->incomplete->stage == "video");
  CHECK(got->incomplete->message.find("frame budget") != std::string::npos);
}

TEST_CASE("video: an exhausted time budget is an error or a partial result, at once") {
  test::TempDir dir;
  auto file = generated_video(dir);
  if (!file) return;
  VideoOptions options;
  options.max_time = std::chrono::milliseconds(0);
  const auto start = Clock::now();
  auto got = hash_video_file(file->string(), options);
  CHECK(Clock::now() - start < kQuick);
  if (got.ok()) {
    REQUIRE(got->incomplete);
    CHECK(got->incomplete->message.find("time budget") != std::string::npos);
  } else {
    CHECK(got.error().message.find("time budget") != std::string::npos);
  }
}

TEST_CASE("video: an interrupted scan (VideoOptions::cancel) stops a decode at once, saying so") {
  test::TempDir dir;
  auto file = generated_video(dir);
  if (!file) return;
  std::atomic<bool> cancel{false};
  VideoOptions options;
  options.fps = 0;
  options.cancel = &cancel;
  auto whole = hash_video_file(file->string(), options);  // the flag, unset, changes nothing
  REQUIRE(whole.ok());
  CHECK_FALSE(whole->incomplete);
  cancel = true;
  const auto start = Clock::now();
  auto got = hash_video_file(file->string(), options);
  CHECK(Clock::now() - start < kQuick);
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().message == "interrupted while opening the video");
}

TEST_CASE("video: not a video, empty, and a corrupt header are errors") {
  const std::vector<std::byte> empty;
  auto a = hash_video_buffer(empty);
  REQUIRE(!a.ok());
  CHECK(a.error().stage == "video");

  std::vector<std::byte> text(5000);
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<std::byte>("benign text "[i % 12]);
  CHECK(!hash_video_buffer(text).ok());
  CHECK(!probe_video_buffer(text).ok());

  auto dir = test::require_corpus("vpdq-threatexchange");
  if (!dir) return;
  auto bytes = corpus_video(*dir);
  // The first 4 KiB zeroed (the ftyp box and whatever follows it): an error or, should the
  // demuxer resynchronise, a small partial result, quickly.
  for (std::size_t i = 0; i < 4096; ++i) bytes[i] = std::byte{0};
  const auto start = Clock::now();
  auto got = hash_video_buffer(bytes);
  CHECK(Clock::now() - start < kQuick);
  if (got.ok()) CHECK(got->frames.size() <= 5);
}

TEST_CASE("video: a truncated video gives the frames before the cut or an error, quickly") {
  auto dir = test::require_corpus("vpdq-threatexchange");
  if (!dir) return;
  const auto whole = corpus_video(*dir);
  for (const double keep : {0.1, 0.5, 0.9}) {
    CAPTURE(keep);
    std::vector<std::byte> cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(keep * static_cast<double>(whole.size())));
    VideoOptions options;
    options.fps = 0;
    options.max_time = kBudget;
    const auto start = Clock::now();
    auto got = hash_video_buffer(cut, options);
    CHECK(Clock::now() - start < kQuick);
    if (got.ok()) {
      CHECK(got->frames.size() <= 120);
      for (std::size_t i = 1; i < got->frames.size(); ++i) CHECK(got->frames[i].frame > got->frames[i - 1].frame);
    } else {
      CHECK(got.error().stage == "video");
    }
  }
}

TEST_CASE("video: bit-flipped videos never crash or hang, and the damage is reported") {
  auto dir = test::require_corpus("vpdq-threatexchange");
  if (!dir) return;
  const auto whole = corpus_video(*dir);
  for (const std::size_t stride : {97u, 997u, 9973u}) {
    CAPTURE(stride);
    auto bytes = whole;
    // Spare the first 64 bytes (ftyp) so the demuxer gets as far as the frames.
    for (std::size_t i = 64; i < bytes.size(); i += stride) bytes[i] ^= std::byte{0x5a};
    VideoOptions options;
    options.fps = 0;
    options.max_time = kBudget;
    const auto start = Clock::now();
    auto got = hash_video_buffer(bytes, options);
    CHECK(Clock::now() - start < kQuick);
    if (got.ok()) CHECK(got->frames.size() <= 200);
  }
}

}  // namespace triage

namespace triage {
namespace {

// The file's bytes, failing at and after `fail_at` as an unreadable sector of an image would.
class FailingReader final : public RandomAccessReader {
 public:
  FailingReader(std::span<const std::byte> bytes, std::uint64_t fail_at) : inner_(bytes), fail_at_(fail_at) {}
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset + out.size() > fail_at_) {
      if (offset >= fail_at_) return Error{"read", fmt::format("unreadable at byte {}", offset)};
      out = out.first(static_cast<std::size_t>(fail_at_ - offset));
    }
    return inner_.read_at(offset, out);
  }

 private:
  SpanReader inner_;
  std::uint64_t fail_at_;
};

}  // namespace

TEST_CASE("video: through a reader, the frames of the file; a read error keeps the frames before it, named") {
  test::TempDir dir;
  auto file = generated_video(dir);
  if (!file) return;
  VideoOptions every;
  every.fps = 0;
  const auto bytes = test::read_bytes(*file);
  auto by_path = hash_video_file(file->string(), every);
  REQUIRE(by_path.ok());
  SpanReader whole(bytes);
  auto by_reader = hash_video_reader(whole, bytes.size(), every);
  REQUIRE_MESSAGE(by_reader.ok(), by_reader.error().message);
  CHECK_FALSE(by_reader->incomplete);
  REQUIRE(by_reader->frames.size() == by_path->frames.size());
  for (std::size_t i = 0; i < by_path->frames.size(); ++i)
    CHECK(by_reader->frames[i].pdq.hash == by_path->frames[i].pdq.hash);

  // generated_video's mp4 keeps its index (moov) at the end: a read error there fails the opening.
  FailingReader tail_lost(bytes, bytes.size() - 100);
  auto unopened = hash_video_reader(tail_lost, bytes.size(), every);
  REQUIRE_FALSE(unopened.ok());
  CHECK(unopened.error().stage == "video");
  CHECK_MESSAGE(unopened.error().message.find("unreadable at byte") != std::string::npos, unopened.error().message);

  // With the index first (faststart), a read error half-way keeps the frames before it.
  const auto fast = dir / "fast.mp4";
  REQUIRE(std::system(fmt::format("ffmpeg -nostdin -hide_banner -loglevel error -y -i '{}' -c copy -movflags faststart '{}'",
                                  file->string(), fast.string())
                          .c_str()) == 0);
  const auto fast_bytes = test::read_bytes(fast);
  FailingReader half_lost(fast_bytes, fast_bytes.size() / 2);
  auto partial = hash_video_reader(half_lost, fast_bytes.size(), every);
  REQUIRE_MESSAGE(partial.ok(), partial.error().message);
  REQUIRE(partial->incomplete);
  CHECK_MESSAGE(partial->incomplete->message.find("read error: unreadable at byte") != std::string::npos,
                partial->incomplete->message);
  CHECK(partial->frames.size() > 10);
  CHECK(partial->frames.size() < 75);
  // The last one may come from the packet the error cut short (FFmpeg decodes what was read).
  for (std::size_t i = 0; i + 1 < partial->frames.size(); ++i)
    CHECK_MESSAGE(partial->frames[i].pdq.hash == by_path->frames[i].pdq.hash, i << " of " << partial->frames.size());
}

}  // namespace triage
