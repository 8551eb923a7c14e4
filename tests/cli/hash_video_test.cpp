// `triage hash VIDEO --format jsonl`: the item line with its `video` object, then one line per
// sampled frame; --video-fps 0 gives the reference's every-frame hashes (vpdq-threatexchange
// corpus, expected/local-debian12); damaged and large videos.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

namespace triage {

TEST_CASE("hash video: item line with video metadata, then one line per second of video") {
  auto dir = test::require_corpus("vpdq-threatexchange");
  if (!dir) return;
  const auto video = (*dir / "videos" / "test-padded-dimensions.mp4").string();
  auto run = test::run_cli({"hash", video, "--format", "jsonl"});
  CHECK(run.exit_code == 0);
  const auto lines = test::parse_lines(run.out);
  REQUIRE(lines.size() == 6);  // 150 frames at 30 fps: frames 0, 30, 60, 90, 120
  const auto& item = lines[0];
  CHECK(item["path"] == video);
  CHECK(item["media_type"] == "video");
  CHECK(item["sha256"].get<std::string>().size() == 64);
  REQUIRE(item.contains("video"));
  CHECK(item["video"]["codec"] == "h264");
  CHECK(item["video"]["width"] == 1080);
  CHECK(item["video"]["height"] == 1080);
  CHECK(item["video"]["frame_rate"] == 30.0);
  CHECK(item["video"]["frame_count"] == 150);
  CHECK(item["video"]["frames_decoded"] == 150);
  CHECK(item["video"]["rotation"] == 0);
  CHECK(item["frames_hashed"] == 5);
  CHECK(!item.contains("errors"));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto& f = lines[i];
    CHECK(f["path"] == video);
    CHECK(f["frame"] == 30 * (i - 1));
    CHECK(f["timestamp"] == static_cast<double>(i - 1));
    CHECK(f["pdq"].get<std::string>().size() == 64);
    CHECK(f["pdq_quality"].get<int>() >= 50);
    CHECK(!f.contains("size"));
  }
}

TEST_CASE("hash video: --video-fps 0 prints the reference's line for every frame") {
  auto dir = test::require_corpus("vpdq-threatexchange");
  if (!dir) return;
  const std::string name = "test-padded-dimensions";
  auto run = test::run_cli({"hash", (*dir / "videos" / (name + ".mp4")).string(), "--video-fps", "0"});
  CHECK(run.exit_code == 0);
  const auto lines = test::parse_lines(run.out);
  std::istringstream expected(test::read_text(*dir / "expected" / "local-debian12" / (name + ".txt")));
  std::string want;
  std::size_t i = 1, equal = 0;
  for (; std::getline(expected, want); ++i) {
    REQUIRE(i < lines.size());
    const auto& f = lines[i];
    const std::string got = fmt::format("{},{},{},{:.3f}", f["frame"].get<int>(), f["pdq_quality"].get<int>(),
                                        f["pdq"].get<std::string>(), f["timestamp"].get<double>());
    equal += got == want ? 1u : 0u;
  }
  CHECK(lines.size() == i);
  CHECK(equal == i - 1);  // 150/150: the same FFmpeg as the reference run
}

TEST_CASE("hash video: a damaged video is an item error (exit 1), not a crash; --video-fps is checked") {
  auto dir = test::require_corpus("vpdq-threatexchange");
  if (!dir) return;
  test::TempDir tmp;
  auto bytes = test::read_bytes(*dir / "videos" / "doorknob-hd-no-bar.mp4");
  bytes.resize(bytes.size() / 2);
  test::write_bytes(tmp / "cut.mp4", bytes);
  auto run = test::run_cli({"hash", (tmp / "cut.mp4").string()});
  CHECK(run.exit_code == 1);
  const auto lines = test::parse_lines(run.out);
  REQUIRE(!lines.empty());
  REQUIRE(lines[0].contains("errors"));
  CHECK(lines[0]["errors"][0]["stage"] == "video");
  CHECK(test::run_cli({"hash", (tmp / "cut.mp4").string(), "--video-fps", "-1"}).exit_code == 2);
}

TEST_CASE("hash video: a video over the in-memory limit (16 MiB) is decoded through the walker's reader") {
  test::TempDir tmp;
  const auto big = tmp / "big.avi";
  // Raw BGR frames (AVI's own layout): 640x480x3 bytes x 25 = 23 MB in one second of video.
  const std::string cmd = fmt::format(
      "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc=size=640x480:rate=25:duration=1 "
      "-c:v rawvideo -pix_fmt bgr24 '{}'",
      big.string());
  if (std::system(cmd.c_str()) != 0) {
    MESSAGE("SKIPPED: ffmpeg not available (tools/setup.sh --test)");
    return;
  }
  REQUIRE(std::filesystem::file_size(big) > (16u << 20));
  auto run = test::run_cli({"hash", big.string(), "--video-fps", "0"});
  CHECK(run.exit_code == 0);
  const auto lines = test::parse_lines(run.out);
  REQUIRE(lines.size() == 26);
  CHECK(lines[0]["video"]["codec"] == "rawvideo");
  CHECK(lines[25]["frame"] == 24);
}

}  // namespace triage
