#pragma once
// Compares what `triage scan IMAGE --all-files --format jsonl` reports with a file listing in
// The Sleuth Kit's terms: rows of expected-files.tsv, or rows made here by running fls and icat.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/digest/digests.h"
#include "core/evidence/evidence_path.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

namespace triage::test {

// One regular file as fls -r -p -l lists it, with icat's digests of its content.
// md5 "-": no metadata (deleted name only); "ERR": icat could not read it.
struct ExpectedFile {
  std::string offset_sectors, path, inode, size, md5, status, sha1, sha256;
};

// fls prints control characters in names as '^' (tsk_print_sanitized).
inline std::string fls_sanitized(std::string path) {
  for (char& c : path)
    if (static_cast<unsigned char>(c) < 0x20) c = '^';
  return path;
}

// Evidence path -> (partition offset in 512-byte sectors, path as fls -p prints it, ADS as
// "name:stream"). `image:/a/b` -> (0, a/b); `image/p1(exfat@1048576):/a` -> (2048, a);
// `image/v1(apfs@N):/a` -> (0, a).
inline std::pair<std::string, std::string> split_evidence_path(const std::string& image, const std::string& path) {
  const auto parsed = EvidencePath::parse(path, image, false);
  REQUIRE_MESSAGE(parsed.has_value(), path);
  REQUIRE(parsed->in_file_system());
  std::string offset = "0";
  if (!parsed->segments().empty() && parsed->segments().front().name.starts_with("p"))
    offset = std::to_string(parsed->segments().front().offset / 512);
  std::string inside = parsed->path_inside();
  if (!parsed->stream().empty()) inside += ":" + parsed->stream();
  return {offset, fls_sanitized(inside)};
}

// A scan's JSON Lines, keyed like the listing rows.
struct ScannedImage {
  using Key = std::tuple<std::string, std::string, std::string>;  // offset, path, TSK address
  std::multimap<Key, nlohmann::json> items;
  std::multimap<std::pair<std::string, std::string>, nlohmann::json> name_only;
  std::vector<nlohmann::json> problems;  // error rows (notices other than name-only left out)
  std::vector<nlohmann::json> carved;    // items carved from unallocated space (`.../unalloc@N`)
  std::vector<nlohmann::json> members;   // members of archives inside (`...!/name`): fls lists no such file
};

inline ScannedImage index_scan(const std::string& image, const std::string& jsonl) {
  ScannedImage out;
  for (auto& line : parse_lines(jsonl)) {
    const std::string path = line["path"];
    if (line.contains("error")) {
      if (line["error"] == "deleted_name_only") out.name_only.emplace(split_evidence_path(image, path), line);
      else if (line["is_error"] == true) out.problems.push_back(line);
      continue;
    }
    const auto parsed = EvidencePath::parse(path, image, false);
    if (parsed && parsed->carved_offset()) {
      out.carved.push_back(line);
      continue;
    }
    if (parsed && !parsed->members().empty()) {
      out.members.push_back(line);
      continue;
    }
    auto [offset, fls_path] = split_evidence_path(image, path);
    out.items.emplace(ScannedImage::Key{offset, fls_path, line["fs_address"]}, line);
  }
  return out;
}

struct Tally {
  int expected = 0, matched = 0, extra = 0;
};

// Every listed file must be reported with the same size, state and digests; nothing else may be.
inline Tally match_listing(ScannedImage scanned, const std::vector<ExpectedFile>& listing) {
  Tally tally;
  for (const ExpectedFile& e : listing) {
    ++tally.expected;
    CAPTURE(e.path);
    CAPTURE(e.inode);
    if (e.md5 == "-") {  // a deleted name with no metadata: listed as a notice, nothing to digest
      auto found = scanned.name_only.find({e.offset_sectors, e.path});
      CHECK(found != scanned.name_only.end());
      if (found == scanned.name_only.end()) continue;
      scanned.name_only.erase(found);
      ++tally.matched;
      continue;
    }
    auto found = scanned.items.find(ScannedImage::Key{e.offset_sectors, e.path, e.inode});
    CHECK(found != scanned.items.end());
    if (found == scanned.items.end()) continue;
    const nlohmann::json& item = found->second;
    const std::string status = item["reallocated"].get<bool>() ? "realloc-deleted"
                               : item["deleted"].get<bool>()   ? "deleted"
                                                               : "allocated";
    bool same = std::to_string(item["size"].get<std::uint64_t>()) == e.size && status == e.status;
    if (e.md5 == "ERR") {  // icat could not read it either: an item error, no digests
      same = same && item.contains("errors") && item["md5"].is_null();
    } else {
      same = same && item["md5"] == e.md5 && item["sha1"] == e.sha1 && item["sha256"] == e.sha256;
    }
    CHECK_MESSAGE(same, item.dump());
    if (same) ++tally.matched;
    scanned.items.erase(found);
  }
  tally.extra = static_cast<int>(scanned.items.size() + scanned.name_only.size());
  for (const auto& entry : scanned.items) CHECK_MESSAGE(false, "not in the listing: " << entry.second.dump());
  for (const auto& entry : scanned.name_only) CHECK_MESSAGE(false, "not in the listing: " << entry.second.dump());
  return tally;
}

// expected-files.tsv of a corpus folder: image label -> its rows (header line skipped).
inline std::multimap<std::string, ExpectedFile> read_expected_files(const std::filesystem::path& file) {
  std::multimap<std::string, ExpectedFile> out;
  std::istringstream in(read_text(file));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    std::string cell;
    while (std::getline(row, cell, '\t')) cells.push_back(cell);
    REQUIRE(cells.size() == 11);
    out.emplace(cells[0], ExpectedFile{cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[9], cells[10]});
  }
  return out;
}

