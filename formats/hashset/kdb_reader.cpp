// The Sleuth Kit / Autopsy SQLite hash databases (.kdb).
//
// Schema (sleuthkit tsk/hashdb/sqlite_hdb.cpp, schema version 1):
//   db_properties (name TEXT NOT NULL, value TEXT)            -- "Schema Version" = "1"
//   hashes (id INTEGER PRIMARY KEY AUTOINCREMENT, md5 BINARY(16) UNIQUE, sha1 BINARY(20),
//           sha2_256 BINARY(32))                               -- hashes stored as raw bytes
//   file_names (name TEXT NOT NULL, hash_id INTEGER NOT NULL)
//   comments (comment TEXT NOT NULL, hash_id INTEGER NOT NULL)
// Read directly with sqlite, read-only; a hash stored as hex text is taken as it is.
#include "formats/sqlite/sqlite_handle.h"
#include "core/text/hex.h"
#include "core/text/utf8.h"
#include "formats/hashset/hashset_reader.h"

namespace triage::hashset {
namespace {

// Raw digest bytes to hex; text that already is hex stays.
std::string hash_text(const std::optional<std::string>& v, std::size_t raw_size) {
  if (!v || v->empty()) return {};
  if (v->size() == raw_size) return to_hex(*v);
  return *v;
}

}  // namespace

void read_kdb(const std::filesystem::path& file, ImportSink& sink) {
  try {
    auto db = sqlite::open(immutable_sqlite_uri(file), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
    {
      sqlite::Statement q(db.get(), "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('hashes', 'db_properties')");
      if (!q.step() || q.int64(0) != 2) fail(file, {}, "an SQLite database without the TSK hashes and db_properties tables");
    }
    sqlite::Statement q(db.get(),
                        "SELECT h.md5, h.sha1, h.sha2_256, "
                        "(SELECT name FROM file_names WHERE hash_id = h.id ORDER BY name LIMIT 1), "
                        "(SELECT group_concat(comment, ', ') FROM comments WHERE hash_id = h.id) "
                        "FROM hashes h ORDER BY h.id");
    std::uint64_t row = 0;
    ImportRecord r;
    while (q.step()) {
      ++row;
      r = ImportRecord{};
      r.record.md5 = hash_text(q.optional_text(0), 16);
      r.record.sha1 = hash_text(q.optional_text(1), 20);
      r.record.sha256 = hash_text(q.optional_text(2), 32);
      r.detail.file_name = q.optional_text(3).value_or("");
      r.detail.tags = q.optional_text(4).value_or("");
      sink.add(r, {0, 0, row});
    }
  } catch (const sqlite::Error& e) {
    fail(file, {}, std::string("cannot read the TSK hash database: ") + e.what());
  }
}

}  // namespace triage::hashset
