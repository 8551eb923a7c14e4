// TskSource over images from the shared corpus and over small files made here; the oracle
// for listings is fls (tests/cli/disk_image_conformance_test.cpp compares every file).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <span>
#include <string_view>

#include "core/digest/digests.h"
#include "formats/source/source_integrity.h"
#include "formats/source/tsk_allocation_cap.h"
#include "formats/source/source_kind.h"
#include "formats/source/tsk_image.h"
#include "formats/source/tsk_source.h"
#include "formats/source/volume_signatures.h"
#include "tests/support/test_support.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

struct Collected {
  std::vector<WalkedItem> items;
  std::vector<WalkProblem> problems;
  const WalkedItem* find(const std::string& path) const {
    for (const auto& i : items)
      if (i.record.path == path) return &i;
    return nullptr;
  }
};

class CollectingSink final : public WalkSink {
 public:
  explicit CollectingSink(Collected& out) : out_(out) {}
  void item(WalkedItem&& walked) override { out_.items.push_back(std::move(walked)); }
  void problem(WalkProblem&& problem) override { out_.problems.push_back(std::move(problem)); }
  bool stopping() const override { return false; }

 private:
  Collected& out_;
};

Collected walk_image(const fs::path& image) {
  Collected out;
  CollectingSink sink(out);
  ContentPolicy policy;
  policy.all_files = true;
  TskSource(image.string(), policy).walk(sink);
  return out;
}

std::vector<std::byte> bytes_with(std::size_t size, std::size_t at, std::string_view magic) {
  std::vector<std::byte> bytes(size);
  for (std::size_t i = 0; i < magic.size(); ++i) bytes[at + i] = static_cast<std::byte>(magic[i]);
  return bytes;
}

}  // namespace

TEST_CASE("encryption signatures: BitLocker at byte 3, LUKS at byte 0, Core Storage at 88, nothing else") {
  CHECK(encrypted_volume_kind(bytes_with(512, 3, "-FVE-FS-")) == "BitLocker");
  auto core_storage = bytes_with(512, 88, "CS");
  CHECK_FALSE(encrypted_volume_kind(core_storage));  // version 0: not a Core Storage header
  core_storage[8] = std::byte{1};
  CHECK(encrypted_volume_kind(core_storage) == "FileVault 2 (Core Storage)");
  CHECK(encrypted_volume_kind(bytes_with(512, 0, std::string_view("LUKS\xBA\xBE", 6))) == "LUKS");
  CHECK_FALSE(encrypted_volume_kind(bytes_with(512, 0, "-FVE-FS-")));
  CHECK_FALSE(encrypted_volume_kind(bytes_with(4, 0, "LUKS")));
}

TEST_CASE("an image with no file system is one error row naming the reason; LUKS and BitLocker are named") {
  test::TempDir tmp;
  test::write_bytes(tmp / "zeros.img", std::vector<std::byte>(1 << 20));
  test::write_bytes(tmp / "luks.img", bytes_with(1 << 20, 0, std::string_view("LUKS\xBA\xBE", 6)));
  test::write_bytes(tmp / "bitlocker.img", bytes_with(1 << 20, 3, "-FVE-FS-"));
  const auto zeros = walk_image(tmp / "zeros.img");
  REQUIRE(zeros.problems.size() == 1);
  CHECK(zeros.items.empty());
  CHECK(zeros.problems[0].path == (tmp / "zeros.img").string());
  CHECK(zeros.problems[0].kind == "no_file_system");
  CHECK(zeros.problems[0].message.starts_with("no file system found"));
  CHECK(zeros.problems[0].is_error);
  const auto luks = walk_image(tmp / "luks.img");
  REQUIRE(luks.problems.size() == 1);
  CHECK(luks.problems[0].kind == "encrypted_volume");
  CHECK(luks.problems[0].message.starts_with("LUKS"));
  const auto bitlocker = walk_image(tmp / "bitlocker.img");
  REQUIRE(bitlocker.problems.size() == 1);
  CHECK(bitlocker.problems[0].kind == "encrypted_volume");
  CHECK(bitlocker.problems[0].message.starts_with("BitLocker"));
}

