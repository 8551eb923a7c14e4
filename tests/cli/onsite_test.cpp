// On-site triage (issue 22): alerts written the moment they are found, a time budget that ends
// the walk cleanly and --resume continues, and content decoded once whatever its copies.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "tests/cli/cli_runner.h"
#include "tests/cli/image_tools.h"
#include "tests/cli/sample_case.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kEvidence = test::source_dir() / "samples" / "evidence";

std::string sample_vics() { return (test::sample_hash_sets() / "sample-uk.vics.json").string(); }

// A file of `size` bytes that takes no disk space (a hole): reading and digesting it is what
// makes a walk last, without writing a gigabyte.
void sparse_file(const fs::path& file, std::uint64_t size) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::ftruncate(fd, static_cast<off_t>(size)) == 0);
  ::close(fd);
}

// The sample's Category C picture walked first (name order), then `big` sparse files that take
// seconds to digest with --all-files.
fs::path slow_evidence(const fs::path& dir, int big, std::uint64_t size) {
  fs::create_directories(dir);
  fs::copy_file(kEvidence / "Pictures" / "pattern.png", dir / "a-pattern.png");
  for (int i = 0; i < big; ++i) sparse_file(dir / ("z-big-" + std::to_string(i) + ".bin"), size);
  return dir;
}

// items.csv without what differs between runs of the same evidence (none of its columns does).
std::string items_csv(const fs::path& case_dir) { return test::read_text(case_dir / "items.csv"); }

}  // namespace

TEST_CASE("--alerts: each alert is a JSON line in the file while the scan still runs, and stderr says it") {
  test::TempDir tmp;
  const fs::path evidence = slow_evidence(tmp / "evidence", 1, 512ull << 20);
  const fs::path alerts = tmp / "alerts.jsonl";
  auto scan = std::async(std::launch::async, [&] {
    return test::run_cli({"scan", evidence.string(), "--all-files", "--hashset", sample_vics(), "--alerts",
                          alerts.string(), "--out", (tmp / "case").string()});
  });
  std::string seen;
  bool running_when_seen = false;
  while (true) {
    const bool done = scan.wait_for(std::chrono::milliseconds(5)) == std::future_status::ready;
    if (fs::exists(alerts)) seen = test::read_text(alerts);
    if (!seen.empty()) {
      running_when_seen = !done;
      break;
    }
    if (done) break;
  }
  const auto run = scan.get();
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(running_when_seen);  // read before the scan ended (512 MiB were still to be digested)
  const auto lines = test::parse_lines(test::read_text(alerts));
  REQUIRE(lines.size() == 1);
  const json& a = lines[0];
  CHECK(a["path"] == (evidence / "a-pattern.png").string());
  CHECK(a["category"] == "Category C");
  CHECK(a["set"] == "sample-uk.vics");
  CHECK(a["hash_type"] == "sha256");  // the sets state sizes: no scouting walk, the item's own pass
  CHECK(a["media_id"] == "1002");
  CHECK(a["t"].is_number());
  CHECK(run.err.find("ALERT") != std::string::npos);
  CHECK(run.err.find("a-pattern.png") != std::string::npos);
  CHECK(run.out.find("ALERTS              1") != std::string::npos);
  const json report = json::parse(test::read_text(tmp / "case" / "report.json"));
  CHECK(report["run"]["first_alert_s"].is_number());
  CHECK(report["run"]["first_alert_s"].get<double>() <= a["t"].get<double>() + 0.001);
  CHECK(test::read_text(tmp / "case" / "report.html").find("Time to first alert") != std::string::npos);
}

TEST_CASE("--alerts inside a source is refused; a scan without alert sets says none") {
  test::TempDir tmp;
  const fs::path evidence = slow_evidence(tmp / "evidence", 0, 0);
  const auto inside = test::run_cli(
      {"scan", evidence.string(), "--alerts", (evidence / "a.jsonl").string(), "--out", (tmp / "a").string()});
  CHECK(inside.exit_code == 4);
  CHECK(inside.err.find("inside source") != std::string::npos);
  CHECK_FALSE(fs::exists(evidence / "a.jsonl"));
  const auto plain = test::run_cli({"scan", evidence.string(), "--out", (tmp / "b").string()});
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out.find("alerts              none") != std::string::npos);
  CHECK(json::parse(test::read_text(tmp / "b" / "report.json"))["run"]["first_alert_s"].is_null());
}

