#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/digest/digests.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/sample_case.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const json* find_by_suffix(const std::vector<json>& lines, const std::string& suffix) {
  for (const auto& l : lines)
    if (l.contains("path") && l["path"].get<std::string>().ends_with(suffix)) return &l;
  return nullptr;
}


// Every row of the items table, as text, in id order.
std::vector<std::string> item_rows(const fs::path& db_file) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT * FROM items ORDER BY id", -1, &stmt, nullptr) == SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const auto* text = sqlite3_column_blob(stmt, c);
      row += text ? std::string(static_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)))
                  : std::string("NULL");
      row += '|';
    }
    rows.push_back(row);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}


}  // namespace

TEST_CASE("scan of the bundled samples: media by content, digests, EXIF, JSON Lines") {
  test::TempDir tmp;
  auto run = test::run_cli({"scan", test::sample_evidence().string(), "--out", (tmp / "case").string(), "--format", "jsonl"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  const auto lines = test::parse_lines(run.out);
  CHECK(lines.size() == 12);

  const json* img = find_by_suffix(lines, "DCIM/100TEST/IMG_0001.jpg");
  REQUIRE(img);
  CHECK((*img)["media_type"] == "image");
  CHECK((*img)["mime"] == "image/jpeg");
  CHECK((*img)["extension_mismatch"] == false);
  CHECK((*img)["deleted"] == false);
  CHECK((*img)["md5"].get<std::string>().size() == 32);
  CHECK((*img)["sha1"].get<std::string>().size() == 40);
  CHECK((*img)["sha256"].get<std::string>().size() == 64);
  const json& exif = (*img)["exif"];
  CHECK(exif["make"] == "Triage Test Camera Co");
  CHECK(exif["model"] == "Pattern 100");
  CHECK(exif["serial"] == "SN-0001");
  CHECK(exif["datetime_original"] == "2024:05:01 10:20:30");
  CHECK(exif["gps_lat"].get<double>() == doctest::Approx(51.5007).epsilon(1e-9));
  CHECK(exif["gps_lon"].get<double>() == doctest::Approx(-0.1246).epsilon(1e-9));
  CHECK(exif["width"] == 160);
  CHECK(exif["height"] == 120);
  CHECK(exif["orientation"] == 1);
  CHECK((*img)["pdq"].get<std::string>().size() == 64);
  CHECK((*img)["pdq_quality"].get<int>() >= 0);
  CHECK((*img)["category"] == "Uncategorised (needs grading)");  // no hash set given
  CHECK((*img)["matches"].empty());

  const json* disguised = find_by_suffix(lines, "Downloads/invoice.txt");
  REQUIRE(disguised);
  CHECK((*disguised)["media_type"] == "image");
  CHECK((*disguised)["extension_mismatch"] == true);
  CHECK((*find_by_suffix(lines, "Downloads/invoice.txt"))["exif"]["orientation"] == 6);

  const json* fake_jpg = find_by_suffix(lines, "Documents/photo.jpg");
  REQUIRE(fake_jpg);
  CHECK((*fake_jpg)["media_type"] == "other");
  CHECK((*fake_jpg)["extension_mismatch"] == true);
  CHECK((*fake_jpg)["md5"].is_null());  // not media: identified, not digested by default

  const json* video = find_by_suffix(lines, "Videos/clip.mp4");
  REQUIRE(video);
  CHECK((*video)["media_type"] == "video");
  CHECK((*video)["mime"] == "video/mp4");

  for (const char* still : {"bars.gif", "grid.bmp", "grid.tif", "pattern.png", "pattern.webp"}) {
    CAPTURE(still);
    const json* l = find_by_suffix(lines, still);
    REQUIRE(l);
    CHECK((*l)["media_type"] == "image");
    CHECK((*l)["extension_mismatch"] == false);
  }
  for (const char* out : {"case.db", "items.csv", "SHA256SUMS"}) CHECK(fs::exists(tmp / "case" / out));
}

TEST_CASE("--jobs 1 and --jobs 4 give identical item rows") {
  test::TempDir tmp;
  auto one = test::run_cli({"scan", test::sample_evidence().string(), "--out", (tmp / "one").string(), "--jobs", "1", "--all-files", "--format", "jsonl"});
  auto four = test::run_cli({"scan", test::sample_evidence().string(), "--out", (tmp / "four").string(), "--jobs", "4", "--all-files", "--format", "jsonl"});
  CHECK(one.exit_code == 0);
  CHECK(four.exit_code == 0);
  CHECK(one.out == four.out);
  const auto rows_one = item_rows(tmp / "one" / "case.db");
  CHECK(rows_one.size() == 12);
  CHECK(rows_one == item_rows(tmp / "four" / "case.db"));
  CHECK(test::read_text(tmp / "one" / "items.csv") == test::read_text(tmp / "four" / "items.csv"));
}

TEST_CASE("hostile names, special files, links and a 5 GB sparse file are scanned and escaped") {
  test::TempDir tmp;
  const fs::path src = tmp / "src";
  fs::create_directories(src / "deep");
  const auto jpeg = test::read_bytes(test::sample_evidence() / "DCIM/100TEST/IMG_0002.jpg");
  const std::vector<std::string> names = {"new\nline.jpg", "bad\xFF\xFE.jpg", "<script>alert(1)<\\script>.jpg",
                                          "=cmd|' -C calc'!A0.jpg", std::string(250, 'n') + ".jpg",
                                          "comma, \"quote\".jpg"};
  for (const auto& n : names) test::write_bytes(src / n, jpeg);
  test::write_bytes(src / "deep" / (std::string(200, 'd') + ".jpg"), jpeg);  // path over 300 bytes
  {
    std::ofstream sparse(src / "sparse.bin", std::ios::binary);
  }
  fs::resize_file(src / "sparse.bin", 5ull << 30);
  REQUIRE(::mkfifo((src / "pipe").c_str(), 0600) == 0);
  fs::create_directory_symlink("..", src / "deep" / "loop");
  fs::create_symlink("/etc/passwd", src / "outside");

  auto run = test::run_cli({"scan", src.string(), "--out", (tmp / "case").string(), "--format", "jsonl"});
  CHECK(run.exit_code == 1);  // the named pipe is an error row; the run still finishes
  const auto lines = test::parse_lines(run.out);
  int images = 0, pipe_errors = 0, links = 0;
  for (const auto& l : lines) {
    if (l.contains("media_type") && l["media_type"] == "image") {
      ++images;
      CHECK_FALSE(l.contains("errors"));
    }
    if (l.contains("error") && l["error"] == "special_file") ++pipe_errors;
    if (l.contains("error") && l["error"] == "symlink_not_followed") ++links;
  }
  CHECK(images == 7);
  CHECK(pipe_errors == 1);
  CHECK(links == 2);
  const json* bad = find_by_suffix(lines, "bad\xEF\xBF\xBD\xEF\xBF\xBD.jpg");
  REQUIRE(bad);
  CHECK((*bad)["path_hex"].get<std::string>().ends_with("626164fffe2e6a7067"));
  const json* sparse = find_by_suffix(lines, "sparse.bin");
  REQUIRE(sparse);
  CHECK((*sparse)["size"] == 5ull << 30);
  CHECK((*sparse)["media_type"] == "other");

  const std::string csv = test::read_text(tmp / "case" / "items.csv");
  const auto rows = test::parse_csv(csv);
  REQUIRE(rows.size() == 9);  // header + 8 files (the pipe and links are not items)
  for (const auto& row : rows) CHECK(row.size() == rows[0].size());
  std::set<std::string> csv_paths;
  for (std::size_t i = 1; i < rows.size(); ++i) csv_paths.insert(rows[i][0]);
  for (const auto& n : names) {
    if (n.starts_with("bad")) continue;  // shown as U+FFFD, exact bytes in path_hex
    CAPTURE(n);
    CHECK(csv_paths.count(src.string() + "/" + n) == 1);
  }
  CHECK(csv.find("/=cmd|") != std::string::npos);                        // mid-cell '=' is harmless
  CHECK(csv.find("\"" + src.string() + "/new\nline.jpg\"") != std::string::npos);
  CHECK(csv.find("\"" + src.string() + "/comma, \"\"quote\"\".jpg\"") != std::string::npos);
}

TEST_CASE("a file larger than the whole-read limit is digested in streamed chunks") {
  test::TempDir tmp;
  fs::create_directory(tmp / "src");
  std::string data(40u << 20, '\0');
  for (std::size_t i = 0; i < data.size(); i += 4096) data[i] = static_cast<char>(i / 4096);
  test::write_text(tmp / "src" / "big.bin", data);
  auto run = test::run_cli({"hash", (tmp / "src" / "big.bin").string()});
  CHECK(run.exit_code == 0);
  const auto lines = test::parse_lines(run.out);
  REQUIRE(lines.size() == 1);
  const Digests expected = digest_buffer(std::as_bytes(std::span(data.data(), data.size())));
  CHECK(lines[0]["md5"] == expected.md5);
  CHECK(lines[0]["sha1"] == expected.sha1);
  CHECK(lines[0]["sha256"] == expected.sha256);
}

TEST_CASE("exit codes: usage 2, unreadable source 3, unwritable case 4") {
  test::TempDir tmp;
  CHECK(test::run_cli({"scan"}).exit_code == 2);
  CHECK(test::run_cli({"scan", test::sample_evidence().string(), "--out", (tmp / "c").string(), "--jobs", "0"}).exit_code == 2);
  auto missing = test::run_cli({"scan", (tmp / "nope").string(), "--out", (tmp / "c").string()});
  CHECK(missing.exit_code == 3);
  CHECK(missing.err.find("nope") != std::string::npos);
  fs::create_directory(tmp / "src");
  auto inside = test::run_cli({"scan", (tmp / "src").string(), "--out", (tmp / "src" / "case").string()});
  CHECK(inside.exit_code == 4);
  CHECK_FALSE(fs::exists(tmp / "src" / "case"));
  CHECK(test::run_cli({"scan", (tmp / "src").string(), "--out", (tmp / "c").string()}).exit_code == 0);
  auto again = test::run_cli({"scan", (tmp / "src").string(), "--out", (tmp / "c").string()});
  CHECK(again.exit_code == 4);
  CHECK(again.err.find("already holds a case") != std::string::npos);
  CHECK(test::run_cli({"--help"}).exit_code == 0);
  CHECK(test::run_cli({"scan", "--help"}).out.find("--all-files") != std::string::npos);
}

TEST_CASE("an interrupted scan exits 130 and its run is marked interrupted") {
  test::TempDir tmp;
  const std::string out = (tmp / "case").string();
  std::vector<const char*> argv{"triage", "scan", nullptr, "--out", out.c_str()};
  const std::string src = test::sample_evidence().string();
  argv[2] = src.c_str();
  std::ostringstream so, se;
  std::atomic<bool> interrupted{true};  // as if SIGINT arrived before the walk began
  const int rc = cli::run(static_cast<int>(argv.size()), argv.data(), {so, se, false, interrupted});
  CHECK(rc == 130);
  CHECK(so.str().find("INTERRUPTED") != std::string::npos);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2((tmp / "case" / "case.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT status, ended_utc IS NOT NULL FROM runs", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "interrupted");
  CHECK(sqlite3_column_int(stmt, 1) == 1);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_CASE("triage hash prints one line per file, CSV on request") {
  const auto img = (test::sample_evidence() / "DCIM/100TEST/IMG_0002.jpg").string();
  auto jsonl = test::run_cli({"hash", img});
  CHECK(jsonl.exit_code == 0);
  const auto lines = test::parse_lines(jsonl.out);
  REQUIRE(lines.size() == 1);
  const auto expected = digest_buffer(test::read_bytes(img));
  CHECK(lines[0]["sha256"] == expected.sha256);
  CHECK(lines[0]["exif"]["model"] == "Pattern 200");
  auto csv = test::run_cli({"hash", img, "--format", "csv"});
  CHECK(csv.exit_code == 0);
  const auto rows = test::parse_csv(csv.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0][0] == "path");
  CHECK(rows[1][0] == img);
  CHECK(test::run_cli({"hash", "/nonexistent/file"}).exit_code == 3);
}

TEST_CASE("--no-pdq leaves perceptual hashes out and everything else as it was") {
  test::TempDir tmp;
  auto with = test::run_cli({"scan", test::sample_evidence().string(), "--out", (tmp / "a").string(), "--format", "jsonl"});
  auto without = test::run_cli({"scan", test::sample_evidence().string(), "--out", (tmp / "b").string(), "--format", "jsonl", "--no-pdq"});
  REQUIRE(with.exit_code == 0);
  REQUIRE(without.exit_code == 0);
  const auto a = test::parse_lines(with.out);
  const auto b = test::parse_lines(without.out);
  REQUIRE(a.size() == b.size());
  int hashed = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK_FALSE(b[i].contains("pdq"));
    if (a[i].contains("pdq")) ++hashed;
    json stripped = a[i];
    stripped.erase("pdq");
    stripped.erase("pdq_quality");
    CHECK(stripped == b[i]);
  }
  CHECK(hashed == 9);  // every still image of the samples
}
