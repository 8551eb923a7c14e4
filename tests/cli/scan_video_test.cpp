// `triage scan --video-fps N`: video metadata in case.db's videos table and one row per sampled
// frame in its frames table; without the option videos are digested only (no such rows). With
// hash sets, sampled frames are matched against still-image PDQ hashes and against known videos
// of a vPDQ file made by `triage hash --format vpdq`.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/digest/digests.h"
#include "formats/video/video_decoder.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/image_tools.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;

std::string query_text(const fs::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(stmt, 0);
    if (text != nullptr) out = reinterpret_cast<const char*>(text);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_CASE("scan video: --video-fps fills the videos and frames tables; without it they stay empty") {
  auto dir = test::require_corpus("vpdq-threatexchange");
  if (!dir) return;
  test::TempDir tmp;
  fs::create_directories(tmp / "src");
  fs::copy_file(*dir / "videos" / "doorknob-hd-no-bar.mp4", tmp / "src" / "doorknob.mp4");

  const std::vector<std::string> scan_with{"scan",        (tmp / "src").string(), "--out", (tmp / "with").string(),
                                           "--video-fps", "1", "-j", "1", "--format", "jsonl"};
  auto with = test::run_cli(scan_with);
  CHECK(with.exit_code == 0);
  const auto lines = test::parse_lines(with.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["video"]["codec"] == "h264");
  CHECK(lines[0]["video"]["frames_decoded"] == 120);
  CHECK(lines[0]["frames_hashed"] == 4);
  // What case.db keeps gives the same line: in report.json, and replayed by --resume of the
  // completed case.
  auto report = nlohmann::json::parse(test::read_text(tmp / "with" / "report.json"));
  REQUIRE(report["items"].size() == 1);
  auto from_case = report["items"][0];
  from_case.erase("seq");
  from_case.erase("source_index");
  // The cluster is decided after the walk: the stream cannot carry it. A lone video is its own.
  CHECK(from_case["cluster"] == lines[0]["sha256"]);
  CHECK(from_case["cluster_size"] == 1);
  from_case.erase("cluster");
  from_case.erase("cluster_size");
  CHECK(from_case == lines[0]);
  auto resume_args = scan_with;
  resume_args.push_back("--resume");
  auto replayed = test::run_cli(resume_args);
  CHECK(replayed.exit_code == 0);
  CHECK(replayed.out == with.out);
  const auto db = tmp / "with" / "case.db";
  CHECK(query_text(db, "SELECT codec || ' ' || width || 'x' || height || ' ' || frames_decoded FROM videos") ==
        "h264 1280x720 120");
  CHECK(query_text(db, "SELECT count(*) FROM frames") == "4");  // 120 frames at 30 fps: 0, 30, 60, 90
  // Frame 0 as the reference hashed it (expected/local-debian12).
  CHECK(query_text(db, "SELECT pdq || ',' || pdq_quality FROM frames WHERE frame = 0") ==
        "dadb999c25266273529cadac8dcb52c22324ad3bce99726c38668d93c799f06c,100");
  CHECK(query_text(db, "SELECT count(*) FROM frames f JOIN items i ON i.id = f.item_id WHERE i.media_type = 'video'") ==
        "4");
  CHECK(query_text(db, "SELECT json_extract(options, '$.video_fps') FROM runs") == "1");

  auto without = test::run_cli({"scan", (tmp / "src").string(), "--out", (tmp / "without").string(), "-j", "1"});
  CHECK(without.exit_code == 0);
  CHECK(query_text(tmp / "without" / "case.db", "SELECT count(*) FROM frames") == "0");
  CHECK(query_text(tmp / "without" / "case.db", "SELECT count(*) FROM videos") == "0");
}

TEST_CASE("scan video: frames match a known still (frame, timestamp) and a known video (both shares)") {
  auto dir = test::require_corpus("vpdq-threatexchange");
  if (!dir) return;
  test::TempDir tmp;
  fs::create_directories(tmp / "src");
  fs::create_directories(tmp / "known");
  fs::copy_file(*dir / "videos" / "doorknob-hd-no-bar.mp4", tmp / "src" / "doorknob.mp4");
  fs::copy_file(*dir / "videos" / "test-padded-dimensions.mp4", tmp / "known" / "padded.mp4");
  fs::copy_file(*dir / "videos" / "test-padded-dimensions.mp4", tmp / "src" / "padded-copy.mp4");

  // The known video's frame hashes as this tool exports them.
  auto exported = test::run_cli({"hash", (tmp / "known" / "padded.mp4").string(), "--format", "vpdq"});
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.out.rfind("# video: ", 0) == 0);
  test::write_text(tmp / "known-videos.vpdq", exported.out + "# category: 1\n");
  // A known still: the doorknob's frame 30 (quality 68) as the reference hashed it (expected/local-debian12).
  const auto lines = test::read_text(*dir / "expected" / "local-debian12" / "doorknob-hd-no-bar.txt");
  const auto line30 = lines.substr(lines.find("\n30,") + 1);
  const std::string pdq30 = line30.substr(line30.find(',', 3) + 1, 64);
  test::write_text(tmp / "stills.txt", pdq30 + " 2\n");

  auto run = test::run_cli({"scan", (tmp / "src").string(), "--out", (tmp / "case").string(), "--hashset",
                            (tmp / "known-videos.vpdq").string(), "--hashset", (tmp / "stills.txt").string(),
                            "--video-fps", "1", "--format", "jsonl", "-j", "1"});
  CHECK(run.exit_code == 0);
  bool still_seen = false, video_seen = false;
  for (const auto& item : test::parse_lines(run.out)) {
    if (!item.contains("matches")) continue;
    for (const auto& m : item["matches"]) {
      if (m["hash_type"] == "pdq") {
        CHECK(item["path"].get<std::string>().find("doorknob.mp4") != std::string::npos);
        CHECK(m["frame"] == 30);
        CHECK(m["timestamp"] == 1.0);
        CHECK(m["distance"] == 0);
        CHECK(m["probable"] == true);
        still_seen = true;
      }
      if (m["hash_type"] == "vpdq") {
        CHECK(item["path"].get<std::string>().find("padded-copy.mp4") != std::string::npos);
        CHECK(m["set"] == "known-videos");
        CHECK(m["category"] == "1");
        CHECK(m["seized_percent"] == 100.0);
        CHECK(m["known_percent"] == 100.0);
        CHECK(m["probable"] == true);
        CHECK(item["category_probable"] == true);
        video_seen = true;
      }
    }
  }
  CHECK(still_seen);
  CHECK(video_seen);
  const auto db = tmp / "case" / "case.db";
  CHECK(query_text(db, "SELECT frame || ' ' || timestamp FROM matches WHERE hash_type = 'pdq'") == "30 1.0");
  CHECK(query_text(db, "SELECT seized_percent || ' ' || known_percent FROM matches WHERE hash_type = 'vpdq'") ==
        "100.0 100.0");
  CHECK(query_text(db, "SELECT format || ' ' || record_count FROM hash_sets WHERE name = 'known-videos'") == "vpdq 1");
}

}  // namespace triage

