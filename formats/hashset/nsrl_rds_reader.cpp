// NIST NSRL Reference Data Sets.
//
// RDS v3 (SQLite, 2022 on): the publication's views/tables FILE (sha256, sha1, md5, crc32,
// file_name, file_size, package_id), PKG (package_id, name, version, operating_system_id,
// manufacturer_id, language, application_type) and VERSION (version, build_set, build_date,
// release_date, description); minimal builds carry DISTINCT_HASH (sha256, sha1, md5) alone or
// beside FILE. Hashes are upper-case hex text. Read directly with sqlite, read-only.
// RDS v2 (NSRLFile.txt): CSV with the header
//   "SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"
#include <fmt/format.h>

#include <set>
#include <unordered_map>

#include "formats/sqlite/sqlite_handle.h"
#include "formats/hashset/hashset_reader.h"
#include "core/text/line_reader.h"

namespace triage::hashset {
namespace {

std::set<std::string> table_names(sqlite3* db) {
  std::set<std::string> names;
  sqlite::Statement q(db, "SELECT upper(name) FROM sqlite_master WHERE type IN ('table', 'view')");
  while (q.step()) names.insert(q.text(0));
  return names;
}

std::vector<std::string> column_names(sqlite3* db, const std::string& table) {
  std::vector<std::string> names;
  sqlite::Statement q(db, "SELECT lower(name) FROM pragma_table_info(?)");
  q.bind_text(1, table);
  while (q.step()) names.push_back(q.text(0));
  return names;
}

bool has(const std::vector<std::string>& columns, std::string_view name) {
  return std::find(columns.begin(), columns.end(), name) != columns.end();
}

// "2024.12.1 (modern, 2024-12-01)" from the VERSION table, whatever of it there is.
std::string rds_version(sqlite3* db) {
  const auto cols = column_names(db, "VERSION");
  if (!has(cols, "version")) return {};
  std::string sql = "SELECT version";
  sql += has(cols, "build_set") ? ", build_set" : ", NULL";
  sql += has(cols, "release_date") ? ", release_date" : (has(cols, "build_date") ? ", build_date" : ", NULL");
  sql += " FROM VERSION LIMIT 1";
  sqlite::Statement q(db, sql);
  if (!q.step()) return {};
  std::string out = q.optional_text(0).value_or("");
  std::string extra;
  for (int c = 1; c <= 2; ++c) {
    const auto v = q.optional_text(c);
    if (!v || v->empty()) continue;
    if (!extra.empty()) extra += ", ";
    extra += *v;
  }
  if (!extra.empty()) out += " (" + extra + ")";
  return out;
}

}  // namespace

void read_nsrl_rds3(const std::filesystem::path& file, ImportSink& sink) {
  sqlite::Db db;
  std::set<std::string> tables;
  try {
    db = sqlite::open(immutable_sqlite_uri(file), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
    tables = table_names(db.get());
  } catch (const sqlite::Error& e) {
    fail(file, {}, std::string("not a readable SQLite database: ") + e.what());
  }
  try {
    if (tables.count("VERSION")) sink.set_version(rds_version(db.get()));
    const bool file_table = tables.count("FILE") > 0;
    if (!file_table && !tables.count("DISTINCT_HASH"))
      fail(file, {}, "an SQLite database without the NSRL RDS v3 FILE or DISTINCT_HASH table");
    // Product names: PKG is small (one row per package), so it is read once into a map rather
    // than joined row by row.
    std::unordered_map<std::int64_t, std::string> products;
    const auto file_cols = file_table ? column_names(db.get(), "FILE") : std::vector<std::string>{};
    const bool with_package = file_table && has(file_cols, "package_id") && tables.count("PKG");
    if (with_package) {
      const auto pkg_cols = column_names(db.get(), "PKG");
      if (has(pkg_cols, "package_id") && has(pkg_cols, "name")) {
        sqlite::Statement q(db.get(), has(pkg_cols, "version") ? "SELECT package_id, name, version FROM PKG"
                                                               : "SELECT package_id, name, NULL FROM PKG");
        while (q.step()) {
          std::string name = q.optional_text(1).value_or("");
          const std::string version = q.optional_text(2).value_or("");
          if (!version.empty()) name += " " + version;
          products.emplace(q.int64(0), std::move(name));
        }
      }
    }
    std::string sql;
    if (file_table) {
      sql = "SELECT ";
      sql += has(file_cols, "sha256") ? "sha256" : "NULL";
      sql += has(file_cols, "sha1") ? ", sha1" : ", NULL";
      sql += has(file_cols, "md5") ? ", md5" : ", NULL";
      sql += has(file_cols, "file_name") ? ", file_name" : ", NULL";
      sql += has(file_cols, "file_size") ? ", file_size" : ", NULL";
      sql += has(file_cols, "package_id") ? ", package_id" : ", NULL";
      sql += " FROM FILE";
    } else {
      sql = "SELECT sha256, sha1, md5, NULL, NULL, NULL FROM DISTINCT_HASH";
    }
    sqlite::Statement q(db.get(), sql);
    std::uint64_t row = 0;
    ImportRecord r;
    while (q.step()) {
      ++row;
      r = ImportRecord{};
      r.record.sha256 = q.optional_text(0).value_or("");
      r.record.sha1 = q.optional_text(1).value_or("");
      r.record.md5 = q.optional_text(2).value_or("");
      r.detail.file_name = q.optional_text(3).value_or("");
      if (auto size = q.optional_int64(4); size && *size >= 0) r.detail.size = static_cast<std::uint64_t>(*size);
      if (auto pkg = q.optional_int64(5)) {
        const auto it = products.find(*pkg);
        r.detail.product = it != products.end() ? it->second : std::to_string(*pkg);
      }
      sink.add(r, {0, 0, row});
    }
  } catch (const sqlite::Error& e) {
    fail(file, {}, std::string("cannot read the NSRL RDS v3 database: ") + e.what());
  }
}

void read_nsrl_rds2(const std::filesystem::path& file, ImportSink& sink) {
  LineReader in(file);
  std::string_view line;
  if (!in.next(line)) fail(file, {1, 0}, "empty file: not an NSRL RDS v2 NSRLFile.txt");
  std::vector<std::string> cells;
  if (!split_delimited(line, ',', cells) || cells.size() < 2 || lower_ascii(cells[0]) != "sha-1" ||
      lower_ascii(cells[1]) != "md5")
    fail(file, in.position(), "not an NSRL RDS v2 header (\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",...)");
  std::unordered_map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < cells.size(); ++i) column.emplace(lower_ascii(cells[i]), i);
  const auto col = [&](const char* name) {
    const auto it = column.find(name);
    return it == column.end() ? std::string::npos : it->second;
  };
  const std::size_t c_name = col("filename"), c_size = col("filesize"), c_product = col("productcode");
  ImportRecord r;
  while (in.next(line)) {
    if (line.empty()) continue;
    if (!split_delimited(line, ',', cells) || cells.size() < 2) {
      sink.reject(in.position(), "not a CSV row of NSRLFile.txt");
      continue;
    }
    r = ImportRecord{};
    r.record.sha1 = cells[0];
    r.record.md5 = cells[1];
    if (c_name < cells.size()) r.detail.file_name = cells[c_name];
    if (c_product < cells.size()) r.detail.product = cells[c_product];
    if (c_size < cells.size()) r.detail.size = parse_size(cells[c_size]);
    sink.add(r, in.position());
  }
}

}  // namespace triage::hashset
