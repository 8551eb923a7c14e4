#include "formats/casedb/output_digests.h"

#include <sqlite3.h>

#include <stdexcept>

#include "formats/sqlite/sqlite_handle.h"

namespace triage {

void record_output_digests(const std::filesystem::path& case_db, const std::vector<OutputDigest>& outputs) {
  // Never create a database here: a mistyped CASE_DIR must fail, not grow a new case.
  if (!std::filesystem::is_regular_file(case_db)) throw std::runtime_error("no case database at " + case_db.string());
  sqlite::Db db = sqlite::open(case_db.string(), SQLITE_OPEN_READWRITE);
  sqlite::exec(db.get(), "BEGIN IMMEDIATE");
  sqlite::exec(db.get(), "CREATE TABLE IF NOT EXISTS outputs (name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, "
                         "size INTEGER NOT NULL)");
  sqlite::exec(db.get(), "DELETE FROM outputs");  // an output no longer written must not stay on record
  sqlite::Statement insert(db.get(), "INSERT INTO outputs(name, sha256, size) VALUES (?, ?, ?)");
  for (const OutputDigest& o : outputs)
    insert.bind_text(1, o.name).bind_text(2, o.sha256).bind(3, static_cast<std::int64_t>(o.size)).run();
  sqlite::exec(db.get(), "COMMIT");
}

std::optional<std::vector<OutputDigest>> recorded_output_digests(const std::filesystem::path& case_db) {
  if (!std::filesystem::is_regular_file(case_db)) throw std::runtime_error("no case database at " + case_db.string());
  sqlite::Db db = sqlite::open(case_db.string(), SQLITE_OPEN_READONLY);
  if (!sqlite::has_table(db.get(), "outputs")) return std::nullopt;
  std::vector<OutputDigest> out;
  sqlite::Statement q(db.get(), "SELECT name, sha256, size FROM outputs ORDER BY name");
  while (q.step()) {
    OutputDigest o;
    o.name = q.text(0);
    o.sha256 = q.text(1);
    o.size = static_cast<std::uint64_t>(q.int64(2));
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace triage
