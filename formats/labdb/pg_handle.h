#pragma once
// RAII over libpq connections and results (STYLE habit 12), with errors as exceptions carrying
// the server's message (PQerrorMessage / PQresultErrorMessage). Only formats/labdb/ includes libpq.
#include <libpq-fe.h>

#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "formats/labdb/pg_url.h"

namespace triage::pg {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A database holding something that is not a lab of the format this triage reads: refused, never written.
class SchemaVersionError : public Error {
 public:
  using Error::Error;
};

struct ConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;
using Result = std::unique_ptr<PGresult, ResultClearer>;

// libpq's message without its trailing newline.
std::string error_text(const char* message);

// Connects (libpq's own URL parsing, environment and service files); throws Error naming the
// URL without its password, with libpq's message.
Conn connect(const std::string& url);

// Runs one or more statements without parameters; throws Error unless each succeeded.
void exec(PGconn* conn, const char* sql);

// Runs one statement with text parameters (nullopt: NULL) and text results; throws Error unless
// it returned PGRES_COMMAND_OK or PGRES_TUPLES_OK.
Result exec_params(PGconn* conn, const char* sql, const std::vector<std::optional<std::string>>& params = {});

// Runs a query in single-row mode (one PGresult per row, so a million rows never sit in memory at
// once), calling `row(result, row_number)` for each; throws Error when the query fails.
template <typename RowFn>
void for_each_row(PGconn* conn, const char* sql, const std::vector<std::optional<std::string>>& params, RowFn&& row);

// A field of a text-format result: its bytes (empty for NULL).
inline std::string_view field(const PGresult* r, int row, int column) {
  return {PQgetvalue(r, row, column), static_cast<std::size_t>(PQgetlength(r, row, column))};
}
inline bool is_null(const PGresult* r, int row, int column) { return PQgetisnull(r, row, column) != 0; }

// bytea's hex output ("\x4142") back to its bytes; throws Error on anything else.
std::string bytea_from_hex(std::string_view text);

// COPY ... FROM STDIN in text format (PostgreSQL manual, COPY, "Text Format"): rows are built
// field by field into a buffer sent by PQputCopyData in chunks. end() finishes the COPY and
// checks its result; abort() ends it with an error so the server discards what was sent.
class CopyIn {
 public:
  CopyIn(PGconn* conn, const char* copy_sql);
  ~CopyIn();
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;

  CopyIn& text(std::string_view value);    // escaped: backslash, tab, newline, carriage return
  CopyIn& bytea(std::string_view bytes);   // any bytes, as bytea's hex input form
  CopyIn& integer(long long value);
  CopyIn& null();
  template <typename T>
  CopyIn& optional_text(const T& value) {
    return value.empty() ? null() : text(value);
  }
  void end_row();
  void end();
  void abort(const char* why);

 private:
  void field_separator();
  void flush();

  PGconn* conn_;
  std::string buffer_;
  bool row_started_ = false;
  bool open_ = true;
};

// -- template definitions --

template <typename RowFn>
void for_each_row(PGconn* conn, const char* sql, const std::vector<std::optional<std::string>>& params, RowFn&& row) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (PQsendQueryParams(conn, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0) != 1)
    throw Error(error_text(PQerrorMessage(conn)));
  PQsetSingleRowMode(conn);
  // Every result is read before anything is thrown, so that the connection stays usable.
  std::exception_ptr failure;
  while (Result r{PQgetResult(conn)}) {
    const ExecStatusType status = PQresultStatus(r.get());
    if (failure) continue;
    if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) {  // the last is empty in single-row mode
      try {
        for (int i = 0; i < PQntuples(r.get()); ++i) row(r.get(), i);
      } catch (...) {
        failure = std::current_exception();
      }
    } else {
      failure = std::make_exception_ptr(Error(error_text(PQresultErrorMessage(r.get()))));
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace triage::pg
