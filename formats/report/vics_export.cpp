#include "formats/report/vics_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/text/time_format.h"
#include "formats/report/json_text.h"

namespace triage {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

bool is_digits(const std::string& s) {
  return !s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos;
}

// The VICS Category of an item: the profile code of an exact match, else 0 (VICS: not graded).
std::string vics_category(const ItemRecord& item) {
  if (!item.category || item.category->probable || item.category->code.empty()) return "0";
  return item.category->code;
}

// A file name: the last component of the evidence path (paths below a disk image use '/').
std::string file_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void time_key(JsonObject& o, std::string_view key, const std::optional<UnixNanos>& t) {
  if (t) o.string(key, format_utc(*t));
}

std::string media_file_json(const ItemRecord& item, const CaseReport& r) {
  std::string out;
  JsonObject o(out);
  o.string("FileName", file_name(item.path)).string("FilePath", item.path);
  time_key(o, "Created", item.fs.btime);
  time_key(o, "Written", item.fs.mtime);
  time_key(o, "Accessed", item.fs.atime);
  o.boolean("IsDeleted", item.fs.deleted).boolean("Unallocated", item_carved(r, item));
  o.number("SourceID", static_cast<std::uint64_t>(item.source_index));
  if (!r.details.exhibit_ref.empty()) o.string("ExhibitRef", r.details.exhibit_ref);
  o.close();
  return out;
}

struct MediaGroup {
  const ItemRecord* first = nullptr;
  std::vector<const ItemRecord*> instances;
};

std::string media_json(const MediaGroup& g, std::uint64_t id, const CaseReport& r, VicsScope scope) {
  const ItemRecord& item = *g.first;
  const std::string category = vics_category(item);
  std::string out;
  JsonObject o(out);
  o.number("MediaID", id);
  if (is_digits(category)) o.number("Category", static_cast<std::uint64_t>(std::stoull(category)));
  else o.string("Category", category);  // a custom profile's code that is not a number, kept as given
  o.string("MD5", upper(item.digests.md5)).string("SHA1", upper(item.digests.sha1));
  o.number("MediaSize", item.size);
  // Pre-categorised: the category came from a hash set's record, not from an examiner's grade.
  const bool graded = r.graded.count(item.seq) > 0;
  o.boolean("IsPrecategorized", category != "0" && !graded);
  std::string alt = "[";
  JsonObject(alt).string("HashName", "SHA256").string("HashValue", item.digests.sha256);
  if (!item.pdq.empty()) {
    alt += ',';
    JsonObject(alt).string("HashName", "PDQ").string("HashValue", item.pdq);
  }
  alt += ']';
  o.raw("AlternativeHashes", alt);
  if (item.category && item.category->probable)
    o.string("Comments", "probable (PDQ) match to " + item.category->label + ": to be graded by an examiner");
  if (graded && scope == VicsScope::all) o.string("Comments", item.category->reason);
  if (scope == VicsScope::graded_only) {
    o.close();
    return out;
  }
  std::string files = "[";
  for (std::size_t i = 0; i < g.instances.size(); ++i) {
    if (i) files += ',';
    files += media_file_json(*g.instances[i], r);
  }
  files += ']';
  o.raw("MediaFiles", files);
  o.close();
  return out;
}

}  // namespace

std::string render_vics_export(const CaseReport& r, VicsScope scope) {
  // Group instances by SHA-1 in walk order, so the same case always gives the same bytes.
  std::vector<MediaGroup> groups;
  std::map<std::string, std::size_t> by_sha1;
  for (const ItemRecord& item : r.items) {
    if (item.media_type == MediaType::other || item.digests.sha1.empty()) continue;
    if (scope == VicsScope::graded_only && !r.graded.count(item.seq)) continue;
    if (item.category && (item.category->known_good || item.category->label == r.profile.known_good_label ||
                          item.category->label == r.profile.ignored_label))
      continue;  // excluded, as in the report's summary
    const auto [it, added] = by_sha1.emplace(item.digests.sha1, groups.size());
    if (added) groups.push_back({&item, {}});
    groups[it->second].instances.push_back(&item);
  }
  std::string media = "[";
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (i) media += ',';
    media += media_json(groups[i], i + 1, r, scope);
  }
  media += ']';
  std::string sources = "[";
  for (std::size_t i = 0; i < r.sources.size(); ++i) {
    if (i) sources += ',';
    JsonObject(sources)
        .number("SourceID", static_cast<std::uint64_t>(r.sources[i].index))
        .string("Path", r.sources[i].path)
        .string("Kind", r.sources[i].kind);
  }
  sources += ']';

  std::string out;
  {
    JsonObject root(out);
    root.string("@odata.context", kVicsExportContext);
    std::string value = "[";
    {
      JsonObject c(value);
      c.string("CaseID", r.details.case_ref)
          .string("ExhibitRef", r.details.exhibit_ref)
          .string("Examiner", r.details.examiner)
          .string("Organisation", r.details.organisation)
          .string("SourceApplicationName", "triage")
          .string("SourceApplicationVersion", r.run.tool_version)
          .string("CategoryProfile", r.profile_name);
      if (scope == VicsScope::all) c.raw("Sources", sources);
      c.raw("Media", media);
    }
    value += ']';
    root.raw("value", value);
  }
  out += '\n';
  return out;
}

}  // namespace triage
