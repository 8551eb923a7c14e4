// Review thumbnails (thumbs/<sha256>.jpg): one per distinct still image, its longer side at most
// 256 pixels, turned as displayed by its EXIF orientation, grey, 0600, the same bytes on every run;
// none with --no-thumbnails.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <regex>
#include <set>

#include "tests/cli/cli_runner.h"
#include "tests/cli/image_tools.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test::q;
using test::sh;

void picture(const std::string& size, const fs::path& file, const std::string& exif = "") {
  fs::create_directories(file.parent_path());
  sh("ffmpeg -loglevel error -y -f lavfi -i 'testsrc2=size=" + size + "' -frames:v 1 " + q(file));
  if (!exif.empty()) sh("exiftool -q -n -overwrite_original " + exif + " " + q(file));
}

// Width x height and channel count of a JPEG, as file(1) reads its header.
std::string jpeg_shape(const fs::path& jpeg) {
  REQUIRE(std::system(("file -b " + q(jpeg) + " > " + q(jpeg.string() + ".txt")).c_str()) == 0);
  const std::string text = test::read_text(jpeg.string() + ".txt");
  fs::remove(jpeg.string() + ".txt");
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_search(text, m, std::regex(R"(precision 8, (\d+x\d+), components (\d))")), text);
  return m[1].str() + " " + m[2].str();
}

}  // namespace

TEST_CASE("thumbnails: one per distinct still image, at most 256 px, upright, grey, 0600, deterministic") {
  if (!test::require_tools({"ffmpeg", "exiftool", "file"})) return;
  test::TempDir tmp;
  const fs::path tree = tmp / "tree";
  picture("1024x512", tree / "wide.jpg");
  picture("320x160", tree / "sideways.jpg", "-Orientation=6");  // shown turned: 160 wide, 320 high
  picture("64x48", tree / "small.png");
  picture("300x600", tree / "tall.gif");
  fs::copy_file(tree / "wide.jpg", tree / "copy-of-wide.jpg");
  test::write_text(tree / "notes.txt", "not a picture");

  const auto run = test::run_cli({"scan", tree.string(), "--out", (tmp / "case").string()});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const json items = json::parse(test::read_text(tmp / "case" / "report.json"))["items"];
  std::map<std::string, std::string> sha256_of;
  for (const json& item : items) sha256_of[fs::path(item["path"].get<std::string>()).filename().string()] = item["sha256"].is_null() ? "" : item["sha256"].get<std::string>();

  const fs::path thumbs = tmp / "case" / "thumbs";
  CHECK(test::file_mode(thumbs) == 0700);
  std::set<std::string> files;
  for (const auto& entry : fs::directory_iterator(thumbs)) {
    files.insert(entry.path().filename().string());
    CHECK(test::file_mode(entry.path()) == 0600);
  }
  CHECK(files == std::set<std::string>{sha256_of["wide.jpg"] + ".jpg", sha256_of["sideways.jpg"] + ".jpg",
                                       sha256_of["small.png"] + ".jpg", sha256_of["tall.gif"] + ".jpg"});
  CHECK(jpeg_shape(thumbs / (sha256_of["wide.jpg"] + ".jpg")) == "256x128 1");
  CHECK(jpeg_shape(thumbs / (sha256_of["sideways.jpg"] + ".jpg")) == "128x256 1");
  CHECK(jpeg_shape(thumbs / (sha256_of["small.png"] + ".jpg")) == "64x48 1");  // never enlarged
  CHECK(jpeg_shape(thumbs / (sha256_of["tall.gif"] + ".jpg")) == "128x256 1");

  // The same evidence gives the same bytes; --no-thumbnails writes none.
  REQUIRE(test::run_cli({"scan", tree.string(), "--out", (tmp / "again").string(), "--jobs", "2"}).exit_code == 0);
  for (const std::string& name : files)
    CHECK(test::read_bytes(thumbs / name) == test::read_bytes(tmp / "again" / "thumbs" / name));
  REQUIRE(test::run_cli({"scan", tree.string(), "--out", (tmp / "none").string(), "--no-thumbnails"}).exit_code == 0);
  CHECK_FALSE(fs::exists(tmp / "none" / "thumbs"));
}

TEST_CASE("thumbnails: a video's is a strip of four evenly spaced sampled frames, turned as displayed") {
  if (!test::require_tools({"ffmpeg", "file"})) return;
  test::TempDir tmp;
  const fs::path tree = tmp / "tree";
  fs::create_directories(tree);
  sh("ffmpeg -loglevel error -y -f lavfi -i 'testsrc2=size=320x240:rate=10:duration=10' -c:v libx264 -pix_fmt yuv420p " +
     q(tree / "plain.mp4"));
  // Stored 320x240 and shown turned a quarter: FFmpeg 5.1 writes rotate=90 on a stream copy as a
  // display matrix of 270 degrees clockwise (see tests/formats/video/video_decoder_test.cpp).
  sh("ffmpeg -loglevel error -y -f lavfi -i 'testsrc2=size=320x240:rate=10:duration=6' -c:v libx264 -pix_fmt yuv420p " +
     q(tmp / "upright.mp4"));
  sh("ffmpeg -loglevel error -y -i " + q(tmp / "upright.mp4") + " -c copy -metadata:s:v:0 rotate=90 " + q(tree / "turned.mp4"));

  const auto run = test::run_cli({"scan", tree.string(), "--out", (tmp / "case").string(), "--video-fps", "1"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const json items = json::parse(test::read_text(tmp / "case" / "report.json"))["items"];
  std::map<std::string, json> by_name;
  for (const json& item : items) by_name[fs::path(item["path"].get<std::string>()).filename().string()] = item;
  REQUIRE(by_name.at("turned.mp4")["video"]["rotation"] == 270);
  // 240 / 72 = 3.33: each frame 96x72 stored, 72x96 turned; four of them side by side.
  CHECK(jpeg_shape(tmp / "case" / "thumbs" / (by_name.at("plain.mp4")["sha256"].get<std::string>() + ".jpg")) == "384x72 1");
  CHECK(jpeg_shape(tmp / "case" / "thumbs" / (by_name.at("turned.mp4")["sha256"].get<std::string>() + ".jpg")) == "288x96 1");

  // Without --video-fps no frame is decoded: no strip (never a decode for the thumbnail alone).
  REQUIRE(test::run_cli({"scan", tree.string(), "--out", (tmp / "nofps").string()}).exit_code == 0);
  CHECK(fs::is_empty(tmp / "nofps" / "thumbs"));
}

}  // namespace triage
