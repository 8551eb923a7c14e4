// Which hash-set format a file holds, from its first bytes (never from its name):
//   SQLite with FILE / DISTINCT_HASH           nsrl-rds3     SQLite with hashes + db_properties  kdb
//   "HASH\r\n\xff\0"                           encase        '{' (after a BOM and blanks)         vics
//   "%%%% HASHDEEP-1."                         hashdeep      "SHA-1","MD5",...                    nsrl-rds2
//   "file_id","hashset_id",...                 hashkeeper    MD5;SHA1;... (';' header)            icse
//   "HASH  NAME", "HASH *NAME", "ALG (N) = H"  md5sum        bare hashes, one a line              list
//   64 hex digits, one blank, one word         pdq
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "formats/sqlite/sqlite_handle.h"
#include "formats/hashset/hashset_reader.h"
#include "formats/hashset/vpdq_reader.h"

namespace triage::hashset {
namespace {

constexpr std::size_t kHead = 64 * 1024;

std::string sqlite_kind(const std::filesystem::path& file) {
  try {
    auto db = sqlite::open(immutable_sqlite_uri(file), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
    sqlite::Statement q(db.get(), "SELECT upper(name) FROM sqlite_master WHERE type IN ('table', 'view')");
    bool file_table = false, distinct = false, hashes = false, properties = false, db_info = false;
    while (q.step()) {
      const std::string n = q.text(0);
      file_table |= n == "FILE";
      distinct |= n == "DISTINCT_HASH";
      hashes |= n == "HASHES";
      properties |= n == "DB_PROPERTIES";
      db_info |= n == "DB_INFO";
    }
    if (file_table || distinct) return "nsrl-rds3";
    if (hashes && properties) return "kdb";
    if (db_info && HashSetStore::is_hashset_store(file)) return "triage-store";
  } catch (const sqlite::Error&) {
  }
  return "sqlite";
}

// The first non-empty line of `head` (without CR), and whether more lines follow it.
std::string_view first_line(std::string_view head) {
  while (!head.empty() && (head.front() == '\n' || head.front() == '\r')) head.remove_prefix(1);
  const auto nl = head.find('\n');
  std::string_view line = head.substr(0, nl);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool starts_with_icase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && lower_ascii(text.substr(0, prefix.size())) == lower_ascii(prefix);
}

}  // namespace

std::string detect_format(const std::filesystem::path& file) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!in) throw ImportError(file.string() + ": cannot open: " + std::strerror(errno));
  // Known videos' frame hashes are matched by coverage, not record by record: no store holds them.
  if (is_vpdq_file(file))
    throw ImportError(file.string() + ": a vPDQ frame-hash file (known videos): not imported into a store; "
                                      "give it to 'triage scan --hashset' as it is");
  std::string head(kHead, '\0');
  head.resize(std::fread(head.data(), 1, head.size(), in.get()));
  if (head.empty()) fail(file, {0, 0}, "empty file: no hash-set format to detect");

  if (head.starts_with(std::string_view("SQLite format 3\0", 16))) {
    const std::string kind = sqlite_kind(file);
    if (kind == "triage-store") fail(file, {}, "this is a triage hash-set store (HASHSET.db), not an export to import");
    if (kind == "sqlite")
      fail(file, {}, "an SQLite database that is neither an NSRL RDS v3 (FILE / DISTINCT_HASH) nor a TSK .kdb");
    return kind;
  }
  if (is_encase_hash_magic(head)) return "encase";

  std::string_view text = head;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return "vics";
  if (const void* nul = std::memchr(head.data(), '\0', head.size()); nul != nullptr)
    fail(file, {0, static_cast<std::uint64_t>(static_cast<const char*>(nul) - head.data())},
         "binary data (a NUL byte): not a hash-set format triage reads");

  const std::string_view line = first_line(text);
  if (line.starts_with("%%%% HASHDEEP-1.")) return "hashdeep";
  if (starts_with_icase(line, "\"SHA-1\",\"MD5\"")) return "nsrl-rds2";
  if (starts_with_icase(line, "\"file_id\",\"hashset_id\"") || starts_with_icase(line, "file_id,hashset_id"))
    return "hashkeeper";
  if (starts_with_icase(line, "MD5;") || starts_with_icase(line, "\"MD5\";") || starts_with_icase(line, "SHA1;"))
    return "icse";

  // Text lists: look at the first line that is not a comment.
  std::string_view rest = text;
  while (!rest.empty()) {
    std::string_view l = first_line(rest);
    const auto next = rest.find('\n', static_cast<std::size_t>(l.data() - rest.data()));
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
    if (l.empty() || l.starts_with('#')) continue;
    const auto space = l.find_first_of(" \t");
    const std::string_view token = l.substr(0, space);
    if (space == std::string_view::npos) {
      if (is_hex(token) && (token.size() == 32 || token.size() == 40 || token.size() == 64)) return "list";
      break;
    }
    if (is_hex(token) && (token.size() == 32 || token.size() == 40 || token.size() == 64) && space + 1 < l.size() &&
        (l[space + 1] == ' ' || l[space + 1] == '*'))
      return "md5sum";
    if (is_hex(token) && token.size() == 64 && l.substr(space + 1).find_first_of(" \t") == std::string_view::npos)
      return "pdq";
    const auto open = l.find(" (");
    if (open != std::string_view::npos && l.find(") = ", open) != std::string_view::npos) return "md5sum";
    break;
  }
  fail(file, {1, 0}, "not a hash-set format triage recognises (give --format to say which it is)");
}

}  // namespace triage::hashset