TEST_CASE("--budget ends the walk cleanly: partial (budget), exit 7; --resume with or without a budget ends equal") {
  test::TempDir tmp;
  const fs::path evidence = slow_evidence(tmp / "evidence", 2, 192ull << 20);
  const std::string out = (tmp / "case").string();
  const std::vector<std::string> scan{"scan", evidence.string(), "--all-files", "--hashset", sample_vics(), "--out", out};
  auto with = [&](std::vector<std::string> extra) {
    auto args = scan;
    args.insert(args.end(), extra.begin(), extra.end());
    return test::run_cli(args);
  };
  const auto partial = with({"--budget", "0.3s"});
  REQUIRE_MESSAGE(partial.exit_code == 7, partial.err);
  CHECK(partial.out.find("PARTIAL: the time budget was spent") != std::string::npos);
  const json report = json::parse(test::read_text(tmp / "case" / "report.json"));
  CHECK(report["run"]["status"] == "partial (budget)");
  CHECK(report["run"]["first_alert_s"].is_number());  // the alert came first, within the budget

  const auto again = with({"--resume", "--budget", "0.3s"});
  CHECK(again.exit_code == 7);
  const auto finished = with({"--resume"});
  REQUIRE_MESSAGE(finished.exit_code == 0, finished.err);
  CHECK(json::parse(test::read_text(tmp / "case" / "report.json"))["run"]["status"] == "completed");

  const auto whole = test::run_cli({"scan", evidence.string(), "--all-files", "--hashset", sample_vics(), "--out",
                                    (tmp / "whole").string()});
  REQUIRE(whole.exit_code == 0);
  CHECK(items_csv(tmp / "case") == items_csv(tmp / "whole"));

  CHECK(test::run_cli({"scan", evidence.string(), "--budget", "5x", "--out", (tmp / "bad").string()}).exit_code == 2);
  CHECK(test::run_cli({"scan", evidence.string(), "--budget", "0", "--out", (tmp / "bad").string()}).exit_code == 2);
}

TEST_CASE("copies of a content are decoded once: each its own item with the same PDQ; known-good content not decoded") {
  test::TempDir tmp;
  const fs::path evidence = tmp / "evidence";
  fs::create_directories(evidence);
  for (const char* name : {"a.jpg", "b.jpg", "c.jpg"})
    fs::copy_file(kEvidence / "Pictures" / "holiday-copy.jpg", evidence / name);
  for (const char* name : {"d.png", "e.png"}) fs::copy_file(kEvidence / "Pictures" / "pattern.png", evidence / name);
  for (const char* jobs : {"1", "2"}) {
    CAPTURE(jobs);
    const fs::path case_dir = tmp / (std::string("case-") + jobs);
    const auto run = test::run_cli({"scan", evidence.string(), "--hashset", sample_vics(), "--jobs", jobs, "--format",
                                    "jsonl", "--out", case_dir.string()});
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    const auto items = test::parse_lines(run.out);
    REQUIRE(items.size() == 5);
    for (const auto& item : items) {
      CAPTURE(item["path"]);
      CHECK(item["pdq"].is_string());
      const auto& first = items[item["path"].get<std::string>().ends_with(".png") ? 3 : 0];
      CHECK(item["pdq"] == first["pdq"]);
      CHECK(item["pdq_quality"] == first["pdq_quality"]);
      CHECK(item["sha256"] == first["sha256"]);
    }
    if (std::string(jobs) == "1") CHECK(run.err.find("copies              3 not decoded again") != std::string::npos);
  }
  CHECK(items_csv(tmp / "case-1") == items_csv(tmp / "case-2"));

  // The sample's known-good picture: digested and matched, never decoded (no PDQ, no thumbnail).
  const auto known = test::run_cli({"scan", kEvidence.string(), "--hashset",
                                    (test::sample_hash_sets() / "known-good.rds.db").string(), "--format", "jsonl",
                                    "--out", (tmp / "known").string()});
  REQUIRE(known.exit_code == 0);
  int known_good = 0;
  for (const auto& item : test::parse_lines(known.out)) {
    if (item["known_good"] != true) continue;
    ++known_good;
    CHECK_FALSE(item.contains("pdq"));
    CHECK(item["sha256"].is_string());
    CHECK_FALSE(fs::exists(tmp / "known" / "thumbs" / (item["sha256"].get<std::string>() + ".jpg")));
  }
  CHECK(known_good == 1);
}

