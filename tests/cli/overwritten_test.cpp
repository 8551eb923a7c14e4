// Deleted files whose blocks were given to another file since: a FAT16 image the suite builds
// with mtools (mdel, then mcopy of a small file, which takes the first free clusters), checked
// against the planted truth: the sectors istat lists for each file before its deletion and for
// the new file after.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/cli/image_tools.h"

using namespace triage;
using namespace triage::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The metadata address fls gives the allocated file at `path`.
std::string address_of(const fs::path& image, const std::string& path) {
  for (const auto& row : fls_listing(image.string(), "0"))
    if (row.path == path && row.status == "allocated") return row.inode;
  FAIL("not listed by fls: " << path);
  return "";
}

std::size_t shared(const std::set<std::uint64_t>& a, const std::set<std::uint64_t>& b) {
  return static_cast<std::size_t>(std::count_if(a.begin(), a.end(), [&](std::uint64_t s) { return b.contains(s); }));
}

}  // namespace

TEST_CASE("deleted files whose clusters a new file took: full, partial, or none as the planted truth says") {
  if (!require_tools({"mkfs.fat", "mmd", "mcopy", "mdel", "fls", "icat", "istat"})) return;
  TempDir tmp;
  const fs::path image = tmp / "fat16.img";
  const std::string i = " -i " + q(image) + " ";
  sh("mkfs.fat -C -F 16 -s 1 -i 1616 " + q(image) + " 8192");
  // The new file goes into a folder made first, so that its directory entry does not take a
  // deleted file's entry in the root (a FAT entry's address is its place in the directory).
  sh("mmd" + i + "::/new");
  write_text(tmp / "tiny.txt", std::string(300, 't'));   // 1 cluster of 512 bytes
  write_text(tmp / "note.txt", std::string(1500, 'n'));  // 3 clusters
  sh("mcopy" + i + q(sample("DCIM/100TEST/IMG_0001.jpg")) + " ::/kept.jpg");
  sh("mcopy" + i + q(tmp / "tiny.txt") + " ::/tiny.txt");
  sh("mcopy" + i + q(sample("DCIM/100TEST/IMG_0002.jpg")) + " ::/reused.jpg");
  sh("mcopy" + i + q(sample("Pictures/pattern.png")) + " ::/intact.png");
  const auto tiny_before = istat_sectors(istat(image.string(), "0", address_of(image, "tiny.txt")));
  const auto reused_before = istat_sectors(istat(image.string(), "0", address_of(image, "reused.jpg")));
  const auto intact_before = istat_sectors(istat(image.string(), "0", address_of(image, "intact.png")));
  for (const char* name : {"tiny.txt", "reused.jpg", "intact.png"}) sh("mdel" + i + "::/" + name);
  sh("mcopy" + i + q(tmp / "note.txt") + " ::/new/note.txt");  // takes the first free clusters
  const auto note = istat_sectors(istat(image.string(), "0", address_of(image, "new/note.txt")));

  // The planted truth: note.txt holds all of tiny.txt's sector, some (not all) of reused.jpg's
  // and none of intact.png's.
  REQUIRE(note.size() == 3);
  REQUIRE(tiny_before.size() == 1);
  CHECK(shared(note, tiny_before) == 1);
  CHECK(shared(note, reused_before) == 2);
  CHECK(reused_before.size() > 2);
  CHECK(shared(note, intact_before) == 0);

  const auto scanned = scan_and_compare(image, tmp / "case", {"0"});
  // FAT overwrites a deleted name's first byte.
  const json* tiny = item_at(scanned, "0", "_iny.txt");
  const json* reused = item_at(scanned, "0", "_eused.jpg");
  const json* intact = item_at(scanned, "0", "_ntact.png");
  const json* kept = item_at(scanned, "0", "kept.jpg");
  REQUIRE(tiny != nullptr);
  REQUIRE(reused != nullptr);
  REQUIRE(intact != nullptr);
  REQUIRE(kept != nullptr);
  CHECK((*reused)["deleted"] == true);
  CHECK((*tiny)["overwritten"] == "full");
  CHECK((*reused)["overwritten"] == "partial");
  CHECK((*intact)["overwritten"] == "none");
  CHECK((*intact)["md5"] == md5_of(sample("Pictures/pattern.png")));
  CHECK_FALSE(kept->contains("overwritten"));  // allocated: not a question

  // The deleted PNG that is still whole is a finding whose flags say so.
  const std::string html = read_text(tmp / "case" / "report.html");
  CHECK(html.find("deleted; content blocks not reused") != std::string::npos);

  const std::string csv = read_text(tmp / "case" / "items.csv");
  for (const char* cell : {",full,,", ",partial,,", ",none,,"})  // device_path follows, empty
    CHECK(csv.find(cell) != std::string::npos);
}

