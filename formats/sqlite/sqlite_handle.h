#pragma once
// RAII over sqlite3 connections and statements, with errors as exceptions carrying the
// database's message (the case store turns them into exit code 4).
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace triage::sqlite {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A database of a schema version this triage does not read (for case.db, also a file that is no
// case at all): refused with its reason, never written; a cache of that version may be rebuilt.
class SchemaVersionError : public Error {
 public:
  using Error::Error;
};

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

Db open(const std::string& file, int flags);

// The SQLite library in use ("3.40.1").
std::string library_version();
void exec(sqlite3* db, const char* sql);
// Whether the database has a table of that name (tables added to a case after its schema).
bool has_table(sqlite3* db, std::string_view name);

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind_text(int index, std::string_view value);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind_optional(int index, const std::optional<T>& value) {
    if (!value) return bind_null(index);
    if constexpr (std::is_same_v<T, std::string>) return bind_text(index, *value);
    else if constexpr (std::is_floating_point_v<T>) return bind(index, static_cast<double>(*value));
    else return bind(index, static_cast<std::int64_t>(*value));
  }
  bool step();  // true while a row is available
  void run();   // step to completion, then reset for reuse
  void reset();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;  // TEXT or BLOB bytes
  std::optional<std::string> optional_text(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::optional<double> optional_real(int column) const;
  // A BLOB in place, valid until the next step or reset (no copy per row).
  std::span<const std::uint8_t> blob(int column) const;
  // Binds bytes that the caller keeps alive and unchanged until the statement has run.
  Statement& bind_blob_view(int index, std::span<const std::uint8_t> bytes);

 private:
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt_;
};

}  // namespace triage::sqlite
