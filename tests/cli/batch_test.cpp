// Batches (issue 23, acceptance 1): a manifest's exhibits scanned locally, side by side, by the
// `triage` executable; the batch killed with SIGKILL mid-run and the same command run again
// finishes only the unfinished exhibits; `batch status` right at each step; bad manifests
// refused before anything runs, naming their row.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <tuple>
#include <thread>

#include "tests/cli/batch_status.h"
#include "tests/cli/child_process.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using test::batch_status;
using test::kSamples;

// A folder whose scan with --all-files takes seconds: large sparse files to digest.
fs::path slow_folder(const fs::path& dir) {
  fs::create_directories(dir);
  fs::copy_file(kSamples / "evidence" / "Pictures" / "pattern.png", dir / "pattern.png");
  for (int i = 0; i < 3; ++i) {
    const fs::path big = dir / ("big-" + std::to_string(i) + ".bin");
    test::write_text(big, "");
    fs::resize_file(big, 256ull << 20);  // a hole: no disk space
  }
  return dir;
}

}  // namespace

TEST_CASE("a bad manifest is refused before anything runs, naming its row") {
  test::TempDir tmp;
  const std::string header = "case_ref,exhibit_ref,examiner,source\n";
  const std::string good = "OP1,EX1,DC Jones," + (kSamples / "evidence").string() + "\n";
  // Each: the manifest, the line named and the reason given.
  const std::vector<std::tuple<std::string, std::string, std::string>> bad{
      {header + good + "OP1,EX2,DC Jones," + (tmp / "missing.img").string() + "\n", "line 3 (byte", "source '"},
      {header + good + "OP1,EX2,DC Jones," + (kSamples / "evidence").string() + "\nOP1,EX1,," +
           (kSamples / "disk" / "sample-fat12.img").string() + "\n",
       "line 4 (byte", "duplicate exhibit"},
      {"case_ref,exhibit_ref,examiner,source,profile\nOP1,EX1,DC Jones," + (kSamples / "evidence").string() + ",martian\n",
       "line 2 (byte", "unknown profile 'martian'"},
      {"case_ref,exhibit_ref,examiner,source,priority\n" + good, "line 1 (byte", "unknown column 'priority'"},
      {header + good + "OP1,EX1,DC Smith," + (kSamples / "disk" / "sample-fat12.img").string() + "\n",
       "line 3 (byte", "examiner 'DC Smith' differs"},
      {header + good + "OP1,EX1,," + (kSamples / "evidence").string() + "\n", "line 3 (byte", "source"},
  };
  for (const auto& [text, line, expected] : bad) {
    CAPTURE(expected);
    test::write_text(tmp / "manifest.csv", text);
    const auto run = test::run_cli({"batch", (tmp / "manifest.csv").string(), "--out", (tmp / "lab").string()});
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("manifest refused, nothing run") != std::string::npos);
    CHECK(run.err.find(line) != std::string::npos);
    CHECK(run.err.find(expected) != std::string::npos);
    CHECK_FALSE(fs::exists(tmp / "lab"));
  }
  // A scan option the batch sets itself.
  test::write_text(tmp / "manifest.csv", header + good);
  const auto run = test::run_cli({"batch", (tmp / "manifest.csv").string(), "--out", (tmp / "lab").string(), "--", "--resume"});
  CHECK(run.exit_code == 4);
  CHECK(run.err.find("'--resume' is set by the batch itself") != std::string::npos);
}