TEST_CASE("a disk image's first digest is read beside the walk, or after it under --budget; both verified after") {
  test::TempDir tmp;
  const fs::path image = test::source_dir() / "samples" / "disk" / "sample-fat12.img";
  for (const auto& [budget, read] : {std::pair<std::string, std::string>{"", "beside_walk"}, {"10m", "after_walk"}}) {
    CAPTURE(read);
    const fs::path case_dir = tmp / read;
    std::vector<std::string> args{"scan", image.string(), "--out", case_dir.string()};
    if (!budget.empty()) args.insert(args.end(), {"--budget", budget});
    const auto run = test::run_cli(args);
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    const json source = json::parse(test::read_text(case_dir / "report.json"))["sources"][0];
    CHECK(source["digests_before_read"] == read);
    CHECK(source["integrity"] == "verified");
    CHECK(source["digests_before"]["sha256"] == source["digests_after"]["sha256"]);
    CHECK(test::read_text(case_dir / "report.html").find("read " + read.substr(0, read.find('_')) + " the walk") !=
          std::string::npos);
  }
}

TEST_CASE("prioritised work: user media first, and the case outputs byte-identical to a scan in walk order") {
  test::TempDir tmp;
  // Walk order: Documents/ (class 3, holding a TAR whose members are a phone's camera roll), then
  // Pictures/ (class 1), then Windows/ (class 4); the sample's Category C picture in each.
  const fs::path evidence = tmp / "evidence";
  for (const char* dir : {"Documents", "Pictures", "Windows/System32", "phone/DCIM/Camera"})
    fs::create_directories(evidence / dir);
  fs::copy_file(kEvidence / "Pictures" / "pattern.png", evidence / "Documents" / "a-pattern.png");
  fs::copy_file(kEvidence / "Pictures" / "pattern.png", evidence / "Pictures" / "z-pattern.png");
  fs::copy_file(kEvidence / "Pictures" / "pattern.png", evidence / "Windows" / "System32" / "pattern.png");
  fs::copy_file(kEvidence / "DCIM" / "100TEST" / "IMG_0001.jpg", evidence / "phone" / "DCIM" / "Camera" / "a.jpg");
  REQUIRE(test::run_child("tar -cf '" + (evidence / "Documents" / "phone.tar").string() + "' -C '" +
                          (evidence / "phone").string() + "' DCIM")
              .status == 0);
  fs::remove_all(evidence / "phone");
  const fs::path image = test::source_dir() / "samples" / "disk" / "sample-fat12.img";
  const fs::path store = tmp / "sets.db";  // imported once: the reports name the import's time
  REQUIRE(test::run_cli({"hashset", "import", sample_vics(), "--into", store.string()}).exit_code == 0);

  auto scan = [&](const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> args{"scan", evidence.string(), image.string(), "--hashset", store.string(), "--alerts",
                                  (tmp / (name + ".alerts")).string(), "--format", "jsonl", "--out", (tmp / name).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = test::run_cli(args);
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    return run.out;
  };
  const std::string ordered = scan("ordered", {"--no-priorities", "--jobs", "1"});
  const std::string first = scan("first", {"--jobs", "1"});
  const std::string two = scan("two", {"--jobs", "2"});

  // Alerts: in walk order Documents/ comes first; prioritised, Pictures/ (user media) does.
  const auto ordered_alerts = test::parse_lines(test::read_text(tmp / "ordered.alerts"));
  const auto first_alerts = test::parse_lines(test::read_text(tmp / "first.alerts"));
  REQUIRE(ordered_alerts.size() == first_alerts.size());
  REQUIRE(first_alerts.size() >= 3);
  CHECK(ordered_alerts[0]["path"].get<std::string>().ends_with("Documents/a-pattern.png"));
  CHECK(first_alerts[0]["path"].get<std::string>().ends_with("Pictures/z-pattern.png"));
  CHECK(first_alerts[1]["path"].get<std::string>().find("sample-fat12.img") != std::string::npos);  // its Pictures/
  CHECK(first_alerts.back()["path"].get<std::string>().ends_with("System32/pattern.png"));  // system areas last

  // Every output in walk order and the same, whatever the order of the work and --jobs.
  CHECK(first == ordered);
  CHECK(two == ordered);
  for (const char* name : {"first", "two"}) {
    CAPTURE(name);
    for (const char* file : {"items.csv", "export.vics.json", "review.html"})
      CHECK(test::read_text(tmp / name / file) == test::read_text(tmp / "ordered" / file));
    const std::string html = test::without_run_metadata(test::read_text(tmp / name / "report.html"));
    CHECK_FALSE(html.empty());
    CHECK(html == test::without_run_metadata(test::read_text(tmp / "ordered" / "report.html")));
    json report = json::parse(test::read_text(tmp / name / "report.json"));
    json expected = json::parse(test::read_text(tmp / "ordered" / "report.json"));
    report.erase("run");
    expected.erase("run");
    CHECK(report == expected);
  }
  // The TAR's member (a phone's camera roll inside a class-3 folder) keeps its place after the TAR.
  const auto items = test::parse_lines(first);
  std::size_t tar = 0, member = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = items[i]["path"];
    if (path.ends_with("phone.tar")) tar = i;
    if (path.ends_with("phone.tar!/DCIM/Camera/a.jpg")) member = i;
  }
  CHECK(member == tar + 1);
}