TEST_CASE("entropy: a volume of random bytes with no file system is reported as possibly encrypted; zeros are not") {
  CHECK(byte_entropy({}) == 0.0);
  CHECK(byte_entropy(std::vector<std::byte>(4096)) == 0.0);
  std::vector<std::byte> all(256 * 64);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::byte>(i % 256);
  CHECK(byte_entropy(all) == doctest::Approx(8.0));
  std::vector<std::byte> random(1 << 20);
  std::uint64_t x = 0x9E3779B97F4A7C15u;  // xorshift64: no structure a file system could have
  for (auto& b : random) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<std::byte>(x >> 56);
  }
  CHECK(byte_entropy(random) > kHighEntropy);
  test::TempDir tmp;
  test::write_bytes(tmp / "random.img", random);
  test::write_bytes(tmp / "zeros.img", std::vector<std::byte>(1 << 20));
  const auto walked = walk_image(tmp / "random.img");
  REQUIRE(walked.problems.size() == 1);
  CHECK(walked.problems[0].kind == "no_file_system");
  CHECK(walked.problems[0].message.starts_with("no file system found"));
  CHECK(walked.problems[0].message.find("possibly encrypted") != std::string::npos);
  CHECK(walked.problems[0].message.find("over 1024 KiB sampled") != std::string::npos);
  const auto zeros = walk_image(tmp / "zeros.img");
  REQUIRE(zeros.problems.size() == 1);
  CHECK(zeros.problems[0].message.find("encrypted") == std::string::npos);
}

TEST_CASE("NTFS: alternate data streams are items with fls addresses; unreadable orphan records are item errors") {
  auto corpus = test::require_corpus("disk-images");
  if (!corpus) return;
  test::TempDir tmp;
  const auto image = test::unpack_into(*corpus / "dfir_ntfs/ntfs3.raw.gz", tmp.path());
  const auto walked = walk_image(image);
  const std::string root = image.string() + ":/";
  const auto* sds = walked.find(root + "$Secure:$SDS");
  REQUIRE(sds != nullptr);
  CHECK(sds->record.fs.address == "9-128-2");
  CHECK(sds->record.size == 262512);
  const auto* file = walked.find(root + "test/1.txt");
  REQUIRE(file != nullptr);
  CHECK(file->record.fs.address == "28-128-2");
  CHECK(file->record.size == 286671);
  CHECK_FALSE(file->record.fs.deleted);
  CHECK(file->record.fs.mtime.has_value());
  const auto* orphan = walked.find(root + "$OrphanFiles/OrphanFile-16");
  REQUIRE(orphan != nullptr);
  CHECK(orphan->record.fs.address == "16");
  CHECK(orphan->record.fs.deleted);
  CHECK(orphan->record.fs.orphan);
  REQUIRE(orphan->record.problems.size() == 1);
  CHECK(orphan->record.problems[0].stage == "read");
}

TEST_CASE("partitioned images: evidence paths name the partition, its file system and byte offset") {
  auto corpus = test::require_corpus("disk-images");
  if (!corpus) return;
  test::TempDir tmp;
  const auto image = test::unpack_into(*corpus / "dfir_ntfs/exfat_lin_part.raw.gz", tmp.path());
  const auto walked = walk_image(image);
  const auto* one = walked.find(image.string() + "/p1(exfat@1048576):/1.txt");
  REQUIRE(one != nullptr);
  CHECK(one->record.fs.address == "390");
  CHECK(one->record.size == 4);
  // GPT with three empty partitions: one "no file system found" row each.
  const auto gpt = walk_image(test::unpack_into(*corpus / "dfir_ntfs/gpt-512-3p.raw.gz", tmp.path()));
  CHECK(gpt.items.empty());
  CHECK(std::count_if(gpt.problems.begin(), gpt.problems.end(),
                      [](const WalkProblem& p) { return p.kind == "no_file_system"; }) == 3);
}

TEST_CASE("E01: media digests through libtsk equal the MD5 stored at acquisition") {
  auto corpus = test::require_corpus("disk-images");
  if (!corpus) return;
  auto opened = open_disk_image((*corpus / "dfvfs/ext2.E01").string());
  REQUIRE(opened);
  CHECK(opened->format == "ewf");
  CHECK(opened->media_size == 4194304);
  const auto stored = ewf_stored_md5(opened->img.get());
  REQUIRE(stored);
  CHECK(*stored == "196066add11fb71c4c49cf1bb50d6d24");
  const auto media = digest_media(opened->img.get());
  REQUIRE(media);
  CHECK(media->md5 == *stored);
}

