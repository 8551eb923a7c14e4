// Plain hash lists, one hash per line (MD5, SHA-1 or SHA-256 by length; '#' starts a comment),
// and PDQ lists: "PDQ-HEX [CATEGORY]" per line, the PDQ hash as 64 hex digits (256 bits, as the
// ThreatExchange PDQ reference writes it) and an optional category code.
#include <fmt/format.h>

#include "formats/hashset/hashset_reader.h"
#include "core/text/line_reader.h"

namespace triage::hashset {
namespace {

}  // namespace

void read_plain_list(const std::filesystem::path& file, ImportSink& sink) {
  LineReader in(file);
  std::string_view line;
  ImportRecord r;
  while (in.next(line)) {
    line = trim_blanks(line);
    if (line.empty() || line.starts_with('#')) continue;
    r = ImportRecord{};
    if (!is_hex(line) || !assign_by_length(r.record, line)) {
      sink.reject(in.position(), fmt::format("'{}' is not a hash of 32, 40 or 64 hex digits", line.substr(0, 80)));
      continue;
    }
    sink.add(r, in.position());
  }
}

void read_pdq_list(const std::filesystem::path& file, ImportSink& sink) {
  LineReader in(file);
  std::string_view line;
  ImportRecord r;
  while (in.next(line)) {
    line = trim_blanks(line);
    if (line.empty() || line.starts_with('#')) continue;
    const auto space = line.find_first_of(" \t,");
    const std::string_view hash = line.substr(0, space);
    const std::string_view category = space == std::string_view::npos ? std::string_view() : trim_blanks(line.substr(space + 1));
    if (hash.size() != 64 || !is_hex(hash)) {
      sink.reject(in.position(), fmt::format("'{}' is not a PDQ hash of 64 hex digits", hash.substr(0, 80)));
      continue;
    }
    if (category.find_first_of(" \t") != std::string_view::npos) {
      sink.reject(in.position(), "more than a PDQ hash and a category on the line");
      continue;
    }
    r = ImportRecord{};
    r.record.pdq = hash;
    r.record.category = category;
    sink.add(r, in.position());
  }
}

}  // namespace triage::hashset
