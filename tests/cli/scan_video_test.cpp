// `triage scan --video-fps N`: video metadata in case.db's videos table and one row per sampled
// frame in its frames table; without the option videos are digested only (no such rows).
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "tests/cli/cli_runner.h"
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

  auto with = test::run_cli({"scan", (tmp / "src").string(), "--out", (tmp / "with").string(), "--video-fps", "1", "-j", "1"});
  CHECK(with.exit_code == 0);
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

}  // namespace triage
