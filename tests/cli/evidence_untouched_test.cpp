// Evidence is never written: the `triage` executable scans a folder under strace, and no system
// call may open anything in it for writing or change it (names, times, modes); every file's bytes,
// size and modification time are the same afterwards. Needs strace (tools/setup.sh --test):
// without it the test fails under CI and is skipped loudly elsewhere.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "core/digest/digests.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace triage;

namespace {

struct FileState {
  std::string sha256;
  std::uintmax_t size = 0;
  long long mtime_ns = 0;
  unsigned mode = 0;
  bool operator==(const FileState&) const = default;
};

std::map<std::string, FileState> state_of(const fs::path& root) {
  std::map<std::string, FileState> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    struct stat st {};
    REQUIRE(::lstat(e.path().c_str(), &st) == 0);
    FileState s;
    s.size = static_cast<std::uintmax_t>(st.st_size);
    s.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
    s.mode = st.st_mode;
    if (e.is_regular_file()) s.sha256 = digest_buffer(test::read_bytes(e.path())).sha256;
    out[fs::relative(e.path(), root).string()] = s;
  }
  return out;
}

bool have_strace() { return std::system("strace -V >/dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("a scan opens evidence read-only and leaves every file as it was (strace)") {
  if (!have_strace()) {
    if (const char* ci = std::getenv("CI"); ci != nullptr && std::string(ci) == "true") {
      FAIL("strace is not installed (tools/setup.sh --test installs it)");
    }
    MESSAGE("SKIPPED: strace is not installed; evidence write check not run");
    return;
  }
  test::TempDir tmp;
  const fs::path evidence = tmp / "evidence";
  fs::copy(test::source_dir() / "samples" / "evidence", evidence, fs::copy_options::recursive);
  const auto before = state_of(evidence);
  const fs::path triage = fs::path(TRIAGE_TEST_BINARY_DIR) / "cli" / "triage";
  REQUIRE(fs::exists(triage));
  const fs::path trace = tmp / "trace.txt";
  // LeakSanitizer cannot run under ptrace: off for this child when the suite runs under ASan.
  const std::string command = "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o '" +
                              trace.string() +
                              "' -e trace=open,openat,openat2,creat,truncate,ftruncate,unlink,unlinkat,rename,"
                              "renameat,renameat2,chmod,fchmodat,chown,fchownat,utimensat,mkdir,mkdirat,link,"
                              "linkat,symlink,symlinkat '" +
                              triage.string() + "' scan '" + evidence.string() + "' --all-files --out '" +
                              (tmp / "case").string() + "' >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);

  std::istringstream lines(test::read_text(trace));
  std::string line;
  int opens_of_evidence = 0;
  while (std::getline(lines, line)) {
    if (line.find(evidence.string()) == std::string::npos) continue;
    CAPTURE(line);
    const bool is_open = line.find("open") != std::string::npos;
    if (is_open) {
      ++opens_of_evidence;
      CHECK(line.find("O_RDONLY") != std::string::npos);
      for (const char* flag : {"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"}) CHECK(line.find(flag) == std::string::npos);
    } else {
      FAIL_CHECK("a call that changes the file system names the evidence");
    }
  }
  MESSAGE(opens_of_evidence << " opens of evidence paths, all read-only");
  CHECK(opens_of_evidence >= 12);
  CHECK(state_of(evidence) == before);
}
