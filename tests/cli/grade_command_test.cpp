// triage grade: analyst grades recorded in case.db, applied to uncategorised items, never
// silently overriding a hash-set category; reports, SHA256SUMS and the VICS export follow.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>

#include "tests/cli/cli_runner.h"
#include "tests/cli/sample_case.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The item of report.json whose path ends with `tail`.
const json& item_at(const json& report, const std::string& tail) {
  for (const auto& item : report["items"])
    if (item["path"].get<std::string>().ends_with(tail)) return item;
  FAIL("no item " << tail);
  throw std::logic_error("unreachable");
}

std::uint64_t uncategorised_instances(const json& report) {
  for (const auto& row : report["summary"]["categories"])
    if (row["uncategorised"].get<bool>())
      return row["all_sources"]["still"]["instances"].get<std::uint64_t>() +
             row["all_sources"]["moving"]["instances"].get<std::uint64_t>();
  return 0;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

}  // namespace

TEST_CASE("triage grade records analyst grades; reports, SHA256SUMS and the VICS export follow") {
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  REQUIRE(test::scan_sample(case_dir).exit_code == 0);
  const json before = json::parse(test::read_text(case_dir / "report.json"));
  CHECK(before["grades"].empty());
  const json& twice = item_at(before, "DCIM/100TEST/IMG_0002.jpg");  // also found as Downloads/invoice.txt
  const json& grid = item_at(before, "Pictures/grid.bmp");
  const json& probable = item_at(before, "Pictures/holiday-copy.jpg");
  const json& exact = item_at(before, "DCIM/100TEST/IMG_0001.jpg");
  REQUIRE(twice["category_code"].is_null());
  REQUIRE(grid["category_code"].is_null());
  REQUIRE(probable["category_probable"] == true);
  REQUIRE(exact["category_code"] == "1");
  REQUIRE(exact["category_probable"] == false);

  // A bad file records nothing and names every bad line.
  const fs::path bad = tmp / "bad.csv";
  test::write_text(bad, twice["sha1"].get<std::string>() + ",9,A. Analyst\n" + std::string(40, 'a') +
                            ",1,A. Analyst\n" + grid["md5"].get<std::string>() + ",2,\n\"unterminated,1,x\n");
  const std::string report_before = test::read_text(case_dir / "report.json");
  const auto rejected = test::run_cli({"grade", case_dir.string(), "--import", bad.string()});
  CHECK(rejected.exit_code == 3);
  for (const char* line : {"line 1:", "line 2:", "line 3:", "line 4:"})
    CHECK_MESSAGE(rejected.err.find(std::string("bad.csv ") + line) != std::string::npos, line << rejected.err);
  CHECK(rejected.err.find("nothing recorded") != std::string::npos);
  CHECK(test::read_text(case_dir / "report.json") == report_before);

  const fs::path grades = tmp / "grades.csv";
  test::write_text(grades, "sha1,category,grader,note\r\n" + twice["sha1"].get<std::string>() +
                               ",3,\"Analyst, A.\",\"graded, with a comma\"\r\n" +
                               upper(grid["md5"].get<std::string>()) + ",2,A. Analyst\r\n" +
                               probable["sha1"].get<std::string>() + ",1,A. Analyst,confirms the PDQ match\r\n" +
                               exact["sha1"].get<std::string>() + ",2,A. Analyst,looks like B\r\n");
  const auto graded = test::run_cli({"grade", case_dir.string(), "--import", grades.string()});
  REQUIRE_MESSAGE(graded.exit_code == 0, graded.err);
  CHECK(graded.out.find("4 grades recorded: applied to 4 items, 0 agreeing and 1 disagreeing") != std::string::npos);
  CHECK(graded.err.find("disagreement: sha1 " + exact["sha1"].get<std::string>()) != std::string::npos);

  const json after = json::parse(test::read_text(case_dir / "report.json"));
  for (const char* tail : {"DCIM/100TEST/IMG_0002.jpg", "Downloads/invoice.txt"}) {
    const json& item = item_at(after, tail);
    CHECK(item["category"] == "Category C");
    CHECK(item["category_code"] == "3");
    CHECK(item["category_reason"].get<std::string>().find("by Analyst, A. at ") != std::string::npos);
  }
  CHECK(item_at(after, "Pictures/grid.bmp")["category"] == "Category B");
  CHECK(item_at(after, "Pictures/holiday-copy.jpg")["category"] == "Category A");
  CHECK(item_at(after, "Pictures/holiday-copy.jpg")["category_probable"] == false);
  // The hash-set category stands, the disagreement is shown.
  const json& still_exact = item_at(after, "DCIM/100TEST/IMG_0001.jpg");
  CHECK(still_exact["category"] == "Category A");
  CHECK(still_exact["category_reason"].get<std::string>().find("DISAGREEING analyst grade Category B") !=
        std::string::npos);
  CHECK(uncategorised_instances(after) == uncategorised_instances(before) - 3);
  REQUIRE(after["grades"].size() == 4);
  CHECK(after["grades"][0]["grader"] == "Analyst, A.");
  CHECK(after["grades"][0]["note"] == "graded, with a comma");
  CHECK(after["grades"][0]["items"].size() == 2);
  CHECK(after["grades"][1]["hash_type"] == "md5");
  CHECK(after["grades"][3]["items"][0]["outcome"] == "disagrees");
  CHECK(after["grades"][3]["items"][0]["database_category"] == "Category A (code 1)");
  const std::string html = test::read_text(case_dir / "report.html");
  CHECK(html.find("<h3>Analyst grades</h3>") != std::string::npos);
  CHECK(html.find("<strong>disagrees</strong> with the hash-set category Category A (code 1)") != std::string::npos);
  const auto verify = test::run_cli({"verify", case_dir.string()});
  CHECK_MESSAGE(verify.exit_code == 0, verify.out);

  // The case's VICS export carries the grades; --only graded gives the graded media, hashes only.
  const json vics = json::parse(test::read_text(case_dir / "export.vics.json"));
  std::map<std::string, json> by_sha1;
  for (const auto& m : vics["value"][0]["Media"]) by_sha1[m["SHA1"].get<std::string>()] = m;
  CHECK(by_sha1[upper(twice["sha1"])]["Category"] == 3);
  CHECK(by_sha1[upper(twice["sha1"])]["IsPrecategorized"] == false);
  CHECK(by_sha1[upper(exact["sha1"])]["Category"] == 1);
  CHECK(by_sha1[upper(exact["sha1"])]["IsPrecategorized"] == true);
  const auto only = test::run_cli({"report", case_dir.string(), "--format", "vics", "--only", "graded"});
  REQUIRE_MESSAGE(only.exit_code == 0, only.err);
  const json submission = json::parse(only.out);
  const json& media = submission["value"][0]["Media"];
  CHECK(media.size() == 3);  // IMG_0002 (two copies), grid.bmp, holiday-copy.jpg
  for (const auto& m : media) {
    CHECK_FALSE(m.contains("MediaFiles"));
    CHECK(m["IsPrecategorized"] == false);
  }
  CHECK_FALSE(submission["value"][0].contains("Sources"));
  CHECK(only.out.find("samples/evidence") == std::string::npos);
  const fs::path store = tmp / "graded.db";
  test::write_text(tmp / "graded.vics.json", only.out);
  REQUIRE(test::run_cli({"hashset", "import", (tmp / "graded.vics.json").string(), "--into", store.string()})
              .exit_code == 0);
  const auto lookup = test::run_cli({"hashset", "lookup", store.string(), twice["sha1"], grid["sha1"]});
  const auto found = test::parse_lines(lookup.out);
  REQUIRE(found.size() == 2);
  CHECK(found[0]["matches"][0]["category"] == "3");
  CHECK(found[1]["matches"][0]["category"] == "2");
  CHECK(test::run_cli({"report", case_dir.string(), "--format", "html", "--only", "graded"}).exit_code == 2);

  // A later grade of the same hash replaces the earlier one, which stays on record as superseded.
  test::write_text(grades, twice["sha1"].get<std::string>() + ",2,B. Reviewer,second opinion\n");
  REQUIRE(test::run_cli({"grade", case_dir.string(), "--import", grades.string()}).exit_code == 0);
  const json again = json::parse(test::read_text(case_dir / "report.json"));
  CHECK(item_at(again, "DCIM/100TEST/IMG_0002.jpg")["category"] == "Category B");
  REQUIRE(again["grades"].size() == 5);
  CHECK(again["grades"][0]["superseded"] == true);
  CHECK(again["grades"][4]["superseded"] == false);
  CHECK(test::run_cli({"verify", case_dir.string()}).exit_code == 0);
}

