// Issue 8, acceptance 1 (disk images): small disk images of ../shared/corpus with 1% of their
// bytes changed at fixed seeds, each scanned by the `triage` executable: no crash (no signal),
// never silent (every item digested or with its reason, every error entry with a message),
// peak RSS under 1 GB, each item within --item-timeout and the whole scan under a hang guard.
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace triage;

namespace {


// Changes 1% of the bytes (positions drawn with replacement), each XORed with a non-zero value.
void flip_one_percent(const fs::path& file, unsigned seed) {
  auto bytes = test::read_bytes(file);
  std::mt19937 rng(seed);
  for (std::size_t n = 0; n < bytes.size() / 100; ++n)
    bytes[rng() % bytes.size()] ^= static_cast<std::byte>(1 + rng() % 255);
  test::write_bytes(file, bytes);
}

}  // namespace

TEST_CASE("hostile corpus: disk images with 1% of bytes flipped scan without a crash, never silent, bounded") {
  const auto corpus = test::require_corpus("disk-images");
  if (!corpus) return;
  // Small images of every file-system family libtsk reads here (FAT, exFAT, NTFS, ext, HFS+,
  // APFS, ISO 9660) and a GPT-partitioned one.
  const char* const images[] = {"dfir_ntfs/fat12.raw.gz",      "dfir_ntfs/exfat_win.raw.gz", "dfir_ntfs/ntfs_index.raw.gz",
                                "dfir_ntfs/gpt-512-3p.raw.gz", "dfvfs/hfsplus.raw.gz",       "dfvfs/apfs.raw.gz",
                                "dfvfs/iso9660.raw",           "lde-testdata/test.ext4"};
  const fs::path triage = fs::path(TRIAGE_TEST_BINARY_DIR) / "cli" / "triage";
  constexpr int kHangGuardSeconds = 300;  // far above a scan of these (seconds): only a hang reaches it
  test::TempDir tmp;
  std::size_t scans = 0, items = 0, with_problems = 0, errors = 0;
  long max_rss_kib = 0;
  double slowest = 0;
  for (const char* rel : images) {
    for (const unsigned seed : {1u, 2u, 3u}) {
      const fs::path dir = tmp / (fs::path(rel).stem().string() + "-" + std::to_string(seed));
      fs::create_directories(dir);
      const fs::path image = test::unpack_into(*corpus / rel, dir);
      flip_one_percent(image, seed);
      const fs::path out = dir / "items.jsonl", err = dir / "err.txt";
      const test::ChildRun run = test::run_child("exec timeout -s KILL " + std::to_string(kHangGuardSeconds) + " '" +
                                     triage.string() + "' scan '" + image.string() +
                                     "' --all-files --item-timeout 10 --format jsonl --out '" +
                                     (dir / "case").string() + "' > '" + out.string() + "' 2> '" + err.string() + "'");
      CAPTURE(rel);
      CAPTURE(seed);
      ++scans;
      // 0: all examined; 1: some items or entries not (errors); 3: the source cannot be opened.
      // A signal (128 + n; 137 when the hang guard killed it) or anything else fails.
      CHECK_MESSAGE((run.status == 0 || run.status == 1 || run.status == 3),
                    "exit status " << run.status << ": " << test::read_text(err));
      CHECK(run.max_rss_kib < 1024 * 1024);
      max_rss_kib = std::max(max_rss_kib, run.max_rss_kib);
      slowest = std::max(slowest, run.seconds);
      const auto lines = test::parse_lines(test::read_text(out));
      if (run.status == 3) {
        CHECK(test::read_text(err).find(image.filename().string()) != std::string::npos);  // names the source
        continue;
      }
      CHECK_FALSE(lines.empty());  // never silent: at least an item or an error entry
      for (const auto& j : lines) {
        if (j.contains("size")) {
          ++items;
          const bool digested = j.contains("sha256") && j["sha256"].is_string();
          const bool explained = j.contains("errors") && !j["errors"].empty();
          CHECK_MESSAGE((digested || explained), j.dump());
          if (explained) {
            ++with_problems;
            for (const auto& p : j["errors"]) CHECK_FALSE(p["message"].get<std::string>().empty());
          }
        } else {
          ++errors;
          CHECK_FALSE(j.value("message", std::string()).empty());
        }
      }
    }
  }
  MESSAGE(scans << " scans of flipped images: " << items << " items (" << with_problems << " with problems), "
                << errors << " error entries; peak RSS " << max_rss_kib / 1024 << " MiB; slowest scan " << slowest
                << " s");
}
