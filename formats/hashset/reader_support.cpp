// Helpers every hash-set reader shares (hashset_reader.h).
#include <fmt/format.h>

#include "formats/hashset/hashset_reader.h"

#include <charconv>

namespace triage::hashset {

bool assign_by_length(HashSetRecord& record, std::string_view hex) {
  switch (hex.size()) {
    case 32: record.md5 = hex; return true;
    case 40: record.sha1 = hex; return true;
    case 64: record.sha256 = hex; return true;
    default: return false;
  }
}

}  // namespace triage::hashset

namespace triage::hashset {

std::string immutable_sqlite_uri(const std::filesystem::path& file) {
  std::string uri = "file:";
  for (char c : file.string()) {
    if (c == '%' || c == '?' || c == '#') uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    else uri += c;
  }
  return uri + "?immutable=1";
}

}  // namespace triage::hashset
