#include "app/source_recheck.h"

#include <fmt/format.h>

#include <map>
#include <system_error>
#include <tuple>
#include <unordered_set>

#include "core/digest/digests.h"
#include "core/evidence/evidence_path.h"
#include "formats/casedb/case_store.h"
#include "core/text/json_text.h"
#include "formats/source/directory_source.h"
#include "formats/source/source_integrity.h"

namespace triage {
namespace fs = std::filesystem;
namespace {

// "MD5 a recorded, b now; SHA-256 ..." for each digest that was recorded and differs.
std::string digest_changes(const Digests& recorded, const Digests& now) {
  std::string out;
  using Pair = std::tuple<const char*, const std::string&, const std::string&>;
  for (const auto& [name, was, is] : {Pair{"MD5", recorded.md5, now.md5}, Pair{"SHA-1", recorded.sha1, now.sha1},
                                      Pair{"SHA-256", recorded.sha256, now.sha256}})
    if (!was.empty() && was != is)
      out += fmt::format("{}{} {} recorded, {} now", out.empty() ? "" : "; ", name, was, is);
  return out;
}

void recheck_image(const SourceInfo& s, SourceRecheckSummary& sum, std::vector<SourceDifference>& out, StopToken stop) {
  sum.files = 1;
  auto differ = [&](DifferenceKind kind, std::string detail) {
    ++sum.differences;
    out.push_back({s.index, s.path, std::move(kind), std::move(detail)});
  };
  if (s.media.sha256.empty()) {
    sum.note = fmt::format("no media digest was recorded at the scan, so none was compared: {}",
                           s.integrity_note.empty() ? std::string(to_string(s.integrity)) : s.integrity_note);
    return;
  }
  std::error_code ec;
  if (!fs::exists(s.path, ec)) return differ(DifferenceKind::missing, "the image is no longer there");
  auto now = digest_disk_image(s.path, MediaDigests::sha256_only, stop, recorded_parents(s.segments));  // SHA-256 alone answers "any byte changed?"
  if (!now) return differ(DifferenceKind::unreadable, now.error().message);
  sum.digested = 1;
  if (now->media_size != s.media_size.value_or(0))
    return differ(DifferenceKind::differs, fmt::format("media size {} bytes recorded, {} now; SHA-256 {} recorded, {} now",
                                         s.media_size.value_or(0), now->media_size, s.media.sha256, now->media.sha256));
  if (now->media.sha256 != s.media.sha256)
    return differ(DifferenceKind::differs, fmt::format("media SHA-256 {} recorded, {} now", s.media.sha256, now->media.sha256));
}

}  // namespace

SourceRecheck recheck_sources(const fs::path& case_db, const std::function<void(const std::string&)>& progress,
                              StopToken stop) {
  const auto store = CaseStore::open_read_only(case_db);
  SourceRecheck result;
  std::map<std::uint32_t, std::size_t> folders;  // source index -> its summary, for folder sources
  std::map<std::uint32_t, std::string> roots;    // the folder (or file) named as the source
  for (const SourceInfo& s : store->sources()) {
    SourceRecheckSummary sum;
    sum.index = s.index;
    sum.path = s.path;
    sum.kind = s.kind;
    if (progress) {
      std::string line = fmt::format("re-reading source {} ({}): ", s.index, to_string(s.kind));
      append_json_string(line, s.path);  // an evidence name never acts on the terminal
      progress(line);
    }
    if (walked_as_files(s.kind)) {
      folders[s.index] = result.sources.size();
      std::string root = s.path;
      while (root.size() > 1 && root.back() == '/') root.pop_back();  // as DirectorySource names its items
      roots[s.index] = root;
    } else {
      recheck_image(s, sum, result.differences, stop);
    }
    result.sources.push_back(std::move(sum));
  }
  if (folders.empty()) return result;

  ParallelMultiDigest digest;  // one helper thread for every file
  std::map<std::uint32_t, std::unordered_set<std::string>> recorded;  // folder items' paths, per source
  store->for_each_item([&](const ItemRecord& item) {
    stop.throw_if_requested();
    const auto at = folders.find(item.source_index);
    if (at == folders.end()) return;
    SourceRecheckSummary& sum = result.sources[at->second];
    // An archive member is checked through its archive, an item of its own (always digested).
    if (const auto path = EvidencePath::parse(item.path, roots[item.source_index], true);
        path && !path->members().empty()) {
      ++sum.in_archives;
      return;
    }
    recorded[item.source_index].insert(item.path);
    ++sum.files;
    auto differ = [&](DifferenceKind kind, std::string detail) {
      ++sum.differences;
      result.differences.push_back({item.source_index, item.path, std::move(kind), std::move(detail)});
    };
    const bool is_root = item.path == roots[item.source_index];  // the walk followed only this link
    if (item.digests.empty()) {
      // Not digested at the scan (not media, no --all-files, or unreadable then): there and the same size.
      ++sum.size_only;
      std::error_code ec;
      const auto st = is_root ? fs::status(item.path, ec) : fs::symlink_status(item.path, ec);
      if (!fs::exists(st)) return differ(DifferenceKind::missing, "no longer there");
      if (!fs::is_regular_file(st)) return differ(DifferenceKind::differs, "no longer a regular file");
      const auto size = fs::file_size(item.path, ec);
      if (ec) return differ(DifferenceKind::unreadable, ec.message());
      if (size != item.size) differ(DifferenceKind::differs, fmt::format("size {} bytes recorded, {} now", item.size, size));
      return;
    }
    auto now = reread_folder_file(item.path, is_root, digest, stop);
    stop.throw_if_requested();
    if (!now) return differ(now.error().stage == "missing" ? DifferenceKind::missing : DifferenceKind::unreadable,
                                now.error().message);
    ++sum.digested;
    std::string changes = digest_changes(item.digests, now->digests);
    if (now->size != item.size)
      changes = fmt::format("size {} bytes recorded, {} now{}{}", item.size, now->size, changes.empty() ? "" : "; ",
                            changes);
    if (!changes.empty()) differ(DifferenceKind::differs, changes);
  });
  // Files that are there now and were not at the scan: the folder is no longer the evidence
  // the case describes.
  for (const auto& folder : folders) {
    const std::uint32_t index = folder.first;  // not a structured binding: lambdas capture it (clang 14)
    SourceRecheckSummary& sum = result.sources[folder.second];
    const auto& known = recorded[index];
    list_folder_files(roots[index], [&](const std::string& path) {
      if (known.contains(path)) return;
      ++sum.added;
      ++sum.differences;
      result.differences.push_back(
          {index, path, DifferenceKind::added, "not in the case: added to the folder after the scan"});
    });
  }
  for (const auto& entry : folders) {
    SourceRecheckSummary& sum = result.sources[entry.second];
    if (sum.size_only > 0)
      sum.note = fmt::format("{} {} recorded without digests (not media, or unreadable at the scan): existence and "
                             "size checked only",
                             sum.size_only, sum.size_only == 1 ? "file" : "files");
    if (sum.in_archives > 0)
      sum.note += fmt::format("{}{} archive {} checked through {} archive", sum.note.empty() ? "" : "; ",
                              sum.in_archives, sum.in_archives == 1 ? "member" : "members",
                              sum.in_archives == 1 ? "its" : "their");
  }
  return result;
}

}  // namespace triage
