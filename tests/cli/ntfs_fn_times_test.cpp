// NTFS $FILE_NAME times: for every file of an NTFS image the suite builds (mkntfs + ntfscp),
// triage's fn_* keys equal the $FILE_NAME times istat prints (the oracle from outside); a file
// whose $STANDARD_INFORMATION times are back-dated, as timestomping tools do, shows its
// $FILE_NAME times in the HTML findings, and the untouched files do not.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string_view>

#include "tests/cli/image_tools.h"

using namespace triage;
using namespace triage::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Sets the four $STANDARD_INFORMATION times of the file named `name` (ASCII) to `unix_seconds`,
// leaving its $FILE_NAME attribute as it was. Layout from libtsk's tsk/fs/tsk_ntfs.h (ntfs_mft,
// ntfs_attr, ntfs_attr_si): an MFT record starts with "FILE", its first attribute's offset is the
// u16 at 0x14; an attribute has its type (u32) at 0, its length (u32) at 4 and, when resident,
// its content offset (u16) at 0x14; $STANDARD_INFORMATION (type 0x10) content starts with
// crtime, mtime, ctime (MFT modified), atime as FILETIMEs (100 ns since 1601-01-01, little
// endian). The record's update-sequence fixups change only each sector's last two bytes, which
// these fields do not reach. Records are 1,024 bytes at 1,024-byte offsets (mkntfs defaults).
void backdate_standard_information(const fs::path& image, std::string_view name, std::int64_t unix_seconds) {
  auto bytes = read_bytes(image);
  std::string utf16;
  for (char c : name) utf16 += std::string{c, '\0'};
  auto u16 = [&](std::size_t at) { return std::to_integer<unsigned>(bytes[at]) | std::to_integer<unsigned>(bytes[at + 1]) << 8; };
  auto u32 = [&](std::size_t at) { return u16(at) | u16(at + 2) << 16; };
  std::size_t record = 0;
  int found = 0;
  for (std::size_t at = 0; at + 1024 <= bytes.size(); at += 1024) {
    const std::string_view view(reinterpret_cast<const char*>(bytes.data()) + at, 1024);
    if (view.starts_with("FILE") && view.find(utf16) != std::string_view::npos) {
      record = at;
      ++found;
    }
  }
  REQUIRE_MESSAGE(found == 1, "MFT records naming " << name << ": " << found);
  const std::size_t attr = record + u16(record + 0x14);
  REQUIRE(u32(attr) == 0x10);  // $STANDARD_INFORMATION comes first
  const std::size_t content = attr + u16(attr + 0x14);
  const std::uint64_t filetime = (static_cast<std::uint64_t>(unix_seconds) + 11'644'473'600ull) * 10'000'000ull;
  for (std::size_t field = 0; field < 4; ++field)
    for (std::size_t i = 0; i < 8; ++i)
      bytes[content + 8 * field + i] = static_cast<std::byte>((filetime >> (8 * i)) & 0xFF);
  write_bytes(image, bytes);
}

// Every item's fn_* keys equal the times of one of the $FILE_NAME attributes istat prints for
// its MFT entry. Returns how many items were compared.
int compare_fn_times_with_istat(const std::string& image, const std::string& offset, const ScannedImage& scanned) {
  int compared = 0, with_times = 0;
  std::map<std::string, std::string> istat_by_entry;
  for (const auto& entry_item : scanned.items) {  // no structured binding: CAPTURE's lambda takes it (clang 14)
    const auto& key = entry_item.first;
    const auto& item = entry_item.second;
    const std::string address = std::get<2>(key);
    const std::string entry = address.substr(0, address.find('-'));
    if (std::get<0>(key) != offset) continue;
    if (!istat_by_entry.contains(entry)) istat_by_entry[entry] = istat(image, offset, entry);
    const auto sections = istat_fn_times(istat_by_entry[entry]);
    std::map<std::string, std::string> reported;
    for (const char* k : {"fn_btime", "fn_mtime", "fn_ctime", "fn_atime"})
      if (item.contains(k)) reported[k] = item[k].get<std::string>();
    CAPTURE(item.dump());
    CAPTURE(istat_by_entry[entry]);
    if (sections.empty()) {
      CHECK(reported.empty());  // no $FILE_NAME attribute in the entry (e.g. an unused record)
    } else {
      bool equal = false;
      for (const auto& section : sections) equal = equal || section == reported;
      CHECK(equal);
    }
    ++compared;
    with_times += reported.empty() ? 0 : 1;
  }
  MESSAGE(image << ": " << compared << " items compared with istat, " << with_times << " with $FILE_NAME times");
  CHECK(with_times > 0);
  return compared;
}

}  // namespace

