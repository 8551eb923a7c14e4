// EnCase .hash and The Sleuth Kit .kdb.
#include <doctest/doctest.h>

#include <cstdlib>

#include "tests/formats/hashset/hashset_fixtures.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

void put_utf16(std::string& bytes, std::size_t offset, std::string_view ascii) {
  for (std::size_t i = 0; i < ascii.size(); ++i) bytes[offset + 2 * i] = ascii[i];
}

// An EnCase 6 .hash file in the Forensics Wiki layout: 0x480 header, then 18-byte entries.
std::string encase_file(int count, std::uint32_t stated_count) {
  std::string bytes(0x480, '\0');
  const char magic[16] = {'H', 'A', 'S', 'H', '\r', '\n', '\xff', '\0', 2, 0, 0, 0, 1, 0, 0, 0};
  bytes.replace(0, 16, magic, 16);
  for (int i = 0; i < 4; ++i) bytes[0x10 + static_cast<std::size_t>(i)] = static_cast<char>((stated_count >> (8 * i)) & 0xFF);
  put_utf16(bytes, 0x408, "Synthetic Set");
  put_utf16(bytes, 0x458, "Notable");
  for (int i = 0; i < count; ++i) {
    const std::string hex = test::synthetic_hex(32, i);
    for (std::size_t b = 0; b < 16; ++b)
      bytes += static_cast<char>(std::stoi(hex.substr(2 * b, 2), nullptr, 16));
    bytes += std::string(2, '\0');
  }
  return bytes;
}

}  // namespace

TEST_CASE("EnCase .hash: MD5 entries, the set name and category from the header") {
  test::TempDir dir;
  const auto file = dir / "set.hash";
  test::write_text(file, encase_file(5000, 5000));
  CHECK(hashset::detect_format(file) == "encase");
  CHECK(hashset::read_encase_hash_name(file) == "Synthetic Set");
  const auto imported = test::import_one(dir.path(), file);
  REQUIRE(imported.records.size() == 5000);
  CHECK(imported.report.set.name == "Synthetic Set");
  CHECK(imported.records[4321].md5 == test::synthetic_hex(32, 4321));
  CHECK(imported.records[4321].category == "Notable");
}

TEST_CASE("EnCase .hash: a count that does not fit the size is refused as unsupported") {
  test::TempDir dir;
  const auto file = dir / "odd.hash";
  test::write_text(file, encase_file(3, 7));
  test::CollectingSink sink;
  CHECK_THROWS_WITH_AS(hashset::read_encase_hash(file, sink), doctest::Contains("unsupported EnCase .hash layout"),
                       ImportError);
  test::write_text(file, encase_file(0, 0).substr(0, 0x100));
  CHECK_THROWS_WITH_AS(hashset::read_encase_hash(file, sink), doctest::Contains("truncated EnCase header"), ImportError);
}

TEST_CASE("TSK .kdb: the sleuthkit SQLite hash database schema, hashes as raw bytes") {
  test::TempDir dir;
  const auto file = dir / "known.kdb";
  std::string sql =
      "CREATE TABLE db_properties (name TEXT NOT NULL, value TEXT);"
      "INSERT INTO db_properties VALUES ('Schema Version', '1');"
      "CREATE TABLE hashes (id INTEGER PRIMARY KEY AUTOINCREMENT, md5 BINARY(16) UNIQUE, sha1 BINARY(20), "
      "sha2_256 BINARY(32));"
      "CREATE TABLE file_names (name TEXT NOT NULL, hash_id INTEGER NOT NULL, PRIMARY KEY(name, hash_id));"
      "CREATE TABLE comments (comment TEXT NOT NULL, hash_id INTEGER NOT NULL, PRIMARY KEY(comment, hash_id));"
      "CREATE INDEX md5_index ON hashes(md5);";
  for (int i = 1; i <= 6; ++i) {
    sql += fmt::format("INSERT INTO hashes (md5) VALUES (x'{}');", test::synthetic_hex(32, i));
    sql += fmt::format("INSERT INTO file_names VALUES ('f{}.bin', {});", i, i);
  }
  sql += "INSERT INTO comments VALUES ('synthetic', 2); INSERT INTO comments VALUES ('fixture', 2);";
  test::make_sqlite(file, sql);
  CHECK(hashset::detect_format(file) == "kdb");
  const auto imported = test::import_one(dir.path(), file);
  REQUIRE(imported.records.size() == 6);
  CHECK(imported.records[1].md5 == test::synthetic_hex(32, 2));
  test::CollectingSink sink;
  hashset::read_kdb(file, sink);
  CHECK(sink.records[1].detail.file_name == "f2.bin");
  CHECK(sink.records[1].detail.tags.find("synthetic") != std::string::npos);
}

TEST_CASE("format detection: an unknown SQLite database, a store, noise and an empty file are refused") {
  test::TempDir dir;
  const auto other = dir / "other.db";
  test::make_sqlite(other, "CREATE TABLE t (x);");
  CHECK_THROWS_WITH_AS(hashset::detect_format(other), doctest::Contains("neither an NSRL"), ImportError);
  HashSetStore::open_or_create(dir / "store.db");
  CHECK_THROWS_WITH_AS(hashset::detect_format(dir / "store.db"), doctest::Contains("not an export"), ImportError);
  test::write_text(dir / "noise.txt", "hello world\nthis is not a hash list\n");
  CHECK_THROWS_WITH_AS(hashset::detect_format(dir / "noise.txt"), doctest::Contains("--format"), ImportError);
  test::write_text(dir / "empty.txt", "");
  CHECK_THROWS_WITH_AS(hashset::detect_format(dir / "empty.txt"), doctest::Contains("empty file"), ImportError);
}
