// Disk images of the shared corpus (../shared/corpus/disk-images) scanned with --all-files
// against expected/expected-files.tsv, made with fls -r -p -l and icat (TSK 4.11.1): for every
// regular file the path, TSK address, size, allocation state and MD5/SHA-1/SHA-256 must agree.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <map>
#include <sstream>
#include <tuple>

#include "core/digest/digests.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/image_listing.h"
#include "tests/support/test_support.h"

using namespace triage;
using test::ExpectedFile;
using test::Tally;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// label (as in expected/, the stored path with '/' -> '_') and its stored files, first segment first.
struct CorpusImage {
  std::string label;
  std::vector<std::string> stored;
};

const std::vector<CorpusImage>& corpus_images() {
  static const std::vector<CorpusImage> images = {
      {"dfir_ntfs_exfat_lin_part.raw", {"dfir_ntfs/exfat_lin_part.raw.gz"}},
      {"dfir_ntfs_exfat_win.raw", {"dfir_ntfs/exfat_win.raw.gz"}},
      {"dfir_ntfs_fat12.raw", {"dfir_ntfs/fat12.raw.gz"}},
      {"dfir_ntfs_fat16.raw", {"dfir_ntfs/fat16.raw.gz"}},
      {"dfir_ntfs_fat_lfn_test.raw", {"dfir_ntfs/fat_lfn_test.raw.gz"}},
      {"dfir_ntfs_gpt-512-3p.raw", {"dfir_ntfs/gpt-512-3p.raw.gz"}},
      {"dfir_ntfs_ntfs3.raw", {"dfir_ntfs/ntfs3.raw.gz"}},
      {"dfir_ntfs_ntfs_index.raw", {"dfir_ntfs/ntfs_index.raw.gz"}},
      {"dfvfs_apfs.raw", {"dfvfs/apfs.raw.gz"}},
      {"dfvfs_bogus.001", {"dfvfs/bogus.001"}},
      {"dfvfs_ext2.E01", {"dfvfs/ext2.E01"}},
      {"dfvfs_ext2.splitraw.000+001", {"dfvfs/ext2.splitraw.000.gz", "dfvfs/ext2.splitraw.001.gz"}},
      {"dfvfs_ext2.vhd", {"dfvfs/ext2.vhd.gz"}},
      {"dfvfs_ext2.vmdk", {"dfvfs/ext2.vmdk.gz"}},
      {"dfvfs_hfsplus.raw", {"dfvfs/hfsplus.raw.gz"}},
      {"dfvfs_iso9660.raw", {"dfvfs/iso9660.raw"}},
      {"dfvfs_\xC3\xADmynd.dd", {"dfvfs/\xC3\xADmynd.dd"}},
      {"lde-testdata_test.ext4", {"lde-testdata/test.ext4"}},
      {"lde-testdata_test.iso9660j", {"lde-testdata/test.iso9660j"}},
      {"lde-testdata_test.vfat", {"lde-testdata/test.vfat"}},
  };
  return images;
}

Tally compare_image(const fs::path& corpus, const CorpusImage& image,
                    const std::multimap<std::string, ExpectedFile>& expected) {
  test::TempDir tmp;
  fs::path first;
  for (const auto& stored : image.stored) {
    const auto copy = test::unpack_into(corpus / stored, tmp.path());
    if (first.empty()) first = copy;
  }
  const auto start = std::chrono::steady_clock::now();
  auto run = test::run_cli({"scan", first.string(), "--out", (tmp / "case").string(), "--all-files", "--format", "jsonl"});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CAPTURE(image.label);
  CHECK((run.exit_code == 0 || run.exit_code == 1));  // 1: entries that could not be examined, listed
  CHECK_MESSAGE(run.err.find("verified - media SHA-256") != std::string::npos, run.err);

  const auto scanned = test::index_scan(first.string(), run.out);
  const auto problems = scanned.problems;
  std::vector<ExpectedFile> rows;
  const auto [begin, end] = expected.equal_range(image.label);
  for (auto it = begin; it != end; ++it) rows.push_back(it->second);
  const Tally tally = test::match_listing(scanned, rows);

  const bool negative = image.label == "dfvfs_bogus.001" || image.label == "dfir_ntfs_gpt-512-3p.raw";
  if (negative) {
    REQUIRE_FALSE(problems.empty());
    for (const auto& p : problems) {
      CHECK(p["error"] == "no_file_system");
      CHECK(p["message"].get<std::string>().starts_with("no file system found"));
    }
    CHECK(run.exit_code == 1);
  } else {
    CHECK_MESSAGE(problems.empty(), run.out);
  }
  MESSAGE(image.label << ": " << tally.matched << "/" << tally.expected << " expected rows match, " << tally.extra
                      << " extra, " << problems.size() << " error rows, " << seconds << " s");
  return tally;
}


}  // namespace