// Standard output of a shell command; empty when it fails.
inline std::string command_output(const std::string& command, bool* ok = nullptr) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = ::pclose(pipe);
  if (ok != nullptr) *ok = status == 0;
  return out;
}

// The oracle from outside: `fls -r -p -l -o OFFSET IMAGE`, and `icat` for each regular file.
inline std::vector<ExpectedFile> fls_listing(const std::string& image, const std::string& offset_sectors) {
  std::vector<ExpectedFile> rows;
  const std::string quoted = "'" + image + "'";
  std::istringstream lines(command_output("fls -r -p -l -o " + offset_sectors + " " + quoted));
  std::string line;
  while (std::getline(lines, line)) {
    // "r/r * 518(realloc):\tpath\tmtime\tatime\tctime\tcrtime\tsize\tuid\tgid"
    const auto colon = line.find(":\t");
    if (colon == std::string::npos || line.size() < 4) continue;
    const std::string head = line.substr(0, colon);
    if (head[0] != 'r' && head[2] != 'r') continue;  // name type or metadata type regular
    std::vector<std::string> cells;
    std::istringstream rest(line.substr(colon + 2));
    std::string cell;
    while (std::getline(rest, cell, '\t')) cells.push_back(cell);
    REQUIRE(cells.size() >= 6);
    ExpectedFile e;
    e.offset_sectors = offset_sectors;
    e.path = cells[0];
    e.size = cells[5];
    const bool deleted = head.find(" * ") != std::string::npos;
    const bool realloc = head.find("(realloc)") != std::string::npos;
    e.status = realloc ? "realloc-deleted" : deleted ? "deleted" : "allocated";
    e.inode = head.substr(head.rfind(' ') + 1);
    if (realloc) e.inode = e.inode.substr(0, e.inode.find('('));
    if (head[2] == '-') {
      e.md5 = "-";
    } else {
      bool ok = false;
      const std::string content = command_output("icat -o " + offset_sectors + " " + quoted + " " + e.inode + " 2>/dev/null", &ok);
      if (!ok) {
        e.md5 = "ERR";
      } else {
        const Digests d = digest_buffer(std::as_bytes(std::span(content.data(), content.size())));
        e.md5 = d.md5;
        e.sha1 = d.sha1;
        e.sha256 = d.sha256;
      }
    }
    rows.push_back(std::move(e));
  }
  return rows;
}

}  // namespace triage::test
