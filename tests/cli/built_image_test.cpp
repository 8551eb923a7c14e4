// Disk images this suite builds itself with the file systems' own tools, holding the benign
// sample JPEGs, each compared with fls/icat (the oracle from outside) and with the planted truth:
// FAT32 with a deleted JPEG, ext4, NTFS with an alternate data stream, an MBR with a primary and
// a logical partition, and a multi-segment E01 made by ewfacquire from a raw image.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "core/digest/digests.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/image_listing.h"
#include "tests/cli/image_tools.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;
using test::item_at;
using test::md5_of;
using test::q;
using test::require_tools;
using test::sample;
using test::scan_and_compare;
using test::sh;

namespace {

// A DOS partition table entry (MBR or EBR): type, first sector, sector count.
void put_entry(std::vector<char>& sector, int slot, unsigned char type, std::uint32_t start, std::uint32_t count) {
  char* e = sector.data() + 446 + 16 * slot;
  e[4] = static_cast<char>(type);
  for (int i = 0; i < 4; ++i) {
    e[8 + i] = static_cast<char>((start >> (8 * i)) & 0xFF);
    e[12 + i] = static_cast<char>((count >> (8 * i)) & 0xFF);
  }
  sector[510] = static_cast<char>(0x55);
  sector[511] = static_cast<char>(0xAA);
}

void write_sector(const fs::path& image, std::uint64_t lba, const std::vector<char>& sector) {
  std::fstream f(image, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(lba * 512));
  f.write(sector.data(), 512);
  REQUIRE(f.good());
}

}  // namespace

TEST_CASE("built FAT32: JPEGs and a deleted JPEG, as fls/icat list them") {
  if (!require_tools({"mkfs.fat", "mcopy", "mdel", "fls", "icat"})) return;
  test::TempDir tmp;
  const fs::path image = tmp / "fat32.img";
  sh("mkfs.fat -C -F 32 -s 1 -i 3232 " + q(image) + " 40960");
  sh("mcopy -i " + q(image) + " " + q(sample("DCIM/100TEST/IMG_0001.jpg")) + " ::/kept.jpg");
  sh("mcopy -i " + q(image) + " " + q(sample("Pictures/pattern.png")) + " ::/pattern.png");
  sh("mcopy -i " + q(image) + " " + q(sample("DCIM/100TEST/IMG_0002.jpg")) + " ::/gone.jpg");
  sh("mdel -i " + q(image) + " ::/gone.jpg");
  const auto scanned = scan_and_compare(image, tmp / "case", {"0"});
  const json* kept = item_at(scanned, "0", "kept.jpg");
  REQUIRE(kept != nullptr);
  CHECK((*kept)["md5"] == md5_of(sample("DCIM/100TEST/IMG_0001.jpg")));
  const json* gone = item_at(scanned, "0", "_one.jpg");  // FAT overwrites a deleted name's first byte
  REQUIRE(gone != nullptr);
  CHECK((*gone)["deleted"] == true);
  CHECK((*gone)["media_type"] == "image");
  CHECK((*gone)["md5"] == md5_of(sample("DCIM/100TEST/IMG_0002.jpg")));
}

TEST_CASE("built ext4 (mke2fs -d): JPEGs in folders, as fls/icat list them") {
  if (!require_tools({"mke2fs", "fls", "icat"})) return;
  test::TempDir tmp;
  fs::create_directories(tmp / "tree" / "DCIM");
  fs::copy_file(sample("DCIM/100TEST/IMG_0001.jpg"), tmp / "tree" / "DCIM" / "a.jpg");
  fs::copy_file(sample("Pictures/pattern.png"), tmp / "tree" / "b.png");
  const fs::path image = tmp / "ext4.img";
  sh("mke2fs -q -t ext4 -d " + q(tmp / "tree") + " " + q(image) + " 4096");
  const auto scanned = scan_and_compare(image, tmp / "case", {"0"});
  const json* a = item_at(scanned, "0", "DCIM/a.jpg");
  REQUIRE(a != nullptr);
  CHECK((*a)["md5"] == md5_of(sample("DCIM/100TEST/IMG_0001.jpg")));
  CHECK((*a)["media_type"] == "image");
}

