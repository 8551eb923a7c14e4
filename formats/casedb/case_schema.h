#pragma once
// The schema of CASE_DIR/case.db (see man/triage.1, CASE DATABASE): created with a new case,
// checked when one is opened, and the additions later versions of triage made to it.
#include <sqlite3.h>

#include <string_view>

#include "formats/sqlite/sqlite_handle.h"

namespace triage {

// 2: disk-image item facts, source integrity; 3: NTFS $FILE_NAME times, overwritten.
inline constexpr int kCaseSchemaVersion = 3;

// The schema of a new case, with db_info's schema_version and created_by.
void create_case_schema(sqlite3* db);

// Throws sqlite::SchemaVersionError unless `db` is a case of kCaseSchemaVersion; false when it
// holds no schema at all (a new, empty file).
bool check_case_schema(sqlite3* db);

// Whether `table` has `column` (columns added to the schema after its version was set).
bool has_column(sqlite3* db, std::string_view table, std::string_view column);
// Whether an items column is one of the provenance columns (prov_origin ... prov_signals).
bool is_provenance_column(std::string_view name);

// Additions to an existing case of this schema version that a writer makes when it opens one
// (indexes and tables added since the version was set).
void upgrade_case_schema(sqlite3* db);

}  // namespace triage