TEST_CASE("prioritised --budget then --resume ends equal to a whole scan; the summary states coverage") {
  test::TempDir tmp;
  const fs::path evidence = tmp / "evidence";
  fs::create_directories(evidence / "Pictures");
  fs::create_directories(evidence / "Windows");
  fs::copy_file(kEvidence / "Pictures" / "pattern.png", evidence / "Pictures" / "pattern.png");
  for (int i = 0; i < 2; ++i) sparse_file(evidence / "Windows" / ("big-" + std::to_string(i) + ".bin"), 192ull << 20);
  const std::vector<std::string> scan{"scan", evidence.string(), "--all-files", "--hashset", sample_vics()};
  auto run = [&](const std::string& out, std::vector<std::string> extra) {
    auto args = scan;
    args.insert(args.end(), {"--out", (tmp / out).string()});
    args.insert(args.end(), extra.begin(), extra.end());
    return test::run_cli(args);
  };
  const auto partial = run("case", {"--budget", "0.3s"});
  REQUIRE_MESSAGE(partial.exit_code == 7, partial.err);
  CHECK(partial.out.find("coverage") != std::string::npos);
  CHECK(partial.out.find("1. user media      1 of 1") != std::string::npos);  // examined first
  CHECK(partial.out.find("4. system areas    0 of 2") != std::string::npos);
  REQUIRE(run("case", {"--resume"}).exit_code == 0);
  REQUIRE(run("whole", {"--no-priorities"}).exit_code == 0);
  CHECK(items_csv(tmp / "case") == items_csv(tmp / "whole"));
}

TEST_CASE("within a class: alert-sized entries first, then the rest; sets without sizes scout first") {
  test::TempDir tmp;
  // One folder (one class): a-holiday.jpg matches only by PDQ (decoded), z-pattern.png exactly
  // and has the size of a VICS record (MediaSize): in walk order a-holiday's alert comes first.
  // One worker, so that the order of the alerts is the order of the work.
  const fs::path evidence = tmp / "evidence";
  fs::create_directories(evidence / "Documents");
  fs::copy_file(kEvidence / "Pictures" / "holiday-copy.jpg", evidence / "Documents" / "a-holiday.jpg");
  fs::copy_file(kEvidence / "Pictures" / "pattern.png", evidence / "Documents" / "z-pattern.png");
  auto alert_paths = [&](const std::string& name, const std::string& set, std::vector<std::string> extra) {
    std::vector<std::string> args{"scan", evidence.string(), "--hashset", set, "--jobs", "1", "--alerts",
                                  (tmp / (name + ".alerts")).string(), "--out", (tmp / name).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = test::run_cli(args);
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    std::vector<std::string> paths;
    for (const auto& line : test::parse_lines(test::read_text(tmp / (name + ".alerts"))))
      paths.push_back(fs::path(line["path"].get<std::string>()).filename().string());
    return paths;
  };
  CHECK(alert_paths("plain", sample_vics(), {"--no-priorities"}) == std::vector<std::string>{"a-holiday.jpg", "z-pattern.png"});
  CHECK(alert_paths("sized", sample_vics(), {}) == std::vector<std::string>{"z-pattern.png", "a-holiday.jpg"});
  CHECK(items_csv(tmp / "sized") == items_csv(tmp / "plain"));

  // An md5sum list states no sizes: the scouting walk (user files up to 16 MiB) raises the exact
  // alert; the case is the same as in walk order.
  const std::string md5 = test::md5_of(evidence / "Documents" / "z-pattern.png");
  test::write_text(tmp / "list.md5", md5 + "  pattern.png\n");
  CHECK(alert_paths("scouted", (tmp / "list.md5").string(), {}) == std::vector<std::string>{"z-pattern.png"});
  CHECK(alert_paths("listed", (tmp / "list.md5").string(), {"--no-priorities"}) == std::vector<std::string>{"z-pattern.png"});
  CHECK(items_csv(tmp / "scouted") == items_csv(tmp / "listed"));
}