TEST_CASE("built ext4: a name holding ':' or '%' is one file, its path escaped (not read as a stream)") {
  if (!require_tools({"mke2fs", "fls", "icat"})) return;
  test::TempDir tmp;
  fs::create_directories(tmp / "tree" / "x:y");
  fs::copy_file(sample("DCIM/100TEST/IMG_0001.jpg"), tmp / "tree" / "x:y" / "a:b%3A.jpg");
  const fs::path image = tmp / "ext4.img";
  sh("mke2fs -q -t ext4 -d " + q(tmp / "tree") + " " + q(image) + " 4096");
  const auto scanned = scan_and_compare(image, tmp / "case", {"0"});  // fls lists the name as it is
  const json* file = item_at(scanned, "0", "x:y/a:b%3A.jpg");
  REQUIRE(file != nullptr);
  CHECK((*file)["path"] == image.string() + ":/x%3Ay/a%3Ab%253A.jpg");
  CHECK((*file)["md5"] == md5_of(sample("DCIM/100TEST/IMG_0001.jpg")));
}

TEST_CASE("built NTFS (mkntfs + ntfscp): an alternate data stream is its own item") {
  if (!require_tools({"mkntfs", "ntfscp", "fls", "icat"})) return;
  test::TempDir tmp;
  const fs::path image = tmp / "ntfs.img";
  sh("truncate -s 8M " + q(image));
  sh("mkntfs -F -f -q " + q(image));
  sh("ntfscp " + q(image) + " " + q(sample("Pictures/pattern.png")) + " /pattern.png");
  sh("ntfscp -N hidden " + q(image) + " " + q(sample("DCIM/100TEST/IMG_0002.jpg")) + " /pattern.png");
  const auto scanned = scan_and_compare(image, tmp / "case", {"0"});
  const json* stream = item_at(scanned, "0", "pattern.png:hidden");
  REQUIRE(stream != nullptr);
  CHECK((*stream)["media_type"] == "image");
  CHECK((*stream)["mime"] == "image/jpeg");
  CHECK((*stream)["md5"] == md5_of(sample("DCIM/100TEST/IMG_0002.jpg")));
  const json* main = item_at(scanned, "0", "pattern.png");
  REQUIRE(main != nullptr);
  CHECK((*main)["fs_address"].get<std::string>().starts_with("64-128-"));
  CHECK((*main)["md5"] == md5_of(sample("Pictures/pattern.png")));
}

TEST_CASE("built MBR with a primary FAT16 and a logical ext4 partition (extended partition)") {
  if (!require_tools({"mkfs.fat", "mcopy", "mke2fs", "fls", "icat"})) return;
  test::TempDir tmp;
  fs::create_directories(tmp / "tree");
  fs::copy_file(sample("DCIM/100TEST/IMG_0001.jpg"), tmp / "tree" / "logical.jpg");
  const fs::path image = tmp / "mbr.img";
  sh("truncate -s 12M " + q(image));
  std::vector<char> mbr(512), ebr(512);
  put_entry(mbr, 0, 0x06, 2048, 8192);    // primary FAT16: sectors 2048..10239
  put_entry(mbr, 1, 0x05, 10240, 14336);  // extended: sectors 10240..24575
  put_entry(ebr, 0, 0x83, 2048, 12288);   // logical, relative to the EBR: sectors 12288..24575
  write_sector(image, 0, mbr);
  write_sector(image, 10240, ebr);
  sh("mkfs.fat -F 16 -s 1 -i 1616 --offset 2048 " + q(image) + " 4096");
  sh("mcopy -i " + q(image) + "@@1048576 " + q(sample("DCIM/100TEST/IMG_0002.jpg")) + " ::/primary.jpg");
  sh("mke2fs -q -t ext4 -E offset=6291456 -d " + q(tmp / "tree") + " " + q(image) + " 6144");
  const auto scanned = scan_and_compare(image, tmp / "case", {"2048", "12288"});
  const json* primary = item_at(scanned, "2048", "primary.jpg");
  REQUIRE(primary != nullptr);
  CHECK((*primary)["path"].get<std::string>().find("/p1(fat16@1048576):/primary.jpg") != std::string::npos);
  const json* logical = item_at(scanned, "12288", "logical.jpg");
  REQUIRE(logical != nullptr);
  CHECK((*logical)["path"].get<std::string>().find("/p2(ext4@6291456):/logical.jpg") != std::string::npos);
  CHECK((*logical)["md5"] == md5_of(sample("DCIM/100TEST/IMG_0001.jpg")));
}

