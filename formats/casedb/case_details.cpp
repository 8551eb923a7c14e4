#include "formats/casedb/case_details.h"

#include <sqlite3.h>

#include <stdexcept>

#include "formats/sqlite/sqlite_handle.h"

namespace triage {

void update_case_details(const std::filesystem::path& case_db, const CaseDetails& d) {
  // Never create a database here: a mistyped CASE_DIR must fail, not grow a new case.
  if (!std::filesystem::is_regular_file(case_db)) throw std::runtime_error("no case database at " + case_db.string());
  sqlite::Db db = sqlite::open(case_db.string(), SQLITE_OPEN_READWRITE);
  sqlite::exec(db.get(), "BEGIN IMMEDIATE");
  sqlite::exec(db.get(), "CREATE TABLE IF NOT EXISTS case_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  sqlite::Statement insert(db.get(), "INSERT OR REPLACE INTO case_info(key, value) VALUES (?, ?)");
  for (const auto& [key, value] : {std::pair<const char*, const std::string&>{"case_ref", d.case_ref},
                                   {"exhibit_ref", d.exhibit_ref},
                                   {"examiner", d.examiner},
                                   {"organisation", d.organisation}})
    if (!value.empty()) insert.bind_text(1, key).bind_text(2, value).run();
  sqlite::exec(db.get(), "COMMIT");
}

}  // namespace triage