TEST_CASE("six exhibits run locally; killed with SIGKILL, the same command finishes only the unfinished ones") {
  test::TempDir tmp;
  REQUIRE(fs::exists(test::triage_binary()));
  slow_folder(tmp / "slow-c");
  slow_folder(tmp / "slow-d");
  test::write_text(tmp / "broken.img", "");  // no media data: its scan fails (exit 3)
  const std::string image = (kSamples / "disk" / "sample-fat12.img").string();
  test::write_text(tmp / "manifest.csv",
                   "case_ref,exhibit_ref,examiner,source\n"
                   "OP1,A,DC Jones," + (kSamples / "evidence").string() + "\n"
                   "OP1,B,DC Jones," + image + "\n"
                   "OP2,C,\"Smith, A\",slow-c\n"  // relative to the manifest's folder
                   "OP2,D,\"Smith, A\",slow-d\n"
                   "OP3,E,DC Jones," + (kSamples / "evidence" / "Pictures").string() + "\n"
                   "OP3,E,," + (kSamples / "evidence" / "DCIM").string() + "\n"
                   "OP3,F,DC Jones,broken.img\n");
  // A known video's frame hashes (vPDQ): given to every scan as it is, where the VICS export is
  // imported once into the batch's store.
  test::write_text(tmp / "known.vpdq", "0,100," + std::string(64, 'a') + ",0.000\n");
  const fs::path lab = tmp / "lab";
  const std::vector<std::string> command{"batch", (tmp / "manifest.csv").string(), "--out", lab.string(),
                                         "--parallel", "2", "--hashset",
                                         (kSamples / "hashsets" / "sample-uk.vics.json").string(), "--hashset",
                                         (tmp / "known.vpdq").string(), "--", "--all-files"};
  const pid_t batch = test::spawn_triage(command, tmp / "batch.log");
  // Killed once A and B are done and C or D is being scanned.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool ready = false;
  while (!ready && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!fs::exists(lab / "batch.json")) continue;
    auto s = batch_status(lab);
    ready = s["A"]["state"] == "done" && s["B"]["state"] == "done" &&
            (s["C"]["state"] == "running" || s["D"]["state"] == "running");
  }
  const std::string logs = test::read_text(tmp / "batch.log") + "\n" + test::read_text(lab / "logs" / "OP1__A.log");
  REQUIRE_MESSAGE(ready, logs);
  ::kill(batch, SIGKILL);
  (void)test::wait_for_child(batch);
  // Its scans get SIGTERM as it dies (PR_SET_PDEATHSIG) and stop cleanly, resumable.
  std::map<std::string, json> s;
  while (std::chrono::steady_clock::now() < deadline) {
    s = batch_status(lab);
    if (s["C"]["state"] != "running" && s["D"]["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  int status_exit = -1;
  s = batch_status(lab, &status_exit);
  CHECK(status_exit == 0);  // nothing failed yet
  CHECK(s["A"]["state"] == "done");
  CHECK(s["A"]["items"] == 12);
  CHECK(s["A"]["alerts"] == 4);
  CHECK(s["B"]["state"] == "done");
  CHECK(s["E"]["state"] == "pending");
  CHECK(s["F"]["state"] == "pending");
  int unfinished = 0;
  for (const char* ex : {"C", "D"}) unfinished += s[ex]["state"] == "unfinished" ? 1 : 0;
  CHECK(unfinished >= 1);
  const std::string log_a = test::read_text(lab / "logs" / "OP1__A.log");
  CHECK(log_a.find("--hashset " + (lab / "HASHSET.db").string() + " --hashset " + (tmp / "known.vpdq").string()) !=
        std::string::npos);
  const auto db_a = fs::last_write_time(lab / "cases" / "OP1__A" / "case.db");

  // The same command again: only what is not finished runs; the broken exhibit fails.
  const int again = test::wait_for_child(test::spawn_triage(command, tmp / "batch.log"));
  REQUIRE(WIFEXITED(again));
  CHECK(WEXITSTATUS(again) == 1);
  s = batch_status(lab, &status_exit);
  CHECK(status_exit == 1);
  for (const char* ex : {"A", "B", "C", "D", "E"}) {
    CAPTURE(ex);
    CHECK(s[ex]["state"] == "done");
  }
  CHECK(s["F"]["state"] == "failed");
  CHECK(s["F"]["last_exit"] == 3);
  CHECK(s["C"]["items"] == 4);
  CHECK(s["E"]["items"] == 8);  // two sources
  CHECK(test::read_text(lab / "logs" / "OP1__A.log") == log_a);
  CHECK(fs::last_write_time(lab / "cases" / "OP1__A" / "case.db") == db_a);
  for (const char* dir : {"OP2__C", "OP2__D"})
    if (test::read_text(lab / "logs" / (std::string(dir) + ".log")).find("# exit 130") != std::string::npos)
      CHECK(test::read_text(lab / "logs" / (std::string(dir) + ".log")).find("--resume") != std::string::npos);
  const json report = json::parse(test::read_text(lab / "cases" / "OP2__C" / "report.json"));
  CHECK(report["case"]["case_ref"] == "OP2");
  CHECK(report["case"]["examiner"] == "Smith, A");
  // A different batch in the same folder is refused.
  auto other = command;
  other.resize(4);
  const auto refused = test::run_cli(other);
  CHECK(refused.exit_code == 4);
  CHECK(refused.err.find("holds another batch") != std::string::npos);
}