TEST_CASE("split raw: given the first segment, every segment is read") {
  auto corpus = test::require_corpus("disk-images");
  if (!corpus) return;
  test::TempDir tmp;
  const auto first = test::unpack_into(*corpus / "dfvfs/ext2.splitraw.000.gz", tmp.path());
  (void)test::unpack_into(*corpus / "dfvfs/ext2.splitraw.001.gz", tmp.path());
  auto opened = open_disk_image(first.string());
  REQUIRE(opened);
  CHECK(opened->segments.size() == 2);
  CHECK(opened->media_size == 4194304);
  const auto walked = walk_image(first);
  CHECK(walked.items.size() >= 3);
}

TEST_CASE("classify_source: folders walk, images go to libtsk, anything else is one clear error naming it") {
  test::TempDir tmp;
  CHECK(classify_source(tmp.path().string()).value() == SourceKind::directory);
  test::write_bytes(tmp / "zeros.img", std::vector<std::byte>(4096));
  CHECK(classify_source((tmp / "zeros.img").string()).value() == SourceKind::disk_image);
  test::write_text(tmp / "empty.img", "");
  auto empty = classify_source((tmp / "empty.img").string());
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message.find("empty.img") != std::string::npos);
  auto missing = classify_source((tmp / "nope.E01").string());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("nope.E01") != std::string::npos);
}

TEST_CASE("source integrity: same media verifies; any change or an E01 acquisition MD5 mismatch fails") {
  ImageDigest before;
  before.format = "ewf";
  before.media_size = 4194304;
  before.media = {"196066add11fb71c4c49cf1bb50d6d24", "s1", "s256"};
  ImageDigest after = before;
  after.stored_md5 = "196066add11fb71c4c49cf1bb50d6d24";
  auto same = judge_integrity(before, after);
  CHECK_FALSE(same.failed());
  CHECK(same.integrity == Integrity::verified);
  CHECK(same.note.find("equals the MD5 stored at acquisition") != std::string::npos);

  ImageDigest changed = after;
  changed.media.sha256 = "other";
  auto c = judge_integrity(before, changed);
  CHECK(c.failed());
  CHECK(c.integrity == Integrity::changed);
  CHECK(c.note.starts_with("IMAGE CHANGED DURING THE SCAN"));

  ImageDigest shorter = after;
  shorter.media_size = 512;
  CHECK(judge_integrity(before, shorter).failed());

  ImageDigest not_acquired = after;
  not_acquired.stored_md5 = "00000000000000000000000000000000";
  auto n = judge_integrity(before, not_acquired);
  CHECK(n.failed());
  CHECK(n.integrity == Integrity::acquisition_mismatch);

  ImageDigest no_stored = after;
  no_stored.stored_md5.reset();
  CHECK(judge_integrity(before, no_stored).note.find("no acquisition MD5 stored") != std::string::npos);
}

TEST_CASE("source integrity: the re-read after the scan computes the SHA-256 alone and still judges") {
  ImageDigest before;
  before.format = "ewf";
  before.media_size = 4194304;
  before.media = {"196066add11fb71c4c49cf1bb50d6d24", "s1", "s256"};
  ImageDigest after;
  after.format = "ewf";
  after.media_size = 4194304;
  after.media.sha256 = "s256";  // as digest_disk_image(path, MediaDigests::sha256_only) gives it
  after.stored_md5 = "196066add11fb71c4c49cf1bb50d6d24";
  auto same = judge_integrity(before, after);
  CHECK_FALSE(same.failed());
  CHECK(same.note == "media SHA-256 s256 unchanged after the scan; equals the MD5 stored at acquisition");

  ImageDigest changed = after;
  changed.media.sha256 = "other";
  CHECK(judge_integrity(before, changed).integrity == Integrity::changed);

  // The acquisition MD5 is compared with the MD5 read before the scan (same bytes: same SHA-256).
  ImageDigest not_acquired = after;
  not_acquired.stored_md5 = "00000000000000000000000000000000";
  auto n = judge_integrity(before, not_acquired);
  CHECK(n.integrity == Integrity::acquisition_mismatch);
  CHECK(n.note.find("196066add11fb71c4c49cf1bb50d6d24") != std::string::npos);
}

