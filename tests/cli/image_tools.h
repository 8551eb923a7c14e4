#pragma once
// Building disk images in tests with the file systems' own tools (mkfs.fat, mtools, mke2fs,
// mkntfs, ntfscp, ewfacquire) and The Sleuth Kit's command-line tools as oracles.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/digest/digests.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/image_listing.h"
#include "tests/support/test_support.h"

namespace triage::test {

// The tools are installed by tools/setup.sh --test: missing under CI fails, elsewhere skips loudly.
inline bool require_tools(std::initializer_list<const char*> tools) {
  for (const char* tool : tools) {
    const std::string probe = std::string("PATH=$PATH:/usr/sbin:/sbin command -v ") + tool + " > /dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) continue;
    const char* ci = std::getenv("CI");
    const std::string name = tool;  // doctest would print a const char* as a pointer
    if (ci != nullptr && std::string(ci) == "true") FAIL("tool missing under CI: " << name);
    MESSAGE("SKIPPED (loudly): " << name << " not installed (tools/setup.sh --test installs it)");
    return false;
  }
  return true;
}

// Runs a shell command (the sbin folders on PATH, mtools' geometry check off); it must succeed.
inline void sh(const std::string& command) {
  const std::string full = "PATH=$PATH:/usr/sbin:/sbin MTOOLS_SKIP_CHECK=1; export PATH MTOOLS_SKIP_CHECK; " + command +
                           " > /dev/null 2>&1";
  REQUIRE_MESSAGE(std::system(full.c_str()) == 0, command);
}

inline std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

// A generated picture (ffmpeg's test pattern turned by `hue`, so each is distinct; `size` as
// ffmpeg takes it): a PNG when `exif` is null, else a JPEG given those exiftool arguments (""
// leaves it without EXIF).
inline void make_picture(const std::filesystem::path& file, int hue, const char* exif, const std::string& size = "96x64") {
  std::filesystem::create_directories(file.parent_path());
  sh("ffmpeg -loglevel error -y -f lavfi -i 'testsrc=size=" + size + ":rate=1:duration=1,hue=h=" + std::to_string(hue) +
     "' -frames:v 1 -f image2 -c:v " + (exif == nullptr ? "png " : "mjpeg ") + q(file));
  if (exif != nullptr && *exif != '\0') sh("exiftool -q -overwrite_original " + std::string(exif) + " " + q(file));
}

inline std::filesystem::path sample(const std::string& rel) {
  return source_dir() / "samples" / "evidence" / rel;
}

inline std::string md5_of(const std::filesystem::path& file) { return digest_buffer(read_bytes(file)).md5; }

// Scans `image` and compares it with fls/icat at each partition offset (in sectors).
inline ScannedImage scan_and_compare(const std::filesystem::path& image, const std::filesystem::path& case_dir,
                                     std::initializer_list<const char*> offsets) {
  auto run = run_cli({"scan", image.string(), "--out", case_dir.string(), "--all-files", "--format", "jsonl"});
  CHECK_MESSAGE((run.exit_code == 0 || run.exit_code == 1), run.err);
  CHECK_MESSAGE(run.err.find("verified - media SHA-256") != std::string::npos, run.err);
  const auto scanned = index_scan(image.string(), run.out);
  CHECK_MESSAGE(scanned.problems.empty(), run.out);
  std::vector<ExpectedFile> rows;
  for (const char* offset : offsets)
    for (auto& row : fls_listing(image.string(), offset)) rows.push_back(std::move(row));
  const auto tally = match_listing(scanned, rows);
  MESSAGE(image.filename().string() << ": " << tally.matched << "/" << tally.expected << " fls rows match, "
                                    << tally.extra << " extra");
  CHECK(tally.expected > 0);
  CHECK(tally.matched == tally.expected);
  return scanned;
}

inline const nlohmann::json* item_at(const ScannedImage& scanned, const std::string& offset, const std::string& path) {
  for (const auto& [key, item] : scanned.items)
    if (std::get<0>(key) == offset && std::get<1>(key) == path) return &item;
  return nullptr;
}

// `istat -z UTC` of one entry (offset in sectors, metadata address), as text.
inline std::string istat(const std::string& image, const std::string& offset, const std::string& address) {
  bool ok = false;
  const std::string out =
      command_output("istat -z UTC -o " + offset + " '" + image + "' " + address + " 2>/dev/null", &ok);
  CHECK_MESSAGE(ok, "istat " << address << " failed");
  return out;
}

// istat's time "2026-11-28 19:40:00.123456700 (UTC)" as triage writes it: ISO 8601 with the
// nanoseconds when not zero; empty for istat's "not set" (0000-00-00 ...).
inline std::string iso_from_istat(std::string text) {
  text = text.substr(0, text.find(" ("));
  if (text.starts_with("0000-00-00")) return "";
  text[10] = 'T';
  const auto dot = text.find('.');
  if (dot != std::string::npos && text.find_first_not_of('0', dot + 1) == std::string::npos) text.erase(dot);
  return text + "Z";
}

// The times of every $FILE_NAME attribute istat prints for an NTFS entry, keyed as triage's
// output keys (fn_btime, fn_mtime, fn_ctime, fn_atime); a key is absent when istat has no time.
inline std::vector<std::map<std::string, std::string>> istat_fn_times(const std::string& istat_text) {
  static const std::map<std::string, std::string> keys = {
      {"Created:", "fn_btime"}, {"File Modified:", "fn_mtime"}, {"MFT Modified:", "fn_ctime"}, {"Accessed:", "fn_atime"}};
  std::vector<std::map<std::string, std::string>> out;
  std::istringstream lines(istat_text);
  std::string line;
  bool in_section = false;
  while (std::getline(lines, line)) {
    if (line.starts_with("$FILE_NAME Attribute Values:")) {
      in_section = true;
      out.emplace_back();
      continue;
    }
    if (!in_section) continue;
    if (line.empty() || line.ends_with("Attribute Values:") || line.starts_with("Attributes:")) {
      in_section = false;
      continue;
    }
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const auto key = keys.find(line.substr(0, tab));
    if (key == keys.end()) continue;
    const std::string iso = iso_from_istat(line.substr(tab + 1));
    if (!iso.empty()) out.back()[key->second] = iso;
  }
  return out;
}

// The sectors istat lists for an entry's content (FAT: the "Sectors:" block).
inline std::set<std::uint64_t> istat_sectors(const std::string& istat_text) {
  std::set<std::uint64_t> out;
  const auto at = istat_text.find("Sectors:\n");
  if (at == std::string::npos) return out;
  std::istringstream numbers(istat_text.substr(at + 9));
  std::uint64_t sector = 0;
  while (numbers >> sector) out.insert(sector);
  return out;
}

}  // namespace triage::test
