#include "formats/hashset/store_schema.h"

#include <fmt/format.h>

#include "triage/version.h"

namespace triage::hashset {
namespace {

// Schema version 2 (man/triage.1, HASH-SET STORE). Version 1 stored one SQLite row per record
// with four per-column B-tree indexes; their sorts and inserts dominated large imports. Now a
// set's records go, in import order, into record_blocks (a few hundred records to a BLOB, see
// record_block.h), and a record is known by its ordinal in its set. For each digest kind, the
// set's digests are sorted once in memory with their ordinals and stored as fixed-width BLOB
// blocks (digest_blocks): `hashset lookup` finds one block by its first digest and binary-searches
// it, and a scan loads the blocks as they are into its in-memory index.
constexpr const char* kSchema = R"sql(
CREATE TABLE db_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sets (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, format TEXT NOT NULL,
  version TEXT NOT NULL, source_file TEXT NOT NULL, source_sha256 TEXT NOT NULL,
  source_size INTEGER NOT NULL, imported_utc TEXT NOT NULL, tool_version TEXT NOT NULL,
  git_commit TEXT NOT NULL, record_count INTEGER NOT NULL, rejected_records INTEGER NOT NULL,
  md5_count INTEGER NOT NULL DEFAULT 0, sha1_count INTEGER NOT NULL DEFAULT 0,
  sha256_count INTEGER NOT NULL DEFAULT 0, pdq_count INTEGER NOT NULL DEFAULT 0,
  UNIQUE (name, source_sha256));
CREATE TABLE record_blocks (
  id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL, first_ordinal INTEGER NOT NULL,
  record_count INTEGER NOT NULL, records BLOB NOT NULL);
CREATE UNIQUE INDEX record_blocks_first ON record_blocks(set_id, first_ordinal);
CREATE TABLE digest_blocks (
  id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL, kind INTEGER NOT NULL,
  first_digest BLOB NOT NULL, entry_count INTEGER NOT NULL, entries BLOB NOT NULL);
CREATE UNIQUE INDEX digest_blocks_first ON digest_blocks(set_id, kind, first_digest);
)sql";

// Added within schema version 2 (a store imported by an earlier triage lacks it, and is read as
// one whose record sizes are unknown): per set, the distinct file sizes its records with an exact
// digest state (VICS MediaSize, NSRL file_size, hashdeep size), sorted, 8 bytes little-endian
// each, and how many such records state none. A prioritised scan examines the entries of an alert
// size first (a file of any other size cannot be an exact alert).
constexpr const char* kSetSizes =
    "CREATE TABLE IF NOT EXISTS set_sizes (set_id INTEGER PRIMARY KEY, unsized INTEGER NOT NULL, "
    "sizes BLOB NOT NULL)";


}  // namespace

void create_store_schema(sqlite3* db) {
  sqlite::exec(db, kSchema);
  add_set_sizes_table(db);
  sqlite::Statement info(db, "INSERT INTO db_info(key, value) VALUES (?, ?)");
  info.bind_text(1, "kind").bind_text(2, "triage-hashset").run();
  info.bind_text(1, "schema_version").bind_text(2, std::to_string(kStoreSchemaVersion)).run();
  info.bind_text(1, "created_by").bind_text(2, fmt::format("{} {}", kToolName, kToolVersion)).run();
}

void add_set_sizes_table(sqlite3* db) { sqlite::exec(db, kSetSizes); }

void check_store_schema(sqlite3* db, const std::filesystem::path& file) {
  std::string kind, version;
  if (sqlite::has_table(db, "db_info")) {
    sqlite::Statement q(db, "SELECT key, value FROM db_info WHERE key IN ('kind', 'schema_version')");
    while (q.step()) (q.text(0) == "kind" ? kind : version) = q.text(1);
  }
  if (kind != "triage-hashset")
    throw sqlite::Error(file.string() + ": not a triage hash-set store (no db_info kind=triage-hashset)");
  if (version != std::to_string(kStoreSchemaVersion))
    throw sqlite::SchemaVersionError(fmt::format(
        "{}: a triage hash-set store of schema version {}, this triage reads version {} only{}", file.string(), version,
        kStoreSchemaVersion,
        version == "1" ? " (version 2 replaced the per-column indexes by sorted digest blocks): import its "
                         "sources again into a new store"
                       : ""));
}


const char* const kSetColumns =
    "id, name, role, format, version, source_file, source_sha256, imported_utc, tool_version, record_count, "
    "rejected_records, md5_count, sha1_count, sha256_count, pdq_count";

HashSetInfo set_from_row(const sqlite::Statement& q) {
  HashSetInfo s;
  s.id = q.int64(0);
  s.name = q.text(1);
  const std::string role = q.text(2);
  const auto parsed = parse_hash_set_role(role);
  if (!parsed) throw sqlite::Error(fmt::format("hash-set store: set {} has an unknown role '{}'", s.id, role));
  s.role = *parsed;
  s.format = q.text(3);
  s.version = q.text(4);
  s.source_file = q.text(5);
  s.source_sha256 = q.text(6);
  s.imported_utc = q.text(7);
  s.tool_version = q.text(8);
  s.record_count = static_cast<std::uint64_t>(q.int64(9));
  s.rejected_records = static_cast<std::uint64_t>(q.int64(10));
  s.md5_count = static_cast<std::uint64_t>(q.int64(11));
  s.sha1_count = static_cast<std::uint64_t>(q.int64(12));
  s.sha256_count = static_cast<std::uint64_t>(q.int64(13));
  s.pdq_count = static_cast<std::uint64_t>(q.int64(14));
  return s;
}

std::optional<HashSetInfo> find_set(sqlite3* db, const std::string& name, const std::string& sha256) {
  sqlite::Statement q(db, fmt::format("SELECT {} FROM sets WHERE name = ? AND source_sha256 = ?", kSetColumns));
  q.bind_text(1, name).bind_text(2, sha256);
  if (!q.step()) return std::nullopt;
  return set_from_row(q);
}

}  // namespace triage::hashset
