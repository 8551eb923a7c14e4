// Stop requests (SIGINT, SIGTERM: the signal handler sets the flag each command is given) obeyed
// in every long stage, not only the walk (issue 17): a disk image's hash beside the walk, a
// hash-set import, report rendering, verify's re-read of the sources. Each ends with exit status
// 130 and leaves nothing half done: no run recorded (--resume starts the scan), the store as it
// was, no half report. The timing (within 2 s of a signal at a random moment) is measured by
// tests/soak/stop_requests.py against the real binary.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/cli/cli_runner.h"
#include "tests/cli/sample_case.h"
#include "tests/support/test_support.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

const fs::path kSampleImage = test::source_dir() / "samples" / "disk" / "sample-fat12.img";

}  // namespace

TEST_CASE("scan of a disk image stopped at once, its digest unfinished: exit 130, then --resume hashes it and does the whole scan") {
  test::TempDir tmp;
  const auto stopped = test::run_cli({"scan", kSampleImage.string(), "--out", (tmp / "a").string()}, true);
  CHECK(stopped.exit_code == 130);
  const auto partial = nlohmann::json::parse(test::read_text(tmp / "a" / "report.json"));
  CHECK(partial["run"]["status"] == "interrupted");
  CHECK(partial["sources"][0]["digests_before"].is_null());  // the digest beside the walk was stopped too
  const auto resumed = test::run_cli({"scan", kSampleImage.string(), "--out", (tmp / "a").string(), "--resume"});
  CHECK(resumed.exit_code == 0);
  const auto report = nlohmann::json::parse(test::read_text(tmp / "a" / "report.json"));
  CHECK(report["sources"][0]["integrity"] == "verified");
  CHECK(report["sources"][0]["digests_before_read"] == "beside_walk");
  const auto whole = test::run_cli({"scan", kSampleImage.string(), "--out", (tmp / "b").string()});
  REQUIRE(whole.exit_code == 0);
  CHECK(test::read_text(tmp / "a" / "items.csv") == test::read_text(tmp / "b" / "items.csv"));
}

TEST_CASE("hashset import stopped: exit 130, a store it created is removed, an existing one unchanged") {
  test::TempDir tmp;
  const auto vics = (test::sample_hash_sets() / "sample-uk.vics.json").string();
  const auto stopped = test::run_cli({"hashset", "import", vics, "--into", (tmp / "new.db").string()}, true);
  CHECK(stopped.exit_code == 130);
  CHECK(stopped.err.find("interrupted: nothing imported") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "new.db"));
}

TEST_CASE("report rendering stopped: exit 130 and no half report; outputs rewritten on request stop too") {
  test::TempDir tmp;
  REQUIRE(test::scan_sample(tmp / "case").exit_code == 0);
  const std::string html_before = test::read_text(tmp / "case" / "report.html");
  const auto stopped =
      test::run_cli({"report", (tmp / "case").string(), "--format", "json", "--out", (tmp / "r.json").string()}, true);
  CHECK(stopped.exit_code == 130);
  CHECK_FALSE(fs::exists(tmp / "r.json"));
  const auto details = test::run_cli({"report", (tmp / "case").string(), "--examiner", "A. N. Other"}, true);
  CHECK(details.exit_code == 130);
  // Stopped before the first output was rewritten: the case's outputs are still those of the scan.
  CHECK(test::read_text(tmp / "case" / "report.html") == html_before);
}

TEST_CASE("verify stopped while it re-reads the sources: exit 130") {
  test::TempDir tmp;
  REQUIRE(test::run_cli({"scan", kSampleImage.string(), "--out", (tmp / "case").string()}).exit_code == 0);
  const auto stopped = test::run_cli({"verify", (tmp / "case").string()}, true);
  CHECK(stopped.exit_code == 130);
  CHECK(stopped.err.find("interrupted while the sources were re-read") != std::string::npos);
}
