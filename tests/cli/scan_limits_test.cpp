// Resource limits of a scan (issue 8): --max-pixels refuses images by their header before any
// pixel is decoded (a PNG claiming 100,000 x 100,000), --item-timeout stops an item's remaining
// stages; each stop is an error row with its reason, and the limits are recorded in the run.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace triage;

namespace {

using test::bytes_of;

// A PNG whose IHDR claims 100,000 x 100,000 pixels (8-bit RGB), then a token IDAT.
std::vector<std::byte> png_bomb() {
  auto png = bytes_of({0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0x00, 0x01,
                       0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0, 8, 2, 0, 0, 0, 0, 0, 0, 0});
  const auto idat = bytes_of({0, 0, 0, 10, 'I', 'D', 'A', 'T', 0x78, 0x9C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  png.insert(png.end(), idat.begin(), idat.end());
  return png;
}

// stage: message of every error row, by the file name of its path.
std::multimap<std::string, std::string> error_rows(const fs::path& db_file) {
  std::multimap<std::string, std::string> rows;
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT path, stage, message FROM errors ORDER BY seq", -1, &stmt, nullptr) ==
          SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const std::string path(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0)));
    rows.emplace(fs::path(path).filename().string(),
                 std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1))) + ": " +
                     reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

std::string run_options(const fs::path& db_file) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT options FROM runs", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  std::string options = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return options;
}

bool has_row(const std::multimap<std::string, std::string>& rows, const std::string& file, const std::string& text) {
  auto [from, to] = rows.equal_range(file);
  for (auto it = from; it != to; ++it)
    if (it->second.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("--max-pixels refuses images by their header; each refusal is an error row with the reason") {
  test::TempDir tmp;
  const fs::path src = tmp / "src";
  fs::create_directories(src);
  test::write_bytes(src / "bomb.png", png_bomb());
  test::write_bytes(src / "small.bmp", test::pattern_bmp(7, 16, 16));  // 256 pixels

  auto by_default = test::run_cli({"scan", src.string(), "--out", (tmp / "a").string(), "--format", "jsonl"});
  CHECK(by_default.exit_code == 1);
  auto rows = error_rows(tmp / "a" / "case.db");
  CHECK(has_row(rows, "bomb.png", "100000x100000 pixels exceeds the limit of 64000000 pixels"));
  CHECK(rows.count("small.bmp") == 0);
  const auto lines = test::parse_lines(by_default.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["path"] == (src / "bomb.png").string());
  CHECK(lines[0]["exif"]["width"] == 100000);  // the header was read; no pixel was decoded
  CHECK_FALSE(lines[0].contains("pdq"));
  CHECK(lines[1]["pdq"].is_string());
  CHECK(run_options(tmp / "a" / "case.db").find("\"max_pixels\":64000000") != std::string::npos);

  auto strict = test::run_cli({"scan", src.string(), "--out", (tmp / "b").string(), "--max-pixels", "100"});
  CHECK(strict.exit_code == 1);
  rows = error_rows(tmp / "b" / "case.db");
  CHECK(has_row(rows, "small.bmp", "16x16 pixels exceeds the limit of 100 pixels"));
  CHECK(has_row(rows, "bomb.png", "exceeds the limit of 100 pixels"));
  CHECK(run_options(tmp / "b" / "case.db").find("\"max_pixels\":100") != std::string::npos);

  CHECK(test::run_cli({"scan", src.string(), "--out", (tmp / "c").string(), "--max-pixels", "0"}).exit_code == 2);
}

TEST_CASE("--item-timeout stops an item's remaining stages and records which, digests and matches kept") {
  test::TempDir tmp;
  const fs::path src = tmp / "src";
  fs::create_directories(src);
  for (unsigned i = 0; i < 4; ++i)
    test::write_bytes(src / ("img" + std::to_string(i) + ".bmp"), test::pattern_bmp(i, 64, 64));

  // Generous: nothing stops.
  auto generous = test::run_cli({"scan", src.string(), "--out", (tmp / "a").string(), "--item-timeout", "60"});
  CHECK(generous.exit_code == 0);
  CHECK(error_rows(tmp / "a" / "case.db").empty());
  CHECK(run_options(tmp / "a" / "case.db").find("\"item_timeout\":60") != std::string::npos);

  // One microsecond: spent before PDQ (digesting 12 KB alone takes longer) on every image.
  auto tight = test::run_cli(
      {"scan", src.string(), "--out", (tmp / "b").string(), "--item-timeout", "0.000001", "--format", "jsonl"});
  CHECK(tight.exit_code == 1);
  const auto rows = error_rows(tmp / "b" / "case.db");
  for (unsigned i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(has_row(rows, "img" + std::to_string(i) + ".bmp", "time_budget: item time budget of 0.000 s (--item-timeout)"));
  }
  for (const auto& line : test::parse_lines(tight.out)) {
    CHECK_FALSE(line.contains("pdq"));
    CHECK(line["errors"][0]["stage"] == "time_budget");
  }
  CHECK(test::run_cli({"scan", src.string(), "--out", (tmp / "c").string(), "--item-timeout", "0"}).exit_code == 2);
}