TEST_CASE("corpus exFAT image: each deleted file's overwritten state agrees with blkstat on the sectors istat lists") {
  auto corpus = require_corpus("disk-images");
  if (!corpus) return;
  if (!require_tools({"istat", "blkstat"})) return;
  TempDir tmp;
  const fs::path image = unpack_into(*corpus / "dfir_ntfs/exfat_win.raw.gz", tmp.path());
  auto run = run_cli({"scan", image.string(), "--out", (tmp / "case").string(), "--all-files", "--format", "jsonl"});
  CHECK((run.exit_code == 0 || run.exit_code == 1));
  const auto scanned = index_scan(image.string(), run.out);
  std::map<std::string, int> states;
  for (const auto& entry : scanned.items) {  // no structured binding: CAPTURE's lambda takes it (clang 14)
    const auto& key = entry.first;
    const auto& item = entry.second;
    if (!item["deleted"].get<bool>() || item["reallocated"].get<bool>() || !item.contains("overwritten")) continue;
    CAPTURE(item.dump());
    const auto sectors = istat_sectors(istat(image.string(), "0", std::get<2>(key)));
    std::size_t allocated = 0;
    for (const std::uint64_t sector : sectors) {
      const std::string out = command_output("blkstat '" + image.string() + "' " + std::to_string(sector));
      if (out.find("\nAllocated") != std::string::npos) ++allocated;
    }
    const std::uint64_t size = item["size"];
    const bool all = allocated == sectors.size() && sectors.size() * 512u >= size;
    const std::string expected = allocated == 0 ? "none" : all ? "full" : "partial";
    CHECK(item["overwritten"] == expected);
    ++states[expected];
  }
  MESSAGE("exfat_win.raw deleted files: " << states["none"] << " none, " << states["partial"] << " partial, "
                                          << states["full"] << " full (blkstat on istat's sectors)");
  CHECK(states["full"] + states["partial"] + states["none"] > 0);
}

namespace {

// The clusters istat lists under an NTFS entry's unnamed $DATA attribute (non-resident).
std::set<std::uint64_t> ntfs_data_clusters(const std::string& istat_text) {
  std::set<std::uint64_t> out;
  const auto at = istat_text.find("Type: $DATA (128-");
  if (at == std::string::npos) return out;
  const auto list = istat_text.find('\n', at);
  std::istringstream numbers(istat_text.substr(list + 1));
  std::uint64_t cluster = 0;
  while (numbers >> cluster) out.insert(cluster);
  return out;
}

}  // namespace

TEST_CASE("NTFS (made with ntfs-3g, kept as a fixture): a deleted JPEG intact, a deleted PNG partly overwritten") {
  if (!require_tools({"fls", "icat", "istat"})) return;
  TempDir tmp;
  // tests/fixtures/make-ntfs-deleted.sh made it (deleting needs a mount: root and FUSE).
  const fs::path image = unpack_into(source_dir() / "tests" / "fixtures" / "ntfs-deleted.img.gz", tmp.path());
  std::map<std::string, std::string> address;  // path -> metadata address, as fls gives them
  for (const auto& row : fls_listing(image.string(), "0")) address[row.path] = row.inode;
  REQUIRE(address.contains("DCIM/gone.jpg"));
  REQUIRE(address.contains("old.png"));
  REQUIRE(address.contains("new.txt"));
  const auto clusters = [&](const std::string& path) {
    return ntfs_data_clusters(istat(image.string(), "0", address[path]));
  };
  // The planted truth, as istat shows it: new.txt holds two of old.png's three clusters and none
  // of gone.jpg's.
  const auto old_png = clusters("old.png"), new_txt = clusters("new.txt"), gone = clusters("DCIM/gone.jpg");
  REQUIRE(old_png.size() == 3);
  CHECK(shared(new_txt, old_png) == 2);
  REQUIRE(gone.size() == 1);
  CHECK(shared(new_txt, gone) == 0);

  const auto scanned = scan_and_compare(image, tmp / "case", {"0"});  // every file as fls/icat give it
  const json* gone_item = item_at(scanned, "0", "DCIM/gone.jpg");
  const json* old_item = item_at(scanned, "0", "old.png");
  const json* kept = item_at(scanned, "0", "DCIM/kept.jpg");
  REQUIRE(gone_item != nullptr);
  REQUIRE(old_item != nullptr);
  REQUIRE(kept != nullptr);
  CHECK((*gone_item)["deleted"] == true);
  CHECK((*gone_item)["overwritten"] == "none");
  CHECK((*gone_item)["media_type"] == "image");
  CHECK((*gone_item)["md5"] == md5_of(sample("DCIM/100TEST/IMG_0002.jpg")));  // recovered whole
  CHECK((*old_item)["deleted"] == true);
  CHECK((*old_item)["reallocated"] == false);
  CHECK((*old_item)["overwritten"] == "partial");
  CHECK((*old_item)["md5"] != md5_of(sample("Pictures/pattern.png")));
  CHECK((*kept)["md5"] == md5_of(sample("DCIM/100TEST/IMG_0001.jpg")));
  CHECK_FALSE(kept->contains("overwritten"));
}
