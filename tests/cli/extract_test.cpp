// Acceptance (issue 21, extraction): `scan --extract` and `triage extract` on a folder and on the
// sample disk image: every extracted file's SHA-256 equals its item's (and its name), the manifest
// lists every evidence path chosen, the two commands give the same files, a changed source is
// refused, and `triage verify` covers the extracted files.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "core/digest/digests.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/sample_case.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {


// extracted/'s files (manifest aside) by name, with their bytes' SHA-256.
std::map<std::string, std::string> extracted_files(const fs::path& case_dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(case_dir / "extracted"))
    if (e.path().filename() != "manifest.csv") files[e.path().filename().string()] = sha256_of_file(e.path());
  return files;
}

// manifest.csv rows (header checked) as column name -> cell.
std::vector<std::map<std::string, std::string>> manifest(const fs::path& case_dir) {
  const auto rows = test::parse_csv(test::read_text(case_dir / "extracted" / "manifest.csv"));
  REQUIRE(!rows.empty());
  CHECK(rows[0] == std::vector<std::string>{"file", "sha256", "size", "category", "seq", "source", "path", "note"});
  std::vector<std::map<std::string, std::string>> out;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() == 1 && rows[i][0].empty()) continue;
    REQUIRE(rows[i].size() == rows[0].size());
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < rows[0].size(); ++c) row[rows[0][c]] = rows[i][c];
    out.push_back(std::move(row));
  }
  return out;
}

using test::text_of;

// Every still image and video of report.json by evidence path, with its SHA-256.
std::map<std::string, std::string> media_of(const fs::path& case_dir) {
  std::map<std::string, std::string> media;
  const json report = json::parse(test::read_text(case_dir / "report.json"));
  for (const json& item : report["items"])
    if (item["media_type"] != "other") media[item["path"].get<std::string>()] = text_of(item, "sha256");
  return media;
}

// The manifest against the case and the files: each row's file holds the item's content.
void check_extraction(const fs::path& case_dir, std::size_t expected_rows) {
  const auto media = media_of(case_dir);
  const auto files = extracted_files(case_dir);
  const auto rows = manifest(case_dir);
  CHECK(rows.size() == expected_rows);
  std::set<std::string> used;
  for (const auto& row : rows) {
    CAPTURE(row.at("path"));
    REQUIRE(media.count(row.at("path")));
    CHECK(row.at("sha256") == media.at(row.at("path")));
    CHECK(row.at("note").empty());
    const std::string name = row.at("file").substr(std::string("extracted/").size());
    REQUIRE(files.count(name));
    CHECK(files.at(name) == row.at("sha256"));  // the bytes, read back
    CHECK(name.starts_with(row.at("sha256") + "."));
    CHECK(test::file_mode(case_dir / row.at("file")) == 0600);
    used.insert(name);
  }
  CHECK(used.size() == files.size());  // no file the manifest does not name
  CHECK(test::file_mode(case_dir / "extracted") == 0700);
  const std::string sums = test::read_text(case_dir / "SHA256SUMS");
  for (const auto& [name, sha256] : files) CHECK(sums.find(sha256 + "  extracted/" + name + "\n") != std::string::npos);
}

}  // namespace

TEST_CASE("scan --extract and triage extract on a folder: same files, every SHA-256 checked, verify covers them") {
  test::TempDir tmp;
  const fs::path evidence = tmp / "evidence";
  fs::copy(test::sample_evidence(), evidence, fs::copy_options::recursive);
  const fs::path during = tmp / "during", after = tmp / "after";
  auto scan = test::run_cli({"scan", evidence.string(), "--out", during.string(), "--extract", "all-media"});
  REQUIRE_MESSAGE(scan.exit_code == 0, scan.err);
  CHECK(scan.out.find("extracted           10 of 10 chosen items, in 9 files") != std::string::npos);
  check_extraction(during, 10);  // every still image and video; two copies share one file
  CHECK(extracted_files(during).count("8fb38ef4d79f5108c278413147419804458d06874a541da67484d490b3eae05f.webp"));
  CHECK(extracted_files(during).count("ac9bb00e07cc38de8410170e73f6f42a90ea5f2c6dcb88e121a26241b59c1658.mp4"));

  scan = test::run_cli({"scan", evidence.string(), "--out", after.string()});
  REQUIRE(scan.exit_code == 0);
  CHECK(!fs::exists(after / "extracted"));
  const auto extract = test::run_cli({"extract", after.string(), "--which", "all-media"});
  REQUIRE_MESSAGE(extract.exit_code == 0, extract.err);
  CHECK(extracted_files(after) == extracted_files(during));
  CHECK(test::read_text(after / "extracted/manifest.csv") == test::read_text(during / "extracted/manifest.csv"));

  // triage verify re-hashes them: one changed is named.
  auto verify = test::run_cli({"verify", after.string(), "--no-sources"});
  CHECK_MESSAGE(verify.exit_code == 0, verify.err);
  const std::string victim = "extracted/" + extracted_files(after).begin()->first;
  test::write_text(after / victim, "not the evidence");
  verify = test::run_cli({"verify", after.string(), "--no-sources"});
  CHECK(verify.exit_code == 5);
  CHECK(verify.err.find(victim + " differs from the SHA-256 recorded in SHA256SUMS") != std::string::npos);
  // The outputs written again (new case details) do not make the altered copy look right.
  REQUIRE(test::run_cli({"report", after.string(), "--case-ref", "OP-7"}).exit_code == 0);
  verify = test::run_cli({"verify", after.string(), "--no-sources"});
  CHECK(verify.exit_code == 5);
  CHECK(verify.err.find(victim + " differs from the SHA-256 recorded in SHA256SUMS") != std::string::npos);

  // A file changed in the folder since the scan: refused (exit 6), named in the manifest, the
  // rest extracted.
  test::write_text(evidence / "Pictures/grid.bmp", "changed");
  const auto changed = test::run_cli({"extract", after.string(), "--which", "uncategorised"});
  CHECK(changed.exit_code == 6);
  CHECK(changed.out.find("1 items refused: their content changed since the scan") != std::string::npos);
  bool named = false;
  for (const auto& row : manifest(after))
    if (row.at("path").ends_with("Pictures/grid.bmp")) {
      named = true;
      CHECK(row.at("file").empty());
      CHECK(row.at("note").find("content changed since the scan") != std::string::npos);
    }
  CHECK(named);
  for (const auto& [name, sha256] : extracted_files(after)) CHECK(name.starts_with(sha256));  // nothing else written wrong
}

