#pragma once
// Fixture generators for the hash-set readers: synthetic, benign records (random-looking hashes
// derived from an index, made-up categories) written in each format's published layout.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "formats/hashset/hashset_reader.h"
#include "formats/hashset/hashset_store.h"
#include "tests/support/test_support.h"

namespace triage::test {

// `digits` lower-case hex digits, a deterministic function of (seed, salt).
inline std::string synthetic_hex(std::size_t digits, std::int64_t seed, std::int64_t salt = 0) {
  std::string out;
  std::uint64_t x = static_cast<std::uint64_t>(seed) * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(salt) * 0xD1B54A32D192ED03ULL + 1;
  while (out.size() < digits) {
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 29;
    out += fmt::format("{:016x}", x);
  }
  out.resize(digits);
  return out;
}

inline std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// Collects what a reader hands over, without a store.
struct CollectingSink : hashset::ImportSink {
  std::vector<ImportRecord> records;
  std::vector<std::string> rejections;
  std::vector<hashset::SourcePosition> rejected_at;
  std::string version;
  void add(ImportRecord& r, hashset::SourcePosition) override { records.push_back(r); }
  void reject(hashset::SourcePosition where, std::string_view reason) override {
    rejected_at.push_back(where);
    rejections.push_back(hashset::describe(where) + ": " + std::string(reason));
  }
  void set_version(std::string_view v) override { version = v; }
};

// Imports one file into a fresh store under `dir` and returns every record with the report.
struct Imported {
  ImportReport report;
  std::vector<HashSetRecord> records;
};

inline Imported import_one(const std::filesystem::path& dir, const std::filesystem::path& file,
                           const std::string& format = "auto") {
  auto store = HashSetStore::open_or_create(dir / "check.db");
  ImportOptions options;
  options.format = format;
  options.replace = true;
  Imported out;
  out.report = store->import_files({file}, options).at(0);
  store->for_each_record([&](const HashSetRecord& r) {
    if (r.set_id == out.report.set.id) out.records.push_back(r);
  });
  return out;
}

// SHA-256 of a file's bytes, to show that a failed import left it byte-identical.
inline std::string file_sha256(const std::filesystem::path& file) {
  const auto bytes = read_bytes(file);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

// Runs SQL on a new SQLite file (for RDS v3 and .kdb fixtures).
inline void make_sqlite(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  const std::string text = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE_MESSAGE(rc == SQLITE_OK, text);
}

}  // namespace triage::test
