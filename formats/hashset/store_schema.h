#pragma once
// The schema of a hash-set store (HASHSET.db, man/triage.1 HASH-SET STORE): created with a new
// store, checked when one is opened; and its sets table read back.
#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <string>

#include "formats/hashset/hashset_store.h"
#include "formats/sqlite/sqlite_handle.h"

namespace triage::hashset {

inline constexpr int kStoreSchemaVersion = 2;

// The schema and db_info (kind triage-hashset, schema_version, created_by) of a new store.
void create_store_schema(sqlite3* db);

// The set_sizes table, in a store made before it existed (idempotent; within a transaction).
void add_set_sizes_table(sqlite3* db);

// Throws sqlite::Error when `db` is not a triage hash-set store, sqlite::SchemaVersionError when
// it is one of another schema version (both naming `file`).
void check_store_schema(sqlite3* db, const std::filesystem::path& file);

// The sets table's columns as set_from_row reads them.
extern const char* const kSetColumns;
HashSetInfo set_from_row(const sqlite::Statement& q);

// The set of that name imported from a file of that SHA-256, if any.
std::optional<HashSetInfo> find_set(sqlite3* db, const std::string& name, const std::string& sha256);

}  // namespace triage::hashset