TEST_CASE("triage extract on the sample disk image: the items' content, matched only when asked, a changed image refused") {
  test::TempDir tmp;
  const fs::path image = tmp / "sample-fat12.img", case_dir = tmp / "case";
  fs::copy_file(test::source_dir() / "samples/disk/sample-fat12.img", image);
  const auto scan = test::run_cli({"scan", image.string(), "--out", case_dir.string(), "--hashset",
                                   (test::sample_hash_sets() / "sample-uk.vics.json").string()});
  REQUIRE_MESSAGE(scan.exit_code == 0, scan.err);
  const json report = json::parse(test::read_text(case_dir / "report.json"));
  std::size_t matched = 0, media = 0;
  for (const json& item : report["items"]) {
    if (item["media_type"] == "other") continue;
    ++media;
    if (!text_of(item, "category_code").empty() && item["category_probable"] == false) ++matched;
  }
  REQUIRE(matched > 0);
  REQUIRE(matched < media);

  auto extract = test::run_cli({"extract", case_dir.string(), "--which", "matched"});
  REQUIRE_MESSAGE(extract.exit_code == 0, extract.err);
  check_extraction(case_dir, matched);
  extract = test::run_cli({"extract", case_dir.string(), "--which", "all-media"});
  REQUIRE_MESSAGE(extract.exit_code == 0, extract.err);
  check_extraction(case_dir, media);  // deleted and carved files too
  bool deleted = false;
  for (const auto& row : manifest(case_dir)) deleted = deleted || row.at("path").find("/_oliday.jpg") != std::string::npos;
  CHECK(deleted);
  CHECK(test::run_cli({"verify", case_dir.string()}).exit_code == 0);
  // The scan's own --extract gives the same files and manifest.
  const fs::path during = tmp / "during";
  const auto scan_extract = test::run_cli({"scan", image.string(), "--out", during.string(), "--hashset",
                                           (test::sample_hash_sets() / "sample-uk.vics.json").string(), "--extract",
                                           "all-media"});
  REQUIRE_MESSAGE(scan_extract.exit_code == 0, scan_extract.err);
  CHECK(extracted_files(during) == extracted_files(case_dir));
  CHECK(test::read_text(during / "extracted/manifest.csv") == test::read_text(case_dir / "extracted/manifest.csv"));

  // One byte of the image changed: the whole extraction is refused, extracted/ left as it was.
  const auto before = extracted_files(case_dir);
  {
    auto bytes = test::read_bytes(image);
    bytes[bytes.size() / 2] ^= std::byte{1};
    test::write_bytes(image, bytes);
  }
  const auto refused = test::run_cli({"extract", case_dir.string(), "--which", "all-media"});
  CHECK(refused.exit_code == 6);
  CHECK(refused.out.find("EXTRACTION REFUSED: source " + image.string() + " changed since the scan") != std::string::npos);
  CHECK(extracted_files(case_dir) == before);

  // Usage: no choice, or an unknown one.
  CHECK(test::run_cli({"extract", case_dir.string()}).exit_code == 2);
  CHECK(test::run_cli({"extract", case_dir.string(), "--which", "everything"}).exit_code == 2);
}

TEST_CASE("large media are extracted from where the walker streams them: a folder's file and an archive member") {
  test::TempDir tmp;
  const fs::path evidence = tmp / "evidence", case_dir = tmp / "case";
  fs::create_directories(evidence);
  // Two videos above the 16 MiB whole-read limit (an MP4 header, then bytes of a pattern): the
  // walker digests them chunk by chunk, and the extraction copies them from its reader.
  auto video = [](unsigned seed) {
    std::vector<std::byte> b(20u << 20);
    const char head[] = "\x00\x00\x00\x18" "ftypmp42\x00\x00\x00\x00mp42isom";
    std::memcpy(b.data(), head, sizeof head - 1);
    std::uint32_t x = seed;
    for (std::size_t i = sizeof head; i < b.size(); ++i) {
      x = x * 1664525u + 1013904223u;
      b[i] = static_cast<std::byte>(x >> 24);
    }
    return b;
  };
  test::write_bytes(evidence / "big.mp4", video(1));
  test::write_bytes(tmp / "member.mp4", video(2));
  REQUIRE(std::system(("python3 -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w'); "
                       "z.write(sys.argv[2], 'member.mp4'); z.close()\" " + (evidence / "phone.zip").string() + " " +
                       (tmp / "member.mp4").string()).c_str()) == 0);
  const auto scan = test::run_cli({"scan", evidence.string(), "--out", case_dir.string(), "--extract", "all-media"});
  REQUIRE_MESSAGE(scan.exit_code <= 1, scan.err);  // the videos do not decode: item errors
  check_extraction(case_dir, 2);
  CHECK(extracted_files(case_dir).count(sha256_of_file(evidence / "big.mp4") + ".mp4"));
  CHECK(extracted_files(case_dir).count(sha256_of_file(tmp / "member.mp4") + ".mp4"));
}