TEST_CASE("NTFS $FILE_NAME times equal istat's for every file; back-dated $STANDARD_INFORMATION times show in the "
          "findings") {
  if (!require_tools({"mkntfs", "ntfscp", "fls", "icat", "istat"})) return;
  TempDir tmp;
  const fs::path image = tmp / "ntfs.img";
  sh("truncate -s 8M " + q(image));
  sh("mkntfs -F -f -q " + q(image));
  sh("ntfscp " + q(image) + " " + q(sample("Pictures/pattern.png")) + " /pattern.png");
  sh("ntfscp " + q(image) + " " + q(sample("DCIM/100TEST/IMG_0001.jpg")) + " /stomped.jpg");
  constexpr std::int64_t k2001 = 981'173'106;  // 2001-02-03T04:05:06Z
  backdate_standard_information(image, "stomped.jpg", k2001);

  const auto scanned = scan_and_compare(image, tmp / "case", {"0"});
  const int compared = compare_fn_times_with_istat(image.string(), "0", scanned);
  MESSAGE("built NTFS: fn_* times of " << compared << " items compared with istat");
  CHECK(compared == static_cast<int>(scanned.items.size()));

  const json* stomped = item_at(scanned, "0", "stomped.jpg");
  REQUIRE(stomped != nullptr);
  for (const char* si : {"mtime", "atime", "ctime", "btime"}) CHECK((*stomped)[si] == "2001-02-03T04:05:06Z");
  for (const char* fn : {"fn_mtime", "fn_atime", "fn_ctime", "fn_btime"}) {
    REQUIRE(stomped->contains(fn));
    CHECK((*stomped)[fn] != "2001-02-03T04:05:06Z");
  }
  const json* untouched = item_at(scanned, "0", "pattern.png");
  REQUIRE(untouched != nullptr);
  REQUIRE(untouched->contains("fn_mtime"));

  // The findings show $FILE_NAME times that differ; only the back-dated file is called a
  // possible timestomping (ntfs-3g may leave later $STANDARD_INFORMATION times on the others).
  const std::string html = read_text(tmp / "case" / "report.html");
  CHECK(html.find("stomped.jpg") != std::string::npos);
  CHECK(html.find("pattern.png") != std::string::npos);
  std::vector<std::string> cells;
  for (auto at = html.find("<th>$FILE_NAME times</th>"); at != std::string::npos;
       at = html.find("<th>$FILE_NAME times</th>", at + 1))
    cells.push_back(html.substr(at, html.find("</tr>", at) - at));
  MESSAGE(cells.size() << " findings show $FILE_NAME times");
  int stomping = 0;
  for (const auto& cell : cells) {
    if (cell.find("timestomping") == std::string::npos) continue;
    ++stomping;
    CHECK(cell.find("modified " + (*stomped)["fn_mtime"].get<std::string>() +
                    " ($STANDARD_INFORMATION: 2001-02-03T04:05:06Z)") != std::string::npos);
  }
  CHECK(stomping == 1);

  // The same keys in items.csv and report.json.
  const std::string csv = read_text(tmp / "case" / "items.csv");
  CHECK(csv.find(",fn_mtime,fn_atime,fn_ctime,fn_btime,overwritten,device_path,provenance_origin,") != std::string::npos);
  CHECK(csv.find("," + (*stomped)["fn_mtime"].get<std::string>() + ",") != std::string::npos);
  const json report = json::parse(read_text(tmp / "case" / "report.json"));
  int with_fn = 0, listed_with_fn = 0;
  for (const auto& item : report["items"])
    if (item.contains("fn_mtime")) ++with_fn;
  for (const auto& [key, item] : scanned.items)
    if (item.contains("fn_mtime")) ++listed_with_fn;
  MESSAGE(listed_with_fn << " of " << scanned.items.size() << " items have $FILE_NAME times");
  CHECK(listed_with_fn >= 20);  // every named file; unused records under $OrphanFiles have none
  CHECK(with_fn == listed_with_fn);
}

TEST_CASE("corpus NTFS images: fn_* times equal istat's $FILE_NAME times for every file") {
  auto corpus = require_corpus("disk-images");
  if (!corpus) return;
  if (!require_tools({"istat"})) return;
  int total = 0;
  // The NTFS images of expected-files.tsv, with the partition offset (sectors) fls was given.
  for (const auto& [stored, offset] : std::vector<std::pair<std::string, std::string>>{
           {"dfir_ntfs/ntfs3.raw.gz", "0"}, {"dfir_ntfs/ntfs_index.raw.gz", "128"}}) {
    TempDir tmp;
    const fs::path image = unpack_into(*corpus / stored, tmp.path());
    auto run = run_cli({"scan", image.string(), "--out", (tmp / "case").string(), "--all-files", "--format", "jsonl"});
    CHECK((run.exit_code == 0 || run.exit_code == 1));
    const auto scanned = index_scan(image.string(), run.out);
    const int compared = compare_fn_times_with_istat(image.string(), offset, scanned);
    MESSAGE(stored << ": fn_* times of " << compared << " items compared with istat");
    CHECK(compared > 0);
    total += compared;
  }
  CHECK(total > 0);
}