TEST_CASE("digest_media: chunked, read-ahead reading gives the digests of the whole file; SHA-256 alone on request") {
  test::TempDir tmp;
  const fs::path raw = tmp / "media.raw";
  // 9 chunks of 8 MiB, the last partial: the reader wraps around its ring of 6 slots.
  std::vector<char> bytes((68u << 20) + 12345);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 2654435761u) >> 13);
  {
    std::ofstream out(raw, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  const Digests whole = digest_buffer(std::as_bytes(std::span(bytes.data(), bytes.size())));
  auto opened = open_disk_image(raw.string());
  REQUIRE(opened);
  auto all = digest_media(opened->img.get());
  REQUIRE(all);
  CHECK(all->md5 == whole.md5);
  CHECK(all->sha1 == whole.sha1);
  CHECK(all->sha256 == whole.sha256);
  auto only = digest_disk_image(raw.string(), MediaDigests::sha256_only);
  REQUIRE(only);
  CHECK(only->media.sha256 == whole.sha256);
  CHECK(only->media.md5.empty());
  CHECK(only->media_size == bytes.size());
}

TEST_CASE("count: the progress line's totals equal what the walk then finds, without reading content") {
  auto corpus = test::require_corpus("disk-images");
  if (!corpus) return;
  test::TempDir tmp;
  const auto image = test::unpack_into(*corpus / "dfir_ntfs/exfat_lin_part.raw.gz", tmp.path());
  const auto walked = walk_image(image);
  WalkTotals totals;
  std::atomic<bool> stop{false};
  TskSource(image.string(), ContentPolicy{}).count(totals, stop);
  std::uint64_t bytes = 0;
  for (const auto& item : walked.items) bytes += item.record.size;
  CHECK(totals.files.load() == walked.items.size());
  CHECK(totals.bytes.load() == bytes);
}

TEST_CASE("an image in memory (libtsk external image) walks as the same image read from its file") {
  const fs::path image = test::source_dir() / "samples" / "disk" / "sample-fat12.img";
  const auto bytes = test::read_bytes(image);
  const auto from_file = walk_image(image);
  Collected from_memory;
  CollectingSink sink(from_memory);
  ContentPolicy policy;
  policy.all_files = true;
  TskSource(image.string(), bytes, policy).walk(sink);
  REQUIRE(from_file.items.size() >= 3);
  REQUIRE(from_memory.items.size() == from_file.items.size());
  for (std::size_t i = 0; i < from_file.items.size(); ++i) {
    CAPTURE(from_file.items[i].record.path);
    CHECK(from_memory.items[i].record.path == from_file.items[i].record.path);
    CHECK(from_memory.items[i].record.size == from_file.items[i].record.size);
    CHECK(from_memory.items[i].content.bytes == from_file.items[i].content.bytes);
  }
  CHECK(from_memory.problems.size() == from_file.problems.size());

  // Truncated: reads past the end are errors, never a fault.
  Collected cut;
  CollectingSink cut_sink(cut);
  TskSource("cut.img", std::span(bytes).first(bytes.size() / 3), policy).walk(cut_sink);
  CHECK(cut.items.size() + cut.problems.size() >= 1);
  Collected empty;
  CollectingSink empty_sink(empty);
  TskSource("empty.img", std::span<const std::byte>(), policy).walk(empty_sink);
  CHECK(empty.items.empty());
  CHECK(empty.problems.size() == 1);
}

// These inputs were found by the tsk_source fuzz harness (tests/fuzz/regressions/tsk_source/):
// mutated ISO 9660, ext2 and ext4 images on which `fls -r` never returns or takes a minute.
TEST_CASE("damaged directory trees that hang libtsk's own walk end with an error row, not a hang") {
  const fs::path dir = test::source_dir() / "tests" / "fuzz" / "regressions" / "tsk_source";

  // Entries lead back to directories listed elsewhere: libtsk walks them again, exponentially.
  const auto loops = walk_image(dir / "timeout-2c83eb0a752fe5ff3f45fc662194ef24bc1f2137");
  std::size_t loop_rows = 0;
  for (const auto& p : loops.problems)
    if (p.kind == "corrupt_directory" && p.message.find("directory tree loops") != std::string::npos) ++loop_rows;
  CHECK(loop_rows == 1);
  // What was listed before the stop is kept, and bounded: 10,000 + 4 x the distinct entries.
  CHECK(loops.items.size() > 0);
  CHECK(loops.items.size() < 20'000);
  WalkTotals totals;
  std::atomic<bool> stop{false};
  ContentPolicy policy;
  policy.all_files = true;
  TskSource((dir / "timeout-2c83eb0a752fe5ff3f45fc662194ef24bc1f2137").string(), policy).count(totals, stop);
  CHECK(totals.files.load() == loops.items.size());

  // Each of these inputs is also cut short of the size its file system claims: that row comes
  // first (corrupt_file_system), the directory's own after it.
  const auto row_of = [](const std::vector<WalkProblem>& problems, std::string_view kind) -> const WalkProblem* {
    for (const auto& p : problems)
      if (p.kind == kind) return &p;
    return nullptr;
  };
  // The root directory's address is the virtual orphan folder's: libtsk deadlocks on its lock.
  const auto orphan = walk_image(dir / "timeout-d99850481b99f215123433d4cd72fd91036f0850");
  CHECK(orphan.items.empty());
  const WalkProblem* orphan_row = row_of(orphan.problems, "corrupt_directory");
  REQUIRE(orphan_row != nullptr);
  CHECK(orphan_row->message.find("virtual orphan folder") != std::string::npos);
  REQUIRE(row_of(orphan.problems, "corrupt_file_system") != nullptr);
  CHECK(row_of(orphan.problems, "corrupt_file_system")->message.find("claims blocks 0-255 of 2048 bytes") !=
        std::string::npos);

  // ext2 root directory claiming 1.3 GB in a 100 KB file system: libtsk reads it run by run (fls: 56 s).
  const auto huge = walk_image(dir / "timeout-f39e0b43428d9832188ad3197c70ca50e4148aee");
  CHECK(huge.items.empty());
  REQUIRE(huge.problems.size() >= 1);
  CHECK(huge.problems.front().kind == "corrupt_directory");
  CHECK(huge.problems.front().message.find("claims 1313030637 bytes, more than the whole file system") !=
        std::string::npos);

  // ext4 root with inline data and a size of 825,307,441 bytes: libtsk allocates that much as the
  // inode loads (1.7 GB resident before the ceiling); now refused, and the walk stops as above.
  const std::size_t refused_before = tsk_allocations_refused();
  const auto inline_huge = walk_image(dir / "oom-5d7cf3a253b815b0d5df4f9bfc01da3563195947");
  CHECK(tsk_allocations_refused() > refused_before);
  CHECK(inline_huge.items.empty());
  const WalkProblem* inline_row = row_of(inline_huge.problems, "corrupt_directory");
  REQUIRE(inline_row != nullptr);
  CHECK(inline_row->message.find("claims 825307441 bytes") != std::string::npos);
}

extern "C" void* tsk_malloc(std::size_t);
extern "C" void* tsk_realloc(void*, std::size_t);

TEST_CASE("libtsk allocations: zeroed as libtsk's own, refused above the ceiling with a libtsk error") {
  auto* small = static_cast<unsigned char*>(tsk_malloc(4096));
  REQUIRE(small != nullptr);
  CHECK(std::all_of(small, small + 4096, [](unsigned char c) { return c == 0; }));
  tsk_error_reset();
  CHECK(tsk_realloc(small, kTskAllocationCap + 1) == nullptr);  // refused: the old block stays valid
  CHECK(std::string(tsk_error_get()).find("512 MiB ceiling") != std::string::npos);
  small[4095] = 1;
  auto* grown = static_cast<unsigned char*>(tsk_realloc(small, 8192));
  REQUIRE(grown != nullptr);
  CHECK(grown[4095] == 1);
  std::free(grown);
  tsk_error_reset();
  CHECK(tsk_malloc(kTskAllocationCap + 1) == nullptr);
  CHECK(std::string(tsk_error_get()).find("tsk_malloc") != std::string::npos);
  tsk_error_reset();
}
