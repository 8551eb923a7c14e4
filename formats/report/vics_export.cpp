#include "formats/report/vics_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <optional>
#include <unordered_map>

#include "core/evidence/evidence_path.h"
#include "core/text/hex.h"
#include "core/text/time_format.h"
#include "core/text/json_text.h"

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
void time_key(JsonObject& o, std::string_view key, const std::optional<UnixNanos>& t) {
  if (t) o.string(key, format_utc(*t));
}

std::string media_file_json(const ItemRecord& item, const CaseReport& r) {
  std::string out;
  JsonObject o(out);
  o.string("FileName", file_name_of(item.path)).string("FilePath", item.path);
  time_key(o, "Created", item.fs.btime);
  time_key(o, "Written", item.fs.mtime);
  time_key(o, "Accessed", item.fs.atime);
  o.boolean("IsDeleted", item.fs.deleted).boolean("Unallocated", item_carved(r, item));
  o.number("SourceID", static_cast<std::uint64_t>(item.source_index));
  if (!r.details.exhibit_ref.empty()) o.string("ExhibitRef", r.details.exhibit_ref);
  // The camera as this file's EXIF records it, nothing inferred (provenance indicators stay out).
  o.optional("Make", item.exif.make).optional("Model", item.exif.model).optional("SerialNumber", item.exif.serial);
  o.close();
  return out;
}

// Writes a Media object up to its MediaFiles array, which the caller fills and closes.
void open_media(JsonObject& o, const ItemRecord& item, std::uint64_t id, const CaseReport& r, VicsScope scope) {
  const std::string category = vics_category(item);
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
}

bool exported(const CaseReport& r, const ItemRecord& item, VicsScope scope) {
  if (item.media_type == MediaType::other || item.digests.sha1.empty()) return false;
  if (scope == VicsScope::graded_only && !r.graded.count(item.seq)) return false;
  return !(item.category && excluded_kind(category_kind(r.profile, *item.category)));  // as in the summary
}

using Sha1Bytes = std::array<std::uint8_t, 20>;
struct Sha1Hash {
  std::size_t operator()(const Sha1Bytes& b) const {
    std::size_t h = 0;
    std::memcpy(&h, b.data(), sizeof h);  // a digest's bytes are already uniformly spread
    return h;
  }
};

// The exported items grouped by SHA-1: groups in first-found order, instances in walk order.
// The items themselves are read again as they are written, so only their walk positions and a
// 20-byte key per digest are held.
struct ExportOrder {
  std::vector<std::uint64_t> seqs;
  std::vector<std::size_t> group_starts;  // index in seqs of each group's first item, then seqs.size()
};

ExportOrder export_order(const CaseReport& r, VicsScope scope) {
  std::unordered_map<Sha1Bytes, std::uint32_t, Sha1Hash> by_sha1;
  std::map<std::string, std::uint32_t> by_text;  // a SHA-1 that is not 40 hex digits (a damaged case)
  std::vector<std::uint64_t> walk;      // exported items in walk order
  std::vector<std::uint32_t> group_of;  // and the group of each
  r.for_each_item([&](const ItemRecord& item) {
    if (!exported(r, item, scope)) return;
    const auto next = static_cast<std::uint32_t>(by_sha1.size() + by_text.size());
    Sha1Bytes key{};
    const std::uint32_t group = parse_hex_into(item.digests.sha1, key)
                                    ? by_sha1.try_emplace(key, next).first->second
                                    : by_text.try_emplace(item.digests.sha1, next).first->second;
    if (scope == VicsScope::graded_only && group != next) return;  // hashes only: one item per digest
    walk.push_back(item.seq);
    group_of.push_back(group);
  });
  // A counting sort by group keeps walk order within each group.
  ExportOrder order;
  order.group_starts.assign(by_sha1.size() + by_text.size() + 1, 0);
  for (const std::uint32_t g : group_of) ++order.group_starts[g + 1];
  for (std::size_t g = 1; g < order.group_starts.size(); ++g) order.group_starts[g] += order.group_starts[g - 1];
  std::vector<std::size_t> fill(order.group_starts.begin(), order.group_starts.end() - 1);
  order.seqs.resize(walk.size());
  for (std::size_t i = 0; i < walk.size(); ++i) order.seqs[fill[group_of[i]]++] = walk[i];
  return order;
}

void write_sources(std::string& out, const CaseReport& r) {
  out += '[';
  for (std::size_t i = 0; i < r.sources.size(); ++i) {
    if (i) out += ',';
    JsonObject(out)
        .number("SourceID", static_cast<std::uint64_t>(r.sources[i].index))
        .string("Path", r.sources[i].path)
        .string("Kind", to_string(r.sources[i].kind));
  }
  out += ']';
}

}  // namespace

void write_vics_export(const CaseReport& r, OutputSink& sink, VicsScope scope) {
  const ExportOrder order = export_order(r, scope);

  std::string& out = sink.buffer();
  JsonObject root(out);
  root.string("@odata.context", kVicsExportContext);
  root.value("value") += '[';  // the buffer `out` continues; one Case in the array
  {
    JsonObject c(out);
    c.string("CaseID", r.details.case_ref)
        .string("ExhibitRef", r.details.exhibit_ref)
        .string("Examiner", r.details.examiner)
        .string("Organisation", r.details.organisation)
        .string("SourceApplicationName", "triage")
        .string("SourceApplicationVersion", r.run.tool_version)
        .string("CategoryProfile", r.profile_name);
    if (scope == VicsScope::all) write_sources(c.value("Sources"), r);
    c.value("Media") += '[';
    std::optional<JsonObject> open;  // the Media being written: its files follow, in walk order
    std::size_t i = 0, group = 0;
    r.for_each_item_of(order.seqs, [&](const ItemRecord& item) {
      if (i == order.group_starts[group]) {  // the first instance of the next group
        if (open) {
          if (scope == VicsScope::all) out += ']';  // MediaFiles
          open.reset();
          out += ',';
        }
        open.emplace(out);
        open_media(*open, item, ++group, r, scope);  // MediaID from 1
        if (scope == VicsScope::all) open->value("MediaFiles") += '[';
      } else {
        out += ',';
      }
      if (scope == VicsScope::all) out += media_file_json(item, r);
      ++i;
      sink.flush_if_large();
    });
    if (open) {
      if (scope == VicsScope::all) out += ']';
      open.reset();
    }
    out += ']';  // Media
  }
  out += ']';  // value
  root.close();
  out += '\n';
  sink.flush();
}

}  // namespace triage
