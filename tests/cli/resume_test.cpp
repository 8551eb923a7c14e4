// Crash-safe, resumable scans (issue 8, acceptance 3): the `triage` executable scans a generated
// corpus of more than 2,000 files, is killed with SIGKILL at 20 random moments and resumed each
// time with --resume; after every kill case.db passes PRAGMA integrity_check and holds a prefix
// of the walk without duplicates, and the finished case holds exactly the items (paths, digests,
// order) and errors of an uninterrupted scan, with the same items.csv. Then the same after SIGINT.
// The seed of the random moments is printed; TRIAGE_RESUME_SEED replays one.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/child_process.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace triage;
using Clock = std::chrono::steady_clock;

namespace {

// 1,300 small images and 800 other files in 21 folders, a link not followed and a named pipe
// (walk problems have walk positions too). Returns the number of regular files.
int make_corpus(const fs::path& root) {
  int files = 0;
  for (unsigned i = 0; i < 2100; ++i) {
    const fs::path dir = root / ("d" + std::to_string(i / 100));
    fs::create_directories(dir);
    if (i % 8 < 5) {
      test::write_bytes(dir / ("img" + std::to_string(i) + ".bmp"), test::pattern_bmp(i, 24 + static_cast<int>(i % 9), 20));
    } else {
      test::write_text(dir / ("note" + std::to_string(i) + ".txt"),
                       "note " + std::to_string(i) + "\n" + std::string(i % 300, static_cast<char>('a' + i % 26)));
    }
    ++files;
  }
  // A camera roll of the samples' camera photographs: the exhibit's own camera, known only after
  // the walk (provenance), so a resumed scan must decide it as an uninterrupted one does.
  fs::create_directories(root / "DCIM" / "Camera");
  for (int i = 0; i < 24; ++i, ++files)
    fs::copy_file(test::source_dir() / "samples/evidence/DCIM/100TEST/IMG_0001.jpg",
                  root / "DCIM" / "Camera" / ("IMG_" + std::to_string(1000 + i) + ".jpg"));
  fs::create_symlink("d0", root / "link-to-d0");
  REQUIRE(::mkfifo((root / "d3" / "pipe").c_str(), 0600) == 0);
  return files;
}

// One query's rows, each row's columns joined by '|'; empty when the database cannot be read.
std::vector<std::string> query(const fs::path& db_file, const char* sql, int flags = SQLITE_OPEN_READONLY) {
  std::vector<std::string> rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return rows;
  }
  sqlite3_busy_timeout(db, 2000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        if (c) row += '|';
        const auto* text = sqlite3_column_text(stmt, c);
        row += text ? reinterpret_cast<const char*>(text) : "NULL";
      }
      rows.push_back(std::move(row));
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

std::uint64_t committed_items(const fs::path& db_file) {
  if (!fs::exists(db_file)) return 0;
  const auto rows = query(db_file, "SELECT count(*) FROM items");
  return rows.empty() ? 0 : std::stoull(rows[0]);
}

// What an uninterrupted and a resumed scan must agree on: every item (walk position, path,
// digests, type, PDQ, provenance) and every error row, in walk order.
struct CaseContent {
  std::vector<std::string> items, errors;
};
CaseContent content_of(const fs::path& db_file) {
  // Provenance too: the indicators are decided after the walk, so a resume must decide them again.
  return {query(db_file, "SELECT id, hex(path), size, md5, sha1, sha256, media_type, mime, pdq, prov_origin, prov_rule, "
                         "camera_id, own_camera, front_camera, exif_stripped, origin_indicator, prov_signals "
                         "FROM items ORDER BY id"),
          query(db_file, "SELECT seq, item_id, hex(path), stage, message FROM errors ORDER BY seq, id")};
}

// What a killed scan left, checked on a copy (opening the original would recover its WAL and
// hide from the resume what a real crash leaves): intact, a prefix of the walk, no duplicates.
struct KillState {
  std::uint64_t items = 0;
};
KillState check_after_kill(const fs::path& case_dir, const fs::path& scratch) {
  KillState state;
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  if (!fs::exists(case_dir / "case.db")) return state;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path from = case_dir / (std::string("case.db") + suffix);
    if (fs::exists(from)) fs::copy_file(from, scratch / from.filename());
  }
  const fs::path copy = scratch / "case.db";
  const auto rw = SQLITE_OPEN_READWRITE;
  const auto integrity = query(copy, "PRAGMA integrity_check", rw);
  REQUIRE(integrity.size() == 1);
  CHECK(integrity[0] == "ok");
  const auto has_items = query(copy, "SELECT count(*) FROM sqlite_master WHERE name = 'items'", rw);
  if (has_items.empty() || has_items[0] == "0") return state;
  const auto shape = query(copy,
                           "SELECT count(*), count(DISTINCT path), coalesce(max(id) + 1, 0) FROM items", rw);
  REQUIRE(shape.size() == 1);
  const auto first = shape[0].find('|'), second = shape[0].rfind('|');
  const std::string count = shape[0].substr(0, first);
  CHECK(shape[0].substr(first + 1, second - first - 1) == count);  // no path twice
  const auto positions = query(copy,
                               "SELECT count(*), coalesce(max(seq) + 1, 0) FROM (SELECT id AS seq FROM items UNION "
                               "ALL SELECT seq FROM errors WHERE item_id IS NULL)", rw);
  REQUIRE(positions.size() == 1);
  const auto bar = positions[0].find('|');
  CHECK(positions[0].substr(0, bar) == positions[0].substr(bar + 1));  // a prefix [0, n) of the walk
  state.items = std::stoull(count);
  return state;
}

