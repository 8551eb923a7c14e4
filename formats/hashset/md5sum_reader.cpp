// md5sum / sha1sum / sha256sum output (GNU coreutils) and the BSD tag form.
//
// GNU (coreutils manual, md5sum invocation): "HASH  NAME" (text mode) or "HASH *NAME" (binary
// mode); a line starting with '\' has a NAME with "\\" and "\n" escaped. BSD / --tag:
// "MD5 (NAME) = HASH", also SHA1, SHA256 (and SHA2-256 style names). The algorithm follows from
// the hash length: 32 MD5, 40 SHA-1, 64 SHA-256. The tests read md5sum's and sha256sum --tag's
// own output as well as written fixtures.
#include <fmt/format.h>

#include "formats/hashset/hashset_reader.h"
#include "core/text/line_reader.h"

namespace triage::hashset {
namespace {

std::string unescape_name(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && i + 1 < name.size()) {
      const char n = name[++i];
      out += n == 'n' ? '\n' : n == 'r' ? '\r' : n;
    } else {
      out += name[i];
    }
  }
  return out;
}

// "HASH  NAME" / "HASH *NAME" / "MD5 (NAME) = HASH": the hash and the name, or false.
bool parse_line(std::string_view line, std::string_view& hash, std::string& name) {
  bool escaped = false;
  if (line.starts_with('\\')) {
    escaped = true;
    line.remove_prefix(1);
  }
  const auto open = line.find(" (");
  const auto eq = line.rfind(") = ");
  if (open != std::string_view::npos && eq != std::string_view::npos && eq > open && open > 0 &&
      line.substr(0, open).find_first_of(" \t") == std::string_view::npos && !is_hex(line.substr(0, open))) {
    hash = line.substr(eq + 4);
    name = std::string(line.substr(open + 2, eq - open - 2));
  } else {
    const auto space = line.find(' ');
    if (space == std::string_view::npos || space + 1 >= line.size()) return false;
    const char mode = line[space + 1];
    if (mode != ' ' && mode != '*') return false;
    hash = line.substr(0, space);
    name = std::string(line.substr(space + 2));
  }
  while (!hash.empty() && (hash.back() == ' ' || hash.back() == '\t')) hash.remove_suffix(1);
  if (escaped) name = unescape_name(name);
  return true;
}

}  // namespace

void read_md5sum(const std::filesystem::path& file, ImportSink& sink) {
  LineReader in(file);
  std::string_view line, hash;
  std::string name;
  ImportRecord r;
  while (in.next(line)) {
    if (line.find_first_not_of(" \t") == std::string_view::npos || line.starts_with('#')) continue;
    if (!parse_line(line, hash, name)) {
      sink.reject(in.position(), "not a \"HASH  NAME\", \"HASH *NAME\" or \"ALG (NAME) = HASH\" line");
      continue;
    }
    r = ImportRecord{};
    if (!is_hex(hash) || !assign_by_length(r.record, hash)) {
      sink.reject(in.position(), fmt::format("hash '{}' is not 32, 40 or 64 hex digits", hash.substr(0, 80)));
      continue;
    }
    r.detail.file_name = std::move(name);
    sink.add(r, in.position());
  }
}

}  // namespace triage::hashset
