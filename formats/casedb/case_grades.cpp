#include "formats/casedb/case_grades.h"

#include <sqlite3.h>

#include <stdexcept>

#include "formats/sqlite/sqlite_handle.h"

namespace triage {

namespace {
constexpr const char* kGradesTable =
    "CREATE TABLE IF NOT EXISTS grades (id INTEGER PRIMARY KEY, hash_type TEXT NOT NULL, hash TEXT NOT NULL, "
    "code TEXT NOT NULL, grader TEXT NOT NULL, note TEXT, graded_utc TEXT NOT NULL, source_file TEXT NOT NULL, "
    "source_line INTEGER NOT NULL)";
}  // namespace

void add_analyst_grades(const std::filesystem::path& case_db, const std::vector<AnalystGrade>& grades) {
  if (!std::filesystem::is_regular_file(case_db)) throw std::runtime_error("no case database at " + case_db.string());
  sqlite::Db db = sqlite::open(case_db.string(), SQLITE_OPEN_READWRITE);
  sqlite::exec(db.get(), "BEGIN IMMEDIATE");
  sqlite::exec(db.get(), kGradesTable);
  sqlite::Statement insert(db.get(),
                           "INSERT INTO grades(hash_type, hash, code, grader, note, graded_utc, source_file, "
                           "source_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (const AnalystGrade& g : grades)
    insert.bind_text(1, to_string(g.hash_type))
        .bind_text(2, g.hash)
        .bind_text(3, g.code)
        .bind_text(4, g.grader)
        .bind_optional(5, g.note.empty() ? std::nullopt : std::optional<std::string>(g.note))
        .bind_text(6, g.graded_utc)
        .bind_text(7, g.source_file)
        .bind(8, static_cast<std::int64_t>(g.source_line))
        .run();
  sqlite::exec(db.get(), "COMMIT");
}

}  // namespace triage
