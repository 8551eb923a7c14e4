// File systems whose size fields claim far more than the image holds (issue 17): an exFAT boot
// sector claiming 2^42 sectors made carving walk blocks for hours, deaf to SIGTERM. Each scan
// must end (a hang guard far above its seconds) with exactly one corrupt_file_system row whose
// claimed and real block ranges are fsstat's "Range" / "Total Range" and "Range in Image" (the
// oracle from outside). And an ext4 inode claiming 35 TB (found by the mutation soak) is
// identified, not digested for hours.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>

#include "tests/cli/cli_runner.h"
#include "tests/cli/image_tools.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;
using test::q;
using test::require_tools;
using test::sh;

namespace {

void put_le(const fs::path& image, std::uint64_t offset, std::uint64_t value, int width) {
  std::fstream f(image, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  for (int i = 0; i < width; ++i) f.put(static_cast<char>((value >> (8 * i)) & 0xFF));
  REQUIRE(f.good());
}

// fsstat's last block of the whole file system ("Range: 0 - N" or "Total Range: 0 - N", or NTFS's
// "Total Cluster Range") and of what the image holds ("Range in Image" / "Total Range in Image").
struct FsstatRanges {
  std::string claimed_last, real_last;
};

FsstatRanges fsstat_ranges(const fs::path& image) {
  // fsstat may exit 1 after its summary (group descriptors past the end): the ranges come first.
  (void)test::run_child("fsstat " + q(image) + " > " + q(image.string() + ".fsstat") + " 2>&1");
  const std::string text = test::read_text(image.string() + ".fsstat");
  FsstatRanges r;
  std::smatch m;
  if (std::regex_search(text, m, std::regex(R"(\nTotal Range: \d+ - (\d+))")) ||          // FAT (sectors)
      std::regex_search(text, m, std::regex(R"(Total Cluster Range: \d+ - (\d+))")) ||     // NTFS (clusters)
      std::regex_search(text, m, std::regex(R"(Block Range: \d+ - (\d+))")) ||             // ext4
      std::regex_search(text, m, std::regex(R"(\nRange: \d+ - (\d+))")))                   // exFAT (sectors)
    r.claimed_last = m[1];
  if (std::regex_search(text, m, std::regex(R"(Range in Image: \d+ - (\d+))"))) r.real_last = m[1];
  return r;
}

struct Scanned {
  int exit_code = -1;
  std::vector<json> rows;
};

Scanned scan(const fs::path& image, const fs::path& case_dir) {
  const fs::path triage = fs::path(TRIAGE_TEST_BINARY_DIR) / "cli" / "triage";
  const fs::path out = case_dir.string() + ".jsonl";
  // The guard is far above the second or so these take: only a hang reaches it.
  const test::ChildRun run = test::run_child("exec timeout -s KILL 120 " + q(triage) + " scan " + q(image) +
                                             " --format jsonl --out " + q(case_dir) + " > " + q(out) + " 2>/dev/null");
  Scanned s;
  s.exit_code = run.status;
  s.rows = test::parse_lines(test::read_text(out));
  MESSAGE(image.filename().string() << ": " << run.seconds << " s, " << run.max_rss_kib / 1024 << " MB");
  return s;
}

std::vector<json> rows_of_kind(const Scanned& s, const std::string& kind) {
  std::vector<json> out;
  for (const auto& r : s.rows)
    if (r.value("error", "") == kind) out.push_back(r);
  return out;
}

void check_claim(const fs::path& image, const fs::path& case_dir) {
  const FsstatRanges ranges = fsstat_ranges(image);
  REQUIRE(!ranges.claimed_last.empty());
  REQUIRE(!ranges.real_last.empty());
  const Scanned s = scan(image, case_dir);
  CHECK(s.exit_code == 1);  // finished, with the error row
  const auto rows = rows_of_kind(s, "corrupt_file_system");
  REQUIRE(rows.size() == 1);
  const std::string message = rows[0]["message"];
  INFO(message);
  CHECK(message.find("claims blocks 0-" + ranges.claimed_last + " ") != std::string::npos);
  CHECK(message.find("holds only blocks 0-" + ranges.real_last + " ") != std::string::npos);
}

}  // namespace

TEST_CASE("exFAT claiming 2^42 sectors (VolumeLength, offset 72): one corrupt_file_system row, no endless carving") {
  const auto corpus = test::require_corpus("disk-images");
  if (!corpus) return;
  if (!require_tools({"fsstat"})) return;
  test::TempDir tmp;
  const fs::path image = test::unpack_into(*corpus / "dfir_ntfs" / "exfat_win.raw.gz", tmp.path());
  put_le(image, 72, std::uint64_t{1} << 42, 8);  // exFAT boot sector VolumeLength (MS exFAT spec 3.1.5)
  check_claim(image, tmp / "case");
}

TEST_CASE("FAT32, NTFS and ext4 whose size fields claim vastly more than the image") {
  if (!require_tools({"fsstat", "mkfs.fat", "mkntfs", "mke2fs"})) return;
  test::TempDir tmp;
  // FAT32: BPB_TotSec32 (offset 32) is 32 bits wide: 2^32 - 1 sectors is the most it can claim.
  const fs::path fat32 = tmp / "fat32.img";
  sh("mkfs.fat -C -F 32 " + q(fat32) + " 40000");
  put_le(fat32, 32, 0xFFFFFFFFu, 4);
  check_claim(fat32, tmp / "fat32-case");
  // NTFS: total sectors (offset 0x28, 8 bytes) = 2^40.
  const fs::path ntfs = tmp / "ntfs.img";
  sh("truncate -s 40M " + q(ntfs) + " && mkntfs -F -Q -q " + q(ntfs));
  put_le(ntfs, 0x28, std::uint64_t{1} << 40, 8);
  check_claim(ntfs, tmp / "ntfs-case");
  // ext4 with 64-bit block numbers: s_blocks_count_lo (superblock + 0x4) and _hi (+ 0x150) = 2^40.
  const fs::path ext4 = tmp / "ext4.img";
  sh("mke2fs -q -t ext4 -O 64bit -b 4096 " + q(ext4) + " 64M");
  put_le(ext4, 1024 + 0x4, 0, 4);
  put_le(ext4, 1024 + 0x150, 1u << 8, 4);
  check_claim(ext4, tmp / "ext4-case");
}

TEST_CASE("an ext4 file claiming 35 TB is identified from its head and not digested (the soak's hang)") {
  if (!require_tools({"mke2fs", "debugfs"})) return;
  test::TempDir tmp;
  const fs::path image = tmp / "ext4.img";
  sh("mke2fs -q -t ext4 -d " + q(test::source_dir() / "samples" / "evidence") + " " + q(image) + " 16M");
  sh("debugfs -w -R 'sif /Pictures/bars.gif size 35184372090605' " + q(image));
  const Scanned s = scan(image, tmp / "case");
  CHECK(s.exit_code == 1);
  bool seen = false;
  for (const auto& r : s.rows) {
    if (r.value("path", "") != image.string() + ":/Pictures/bars.gif") continue;
    seen = true;
    CHECK(r["size"] == 35184372090605ull);
    CHECK(r["media_type"] == "image");  // its head was read and identified
    CHECK(r["md5"].is_null());
    REQUIRE(r.contains("errors"));
    CHECK(r["errors"][0]["message"].get<std::string>().find("above the limit of 16777216 bytes") !=
          std::string::npos);
  }
  CHECK(seen);
}

TEST_CASE("an ext2 file claiming more than its file system in block pointers is not loaded (quadratic in libtsk)") {
  if (!require_tools({"mke2fs", "debugfs"})) return;
  test::TempDir tmp;
  const fs::path image = tmp / "ext2.img";
  sh("mke2fs -q -t ext2 -d " + q(test::source_dir() / "samples" / "evidence") + " " + q(image) + " 4M");
  sh("debugfs -w -R 'sif /Documents/notes.txt size 536871028' " + q(image));
  const Scanned s = scan(image, tmp / "case");
  CHECK(s.exit_code == 1);
  bool seen = false;
  for (const auto& r : s.rows) {
    if (r.value("path", "") != image.string() + ":/Documents/notes.txt") continue;
    seen = true;
    REQUIRE(r.contains("errors"));
    CHECK(r["errors"][0]["message"].get<std::string>().find("claims 536871028 bytes, more than its file system "
                                                            "holds (4194304 bytes), in block pointers") !=
          std::string::npos);
  }
  CHECK(seen);
}