TEST_CASE("disk-image corpus: every regular file, address, state and digest as fls and icat give them") {
  auto corpus = test::require_corpus("disk-images");
  if (!corpus) return;
  const auto expected = test::read_expected_files(*corpus / "expected/expected-files.tsv");
  Tally total;
  for (const auto& image : corpus_images()) {
    const Tally t = compare_image(*corpus, image, expected);
    total.expected += t.expected;
    total.matched += t.matched;
    total.extra += t.extra;
  }
  MESSAGE("all images: " << total.matched << "/" << total.expected << " expected rows match, " << total.extra
                         << " extra");
  CHECK(total.expected == static_cast<int>(expected.size()));
  CHECK(total.matched == total.expected);
}

TEST_CASE("E01: the media digest is checked against the MD5 stored at acquisition") {
  auto corpus = test::require_corpus("disk-images");
  if (!corpus) return;
  test::TempDir tmp;
  auto run = test::run_cli({"scan", (*corpus / "dfvfs/ext2.E01").string(), "--out", (tmp / "case").string()});
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("equals the MD5 stored at acquisition") != std::string::npos);
  auto skipped = test::run_cli(
      {"scan", (*corpus / "dfvfs/ext2.E01").string(), "--out", (tmp / "fast").string(), "--no-source-hash"});
  CHECK(skipped.exit_code == 0);
  CHECK(skipped.out.find("not verified (source hash skipped (--no-source-hash))") != std::string::npos);
}

TEST_CASE("a scan leaves the image's SHA-256 unchanged and opens it read-only (strace): raw and E01") {
  auto corpus = test::require_corpus("disk-images");
  if (!corpus) return;
  const bool have_strace = std::system("command -v strace > /dev/null 2>&1") == 0;
  if (!have_strace)
    MESSAGE("SKIPPED (loudly): strace not installed (tools/setup.sh --test installs it); read-only open not checked");
  for (const char* stored : {"dfir_ntfs/fat16.raw.gz", "dfvfs/ext2.E01"}) {
    CAPTURE(stored);
    test::TempDir tmp;
    const auto image = test::unpack_into(*corpus / stored, tmp.path());
    const std::string before = sha256_of_file(image);
    auto run = test::run_cli({"scan", image.string(), "--out", (tmp / "case").string(), "--all-files"});
    CHECK(run.exit_code == 0);
    CHECK(sha256_of_file(image) == before);
    if (!have_strace) continue;

    const fs::path triage = fs::path(TRIAGE_TEST_BINARY_DIR) / "cli" / "triage";
    const fs::path log = tmp / "strace.log";
    // LeakSanitizer cannot run under ptrace: leaks are checked by the in-process scans above.
    const std::string command = "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "
                                "strace -f -e trace=openat,open,creat,truncate -o '" + log.string() + "' '" +
                                triage.string() + "' scan '" + image.string() + "' --out '" +
                                (tmp / "traced").string() + "' > /dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    int opens = 0;
    std::istringstream lines(test::read_text(log));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find(image.string() + "\"") == std::string::npos) continue;
      CAPTURE(line);
      if (line.find("ENOENT") != std::string::npos) continue;
      ++opens;
      CHECK(line.find("O_RDONLY") != std::string::npos);
      CHECK(line.find("O_RDWR") == std::string::npos);
      CHECK(line.find("O_WRONLY") == std::string::npos);
      CHECK(line.find("O_TRUNC") == std::string::npos);
      CHECK(line.find("truncate") == std::string::npos);
    }
    CHECK(opens >= 3);  // classification, the walk and the two integrity reads
    CHECK(sha256_of_file(image) == before);
  }
}