unsigned seed_of_run() {
  if (const char* s = std::getenv("TRIAGE_RESUME_SEED")) return static_cast<unsigned>(std::stoul(s));
  return std::random_device{}();
}

}  // namespace

TEST_CASE("a scan killed (SIGKILL) at 20 random moments and resumed each time equals an uninterrupted scan") {
  test::TempDir tmp;
  const fs::path corpus = tmp / "corpus";
  const int files = make_corpus(corpus);
  REQUIRE(files >= 2000);
  REQUIRE(fs::exists(test::triage_binary()));
  const std::vector<std::string> scan{"scan", corpus.string(), "--all-files", "--jobs", "2", "--out"};

  auto args_for = [&](const fs::path& out, bool resume) {
    auto a = scan;
    a.push_back(out.string());
    if (resume) a.push_back("--resume");
    return a;
  };
  auto wait_exit = [](pid_t pid) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return status;
  };

  // The reference: one uninterrupted run.
  const auto t0 = Clock::now();
  const int reference_status = wait_exit(test::spawn_triage(args_for(tmp / "reference", false), tmp / "reference.log"));
  const double reference_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  REQUIRE(WIFEXITED(reference_status));
  CHECK(WEXITSTATUS(reference_status) == 1);  // the named pipe is a walk error
  const CaseContent reference = content_of(tmp / "reference" / "case.db");
  REQUIRE(reference.items.size() == static_cast<std::size_t>(files));

  const unsigned seed = seed_of_run();
  MESSAGE("kill moments: seed " << seed << " (TRIAGE_RESUME_SEED replays it); uninterrupted scan "
                                << reference_seconds << " s");
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto after = [&](double seconds) {
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6)));
  };
  // Two kinds of moment, scaled by the uninterrupted scan's time D so that the scan is still
  // running: "early", 0 to D/10 after the start (start-up, reading the case back, passing over
  // the committed positions, the first new items); "later", once the case holds a random number
  // of items more than it did (spread so that 30% of the walk is left at the end), then 0 to
  // D/30 more. The early ones need no progress; the later ones make it.
  const auto limit = static_cast<std::uint64_t>(0.7 * files);
  const fs::path killed = tmp / "killed";
  const fs::path db_file = killed / "case.db";
  int kills = 0, early = 0, mid_scan = 0;
  std::uint64_t before = 0;
  for (int left = 20; left > 0; --left) {
    const bool kill_early = unit(random) < 0.3 || before + 1 >= limit;
    const std::uint64_t target =
        kill_early ? 0
                   : std::min<std::uint64_t>(limit, before + 1 + static_cast<std::uint64_t>(
                                                             unit(random) * 2.0 * static_cast<double>(limit - before) /
                                                             (left + 1)));
    const pid_t pid = test::spawn_triage(args_for(killed, kills > 0), tmp / "killed.log");
    int status = 0;
    bool exited = false;
    while (!kill_early && !exited && committed_items(db_file) < target) {
      exited = ::waitpid(pid, &status, WNOHANG) == pid;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!exited) {
      after(unit(random) * reference_seconds / (kill_early ? 10.0 : 30.0));
      ::kill(pid, SIGKILL);
      status = wait_exit(pid);
    }
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
      FAIL("the scan was not killed: it ended first, exit status " << status << " (see killed.log)");
    ++kills;
    early += kill_early ? 1 : 0;
    const KillState state = check_after_kill(killed, tmp / "scratch");
    CHECK(state.items >= before);  // nothing committed is lost
    if (state.items > before) ++mid_scan;
    before = state.items;
  }
  CHECK(kills == 20);
  MESSAGE(kills << " kills (" << early << " early); " << mid_scan << " of them after new items had been committed; "
                << before << " of " << files << " items committed before the last resume");
  CHECK(mid_scan >= 1);

  const auto t1 = Clock::now();
  const int final_status = wait_exit(test::spawn_triage(args_for(killed, true), tmp / "killed.log"));
  MESSAGE("last resume finished in " << std::chrono::duration<double>(Clock::now() - t1).count() << " s");
  REQUIRE(WIFEXITED(final_status));
  CHECK(WEXITSTATUS(final_status) == 1);
  const CaseContent resumed = content_of(db_file);
  CHECK(resumed.items.size() == reference.items.size());
  CHECK(resumed.items == reference.items);
  CHECK(resumed.errors == reference.errors);
  CHECK(test::read_text(killed / "items.csv") == test::read_text(tmp / "reference" / "items.csv"));
  const auto runs = query(db_file, "SELECT status FROM runs");
  CHECK(runs == std::vector<std::string>{"completed"});
  // Each run killed after it had recorded its resumption, and the last one, left a row.
  const auto resumes = query(db_file, "SELECT count(*) FROM resumes");
  REQUIRE(resumes.size() == 1);
  CHECK(std::stoi(resumes[0]) >= 1);
  CHECK(std::stoi(resumes[0]) <= kills);

  // SIGINT 0 to D/5 after the run began: the walk and the work stop, a walk-order prefix is written, exit 130.
  const fs::path stopped = tmp / "stopped";
  const pid_t pid = test::spawn_triage(args_for(stopped, false), tmp / "stopped.log");
  int status = 0;
  bool exited = false;
  while (!exited && query(stopped / "case.db", "SELECT id FROM runs").empty()) {
    exited = ::waitpid(pid, &status, WNOHANG) == pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE_FALSE(exited);
  after(unit(random) * reference_seconds / 5.0);
  ::kill(pid, SIGINT);
  status = wait_exit(pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(query(stopped / "case.db", "SELECT status FROM runs") == std::vector<std::string>{"interrupted"});
  MESSAGE("SIGINT: " << committed_items(stopped / "case.db") << " of " << files << " items committed");
  const int resumed_status = wait_exit(test::spawn_triage(args_for(stopped, true), tmp / "stopped.log"));
  REQUIRE(WIFEXITED(resumed_status));
  CHECK(WEXITSTATUS(resumed_status) == 1);
  const CaseContent after_sigint = content_of(stopped / "case.db");
  CHECK(after_sigint.items == reference.items);
  CHECK(after_sigint.errors == reference.errors);
  CHECK(test::read_text(stopped / "items.csv") == test::read_text(tmp / "reference" / "items.csv"));
  CHECK(query(stopped / "case.db", "SELECT status FROM runs") == std::vector<std::string>{"completed"});
}

TEST_CASE("--resume: refused with other options, a new scan without a case, nothing to do once complete") {
  test::TempDir tmp;
  const fs::path src = tmp / "src";
  fs::create_directories(src / "a");
  test::write_bytes(src / "a" / "one.bmp", test::pattern_bmp(1, 16, 16));
  test::write_text(src / "a" / "two.txt", "two\n");
  test::write_bytes(src / "three.bmp", test::pattern_bmp(3, 16, 16));
  const std::string out = (tmp / "case").string();

  // --resume with no case yet starts the scan.
  auto first = test::run_cli({"scan", src.string(), "--out", out, "--resume", "--format", "jsonl"});
  REQUIRE(first.exit_code == 0);
  const auto first_lines = test::parse_lines(first.out);
  CHECK(first_lines.size() == 3);

  // Without --resume an existing case is refused, and the message says how to continue it.
  auto again = test::run_cli({"scan", src.string(), "--out", out});
  CHECK(again.exit_code == 4);
  CHECK(again.err.find("--resume") != std::string::npos);

  // Once complete, --resume only writes the outputs again; stdout carries the whole run.
  fs::remove(fs::path(out) / "SHA256SUMS");
  auto complete = test::run_cli({"scan", src.string(), "--out", out, "--resume", "--format", "jsonl"});
  CHECK(complete.exit_code == 0);
  CHECK(fs::exists(fs::path(out) / "SHA256SUMS"));
  CHECK(complete.err.find("had completed") != std::string::npos);
  CHECK(test::parse_lines(complete.out).size() == first_lines.size());

  // Other options or sources than the recorded run's are refused (exit 2), the case untouched.
  const auto before = content_of(fs::path(out) / "case.db");
  auto other = test::run_cli({"scan", src.string(), "--out", out, "--resume", "--all-files"});
  CHECK(other.exit_code == 2);
  CHECK(other.err.find("cannot resume") != std::string::npos);
  auto other_source = test::run_cli({"scan", (src / "a").string(), "--out", out, "--resume"});
  CHECK(other_source.exit_code == 2);
  CHECK(content_of(fs::path(out) / "case.db").items == before.items);

  // An interrupted run (SIGINT before the walk) resumed with other --jobs: the same case as a
  // scan never interrupted, and the stdout stream of the resumed run is the whole run's.
  const std::string stopped = (tmp / "stopped").string();
  std::vector<const char*> argv{"triage", "scan", src.c_str(), "--out", stopped.c_str(), "--jobs", "1"};
  std::ostringstream so, se;
  std::atomic<bool> interrupted{true};
  CHECK(cli::run(static_cast<int>(argv.size()), argv.data(), {so, se, false, interrupted}) == 130);
  auto resumed = test::run_cli({"scan", src.string(), "--out", stopped, "--resume", "--jobs", "3", "--format",
                                "jsonl"});
  CHECK(resumed.exit_code == 0);
  CHECK(content_of(fs::path(stopped) / "case.db").items == before.items);
  const auto resumed_lines = test::parse_lines(resumed.out);
  REQUIRE(resumed_lines.size() == first_lines.size());
  for (std::size_t i = 0; i < first_lines.size(); ++i) CHECK(resumed_lines[i]["sha256"] == first_lines[i]["sha256"]);
}
