#include "formats/labdb/pg_handle.h"

#include <fmt/format.h>

#include <charconv>

namespace triage::pg {

std::string error_text(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "unknown PostgreSQL error" : text;
}

bool is_url(std::string_view lab) { return lab.starts_with("postgresql://") || lab.starts_with("postgres://"); }

std::string redacted_url(std::string_view url) {
  std::string out(url);
  // libpq URL: postgresql://[user[:password]@][host][:port][/dbname][?param=value&...]
  const std::size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const std::size_t start = scheme + 3;
    const std::size_t end = out.find_first_of("/?", start);
    const std::size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= start) {
      const std::size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (std::size_t at = out.find("password="); at != std::string::npos; at = out.find("password=", at + 1)) {
    if (at > 0 && out[at - 1] != '?' && out[at - 1] != '&') continue;
    const std::size_t value = at + 9;
    const std::size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

Conn connect(const std::string& url) {
  Conn conn(PQconnectdb(url.c_str()));
  if (!conn) throw Error(fmt::format("{}: out of memory connecting", redacted_url(url)));
  if (PQstatus(conn.get()) != CONNECTION_OK)
    throw Error(fmt::format("{}: cannot connect: {}", redacted_url(url), error_text(PQerrorMessage(conn.get()))));
  return conn;
}

void exec(PGconn* conn, const char* sql) {
  // PQexec with several statements returns the last result only; an earlier failure stops the
  // rest and is that result.
  Result r(PQexec(conn, sql));
  const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw Error(error_text(PQerrorMessage(conn)));
}

Result exec_params(PGconn* conn, const char* sql, const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  Result r(PQexecParams(conn, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
  const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw Error(error_text(PQerrorMessage(conn)));
  return r;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string bytea_from_hex(std::string_view text) {
  if (!text.starts_with("\\x") || text.size() % 2 != 0) throw Error("bytea value not in hex output form");
  std::string out;
  out.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i < text.size(); i += 2) {
    const int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) throw Error("bytea value not in hex output form");
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

// -- CopyIn --

namespace {
constexpr std::size_t kCopyChunk = 1 << 20;  // bytes handed to libpq at a time
}

CopyIn::CopyIn(PGconn* conn, const char* copy_sql) : conn_(conn) {
  Result r(PQexec(conn, copy_sql));
  if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN) throw Error(error_text(PQerrorMessage(conn)));
  buffer_.reserve(kCopyChunk + 4096);
}

CopyIn::~CopyIn() {
  if (open_) abort("abandoned");
}

void CopyIn::field_separator() {
  if (row_started_) buffer_.push_back('\t');
  row_started_ = true;
}

CopyIn& CopyIn::text(std::string_view value) {
  field_separator();
  for (const char c : value) {
    switch (c) {
      case '\\': buffer_ += "\\\\"; break;
      case '\t': buffer_ += "\\t"; break;
      case '\n': buffer_ += "\\n"; break;
      case '\r': buffer_ += "\\r"; break;
      default: buffer_.push_back(c);
    }
  }
  return *this;
}

CopyIn& CopyIn::bytea(std::string_view bytes) {
  // bytea's hex input "\x4142", its backslash doubled for COPY's text format.
  static constexpr char kHex[] = "0123456789abcdef";
  field_separator();
  buffer_ += "\\\\x";
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    buffer_.push_back(kHex[b >> 4]);
    buffer_.push_back(kHex[b & 15]);
  }
  return *this;
}

CopyIn& CopyIn::integer(long long value) {
  field_separator();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  buffer_.append(digits, end);
  return *this;
}

CopyIn& CopyIn::null() {
  field_separator();
  buffer_ += "\\N";
  return *this;
}

void CopyIn::end_row() {
  buffer_.push_back('\n');
  row_started_ = false;
  if (buffer_.size() >= kCopyChunk) flush();
}

void CopyIn::flush() {
  if (buffer_.empty()) return;
  if (PQputCopyData(conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1)
    throw Error(error_text(PQerrorMessage(conn_)));
  buffer_.clear();
}

void CopyIn::end() {
  flush();
  open_ = false;
  if (PQputCopyEnd(conn_, nullptr) != 1) throw Error(error_text(PQerrorMessage(conn_)));
  std::string failure;
  while (Result r{PQgetResult(conn_)})
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && failure.empty())
      failure = error_text(PQresultErrorMessage(r.get()));
  if (!failure.empty()) throw Error(failure);
}

void CopyIn::abort(const char* why) {
  open_ = false;
  buffer_.clear();
  PQputCopyEnd(conn_, why);  // the server fails the COPY with this message; the transaction is then rolled back
  while (Result r{PQgetResult(conn_)}) {
  }
}

}  // namespace triage::pg