namespace triage {
namespace {

// The frame hashes case.db holds for the item whose path ends with `suffix`, in frame order.
std::string frames_of(const fs::path& db, const std::string& suffix) {
  return query_text(db, "SELECT group_concat(f.frame || ':' || f.pdq, ' ') FROM (SELECT f.frame, f.pdq FROM frames f "
                        "JOIN items i ON i.id = f.item_id WHERE CAST(i.path AS TEXT) LIKE '%" +
                            suffix + "' ORDER BY f.frame) f");
}

}  // namespace

TEST_CASE("scan video: a video over the in-memory limit (16 MiB) is frame-hashed where it lies, image and folder") {
  if (!test::require_tools({"ffmpeg", "mke2fs"})) return;
  test::TempDir tmp;
  fs::create_directories(tmp / "tree");
  fs::create_directories(tmp / "folder");
  // Raw BGR frames (AVI's own layout): 640x480x3 bytes x 25 = 23 MB in one second of video.
  const auto big = tmp / "tree" / "big.avi";
  test::sh("ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc=size=640x480:rate=25:duration=1 "
           "-c:v rawvideo -pix_fmt bgr24 " + test::q(big));
  REQUIRE(fs::file_size(big) > (16u << 20));
  fs::copy_file(big, tmp / "folder" / "big.avi");
  const fs::path image = tmp / "ext4.img";
  test::sh("mke2fs -q -t ext4 -d " + test::q(tmp / "tree") + " " + test::q(image) + " 40000");
  // The folder's copy: an access time older than its modification time, which a plain read
  // would update (relatime); the walker's descriptor does not touch it.
  const auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(24 * 400);
  fs::last_write_time(tmp / "folder" / "big.avi", old_time + std::chrono::hours(1));
  test::sh("touch -a -d '@" + std::to_string(std::time(nullptr) - 400 * 86400) + "' " + test::q(tmp / "folder" / "big.avi"));
  struct stat before {};
  REQUIRE(::stat((tmp / "folder" / "big.avi").c_str(), &before) == 0);

  // The oracle: FFmpeg opening the file by its path.
  VideoOptions every;
  every.fps = 0;
  const auto expected = hash_video_file(big.string(), every);
  REQUIRE(expected);
  REQUIRE(expected->frames.size() == 25);
  std::string expected_frames;
  for (const auto& f : expected->frames)
    expected_frames += (expected_frames.empty() ? "" : " ") + std::to_string(f.frame) + ":" + f.pdq.hash.to_hex();

  // One scan of both sources (the folder's large videos were decoded from their path only when
  // every source was a folder; the image's never).
  auto run = test::run_cli({"scan", image.string(), (tmp / "folder").string(), "--out", (tmp / "case").string(),
                            "--video-fps", "0", "--format", "jsonl", "--no-source-hash"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  int videos = 0;
  for (const auto& item : test::parse_lines(run.out)) {
    if (item["media_type"] != "video") continue;
    ++videos;
    CHECK_MESSAGE(!item.contains("errors"), item.dump());
    CHECK(item["video"]["codec"] == "rawvideo");
    CHECK(item["video"]["frames_decoded"] == 25);
    CHECK(item["frames_hashed"] == 25);
    CHECK(item["md5"] == digest_buffer(test::read_bytes(big)).md5);
  }
  CHECK(videos == 2);
  const auto db = tmp / "case" / "case.db";
  CHECK(frames_of(db, "ext4.img:/big.avi") == expected_frames);
  CHECK(frames_of(db, "folder/big.avi") == expected_frames);
  struct stat after {};
  REQUIRE(::stat((tmp / "folder" / "big.avi").c_str(), &after) == 0);
  CHECK(after.st_atim.tv_sec == before.st_atim.tv_sec);
  CHECK(after.st_atim.tv_nsec == before.st_atim.tv_nsec);
}

}  // namespace triage