TEST_CASE("report --format hash-bank --only graded: the graded indecent media as python-threatexchange signals") {
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  // No hash set: every item is the examiner's to grade (the sample set already categorises the video).
  REQUIRE(test::run_cli({"scan", test::sample_evidence().string(), "--out", case_dir.string()}).exit_code == 0);
  const json before = json::parse(test::read_text(case_dir / "report.json"));
  const json& twice = item_at(before, "DCIM/100TEST/IMG_0002.jpg");  // also found as Downloads/invoice.txt
  const json& grid = item_at(before, "Pictures/grid.bmp");
  const json& clip = item_at(before, "Videos/clip.mp4");
  const fs::path grades = tmp / "grades.csv";
  test::write_text(grades, "sha1,category,grader\n" + twice["sha1"].get<std::string>() + ",1,A. Analyst\n" +
                               grid["sha1"].get<std::string>() + ",6,A. Analyst\n" +  // not indecent: never shared
                               clip["sha1"].get<std::string>() + ",2,A. Analyst\n");
  REQUIRE(test::run_cli({"grade", case_dir.string(), "--import", grades.string()}).exit_code == 0);

  CHECK(test::run_cli({"report", case_dir.string(), "--format", "hash-bank"}).exit_code == 2);  // graded only
  const fs::path bank = tmp / "bank.txt";
  const auto written = test::run_cli({"report", case_dir.string(), "--format", "hash-bank", "--only", "graded", "--out",
                                      bank.string()});
  REQUIRE_MESSAGE(written.exit_code == 0, written.err);
  CHECK(test::file_mode(bank) == 0600);
  CHECK(test::read_text(bank) == "pdq " + twice["pdq"].get<std::string>() + "\nvideo_md5 " +
                                     clip["md5"].get<std::string>() + "\n");

  // Read as python-threatexchange's LocalFileSignalExchangeAPI.fetch_iter reads a file (each line
  // stripped, split at the first space into signal type and signal), then each signal checked as
  // its type's validate_signal_str checks it (PdqSignal: 64 hex digits; VideoMD5Signal: 32).
  const fs::path reader = tmp / "reader.py";
  test::write_text(reader, R"(import re, sys
valid = {"pdq": "^[0-9a-f]{64}$", "video_md5": "^[0-9a-f]{32}$"}
updates = {}
with open(sys.argv[1], "r") as f:
    for line in f.readlines():
        signal_type, _, signal = line.strip().partition(" ")
        if signal_type and signal:
            updates[signal_type, signal] = True
for signal_type, signal in updates:
    assert signal_type in valid, signal_type
    assert re.match(valid[signal_type], signal.strip().lower()), signal
    print(signal_type, signal)
)");
  const std::string cmd = "python3 '" + reader.string() + "' '" + bank.string() + "' > '" + (tmp / "read.txt").string() + "' 2>&1";
  CHECK_MESSAGE(std::system(cmd.c_str()) == 0, test::read_text(tmp / "read.txt"));
  CHECK(test::read_text(tmp / "read.txt") == test::read_text(bank));
}