TEST_CASE("built E01 (ewfacquire, five segments): all segments read, acquisition MD5 verified") {
  if (!require_tools({"mkfs.fat", "mcopy", "ewfacquire", "fls", "icat"})) return;
  test::TempDir tmp;
  const fs::path raw = tmp / "raw.img";
  sh("mkfs.fat -C -F 12 -i 1212 " + q(raw) + " 4096");
  sh("mcopy -i " + q(raw) + " " + q(sample("DCIM/100TEST/IMG_0001.jpg")) + " ::/a.jpg");
  sh("ewfacquire -u -q -t " + q(tmp / "exhibit") + " -c none -S 1MiB " + q(raw));
  REQUIRE(fs::exists(tmp / "exhibit.E02"));
  const fs::path image = tmp / "exhibit.E01";
  const auto scanned = scan_and_compare(image, tmp / "case", {"0"});
  const json* a = item_at(scanned, "0", "a.jpg");
  REQUIRE(a != nullptr);
  CHECK((*a)["md5"] == md5_of(sample("DCIM/100TEST/IMG_0001.jpg")));
  auto run = test::run_cli({"scan", image.string(), "--out", (tmp / "again").string()});
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("equals the MD5 stored at acquisition") != std::string::npos);
  CHECK(run.out.find(digest_buffer(test::read_bytes(raw)).sha256) != std::string::npos);
}

namespace {

// A FAT12 image whose unallocated data area holds `file` at byte `offset` and nothing else.
fs::path fat_with_planted(const fs::path& dir, const std::string& name, const fs::path& file, std::uint64_t offset) {
  const fs::path image = dir / name;
  sh("mkfs.fat -C -F 12 -i 1200 " + q(image) + " 4096");
  const auto bytes = test::read_bytes(file);
  std::fstream f(image, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(f.good());
  return image;
}

std::vector<json> carved_items(const fs::path& image, const fs::path& case_dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"scan", image.string(), "--out", case_dir.string(), "--format", "jsonl"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto run = test::run_cli(args);
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  return test::index_scan(image.string(), run.out).carved;
}

}  // namespace

TEST_CASE("carving: a JPEG and a PNG only in unallocated space; the shift test at 65 bytes") {
  if (!require_tools({"mkfs.fat"})) return;
  test::TempDir tmp;
  const fs::path jpeg = sample("DCIM/100TEST/IMG_0001.jpg");
  const fs::path png = sample("Pictures/pattern.png");
  const std::uint64_t base = 2u << 20;
  const auto a = fat_with_planted(tmp.path(), "a.img", jpeg, base);
  const auto b = fat_with_planted(tmp.path(), "b.img", jpeg, base + 65);
  const auto c = fat_with_planted(tmp.path(), "c.img", png, base + 3);
  const auto carved_a = carved_items(a, tmp / "case-a");
  const auto carved_b = carved_items(b, tmp / "case-b");
  const auto carved_c = carved_items(c, tmp / "case-c");
  REQUIRE(carved_a.size() == 1);
  REQUIRE(carved_b.size() == 1);
  REQUIRE(carved_c.size() == 1);
  auto offset_of = [](const fs::path& image, const json& item) {
    const std::string path = item["path"];
    REQUIRE(path.starts_with(image.string() + "/unalloc@"));
    return std::stoull(path.substr(image.string().size() + 9));
  };
  CHECK(offset_of(a, carved_a[0]) == base);
  CHECK(offset_of(b, carved_b[0]) - offset_of(a, carved_a[0]) == 65);
  CHECK(offset_of(c, carved_c[0]) == base + 3);
  CHECK(carved_a[0]["md5"] == md5_of(jpeg));
  CHECK(carved_b[0]["md5"] == md5_of(jpeg));
  CHECK(carved_a[0]["media_type"] == "image");
  CHECK(carved_a[0]["exif"]["make"] == "Triage Test Camera Co");
  CHECK(carved_c[0]["md5"] == md5_of(png));
  CHECK(carved_items(a, tmp / "case-none", {"--no-carve"}).empty());
}
