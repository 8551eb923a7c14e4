// Batches on Slurm (issue 23, acceptance 2): a real single-node Slurm cluster (Debian slurmctld,
// slurmd and munge, configured and started by tests/support/slurm_cluster.sh under a temporary
// folder, stopped at the end) runs a manifest as one job array; a task cancelled with scancel
// mid-run is resumed by --resubmit; the case directories equal a local run's. Needs root (the
// daemons), as CI has; elsewhere without root or the packages it skips, loudly.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
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

// The cluster of `dir`, stopped whatever happens.
class SlurmCluster {
 public:
  explicit SlurmCluster(fs::path dir) : dir_(std::move(dir)) {
    const std::string script = (test::source_dir() / "tests" / "support" / "slurm_cluster.sh").string();
    started_ = std::system(("'" + script + "' start '" + dir_.string() + "' > '" + dir_.string() + ".log' 2>&1").c_str()) == 0;
    if (started_) ::setenv("SLURM_CONF", (dir_ / "slurm.conf").c_str(), 1);
  }
  ~SlurmCluster() {
    const std::string script = (test::source_dir() / "tests" / "support" / "slurm_cluster.sh").string();
    (void)std::system(("'" + script + "' stop '" + dir_.string() + "' >> '" + dir_.string() + ".log' 2>&1").c_str());
    ::unsetenv("SLURM_CONF");
  }
  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;
  bool started() const { return started_; }
  std::string log() const { return test::read_text(dir_.string() + ".log"); }

 private:
  fs::path dir_;
  bool started_ = false;
};

// Polls `batch status` until `done(status)` or `seconds` pass; the last status.
template <typename Done>
std::map<std::string, json> wait_status(const fs::path& lab, int seconds, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  auto s = batch_status(lab);
  while (!done(s) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    s = batch_status(lab);
  }
  return s;
}

// What of a case directory must not depend on where or how it was run.
std::string case_content(const fs::path& dir) {
  json report = json::parse(test::read_text(dir / "report.json"));
  return test::read_text(dir / "items.csv") + report["summary"].dump() + report["items"].dump() + report["findings"].dump();
}

}  // namespace

TEST_CASE("a Slurm job array runs the manifest; a task cancelled mid-run is resumed by --resubmit") {
  for (const char* binary : {"/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch"})
    if (!test::require_package_file(binary, "slurmctld slurmd slurm-client munge")) return;
  if (::geteuid() != 0) {
    if (std::getenv("CI") != nullptr) FAIL("the Slurm test needs root (its daemons run as root)");
    MESSAGE("SKIPPED: the Slurm test needs root (its daemons run as root)");
    return;
  }
  REQUIRE(fs::exists(test::triage_binary()));
  test::TempDir tmp;
  fs::create_directories(tmp / "slow");
  fs::copy_file(kSamples / "evidence" / "Pictures" / "pattern.png", tmp / "slow" / "pattern.png");
  for (int i = 0; i < 3; ++i) {
    const fs::path big = tmp / "slow" / ("big-" + std::to_string(i) + ".bin");
    test::write_text(big, "");
    fs::resize_file(big, 384ull << 20);  // a hole: seconds to digest, no disk space
  }
  test::write_text(tmp / "manifest.csv",
                   "case_ref,exhibit_ref,examiner,source\n"
                   "OP1,A,DC Jones," + (kSamples / "evidence").string() + "\n"
                   "OP1,B,DC Jones," + (kSamples / "disk" / "sample-fat12.img").string() + "\n"
                   "OP2,C,DC Jones,slow\n");
  auto command = [&](const fs::path& lab, std::vector<std::string> extra) {
    std::vector<std::string> args{"batch", (tmp / "manifest.csv").string(), "--out", lab.string(), "--hashset",
                                  (kSamples / "hashsets" / "sample-uk.vics.json").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--", "--all-files"});
    return args;
  };
  // The reference: the same batch on this machine.
  REQUIRE(WEXITSTATUS(test::wait_for_child(test::spawn_triage(command(tmp / "local", {}), tmp / "local.log"))) == 0);

  SlurmCluster cluster(tmp / "slurm");
  REQUIRE_MESSAGE(cluster.started(), cluster.log());
  const fs::path lab = tmp / "lab";
  const int submitted = test::wait_for_child(test::spawn_triage(command(lab, {"--engine", "slurm"}), tmp / "submit.log"));
  REQUIRE_MESSAGE(WEXITSTATUS(submitted) == 0, test::read_text(tmp / "submit.log"));
  CHECK(test::read_text(lab / "slurm" / "triage-batch.sh").find("batch run-one") != std::string::npos);
  // A second submission without --resubmit is refused.
  CHECK(WEXITSTATUS(test::wait_for_child(test::spawn_triage(command(lab, {"--engine", "slurm"}), tmp / "submit.log"))) == 2);

  // C cancelled while its scan runs: a second after its case.db appeared (status does not read a
  // running case), well inside the time its scan took here.
  const double c_seconds = batch_status(tmp / "local")["C"]["elapsed_s"].get<double>();
  REQUIRE(c_seconds > 2.5);
  auto s = wait_status(lab, 90, [&](auto& st) {
    return st["C"]["state"] == "running" && fs::exists(lab / "cases" / "OP2__C" / "case.db");
  });
  const std::string logs = cluster.log() + test::read_text(tmp / "submit.log");
  REQUIRE_MESSAGE(s["C"]["state"] == "running", logs);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  std::ifstream jobs(lab / "slurm" / "jobs");
  std::string job;
  jobs >> job;
  REQUIRE_FALSE(job.empty());
  REQUIRE(std::system(("scancel " + job + "_2").c_str()) == 0);
  s = wait_status(lab, 60, [](auto& st) { return st["C"]["state"] == "unfinished"; });
  CHECK(s["C"]["state"] == "unfinished");
  CHECK(s["C"]["note"].template get<std::string>().find("CANCELLED") != std::string::npos);

  // --resubmit: only C goes again, and resumes.
  const int resubmitted =
      test::wait_for_child(test::spawn_triage(command(lab, {"--engine", "slurm", "--resubmit"}), tmp / "submit.log"));
  REQUIRE_MESSAGE(WEXITSTATUS(resubmitted) == 0, test::read_text(tmp / "submit.log"));
  CHECK(test::read_text(tmp / "submit.log").find("submitted 1 exhibit(s)") != std::string::npos);
  s = wait_status(lab, 120, [](auto& st) {
    return st["A"]["state"] == "done" && st["B"]["state"] == "done" && st["C"]["state"] == "done";
  });
  for (const char* ex : {"A", "B", "C"}) {
    CAPTURE(ex);
    CHECK(s[ex]["state"] == "done");
  }
  CHECK(test::read_text(lab / "logs" / "OP2__C.log").find("--resume") != std::string::npos);
  for (const char* dir : {"OP1__A", "OP1__B", "OP2__C"}) {
    CAPTURE(dir);
    CHECK(case_content(lab / "cases" / dir) == case_content(tmp / "local" / "cases" / dir));
  }
}
